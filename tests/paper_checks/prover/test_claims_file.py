"""A researcher's claims file whose prover claims are the three kinds that stayed undecided before issue 28:
a max of affine pieces (a hinge-type symmetric sum), a class-sum bound tight at the barycentre (GCE,
Zhang & Sabuncu 2018, Eq. 7) and a Taylor remainder with a zero of order t + 1 at p = 1. Each ends proved."""
from __future__ import annotations

import textwrap

import pytest

from paper_checks import api

CLAIMS = textwrap.dedent('''
    """Three prover claims (a test's claims file)."""
    import sympy

    from paper_checks.api import Evidence, Real, SearchSpace, SimplexPoint, claim, paper, prove, recheck

    PAPER = paper("prover28", authors="A. Researcher", year=2026, title="Three tight inequalities",
                  venue="a test", source="test")


    def _space(params, exact, what):
        return SearchSpace(params, lambda p: float(sympy.N(exact(p))), exact, description=what)


    def _decide(space, holds):
        res = prove(space, 20000, 60)
        assert res.outcome != "proved" or recheck(res.certificate, space) == []
        return Evidence.from_proof(res, holds=holds)


    @claim("prover28.hinge_sum", source="test", statement="max(0, 1 - t) + max(0, 1 + t) >= 2 on [-3, 3]",
           expected="proved", method="prover")
    def hinge_sum(ctx):
        hinge = lambda t: sympy.Max(0, 1 - t)
        return _decide(_space((Real("t", -3.0, 3.0),), lambda p: hinge(p["t"]) + hinge(-p["t"]) - 2,
                              "hinge symmetric sum"), "the hinge's symmetric sum is at least 2")


    @claim("prover28.class_sum", source="test", statement="sum_j L_q(f_j) >= (c - c^(1-q))/q, c = 3",
           expected="proved", method="prover")
    def class_sum(ctx):
        def exact(p):
            q = p["q"]
            return sum((1 - v ** q) / q for v in p["f"]) - (3 - 3 ** (1 - q)) / q
        return _decide(_space((SimplexPoint("f", 3), Real("q", 0.25, 0.75)), exact, "GCE class sum"),
                       "Eq. 7's lower bound (c = 3)")


    @claim("prover28.taylor", source="test", statement="-log p >= sum_(k<=3) (1-p)^k / k on (0, 1]",
           expected="proved", method="prover")
    def taylor(ctx):
        exact = lambda p: -sympy.log(p["p"]) - sum((1 - p["p"]) ** k / k for k in range(1, 4))
        return _decide(_space((Real("p", 0.0, 1.0, open_low=True),), exact, "Taylor remainder"),
                       "the Taylor remainder of -log p at 1 is >= 0")
''')


@pytest.mark.slow  # about 1 s or more: out of README's quick command, in CI's slow run
def test_the_three_kinds_end_proved(tmp_path):
    path = tmp_path / "prover28_claims.py"
    path.write_text(CLAIMS)
    results = api.run(papers=["prover28"], modules=[str(path)])
    verdicts = {r.claim.id: r.evidence.verdict for r in results}
    assert verdicts == {"prover28.hinge_sum": "proved", "prover28.class_sum": "proved", "prover28.taylor": "proved"}
    assert all(r.matches for r in results)
