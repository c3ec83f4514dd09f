"""Exact R_c and noisy minimisers of losses of p and separable losses (paper_checks.trials.minimiser), against plain
computations: a dense evaluation of the ratio, and a brute minimisation of the noisy risk over a simplex grid."""
import itertools

import numpy as np
import pytest
import sympy

from label_noise_lab.theory.losses import P, parse_spec
from paper_checks.trials import simplex as lt
from paper_checks.trials.minimiser import exact_ratio
from paper_checks.trials.properties import PRECISION_SETTINGS, TrialContext


def _ctx(spec, cs=(2, 3)):
    return TrialContext(parse_spec(spec), list(cs), PRECISION_SETTINGS["quick"])


@pytest.mark.parametrize("spec, R", [("taylor", sympy.Rational(1, 2)), ("ael", sympy.exp(-sympy.Rational(1, 3))),
                                     ("agce", 1), ("aul", 1), ("mae", 1), ("tgce", 1), ("cce", 0), ("gce", 0)])
def test_exact_ratio_against_a_dense_evaluation(spec, R):
    ctx = _ctx(spec)
    got, _ = exact_ratio(ctx)
    assert sympy.simplify(got - R) == 0
    ell = sympy.lambdify(P, ctx.loss.label, "numpy")
    l0, l1 = float(sympy.limit(ctx.loss.label, P, 0, "+")), float(ctx.loss.label.subs(P, 1))
    s = np.linspace(1e-4, 1, 20001)
    for c in (2, 3, 5):  # inf over s of A(s)/B(s), both closed forms of B, is never below R_c
        with np.errstate(all="ignore"):  # cce at s = 1: log(0) = -inf, left out below, never a RuntimeWarning
            A = ell(1 - s) - l1
            ratios = [A / B for B in ((c - 1) * (l0 - ell(s / (c - 1))), l0 - ell(s))]
        for r in ratios:
            finite = r[np.isfinite(r)]  # (tgce: B = 0 where no coordinate exceeds k, the ratio is +inf)
            assert finite.size == 0 or finite.min() >= float(R) - 1e-9


def _brute(loss, w, n=60):
    """Minimise sum_k w_k L(f, e_k) over the grid {f = m/n} of the 3-simplex (plain loops)."""
    best = (np.inf, None)
    for a, b in itertools.product(range(n + 1), repeat=2):
        if a + b > n:
            continue
        f = [sympy.Rational(a, n), sympy.Rational(b, n), sympy.Rational(n - a - b, n)]
        try:
            v = float(sum(wk * loss(f, k) for k, wk in enumerate(w) if wk))
        except TypeError:
            continue
        if np.isfinite(v) and v < best[0]:
            best = (v, f)
    return best


@pytest.mark.slow
@pytest.mark.parametrize("spec", ["taylor", "ael", "agce", "mae", "mse", "cce"])
def test_noisy_minimiser_cells_agree_with_a_brute_grid(spec):
    t = lt.trial(parse_spec(spec), [3], precision="quick")
    p = t.properties["noisy_minimiser"]
    assert p.method == "symbolic" and not p.undecided
    for kind, w in (("uniform", [sympy.Rational(3, 5), sympy.Rational(1, 5), sympy.Rational(1, 5)]),
                    ("pair", [sympy.Rational(3, 5), sympy.Rational(2, 5), 0])):
        _, f = _brute(parse_spec(spec), w, n=30)
        case = p.value[kind][3]
        assert case["attained"] is True
        if case["is_vertex"]:
            assert f == [1, 0, 0]
        else:
            assert f != [1, 0, 0] and f[0] > max(f[1:])
        if spec == "mse":
            assert case["minimiser"] == [str(x) for x in w]


@pytest.mark.slow
def test_a_tie_r_equal_to_R_c_is_decided_for_a_strictly_convex_loss():
    # Taylor CE t = 3: l = (1-p) + (1-p)^2/2 + (1-p)^3/3 is strictly convex, R_c = l'(1-)/l'(0+) = 1/3, and uniform
    # noise 2/5 at c = 3 has r = (2/5)/2/(3/5) = 1/3 = R_c: e_y is still the unique minimiser (g_r strictly convex)
    t = lt.trial(parse_spec("taylor:t=3"), [2, 3, 4], precision="quick")
    p = t.properties["noisy_minimiser"]
    assert not p.undecided and p.method == "symbolic"
    tie = p.value["uniform"][3]
    assert tie["r"] == tie["R_c"] == "1/3" and tie["is_vertex"] and tie["min"] == "11/15" and "tie" in tie
    assert not p.value["uniform"][2]["is_vertex"] and p.value["uniform"][4]["is_vertex"]
    assert "tie r = R_c (uniform c = 3)" in p.summary
