"""Polynomial and rational margins decided by real-root isolation and z3, models verified exactly."""
from __future__ import annotations

import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import pytest
import sympy

from paper_checks.prover import prove, prove_expr, recheck
from paper_checks.prover.algebraic.solver import problem, recheck_problem, roots_decide, z3_decide
from tests.paper_checks.prover._spaces import real_space

ROOT = Path(__file__).resolve().parents[4]

x, y, z = sympy.symbols("x y z", real=True)
R = sympy.Rational
F = Fraction


def _proved(res, space):
    assert res.outcome == "proved", (res.reason, res.remaining)
    assert recheck(res.certificate, space) == []
    return res.certificate


def test_real_roots_in_one_variable():
    box = [(F(0), F(1))]
    assert roots_decide(problem(x * (1 - x), [x], box, [])) is True
    assert roots_decide(problem((x - R(1, 3)) ** 2, [x], box, [])) is True  # a double root inside
    assert roots_decide(problem((x - R(1, 3)) ** 2 - R(1, 10**40), [x], box, [])) is False
    assert roots_decide(problem((x - R(1, 2)) ** 3, [x], box, [])) is False


def test_fractional_powers_are_substituted(without_z3_first):
    """sqrt(x) - x on [0, 1] is t - t^2 with x = t^2 (a power touching 0 defeats intervals)."""
    pr = problem(sympy.sqrt(x) - x, [x], [(F(0), F(1))], [])
    assert pr is not None and pr.roots == {0: 2} and roots_decide(pr) is True
    space = real_space(lambda x: sympy.sqrt(x) - x, ("x", 0, 1))
    assert _proved(prove(space, 100, 10), space).methods() == {"real roots": 1}


def test_polynomial_classics_are_proved_by_z3():
    """Motzkin's polynomial, AM-GM for three variables (x^3 + y^3 + z^3 >= 3xyz) and (x - y)^2 expanded."""
    cases = [(lambda x, y: x**4 * y**2 + x**2 * y**4 - 3 * x**2 * y**2 + 1, (("x", -2, 2), ("y", -2, 2))),
             (lambda x, y, z: x**3 + y**3 + z**3 - 3 * x * y * z, (("x", 0, 2), ("y", 0, 2), ("z", 0, 2))),
             (lambda x, y: x * x - 2 * x * y + y * y, (("x", 0, 1), ("y", 0, 1)))]
    for fn, bounds in cases:
        space = real_space(fn, *bounds)
        _proved(prove(space, 100, 20), space)


def test_a_dip_beside_an_irrational_point_is_found_and_verified():
    """(x^2 - 2)^2 + y^2 - 10^-50 dips below 0 only within ~1e-25 of (sqrt 2, 0): z3's algebraic model,
    rounded to a rational, verified exactly."""
    res = prove_expr((x**2 - 2) ** 2 + y**2 - R(1, 10**50), {x: (0, 2), y: (0, 2)}, seconds=20)
    assert res.outcome == "counterexample"
    pt = res.counterexample
    assert (pt["x"] ** 2 - 2) ** 2 + pt["y"] ** 2 - R(1, 10**50) < 0


def test_z3_unsat_and_the_independent_recheck():
    pr = problem(x**2 + y**2 - 2 * x * y, [x, y], [(F(-1), F(1)), (F(-1), F(1))], [])
    assert z3_decide(pr, 5000)[0] == "unsat" and recheck_problem(pr, "z3") == ""
    bad = problem(x**2 + y**2 - 3 * x * y, [x, y], [(F(0), F(1)), (F(0), F(1))], [])
    outcome, cands = z3_decide(bad, 5000)
    assert outcome == "sat" and recheck_problem(bad, "z3")
    assert all(c[0] ** 2 + c[1] ** 2 - 3 * c[0] * c[1] < 0 for c in cands)


def test_recheck_catches_a_problem_that_is_not_the_margin(without_z3_first):
    space = real_space(lambda x, y: x * x - 2 * x * y + y * y + R(1, 10), ("x", 0, 1), ("y", 0, 1))
    res = prove(space, 100, 10)
    cert = _proved(res, space)
    (key, pr), = cert.problems.items()
    cert.problems[key] = problem(x * x + y * y, pr.vars, pr.box, [])
    assert any("not the margin" in p for p in recheck(cert, space))


