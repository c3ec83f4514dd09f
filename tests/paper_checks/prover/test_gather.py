"""An honest undecided: where the open boxes gather, the margin and gradient there, and the case."""
from __future__ import annotations

from fractions import Fraction

import pytest
import sympy

from paper_checks.prover import prove_expr
from paper_checks.prover.enclosures.bound import intervals
from paper_checks.prover.sweeps import dominance
from paper_checks.prover.tracing.trace import compile_traced

x, y = sympy.symbols("x y", real=True)


@pytest.mark.slow  # about 1 s or more: out of README's quick command, in CI's slow run
def test_a_minimum_of_0_at_an_irrational_point_is_named(without_bounds):
    """2 cosh(x - sqrt 2) - 2 - (x - sqrt 2)^2 - (x - sqrt 2)^4/12 >= 0 on [1, 2]: a zero of order 6 at x = sqrt 2,
    where SymPy cannot solve the stationarity and no rational point is critical: undecided, and it says where
    (``x log x + 1/e``, 0 at the irrational x = 1/e, is proved: its stationarity solves exactly; so is the zero of
    order 4 without the quartic term, where the set x = sqrt 2 is named and closes its boxes by Taylor's theorem,
    and z3 over the piece's Taylor models, which the fixture leaves out, proves it too)."""
    c = sympy.sqrt(2)
    t = x - c
    res = prove_expr(sympy.exp(t) + sympy.exp(-t) - 2 - t**2 - t**4 / 12, {x: (1, 2)}, budget=3000, seconds=300)
    assert res.outcome == "undecided"
    g = res.remaining["gathering"]
    assert g["where"] == "inside the piece" and abs(float(sympy.Rational(g["centre"]["x"])) - 2**0.5) < 1e-4
    assert abs(g["margin_at_centre"]) < 1e-6 and "minimum of 0" in g["case"] and "critical point" in res.reason


@pytest.mark.slow  # about 1 s or more: out of README's quick command, in CI's slow run
def test_a_line_of_zeros_is_reported_with_its_gradient(without_one_combination):
    """The same zero of order 4 along the line x = sqrt(2) y: the reason gives the margin and gradient where
    the boxes are (along x = y the valley is proposed and proved, tests/paper_checks/prover/critical/test_valleys.py;
    the one combination proves this margin as a function of x - sqrt(2) y, written in where it occurs, so it is left
    out)."""
    c = sympy.sqrt(2)
    res = prove_expr(sympy.exp(x - c * y) + sympy.exp(c * y - x) - 2 - (x - c * y) ** 2, {x: (0, 1), y: (0, 1)},
                     budget=400, seconds=300)
    assert res.outcome == "undecided" and "gathering" in res.remaining
    assert set(res.remaining["gathering"]["gradient_at_centre"]) == {"x", "y"}


def test_a_margin_not_real_on_the_domain_ends_undefined_and_says_so():
    """log(x - 2) on [0, 1] is not real anywhere there: ``undefined`` at once with an exact point (never a raise,
    and no box spent waiting for the limit), and the reason says why."""
    res = prove_expr("log(x - 2)", {x: (0, 1)}, budget=10**6, seconds=300)
    assert res.outcome == "undefined" and res.boxes == 0
    assert "not real or not defined at x = " in res.reason and "undefined on part of the domain" in res.reason
    assert res.undefined.node == "log(x - 2)" and 0 <= res.undefined.point["x"] <= 1


