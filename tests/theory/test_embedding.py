"""label_noise_lab.theory.embedding: pair noise, the margin band, balanced/natural risks, the triplet relation.

Each derivation is also fed a wrong formula and must then fail (a check that cannot fail is a defect).
"""
import pytest
import sympy

from label_noise_lab.theory import embedding as te
from label_noise_lab.theory.embedding import ALPHA, ETA, C


@pytest.mark.slow
def test_pair_noise_rates_and_signal():
    r = te.pair_noise(range(2, 5))
    assert r.verified
    assert sympy.simplify(r.eps_pos - ETA * (2 * (C - 1) - C * ETA) / (C - 1)) == 0
    assert sympy.simplify(r.signal - (1 - C * ETA / (C - 1)) ** 2) == 0
    assert r.signal_zero == [(C - 1) / C]


@pytest.mark.slow
def test_pair_noise_rejects_wrong_formulas():
    assert not te.pair_noise(range(2, 4), eps_claim=ETA).verified  # "a pair is wrong as often as a label"
    assert not te.pair_noise(range(2, 4), signal_claim=1 - C * ETA / (C - 1)).verified  # not squared


def test_enumeration_matches_closed_form_at_a_point():
    e1, e2 = te.enumerated_pair_noise(3, sympy.Rational(1, 5))
    assert e1 == sympy.Rational(1, 5) * (4 - sympy.Rational(3, 5)) / 2
    assert e2 == e1 / 2


def test_margin_band():
    b = te.margin_band()
    assert b.verified
    assert not te.margin_band(lambda beta: beta).verified  # alpha >= beta alone is not enough
    assert te.sphere_symmetric(1, 1) and te.sphere_symmetric(sympy.Rational(6, 5), sympy.Rational(4, 5))
    assert not te.sphere_symmetric(sympy.Rational(1, 5), 1)
    assert te.band_sum(sympy.Rational(1, 2), 1, 1) == 2
    assert te.band_sum(2, sympy.Rational(1, 5), 1) == sympy.Rational(1, 5) + 1  # alpha + |D - beta|


@pytest.mark.slow  # about 1 s or more: out of README's quick command, in CI's slow run
def test_margin_balanced_affine_and_wrong_slope():
    m = te.margin_balanced()
    assert m.verified and m.slope_zeros == [(C - 1) / C]
    assert sympy.simplify(m.offset - ALPHA * (1 - m.slope)) == 0
    assert m.nonsymmetric_dependence != 0
    assert not te.margin_balanced(1 - te.stated_eps()).verified


@pytest.mark.slow
def test_margin_natural_threshold():
    n = te.margin_natural(range(2, 11))
    assert n.weights_match
    assert n.per_c[2][0] == sympy.Rational(1, 2) == n.per_c[2][1]  # c = 2: natural is balanced
    assert n.per_c[3][0] == sympy.Rational(1, 3)
    assert n.per_c[10][0] == sympy.Rational(3, 10)
    assert sympy.simplify(n.threshold_limit - (1 - 1 / sympy.sqrt(2))) == 0
    assert sympy.factor(n.lam_is_clean_only_if) == -2 * sympy.Symbol("epsilon", nonnegative=True) * (C - 2)
    assert te.natural_tolerates(10, 0.29) and not te.natural_tolerates(10, 0.31)
    # eps+ = 1/2 exactly at the threshold
    assert sympy.simplify(te.stated_eps(C, te.natural_threshold()) - sympy.Rational(1, 2)) == 0


@pytest.mark.slow
def test_triplet_linear_regime_and_relation():
    assert te.triplet_linear_regime() == (True, 2)
    assert not te.triplet_linear_regime(1)[0]
    assert te.triplet_relation(range(2, 5), "uniform").holds
    first = te.triplet_relation(range(2, 5), "first")
    assert not first.holds and all(first.extra_matches.values()) and not any(first.balanced_pattern.values())
    assert te.triplet_relation(range(2, 5), [(0, 1), (1, 0)]).holds
    assert not te.triplet_relation(range(2, 4), "uniform", slope_claim=1 - C * ETA / (C - 1)).holds
    ok, slope = te.triplet_uniform_general()
    assert ok and sympy.simplify(slope - te.stated_signal()) == 0


def test_an_unknown_pattern_name_is_refused_not_read_as_characters():
    """A string other than the two names was once split into its characters (found by mypy)."""
    with pytest.raises(ValueError, match="pattern must be 'uniform', 'first' or a list of class pairs, got 'firsst'"):
        te.triplet_relation([3], "firsst")


def _points():
    return [te.circle_point(t) for t in (0, sympy.Rational(1, 5), 2, 3, -1, sympy.Rational(1, 2))], [0, 0, 1, 1, 2, 2]


def test_point_sets_follow_the_affine_relations_exactly():
    P, y = _points()
    eta = sympy.Rational(1, 5)
    s = te.stated_signal(3, eta)
    clean, noisy = te.pair_risks_points(P, y, 3, eta, 1, 1)
    assert sympy.simplify(noisy - (s * clean + 1 - s)) == 0
    clean, noisy = te.triplet_risks_points(P, y, 3, eta, 2)
    assert sympy.simplify(noisy - 2 - s * (clean - 2)) == 0
    assert all(sum(x**2 for x in p) == 1 for p in P)


