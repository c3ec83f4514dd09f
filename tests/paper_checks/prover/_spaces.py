"""Small search spaces for the prover's tests (each with an exact margin traceable on symbols)."""
from __future__ import annotations

from typing import Any

import sympy

from paper_checks.search.params import Integer, Real, SearchSpace, SimplexPoint

R = sympy.Rational


def real_space(expr_fn: Any, *bounds: tuple[str, float, float]) -> SearchSpace:
    """Reals named by ``bounds``; the exact margin ``expr_fn(**point)``."""
    params = tuple(Real(n, lo, hi) for n, lo, hi in bounds)

    def exact(pt: dict[str, Any]) -> Any:
        return expr_fn(**{p.name: pt[p.name] for p in params})

    syms = [sympy.Symbol(p.name) for p in params]
    fast = sympy.lambdify(syms, expr_fn(*syms), "math")

    def margin(pt: dict[str, Any]) -> float:
        return float(fast(*[float(pt[p.name]) for p in params]))

    return SearchSpace(params, margin, exact, description="test margin")


def mae_gce_space() -> SearchSpace:
    """A GCE bound with equality at the vertices (Zhang & Sabuncu 2018, Eq. 7, upper end): for f on the
    simplex (c = 3) and q in [1/4, 3/4], sum_k L_q(f_k) <= (c - 1)/q, i.e. (sum_k f_k^q - 1)/q >= 0,
    exactly 0 at every vertex e_k."""

    def exact(pt: dict[str, Any]) -> Any:
        q = pt["q"]
        return (sum(v ** q for v in pt["f"]) - 1) / q

    def margin(pt: dict[str, Any]) -> float:
        q = float(pt["q"])
        return (sum(float(v) ** q for v in pt["f"]) - 1) / q

    return SearchSpace((SimplexPoint("f", 3), Real("q", 0.25, 0.75)), margin, exact,
                       description="(c - 1)/q - sum_k L_q(f_k)")


def simplex_space(dim: int, expr_fn: Any, ints: tuple[Integer, ...] = ()) -> SearchSpace:
    """One simplex point ``p`` of ``dim`` coordinates (and integers); margin ``expr_fn(p, **ints)``."""

    def exact(pt: dict[str, Any]) -> Any:
        return expr_fn(list(pt["p"]), **{i.name: pt[i.name] for i in ints})

    def margin(pt: dict[str, Any]) -> float:
        return float(exact({k: (sympy.Integer(int(v)) if k != "p" else [sympy.nsimplify(float(x)) for x in v])
                            for k, v in pt.items()}))

    return SearchSpace((*ints, SimplexPoint("p", dim)), margin, exact, description="simplex margin")
