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
"""
from __future__ import annotations

from typing import Any

import sympy

from paper_checks.trials.limits import derivative, sign_on_open_unit, simp
from paper_checks.trials.pieces import flat_form
from theory.gradients import sign_on_unit_interval
from theory.losses import P


def flat_level(label: sympy.Expr | None) -> dict[str, sympy.Expr] | None:
    """``{"k", "l0", "l1"}`` when ``label`` is ``Piecewise((l0, p <= k), (g(p), True))`` with the premises of the
    module docstring (``k >= 1/2``, ``g(k) = l0``, ``g' < 0`` on ``(k, 1)``), else ``None``. A label written
    otherwise (``Min(g(p), g(k))``) is first brought to that form (:func:`paper_checks.trials.pieces.flat_form`)."""
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
    if not (k >= sympy.Rational(1, 2) and k < 1) or simp(g.subs(P, k) - l0) != 0:
        return None
    t = sympy.Symbol("t", positive=True)
    dg = derivative(g, P).subs(P, k + (1 - k) * t)  # g' on (k, 1), rescaled to (0, 1)
    s = sign_on_unit_interval(dg, t)
    if s is None:
        s = sign_on_open_unit(dg, t)
    if s != -1:
        return None
    return {"k": k, "l0": sympy.nsimplify(l0), "l1": simp(g.subs(P, 1))}


def flat_range(info: dict[str, sympy.Expr], c: Any) -> dict[str, Any]:
    """The exact class-sum range ``[(c - 1) l0 + l1, c l0]`` with where each end is attained."""
    return {"low": (c - 1) * info["l0"] + info["l1"], "high": c * info["l0"],
            "how": f"l flat (= l(0)) on [0, {info['k']}] with {info['k']} >= 1/2: at most one coordinate exceeds it",
            "method": "symbolic", "low_attained": True, "low_at": "the vertices",
            "high_attained": True, "high_at": f"every point with no coordinate above {info['k']} (the barycentre)"}
