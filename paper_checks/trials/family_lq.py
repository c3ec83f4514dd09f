"""GCE's ``q`` and truncated GCE's ``k`` over their whole ranges (the family trial, :mod:`paper_checks.trials.family`).

GCE (Zhang & Sabuncu 2018, Eq. 6), ``L_q(p) = (1 - p^q)/q`` for every ``q`` in ``(0, 1]``, derived here with SymPy
in a symbol ``q`` (written ``q = 1/(1 + s)``, ``s >= 0``, where a sign needs ``q <= 1``):

* ``L_q'(p) = -p^(q-1) < 0`` on ``(0, 1)``: bounded, ``sup L_q = L_q(0) = 1/q`` attained at ``p = 0``;
* ``L_q''(p) = (1 - q) p^(q-2) >= 0``, ``> 0`` for ``q < 1``: by Jensen and the vertices the class sum ranges over
  ``[c L_q(1/c), (c - 1) L_q(0)] = [(c - c^(1-q))/q, (c - 1)/q]`` (Eq. 7), one point exactly when ``c^(1-q) = 1``,
  i.e. ``q = 1`` (MAE, symmetric with ``C = c - 1``); the GCE Thm 1 form
  ``A = eta (S_min - S_max)/(c - 1 - eta c) = eta (1 - c^(1-q))/(q (c - 1 - eta c))``;
* the weight ``w = |dL/dz|_1 = 2 p^q (1 - p)`` (softmax) has, for ``p ~ U(0, 1)``, mean ``2/((q + 1)(q + 2))`` and
  variance ``4 (1/(2q + 1) - 2/(2q + 2) + 1/(2q + 3)) - mean^2``;
* ``L_q'(0+) = -oo`` for ``q < 1`` (``R_c = 0``: asymmetric for no weights, and the noisy minimiser leaves ``e_y``
  for every ``r > 0``, keeping the argmax) and ``L_1`` is affine (``R_c = 1``: completely asymmetric, ``e_y``
  under both noises) (Zhou et al. 2021, :mod:`paper_checks.trials.minimiser`).

Truncated GCE (Eq. 9), ``L_q(k)`` for ``p <= k`` else ``L_q(p)``, ``k`` in ``(0, 1)``, derived in ``k`` and ``q``:

* bounded for every ``k``: ``sup = L_q(k) = (1 - k^q)/q``, attained on ``[0, k]``;
* symmetric for no ``k``: the class sum at ``(k, 1 - k, 0, ...)`` exceeds that at the vertex by ``l(1 - k) > 0``;
* the weight is ``0`` on ``[0, k]`` and ``2 p^q (1 - p)`` above: its mean and variance are those integrals over
  ``[k, 1]``, closed forms in ``k`` and ``q``;
* for ``k >= 1/2`` at most one coordinate exceeds ``k``: the class sum ranges over
  ``[(c - 1) L_q(k), c L_q(k)]`` (the vertex; the barycentre), ``l`` is flat on ``[0, k]`` so ``R_c = 1``
  (completely asymmetric) and ``e_y`` is the noisy minimiser under both noises (``r < 1``).
* for ``k < 1/2`` several coordinates may exceed ``k``; ``L_q`` is convex, so with ``m`` of them above ``k``
  they share the mass equally: ``S_min = min_m m L_q(1/m) + (c - m) L_q(k)`` over ``1 <= m <= min(c, 1/k)``
  (Zhang & Sabuncu 2018, the minimum behind Eq. 10), and ``S_max = c L_q(k)`` for ``c >= 1/k`` (the barycentre),
  else ``(c - 1) L_q(k) + L_q(1 - (c - 1) k)``: exact per ``c``
  (:func:`paper_checks.trials.flat.convex_range`), each checked against
  :func:`label_noise_lab.theory.gce.truncated_class_sum_min`, an independent scan of every ``m``; ``A`` follows per
  ``c``.
  ``R_c`` and the noisy minimiser are not derived for every ``k`` there: ``l`` (flat, then convex) is neither
  convex nor concave, so ``R_c`` has no closed form; per value it is minimised over one variable
  (:func:`paper_checks.trials.asymmetry.flat_convex_ratio`), and the noisy minimiser is searched.

Each derivation is checked against every per-value trial (:func:`check_gce`, :func:`check_tgce`): exact values
compared exactly, the truncated weight's quadrature to 25 digits.
"""
from __future__ import annotations

from typing import Any, Sequence

import sympy

