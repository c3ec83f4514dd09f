"""``explore --prove`` under its limits (issue 29): ``--timeout`` bounds the whole command, even where the
prover cannot interrupt itself (a margin that never returns), and ``--prove-seconds`` is finite and positive."""
from __future__ import annotations

import math
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import sympy

from paper_checks.cli import main
from paper_checks.commands.explore import _counterexample
from paper_checks.search.params import Real, SearchSpace

ROOT = Path(__file__).resolve().parents[3]

NEVER_ENDS = textwrap.dedent('''
    import hashlib

    from paper_checks.api import Real, SearchSpace, claim, paper

    paper("hang29", authors="A. Tester", year=2026, title="A margin that never returns", venue="none",
          source="none")


    def space():
        def exact(pt):
            # tracing it on symbols never returns, in one C call that no alarm interrupts (a Python loop would be:
            # the prover's own net stops any Python line since issue 68): only the command's --timeout stops it
            hashlib.pbkdf2_hmac("sha256", b"never", b"ends", 2**31 - 1)

        return SearchSpace((Real("x", 0, 1),), lambda pt: 1.0, exact, description="never ends")


    @claim("hang29.never", source="none", method="search", expected="inconclusive", space=space,
           statement="Its exact margin never returns.")
    def never(ctx):
        raise NotImplementedError
''')


def _explore_never(path: Path, claims: str, timeout: str, prove_seconds: str) -> subprocess.CompletedProcess[str]:
    """``explore hang29.never --prove`` on the claims file ``claims`` (written at ``path``), in a fresh process."""
    path.write_text(claims)
    return subprocess.run([sys.executable, "-m", "paper_checks", "explore", "hang29.never", "--prove", "--timeout",
                           timeout, "--prove-seconds", prove_seconds, "--module", str(path)],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)


@pytest.mark.slow  # about 1 s or more: out of README's quick command, in CI's slow run
def test_timeout_bounds_explore_prove_even_when_the_prover_cannot_stop_itself(tmp_path):
    p = _explore_never(tmp_path / "hang_claims.py", NEVER_ENDS, "2", "600")
    assert p.returncode == 4, p.stderr
    assert "=> undecided: explore's --timeout of 2 s ran out" in p.stdout and "Traceback" not in p.stderr


@pytest.mark.slow
def test_a_margin_that_loops_in_python_is_stopped_by_the_prover_s_own_net(tmp_path):
    """The complement: a margin that never returns in Python lines is interrupted by the prover's one net (issue 68),
    within a --timeout far off: undecided, interrupted, the net's reason (not --timeout's)."""
    looping = NEVER_ENDS.replace('hashlib.pbkdf2_hmac("sha256", b"never", b"ends", 2**31 - 1)',
                                 "while True:\n                pass")
    assert looping != NEVER_ENDS
    p = _explore_never(tmp_path / "loop_claims.py", looping, "120", "1")
    assert p.returncode == 4, p.stderr
    assert "=> undecided: interrupted by the wall-clock net of 1 s" in p.stdout and "Traceback" not in p.stderr


