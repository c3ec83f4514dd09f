"""What a margin is identically, read cheaply: the probe that says "no identity", the exponential form that says
"equal" (MetiTarski's sin-cos-2var family in its triangle's charts)."""
from __future__ import annotations

import pytest
import sympy

from paper_checks import work
from paper_checks.prover import prove_expr
from paper_checks.prover.tracing.identities import (
    exponential_form,
    linearized,
    nonzero_somewhere,
    probe_point,
    squares_under_roots,
)
from paper_checks.prover.tracing.normal import is_zero

R = sympy.Rational
a, b = sympy.symbols("a b", positive=True)
X, Y = sympy.symbols("X Y", real=True)


def test_a_value_at_a_probe_point_says_no_identity_and_spares_simplify():
    """sin(X + Y) written in sin-cos-2var1's charts: simplify's trigsimp took 4.5 s of the normal form's 4.6 to say
    what its value at one point says. Identities read as 0 there (to 40 digits, a factor 10^30 included), and each
    symbol's assumptions are kept at the point."""
    n, s = sympy.Symbol("n", integer=True, positive=True), sympy.Symbol("s", negative=True)
    identities = [sympy.sin(a) ** 2 + sympy.cos(a) ** 2 - 1, sympy.log(a * b) - sympy.log(a) - sympy.log(b),
                  1 / (1 + sympy.exp(-X)) + 1 / (1 + sympy.exp(X)) - 1, sympy.gamma(n + 1) - n * sympy.gamma(n),
                  sympy.sqrt(s**2) + s, 10**30 * (sympy.sin(a) ** 2 + sympy.cos(a) ** 2 - 1)]
    for e in identities:
        assert not nonzero_somewhere(e) and is_zero(e), e
    point = probe_point({a, n, s})
    assert point[n].is_integer and point[n] >= 2 and point[s] < 0 and 0 < point[a] < 1
    Xg, Yc = sympy.symbols("X_gap Y_chart", real=True)
    charted = sympy.sin(Xg + 2 * Yc * (2 - Xg) - 2) - 2 * sympy.sin(Xg + Yc * (2 - Xg) - 2) * sympy.cos(Yc * (2 - Xg))
    assert nonzero_somewhere(charted) and not nonzero_somewhere(sympy.diff(charted, Yc))
    with work.limit(0.05):  # no simplify: the probe answers within a twentieth of a unit
        assert not is_zero(charted)
    assert not nonzero_somewhere(sympy.Integer(3)) and not nonzero_somewhere(sympy.log(a) / (a - a))


def test_the_exponential_form_reads_constants_and_products_as_sums():
    """sin(X - Y) + sin(X + Y) - 2 sin(X) cos(Y) is 0 and 1001/1000 + cos(X + Y) - 2 cos(X) cos(Y) is
    1001/1000 - cos(X - Y); a sum whose expansion is shorter is that (cos-3411-b's squares: 8 sin A cos A cos^2 T); a
    form that is longer (sin^3) or not real (e^X sin^2 Y) is not taken."""
    const = sympy.sin(X - Y) + sympy.sin(X + Y) - 2 * sympy.sin(X) * sympy.cos(Y)
    assert exponential_form(const + R(1, 100)) == R(1, 100) and exponential_form(X**2) is None
    assert exponential_form(sympy.tan(X) - sympy.sin(X) / sympy.cos(X)) == 0 and is_zero(const)
    assert linearized(R(1001, 1000) + sympy.cos(X + Y) - 2 * sympy.cos(X) * sympy.cos(Y)) == \
        R(1001, 1000) - sympy.cos(X - Y)
    assert linearized(2 * sympy.sin(X) * sympy.cos(Y) - sympy.sin(X - Y)) == sympy.sin(X + Y)
    A, T = sympy.symbols("A T", real=True)  # cos-3411-b: the sum expanded again is a product of known signs
    squares = (sympy.cos(A + T) + sympy.sin(A + T)) ** 2 + (sympy.cos(A - T) + sympy.sin(A - T)) ** 2 \
        - 2 * (sympy.cos(A) - sympy.sin(A)) ** 2
    assert linearized(squares) == 8 * sympy.sin(A) * sympy.cos(A) * sympy.cos(T) ** 2
    assert linearized(sympy.sin(X) ** 3) is None  # longer as a sum: kept as written
    assert linearized(sympy.exp(X) * sympy.sin(Y) ** 2) is None  # not a sum of real sines and cosines
    assert linearized(X**2 + 1) is None


def test_a_square_root_of_a_square_is_an_absolute_value():
    """MetiTarski's sqrt-1mcosq problems write sin x as sqrt(1 - cos(x)^2): read as |sin x|, each is its sin problem.
    A radicand that is no square is kept; so is a square with a negative factor in front."""
    cases = {
        sympy.sqrt(1 - sympy.cos(X) ** 2) / X: sympy.Abs(sympy.sin(X)) / X,
        sympy.sqrt(4 - 4 * sympy.sin(X) ** 2): 2 * sympy.Abs(sympy.cos(X)),
        sympy.sqrt(sympy.cosh(X) ** 2 - 1): sympy.Abs(sympy.sinh(X)),
        1 / sympy.sqrt(X**2 - 2 * X + 1): 1 / sympy.Abs(X - 1),
        (1 - sympy.cos(Y) ** 2) ** R(3, 2): sympy.Abs(sympy.sin(Y)) ** 3,
    }
    for written, read in cases.items():
        assert sympy.simplify(squares_under_roots(written) - read) == 0, written
    for kept in (sympy.sqrt(X**2 + 1), sympy.sqrt(-(X - 1) ** 2 - 1), sympy.sqrt(1 + sympy.cos(X) ** 2), X**2):
        assert squares_under_roots(kept) is None, kept


def test_a_root_read_as_an_absolute_value_keeps_every_answer_and_its_false_neighbours():
    """sin x against sqrt(1 - cos^2 x) is proved where |sin x| >= sin x, refuted at x < 0 the other way round, and
    refuted 10^-12 below on (0, 1), where the two are equal."""
    x = sympy.Symbol("x", real=True)
    root = sympy.sqrt(1 - sympy.cos(x) ** 2)
    assert prove_expr(root - sympy.sin(x), {x: (-1, 1)}, work=3, seconds=None).proved
    below = prove_expr(sympy.sin(x) - root, {x: (-1, 1)}, work=3, seconds=None)
    assert below.outcome.value == "counterexample"
    assert {str(k): v for k, v in below.counterexample.items()}["x"] < 0
    tight = prove_expr(root - sympy.sin(x) - R(1, 10**12), {x: (0, 1)}, work=3, seconds=None)
    assert tight.outcome.value == "counterexample", tight.reason


@pytest.mark.slow
def test_jordans_inequality_written_with_a_root_is_proved():
    """MetiTarski's sqrt-1mcosq-1, 2/pi <= sqrt(1 - cos(x)^2)/x on (0, pi/2 - 10^-12), ran to its 150 s net at 21.6
    units; read as |sin x|/x it is proved as sin-problem-1 is (5.6 units at 22.5)."""
    x = sympy.Symbol("x", real=True)
    jordan = prove_expr(sympy.sqrt(1 - sympy.cos(x) ** 2) / x - 2 / sympy.pi,
                        {x: sympy.Interval.open(0, sympy.pi / 2 - R(1, 10**12))}, work=8, seconds=None)
    assert jordan.proved, jordan.reason