def _pair_risks_plain_loop(points, labels, c, eta, alpha, beta, sampling):
    """The pair risks as written before the unordered-pair shortcut: every ordered pair in turn."""
    T = te.uniform_transition(c, eta)
    Q = T * T.T
    n = len(points)
    num = {"cp": 0, "cn": 0, "np": 0, "nn": 0}
    den = {"cp": 0, "cn": 0, "np": 0, "nn": 0}
    nat_clean = nat_noisy = 0
    for i in range(n):
        for j in range(n):
            d = sympy.sqrt(sum((a - b) ** 2 for a, b in zip(points[i], points[j])))
            lp, ln = te.margin_pos(d, alpha, beta), te.margin_neg(d, alpha, beta)
            same = labels[i] == labels[j]
            q = Q[labels[i], labels[j]]
            num["cp"] += lp if same else 0
            den["cp"] += 1 if same else 0
            num["cn"] += 0 if same else ln
            den["cn"] += 0 if same else 1
            num["np"] += q * lp
            den["np"] += q
            num["nn"] += (1 - q) * ln
            den["nn"] += 1 - q
            nat_clean += lp if same else ln
            nat_noisy += q * lp + (1 - q) * ln
    if sampling == "natural":
        return nat_clean / n**2, nat_noisy / n**2
    return ((num["cp"] / den["cp"] + num["cn"] / den["cn"]) / 2, (num["np"] / den["np"] + num["nn"] / den["nn"]) / 2)


@pytest.mark.parametrize("sampling", ["balanced", "natural"])
def test_pair_risks_points_equal_the_plain_loop_over_ordered_pairs(sampling):
    # alpha = 1/5 < beta = 1: both hinges clip on some pairs, so the shortcut's hinges are exercised both ways
    P, y = _points()
    eta, alpha, beta = sympy.Rational(1, 5), sympy.Rational(1, 5), 1
    got = te.pair_risks_points(P, y, 3, eta, alpha, beta, sampling=sampling)
    want = _pair_risks_plain_loop(P, y, 3, eta, alpha, beta, sampling)
    assert all(sympy.simplify(g - w) == 0 for g, w in zip(got, want))


def test_triplet_linear_shortcut_equals_the_hinge_sum():
    P, y = _points()
    eta = sympy.Rational(1, 4)
    lin = te.triplet_risks_points(P, y, 3, eta, 2, [(0, 1)])  # alpha >= 2: the n^2 shortcut
    a = 2 - sympy.Rational(1, 10**6)  # below 2: the full hinge sum (no triplet clips at these points)
    hinge = te.triplet_risks_points(P, y, 3, eta, a, [(0, 1)])
    assert sympy.N(lin[0] - hinge[0] - sympy.Rational(1, 10**6), 30) == 0
    assert abs(float(lin[1] - hinge[1]) - 1e-6) < 1e-12


def test_exact_number():
    assert te.exact_number(0.2) == sympy.Rational(1, 5)
    assert te.exact_number(3) == 3
    with pytest.raises(ValueError):
        te.exact_number(True)


def test_triplet_risks_accept_a_symbolic_alpha():
    """A symbol is accepted (the hinge sum, valid for every alpha); at alpha = 3 it is the numeric risk."""
    P, y = [te.circle_point(t) for t in (0, 2, -1)], [0, 1, 1]
    a = sympy.Symbol("alpha", real=True)
    clean, noisy = te.triplet_risks_points(P, y, 2, sympy.Rational(1, 5), a, [(0, 1)])
    assert a in clean.free_symbols
    num = te.triplet_risks_points(P, y, 2, sympy.Rational(1, 5), 3, [(0, 1)])
    assert sympy.simplify(clean.subs(a, 3) - num[0]) == 0
    assert sympy.simplify(noisy.subs(a, 3) - num[1]) == 0


def test_natural_threshold_is_exact_for_an_integer_c():
    """An ``int`` c gave a float (Python's ``/`` on ints) where the symbolic formula has a surd."""
    assert te.natural_threshold(4) == sympy.Rational(3, 4) - sympy.sqrt(3) / 4
    assert te.natural_threshold(3) == sympy.Rational(1, 3)
    assert te.natural_threshold(2) == sympy.Rational(1, 2)
    with pytest.raises(ValueError, match="number of classes"):
        te.natural_threshold(1)


@pytest.mark.parametrize("r", [sympy.Rational(16, 5), sympy.Rational(4, 9), sympy.Rational(10**30 + 7, 3**40),
                               sympy.Rational((10**20 + 3)**2, (7**25)**2)])
def test_surd_is_the_square_root_and_holds_only_large_irrational_roots(r):
    s = te.surd(r)
    assert abs(sympy.N(s**2 - r, 60)) < sympy.Float(10)**-50 * r and s.is_positive
    assert isinstance(s, te.Surd) == (not sympy.sqrt(r).is_Rational and r.p.bit_length() + r.q.bit_length()
                                      > te.SURD_BITS)
    assert te.surd(sympy.Rational(16, 5)) == 4 * sympy.sqrt(5) / 5  # a small root reads as SymPy writes it


def test_equal_surds_cancel_in_a_sum():
    r = sympy.Rational(10**30 + 7, 3**40)
    assert 2 * te.surd(r) - te.surd(r) * 2 == 0
