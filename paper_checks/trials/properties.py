"""The properties computed by the loss trial (:mod:`paper_checks.trials.simplex`), one function each.

Each takes the trial's shared context (:class:`TrialContext`: the loss, the numbers of classes, the
lazily computed potential, shape and lambdified forms) and returns a :class:`Property` with its
own evidence; the derivations behind them are in the docstring of :mod:`paper_checks.trials.simplex`.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Callable, Sequence

import mpmath
import numpy as np
import sympy

from label_noise_lab.theory.gradients import sign_on_unit_interval, uniform_moments
from label_noise_lab.theory.losses import SCALAR, LossDefinition, P
from label_noise_lab.theory.real_line import divergence, kinks
from label_noise_lab.theory.symmetry import constant_class_sum, nonconstant_witness
from paper_checks import work
from paper_checks.deadline import TimedOut
from paper_checks.jsonable import jsonable
from paper_checks.trials.flat import convex_range, flat_convex, flat_level, flat_range
from paper_checks.trials.limits import (
    derivative,
    polynomial_moments,
    polynomial_sign_on_unit,
    sign_on_open_unit,
    simp,
)
from paper_checks.trials.limits import fmt_exact as _fmt
from paper_checks.trials.pieces import decreasing_by_pieces, decreasing_from_shape, shape_by_pieces
from paper_checks.trials.suprema import increasing_to_one, split_supremum

C = sympy.Symbol("c", integer=True, positive=True)
ETA = sympy.Symbol("eta", positive=True)
NOISE = sympy.Rational(2, 5)
"""The noise rate of the ``noisy_minimiser`` property (uniform and pair flip)."""
PRECISION_SETTINGS = {"quick": {"grid": 400, "starts": 4}, "standard": {"grid": 2000, "starts": 8},
                      "full": {"grid": 8000, "starts": 24}}
MOMENTS_WORK = 2.0
"""Work units (:mod:`paper_checks.work`) the weight property gives SymPy's integration before it falls back to
30-digit quadrature: a count, so that the cell's method (symbolic or quadrature) is the same on every machine (a limit
of 3 s of wall clock made it move with the load)."""
DIRECT_SIGN = "the sign of l' on (0, 1)"
"""How :meth:`TrialContext.decreasing` says that SymPy decided the sign of ``l'`` directly."""


class _MomentsTimedOut(TimedOut):
    """SymPy's integral of the weight's moments spent :data:`MOMENTS_WORK` (quadrature then);
    a class of its own, so that the trial's own limit, coming up in there, is not taken for it."""


@dataclass
class Property:
    """One computed property of a loss.

    ``value`` is JSON-able; ``cell`` is what the table shows; ``method`` the evidence;
    ``undecided`` true (with the reason in ``summary``) when it could not be decided.
    """

    name: str
    value: Any
    cell: str
    method: str
    summary: str
    undecided: bool = False

    def to_json(self) -> dict[str, Any]:
        return {"value": jsonable(self.value), "cell": self.cell, "method": self.method, "summary": self.summary,
                "undecided": self.undecided}


# ---------------------------------------------------------------- helpers
def _n(e: Any, digits: int = 30) -> sympy.Float:
    return sympy.N(e, digits)


def sign_on_unit(expr: sympy.Expr, t: sympy.Symbol, extra: dict[Any, Any] | None = None) -> int | None:
    """The sign of ``expr`` on ``(0, 1)`` in ``t`` (``extra`` substituted first), ``+-2`` where it is only weak;
    :func:`paper_checks.trials.limits.sign_on_open_unit` (term by term) where factoring the whole does not decide."""
    return _sign_cached(expr.subs(extra) if extra else expr, t)


@lru_cache(maxsize=256)
def _sign_cached(e: sympy.Expr, t: sympy.Symbol) -> int | None:
    """The sign tests of :func:`sign_on_unit`, once per expression (bounded, weight and asymmetric ask alike)."""
    s = polynomial_sign_on_unit(e, t)  # exact root isolation: decides a rational function at any degree at once
    if s is not None:
        return s
    s = sign_on_unit_interval(e, t, weak=True)
    return s if s is not None else sign_on_open_unit(e, t)


