"""The shapes of this field's inequalities, each with its exact answer: every true one proved (and its
certificate re-checked), every false one refuted with an exact counterexample.

Each decides in well under 10 s on a quiet 2-core machine (the times are measured, not asserted: no test's
outcome may depend on the machine's speed); the limit here, :data:`HANG_GUARD`, is only there so that a
regression that stops deciding ends the test instead of hanging it."""
from __future__ import annotations

import pytest
import sympy

from paper_checks.prover import prove, recheck
from paper_checks.search.exact import verify
from paper_checks.search.params import Real, SearchSpace, SimplexPoint

R, log, exp, sqrt = sympy.Rational, sympy.log, sympy.exp, sympy.sqrt

#: seconds: far above any case's time, so that the box budget, not the load, ends an undecided run
HANG_GUARD = 300
Max, Min, Abs = sympy.Max, sympy.Min, sympy.Abs


def _real(fn, *bounds):
    names = [b[0] for b in bounds]

    def exact(p):
        return fn(*[p[n] for n in names])
    return SearchSpace(tuple(Real(n, lo, hi) for n, lo, hi in bounds), lambda p: float(sympy.N(exact(p))), exact,
                       description="tight set")


def _simplex(fn, c, *bounds):
    def exact(p):
        return fn(list(p["f"]), *[p[b[0]] for b in bounds])
    params = (SimplexPoint("f", c), *[Real(n, lo, hi) for n, lo, hi in bounds])
    return SearchSpace(params, lambda p: float(sympy.N(exact(p))), exact, description="tight set")


def _gibbs(pt):
    return sum(a * log(a) - a * log(b) for a, b in zip(pt["p"], pt["q"]))


def _gce_lower(f, q):
    c = len(f)
    return sum((1 - v**q) / q for v in f) - (c - c ** (1 - q)) / q


