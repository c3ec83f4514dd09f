"""z3 over bounding functions (:class:`paper_checks.prover.algebraic.z3_bounds.Z3Bounds`): margins tight at a point
and reaching to infinity, proved on their half-lines; false neighbours refuted exactly; the record re-checks and a
tampered one does not."""
from __future__ import annotations

from fractions import Fraction

import pytest
import sympy

from paper_checks.prover import prove, prove_expr, recheck
from paper_checks.prover.algebraic import fragment
from paper_checks.prover.algebraic.z3_bounds import Bounded, bounded
from paper_checks.prover.algebraic.z3_bounds import recheck as recheck_record
from paper_checks.prover.budget import Budget
from paper_checks.search.params import Real, SearchSpace

x = sympy.Symbol("x", real=True)
F = Fraction
OO = sympy.oo
HANG = 300  # seconds: a hang guard only, never the limit that decides


def _space(margin: sympy.Expr, domain: sympy.Interval) -> SearchSpace:
    """The margin in ``x`` on ``domain`` (its open ends left out), as a search space."""
    p = Real("x", float(domain.start), float(domain.end), open_low=bool(domain.left_open) and domain.start.is_finite,
             open_high=bool(domain.right_open) and domain.end.is_finite)
    fast = sympy.lambdify([x], margin, "mpmath")
    return SearchSpace((p,), lambda pt: float(fast(pt["x"])), lambda pt: margin.xreplace({x: sympy.nsimplify(pt["x"])}),
                       description=f"{margin} >= 0")


@pytest.mark.slow
@pytest.mark.parametrize("margin, domain", [
    (1 / (1 - x) - sympy.exp(x), sympy.Interval.Ropen(-OO, 1)),  # MetiTarski's exp-upper-14, tight at 0
    (sympy.exp(x) - 1 - x * sympy.exp(x / 2), sympy.Interval(0, OO)),  # 2 sinh(x/2) >= x, order 3 at 0
    ((x**2 + 1) * sympy.atan(x) - x, sympy.Interval(0, OO)),  # (x + 1/x) atan x >= 1, times x
    (2 - sympy.Abs((1 - sympy.tanh(x) ** 2) * sympy.sinh(2 * x)), sympy.Interval(-OO, OO)),
    (x - sympy.log(1 + x), sympy.Interval.open(-1, OO)),
    (sympy.cos(x) - 1 + x**2 / 2 - x**4 / 24 + x**6 / 720, sympy.Interval(-3, 3)),  # order 8 at 0
], ids=["exp-upper", "sinh-half", "atan", "tanh-sinh", "log", "cos-taylor"])
def test_margins_proved_by_their_bounds_and_the_certificate_rechecks(margin, domain):
    space = _space(margin, domain)
    res = prove(space, 10**6, HANG)
    assert res.outcome == "proved", res.reason
    assert "z3 bounds" in res.certificate.methods()
    assert recheck(res.certificate, space) == []
    assert prove_expr(margin, {x: domain}, seconds=HANG).proved  # the same through prove_expr's sympy.Interval


@pytest.mark.slow
@pytest.mark.parametrize("margin, domain", [
    (1 / (1 - x) - sympy.exp(x) - sympy.Rational(1, 1000), sympy.Interval.Ropen(-OO, 1)),
    (sympy.exp(x) - 1 - x * sympy.exp(x / 2) - x**3 / 23, sympy.Interval(0, OO)),  # x^3/24 is the first term
    ((x**2 + 1) * sympy.atan(x) - x - x**3 / 1000, sympy.Interval(0, OO)),
    (1 - sympy.cos(x) - x**2 / 2 + x**4 / 24 - x**6 / 720, sympy.Interval(-3, 3)),  # the sign the wrong way round
], ids=["exp-upper", "sinh-half", "atan", "cos-taylor"])
def test_false_neighbours_are_refuted_exactly(margin, domain):
    res = prove_expr(margin, {x: domain}, seconds=HANG)
    assert res.outcome == "counterexample", res.reason
    pt = res.counterexample["x"]
    assert sympy.N(margin.subs(x, sympy.Rational(pt.numerator, pt.denominator)), 50) < 0