work.forgets(_sign_cached.cache_clear)


def limit_at_end(e: sympy.Expr, t: sympy.Symbol, at: int) -> sympy.Expr:
    """The one-sided limit of ``e`` at the end ``at`` of ``(0, 1)``; ``Min``/``Max``/``Abs`` are written as a
    ``Piecewise`` first (SymPy's series of ``Min`` fails)."""
    if e.has(sympy.Min, sympy.Max, sympy.Abs, sympy.Heaviside, sympy.sign):
        e = sympy.piecewise_fold(e.rewrite(sympy.Piecewise))
    return sympy.limit(e, t, at, "+" if at == 0 else "-")


def _as_float(e: Any) -> float:
    try:
        v = float(e)
    except TypeError:
        return math.nan
    return v


def _lambdify_label(loss: LossDefinition) -> Callable[[np.ndarray], np.ndarray]:
    f = sympy.lambdify(P, loss.label, "numpy")

    def g(x: np.ndarray) -> np.ndarray:
        with np.errstate(all="ignore"):
            return np.broadcast_to(np.asarray(f(x), dtype=float), np.shape(x)).copy()

    return g


def _lambdify_vector(loss: LossDefinition, c: int) -> Callable[[np.ndarray, int], np.ndarray]:
    """``(F, j) -> L(F[n], e_j)`` for rows ``F`` of shape (n, c)."""
    syms = sympy.symbols(f"x0:{c}", positive=True)
    fns = [sympy.lambdify(syms, loss(list(syms), j), "numpy") for j in range(c)]

    def g(F: np.ndarray, j: int) -> np.ndarray:
        with np.errstate(all="ignore"):
            return np.broadcast_to(np.asarray(fns[j](*F.T), dtype=float), (F.shape[0],)).copy()

    return g


def _exact_witness(loss: LossDefinition, c: int) -> dict[str, Any] | None:
    """Two exact points of the ``c``-simplex with different class sums
    (:func:`label_noise_lab.theory.symmetry.nonconstant_witness`),
    formatted for the report."""
    w = nonconstant_witness(loss, c)
    if w is None:
        return None
    return {"c": c, "point_a": [str(x) for x in w["point_a"]], "sum_a": _fmt(w["sum_a"]),
            "point_b": [str(x) for x in w["point_b"]], "sum_b": _fmt(w["sum_b"])}