TRUE = {
    "log(x) <= x - 1, interior zero": _real(lambda x: x - 1 - log(x), ("x", 0.25, 2)),
    "binary entropy <= log 2": _real(lambda x: x * log(x) + (1 - x) * log(1 - x) + log(2), ("x", 0, 1)),
    "KL to uniform >= 0 (Gibbs), c = 3": _simplex(lambda f: sum(v * log(3 * v) for v in f), 3),
    "GCE class sum, c = 3": _simplex(_gce_lower, 3, ("q", 0.25, 0.75)),
    "GCE upper, written literally": _simplex(lambda f, q: R(2) / q - sum((1 - v**q) / q for v in f), 3,
                                             ("q", 0.25, 0.75)),
    "(x - y)^2 expanded": _real(lambda x, y: x * x - 2 * x * y + y * y, ("x", 0, 1), ("y", 0, 1)),
    "Motzkin": _real(lambda x, y: x**4 * y**2 + x**2 * y**4 - 3 * x**2 * y**2 + 1, ("x", -2, 2), ("y", -2, 2)),
    "Schur": _real(lambda x, y, z: x * (x - y) * (x - z) + y * (y - x) * (y - z) + z * (z - x) * (z - y),
                   ("x", 0, 1), ("y", 0, 1), ("z", 0, 1)),
    "AM-GM with a square root": _real(lambda x: (1 + x) / 2 - sqrt(x), ("x", 0, 4)),
    "sqrt(x) >= x on [0, 1]": _real(lambda x: sqrt(x) - x, ("x", 0, 1)),
    "sigmoid(v) + sigmoid(-v) = 1": _real(lambda v: 1 / (1 + exp(-v)) + 1 / (1 + exp(v)) - 1, ("v", -6, 6)),
    "ramp's symmetric sum = 1": _real(lambda t: Min(1, Max(0, (1 - t) / 2)) + Min(1, Max(0, (1 + t) / 2)) - 1,
                                      ("t", -3, 3)),
    "hinge's symmetric sum >= 2": _real(lambda t: Max(0, 1 - t) + Max(0, 1 + t) - 2, ("t", -3, 3)),
    "Taylor remainder of -log p, t = 4": _real(lambda p: -log(p) - sum((1 - p) ** k / k for k in range(1, 5)),
                                               ("p", 0, 1)),
    "2x - x log x >= x^2 (0 log 0)": _real(lambda x: 2 * x - x * log(x) - x**2, ("x", 0, 1)),
    # a minimum of 0 along a curve or surface (a valley), or at an irrational point
    "Gibbs, both distributions free, c = 3": SearchSpace(
        (SimplexPoint("p", 3), SimplexPoint("q", 3)), lambda pt: float(sympy.N(_gibbs(pt))), _gibbs, description="t"),
    "Pinsker, binary": _real(lambda p, q: p * log(p) - p * log(q) + (1 - p) * log(1 - p) - (1 - p) * log(1 - q)
                             - 2 * (p - q) ** 2, ("p", 0, 1), ("q", 0.125, 0.875)),
    "AM-GM, two variables": _real(lambda x, y: (x + y) / 2 - sqrt(x * y), ("x", 0, 1), ("y", 0, 1)),
    "Young, p = 3, along x = sqrt(y)": _real(lambda x, y: x**3 / 3 + 2 * y ** R(3, 2) / 3 - x * y, ("x", 0, 2),
                                             ("y", 0, 2)),
    "Jensen for log": _real(lambda a, b: log((a + b) / 2) - (log(a) + log(b)) / 2, ("a", 0.125, 2), ("b", 0.125, 2)),
    "x log x + 1/e, 0 at x = 1/e": _real(lambda x: x * log(x) + exp(-1), ("x", 0, 1)),
    # zeros of high order, and simplices of higher dimension
    "e^x Taylor remainder, order 4 at 0": _real(lambda x: exp(x) - 1 - x - x**2 / 2 - x**3 / 6, ("x", 0, 2)),
    "cosh-type zero of order 4 along x = y": _real(lambda x, y: exp(x - y) + exp(y - x) - 2 - (x - y) ** 2,
                                                   ("x", 0, 1), ("y", 0, 1)),
    "KL to uniform >= 0, c = 4": _simplex(lambda f: sum(v * log(4 * v) for v in f), 4),
    "GCE class sum, c = 5": _simplex(_gce_lower, 5, ("q", 0.25, 0.75)),
    "x^x >= 1/2": _real(lambda x: x**x - R(1, 2), ("x", 0, 1)),
}
FALSE = {
    "x - x log x >= 1/100": _real(lambda x: x - x * log(x) - R(1, 100), ("x", 0, 1)),
    "log(x) <= x - 1 - 10^-6": _real(lambda x: x - 1 - log(x) - R(1, 10**6), ("x", 0.25, 2)),
    "(x - 1/3)^2 >= 10^-12": _real(lambda x: (x - R(1, 3)) ** 2 - R(1, 10**12), ("x", 0, 1)),
    "a 10^-50 dip beside sqrt 2": _real(lambda x, y: (x**2 - 2) ** 2 + y**2 - R(1, 10**50), ("x", 0, 2), ("y", 0, 2)),
    "|x| >= x + 10^-9": _real(lambda x: Abs(x) - x - R(1, 10**9), ("x", -1, 1)),
    "GCE class sum shifted by 10^-4": _simplex(lambda f, q: _gce_lower(f, q) - R(1, 10**4), 3, ("q", 0.25, 0.75)),
    "Pinsker with 21/10 for 2": _real(lambda p, q: p * log(p) - p * log(q) + (1 - p) * log(1 - p)
                                      - (1 - p) * log(1 - q) - R(21, 10) * (p - q) ** 2,
                                      ("p", 0, 1), ("q", 0.125, 0.875)),
    "e^x >= 1 + x + x^2/2 on [-1, 1]": _real(lambda x: exp(x) - 1 - x - x**2 / 2, ("x", -1, 1)),
    "x log x + 1/e - 10^-9": _real(lambda x: x * log(x) + exp(-1) - R(1, 10**9), ("x", 0, 1)),
}


@pytest.mark.slow  # about 1 s or more: out of README's quick command, in CI's slow run
@pytest.mark.parametrize("name", sorted(TRUE))
def test_true_cases_are_proved(name):
    space = TRUE[name]
    res = prove(space, 50000, HANG_GUARD)
    assert res.outcome == "proved", (res.reason, res.remaining)
    assert recheck(res.certificate, space) == []


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(FALSE))
def test_false_cases_are_refuted_exactly(name):
    space = FALSE[name]
    res = prove(space, 50000, HANG_GUARD)
    assert res.outcome == "counterexample", res.reason
    assert verify(space, res.counterexample)[0] == "fails"
