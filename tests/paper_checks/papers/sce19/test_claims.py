"""sce19 checks: registered; wrong formulas are refuted; the class-bias verdict follows the effects."""
import numpy as np
import pytest
import sympy

from label_noise_lab.theory.gradients import ALPHA, BETA, P
from label_noise_lab.theory.gradients import A as A_SYM
from label_noise_lab.theory.symmetry import C
from paper_checks.context import Context
from paper_checks.papers.sce19 import claims as m
from paper_checks.registry import load

IDS = ["rce_symmetric", "eq20_gradient", "class_bias"]


def ctx(cid="sce19.test"):
    return Context(cid, precision="quick")


def test_all_sce19_ids_registered():
    reg = load()
    for i in IDS:
        assert f"sce19.{i}" in reg
    assert reg["sce19.class_bias"].figures == ("sce19_class_curves",)


def test_rce_helper():
    ev = m.rce_evidence(ctx())
    assert ev.verdict == "proved" and ev.numbers["domain"] == "symbolic c"
    bad_label = m.rce_evidence(ctx(), claimed_label=A_SYM * (1 - P))  # sign of A lost
    assert bad_label.verdict == "refuted" and bad_label.counterexample["RCE"] == 2
    bad_sum = m.rce_evidence(ctx(), claimed_sum=-A_SYM * C)
    assert bad_sum.verdict == "refuted" and bad_sum.counterexample["class_sum"] == 8


@pytest.mark.slow
def test_eq20_helper_finds_alpha_beta_one_and_refutes_a_wrong_formula():
    ev = m.eq20_evidence(ctx())
    assert ev.verdict == "qualified" and "alpha = 1, beta = 1" in ev.condition
    general = {"label": ALPHA * (P - 1) + BETA * A_SYM * P * (1 - P), "other": ALPHA - BETA * A_SYM * P}
    assert m.eq20_evidence(ctx(), general).verdict == "proved"
    wrong = {"label": (P - 1) - A_SYM * P * (1 - P), "other": 1 + A_SYM * P}  # the sign of A flipped
    assert m.eq20_evidence(ctx(), wrong).verdict == "refuted"
    num = ev.numbers["numeric"]
    assert num["max_abs_dev_sce_grad_vs_formula"] < 1e-12
    assert num["max_abs_dev_sce_grad_vs_central_differences"] < 1e-6


# ---------------------------------------------------------------- class bias on synthetic curves
SEP = np.array((4.0, 2.0) * 3)  # 3 easy, 3 hard classes


def _curve(peak, at, final, E=20):
    """Rises linearly to ``peak`` at epoch ``at``, then linearly to ``final`` at epoch E."""
    t = np.arange(E + 1, dtype=float)
    up = peak * t / at
    down = peak + (final - peak) * (t - at) / (E - at)
    return np.where(t <= at, up, down)


def _res(spec, S=6, jitter=0.01, seed=0):
    """``spec[loss][noise] = (easy_curve, hard_curve)``; noises: clean, symmetric 0.4, pair-flip 0.4."""
    rng = np.random.default_rng(seed)
    L, K = len(spec), 3
    E1 = len(spec[0][0][0])
    acc = np.empty((L, K, S, E1, SEP.size))
    for li in range(L):
        for k in range(K):
            e, h = spec[li][k]
            for s in range(S):
                acc[li, k, s][:, SEP > 3] = (e + jitter * rng.standard_normal(E1))[:, None]
                acc[li, k, s][:, SEP <= 3] = (h + jitter * rng.standard_normal(E1))[:, None]
    return {"losses": ["cce", "sce"], "noises": ["clean", "symmetric 0.4", "pair-flip 0.4"], "separations": SEP,
            "class_acc": acc, "noise_fraction": np.full((K, S), 0.4)}


CLEAN = (_curve(0.95, 3, 0.95), _curve(0.7, 8, 0.7))
CE_NOISY = (_curve(0.9, 3, 0.6), _curve(0.5, 8, 0.45))
SCE_NOISY = (_curve(0.9, 3, 0.8), _curve(0.6, 8, 0.6))


def test_class_bias_confirmed_when_every_effect_holds():
    res = _res([[CLEAN, CE_NOISY, CE_NOISY], [CLEAN, SCE_NOISY, SCE_NOISY]])
    ev = m.class_bias_evidence(res, {})
    assert ev.verdict == "confirmed", ev.summary


def test_class_bias_qualified_when_sce_fails_under_pair_flip():
    res = _res([[CLEAN, CE_NOISY, CE_NOISY], [CLEAN, SCE_NOISY, CE_NOISY]])
    ev = m.class_bias_evidence(res, {})
    assert ev.verdict == "qualified"
    assert "pair-flip 0.4: hard_gain_sce (undecided)" in ev.condition
    assert "pair-flip 0.4: drop_reduction_sce (undecided)" in ev.condition


def test_class_bias_refuted_when_hard_classes_do_better_with_noise():
    better = (_curve(0.9, 3, 0.6), _curve(0.8, 8, 0.8))
    res = _res([[CLEAN, better, better], [CLEAN, SCE_NOISY, SCE_NOISY]])
    ev = m.class_bias_evidence(res, {})
    assert ev.verdict == "refuted" and "hard_deficit_ce" in ev.summary


def test_class_bias_inconclusive_when_nothing_moves():
    flat = (np.full(21, 0.5), np.full(21, 0.5))
    res = _res([[flat, flat, flat], [flat, flat, flat]], jitter=0.0)
    assert m.class_bias_evidence(res, {}).verdict == "inconclusive"
    bad = dict(res, noises=["symmetric 0.4", "clean", "pair-flip 0.4"])
    with pytest.raises(ValueError, match="first noise must be 'clean'"):
        m.class_bias_evidence(bad, {})


def test_class_bias_effects_values():
    res = _res([[CLEAN, CE_NOISY, CE_NOISY], [CLEAN, SCE_NOISY, SCE_NOISY]], jitter=0.0)
    eff = m.class_bias_effects(res, 1)
    assert eff["easy_drop_ce"].mean == pytest.approx(0.3)
    assert eff["hard_deficit_ce"].mean == pytest.approx(0.25)
    assert eff["peak_lag_ce"].mean == pytest.approx(5.0)
    assert eff["hard_gain_sce"].mean == pytest.approx(0.15)
    assert eff["drop_reduction_sce"].mean == pytest.approx(0.2)


@pytest.mark.slow
@pytest.mark.parametrize("cid", ["sce19.rce_symmetric", "sce19.eq20_gradient"])
def test_symbolic_checks_return_their_recorded_verdict(cid):
    reg = load()
    assert reg[cid].check(Context(cid, precision="quick")).verdict == reg[cid].expected


def test_sympy_symbols_are_shared():
    assert A_SYM.is_negative and sympy.Symbol("A", negative=True) == A_SYM