class TrialContext:
    """Shared, lazily computed pieces of one trial."""

    def __init__(self, loss: LossDefinition, cs: list[int], cfg: dict[str, int]) -> None:
        self.loss, self.cs, self.cfg = loss, cs, cfg
        self.pot = loss.potential()
        self._cache: dict[str, Any] = {}

    def psi(self, c: Any = C) -> sympy.Expr | None:
        if self.pot is None:
            return None
        return self.pot[0] + (c - 1) * self.pot[1]

    def shape(self) -> int | None:
        """Sign of ``psi_c''`` on (0, 1) for a symbolic ``c >= 2`` (0: affine)."""
        if "shape" not in self._cache:
            psi = self.psi(C)
            if psi is None:
                self._cache["shape"] = None
            else:
                m = sympy.Symbol("m", nonnegative=True)
                d2 = derivative(psi, SCALAR, 2)
                s = 0 if simp(d2) == 0 else sign_on_unit(d2, SCALAR, {C: m + 2})
                if s is None and not psi.has(C):  # Min, Max, Abs, ...: convexity proved piece by piece
                    s = shape_by_pieces(psi.subs(SCALAR, P))
                self._cache["shape"] = s
        return self._cache["shape"]

    def decreasing(self) -> tuple[int | None, str]:
        """The sign of ``l'`` on ``(0, 1)`` for a loss of ``p`` (``-1`` strictly decreasing, ``-2`` non-increasing,
        ``None`` undecided) and how it was decided: SymPy's sign of ``l'``, else piece by piece, else from the
        shape (:mod:`paper_checks.trials.pieces`). The one place the trial decides that ``l`` does not increase."""
        if "decreasing" not in self._cache:
            ell = self.loss.label
            s = None if ell is None else sign_on_unit(derivative(ell, P), P)
            got: tuple[int | None, str] = (s, DIRECT_SIGN)
            if ell is not None and s is None:
                got = (decreasing_by_pieces(ell) or decreasing_from_shape(ell, self.shape(), limit_at_end)
                       or (None, "the sign of l' on (0, 1) is not decided"))
            self._cache["decreasing"] = got
        return self._cache["decreasing"]

    def label_np(self) -> Callable[[np.ndarray], np.ndarray]:
        if "label_np" not in self._cache:
            self._cache["label_np"] = _lambdify_label(self.loss)
        return self._cache["label_np"]

    def psi_np(self, c: int) -> Callable[[np.ndarray], np.ndarray]:
        key = f"psi_np{c}"
        if key not in self._cache:
            f = sympy.lambdify(SCALAR, self.psi(c), "numpy")

            def g(x: np.ndarray, f: Any = f) -> np.ndarray:
                with np.errstate(all="ignore"):
                    return np.broadcast_to(np.asarray(f(x), dtype=float), np.shape(x)).copy()

            self._cache[key] = g
        return self._cache[key]

    def vector_np(self, c: int) -> Callable[[np.ndarray, int], np.ndarray]:
        key = f"vec{c}"
        if key not in self._cache:
            if self.loss.label is not None:
                lab = self.label_np()
                self._cache[key] = lambda F, j: lab(F[:, j])
            else:
                self._cache[key] = _lambdify_vector(self.loss, c)
        return self._cache[key]

    def ranges(self) -> dict[int, dict[str, Any]]:
        if "ranges" not in self._cache:
            self._cache["ranges"] = _compute_ranges(self)
        return self._cache["ranges"]


# ---------------------------------------------------------------- symmetric
def symmetric(ctx: TrialContext) -> Property:
    loss = ctx.loss
    if ctx.pot is not None:
        psi = ctx.psi(C)
        if ctx.shape() == 0:
            a = simp(psi.subs(SCALAR, 0))
            b = simp(derivative(psi, SCALAR))
            const = sympy.factor(simp(C * a + b))
            return Property("symmetric", {"symmetric": True, "constant": str(const), "domain": "every c >= 2"},
                            f"yes, C = {const}", "symbolic",
                            f"psi_c = {simp(psi)} is affine in t, so the class sum is {const} for every c")
    per_c: dict[int, Any] = {}
    witnesses: dict[int, Any] = {}
    undecided: list[int] = []
    infinite: list[int] = []
    for c in ctx.cs:
        try:
            w = _exact_witness(loss, c)
        except TypeError:  # a witness point where the class sum is not a finite number (log 0): no comparison
            w = None
            infinite.append(c)
        if w is not None:
            per_c[c] = False
            witnesses[c] = w
            continue
        const = constant_class_sum(loss, c)
        if const is None:
            undecided.append(c)
            per_c[c] = None
        else:
            per_c[c] = str(const)
    yes = [c for c, v in per_c.items() if isinstance(v, str)]
    no = [c for c, v in per_c.items() if v is False]
    value = {"symmetric": bool(yes) and not no and not undecided, "per_c": per_c, "witnesses": witnesses}
    if undecided:
        why = (f"; for c = {span_text(infinite)} a standard witness point makes the class sum infinite or undefined"
               if infinite else "")
        return Property("symmetric", value, f"undecided for c = {span_text(undecided)}", "exact",
                        f"no exact witness and the class sum did not simplify to a constant for c = {undecided}{why}",
                        True)
    if not no:
        consts = sorted(set(per_c.values()))
        each = ", ".join(f"{per_c[c]} (c={c})" for c in yes)
        cell = f"yes, C = {consts[0]}" if len(consts) == 1 else "yes, C = " + each
        return Property("symmetric", value, cell + f" (c = {span_text(yes)})", "symbolic",
                        f"the class sum simplifies to a constant for each c = {span_text(yes)}")
    cell = "no" if not yes else f"only for c = {span_text(yes)}"
    return Property("symmetric", value, f"{cell} (exact witnesses, c = {span_text(no)})", "exact",
                    f"two exact points with different class sums for each c = {span_text(no)}"
                    + (f"; constant for c = {span_text(yes)}" if yes else ""))


