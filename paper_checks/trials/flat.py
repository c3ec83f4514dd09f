"""Exact cells for a loss of ``p`` that is flat below a level ``k >= 1/2``: the truncated ``L_q`` and its kin.

Zhang & Sabuncu 2018, Eq. 9: ``l(p) = L_q(k)`` for ``p <= k`` and ``L_q(p)`` above. More generally let
``l = l0`` (a constant) on ``[0, k]`` with ``k >= 1/2``, and ``l`` continuous and strictly decreasing on
``[k, 1]`` from ``l0`` to ``l1 = l(1)``. Two coordinates of a point of the simplex cannot both exceed
``1/2``, so **at most one coordinate exceeds k**. Hence, derived for every ``c``:

* class sum: ``sum_k l(f_k) = (c - 1) l0 + l(t)`` with ``t`` the largest coordinate when ``t > k``, else
  ``c l0``: the range is ``[(c - 1) l0 + l1, c l0]``, the minimum attained at the vertices, the maximum
  wherever no coordinate exceeds ``k`` (e.g. the barycentre).
* bounded: ``sup l = l0``, attained on ``[0, k]``.
* asymmetric (Zhou et al. 2021; the ratio ``R_c`` of :mod:`paper_checks.trials.simplex`): for ``u != e_t``,
  either no ``i != t`` has ``u_i > k`` (the denominator is 0, the numerator ``l(u_t) - l1 > 0``: ratio
  ``+oo``), or exactly one has, and then ``u_t <= 1 - u_i < 1 - k <= k``, so the ratio is
  ``(l0 - l1) / (l0 - l(u_i)) > 1``, tending to 1 as ``u -> e_i``. So ``R_c = 1`` for every ``c``: **completely
  asymmetric**, since every admissible weight ratio ``max_{i != t} w_i / w_t`` is below 1.

Below ``1/2`` several coordinates may exceed ``k``, and the class sum is decided per ``c`` when moreover ``g`` is
**convex** on ``[k, 1]`` (truncated ``L_q``, whose ``L_q`` is convex, for every ``k``). Let ``A`` be the set of the
``m`` coordinates above ``k``; the others cost ``l0`` each, whatever their values. Then ``m k < 1`` and:

* minimum: ``S = sum_A g(f_i) + (c - m) l0 >= m g(s/m) + (c - m) l0 >= m g(1/m) + (c - m) l0`` (Jensen, then ``g``
  decreasing, ``s = sum_A f_i <= 1``), attained at ``m`` coordinates ``1/m`` and the rest 0. So
  ``S_min = min h(m)`` over ``1 <= m <= min(c, floor(1/k))``, ``h(m) = m g(1/m) + (c - m) l0``; ``m -> m g(1/m)``
  is the perspective of a convex function, convex, so the least ``m`` whose step ``h(m + 1) - h(m)`` is not
  negative is a minimiser (each step compared exactly).
* maximum: if ``c k >= 1`` every coordinate may be at most ``k`` (the barycentre): ``S_max = c l0``. Otherwise
  ``m >= 1`` and ``sum_A f_i >= 1 - (c - m) k``; ``g`` decreasing puts the others at ``k``, and ``g`` convex puts
  the mass of ``A`` at the ends of ``[k, 1]``: ``S_max = (c - 1) l0 + g(1 - (c - 1) k)``, attained at
  ``(1 - (c - 1) k, k, ..., k)``.
"""
from __future__ import annotations

from typing import Any

import sympy

from label_noise_lab.theory.gradients import sign_on_unit_interval
from label_noise_lab.theory.losses import P
from paper_checks.trials.limits import derivative, sign_on_open_unit, simp
from paper_checks.trials.pieces import flat_form


def _flat_parts(label: sympy.Expr | None) -> tuple[sympy.Expr, sympy.Expr, sympy.Expr] | None:
    """``(k, l0, g)`` when ``label`` is ``Piecewise((l0, p <= k), (g(p), True))`` with a number ``k`` in ``(0, 1)``,
    a constant ``l0 = g(k)`` and ``g`` strictly decreasing on ``(k, 1)``, else ``None``. A label written otherwise
    (``Min(g(p), g(k))``) is first brought to that form (:func:`paper_checks.trials.pieces.flat_form`)."""
    if label is not None and not isinstance(label, sympy.Piecewise):
        label = flat_form(label)  # Min(L_q(p), L_q(k)), as a user types Eq. 9: the same Piecewise
    if label is None or not isinstance(label, sympy.Piecewise) or len(label.args) != 2:
        return None
    (l0, cond), (g, last) = label.args
    if last is not sympy.true or not isinstance(cond, (sympy.LessThan, sympy.StrictLessThan)):
        return None
    if cond.lhs != P or not cond.rhs.is_number or l0.free_symbols:
        return None
    k = cond.rhs
    if not (k > 0 and k < 1) or simp(g.subs(P, k) - l0) != 0:
        return None
    if _sign_above(derivative(g, P), k) != -1:
        return None
    return k, l0, g