def test_piecewise_margins_are_decided_by_their_branches(without_z3_first):
    """The ramp loss's symmetric sum is 1 (margin identically 0), the hinge's is >= 2, the triangle
    inequality; intervals lose the cancellation between the branches, z3 with if-then-else does not."""
    ramp = lambda t: sympy.Min(1, sympy.Max(0, (1 - t) / 2))  # noqa: E731
    hinge = lambda t: sympy.Max(0, 1 - t)  # noqa: E731
    cases = [(lambda x: ramp(x) + ramp(-x) - 1, (("x", -3, 3),)),
             (lambda x: hinge(x) + hinge(-x) - 2, (("x", -2, 2),)),
             (lambda x, y: sympy.Abs(x - y) - sympy.Abs(x) + sympy.Abs(y), (("x", -1, 1), ("y", -1, 1)))]
    for fn, bounds in cases:
        space = real_space(fn, *bounds)
        assert _proved(prove(space, 100, 10), space).methods() == {"z3 branches": 1}
    bad = prove_expr(sympy.Abs(x) - x - R(1, 10**9), {x: (-1, 1)}, seconds=10)
    assert bad.outcome == "counterexample" and bad.counterexample["x"] == 0


def test_recheck_re_decides_the_branches():
    space = real_space(lambda x: sympy.Max(x, -x) - x / 2, ("x", -1, 1))
    cert = _proved(prove(space, 100, 10), space)
    worse = real_space(lambda x: sympy.Max(x, -x) - 2 * x, ("x", -1, 1))  # the certificate of another margin
    problems = recheck(cert, worse)
    assert any("z3 re-run" in p for p in problems) and any("not the traced one" in p for p in problems)


def test_a_fresh_context_holds_the_time_limit_back_and_raises_it_after():
    """z3's ``Context()`` cut in two by the limit leaves a half-made context whose finaliser prints an error: the
    limit is held back while a context is made and raised after, never lost."""
    import gc

    from paper_checks.deadline import TimedOut, deadline
    from paper_checks.prover.algebraic.solver import fresh_context

    made = 0
    with pytest.raises(TimedOut), deadline(0.05):
        while True:
            fresh_context()
            made += 1
    gc.collect()  # every context made whole: their finalisers print nothing (-W error turns one into a failure)
    assert made > 0


def test_the_call_s_net_interrupts_z3_inside_its_check():
    import signal
    import threading
    import time

    from paper_checks.prover import outset
    from paper_checks.prover.algebraic.solver import netted_check

    class Context:  # z3's context: interrupt() ends the check that runs in it
        def __init__(self) -> None:
            self.stopped = threading.Event()

        def interrupt(self) -> None:
            self.stopped.set()

    class Solver:  # a check that, like z3's C code, lets no signal handler run until it returns
        ctx = Context()

        def check(self) -> str:
            signal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGALRM])
            try:
                return "unknown" if self.ctx.stopped.wait(60) else "ran on"
            finally:
                signal.pthread_sigmask(signal.SIG_UNBLOCK, [signal.SIGALRM])

    begun = time.monotonic()
    with pytest.raises(outset.OutOfTime), outset.net(0.3):
        netted_check(Solver())
    assert time.monotonic() - begun < 30  # without the timer, the check returns only after 60 s
    assert netted_check(type("Plain", (), {"check": lambda self: "sat"})()) == "sat"  # no net: z3 as it is


@pytest.mark.slow  # a fresh process and a proof: seconds
def test_nlsat_s_levelwise_projection_is_off_and_the_slope_that_crashed_it_is_proved():
    """z3 4.16's levelwise projection (``nlsat.lws``) ended the process with SIGSEGV at this proof's tenth question,
    every run (issue 68): off, the proof ends, proved. In a child process, so that a crash fails this test only."""
    code = ("import sympy, z3\n"
            "from paper_checks.prover import prove_expr\n"
            "u = sympy.Symbol('u', positive=True)\n"
            "d = sympy.diff(u * sympy.cos(sympy.pi / u) - u, u)\n"
            "r = prove_expr(d, {u: sympy.Interval(sympy.Rational(17, 10), sympy.oo)}, work=6, seconds=300)\n"
            "print(r.outcome, z3.get_param('nlsat.lws'))\n")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.split() == ["proved", "false"], out.stdout
