"""Exact facts about the triplet loss at and near collapse, and the isometry constants.

Xu et al. 2022 ("Mathematical Justification of Hard Negative Mining via Isometric
Approximation Theorem"). The source is an abstract; the claims are *reconstructed*
(the collapse value and the isometry constant of hard negative mining; the catalogue writes each
reconstruction out beside its check). SymPy only.

Notation: embeddings ``e_i`` in ``R^d``; ``D_ij = ||e_i - e_j||``; the triplet loss of an anchor
``a``, positive ``p`` (same class, ``a != p``) and negative ``n`` (another class) is
``[D_ap - D_an + alpha]_+`` with margin ``alpha > 0``. A *miner* picks the negatives:
hard (the anchor's closest negative), batch-hard (farthest positive and closest negative of an
anchor), random, semi-hard (the closest negative with ``D_ap < D_an < D_ap + alpha``).

``d_iso(f) = min_{g triplet-separated} max_x ||f(x) - g(x)||`` (``g`` is triplet-separated when
every valid triplet has ``D_an >= D_ap + alpha``), and ``M`` is the worst hard-mined term
``max_(a,p) [D_ap - min_n D_an + alpha]_+``.

*Lower bound* ``M <= 4 d_iso`` (a proof, not a computation): if ``||f(x) - g(x)|| <= t`` for all
``x`` then ``|D^f_ij - D^g_ij| <= ||f_i - g_i|| + ||f_j - g_j|| <= 2 t`` (triangle inequality),
so ``D^f_ap - D^f_an + alpha <= D^g_ap - D^g_an + alpha + 4 t <= 4 t`` for a triplet-separated
``g``; taking ``g`` optimal, every hard term is at most ``4 d_iso``. :func:`isometry_constant_example`
shows the constant 4 is attained, so the catalogue's ``2`` is too small.

*Upper bound* ``d_iso <= M diam f(X) / (alpha - M)`` when ``M < alpha``: :func:`scaling_certificate`.
"""
from __future__ import annotations

from typing import Any

import sympy

ALPHA = sympy.Symbol("alpha", positive=True)
MINERS = ("hard", "batch-hard", "random", "semi-hard")


def _dist(u: sympy.Matrix, v: sympy.Matrix) -> sympy.Expr:
    return sympy.sqrt(((u - v).T * (u - v))[0, 0])


def triplet_term(d_ap: Any, d_an: Any, alpha: Any = ALPHA) -> sympy.Expr:
    """``[D_ap - D_an + alpha]_+`` as ``Max(D_ap - D_an + alpha, 0)``.

    References
    ----------
    .. [1] Xu et al., "Mathematical Justification of Hard Negative Mining via Isometric Approximation Theorem",
       arXiv 2210.11173, 2022, abstract (the triplet loss; the formula is the standard one the catalogue reconstructs).

    Examples
    --------
    >>> from label_noise_lab.theory.triplet import triplet_term
    >>> triplet_term(1, 2, 3)
    2
    >>> triplet_term(3, 1, 1)
    3
    >>> triplet_term(1, 3, 1)
    0
    """
    return sympy.Max(d_ap - d_an + alpha, 0)


def collapsed_loss(d: int = 3, alpha: Any = ALPHA) -> dict[str, Any]:
    """The triplet loss of a collapsed network (every embedding the same point ``c`` of ``R^d``).

    With ``c = (c_1, ..., c_d)`` symbolic: every distance is 0, so every triplet's loss is
    ``Max(alpha, 0) = alpha``; each miner's selection (any negative attains the minimum 0 and any
    positive the maximum 0) therefore has mean loss ``m alpha / m = alpha`` for any number ``m >= 1``
    of mined triplets. The semi-hard condition ``D_ap < D_an`` is ``0 < 0``: false, so semi-hard
    mining selects *no* triplet in a collapsed batch (its loss is an empty mean; a batch then
    gives no gradient). On the unit sphere (normalised embeddings, ``||c|| = 1``) nothing changes.

    Returns
    -------
    dict
        ``distance`` (the common distance, 0), ``term`` (one triplet's loss), ``mean_over_m``
        (the mean of ``m`` such terms), ``per_miner`` (miner -> the loss of each selected
        triplet, ``None`` for semi-hard), ``semi_hard_selects`` (the truth value of the semi-hard
        condition at collapse), ``term_is_alpha`` (bool).

    References
    ----------
    .. [1] Xu et al., "Mathematical Justification of Hard Negative Mining via Isometric Approximation Theorem",
       arXiv 2210.11173, 2022, abstract (network collapse; a reconstruction, the main text is not in the sources).

    Examples
    --------
    >>> from label_noise_lab.theory.triplet import collapsed_loss
    >>> r = collapsed_loss(2)
    >>> r["distance"], r["term"], r["mean_over_m"]
    (0, alpha, alpha)
    >>> r["semi_hard_selects"], r["per_miner"]["semi-hard"]
    (False, None)
    """
    if not isinstance(d, int) or d < 1:
        raise ValueError(f"the embedding dimension d must be an integer >= 1, got {d!r}")
    c = sympy.Matrix(sympy.symbols(f"c1:{d + 1}", real=True))
    e_a = e_p = e_n = c
    d_ap, d_an = _dist(e_a, e_p), _dist(e_a, e_n)
    term = sympy.simplify(triplet_term(d_ap, d_an, alpha))
    m = sympy.Symbol("m", integer=True, positive=True)
    mean = sympy.simplify(sympy.Sum(term, (sympy.Symbol("k", integer=True), 1, m)).doit() / m)
    semi = sympy.Lt(d_ap, d_an)  # evaluates to the Python bool False at collapse
    per_miner = {name: term for name in MINERS if name != "semi-hard"}
    per_miner["semi-hard"] = None
    return {"distance": sympy.simplify(d_ap), "term": term, "mean_over_m": mean, "per_miner": per_miner,
            "semi_hard_selects": bool(semi), "term_is_alpha": sympy.simplify(term - alpha) == 0,
            "mean_is_alpha": sympy.simplify(mean - alpha) == 0}


