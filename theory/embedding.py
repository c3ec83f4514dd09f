"""Embedding losses under uniform label noise: exact derivations (SymPy only).

Le & Odobez 2019, *reconstructed*: the source is an abstract, so the setting and the claims are a reconstruction,
written out here. ``c`` balanced classes; uniform noise ``T = (1 - eta) I + eta/(c - 1) (J - I)`` independent of
``x``; two (three) examples drawn independently, each with its own noisy label; a pair is *observed positive* when
the observed labels agree. Margin ("marginal") loss ``l+(D) = [alpha + D - beta]_+`` on a positive pair,
``l-(D) = [alpha - D + beta]_+`` on a negative one; triplet loss ``[D_ap - D_an + alpha]_+``.

Notation of the risks. ``P = E[l+(D) | truly positive]``, ``N = E[l-(D) | truly negative]`` (what the clean risks
weigh), ``P' = E[l-(D) | truly positive]``, ``N' = E[l+(D) | truly negative]`` (what a flipped pair contributes).
With balanced (1:1) sampling the clean risk is ``R = (P + N)/2``; with natural sampling (pairs uniform, positives at
their rate ``1/c``) it is ``R_nat = P/c + (c - 1) N/c``.

What is derived here:

- :func:`pair_noise` -- ``eps+ = P(truly negative | observed positive) = eta (2(c-1) - c eta)/(c-1)``,
  ``eps- = P(truly positive | observed negative) = eps+/(c-1)``, signal ``1 - eps+ - eps- =
  (1 - c eta/(c-1))^2`` (a square: positive for every ``eta != (c-1)/c``).
- :func:`margin_band` -- ``l+ + l- = max(2 alpha, alpha + |D - beta|)``: equal to ``2 alpha`` iff
  ``|D - beta| <= alpha``; on the unit sphere (``D in [0, 2]``) for every pair iff
  ``alpha >= max(beta, 2 - beta)``.
- :func:`margin_balanced` -- in that symmetric region, balanced sampling gives
  ``R_eta = s R + alpha (1 - s)`` with ``s = (1 - c eta/(c-1))^2``: increasing affine for every
  ``eta != (c-1)/c`` (the stated ``eta < (c-1)/c`` is sufficient, not necessary).
- :func:`margin_natural` -- natural sampling gives ``R_eta = w+ P + w- N + const`` with
  ``w+ = (1 - 2 eps+)/c``, ``w- = (c - 1 - 2 eps+)/c``: an increasing affine function of the
  re-weighted clean risk ``R_lambda = lambda P + (1 - lambda) N``, ``lambda = (1 - 2 eps+)/(c - 4 eps+)``,
  exactly when ``eps+ < 1/2``, i.e. ``eta < eta_nat(c) = ((c-1) - sqrt((c-1)(c-2)/2))/c``
  (for ``c >= 3``; every ``eta != 1/2`` for ``c = 2``, where natural sampling *is* balanced).
  "Tolerated" means exactly this: the noisy risk increases with each clean class-conditional risk,
  so its minimisers minimise a clean risk with positive weights. Beyond ``eta_nat`` the weight of
  the positive-pair risk is negative: minimising the noisy risk pushes true positives apart.
  For ``0 < eta < eta_nat`` and ``c >= 3``, ``lambda < 1/c``: the noisy risk is *not* affine in the
  natural clean risk itself (its minimiser trades positives for negatives differently).
- :func:`triplet_linear_regime` and :func:`triplet_uniform_general` -- on the unit sphere the hinge of the
  triplet loss never clips iff ``alpha >= 2``; then with uniformly sampled classes
  ``R_eta - alpha = s (R - alpha)``, the same ``s``.
- :func:`triplet_relation` and :func:`triplet_extra` -- with a fixed class pattern ``Pi`` (a multiset of
  (anchor/positive class, negative class) pairs), ``R_eta - alpha = s (R - alpha) + g mean_Pi (S_k - S_k')``,
  ``g = (1 - c eta/(c-1)) eta/(c-1)``, ``S_k = sum_i d_ik``: affine in the clean risk for every
  embedding iff every class is as often the anchor class as the negative class in ``Pi``.
- :func:`pair_risks_points` / :func:`triplet_risks_points` -- the clean and noisy risks of an
  explicit finite point set, in exact arithmetic (to verify counterexamples).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Iterable, Sequence

import sympy

from label_noise_lab.theory.noisy_risk import ETA, uniform_transition
from label_noise_lab.theory.simplex import check_classes
from label_noise_lab.theory.symmetry import C

ALPHA = sympy.Symbol("alpha", positive=True)
BETA = sympy.Symbol("beta", real=True)
D = sympy.Symbol("D", nonnegative=True)
# clean class-conditional risks (see the module docstring)
P, N, PP, NN = sympy.symbols("P N Pprime Nprime", real=True)


def exact_number(x: Any) -> Any:
    """``x`` as an exact SymPy number: SymPy values unchanged, ints and floats through their decimal text
    (``0.2 -> 1/5``; cheaper than ``nsimplify``, and exact for every float's shortest repr)."""
    if isinstance(x, sympy.Basic):
        return x
    if isinstance(x, bool):
        raise ValueError(f"expected a number, got {x!r}")
    if isinstance(x, int):
        return sympy.Integer(x)
    return sympy.Rational(repr(float(x)))


def _zero(expr: Any) -> bool:
    return sympy.simplify(sympy.expand(expr)) == 0


def hinge(x: Any) -> Any:
    """``[x]_+ = max(x, 0)``."""
    return sympy.Max(x, 0)


def margin_pos(d: Any = D, alpha: Any = ALPHA, beta: Any = BETA) -> Any:
    """``l+(D) = [alpha + D - beta]_+`` (positive pair).

    References
    ----------
    .. [1] N. Le and J.-M. Odobez, "Theoretical Guarantees of Deep Embedding Losses Under Label Noise",
       arXiv 1812.02676, 2019, abstract (the margin and triplet losses; the setting is the catalogue's reconstruction,
       the main text is not in the sources).

    Examples
    --------
    >>> from sympy import Rational
    >>> from label_noise_lab.theory.embedding import margin_neg, margin_pos
    >>> margin_pos(1, 1, 1), margin_neg(Rational(1, 2), 1, 1)
    (1, 3/2)
    """
    return hinge(alpha + d - beta)


def margin_neg(d: Any = D, alpha: Any = ALPHA, beta: Any = BETA) -> Any:
    """``l-(D) = [alpha - D + beta]_+`` (negative pair)."""
    return hinge(alpha - d + beta)


# ================================================================ pair noise
def same_label_probabilities(c: Any = C, eta: Any = ETA) -> tuple[Any, Any]:
    """``(a, b)``: ``P(observed labels agree | true labels agree)`` and ``| differ``.

    Two independent noisy labels: ``a = (1-eta)^2 + (c-1) (eta/(c-1))^2`` (both kept, or both
    flipped to the same other class); ``b = 2 (1-eta) eta/(c-1) + (c-2) (eta/(c-1))^2`` (one kept
    and the other flipped onto it, or both flipped to a third class).
    """
    f = eta / (c - 1)
    return (1 - eta) ** 2 + (c - 1) * f**2, 2 * (1 - eta) * f + (c - 2) * f**2


@lru_cache(maxsize=64)
def pair_noise_rates(c: Any = C, eta: Any = ETA) -> tuple[Any, Any]:
    """``(eps+, eps-)`` by Bayes from :func:`same_label_probabilities` with ``P(true same) = 1/c``.

    References
    ----------
    .. [1] N. Le and J.-M. Odobez, "Theoretical Guarantees of Deep Embedding Losses Under Label Noise",
       arXiv 1812.02676, 2019, abstract (the margin and triplet losses; the setting is the catalogue's reconstruction,
       the main text is not in the sources).

    Examples
    --------
    >>> from sympy import Rational
    >>> from label_noise_lab.theory.embedding import pair_noise_rates
    >>> pair_noise_rates(3, Rational(1, 3))
    (1/2, 1/4)
    """
    a, b = same_label_probabilities(c, eta)
    p_same = sympy.Integer(1) / c
    obs_same = p_same * a + (1 - p_same) * b
    eps_pos = (1 - p_same) * b / obs_same
    eps_neg = p_same * (1 - a) / (1 - obs_same)
    return sympy.simplify(eps_pos), sympy.simplify(eps_neg)


def stated_eps(c: Any = C, eta: Any = ETA) -> Any:
    """The stated ``eps+ = eta (2(c-1) - c eta)/(c-1)`` (the reconstruction of Le & Odobez 2019).

    References
    ----------
    .. [1] N. Le and J.-M. Odobez, "Theoretical Guarantees of Deep Embedding Losses Under Label Noise",
       arXiv 1812.02676, 2019, abstract (a reconstruction: the main text is not in the sources).
    """
    return eta * (2 * (c - 1) - c * eta) / (c - 1)


def stated_signal(c: Any = C, eta: Any = ETA) -> Any:
    """The catalogue's signal factor ``(1 - c eta/(c-1))^2``.

    References
    ----------
    .. [1] N. Le and J.-M. Odobez, "Theoretical Guarantees of Deep Embedding Losses Under Label Noise",
       arXiv 1812.02676, 2019, abstract (the margin and triplet losses; the setting is the catalogue's reconstruction,
       the main text is not in the sources).

    Examples
    --------
    >>> from label_noise_lab.theory.embedding import ETA, stated_signal
    >>> stated_signal(3, ETA)
    (1 - 3*eta/2)**2
    """
    return (1 - c * eta / (c - 1)) ** 2


def enumerated_pair_noise(c: int, eta: Any = ETA) -> tuple[Any, Any]:
    """``(eps+, eps-)`` for an explicit ``c`` by summing over all ``(y1, y2, noisy1, noisy2)``.

    Independent of :func:`same_label_probabilities`: uses the transition matrix of
    :func:`label_noise_lab.theory.noisy_risk.uniform_transition` entry by entry.
    """
    c = check_classes(c)
    T = uniform_transition(c, eta)
    joint = {(ts, os): sympy.Integer(0) for ts in (True, False) for os in (True, False)}
    for y1 in range(c):
        for y2 in range(c):
            for k1 in range(c):
                for k2 in range(c):
                    joint[(y1 == y2, k1 == k2)] += T[y1, k1] * T[y2, k2] / c**2
    eps_pos = joint[(False, True)] / (joint[(False, True)] + joint[(True, True)])
    eps_neg = joint[(True, False)] / (joint[(True, False)] + joint[(False, False)])
    return sympy.simplify(eps_pos), sympy.simplify(eps_neg)


@dataclass
class PairNoise:
    """The derived pair-noise rates and how they compare with stated formulas.

    Attributes
    ----------
    eps_pos, eps_neg, signal : derived expressions in symbolic ``c`` and ``eta``
    matches : name -> whether the derived expression equals the stated one (symbolic ``c``)
    per_c : ``c -> True`` where the enumeration over all label quadruples gives the stated rates
    signal_zero : the ``eta`` where the signal vanishes
    """

    eps_pos: Any
    eps_neg: Any
    signal: Any
    matches: dict[str, bool]
    per_c: dict[int, bool] = field(default_factory=dict)
    signal_zero: list[Any] = field(default_factory=list)

    @property
    def verified(self) -> bool:
        return all(self.matches.values()) and bool(self.per_c) and all(self.per_c.values())


def pair_noise(cs: Iterable[int] = range(2, 7), eps_claim: Any = None, eps_neg_claim: Any = None,
               signal_claim: Any = None) -> PairNoise:
    """Derive ``eps+``, ``eps-`` and the signal factor and compare with stated formulas.

    The stated formulas default to the reconstruction's; pass others to see the check fail.
    """
    eps_claim = stated_eps() if eps_claim is None else eps_claim
    eps_neg_claim = eps_claim / (C - 1) if eps_neg_claim is None else eps_neg_claim
    signal_claim = stated_signal() if signal_claim is None else signal_claim
    ep, en = pair_noise_rates()
    signal = sympy.factor(sympy.simplify(1 - ep - en))
    matches = {"eps+": _zero(ep - eps_claim), "eps-": _zero(en - eps_neg_claim),
               "signal": _zero(1 - ep - en - signal_claim)}
    per_c = {}
    for c in cs:
        e1, e2 = enumerated_pair_noise(c)
        per_c[c] = (_zero(e1 - eps_claim.subs(C, c)) and _zero(e2 - eps_neg_claim.subs(C, c))
                    and _zero(1 - e1 - e2 - signal_claim.subs(C, c)))
    zeros = sympy.solve(sympy.Eq(signal, 0), ETA)
    return PairNoise(ep, en, signal, matches, per_c, zeros)


# ================================================================ the margin loss's band
@dataclass
class MarginBand:
    """``l+ + l-`` region by region (``u = D - beta``) and the unit-sphere condition.

    Attributes
    ----------
    regions : name -> (parametrisation, ``l+ + l- - 2 alpha`` there)
    band_sum_is_2alpha : inside ``|u| <= alpha`` the sum is exactly ``2 alpha``
    outside_exceeds : outside, the sum exceeds ``2 alpha`` by the distance to the band (> 0)
    sphere_condition : the derived condition for ``[0, 2]`` to lie in the band
    sphere_condition_matches : it equals ``alpha >= max(beta, 2 - beta)`` (case by case in ``beta``)
    """

    regions: dict[str, tuple[str, Any]]
    band_sum_is_2alpha: bool
    outside_exceeds: bool
    sphere_condition: str
    sphere_condition_matches: bool

    @property
    def verified(self) -> bool:
        return self.band_sum_is_2alpha and self.outside_exceeds and self.sphere_condition_matches


def margin_band(lower: Any = None) -> MarginBand:
    """Prove ``l+ + l- = 2 alpha`` iff ``|D - beta| <= alpha``, and the unit-sphere condition.

    Inside the band write ``alpha = (p + q)/2``, ``u = (p - q)/2`` with ``p, q >= 0`` (then
    ``alpha + u = p``, ``alpha - u = q``); above it ``u = alpha + t``, below ``u = -alpha - t``,
    ``t > 0``. SymPy resolves every ``Max`` from the sign assumptions.

    On the unit sphere every ``D in [0, 2]`` occurs (dimension >= 2). ``max_{D in [0,2]} |D - beta|``
    is attained at an end (``|.|`` is convex): ``max(|beta|, |2 - beta|)``, which equals
    ``max(beta, 2 - beta)`` in each of the cases ``beta <= 0``, ``0 <= beta <= 2``, ``beta >= 2``
    (checked by substitution). ``lower(beta)`` replaces ``max(beta, 2 - beta)`` to test a wrong
    condition.
    """
    p, q, t, s = sympy.symbols("p q t s", nonnegative=True)
    tp = sympy.Symbol("tpos", positive=True)
    a = ALPHA
    inside = sympy.simplify(hinge(p) + hinge(q) - (p + q))  # alpha + u = p, alpha - u = q
    above = sympy.simplify(hinge(2 * a + tp) + hinge(-tp) - 2 * a)  # u = alpha + t
    below = sympy.simplify(hinge(-tp) + hinge(2 * a + tp) - 2 * a)  # u = -alpha - t
    regions = {"|u| <= alpha": ("alpha = (p+q)/2, u = (p-q)/2", inside),
               "u > alpha": ("u = alpha + t", above), "u < -alpha": ("u = -alpha - t", below)}
    band = inside == 0
    outside = above == tp and below == tp
    target = (lambda b: sympy.Max(b, 2 - b)) if lower is None else lower
    # max(|beta|, |2 - beta|) against target, case by case: beta = -s, beta = 2s/(1+s) in [0, 2), beta = 2 + s
    cases = [-s, 2 * s / (1 + s), 2 + s, sympy.Integer(1)]
    ok = True
    for b in cases:
        derived = sympy.Max(sympy.Abs(b), sympy.Abs(2 - b))
        ok = ok and _max_equal(derived, target(b), s)
    return MarginBand(regions, band, outside,
                      "beta - alpha <= 0 and beta + alpha >= 2, i.e. alpha >= max(beta, 2 - beta)", ok)


def _max_equal(x: Any, y: Any, s: sympy.Symbol) -> bool:
    """``x == y`` for all ``s >= 0``: symbolically when SymPy resolves it, else on a rational grid."""
    diff = sympy.simplify(x - y)
    if diff == 0:
        return True
    grid = [sympy.Rational(k, 4) for k in range(0, 41)]
    return all(sympy.simplify(diff.subs(s, v)) == 0 for v in grid)


def band_sum(d: Any, alpha: Any, beta: Any) -> Any:
    """``l+(d) + l-(d)`` for numbers (exact when given Rationals).

    References
    ----------
    .. [1] N. Le and J.-M. Odobez, "Theoretical Guarantees of Deep Embedding Losses Under Label Noise",
       arXiv 1812.02676, 2019, abstract (the margin and triplet losses; the setting is the catalogue's reconstruction,
       the main text is not in the sources).

    Examples
    --------
    >>> from sympy import Rational
    >>> from label_noise_lab.theory.embedding import band_sum, sphere_symmetric
    >>> band_sum(Rational(1, 2), 1, 1), sphere_symmetric(1, 1)
    (2, True)
    """
    return margin_pos(d, alpha, beta) + margin_neg(d, alpha, beta)


def sphere_symmetric(alpha: Any, beta: Any) -> bool:
    """Whether ``l+ + l- = 2 alpha`` for every ``D in [0, 2]`` (``alpha >= max(beta, 2 - beta)``)."""
    return bool(alpha >= sympy.Max(beta, 2 - beta))


# ================================================================ margin risk, balanced and natural sampling
def noisy_margin_risks(c: Any = C, eta: Any = ETA) -> tuple[Any, Any]:
    """``(R_eta balanced, R_eta natural)`` in the general (not yet symmetric) form.

    An observed positive pair is truly negative with probability ``eps+`` (then it pays ``l+`` on a
    negative pair: ``N'``), an observed negative truly positive with ``eps-`` (it pays ``P'``).
    Under uniform noise the class mix within truly positive (negative) pairs is the same whatever
    the observed status (``P(observed same | y1, y2)`` depends only on ``y1 == y2``), so the
    conditional risks are the clean ``P, N, P', N'``. Balanced sampling weighs observed positives
    and negatives ``1/2`` each, natural sampling ``1/c`` and ``(c-1)/c`` (noisy labels are uniform).
    """
    ep, en = pair_noise_rates(c, eta)
    pos = (1 - ep) * P + ep * NN
    neg = (1 - en) * N + en * PP
    return sympy.Rational(1, 2) * (pos + neg), pos / c + (c - 1) * neg / c


@dataclass
class MarginBalanced:
    """``R_eta = slope R + offset`` in the symmetric region, balanced sampling.

    Attributes
    ----------
    slope, offset : derived (symbolic ``c``, ``eta``, ``alpha``)
    affine : the identity ``R_eta = slope R + offset`` holds with ``P' = 2 alpha - P``, ``N' = 2 alpha - N``
    slope_matches : ``slope`` equals the stated signal factor
    slope_zeros : where the slope vanishes (only ``eta = (c-1)/c``)
    nonsymmetric_dependence : ``dR_eta/dN'`` without the symmetry (non-zero: not a function of ``R``)
    """

    slope: Any
    offset: Any
    affine: bool
    slope_matches: bool
    slope_zeros: list[Any]
    nonsymmetric_dependence: Any

    @property
    def verified(self) -> bool:
        return self.affine and self.slope_matches


def margin_balanced(slope_claim: Any = None) -> MarginBalanced:
    """Derive the balanced-sampling affine relation (the margin loss's robustness).

    ``slope_claim`` defaults to ``(1 - c eta/(c-1))^2``; pass another to see it fail.
    """
    slope_claim = stated_signal() if slope_claim is None else slope_claim
    bal, _ = noisy_margin_risks()
    sym = bal.subs({PP: 2 * ALPHA - P, NN: 2 * ALPHA - N})
    R = (P + N) / 2
    slope = sympy.factor(sympy.simplify(sympy.diff(sym, P) * 2))
    offset = sympy.factor(sympy.simplify(sym - slope * R))
    affine = _zero(sym - slope * R - offset) and _zero(sympy.diff(sym, P) - sympy.diff(sym, N))
    matches = _zero(slope - slope_claim)
    zeros = sympy.solve(sympy.Eq(slope, 0), ETA)
    return MarginBalanced(slope, offset, affine, matches, zeros, sympy.simplify(sympy.diff(bal, NN)))


@dataclass
class MarginNatural:
    """Natural sampling in the symmetric region: weights, the re-weighted risk and the threshold.

    Attributes
    ----------
    w_pos, w_neg : the weights of ``P`` and ``N`` in ``R_eta`` (symbolic ``c``, ``eta``)
    weights_match : they equal ``(1 - 2 eps+)/c`` and ``(c - 1 - 2 eps+)/c``
    lam : ``w_pos/(w_pos + w_neg)``, the positive share of the re-weighted clean risk
    lam_is_clean_only_if : the numerator of ``lam - 1/c`` in ``epsilon = eps+``, factored
        (``-2 epsilon (c - 2)``: zero only for ``eps+ = 0`` or ``c = 2``)
    threshold : ``eta_nat(c)``, where ``w_pos`` vanishes (the smaller root)
    threshold_below_balanced : ``(c-1)/c - eta_nat(c)`` (``> 0`` for ``c >= 3``, ``0`` at ``c = 2``)
    threshold_limit : ``eta_nat`` as ``c -> oo`` (``1 - 1/sqrt(2)``)
    per_c : ``c -> (eta_nat(c), (c-1)/c)`` exact values
    """

    w_pos: Any
    w_neg: Any
    weights_match: bool
    lam: Any
    lam_is_clean_only_if: Any
    threshold: Any
    threshold_below_balanced: Any
    threshold_limit: Any
    per_c: dict[int, tuple[Any, Any]]


def natural_threshold(c: Any = C) -> Any:
    """``eta_nat(c) = ((c-1) - sqrt((c-1)(c-2)/2))/c``, the noise rate where ``eps+ = 1/2``; exact for an integer
    ``c >= 2`` (a Python ``int`` is made a SymPy integer first, so ``c = 4`` gives a surd, not a float).

    References
    ----------
    .. [1] N. Le and J.-M. Odobez, "Theoretical Guarantees of Deep Embedding Losses Under Label Noise",
       arXiv 1812.02676, 2019, abstract (the margin and triplet losses; the setting is the catalogue's reconstruction,
       the main text is not in the sources).

    Examples
    --------
    >>> from label_noise_lab.theory.embedding import natural_threshold
    >>> natural_threshold(3), natural_threshold(4)
    (1/3, 3/4 - sqrt(3)/4)
    """
    c = c if isinstance(c, sympy.Symbol) else sympy.Integer(check_classes(c))
    return ((c - 1) - sympy.sqrt((c - 1) * (c - 2) / 2)) / c


def margin_natural(cs: Iterable[int] = range(2, 11)) -> MarginNatural:
    """Derive what natural pair sampling changes.

    The weights come from :func:`noisy_margin_risks` with the symmetric substitution; the
    threshold solves ``w_pos = 0`` for ``eta`` (the quadratic ``c eta^2 - 2(c-1) eta + (c-1)/2 = 0``);
    ``eps+`` increases on ``[0, (c-1)/c]`` (derivative ``2((c-1) - c eta)/(c-1)``), so below the
    smaller root ``eps+ < 1/2``.
    """
    _, nat = noisy_margin_risks()
    sym = sympy.expand(nat.subs({PP: 2 * ALPHA - P, NN: 2 * ALPHA - N}))
    w_pos = sympy.simplify(sympy.diff(sym, P))
    w_neg = sympy.simplify(sympy.diff(sym, N))
    eps = stated_eps()
    matches = _zero(w_pos - (1 - 2 * eps) / C) and _zero(w_neg - (C - 1 - 2 * eps) / C)
    e = sympy.Symbol("epsilon", nonnegative=True)
    lam_e = (1 - 2 * e) / (C - 4 * e)
    lam_clean = sympy.factor(sympy.numer(sympy.together(lam_e - 1 / C)))
    roots = sympy.solve(sympy.Eq(sympy.numer(sympy.together(w_pos)), 0), ETA)
    thr = natural_threshold()
    root_ok = any(_zero(r - thr) for r in roots)
    per_c = {}
    for c in cs:
        c = check_classes(c)
        per_c[c] = (sympy.nsimplify(thr.subs(C, c)), sympy.Rational(c - 1, c))
    below = sympy.simplify((C - 1) / C - thr)
    return MarginNatural(w_pos, w_neg, matches and root_ok, sympy.simplify(w_pos / (w_pos + w_neg)), lam_clean,
                         thr, below, sympy.limit(thr, C, sympy.oo), per_c)


def natural_tolerates(c: int, eta: Any) -> bool:
    """Whether natural sampling tolerates ``eta``: ``eps+ < 1/2`` (both weights positive).

    References
    ----------
    .. [1] N. Le and J.-M. Odobez, "Theoretical Guarantees of Deep Embedding Losses Under Label Noise",
       arXiv 1812.02676, 2019, abstract (the margin and triplet losses; the setting is the catalogue's reconstruction,
       the main text is not in the sources).

    Examples
    --------
    >>> from sympy import Rational
    >>> from label_noise_lab.theory.embedding import natural_tolerates
    >>> natural_tolerates(3, Rational(1, 10)), natural_tolerates(3, Rational(1, 2))
    (True, False)
    """
    c = check_classes(c)
    return bool(stated_eps(c, exact_number(eta)) < sympy.Rational(1, 2))


# ================================================================ triplet loss
def triplet_linear_regime(alpha_claim: Any = 2) -> tuple[bool, Any]:
    """``[x + alpha]_+ = x + alpha`` for every ``x = D_ap - D_an in [-2, 2]`` iff ``alpha >= alpha_claim``.

    The smallest ``x + alpha`` on the sphere is ``alpha - 2`` (``D_ap = 0``, ``D_an = 2``, attained),
    so no clipping iff ``alpha - 2 >= 0``. Returns ``(matches, derived bound)``.

    References
    ----------
    .. [1] N. Le and J.-M. Odobez, "Theoretical Guarantees of Deep Embedding Losses Under Label Noise",
       arXiv 1812.02676, 2019, abstract (the margin and triplet losses; the setting is the catalogue's reconstruction,
       the main text is not in the sources).

    Examples
    --------
    >>> from label_noise_lab.theory.embedding import triplet_linear_regime
    >>> triplet_linear_regime()
    (True, 2)
    """
    x = sympy.Symbol("x", real=True)
    lowest = sympy.minimum(x + ALPHA, x, sympy.Interval(-2, 2))
    bound = sympy.solve(sympy.Eq(lowest, 0), ALPHA)[0]
    return _zero(bound - alpha_claim), bound


def _distance_symbols(c: int) -> sympy.Matrix:
    """A symmetric matrix of free symbols ``d_ij = E[D | true classes i, j]`` (``d_ii`` within a class)."""
    return sympy.Matrix(c, c, lambda i, j: sympy.Symbol(f"d{min(i, j)}{max(i, j)}", real=True))


def triplet_linear_risk(c: int, d: sympy.Matrix, pattern: Sequence[tuple[int, int]], eta: Any = ETA) -> Any:
    """``E[D_ap - D_an] + alpha`` with observed classes drawn uniformly from ``pattern``.

    Anchor and positive are independent draws with observed label ``k``, the negative one with
    observed label ``k'``; their true classes follow the posterior ``T[:, k]`` (balanced classes,
    symmetric ``T``). ``eta = 0`` gives the clean risk.
    """
    T = uniform_transition(c, eta)
    tot = sympy.Integer(0)
    for k, kk in pattern:
        qa = [T[i, k] for i in range(c)]
        qn = [T[i, kk] for i in range(c)]
        tot += sum(qa[i] * qa[j] * d[i, j] for i in range(c) for j in range(c))
        tot -= sum(qa[i] * qn[j] * d[i, j] for i in range(c) for j in range(c))
    return tot / len(pattern) + ALPHA


def uniform_pattern(c: int) -> list[tuple[int, int]]:
    """Every ordered pair of distinct classes once: the uniform class sampling.

    Examples
    --------
    >>> from label_noise_lab.theory.embedding import uniform_pattern
    >>> uniform_pattern(3)
    [(0, 1), (0, 2), (1, 0), (1, 2), (2, 0), (2, 1)]
    """
    return [(k, kk) for k in range(c) for kk in range(c) if k != kk]


@dataclass
class TripletRelation:
    """``R_eta - alpha`` against ``s (R - alpha)`` for explicit ``c`` and a class pattern.

    Attributes
    ----------
    per_c : ``c -> (holds, extra)``: ``extra = (R_eta - alpha) - s (R - alpha)``, expanded
    extra_matches : ``c ->`` whether ``extra`` equals ``g * mean_Pi (S_k - S_k')`` (the derived form)
    balanced_pattern : ``c ->`` whether each class is as often anchor as negative class in the pattern
    """

    per_c: dict[int, tuple[bool, Any]]
    extra_matches: dict[int, bool]
    balanced_pattern: dict[int, bool]

    @property
    def holds(self) -> bool:
        return all(h for h, _ in self.per_c.values())


def triplet_extra(c: int, d: sympy.Matrix, pattern: Sequence[tuple[int, int]], eta: Any = ETA) -> Any:
    """The derived extra term ``g mean_Pi (S_k - S_k')``, ``g = (1 - c eta/(c-1)) eta/(c-1)``, ``S_k = sum_i d_ik``."""
    g = (1 - c * eta / (c - 1)) * eta / (c - 1)
    S = [sum(d[i, k] for i in range(c)) for k in range(c)]
    return g * sum(S[k] - S[kk] for k, kk in pattern) / len(pattern)


def triplet_relation(cs: Iterable[int] = range(2, 6), pattern: str | Sequence[tuple[int, int]] = "uniform",
                     slope_claim: Any = None) -> TripletRelation:
    """Check ``R_eta - alpha = s (R - alpha)`` with generic distances ``d_ij`` (the triplet loss's robustness).

    ``pattern``: ``"uniform"`` (every ordered pair of distinct classes), ``"first"`` (the fixed
    pair (0, 1) only), or an explicit list applied to every ``c``. ``slope_claim`` defaults to
    ``(1 - c eta/(c-1))^2``.
    """
    if isinstance(pattern, str) and pattern not in ("uniform", "first"):  # not to be read as a list of characters
        raise ValueError(f"pattern must be 'uniform', 'first' or a list of class pairs, got {pattern!r}")
    slope_claim = stated_signal() if slope_claim is None else slope_claim
    per_c, extra_ok, bal = {}, {}, {}
    for c in cs:
        c = check_classes(c)
        pat = uniform_pattern(c) if pattern == "uniform" else [(0, 1)] if isinstance(pattern, str) else list(pattern)
        d = _distance_symbols(c)
        noisy = triplet_linear_risk(c, d, pat)
        clean = triplet_linear_risk(c, d, pat, 0)
        extra = sympy.expand(noisy - ALPHA - slope_claim.subs(C, c) * (clean - ALPHA))
        per_c[c] = (extra == 0, sympy.factor(extra))
        extra_ok[c] = _zero(extra - triplet_extra(c, d, pat)) if slope_claim is stated_signal() or _zero(
            slope_claim - stated_signal()) else False
        bal[c] = all(sum(1 for k, _ in pat if k == j) == sum(1 for _, kk in pat if kk == j) for j in range(c))
    return TripletRelation(per_c, extra_ok, bal)


def triplet_uniform_general(slope_claim: Any = None) -> tuple[bool, Any]:
    """Symbolic ``c``: ``E[D_ap] = (1 - eps+) Dpos + eps+ Dneg``, ``E[D_an] = (1 - eps-) Dneg + eps- Dpos``
    (the class mix within same/different true pairs is uniform after averaging over uniform observed
    classes, as :func:`triplet_relation` confirms for explicit ``c``), hence
    ``R_eta - alpha = (1 - eps+ - eps-) (Dpos - Dneg)``. Returns ``(matches, slope)``."""
    slope_claim = stated_signal() if slope_claim is None else slope_claim
    dp, dn = sympy.symbols("Dpos Dneg", real=True)
    ep, en = pair_noise_rates()
    noisy = (1 - ep) * dp + ep * dn - ((1 - en) * dn + en * dp)
    slope = sympy.factor(sympy.simplify(sympy.diff(noisy, dp)))
    return _zero(noisy - slope_claim * (dp - dn)) and _zero(slope - slope_claim), slope


# ================================================================ explicit point sets (exact arithmetic)
def circle_point(t: Any) -> list[Any]:
    """A rational point of the unit circle: ``((1 - t^2)/(1 + t^2), 2t/(1 + t^2))`` (exact for rational ``t``)."""
    t = exact_number(t)
    return [(1 - t**2) / (1 + t**2), 2 * t / (1 + t**2)]


class Surd(sympy.UnevaluatedExpr):
    """``sqrt(r)`` of a positive rational ``r`` that is not a rational's square, held whole: SymPy's ``Mul`` takes an
    evaluated root of a rational apart and builds it again, factoring ``r``'s numerator and denominator each time (most
    of an exact search point's cost for the le19 point sets, whose ``r`` have 20-40 digits: issue 59). The same exact
    number: it prints, evaluates numerically and is evaluated by ball arithmetic as the root it holds; sums collect
    equal roots (the same ``r``) as SymPy's would."""

    is_positive = True
    is_real = True
    is_finite = True

    def _eval_evalf(self, prec: int) -> Any:
        return self.args[0]._eval_evalf(prec)


#: the size (bits of numerator and denominator) above which :func:`surd` holds a root whole
SURD_BITS = 64


def surd(r: Any) -> Any:
    """``sqrt(r)``, exact: SymPy's own ``sqrt(r)`` (square factors pulled out: ``sqrt(16/5) = 4 sqrt(5)/5``, as a
    shrunk counterexample reads best) where ``r`` is not a positive rational or is one of at most
    :data:`SURD_BITS` bits; else a rational where ``r`` is a rational's square and a :class:`Surd` where not.

    Examples
    --------
    >>> from sympy import Rational
    >>> from label_noise_lab.theory.embedding import Surd, surd
    >>> surd(Rational(16, 5))
    4*sqrt(5)/5
    >>> r = Rational(10**30 + 7, 3**40)
    >>> isinstance(surd(r), Surd), 2 * surd(r) - surd(r) * 2
    (True, 0)
    """
    if isinstance(r, sympy.Rational) and r > 0 and int(r.p).bit_length() + int(r.q).bit_length() > SURD_BITS:
        p, exact_p = sympy.integer_nthroot(r.p, 2)
        q, exact_q = sympy.integer_nthroot(r.q, 2)
        if exact_p and exact_q:
            return sympy.Rational(p, q)
        return Surd(sympy.Pow(r, sympy.S.Half, evaluate=False))
    return sympy.sqrt(r)


def _dist(u: Sequence[Any], v: Sequence[Any]) -> Any:
    return surd(sum((a - b) ** 2 for a, b in zip(u, v)))


def _pair_hinges(u: Sequence[Any], v: Sequence[Any], alpha: Any, beta: Any) -> tuple[Any, Any]:
    """``(margin_pos(D), margin_neg(D))`` of two rational points, ``D = sqrt(r)``: the same expressions, the hinges'
    signs decided on the rational ``r`` (``k + sqrt(r) > 0`` iff ``k >= 0`` or ``r > k^2``) instead of by
    ``Max``'s numerical comparison of surds, which was most of an exact search point's cost (issue 59)."""
    r = sum((a - b) ** 2 for a, b in zip(u, v))
    d = surd(r)
    if d.is_Rational or not (isinstance(r, sympy.Rational) and alpha.is_Rational and beta.is_Rational):
        return margin_pos(d, alpha, beta), margin_neg(d, alpha, beta)
    kp, kn = alpha - beta, alpha + beta  # l+ = [kp + D]_+, l- = [kn - D]_+; D irrational, so neither is 0
    return (alpha + d - beta if kp >= 0 or r > kp**2 else sympy.S.Zero,
            alpha - d + beta if kn > 0 and kn**2 > r else sympy.S.Zero)


def pair_risks_points(points: Sequence[Sequence[Any]], labels: Sequence[int], c: int, eta: Any, alpha: Any,
                      beta: Any, sampling: str = "balanced") -> tuple[Any, Any]:
    """Exact ``(clean, noisy)`` margin risks of a finite point set (uniform draws with replacement).

    Each draw gets its own noisy label (uniform noise), so ``P(observed same | y_i, y_j) = (T T^T)_{y_i y_j}``.
    """
    T = uniform_transition(check_classes(c), exact_number(eta))
    alpha, beta = exact_number(alpha), exact_number(beta)
    Q = T * T.T
    n = len(points)
    if sampling not in ("balanced", "natural"):
        raise ValueError(f"sampling must be 'balanced' or 'natural', got {sampling!r}")
    # D and the hinges depend on the unordered pair only: built once (deciding a hinge is the cost), counted twice
    losses = {(i, j): _pair_hinges(points[i], points[j], alpha, beta) for i in range(n) for j in range(i, n)}
    # each sum is built in one Add (added term by term, every partial sum was flattened and sorted again)
    terms: dict[str, list[Any]] = {k: [] for k in ("cp", "cn", "np", "nn", "den_np", "den_nn", "nat_c", "nat_n")}
    den = {"cp": 0, "cn": 0}
    balanced = sampling == "balanced"
    for (i, j), (lp, ln) in losses.items():
        w = 1 if i == j else 2
        same = labels[i] == labels[j]
        q = Q[labels[i], labels[j]]
        if balanced:
            den["cp" if same else "cn"] += w
            new = {"cp" if same else "cn": w * (lp if same else ln), "np": w * q * lp, "den_np": w * q,
                   "nn": w * (1 - q) * ln, "den_nn": w * (1 - q)}
        else:
            new = {"nat_c": w * (lp if same else ln), "nat_n": w * (q * lp + (1 - q) * ln)}
        for k, v in new.items():
            terms[k].append(v)
    S = {k: sympy.Add(*v) if v else 0 for k, v in terms.items()}
    if balanced:
        clean = (S["cp"] / den["cp"] + S["cn"] / den["cn"]) / 2
        noisy = (S["np"] / S["den_np"] + S["nn"] / S["den_nn"]) / 2
    else:
        clean, noisy = S["nat_c"] / n**2, S["nat_n"] / n**2
    return clean, noisy


def _certainly(rel: Any) -> bool:
    """Whether ``rel`` is known to hold: a comparison of numbers decided, one of symbols not decided by SymPy
    (``alpha >= 2`` for a symbolic ``alpha``) taken as not known, so the caller uses the form valid everywhere."""
    try:
        return bool(rel)
    except TypeError:
        return False


def triplet_risks_points(points: Sequence[Sequence[Any]], labels: Sequence[int], c: int, eta: Any, alpha: Any,
                         pattern: Sequence[tuple[int, int]] | None = None) -> tuple[Any, Any]:
    """Exact ``(clean, noisy)`` triplet risks ``E[[D_ap - D_an + alpha]_+]`` of a finite point set.

    Observed classes ``(k, k')`` uniform over ``pattern`` (default: all ordered pairs of distinct
    classes); anchor and positive drawn independently among draws with observed label ``k``, the
    negative among draws with observed label ``k'`` (points uniform, each draw its own noisy label:
    ``P(point i | observed k) ∝ T[y_i, k]``).
    """
    c = check_classes(c)
    pat = uniform_pattern(c) if pattern is None else list(pattern)
    n = len(points)
    upper = {(i, j): _dist(points[i], points[j]) for i in range(n) for j in range(i + 1, n)}  # D is symmetric
    Dm = [[upper[min(i, j), max(i, j)] if i != j else sympy.S.Zero for j in range(n)] for i in range(n)]
    alpha = exact_number(alpha)
    # all points in the closed unit ball and alpha >= 2: D_ap - D_an >= -2, the hinge never clips, and
    # the risk splits into E[D_ap] - E[D_an] + alpha (n^2 terms instead of n^3 Max terms)
    linear = _certainly(alpha >= 2) and all(_certainly(sum(exact_number(x) ** 2 for x in pt) <= 1) for pt in points)

    def risk(T: sympy.Matrix) -> Any:
        col = [sum(T[labels[i], k] for i in range(n)) for k in range(c)]
        q = [[T[labels[i], k] / col[k] for k in range(c)] for i in range(n)]
        tot = sympy.Integer(0)
        if linear:
            for k, kk in pat:
                tot += sympy.Add(*(q[a][k] * (q[p][k] - q[p][kk]) * Dm[a][p] for a in range(n) for p in range(n)))
            return tot / len(pat) + alpha
        for k, kk in pat:
            for a in range(n):
                for p in range(n):
                    w = q[a][k] * q[p][k]
                    if w == 0:
                        continue
                    for m in range(n):
                        if q[m][kk] != 0:
                            tot += w * q[m][kk] * hinge(Dm[a][p] - Dm[a][m] + alpha)
        return tot / len(pat)

    return risk(sympy.eye(c)), risk(uniform_transition(c, exact_number(eta)))