def _sign_above(e: sympy.Expr, k: sympy.Expr) -> int | None:
    """The sign of ``e`` (in ``p``) on ``(k, 1)``, rescaled to ``(0, 1)``: ``+1``/``-1``, ``0`` when identically 0,
    ``None`` when SymPy does not decide it."""
    t = sympy.Symbol("t", positive=True)
    e = e.subs(P, k + (1 - k) * t)
    s = sign_on_unit_interval(e, t)
    return s if s is not None else sign_on_open_unit(e, t)


def flat_level(label: sympy.Expr | None) -> dict[str, sympy.Expr] | None:
    """``{"k", "l0", "l1"}`` when ``label`` is ``Piecewise((l0, p <= k), (g(p), True))`` with the premises of the
    module docstring (``k >= 1/2``, ``g(k) = l0``, ``g' < 0`` on ``(k, 1)``), else ``None``. A label written
    otherwise (``Min(g(p), g(k))``) is first brought to that form (:func:`paper_checks.trials.pieces.flat_form`)."""
    parts = _flat_parts(label)
    if parts is None or not parts[0] >= sympy.Rational(1, 2):
        return None
    k, l0, g = parts
    return {"k": k, "l0": sympy.nsimplify(l0), "l1": simp(g.subs(P, 1))}


def flat_convex(label: sympy.Expr | None) -> dict[str, sympy.Expr] | None:
    """``{"k", "l0", "g"}`` for a label flat on ``[0, k]`` with ``k < 1/2`` and ``g`` strictly decreasing and convex
    on ``[k, 1]`` (``g'' >= 0``, decided by SymPy), else ``None``: the premises of the per-``c`` class sum of the
    module docstring."""
    parts = _flat_parts(label)
    if parts is None or parts[0] >= sympy.Rational(1, 2):
        return None
    k, l0, g = parts
    if _sign_above(derivative(derivative(g, P), P), k) not in (0, 1):
        return None
    return {"k": k, "l0": sympy.nsimplify(l0), "g": g}


def flat_range(info: dict[str, sympy.Expr], c: Any) -> dict[str, Any]:
    """The exact class-sum range ``[(c - 1) l0 + l1, c l0]`` with where each end is attained."""
    return {"low": (c - 1) * info["l0"] + info["l1"], "high": c * info["l0"],
            "how": f"l flat (= l(0)) on [0, {info['k']}] with {info['k']} >= 1/2: at most one coordinate exceeds it",
            "method": "symbolic", "low_attained": True, "low_at": "the vertices",
            "high_attained": True, "high_at": f"every point with no coordinate above {info['k']} (the barycentre)"}


def _sign(e: sympy.Expr) -> int | None:
    """The sign of the number ``e``, exactly (``0`` only when it simplifies to 0); ``None`` when undecided."""
    e = simp(e)
    if e == 0:
        return 0
    return 1 if e.is_positive else -1 if e.is_negative else None


def convex_range(info: dict[str, sympy.Expr], c: int) -> dict[str, Any] | None:
    """The exact class-sum range at ``c`` for a label of :func:`flat_convex` (module docstring), with where each end
    is attained; ``None`` where SymPy does not decide the sign of a step."""
    k, l0, g = info["k"], info["l0"], info["g"]

    def h(m: int) -> sympy.Expr:
        return m * g.subs(P, sympy.Rational(1, m)) + (c - m) * l0

    top = min(c, int(sympy.floor(1 / k)))
    m = 1
    while m < top:
        step = _sign(h(m + 1) - h(m))
        if step is None:
            return None
        if step >= 0:
            break
        m += 1
    low = simp(h(m))
    low_at = "the vertices" if m == 1 else f"{m} coordinates 1/{m}, the rest 0"
    if c * k >= 1:
        high, high_at = simp(c * l0), f"every point with no coordinate above {k} (the barycentre)"
    else:
        top_coord = 1 - (c - 1) * k
        high, high_at = simp((c - 1) * l0 + g.subs(P, top_coord)), f"({top_coord}, {k}, ..., {k})"
    return {"low": low, "high": high, "method": "symbolic", "certain": True,
            "how": f"l flat (= l(0)) on [0, {k}], convex and decreasing above: m coordinates above {k} share the "
                   f"mass equally (Jensen), m <= 1/k; the maximum at the barycentre when c k >= 1, else one "
                   f"coordinate 1 - (c - 1) k and the rest at k",
            "low_attained": True, "low_at": low_at, "high_attained": True, "high_at": high_at}