from label_noise_lab.theory.gce import truncated_class_sum_min
from label_noise_lab.theory.losses import P

Q = sympy.Symbol("q", positive=True)
K = sympy.Symbol("k", positive=True)
_S = sympy.Symbol("s", nonnegative=True)
_U = sympy.Symbol("u", positive=True)
_C = sympy.Symbol("c", positive=True, integer=True)
_ETA = sympy.Symbol("eta")


def _premise(expr: sympy.Expr, test: str, what: str) -> None:
    """``expr`` (in ``p``, ``q``) has the sign ``test`` for every ``p`` in ``(0, 1)`` and ``q`` in ``(0, 1]``."""
    e = sympy.simplify(expr.subs({P: 1 / (1 + _U), Q: 1 / (1 + _S)}))
    if getattr(e, test) is not True:
        raise ArithmeticError(f"GCE: {what} not shown")  # pragma: no cover - SymPy proves it


def gce_closed_forms() -> dict[str, sympy.Expr]:
    """The derivation of the module docstring in ``q`` (and ``c``, ``eta``), each premise checked by SymPy."""
    ell = (1 - P ** Q) / Q
    d1, d2 = sympy.diff(ell, P), sympy.diff(ell, P, 2)
    _premise(d1, "is_negative", "L_q decreasing")
    _premise(d2, "is_nonnegative", "L_q convex")
    sup = sympy.limit(ell, P, 0, "+")
    low, high = _C * ell.subs(P, 1 / _C), sympy.simplify((_C - 1) * sup + ell.subs(P, 1))
    A = _ETA * (low - high) / (_C - 1 - _ETA * _C)
    shown = {"low": (_C - _C ** (1 - Q)) / Q, "A": _ETA * (1 - _C ** (1 - Q)) / (Q * (_C - 1 - _ETA * _C))}
    if sympy.simplify(shown["low"] - low) != 0 or sympy.simplify(shown["A"] - A) != 0:
        raise ArithmeticError("GCE: the class sum's form of Eq. 7 not shown")  # pragma: no cover
    w = -2 * d1 * P * (1 - P)  # |dL/dz|_1 of a softmax: 2 |l'(p)| p (1 - p)
    mean = sympy.factor(sympy.integrate(w, (P, 0, 1), conds="none"))
    var = sympy.factor(sympy.integrate(sympy.expand(w ** 2), (P, 0, 1), conds="none") - mean ** 2)
    return {"ell": ell, "sup": sup, "low": shown["low"], "high": high, "mean": mean, "variance": var,
            "A": shown["A"], "w": sympy.simplify(w)}


def tgce_closed_forms() -> dict[str, sympy.Expr]:
    """Truncated GCE's closed forms in ``k`` and ``q`` (module docstring)."""
    g = gce_closed_forms()
    top = g["ell"].subs(P, K)
    w = g["w"]
    mean = sympy.simplify(sympy.integrate(sympy.expand(w), (P, K, 1), conds="none"))
    second = sympy.simplify(sympy.integrate(sympy.expand(w ** 2), (P, K, 1), conds="none"))
    return {"sup": top, "ell": g["ell"], "low": (_C - 1) * top, "high": _C * top, "mean": mean, "second": second,
            "variance": second - mean ** 2,
            "A": sympy.simplify(-_ETA * top / (_C - 1 - _ETA * _C))}


def gce_cells() -> dict[str, tuple[str, str]]:
    """GCE's whole-family cells: property -> (cell, derivation)."""
    f = gce_closed_forms()
    return {
        "symmetric": ("q = 1 (MAE): yes, C = c - 1; q < 1: no (symmetric only as q -> 1)",
                      "L_q'' = (1 - q) p^(q-2) > 0 for q < 1: psi_c strictly convex, S_min < S_max as c^(1-q) > 1; "
                      "L_1 = 1 - p affine"),
        "class_sum": (f"[{f['low']}, {f['high']}] for every q in (0, 1] (min at the barycentre; max at the vertices)",
                      "L_q convex: Jensen at the barycentre, c L_q(1/c); a vertex, (c - 1) L_q(0) + L_q(1) "
                      "(Zhang & Sabuncu 2018, Eq. 7)"),
        "excess_risk_bound": (f"A = {f['A']} for every q in (0, 1]",
                              "A(eta) = eta (S_min - S_max)/(c - 1 - eta c) with the class sum above"),
        "bounded": (f"yes for every q in (0, 1], sup = {f['sup']}, at p = 0",
                    "L_q' = -p^(q-1) < 0 on (0, 1): L_q decreasing, sup = L_q(0) = 1/q"),
        "weight": (f"w = {f['w']}; mean {f['mean']}, variance {f['variance']} for every q in (0, 1]",
                   "E w = int_0^1 2 p^q (1 - p) dp, E w^2 = int_0^1 4 p^(2q) (1 - p)^2 dp"),
        "asymmetric": ("q = 1: yes, completely (R_c = 1); q < 1: no (R_c = 0: for no weights)",
                       "L_q convex with L_q'(0+) = -oo for q < 1: R_c = l'(1-)/l'(0+) = 0; L_1 affine: R_c = 1"),
        "noisy_minimiser": ("q = 1: uniform 0.4 and pair 0.4: e_y, attained; q < 1: both argmax kept, off e_y, "
                            "attained",
                            "e_y iff r < R_c (R_c = 0 for q < 1, 1 for q = 1; r = 2/(3(c-1)) uniform, 2/3 pair); "
                            "otherwise L_q strictly decreasing and strictly convex: the argmax is kept and the "
                            "minimiser attained (paper_checks.trials.minimiser)"),
    }


