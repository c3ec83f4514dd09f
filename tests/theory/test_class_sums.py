"""label_noise_lab.theory.class_sums: identities over a class sum proved for symbolic c (issue 65), and each refuses a
wrong one."""
from __future__ import annotations

import sympy

from label_noise_lab.theory import class_sums as cs


def test_the_uniform_noisy_label_and_risk_hold_for_every_c():
    label, risk = cs.uniform_noisy_label(), cs.uniform_noisy_risk()
    assert label.holds and label.residual == 0 and label.hypotheses == ("sum_k p_k = 1",)
    assert risk.holds and risk.residual == 0
    assert cs.C_CLASSES in risk.rhs.free_symbols and cs.C_CLASSES.is_integer


def test_proved_zero_refuses_a_wrong_identity_and_a_missing_hypothesis():
    k, y, c, r, p = cs.K_INDEX, cs.Y_INDEX, cs.C_CLASSES, cs.R_SHARE, cs.P_ENTRY
    lhs = sympy.Sum(p[k] * cs.uniform_transition_entry(k, y), (k, 1, c))
    total = {sympy.Sum(p[k], (k, 1, c)): 1}
    wrong = lhs - ((1 - r) * p[y] + r / (c - 1))  # r/(c - 1) for r/c
    residual, holds = cs.proved_zero(wrong, total)
    assert not holds and sympy.simplify(residual + r / (c * (c - 1))) == 0
    assert not cs.proved_zero(lhs - ((1 - r) * p[y] + r / c), {})[1]  # sum p = 1 is needed


def test_the_identity_agrees_with_the_explicit_sum_at_c_5():
    """A cross-check at one c, with explicit entries (not the proof: the proof is the symbolic one above)."""
    c, r = 5, sympy.Rational(1, 3)
    ps = [sympy.Rational(i + 1, 15) for i in range(c)]
    Ls = [sympy.Rational(2 * i + 1, 7) for i in range(c)]
    w = [sum(ps[k] * cs.uniform_transition_entry(k, y, c, r) for k in range(c)) for y in range(c)]
    assert sum(wy * Ly for wy, Ly in zip(w, Ls)) == (1 - r) * sum(a * b for a, b in zip(ps, Ls)) + r / c * sum(Ls)


def test_thm2_s_identities_hold_for_every_c_and_refuse_a_wrong_form():
    assert cs.lq_risk_at_label().holds and cs.rescaled_power_sum().holds
    k, y, c, T = cs.K_INDEX, cs.Y_INDEX, cs.C_CLASSES, cs.T_ENTRY
    q = sympy.Symbol("q", positive=True)
    lhs = sympy.Sum(T[k] * (1 - sympy.KroneckerDelta(k, y)) / q, (k, 1, c))
    assert not cs.proved_zero(lhs - (1 - T[y]) / (2 * q), {sympy.Sum(T[k], (k, 1, c)): 1})[1]


def test_same_label_probabilities_hold_for_every_c_and_depend_only_on_agreement(monkeypatch):
    assert cs.same_label_probabilities().holds
    import label_noise_lab.theory.embedding as te

    real = te.same_label_probabilities
    monkeypatch.setattr(te, "same_label_probabilities", lambda c, eta: (real(c, eta)[0], real(c, eta)[1] + eta / c))
    assert not cs.same_label_probabilities().holds  # a miscounted b is refused
