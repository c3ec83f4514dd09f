"""z3 over atoms (:class:`paper_checks.prover.algebraic.z3_atoms.Z3Atoms`): nodes outside z3's fragment as bounded
variables; ``unsat`` proves, a model is dropped (it is no point of the margin), and the re-check bounds the atoms
again in Arb."""
from __future__ import annotations

from fractions import Fraction

import sympy

from paper_checks.prover.algebraic import fragment, z3_atoms
from paper_checks.prover.algebraic.z3_atoms import atoms_of, ball_enclosure, enclosure

F = Fraction
R = sympy.Rational
x, y, q = sympy.symbols("x y q", real=True, nonnegative=True)
BOX = [(F(0), F(1)), (F(0), F(1)), (F(1, 10), F(1))]
R_ = 1 / (1 - q)
SUM_BELOW_TWICE_MAX = 2 * sympy.Max(x**R_, y**R_) - x**R_ - y**R_


def test_the_atoms_are_the_maximal_nodes_outside_the_fragment():
    assert atoms_of(SUM_BELOW_TWICE_MAX, [x, y, q]) == [x**R_, y**R_] or set(atoms_of(SUM_BELOW_TWICE_MAX,
                                                                                      [x, y, q])) == {x**R_, y**R_}
    assert atoms_of(sympy.log(1 + sympy.exp(x)) - x, [x, y, q]) == [sympy.log(1 + sympy.exp(x))]
    assert atoms_of(x**2 - y, [x, y, q]) == []


def test_a_margin_that_holds_whatever_the_atoms_is_proved_and_a_false_one_never_gives_a_model():
    for bounds in (enclosure([x, y, q], BOX), ball_enclosure([x, y, q], BOX)):
        got = fragment.decide(SUM_BELOW_TWICE_MAX, [x, y, q], BOX, [], 2000, atoms=bounds)
        assert got == ("unsat", [])
        # true (x^r, y^r <= 1) but not whatever the atoms are: a model of the abstraction, not a counterexample
        got = fragment.decide(1 - x**R_, [x, y, q], BOX, [], 2000, atoms=bounds)
        assert got == ("abstract", [])
    # a power whose exponent is not known to be >= 0 (0^e may be a pole) is no atom; nor is tan across its pole
    assert fragment.decide(1 - x**R_, [x, y, q], BOX, [], 2000, atoms=lambda e: (None, None))[0] == "not algebraic"
    wide = [(F(0), F(2))] * 3
    assert fragment.decide(sympy.tan(x) ** 2, [x, y, q], wide, [], 2000,
                            atoms=enclosure([x, y, q], wide))[0] == "not algebraic"
    low_q = [(F(0), F(1)), (F(0), F(1)), (F(1, 10), F(1, 2))]  # the exponent bounded: x^r enclosed in [0, 1]
    assert fragment.decide(1 - x**R_, [x, y, q], low_q, [], 2000, atoms=enclosure([x, y, q], low_q))[0] == "unsat"


def test_the_enclosures_bound_the_atoms():
    lo, hi = enclosure([x, y, q], BOX)(sympy.exp(x))
    assert lo <= 1 and hi >= sympy.E.evalf(30) and hi < 3
    blo, bhi = ball_enclosure([x, y, q], BOX)(sympy.exp(x))
    assert blo <= 1 and sympy.Rational(bhi.numerator, bhi.denominator) >= sympy.E and bhi < 3  # exact: 1e-37 above e
    assert enclosure([x, y, q], [(F(-1), F(1))] * 3)(sympy.log(x)) == (None, None)  # off its domain: unbounded
    for bounds in (enclosure, ball_enclosure):  # a negative end keeps its sign (exact ends of the interval)
        lo, hi = bounds([x, y, q], [(F(1, 10), F(3))] * 3)(sympy.log(x))
        assert lo <= sympy.log(R(1, 10)).evalf(30) < -2 and sympy.log(3).evalf(30) <= hi < R(11, 10)


def test_a_false_neighbour_of_log_below_x_minus_1_is_never_proved_over_atoms():
    margin = x - 1 - sympy.log(x) - R(1, 10**6)  # < 0 near x = 1
    box = [(F(1, 4), F(2))] * 3
    assert fragment.decide(margin, [x, y, q], box, [], 2000, atoms=enclosure([x, y, q], box))[0] != "unsat"


def test_a_bound_of_thousands_of_digits_is_rounded_outward_for_z3():
    box = [(F(1, 2), F(1))] * 3
    lo, hi = enclosure([x, y, q], box)(sympy.exp(-(10**4) * x))  # e^-5000 .. e^-10000: exact ends of ~10^4 bits
    assert lo == 0 and 0 < hi <= F(1, 2**63)
    assert fragment.decide(1 - sympy.exp(-(10**4) * x), [x, y, q], box, [], 2000, atoms=enclosure([x, y, q], box)
                            )[0] == "unsat"