def tgce_cells() -> dict[str, tuple[str, str]]:
    """Truncated GCE's whole-family cells (``q`` any value in ``(0, 1]``, the family's ``q = 7/10`` included)."""
    f = tgce_closed_forms()
    return {
        "symmetric": ("no for every k in (0, 1)",
                      "S(k, 1 - k, 0, ...) - S(e_1) = l(1 - k) = L_q(max(k, 1 - k)) > 0"),
        "class_sum": (f"k >= 1/2: [{f['low']}, {f['high']}] (min at the vertices; max at the barycentre); k < 1/2, "
                      "per c: S_min = min of m L_q(1/m) + (c - m) L_q(k) over 1 <= m <= min(c, 1/k) (m coordinates "
                      f"1/m); S_max = {f['high']} for c >= 1/k (the barycentre), else (c - 1) L_q(k) + "
                      "L_q(1 - (c - 1) k)",
                      "k >= 1/2: at most one coordinate exceeds k, so S >= (c - 1) L_q(k) (a vertex); S <= c sup l, "
                      "attained at the barycentre when 1/c <= k; k < 1/2: L_q convex, so the m coordinates above k "
                      "share the mass equally (Jensen), and the maximum puts all but one at k"),
        "excess_risk_bound": (f"k >= 1/2: A = {f['A']}; k < 1/2: A = eta (S_min - S_max)/(c - 1 - eta c) per c",
                              "A(eta) = eta (S_min - S_max)/(c - 1 - eta c) with the class sum above"),
        "bounded": (f"yes for every k in (0, 1), sup = {f['sup']}, attained on [0, k]",
                    "l = L_q(k) on [0, k] and L_q decreasing on [k, 1]"),
        "weight": (f"mean {f['mean']}, variance E w^2 - mean^2 with E w^2 = {f['second']}, for every k in (0, 1)",
                   "w = 0 on [0, k], 2 p^q (1 - p) above: the integrals over [k, 1]"),
        "asymmetric": ("k >= 1/2: yes, completely (R_c = 1); k < 1/2: per value (l flat, then convex: neither "
                       "convex nor concave, so R_c has no closed form; it is minimised over one variable)",
                       "l flat on [0, k] with k >= 1/2: R_c = 1 (paper_checks.trials.flat)"),
        "noisy_minimiser": ("k >= 1/2: uniform 0.4 and pair 0.4: e_y, attained; k < 1/2: not derived (no "
                            "closed-form R_c)",
                            "e_y iff r < R_c = 1, and r = 2/(3(c-1)) or 2/3 < 1"),
    }


def _same(got: Any, want: sympy.Expr, subs: dict[sympy.Symbol, Any]) -> bool:
    """``got`` (a trial's exact string, in ``c`` and ``eta`` by name) equals ``want`` at ``subs``, exactly."""
    if got is None:
        return False
    g = sympy.sympify(str(got), locals={"c": _C, "eta": _ETA})
    return sympy.simplify(g - want.subs(subs)) == 0


def _close(got: Any, want: sympy.Expr, subs: dict[sympy.Symbol, Any]) -> bool:
    """A 30-digit quadrature string against the exact ``want``, to 25 digits."""
    return got is not None and abs(sympy.Float(str(got), 30) - want.subs(subs).evalf(30)) < sympy.Float("1e-25")


