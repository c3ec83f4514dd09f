"""label_noise_lab.theory.real_line: splits, signs, infima and convexity of piecewise functions, against hand-derived
values."""
import pytest
import sympy

from label_noise_lab.theory import real_line as rl

v = sympy.Symbol("v", real=True)


def test_split_finds_the_breakpoints_and_the_pieces():
    sp = rl.split(sympy.Min(1, sympy.Max(0, 1 - v)), v)
    assert sp.breakpoints == (0, 1)
    assert [sympy.simplify(p) for p in sp.pieces] == [1, 1 - v, 0]
    assert sp.value(sympy.Rational(1, 2)) == sympy.Rational(1, 2)


def test_sign_on_intervals():
    assert rl.sign_on(sympy.exp(-v), v, -sympy.oo, sympy.oo) == 1
    assert rl.sign_on(v**2, v, -sympy.oo, sympy.oo) == 2
    assert rl.sign_on(v * (v - 1), v, -1, 2) == 3
    assert rl.sign_on(v - 1, v, 1, 3) == 1
    assert rl.sign_on(v - v, v, 0, 1) == 0


@pytest.mark.parametrize("expr, lo, hi, value, attained", [
    (sympy.exp(-v), -sympy.oo, sympy.oo, 0, False),
    (sympy.exp(-v), -sympy.oo, 0, 1, True),
    ((1 - v) ** 2, -sympy.oo, sympy.oo, 0, True),
    (1 - v, -sympy.oo, sympy.oo, -sympy.oo, False),
    (sympy.Max(0, 1 - v), 0, 2, 0, True),
    (sympy.log(1 + sympy.exp(-v)), -sympy.oo, 0, sympy.log(2), True),
])
def test_infimum_is_exact(expr, lo, hi, value, attained):
    inf = rl.infimum(rl.split(expr, v), lo, hi)
    assert sympy.simplify(inf.value - value) == 0 if value not in (sympy.oo, -sympy.oo) else inf.value == value
    assert inf.attained == attained


def test_infimum_reports_a_flat_interval_and_its_closed_end():
    inf = rl.infimum(rl.split(sympy.Max(0, 1 - v), v))
    assert inf.value == 0 and inf.interval == (1, sympy.oo) and 1 in inf.at


@pytest.mark.parametrize("expr, convex", [
    (sympy.Max(0, 1 - v), True), (sympy.exp(-v), True), (sympy.log(1 + sympy.exp(-v)), True),
    (1 / (1 + sympy.exp(v)), False), (sympy.Min(1, sympy.Max(0, 1 - v)), False), ((1 - sympy.sign(v)) / 2, False),
])
def test_convexity_is_proved_or_refuted_by_an_exact_chord(expr, convex):
    sp = rl.split(expr, v)
    c = rl.convexity(sp)
    assert c.convex == convex
    if not convex:
        a, b, gap = c.chord
        assert sympy.simplify(sp.value((a + b) / 2) - (sp.value(a) + sp.value(b)) / 2 - gap) == 0 and gap > 0


def test_one_sided_slopes_at_a_kink():
    assert rl.one_sided(rl.split(sympy.Max(0, 1 - v), v), 1) == (0, 0, -1, 0)


def test_roots_that_are_not_a_finite_set_are_undecided():
    with pytest.raises(rl.Undecided):
        rl.real_roots(sympy.sin(v), v)


def test_a_condition_root_inside_a_flat_branch_is_no_breakpoint():
    # Min(1, Max(0, 1 - v)**2): the Min's condition has a root at v = 2 where Max(0, 1 - v) = 0 already
    sp = rl.split(sympy.Min(1, sympy.Max(0, 1 - v) ** 2), v)
    assert sp.breakpoints == (0, 1)
    assert [sympy.expand(p) for p in sp.pieces] == [1, sympy.expand((1 - v) ** 2), 0]


def test_infimum_keeps_every_piece_that_reaches_it_and_merges_adjacent_ones():
    # truncated squared hinge: C = 3/4 phi(v) + 1/4 phi(-v) = 1/4 exactly on [1, oo)
    phi = sympy.Min(1, sympy.Max(0, 1 - v) ** 2)
    risk = sympy.Rational(3, 4) * phi + sympy.Rational(1, 4) * phi.subs(v, -v)
    inf = rl.infimum(rl.split(risk, v))
    assert inf.value == sympy.Rational(1, 4) and inf.attained and inf.intervals == ((1, sympy.oo),)
    # two flat pieces at the infimum joined across a breakpoint that attains it (a split kept on purpose)
    sp = rl.Split(sympy.Piecewise((0, v <= 1), (v - 1, v < 2), (3, True)), v, (0, 1, 2),
                  (sympy.Integer(0), sympy.Integer(0), v - 1, sympy.Integer(3)))
    got = rl.infimum(sp)
    assert got.value == 0 and got.intervals == ((-sympy.oo, 1),)


def test_kinks_and_divergence_on_the_unit_interval():
    p = sympy.Symbol("p", positive=True)
    assert rl.kinks(sympy.Min(2 - 2 * sympy.sqrt(sympy.Rational(3, 10)), 2 - 2 * sympy.sqrt(p)), p, 0, 1) == [
        sympy.Rational(3, 10)]
    assert rl.kinks(sympy.Abs(p - sympy.Rational(1, 3)) + 1 / (p - sympy.Rational(1, 2)), p, 0, 1) == [
        sympy.Rational(1, 3), sympy.Rational(1, 2)]
    assert rl.divergence(2 / p - 2, p, 0, 1) == 0
    assert rl.divergence(1 / sympy.Abs(p - sympy.Rational(1, 3)), p, 0, 1) == sympy.Rational(1, 3)
    assert rl.divergence(1 / sympy.sqrt(p), p, 0, 1) is None
    assert rl.divergence(sympy.log(p), p, 0, 1) is None


def test_a_split_on_the_unit_interval_keeps_square_roots_and_logarithms_real():
    p = sympy.Symbol("p", positive=True)
    sp = rl.split(sympy.Min(2 - 2 * sympy.sqrt(sympy.Rational(3, 10)), 2 - 2 * sympy.sqrt(p)), p, lo=0, hi=1)
    assert sp.breakpoints == (sympy.Rational(3, 10),) and (sp.lo, sp.hi) == (0, 1)
    inf = rl.infimum(rl.split(-sympy.log(sympy.Abs(p - sympy.Rational(1, 3))), p, lo=0, hi=1), 0, 1)
    assert inf.value == -sympy.log(sympy.Rational(2, 3)) and inf.attained and inf.at == (1,)  # log 0 at 1/3 skipped


def test_erf_is_continuous_everywhere():
    """Before: "cannot decide where 1 - erf(v) is continuous: NotImplementedError" (SymPy's continuous_domain)."""
    import sympy

    from label_noise_lab.theory.real_line import discontinuities

    v = sympy.Symbol("v", real=True)
    assert discontinuities(1 - sympy.erf(v), v, -sympy.oo, sympy.oo) == []
    assert discontinuities(sympy.erfc(1 / v), v, -1, 1) == [0]
