"""The example-weight curves of imae19's figure (Wang et al. 2019, IMAE, Eqs. 9-13, via Li's notes).

Exact formulas from :mod:`label_noise_lab.theory.gradients`, evaluated on a grid of ``p_y``; each weight's variance for
``p_y ~ U(0, 1)`` is the exact one that ``imae19.eq11_variance`` and ``imae19.eq13_imae`` report.
"""
from __future__ import annotations

from typing import Any

import numpy as np
import sympy

from label_noise_lab.theory.gradients import Moments, P, imae_moments, imae_weight, uniform_moments, weight
from paper_checks.api import Context, figure_data

IMAE_TEMPERATURES = (4, 8)  # the temperatures drawn


def _curve(w: Any, ps: np.ndarray, moments: Moments | None = None) -> tuple[np.ndarray, float]:
    """``w(p)`` on ``ps`` and its exact variance for ``p ~ U(0, 1)`` (``moments``, else by integration)."""
    f = sympy.lambdify(P, w, "numpy")
    var = float(sympy.N((uniform_moments(w) if moments is None else moments).variance, 15))
    return np.broadcast_to(np.asarray(f(ps), float), ps.shape), var


@figure_data
def weight_curves(ctx: Context) -> dict[str, Any]:
    """The weights ``||dL/dz||_1`` of CCE, MAE, ``L_q`` (q = 0.3, 0.7) and IMAE (paper's form, T = 4, 8) on
    ``"p_y"`` (401 points in [0, 1]) under ``"weights"``, and both forms of IMAE's Eq. 13 under ``"imae_forms"``
    (keyed ``(form, T)``); each a pair (values, exact variance for ``p_y ~ U(0, 1)``). Exact: ``ctx`` is unused."""
    ps = np.linspace(0.0, 1.0, 401)
    specs = [("CCE", weight("cce")), ("MAE", weight("mae"))]
    specs += [(f"$L_q$, q = {q}", weight("lq", q=sympy.Rational(q).limit_denominator(10))) for q in (0.3, 0.7)]
    weights = {name: _curve(w, ps) for name, w in specs}
    # IMAE's moments as the claims compute them (imae_moments: the paper's form through erf, in closed form), not by
    # integrating its weight again (seconds of sympy.integrate)
    forms = {(form, T): _curve(imae_weight(form, T), ps, imae_moments(form, T)) for T in IMAE_TEMPERATURES
             for form in ("paper", "notes")}
    weights.update({f"IMAE, T = {T}": forms["paper", T] for T in IMAE_TEMPERATURES})
    return {"p_y": ps, "weights": weights, "imae_forms": forms}