def isometry_constant_example() -> dict[str, Any]:
    """A family on a line where the worst hard term is exactly ``4 d_iso``.

    Points ``p = -1 - delta``, ``a = delta`` (class 0) and ``n = 1 + alpha - delta`` (class 1),
    ``0 < delta < 1/2`` (written ``delta = u / (2 (1 + u))``, ``u > 0``, so that SymPy resolves the
    absolute values): the hard term of ``(a, p)`` is ``4 delta``, of ``(p, a)`` it is
    ``[2 delta - 1]_+ = 0``, so ``M = 4 delta``. The triplet-separated ``g = (-1, 0, 1 + alpha)``
    (gaps ``alpha`` and ``1 + alpha``) moves each point by exactly ``delta``, so
    ``d_iso <= delta``, and the lower bound gives ``d_iso >= M / 4 = delta``: ``d_iso = delta``
    and ``M = 4 d_iso``, against the ``2 d_iso`` of the reconstruction.

    Returns the terms, gaps, displacements and ``M / d_iso`` (in ``delta``), and the instance
    ``delta = 1/10, alpha = 1`` in exact rationals.
    """
    u = sympy.Symbol("u", positive=True)
    delta_sym = sympy.Symbol("delta", positive=True)
    delta = u / (2 * (1 + u))
    alpha = ALPHA
    f = {"p": -1 - delta, "a": delta, "n": 1 + alpha - delta}
    g = {"p": sympy.Integer(-1), "a": sympy.Integer(0), "n": 1 + alpha}

    def D(emb: dict[str, Any], i: str, j: str) -> sympy.Expr:
        return sympy.Abs(emb[i] - emb[j])

    def in_delta(e: sympy.Expr) -> sympy.Expr:  # back from u to delta: u = 2 delta / (1 - 2 delta)
        return sympy.simplify(e.subs(u, 2 * delta_sym / (1 - 2 * delta_sym)))

    term_ap = sympy.simplify(D(f, "a", "p") - D(f, "a", "n") + alpha)
    term_pa = sympy.simplify(D(f, "p", "a") - D(f, "p", "n") + alpha)
    gaps = {"(a, p, n)": sympy.simplify(D(g, "a", "n") - D(g, "a", "p")),
            "(p, a, n)": sympy.simplify(D(g, "p", "n") - D(g, "p", "a"))}
    disp = {k: sympy.simplify(sympy.Abs(f[k] - g[k]) - delta) == 0 for k in f}
    M = term_ap  # term_pa < 0 on the domain
    inst = {delta_sym: sympy.Rational(1, 10), alpha: sympy.Integer(1)}
    f_d = {k: in_delta(v) for k, v in f.items()}
    return {
        "f": f_d, "g": g, "labels": {"p": 0, "a": 0, "n": 1},
        "term_ap": in_delta(term_ap), "term_pa": in_delta(term_pa),
        "term_pa_negative": bool(term_pa.is_negative),
        "gaps_of_g": gaps, "g_separated": all(bool(sympy.simplify(v - alpha).is_nonnegative) for v in gaps.values()),
        "every_point_moves_by_delta": all(disp.values()),
        "M": in_delta(M), "M_equals_4_delta": sympy.simplify(M - 4 * delta) == 0,
        "d_iso": delta_sym, "ratio_M_over_d_iso": sympy.simplify(M / delta),
        "instance": {"delta": inst[delta_sym], "alpha": inst[alpha],
                     "f": [in_delta(v).subs(inst) for v in f.values()], "g": [v.subs(inst) for v in g.values()],
                     "M": in_delta(M).subs(inst), "d_iso": inst[delta_sym]},
    }


def scaling_certificate() -> dict[str, Any]:
    """Why ``d_iso <= M diam / (alpha - M)`` when ``0 <= M < alpha``.

    Every hard term is at most ``M``, so every triplet has ``gap = D_an - D_ap >= alpha - M``.
    Scaling about any centre ``c`` by ``lambda = alpha / (alpha - M)`` multiplies every gap:
    ``lambda gap >= alpha`` (triplet-separated), and moves ``f(x)`` by
    ``(lambda - 1) ||f(x) - c|| = M / (alpha - M) ||f(x) - c||``; with ``c`` a point of ``f(X)``,
    ``||f(x) - c|| <= diam f(X)``.

    Returns the symbolic ``lambda``, ``lambda - 1``, and the two checks as booleans.
    """
    M = sympy.Symbol("M", nonnegative=True)
    alpha = ALPHA
    u = sympy.Symbol("u", positive=True)  # M = alpha u / (1 + u) ranges over [0, alpha) as u > 0
    lam = alpha / (alpha - M)
    slack = sympy.Symbol("s", nonnegative=True)  # gap = alpha - M + s
    scaled_gap_minus_alpha = sympy.simplify((lam * (alpha - M + slack) - alpha).subs(M, alpha * u / (1 + u)))
    return {
        "lambda": lam,
        "lambda_minus_1": sympy.simplify(lam - 1),
        "lambda_minus_1_is_M_over_alpha_minus_M": sympy.simplify(lam - 1 - M / (alpha - M)) == 0,
        "scaled_gap_minus_alpha": scaled_gap_minus_alpha,
        "scaled_gap_at_least_alpha": bool(scaled_gap_minus_alpha.is_nonnegative),
    }