def _differs(what: str, got: Any, want: sympy.Expr, at: dict[sympy.Symbol, Any], close: bool = False) -> list[str]:
    """``[message]`` when the trial's ``got`` is not the derived ``want`` at ``at`` (exactly, or to 25 digits with
    ``close`` for a quadrature), else ``[]``."""
    if (_close if close else _same)(got, want, at):
        return []
    shown = want.subs(at).evalf(30) if close else want.subs(at)
    return [f"{what}: trial {got}, derived {shown}"]


def _value(trial: Any, prop: str) -> dict[str, Any]:
    v = trial.properties[prop].value
    return v if isinstance(v, dict) else {}


def _minimiser(tr: Any, label: str, want: dict[str, bool]) -> list[str]:
    nm, bad = _value(tr, "noisy_minimiser"), []
    for c in tr.cs:
        for kind in ("uniform", "pair"):
            got = nm.get(kind, {}).get(c, {})
            if {k: got.get(k) for k in want} != want:
                bad.append(f"noisy minimiser ({kind}, c = {c}) at {label}: trial {got or None}, derived {want}")
    return bad


def check_gce(trials: Sequence[Any], values: Sequence[sympy.Rational]) -> list[str]:
    """Every disagreement of :func:`gce_closed_forms` with a per-value trial (none when the derivation holds)."""
    f, bad = gce_closed_forms(), []
    for q, tr in zip(values, trials):
        at, lab = {Q: q}, f"q = {q}"
        bad += _differs(f"bounded at {lab}", _value(tr, "bounded").get("sup"), f["sup"], at)
        cs = _value(tr, "class_sum")
        for end in ("low", "high"):
            bad += _differs(f"class sum {end} at {lab}", cs.get(end), f[end], at)
        bad += _differs(f"A at {lab}", _value(tr, "excess_risk_bound").get("A"), f["A"], at)
        w = _value(tr, "weight")
        for m in ("mean", "variance"):
            bad += _differs(f"weight {m} at {lab}", w.get(m), f[m], at)
        if tr.properties["symmetric"].cell.startswith("yes") != (q == 1):
            bad.append(f"symmetric at {lab}: trial {tr.properties['symmetric'].cell!r}")
        R = sympy.Integer(1 if q == 1 else 0)
        bad += _differs(f"R_c at {lab}", _value(tr, "asymmetric").get("R_exact"), R, {})
        bad += _minimiser(tr, lab, {"is_vertex": q == 1, "keeps_argmax": True, "attained": True})
    return bad


def check_tgce(trials: Sequence[Any], values: Sequence[sympy.Rational]) -> list[str]:
    """Every disagreement of :func:`tgce_closed_forms` with a per-value trial (at the trial's own ``q``)."""
    f, bad = tgce_closed_forms(), []
    for k, tr in zip(values, trials):
        at, lab = {K: k, Q: sympy.nsimplify(tr.params["q"])}, f"k = {k}"
        bad += _differs(f"bounded at {lab}", _value(tr, "bounded").get("sup"), f["sup"], at)
        if not tr.properties["symmetric"].cell.startswith("no"):
            bad.append(f"symmetric at {lab}: trial {tr.properties['symmetric'].cell!r}")
        w = _value(tr, "weight")
        for m in ("mean", "variance"):
            bad += _differs(f"weight {m} at {lab}", w.get(m), f[m], at, close=True)
        if k < sympy.Rational(1, 2):  # per c: the minimum by theory's scan of every m, the maximum of the docstring
            for c, per in _value(tr, "class_sum").items():
                per = per if isinstance(per, dict) else {}
                top = f["high"] if c * k >= 1 else f["low"] + f["ell"].subs(P, 1 - (c - 1) * K)
                bad += _differs(f"class sum low at {lab}, c = {c}", per.get("low"),
                                truncated_class_sum_min(c, at[Q], k).value, {})
                bad += _differs(f"class sum high at {lab}, c = {c}", per.get("high"), top, {**at, _C: c})
            continue
        cs = _value(tr, "class_sum")
        for end in ("low", "high"):
            bad += _differs(f"class sum {end} at {lab}", cs.get(end), f[end], at)
        bad += _differs(f"A at {lab}", _value(tr, "excess_risk_bound").get("A"), f["A"], at)
        bad += _differs(f"R_c at {lab}", _value(tr, "asymmetric").get("R_exact"), sympy.Integer(1), {})
        bad += _minimiser(tr, lab, {"is_vertex": True, "keeps_argmax": True, "attained": True})
    return bad
