"""Evidence.from_proof: one road from every prover outcome to evidence."""
from __future__ import annotations

import pytest
import sympy

from paper_checks.evidence import Evidence
from paper_checks.prover import closures, prove_expr

x = sympy.Symbol("x", real=True)


@pytest.mark.slow
def test_every_outcome_has_its_evidence(monkeypatch):
    proved = Evidence.from_proof(prove_expr(x * (1 - x), {x: (0, 1)}, seconds=10), holds="x (1 - x) >= 0")
    assert proved.verdict == "proved" and proved.method == "prover" and "proof" in proved.numbers
    bad = prove_expr((x - sympy.Rational(1, 3)) ** 2 - sympy.Rational(1, 10**12), {x: (0, 1)}, seconds=10)
    refuted = Evidence.from_proof(bad, holds="the bound")
    assert refuted.verdict == "refuted" and refuted.counterexample["point"] == {"x": "1/3"}
    assert "the bound fails" in refuted.summary
    y, z = sympy.symbols("y z", real=True)
    # 0 on the plane x + y = sqrt(3) z, to order 4: undecided in 5 boxes without the one combination, which proves it as
    # a function of x + y - sqrt(3) z. Three coordinates: in two (x - sqrt(2) y on the square) z3 over Taylor models
    # of the piece proves it at once, soundly (exp(u) >= 1 + u + u^2/2 + u^3/6 + K u^4, K > 0)
    stage = closures.for_stage
    monkeypatch.setattr(closures, "for_stage", lambda name: tuple(m for m in stage(name) if m.name != "OneCombination"))
    u = x + y - sympy.sqrt(3) * z
    open_ = prove_expr(sympy.exp(u) + sympy.exp(-u) - 2 - u ** 2, {x: (0, 1), y: (0, 1), z: (0, 1)}, budget=5,
                       seconds=10)
    assert open_.outcome == "undecided"
    inc = Evidence.from_proof(open_, holds="cosh(x + y - sqrt(3) z) >= 1 + (x + y - sqrt(3) z)^2 / 2")
    assert inc.verdict == "inconclusive" and open_.reason[:40] in inc.summary


def test_an_undefined_margin_is_inconclusive_with_its_point():
    res = prove_expr(x**x + sympy.Rational(1, 2), {x: (-1, 1)}, seconds=30)
    ev = Evidence.from_proof(res, holds="x^x >= -1/2")
    assert res.outcome == "undefined" and ev.verdict == "inconclusive"
    assert "undefined on part of its domain" in ev.summary and "not real" in ev.summary


def test_from_proof_refuses_what_is_not_a_proof_result():
    with pytest.raises(ValueError):
        Evidence.from_proof(object(), holds="x")


def test_a_proof_names_its_domain_and_a_narrower_one_as_a_narrower_statement():
    """Issue 57, item 1: given the space proved on, the summary names its domain; one narrower than the
    statement's reads as a proof of that narrower statement, and the rows go into the numbers."""
    from paper_checks.search.params import Real, SearchSpace

    res = prove_expr(x * (1 - x), {x: (0, 1)}, seconds=10)
    own = SearchSpace((Real("x", 0, 1),), lambda p: 0.0)
    ev = Evidence.from_proof(res, holds="x (1 - x) >= 0", space=own)
    assert "Proved: x (1 - x) >= 0 on x in [0, 1], over " in ev.summary and ev.numbers["domain"][0]["range"] == "[0, 1]"
    wider = SearchSpace((Real("x", 0, 1),), lambda p: 0.0, statement_domain={"x": "every real x"})
    ev = Evidence.from_proof(res, holds="x (1 - x) >= 0", space=wider)
    assert ("only on a domain narrower than the statement's (x in [0, 1] (statement: every real x)), a proof of "
            "that narrower statement" in ev.summary)