def span_text(cs: Sequence[int]) -> str:
    cs = sorted(cs)
    if cs and cs == list(range(cs[0], cs[-1] + 1)) and len(cs) > 2:
        return f"{cs[0]}..{cs[-1]}"
    return ",".join(map(str, cs))


# ---------------------------------------------------------------- class-sum range
def _compute_ranges(ctx: TrialContext) -> dict[Any, dict[str, Any]]:
    """``{"symbolic": {...}}`` when Jensen applies for a symbolic c, else ``{c: {...}}``."""
    out: dict[Any, dict[str, Any]] = {}
    flat = flat_level(ctx.loss.label) if ctx.loss.separable is None else None
    if flat is not None:
        out["symbolic"] = flat_range(flat, C)
        return out
    below = flat_convex(ctx.loss.label) if ctx.loss.separable is None else None
    if below is not None:
        exact = {c: convex_range(below, c) for c in ctx.cs}
        if all(v is not None for v in exact.values()):
            return exact
    sh = ctx.shape()
    if ctx.pot is not None and sh is not None:
        psi = ctx.psi(C)
        if sh == 0:
            a = simp(psi.subs(SCALAR, 0))
            const = simp(C * a + derivative(psi, SCALAR))
            out["symbolic"] = {"low": const, "high": const, "how": "affine psi: constant", "method": "symbolic"}
            return out
        bary = simp(C * psi.subs(SCALAR, 1 / C))
        at0, at1 = limit_at_end(psi, SCALAR, 0), limit_at_end(psi, SCALAR, 1)
        vert = at0 if at0.is_infinite else (at1 if at1.is_infinite else simp(at1 + (C - 1) * at0))
        at_bary = {"attained": True, "at": "the barycentre"}
        at_vert = ({"attained": False, "at": "∞ as a coordinate -> " + ("0" if at0.is_infinite else "1")}
                   if vert.is_infinite else {"attained": True, "at": "the vertices"})
        lo, hi = (at_bary, at_vert) if sh > 0 else (at_vert, at_bary)
        out["symbolic"] = {"low": bary if sh > 0 else vert, "high": vert if sh > 0 else bary,
                           "how": "psi convex: Jensen (barycentre) and a vertex" if sh > 0 else
                           "psi concave: a vertex and Jensen (barycentre)", "method": "symbolic",
                           "low_attained": lo["attained"], "low_at": lo["at"], "high_attained": hi["attained"],
                           "high_at": hi["at"]}
        return out
    for c in ctx.cs:
        if ctx.pot is not None:
            out[c] = _separable_range_search(ctx, c)
        else:
            out[c] = _vector_range(ctx, c)
    return out