@pytest.mark.slow
def test_a_pole_is_not_called_a_minimum_of_0(without_bounds):
    """1/sqrt(x) + log(x) + sqrt(2 - x) - 1 on [0, 1] tends to +oo at x = 0: the boxes stuck there are at a pole,
    not at a minimum (``1/x + log(x)`` is proved: an integer power's pole at an end encloses to ``[1/h, +oo]``; so is
    ``1/sqrt(x) + log(x)``, in the root ``sqrt(x)``, where it is ``1/V + 2 log V``; roots of two bases are not
    taken)."""
    assert "in the root" in prove_expr(1 / sympy.sqrt(x) + sympy.log(x), {x: (0, 1)}, seconds=120).certificate.methods()
    res = prove_expr(1 / sympy.sqrt(x) + sympy.log(x) + sympy.sqrt(2 - x) - 1, {x: (0, 1)}, budget=2000, seconds=120)
    assert res.outcome == "undecided" and res.remaining["gathering"]["where"] == "at a vertex"
    assert "minimum" not in res.reason and "a pole: the margin is not bounded at x = 0" in res.reason


def test_x_to_the_x_at_0_is_enclosed_with_its_value_there():
    """x**(2x) on [0, 1] is 1 at x = 0 (its derivative is unbounded there): a power of a base from 0 with an
    exponent from 0 is enclosed in [0, max(1, ...)] (0^0 = 1, b^e -> 0 as b -> 0 for e > 0), so x**(2x) >= 0 is
    proved, not stuck at x = 0 (``x**x`` itself is enclosed as ``exp(x log x)`` and proved, ``x**x >= 1/2`` too)."""
    assert prove_expr(x**x - sympy.Rational(1, 2), {x: (0, 1)}, seconds=120).outcome == "proved"
    enc = compile_traced(x ** (2 * x), [x]).value(intervals([(Fraction(0), Fraction(1, 2**20))]))
    assert enc.a == 0 and enc.b == 1
    res = prove_expr(x ** (2 * x), {x: (0, 1)}, budget=2000, seconds=120)
    assert res.outcome == "proved"


def test_a_pinned_margin_that_is_not_real_or_a_pole_says_so():
    """log(x - 2) with x pinned to 1 is i pi, with x pinned to 2 it is log 0: undecided, named as such."""
    res = prove_expr("log(x - 2)", {x: (1, 1)}, budget=50, seconds=120)
    assert res.outcome == "undecided" and res.reason.startswith("the margin is not real")
    res = prove_expr("log(x - 2)", {x: (2, 2)}, budget=50, seconds=120)
    assert res.outcome == "undecided" and "a pole" in res.reason and "whitelist" not in res.reason


@pytest.mark.slow  # about 1 s or more: out of README's quick command, in CI's slow run
def test_a_pole_on_a_face_is_found_by_its_limit_across_the_face(without_root, without_bounds):
    """1/sqrt(x) + log(x) + y on [0, 1]^2: the boxes gather on the face x = 0, where the limit in x is +oo (in the
    root V = sqrt(x) it is (1 + V y + 2 V log V)/V, proved: the report of the boxes is what is tested here)."""
    res = prove_expr(1 / sympy.sqrt(x) + sympy.log(x) + y, {x: (0, 1), y: (0, 1)}, budget=3000, seconds=120)
    assert res.outcome == "undecided" and res.remaining["gathering"]["where"] == "on the face x = 0"
    assert "a pole: the margin is not bounded at x = 0" in res.reason and "minimum" not in res.reason


@pytest.mark.slow  # about 4 s: in CI's slow run
def test_boxes_left_at_both_poles_of_a_line_are_told_at_one_of_them(without_logarithms, without_cutoff, monkeypatch):
    """e^(x^2/2) >= cosh x on the whole line: oo - oo at both ends as written, and so are all its derivatives (their
    dominant terms, which close both tails, left out here); the boxes left open lie at u = -1 and u = 1 of the
    chart, and the reason names one of those poles, not the middle of the line, where the margin is 0 and proved."""
    monkeypatch.setattr(dominance, "dominant_sign", lambda *args, **kwargs: None)
    res = prove_expr(sympy.exp(x**2 / 2) - sympy.cosh(x), {x: (-sympy.oo, sympy.oo)}, seconds=300)
    assert res.outcome == "undecided"
    g = res.remaining["gathering"]
    assert g["where"] == "at a vertex" and g["centre"]["x_unit"] in ("-1", "1")