def test_a_power_whose_exponent_a_ball_puts_below_0_rechecks(one_rung):
    # r/(r - 1) on [5/4, 4] is [4/3, 5]; Arb's ball of it reaches -4.6, and the re-check alone had taken
    # b^(r/(r - 1)) on the half-line b >= 0 for a node with no value there (not algebraic)
    import math

    from paper_checks.prover import prove, recheck
    from tests.paper_checks.prover._spaces import real_space

    space = real_space(lambda b, r: b ** (r / (r - 1)) * (r - 1) / r, ("b", 0, math.inf),
                       ("r", sympy.Rational(5, 4), 4))
    res = prove(space, 10**6, 300)
    assert res.proved and "z3 atoms" in res.certificate.methods()
    assert recheck(res.certificate, space) == []


def test_an_end_too_large_for_memory_is_no_bound_and_a_tiny_one_is_rounded_outward():
    """``e^(x^2/2)`` near a chart's pole encloses to ends of ``2^(2 * 10^11)``: no bound that side (exactly it would
    not fit in memory), and ``e^(-x^2/2)`` there has a lower end of ``0``, never one above its value."""
    big = (0, 4653150231734843, 198281740160, 53)
    assert z3_atoms._exact_end(big) is None and z3_atoms._exact_end(big, downward=False) is None
    tiny = (0, 4653150231734843, -198281740160, 53)
    assert z3_atoms._exact_end(tiny) == 0 and 0 < z3_atoms._exact_end(tiny, downward=False) <= Fraction(1, 2**130)
    neg = (1, 4653150231734843, -198281740160, 53)
    assert z3_atoms._exact_end(neg) < 0 == z3_atoms._exact_end(neg, downward=False)
    x = sympy.Symbol("x")
    lo, hi = enclosure([x], [(Fraction(10**6), Fraction(10**6 + 1))])(sympy.exp(x ** 2 / 2))
    assert hi is None and (lo is None or lo > 0)


def test_two_atoms_of_one_monotone_function_are_ordered_as_their_arguments():
    """``(atan(B/T) - atan(A/T))/T >= 0`` for ``A <= B``, ``T >= 1`` holds whatever each atom's enclosure is, only
    because ``atan`` is increasing (MetiTarski's ``atan-problem-2`` family, ``B = A + g``); its neighbour ``10^-12``
    stronger, false at ``g = 0``, and the same with the decreasing ``acos``'s order mistaken, are never proved."""
    a, g, t = sympy.symbols("a g t", real=True)
    box = [(F(0), F(2)), (F(0), F(2)), (F(1), F(4))]
    wide = lambda e: (F(-2), F(2))  # noqa: E731 - each atom on its own: no order between them
    rise = (sympy.atan((a + g) / t) - sympy.atan(a / t)) / t
    assert fragment.decide(rise, [a, g, t], box, [], 2000, atoms=wide) == ("unsat", [])
    assert fragment.decide(rise - R(1, 10**12), [a, g, t], box, [], 2000, atoms=wide)[0] != "unsat"
    fall = sympy.acos((a + g) / 4) - sympy.acos(a / 4)  # decreasing: <= 0, so ">= 0" is false where g > 0
    assert fragment.decide(fall, [a, g, t], box, [], 2000, atoms=wide)[0] != "unsat"
    assert fragment.decide(-fall, [a, g, t], box, [], 2000, atoms=wide) == ("unsat", [])
    # a function that is not monotone gets no order
    assert fragment.decide(sympy.sin(a + g) - sympy.sin(a), [a, g, t], box, [], 2000, atoms=wide)[0] != "unsat"


def test_a_half_line_s_chart_is_written_out_for_z3_over_atoms(one_rung):
    """The chart ``u/(1 - u)`` of ``T`` in ``(1, oo)`` is a rational function z3 reads, not an atom unbounded at
    its pole: ``1 + (atan(B/T) - atan(A/T))/T - (B - A)/sqrt((A^2 + T^2)(B^2 + T^2)) >= 0`` for ``0 < A < B < 2``
    is decided over atoms."""
    from paper_checks.prover import prove_expr

    a, b, t = sympy.symbols("A B T")
    s = sympy.sqrt((a**2 + t**2) * (b**2 + t**2))
    margin = 1 + (sympy.atan(b / t) - sympy.atan(a / t)) / t - (b - a) / s
    dom = {a: sympy.Interval.open(0, 2), b: sympy.Interval.open(0, 2), t: sympy.Interval.open(1, sympy.oo)}
    res = prove_expr(margin, dom, work=6, seconds=300, constraints=[a < b])
    assert res.proved and "Z3Atoms" in res.counters and res.counters["Z3Atoms"]["pieces_closed"] >= 1, res.reason