def _separable_range_search(ctx: TrialContext, c: int) -> dict[str, Any]:
    """Extremes of ``sum_k psi(f_k)`` over the ``c``-simplex by the two-level reduction (see module docstring)."""
    psi = ctx.psi_np(c)
    g = ctx.cfg["grid"]
    tt = np.linspace(1e-6, 1 - 1e-6, 4 * g)
    d2 = np.gradient(np.gradient(psi(tt), tt), tt)
    core = d2[20:-20]
    sgn = np.sign(core[np.abs(core) > 1e-8 * max(1.0, float(np.nanmax(np.abs(core))))])
    changes = int(np.sum(sgn[1:] != sgn[:-1])) if sgn.size else 0
    best_lo, best_hi = (math.inf, None), (-math.inf, None)
    xs = np.linspace(0.0, 1.0, g + 1)
    for m in range(1, c + 1):          # m coordinates at a
        for n in range(0, c - m + 1):  # n coordinates at b = (1 - m a)/n, the rest 0
            zeros = c - m - n
            if n == 0:
                a = np.array([1.0 / m])
            else:
                a = xs[(xs >= 0) & (xs <= 1.0 / m)]
            b = (1 - m * a) / n if n else np.zeros_like(a)
            with np.errstate(all="ignore"):
                # a coordinate at 0 contributes psi(0+) (inf for a log loss); none contributes nothing, never 0 * inf
                vals = m * psi(a) + (n * psi(b) if n else 0.0) + (zeros * psi(np.zeros(1))[0] if zeros else 0.0)
            vals = np.where(np.isnan(vals), np.nan, vals)
            if np.all(np.isnan(vals)):
                continue
            i_lo, i_hi = int(np.nanargmin(vals)), int(np.nanargmax(vals))
            if vals[i_lo] < best_lo[0]:
                best_lo = (float(vals[i_lo]), (m, n, float(a[i_lo])))
            if vals[i_hi] > best_hi[0]:
                best_hi = (float(vals[i_hi]), (m, n, float(a[i_hi])))
    res = {"low": best_lo[0], "high": best_hi[0], "low_at": best_lo[1], "high_at": best_hi[1],
           "psi2_sign_changes": changes, "method": "search"}
    res["how"] = ("two-level reduction (psi'' changes sign at most once on a grid), grid "
                  f"{g} per pattern" if changes <= 1 else
                  f"psi'' changes sign {changes} times: the two-level reduction does not apply; values are attained "
                  "bounds only")
    res["certain"] = False  # the sign changes of psi'' are counted on a float grid: attained values, not bounds
    return res


def random_simplex(rng: np.random.Generator, n: int, c: int) -> np.ndarray:
    pts = [rng.dirichlet(np.ones(c), n), rng.dirichlet(0.2 * np.ones(c), n), np.eye(c) * (1 - 1e-9) + 1e-9 / c,
           np.full((1, c), 1.0 / c)]
    return np.vstack(pts)


