"""The barrier hinge over its parameters ``b > 1``, ``r > 0``: each margin-trial cell derived for every ``(b, r)``
and checked against the per-value trials (:mod:`paper_checks.trials.margin`) at the values stated.

Charoenphakdee, Lee & Sugiyama 2019 (ICML), ``phi(v) = max(-b(r + v) + r, max(b(v - r), r - v))``, derived here with
SymPy in ``b = 1 + d`` (``d > 0``) and ``r > 0``:

* the three lines cross at ``v_L = -b r/(b - 1) < -r`` (left and middle) and ``v = r`` (middle and right): ``phi``
  is ``-b(r + v) + r`` on ``(-oo, v_L]``, ``r - v`` on ``[v_L, r]`` and ``b(v - r)`` on ``[r, oo)``, the slopes
  ``-b < -1 < b``;
* symmetric on ``[-r, r]`` only: there ``phi(v) + phi(-v) = 2 r``, but at ``v = b r/(b - 1)`` the sum is
  ``r (3b - 1)/(b - 1) > 2 r`` (not symmetric, hence not SLN-robust: van Rooyen et al. 2015);
* a maximum of affine functions: convex; ``inf = phi(r) = 0``, unbounded above;
* differentiable at ``0`` (inside ``(v_L, r)``) with ``phi'(0) = -1 < 0``: calibrated (Bartlett et al. 2006, Thm 6);
* the odd part ``phi(v) - phi(-v)`` is ``-2 v`` on ``[-r, r]`` and ``-r`` beyond ``b r/(b - 1)``: not affine, so
  the unbiased loss is not convex for every noise (Natarajan et al. 2013, Lemma 4);
* ``C_a(v) = a phi(v) + (1 - a) phi(-v)`` has slope ``1 - 2a`` on ``(-r, r)`` and slopes of the other sign beyond
  ``+-r``: its minimiser is ``v* = r`` for ``a > 1/2``, ``-r`` for ``a < 1/2``, with ``inf = 2 r min(a, 1 - a)``.
  Symmetric noise ``1/4`` at ``eta = 3/4`` gives ``a = 5/8`` (``v* = r``, the Bayes sign); class-conditional
  noise ``(2/5, 1/10)`` at ``eta = 3/5`` gives ``a = 2/5`` (``v* = -r``, not the Bayes sign).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Sequence

import sympy

from label_noise_lab.theory.margin import V, barrier_hinge
from paper_checks.trials import margin as mt

B = sympy.Symbol("b", positive=True)
R = sympy.Symbol("r", positive=True)
_D = sympy.Symbol("d", positive=True)  # b = 1 + d
_A = sympy.Symbol("a", positive=True)

#: the values of ``(b, r)`` at which every property is also decided one value at a time (the zoo's row last)
VALUES: tuple[tuple[str, str], ...] = (("3/2", "1/2"), ("2", "1"), ("3", "5"), ("200", "50"))


@dataclass
class MarginFamilyTrial:
    """The per-value margin trials of the barrier hinge and its cells for every ``(b, r)``."""

    values: tuple[tuple[str, str], ...]
    trials: list[Any]
    derived: dict[str, tuple[str, str]] = field(default_factory=dict)
    disagreements: list[str] = field(default_factory=list)


def _positive(e: sympy.Expr) -> bool:
    return sympy.simplify(e.subs(B, 1 + _D)).is_positive is True


def closed_forms() -> dict[str, sympy.Expr]:
    """The derivation of the module docstring, each premise checked by SymPy (``ArithmeticError`` otherwise)."""
    left, mid, right = -B * (R + V) + R, R - V, B * (V - R)
    v_l = sympy.solve(sympy.Eq(left, mid), V)[0]
    v_r = sympy.solve(sympy.Eq(mid, right), V)[0]
    phi = sympy.Piecewise((left, V <= v_l), (mid, V <= v_r), (right, True))
    checks = [_positive(-R - v_l), v_r == R, _positive(B - 1),  # v_L < -r < r = v_R, slopes -b < -1 < b
              _positive((left - right).subs(V, v_l)), _positive((mid - left).subs(V, 0)),
              _positive((mid - right).subs(V, 0))]
    sym = sympy.simplify(mid + mid.subs(V, -V))  # phi(v) + phi(-v) on [-r, r]
    w = -v_l  # b r/(b - 1): phi(w) = right, phi(-w) = left
    at_w = sympy.simplify(right.subs(V, w) + left.subs(V, -w))
    checks += [_positive(at_w - sym), sympy.diff(mid, V) == -1]
    odd_far = sympy.simplify(right - left.subs(V, -V))  # the odd part beyond b r/(b - 1)
    slope = sympy.expand(_A * sympy.diff(mid, V) - (1 - _A) * sympy.diff(mid, V).subs(V, -V))
    inf_hi = sympy.simplify((_A * mid + (1 - _A) * mid.subs(V, -V)).subs(V, R))  # a > 1/2: at v = r
    if not all(checks) or odd_far.has(V):
        raise ArithmeticError("barrier hinge: a premise of the derivation not shown")  # pragma: no cover
    return {"phi": phi, "v_L": sympy.simplify(v_l), "v_R": v_r, "sum": sym, "witness": w, "sum_at_witness": at_w,
            "odd_far": odd_far, "slope_mid": slope, "inf": inf_hi, "inf_below": inf_hi.subs(_A, 1 - _A)}


def cells() -> dict[str, tuple[str, str]]:
    """The cells for every ``b > 1``, ``r > 0``: property -> (cell, derivation)."""
    f = closed_forms()
    return {
        "symmetric": (f"no for every b > 1, r > 0; symmetric on [-r, r] only, phi(v) + phi(-v) = {f['sum']} there",
                      f"phi = r - v on [{f['v_L']}, r]; at v = {f['witness']} the sum is {f['sum_at_witness']} > 2r"),
        "convex": ("yes for every b > 1, r > 0", "a maximum of affine functions"),
        "bounded": ("no [0, ∞] for every b > 1, r > 0", "slopes -b < -1 < b, minimum phi(r) = 0, phi -> oo"),
        "calibrated": ("yes for every b > 1, r > 0", "convex, differentiable at 0 in (v_L, r) with phi'(0) = -1 < 0 "
                       "(Bartlett et al. 2006, Thm 6)"),
        "sln_robust": ("no for every b > 1, r > 0", "not symmetric and not even (van Rooyen et al. 2015)"),
        "unbiased_convex": ("no for every b > 1, r > 0",
                            f"odd part -2v on [-r, r] and {f['odd_far']} beyond {f['witness']}: not affine "
                            "(Natarajan et al. 2013, Lemma 4)"),
        "noisy_minimiser": ("symmetric ρ=1/4, η=3/4: v* = r ✓; ρ₊=2/5, ρ₋=1/10, η=3/5: v* = -r ✗ for every b > 1, "
                            "r > 0",
                            f"C_a' = {f['slope_mid']} on (-r, r), of the other sign beyond: v* = r for a > 1/2 "
                            f"(inf {f['inf']}), -r for a < 1/2 (inf {f['inf_below']}); a = 5/8 and 2/5"),
    }


def check(trials: Sequence[Any], values: Sequence[tuple[str, str]]) -> list[str]:
    """Every disagreement of :func:`cells` with a per-value margin trial (none when the derivation holds)."""
    f, bad = closed_forms(), []
    want_cell = {"symmetric": "no", "convex": "yes", "bounded": "no [0, ∞]", "calibrated": "yes",
                 "sln_robust": "no", "unbiased_convex": "no"}
    for (b_s, r_s), tr in zip(values, trials):
        at, lab = {B: sympy.Rational(b_s), R: sympy.Rational(r_s)}, f"b = {b_s}, r = {r_s}"
        for prop, start in want_cell.items():
            cell = tr.properties[prop].cell
            if not (cell == start or cell.startswith(start + " (")):
                bad.append(f"{prop} at {lab}: trial {cell!r}, derived {start!r}")
        settings = tr.properties["noisy_minimiser"].value or []
        for s, (a, v_star, sign) in zip(settings, ((sympy.Rational(5, 8), R, True),
                                                    (sympy.Rational(2, 5), -R, False))):
            inf = (f["inf"] if a > sympy.Rational(1, 2) else f["inf_below"]).subs({**at, _A: a})
            got = (sympy.Rational(s.get("noisy_eta")), [sympy.Rational(x) for x in s.get("at", [])],
                   sympy.Rational(s.get("inf")), s.get("bayes_sign"))
            if got != (a, [v_star.subs(at)], inf, sign):
                bad.append(f"noisy minimiser ({s.get('setting')}) at {lab}: trial {got}, derived "
                           f"{(a, [v_star.subs(at)], inf, sign)}")
        if len(settings) != 2:
            bad.append(f"noisy minimiser at {lab}: trial {settings!r}")
    return bad


def family_trial(time_limit_s: float | None = mt.TIME_LIMIT,
                 values: Sequence[tuple[str, str]] | None = None) -> MarginFamilyTrial:
    """The barrier hinge at each ``(b, r)`` of ``values`` (:data:`VALUES` by default) and for every ``(b, r)``, the
    derivation checked."""
    values = VALUES if values is None else values
    trials = [mt.trial(barrier_hinge(b, r), time_limit_s) for b, r in values]
    return MarginFamilyTrial(tuple(values), trials, cells(), check(trials, values))


def markdown(ft: MarginFamilyTrial) -> str:
    """The cells for every ``(b, r)`` with their derivations, then the table of the values stated."""
    vals = ", ".join(f"({b}, {r})" for b, r in ft.values)
    lines = ["## barrier_hinge: b > 1, r > 0 (Charoenphakdee, Lee & Sugiyama 2019)", "",
             "| property | for every b > 1, r > 0 | derivation |", "|---|---|---|"]
    lines += [f"| {k} | {c} [symbolic] | {d} |" for k, (c, d) in ft.derived.items()]
    lines += ["", "checked against every value below: " + ("agrees" if not ft.disagreements else
                                                           "DISAGREES: " + "; ".join(ft.disagreements)),
              "", f"### per value ((b, r) = {vals})", "", mt.markdown_table(ft.trials)]
    return "\n".join(lines)
