"""Kinks (Max, Min, Abs) in a margin: generalised derivatives enclosed on a box, kinks resolved on a box, and
the proofs they make possible (truncated GCE with k and q free), each re-checked."""
from __future__ import annotations

import itertools

import pytest
import sympy

from paper_checks.prover.certificate import recheck
from paper_checks.prover.enclosures import clarke
from paper_checks.prover.enclosures.bound import intervals
from paper_checks.prover.prove import prove
from paper_checks.prover.tracing.trace import compile_expr, compile_traced, derivative
from tests.paper_checks.prover._spaces import R, real_space

x, y, p, k, q = sympy.symbols("x y p k q", real=True)


def _lq(z, qq):
    return (1 - z**qq) / qq


def _enclosure(expr, s, box):
    d = clarke.generalized_derivative(expr, s, derivative)
    return compile_expr(d, [x, y])(intervals(box))


@pytest.mark.parametrize("expr, box, lo, hi", [
    (sympy.Max(x, y), [(R(1, 2), 1), (0, R(1, 4))], 1, 1),       # x the larger on the whole box: d/dx = 1
    (sympy.Max(x, y), [(0, R(1, 4)), (R(1, 2), 1)], 0, 0),       # y the larger: d/dx = 0
    (sympy.Max(x, y), [(0, 1), (0, 1)], 0, 1),                   # the kink crosses the box: the hull
    (sympy.Min(2 * x, y), [(0, 1), (0, 1)], 0, 2),
    (sympy.Abs(x - y), [(-1, 1), (0, R(1, 8))], -1, 1),
    (sympy.Max(x, y) ** 2, [(R(1, 2), 1), (0, R(1, 4))], 1, 2),  # the chain rule through the kink
])
def test_the_generalised_derivative_encloses_the_one_sided_slopes(expr, box, lo, hi):
    enc = _enclosure(expr, x, [tuple(map(sympy.Rational, b)) for b in box])
    assert enc.a <= lo and enc.b >= hi
    assert enc.a >= lo - 1e-9 and enc.b <= hi + 1e-9  # and no wider than they are here


def test_a_kink_decided_on_a_box_is_replaced_by_its_active_argument_and_cancels():
    t = compile_traced(_lq(p, q) - _lq(sympy.Max(p, k), q), [p, k, q])
    inside = intervals([(R(1, 2), R(1)), (R(0), R(1, 4)), (R(1, 10), R(1))])  # p >= k on the whole box
    assert t.resolved(inside).expr == 0
    below = intervals([(R(0), R(1, 8)), (R(1, 4), R(1, 2)), (R(1, 10), R(1))])  # k >= p
    assert t.resolved(below).expr == sympy.simplify(_lq(p, q) - _lq(k, q)) or \
        sympy.simplify(t.resolved(below).expr - (_lq(p, q) - _lq(k, q))) == 0
    crossing = intervals([(R(0), R(1)), (R(0), R(1, 2)), (R(1, 10), R(1))])
    assert t.resolved(crossing) is t
    edge = intervals([(R(1, 4), R(1, 2)), (R(1, 4), R(1, 4)), (R(1, 10), R(1))])  # p >= k, equal at one end
    assert t.resolved(edge).expr == 0


def _space(expr, *bounds):
    """A space of the reals ``bounds`` whose margin is ``expr`` (called with values, or with symbols to lambdify)."""
    mine = [{"p": p, "k": k, "q": q, "x": x, "y": y}[b[0]] for b in bounds]

    def fn(*args, **kw):
        return expr.xreplace(dict(zip(mine, args or [kw[b[0]] for b in bounds])))
    return real_space(fn, *bounds)


@pytest.mark.parametrize("expr, bounds", [
    (_lq(p, q) - _lq(sympy.Max(p, k), q), [("p", 0, 1), ("k", 0, 0.5), ("q", 0.125, 1)]),  # truncated GCE <= GCE
    (_lq(k, q) - _lq(sympy.Max(p, k), q), [("p", 0, 1), ("k", 0.125, 0.5), ("q", 0.125, 1)]),  # <= its cap
    (sympy.Abs(x - y) - (x - y), [("x", -1, 1), ("y", -1, 1)]),
    (sympy.Max(x, y) ** 2 - x * y, [("x", 0, 1), ("y", 0, 1)]),
])
@pytest.mark.slow  # seconds of proof: with the work meter on (issue 60) it left the quick suite
def test_a_margin_with_kinks_is_proved_and_rechecked(expr, bounds):
    space = _space(expr, *bounds)
    res = prove(space, 20000, 60)
    assert res.outcome == "proved", res.reason
    assert recheck(res.certificate, space) == []


@pytest.mark.slow
def test_a_false_margin_with_a_kink_is_still_refuted_exactly():
    expr = _lq(sympy.Max(p, k), q) - _lq(p, q)  # truncation raises nothing: it lowers the loss where p < k
    res = prove(_space(expr, ("p", 0, 1), ("k", 0.125, 0.5), ("q", 0.125, 1)), 20000, 60)
    assert res.outcome == "counterexample"
    pt = {s: sympy.Rational(res.counterexample[str(s)]) for s in (p, k, q)}
    assert expr.xreplace(pt) < 0


def test_every_corner_of_a_resolved_box_has_the_resolved_value():
    """The resolution is an identity on the box: at each exact corner, the margin and its resolved form agree."""
    expr = sympy.Max(x, y) + sympy.Abs(x - R(1, 2)) - sympy.Min(x, 2 * y)
    t = compile_traced(expr, [x, y])
    for box in ([(R(1, 2), R(1)), (R(0), R(1, 4))], [(R(0), R(1, 4)), (R(1, 2), R(1))]):
        r = t.resolved(intervals(box))
        assert r is not t
        for c in itertools.product(*box):
            sub = dict(zip((x, y), c))
            assert expr.xreplace(sub) == r.expr.xreplace(sub)