@pytest.mark.parametrize("seconds", ["inf", "nan", "-1", "0"])
def test_prove_seconds_must_be_finite_and_positive(seconds, capsys):
    assert main(["explore", "gce18.eq7_bounds", "--prove", "--prove-seconds", seconds]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--prove-seconds: must be a finite, positive number of seconds" in err


@pytest.mark.slow
def test_a_real_parameter_can_be_pinned(capsys):
    """``--set q=1`` (or ``q=1..1``) pins a Real: the search samples that value, the prover substitutes it (issue 28);
    a value at an excluded end or a NaN is a one-line error."""
    assert main(["explore", "gce18.eq7_bounds", "--budget", "100", "--set", "q=0.5..0.5", "--quiet"]) == 0
    assert main(["explore", "gce18.eq7_bounds", "--prove", "--set", "q=1", "--set", "c=2",
                 "--prove-seconds", "60"]) == 0
    assert "=> proved" in capsys.readouterr().out
    for bad in ("q=0", "q=nan", "q=0.7..0.2"):
        assert main(["explore", "gce18.eq7_bounds", "--set", bad]) == 2
        err = capsys.readouterr().err
        assert err.startswith("error: ") and err.count("\n") == 1


class _Stop(BaseException):
    """Ends a command at the point a test looks at."""


def test_prove_seconds_count_from_the_prover_s_start(monkeypatch):
    """``--prove-seconds`` is the prover's one net, counted from the prover's own start, not the command's (issue 68:
    at load 50 the imports ate a net counted from the command's start, and the result read "came at work 0"): a
    command begun 100 s ago with ``--prove-seconds 60`` hands the prover its 60 s. Read, not raced."""
    import time

    from paper_checks.commands import explore

    given: list[float] = []

    def stoppable(fn, seconds, budget, units, **kw):
        given.append(seconds)
        raise _Stop

    monkeypatch.setattr(explore, "stoppable", stoppable)
    with pytest.raises(_Stop):
        main(["explore", "gce18.thm1_uniform", "--prove", "--prove-seconds", "60", "--quiet"],
             begun=time.monotonic() - 100)
    assert given == [60.0]


def test_explore_and_prove_claim_give_a_claim_the_same_work_budget(monkeypatch):
    """One rule decides a proof's work at every door (issue 68, item 6): ``explore le19.margin_robust --prove`` and
    ``api.prove_claim("le19.margin_robust")`` both give it the budget its domain declares (it was 149.99 and 5.99)."""
    from paper_checks import api
    from paper_checks.commands import explore

    given: list[float] = []

    def stoppable(fn, seconds, budget, units, **kw):
        given.append(units)
        raise _Stop

    monkeypatch.setattr(explore, "stoppable", stoppable)
    monkeypatch.setattr(api, "stoppable", stoppable)
    with pytest.raises(_Stop):
        main(["explore", "le19.margin_robust", "--prove", "--quiet"])
    with pytest.raises(_Stop):
        api.prove_claim("le19.margin_robust")
    from paper_checks.registry import load

    declared = load()["le19.margin_robust"].space().proof_work
    assert declared > 6 and given == [declared, declared]


WEAKER = textwrap.dedent('''
    from paper_checks.api import Real, SearchSpace, claim, paper

    paper("weak57", authors="A. Tester", year=2026, title="A strict claim and a non-strict margin", venue="none",
          source="none")


    def space(proves):
        return lambda: SearchSpace((Real("x", 0, 1),), lambda pt: pt["x"] ** 2, lambda pt: pt["x"] ** 2,
                                   description="x^2", proves=proves)


    @claim("weak57.strict", source="none", method="symbolic", expected="qualified", statement="x^2 > 0 on [0, 1].",
           space=space("x^2 >= 0 on [0, 1], not the strict x^2 > 0 of the statement (false at x = 0)"))
    def strict(ctx):
        raise NotImplementedError


    @claim("weak57.plain", source="none", method="symbolic", expected="proved", statement="x^2 >= 0 on [0, 1].",
           space=space(""))
    def plain(ctx):
        raise NotImplementedError
''')


@pytest.mark.slow
def test_a_proof_of_a_weaker_margin_says_what_it_proved_and_no_more(tmp_path, capsys, isolated_registry):
    """Issue 57: where a claim's margin declares that ``margin >= 0`` is weaker than its statement
    (``SearchSpace.proves``), ``explore --prove`` prints that weaker statement as what was proved, never the
    statement, and points to run's verdict; a margin that is the statement keeps the plain line."""
    import json

    claims = tmp_path / "weak_claims.py"
    claims.write_text(WEAKER)
    out_json = tmp_path / "proof.json"
    assert main(["explore", "weak57.strict", "--prove", "--module", str(claims), "--prove-seconds", "20",
                 "--json", str(out_json)]) == 0
    out = capsys.readouterr().out
    assert "margin >= 0 on the whole domain would prove only: x^2 >= 0 on [0, 1], not the strict" in out
    assert "(negative where the claim fails)" not in out
    verdict = next(line for line in out.splitlines() if line.startswith("=> "))
    assert verdict.startswith("=> proved: x^2 >= 0 on [0, 1], not the strict x^2 > 0")
    assert "not the statement above" in verdict and "recorded as qualified" in verdict
    assert "the margin is >= 0 on the whole declared domain" not in verdict
    assert f"run --claim weak57.strict --module {claims}" in verdict  # the rerun names the user's claims file
    doc = json.loads(out_json.read_text())
    assert doc["margin_proves"].startswith("x^2 >= 0 on [0, 1], not the strict")
    # the domain proved on, in the JSON and in the certificate, and printed above the proof (issue 57, item 1)
    assert doc["domain"] == doc["proof"]["certificate"]["domain"] and doc["domain"][0]["range"] in out
    assert doc["narrower_than_statement"] == "" and "\ndomain:\n  " in out
    assert main(["explore", "weak57.plain", "--prove", "--module", str(claims), "--prove-seconds", "20"]) == 0
    out = capsys.readouterr().out
    assert "margin: x^2 (negative where the claim fails)" in out and "would prove only" not in out
    assert "=> proved: the margin is >= 0 on the whole declared domain (" in out


def test_the_proved_line_names_the_narrowed_domain():
    """A proof on a domain narrowed by ``--set``, or declared narrower than the statement's, says so and names the
    coordinates, whether or not the margin declares a weaker statement (issue 57, item 1)."""
    from types import SimpleNamespace

    from paper_checks.commands.explore import proved_line
    from paper_checks.search.params import Real, SearchSpace

    c = SimpleNamespace(id="x.y", expected="qualified", origin="paper_checks.papers.x")
    cert = {"boxes": 3, "pieces": 1, "smallest_lower_bound": 0.0, "tight_boundaries": 1, "methods": {"point": 3}}
    plain = SearchSpace((Real("q", 0, 2),), lambda p: 0.0)
    weaker = SearchSpace((Real("q", 0, 2),), lambda p: 0.0, proves="a weaker statement")
    assert proved_line(c, plain, {}, cert).startswith("=> proved: the margin is >= 0 on the whole declared domain (")
    line = proved_line(c, plain.narrowed({"q": "1"}), {"q": "1"}, cert, plain)
    assert "only on a domain narrower than the statement's (q = 1 (declared: [0, 2]))" in line
    assert "a proof of that narrower statement, not of the paper's" in line
    line = proved_line(c, weaker.narrowed({"q": "1"}), {"q": "1"}, cert, weaker)
    assert line.startswith("=> proved: a weaker statement, only on a domain narrower than the statement's (q = 1 ")
    assert "recorded as qualified (python -m paper_checks run --claim x.y)" in line
    stated = SearchSpace((Real("q", 0, 2),), lambda p: 0.0, statement_domain={"q": "every q >= 0"})
    line = proved_line(c, stated, {}, cert)
    assert "(q in [0, 2] (statement: every q >= 0)): a proof of that narrower statement" in line


REDUCED = textwrap.dedent('''
    import math

    from paper_checks.api import Integer, Real, SearchSpace, SimplexPoint, claim, paper, separable_sum_bounds

    paper("red57", authors="A. Tester", year=2026, title="A class sum for every c", venue="none", source="none")


    def space(sign):
        def margin(pt):
            c = int(pt["c"])
            f = list(pt["f"][: c - 1]) + [1 - sum(pt["f"][: c - 1])]
            s = sign * sum(v * v for v in f)
            lo, hi = (1 / c, 1) if sign > 0 else (-1, -1 / c)
            return min(s - lo, hi - s)

        red = separable_sum_bounds(psi=lambda t, x: sign * x["a"] * t**2,
                                   lower=lambda c, x: x["a"] / c if sign > 0 else -x["a"],
                                   upper=lambda c, x: x["a"] if sign > 0 else -x["a"] / c,
                                   others=(Real("a", 1, 1),), what=f"{sign} a t^2")
        return lambda: SearchSpace((Integer("c", 2, 3), SimplexPoint("f", 3)), margin, margin, folds={"f": "c"},
                                   statement_domain={"c": "every c >= 2"}, reduction=red,
                                   description="min(S - lower, upper - S)")


    @claim("red57.convex", source="none", method="symbolic", expected="proved", space=space(1),
           statement="1/c <= sum_j f_j^2 <= 1 on the simplex, every c >= 2.")
    def convex(ctx):
        raise NotImplementedError


    @claim("red57.concave", source="none", method="symbolic", expected="proved", space=space(-1),
           statement="-1 <= -sum_j f_j^2 <= -1/c on the simplex, every c >= 2.")
    def concave(ctx):
        raise NotImplementedError
''')


@pytest.mark.slow
def test_a_reduction_proves_the_statement_s_own_domain_only_when_every_step_is_proved(tmp_path, capsys,
                                                                                      isolated_registry):
    """Issue 57: a space that declares a reduction (Karamata's, for a separable class sum) is proved on the statement's
    own domain when every step is, each step's certificate recorded; where a step is not (``-t^2`` is not convex,
    so the reduction as declared does not apply), ``explore --prove`` says so and proves the searched domain, which
    it prints as narrower than the statement's."""
    import json

    claims = tmp_path / "red_claims.py"
    claims.write_text(REDUCED)
    out_json = tmp_path / "proof.json"
    assert main(["explore", "red57.convex", "--prove", "--module", str(claims), "--prove-seconds", "30",
                 "--json", str(out_json)]) == 0
    out = capsys.readouterr().out
    assert "domain proved: the statement's own, through a reduction" in out and "  c: every integer c >= 2" in out
    assert "Karamata's inequality" in out and "=> proved: the statement, on the statement's own domain" in out
    doc = json.loads(out_json.read_text())
    assert doc["narrower_than_statement"] == "" and doc["domain"][0]["range"] == "every integer c >= 2"
    steps = doc["proof"]["steps"]
    assert [s["name"] for s in steps] == ["convex", "barycentre", "vertex"]
    assert all(s["outcome"] == "proved" and s["certificate"]["domain"] for s in steps)
    main(["explore", "red57.concave", "--prove", "--module", str(claims), "--prove-seconds", "30"])
    out = capsys.readouterr().out
    assert "the reduction (Karamata's inequality) was not proved: its step 'convex'" in out
    assert "domain proved: the statement's own" not in out and "c = 2..3   (statement: every c >= 2)" in out
    assert "=> proved: the statement, on the statement's own domain" not in out


def test_a_counterexample_off_the_integers_of_a_real_relaxation_refutes_nothing(capsys):
    """Issue 57: where a ``Real`` holds the statement's integers (``relaxed``), a verified failure at a value that is
    no integer is printed as the relaxation's only, ``undecided`` (exit 4); at an integer it is a counterexample."""
    space = SearchSpace((Real("c", 2.0, math.inf),), lambda pt: 0.0, relaxed={"c": "every integer c >= 2"})
    assert _counterexample(space, {"c": sympy.Rational(5, 2)}, sympy.Rational(-1, 2), -0.5) == 4
    out = capsys.readouterr().out
    assert "counterexample of the real relaxation only" in out and "=> undecided: c = 5/2 is no integer" in out
    assert _counterexample(space, {"c": sympy.Integer(3)}, sympy.Rational(-1, 2), -0.5) == 1
    assert "relaxation" not in capsys.readouterr().out


NEEDS_MORE = textwrap.dedent('''
    from paper_checks.api import Real, SearchSpace, claim, paper

    paper("work60", authors="A. Tester", year=2026, title="A proof that needs more", venue="none", source="none")


    def space():
        return SearchSpace((Real("x", 0, 1),), lambda pt: float(pt["x"]), lambda pt: pt["x"], description="x",
                           proof_work=9.0)


    @claim("work60.more", source="none", method="search", expected="inconclusive", space=space,
           statement="x >= 0 on [0, 1].")
    def more(ctx):
        raise NotImplementedError
''')


@pytest.mark.slow  # a module of claims loaded and two proofs: about 1 s
def test_a_domain_s_declared_proof_work_is_explore_s_default_budget(tmp_path, capsys, isolated_registry):
    """Issue 60: a domain that declares the work its proof needs (``proof_work``) gets it from ``explore --prove``
    unless ``--prove-work`` says otherwise; the net scales with it (6 s a unit), and the JSON records the budget."""
    import json

    claims = tmp_path / "more_claims.py"
    claims.write_text(NEEDS_MORE)
    for extra, budget in (([], 9.0), (["--prove-work", "2"], 2.0)):
        out_json = tmp_path / f"proof{budget:g}.json"
        assert main(["explore", "work60.more", "--prove", "--module", str(claims), "--json", str(out_json),
                     *extra]) == 0
        assert json.loads(out_json.read_text())["proof"]["work_budget"] == budget
        assert f"of {budget:g} units" in capsys.readouterr().out


@pytest.mark.parametrize("bad", [-1.0, math.inf, math.nan, True, "6"])
def test_proof_work_is_a_finite_number_of_units(bad):
    with pytest.raises(ValueError, match="proof_work must be a finite number of work units"):
        SearchSpace((Real("x", 0, 1),), lambda pt: 0.0, proof_work=bad)


@pytest.mark.slow
def test_a_reduction_s_json_says_whether_it_decides_the_statement(tmp_path, capsys):
    """Issue 65: ``explore ghosh17.uniform_tolerance --prove --json`` said ``narrower_than_statement: ""`` while the
    reduction proved MAE only. Now its reduction is Ghosh et al.'s argument for every symmetric loss, premises proved
    for symbolic c or cited: decided; and a reduction whose premise is text only (checked at points) is not."""
    import json

    from paper_checks.commands import explore as ex
    from paper_checks.papers.ghosh17 import claims as ghosh

    out_json = tmp_path / "g.json"
    assert main(["explore", "ghosh17.uniform_tolerance", "--prove", "--quiet", "--json", str(out_json)]) == 0
    doc = json.loads(out_json.read_text())
    assert doc["statement_decided"] and doc["narrower_than_statement"] == "" and doc["domain"][0]["kind"] == "statement"
    assert "=> proved: the statement, on the statement's own domain" in capsys.readouterr().out
    real = ghosh.uniform_tolerance_reduction()
    loose = type(real)(real.theorem, real.source, real.domain, real.steps, premises="checked at c = 2..4")
    original = ghosh.uniform_tolerance_reduction
    try:
        ghosh.uniform_tolerance_reduction = lambda: loose
        space = ghosh.uniform_tolerance_space()
    finally:
        ghosh.uniform_tolerance_reduction = original
    assert space.reduction is loose
    import argparse

    args = argparse.Namespace(budget=4000, prove_work=6.0, seed=0, json=tmp_path / "l.json")
    from paper_checks.registry import load

    claim = load()["ghosh17.uniform_tolerance"]
    # _prove_reduction is given its steps' results (issue 68: the steps run in explore's stoppable child, through
    # _proofs), no longer the seconds to prove them in: here they run in this process, under the same net
    steps, rest = ex._proofs(space, args, 60.0, True)
    assert rest is None and [r.outcome for r in steps] == ["proved"] * len(space.reduction.steps)
    assert ex._prove_reduction(claim, space, args, steps)[0] == 0
    doc = json.loads((tmp_path / "l.json").read_text())
    assert not doc["statement_decided"] and "premises checked at points only" in doc["narrower_than_statement"]
    assert "but not the statement itself" in capsys.readouterr().out