def test_the_record_rechecks_and_a_tampered_one_does_not():
    margin, box = 1 / (1 - x) - sympy.exp(x), [(F(-4), F(1, 2))]
    rec = bounded(margin, [x], box, Budget.of(10), [])
    assert isinstance(rec, Bounded) and rec.functions == ("exp",) and "level" in rec.why()
    assert recheck_record(rec, margin, [x], box, []) == []
    assert recheck_record(Bounded(rec.level, "exp(x)", rec.functions), margin, [x], box, [])  # not the one z3 read
    wider = [(F(-4), F(1))]  # the pole at 1 taken in: z3 finds the point where 1 - x = 0
    assert recheck_record(rec, margin, [x], wider, [])


@pytest.mark.slow
def test_a_certificate_put_to_another_margin_fails_its_recheck():
    space = _space(1 / (1 - x) - sympy.exp(x), sympy.Interval.Ropen(-OO, 1))
    res = prove(space, 10**6, HANG)
    assert "z3 bounds" in res.certificate.methods()
    assert recheck(res.certificate, _space(1 / (1 - x) - sympy.exp(x) - sympy.Rational(1, 10**6),
                                           sympy.Interval.Ropen(-OO, 1)))


def test_a_denominator_zero_inside_a_nested_quotient_is_still_asked_for():
    """``1/(x - 1/x)`` is undefined at ``x = 1``: z3 must find that point (the inverses before a denominator hold,
    the one of the denominator itself does not)."""
    box = [(F(1, 2), F(2))]
    assert fragment.decide(1 / (x - 1 / x), [x], box, [], 2000)[0] == "sat"
    assert fragment.decide(1 / (x + 1 / x), [x], box, [], 2000)[0] == "unsat"
    e = sympy.Symbol("e", real=True)
    tanh_sinh = 2 - sympy.Abs(((e - 1 / e) ** 2 / (e + 1 / e) ** 2 - 1) * (e**2 / 2 - 1 / (2 * e**2)))
    assert fragment.decide(tanh_sinh, [e], [(F(0), F(10**6))], [], 5000, strict=[(True, False)])[0] == "unsat"


@pytest.mark.slow
def test_a_product_of_exponentials_is_one_node_on_the_plane_and_an_open_end_is_left_out():
    """``e^(x+y) >= 1 + x + y`` on the whole plane (``exp(x) exp(y)`` as the chart writes it, one node again);
    ``sinh(x)/x >= 1`` on ``(0, oo)``, 0/0 at the end the domain leaves out."""
    y = sympy.Symbol("y", real=True)
    plane = prove_expr(sympy.exp(x + y) - 1 - x - y, {x: (-OO, OO), y: (-OO, OO)}, seconds=HANG)
    assert plane.proved and "z3 bounds" in plane.certificate.methods()
    false = prove_expr(sympy.exp(x + y) - 1 - x - y - (x + y) ** 2 / 2, {x: (-OO, OO), y: (-OO, OO)}, seconds=HANG)
    assert false.outcome == "counterexample"
    at = {s: sympy.Rational(v) for s, v in zip((x, y), (false.counterexample["x"], false.counterexample["y"]))}
    assert sympy.N((sympy.exp(x + y) - 1 - x - y - (x + y) ** 2 / 2).xreplace(at), 50) < 0
    assert prove_expr(sympy.sinh(x) / x - 1, {x: sympy.Interval.open(0, OO)}, seconds=HANG).proved


def test_each_level_s_slice_is_a_share_of_the_time_left(monkeypatch):
    """z3 decides a level at once or not at all: each level gets at most 5 % of the time left when the step starts
    (and 0.1 s at least, 1.5 s at most), not a quarter of it."""
    asked = []

    def decide(*args, **kwargs):
        asked.append(args[4])
        return "abstract", []
    monkeypatch.setattr(fragment, "decide", decide)
    margin, box = sympy.exp(x) - 1 - x, [(F(-1), F(1))]
    for seconds, most in ((8, 400), (1, 100), (300, 1500)):
        asked.clear()
        assert bounded(margin, [x], box, Budget.of(seconds), []) is None
        assert asked and most / 2 <= max(asked) <= most  # the lower end only says the share is used