def _vector_range(ctx: TrialContext, c: int) -> dict[str, Any]:
    """Class-sum extremes for a non-separable loss: exact constant where it is one, else a search."""
    sym = ctx._cache.setdefault("sym_const", {})
    if c not in sym:
        w = _exact_witness(ctx.loss, c)
        sym[c] = None if w is not None else constant_class_sum(ctx.loss, c)
    if sym[c] is not None:
        return {"low": sym[c], "high": sym[c], "how": "constant class sum", "method": "symbolic", "certain": True}
    f = ctx.vector_np(c)
    rng = np.random.default_rng(c)
    F = random_simplex(rng, 20 * ctx.cfg["grid"] // c, c)
    F = np.clip(F, 1e-12, 1)
    F = F / F.sum(1, keepdims=True)
    S = sum(f(F, j) for j in range(c))
    return {"low": float(np.nanmin(S)), "high": float(np.nanmax(S)), "how": "random search over the simplex "
            "(attained values; not certified)", "method": "search", "certain": False}


def class_sum(ctx: TrialContext) -> Property:
    r = ctx.ranges()
    if "symbolic" in r:
        s = r["symbolic"]
        lo, hi = simp(s["low"]), simp(s["high"])
        ends = {k: s[k] for k in ("low_attained", "low_at", "high_attained", "high_at") if k in s}
        note = ""
        if ends:
            note = f" (min {'at' if ends['low_attained'] else 'not attained:'} {ends['low_at']}; max " + \
                   f"{'at' if ends['high_attained'] else 'not attained:'} {ends['high_at']})"
        return Property("class_sum", {"low": str(lo), "high": str(hi), "domain": "every c >= 2", "how": s["how"],
                                      **ends}, f"[{lo}, {_fmt(hi) if hi.is_infinite else hi}]" + note, "symbolic",
                        s["how"])
    vals, certain = {}, True
    for c in ctx.cs:
        s = r[c]
        vals[c] = {"low": s["low"], "high": s["high"], "how": s["how"]}
        certain &= bool(s.get("certain", False))
    lo_c, hi_c = ctx.cs[0], ctx.cs[-1]
    cell = f"c={lo_c}: [{_short(r[lo_c]['low'])}, {_short(r[lo_c]['high'])}]; c={hi_c}: [{_short(r[hi_c]['low'])}, " \
           f"{_short(r[hi_c]['high'])}]"
    method = "symbolic" if all(r[c]["method"] == "symbolic" for c in ctx.cs) else "search"
    summary = "; ".join(sorted(set(r[c]["how"] for c in ctx.cs)))
    if not certain:
        return Property("class_sum", vals, "undecided: " + cell + " attained", method,
                        f"extremes not certified ({summary})", True)
    return Property("class_sum", vals, cell, method, summary)


def _short(v: Any) -> str:
    e = sympy.sympify(v)
    if e.is_infinite:
        return "∞" if e.is_extended_positive else "-∞"
    if e.is_Integer:
        return str(e)
    return f"{float(e):.4g}"


def excess_risk_bound(ctx: TrialContext) -> Property:
    r = ctx.ranges()
    if "symbolic" in r:
        lo, hi = r["symbolic"]["low"], r["symbolic"]["high"]
        infinite = (sympy.oo, -sympy.oo, sympy.zoo)  # a literal: is_infinite of a degree-100 fraction in c is slow
        if sympy.sympify(hi) in infinite or sympy.sympify(lo) in infinite:
            end = "S_max = ∞" if sympy.sympify(hi) in infinite else "S_min = -∞"
            return Property("excess_risk_bound", {"A": "-oo"}, f"none ({end})", "symbolic",
                            f"the class sum is unbounded ({end}), so the GCE Thm 1 argument gives no bound")
        A = simp(ETA * (lo - hi) / (C - 1 - ETA * C))
        return Property("excess_risk_bound", {"A": str(A), "domain": "every c >= 2, eta < (c-1)/c"},
                        f"A = {A}", "symbolic", "A(eta) = eta (S_min - S_max)/(c - 1 - eta c) (GCE Thm 1 form)")
    vals = {}
    for c in ctx.cs:
        lo, hi = r[c]["low"], r[c]["high"]
        hv = _as_float(hi)
        vals[c] = None if not math.isfinite(hv) else float(NOISE) * (_as_float(lo) - hv) / (c - 1 - float(NOISE) * c)
    if all(v is None for v in vals.values()):
        return Property("excess_risk_bound", vals, "none (S_max = ∞)", "search", "unbounded class sum")
    certain = all(r[c].get("certain", False) for c in ctx.cs)
    lo_c, hi_c = ctx.cs[0], ctx.cs[-1]
    cell = f"A(0.4): c={lo_c}: {_short(vals[lo_c]) if vals[lo_c] is not None else '-∞'}, c={hi_c}: " \
           f"{_short(vals[hi_c]) if vals[hi_c] is not None else '-∞'}"
    if not certain:
        return Property("excess_risk_bound", vals, "undecided: class sum not certified", "search",
                        "the class-sum range is not certified, so A is not either", True)
    return Property("excess_risk_bound", vals, cell, "search" if r[lo_c]["method"] == "search" else "symbolic",
                    "A(eta) = eta (S_min - S_max)/(c - 1 - eta c) at eta = 0.4")


# ---------------------------------------------------------------- bounded
def bounded(ctx: TrialContext) -> Property:
    loss = ctx.loss
    if loss.label is not None:
        ell = loss.label
        at0, at1 = limit_at_end(ell, P, 0), limit_at_end(ell, P, 1)
        if at0 == sympy.oo or at1 == sympy.oo:
            return Property("bounded", {"bounded": False, "sup": "oo"}, "no (l(0+) = ∞)" if at0 == sympy.oo else
                            "no (l(1-) = ∞)", "symbolic", f"limits at the ends: l(0+) = {at0}, l(1-) = {at1}")
        if at0 == -sympy.oo or at1 == -sympy.oo:
            rising = increasing_to_one(ell, at1, sign_on_unit(derivative(ell, P), P))
            if rising is not None:
                return Property("bounded", *rising)
        flat = flat_level(ell)
        if flat is not None:
            return Property("bounded", {"bounded": True, "sup": str(flat["l0"]), "attained": True,
                                        "approached": f"attained on [0, {flat['k']}]"},
                            f"yes, sup = {_fmt(flat['l0'])}, attained on [0, {flat['k']}]", "symbolic",
                            "l is constant on [0, k] and decreasing above (loss_flat.py)")
        s, how = ctx.decreasing()
        direct = how == DIRECT_SIGN  # SymPy's sign of l': first; split_supremum before the other routes
        if not direct and s is not None and s < 0:
            exact = split_supremum(ell)  # an exact sup with every point attaining it, when the split finds one
            if exact is not None:
                return Property("bounded", *exact)
        if s is not None and s < 0:
            at_0 = ell.subs(P, 0)
            att = not at_0.has(sympy.nan, sympy.zoo) and at_0.is_finite and simp(at_0 - at0) == 0
            where = "attained at p = 0" if att else "l(0+): the formula is undefined at p = 0"
            why = "" if direct else f" ({how})"
            return Property("bounded", {"bounded": True, "sup": str(at0), "attained": bool(att), "approached": where},
                            f"yes, sup = {_fmt(at0)}" + (", at p = 0" if att else " = l(0+)"),
                            "symbolic", f"l is {'decreasing' if s == -1 else 'non-increasing'} on (0, 1){why}, so "
                            "the supremum is l(0+); " + where)
        exact = split_supremum(ell)
        if exact is not None:
            return Property("bounded", *exact)
        xs = np.linspace(0, 1, 20001)
        v = ctx.label_np()(xs)
        sup = max(float(np.nanmax(v)), _as_float(at0), _as_float(at1))
        return Property("bounded", {"bounded": None, "sup_at_least": sup}, f"undecided: sup ≥ {sup:.6g} (grid)",
                        "search", "finite limits at both ends, but the sign of l' is not decided and continuity is "
                        "not checked: a 20001-point grid gives only a lower bound on the sup", True)
    return _vector_bounded(ctx)


def _vector_bounded(ctx: TrialContext) -> Property:
    """A loss of the whole point none of the derivations covers: unbounded when the exact one-sided limit along
    ``f = (s, (1 - s)/(c - 1), ...)``, ``s -> 0+``, is infinite; otherwise only a searched lower bound."""
    sv = sympy.Symbol("s", positive=True)
    for c in ctx.cs:
        lim = sympy.limit(ctx.loss([sv, *[(1 - sv) / (c - 1)] * (c - 1)], 0), sv, 0, "+")
        if lim.is_infinite:
            return Property("bounded", {"bounded": False, "sup": "oo", "along": "f = (s, (1-s)/(c-1), ...), s -> 0+",
                                        "c": c}, f"no (-> {_fmt(lim)} as f_y -> 0, c = {c})", "symbolic",
                            f"the exact one-sided limit along f = (s, (1-s)/(c-1), ...) as s -> 0+ is {lim} at c = {c}")
    sups = {}
    for c in ctx.cs:
        f = ctx.vector_np(c)
        rng = np.random.default_rng(100 + c)
        F = random_simplex(rng, 5 * ctx.cfg["grid"] // c, c)
        worst = float(np.nanmax(f(F, 0)))
        # toward the face f_y = 0
        edge = []
        for k in range(1, 13):
            e = 10.0 ** (-k)
            row = np.full((1, c), (1 - e) / (c - 1))
            row[0, 0] = e
            edge.append(float(f(row, 0)[0]))
        sups[c] = max(worst, max(edge))
    return Property("bounded", {"bounded": None, "sup_at_least": sups},
                    f"undecided: sup ≥ {max(sups.values()):.4g} (search)", "search",
                    "finite exact limit toward f_y = 0, but no derivation covers this loss: the largest value found "
                    "over random points, vertices and the approach to f_y = 0 is only a lower bound", True)


# ---------------------------------------------------------------- weight
def weight(ctx: TrialContext) -> Property:
    loss = ctx.loss
    if loss.label is None:
        return Property("weight", None, "n/a: depends on all of p", "symbolic",
                        "the loss is not a function of p_y alone, so its logit-gradient norm is not a function of p_y")
    d1 = derivative(loss.label, P)
    if d1.has(sympy.DiracDelta):
        return Property("weight", None, "undecided: l has a jump", "symbolic",
                        f"l'(p) = {d1} has a point mass (the loss jumps), so the gradient norm is not a function "
                        "of p_y with moments", True)
    s = sign_on_unit(d1, P)
    if s is not None and s <= 0:
        w = simp(-2 * d1 * P * (1 - P))
    elif s is not None and s > 0:
        w = simp(2 * d1 * P * (1 - P))
    else:
        w = 2 * sympy.Abs(d1) * P * (1 - P)
    moments = polynomial_moments(w, P)
    if moments is not None:
        mean, var = moments
        return Property("weight", {"w": str(w), "mean": str(mean), "variance": str(var), "mean_float": float(mean),
                                   "variance_float": float(var)}, f"w = {w}; mean {_short(mean)}, var {_short(var)}",
                        "symbolic", "||dL/dz||_1 = 2 |l'(p)| p (1 - p) for a loss of p_y alone; moments for "
                        "p ~ U(0, 1) (a polynomial: integrated exactly term by term)")
    bad = divergence(w, P, 0, 1)
    if bad is not None:
        return Property("weight", {"w": str(w), "mean": "oo", "variance": "oo", "diverges_at": str(bad)},
                        f"w = {w}; mean diverges (∫w = ∞ near p = {_fmt(bad)})", "symbolic",
                        f"w is not integrable near p = {bad}: |p - {bad}| w tends to a non-zero limit there, so "
                        "E[w] for p ~ U(0, 1) is infinite (no number)")
    mean = var = None
    method = "symbolic"
    sq_bad = divergence(w**2, P, 0, 1)
    if not w.has(sympy.Abs, sympy.Piecewise, sympy.Min, sympy.Max, sympy.Heaviside, sympy.sign):
        try:
            with work.limit(MOMENTS_WORK, error=_MomentsTimedOut):  # integrate can run long: quadrature then
                m = uniform_moments(w, P)
                mean, var = simp(m.mean), simp(m.variance)
        except (Exception, _MomentsTimedOut):
            mean = var = None
    if mean is None or not (mean.is_finite and (var.is_finite or sq_bad is not None)):
        method = "quadrature"
        fw = sympy.lambdify(P, w, "mpmath")
        mpmath.mp.dps = 30
        brk = [0, *kinks(w, P, 0, 1), *kinks(loss.label, P, 0, 1), 1]
        brk = sorted(set(brk), key=lambda b: sympy.N(b, 40))  # every kink, jump, pole: quadrature never crosses one
        brk = [mpmath.mpf(str(sympy.N(b, 40))) for b in brk]  # to 40 digits (a float 0.3 is off by 1e-17)
        m1 = mpmath.quad(fw, brk)
        mean = sympy.Float(m1, 30)
        var = sympy.oo if sq_bad is not None else sympy.Float(mpmath.quad(lambda x: fw(x) ** 2, brk) - m1**2, 30)
    if sq_bad is not None:
        var = sympy.oo  # E[w^2] diverges (near p = sq_bad): no number for the variance
    cell = f"w = {w}; mean {_short(mean)}, var {_short(var)}"
    return Property("weight", {"w": str(w), "mean": str(mean), "variance": str(var), "mean_float": _as_float(mean),
                               "variance_float": _as_float(var)}, cell, method,
                    "||dL/dz||_1 = 2 |l'(p)| p (1 - p) for a loss of p_y alone; moments for p ~ U(0, 1)")
