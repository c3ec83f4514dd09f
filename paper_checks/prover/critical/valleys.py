"""Valleys: where a margin's minimum of 0 runs along a curve or surface, the candidate sets ``x_S = phi(x_F)``.

Gibbs' inequality with both distributions free is 0 wherever ``q = p``; Pinsker's, Jensen's and AM-GM's
bounds wherever two coordinates are equal; Young's inequality ``x^3/3 + 2 y^(3/2)/3 >= x y`` along
``x = sqrt(y)``. First-order bounds cannot close the boxes along such a set (every box there has a lower
bound a little below 0), and no single point is critical. :mod:`paper_checks.prover.critical.second` closes them
by convexity in the normal directions ``S`` once it has the set as ``x_S = phi(x_F)``; this module only
proposes such sets, exactly:

- two coordinates equal, ``x_i = x_m`` (where ``solve`` gives up on a transcendental stationarity, as for
  ``e^(x-y) + e^(y-x) - 2 - (x-y)^2``), or all of them (AM-GM's line ``x = y = z``);
- for each coordinate ``x_i``, SymPy's ``solve`` of ``d margin / d x_i = 0`` for ``x_i`` (``q = p``,
  ``x = sqrt(y)``), and where a solution depends on one other coordinate ``x_m``, the same relation solved
  for ``x_m`` (Pinsker's margin is convex in ``p`` along ``p = q`` but not in ``q``);
- for each simplex row, the stationarity of the margin in all its free coordinates at once, solved for
  them (``q = p`` coordinate by coordinate when ``p`` and ``q`` lie in different pieces).

Nothing here is trusted: :func:`paper_checks.prover.critical.second.critical_at` checks each candidate exactly
(the margin identically 0 on the set, its gradient in ``S`` identically 0) and the certificate's
re-check derives it again from the expressions the certificate records.
"""
from __future__ import annotations

from fractions import Fraction
from typing import Any, Iterator

import sympy

from paper_checks import work
from paper_checks.deadline import TimedOut
from paper_checks.prover.enclosures.boxes import Box
from paper_checks.prover.tracing.trace import Traced, derivative
from paper_checks.prover.tracing.unbounded import HalfChart, LineChart, coordinate, inverse

#: work units SymPy's ``solve`` may spend on one system
SOLVE_WORK = 2.0
#: the most candidate sets proposed for one margin
MAX_CANDIDATES = 24

Candidate = dict[int, Any]  # coordinate index -> a Fraction, or an expression of the other coordinates


def _exact(v: sympy.Expr) -> Any:
    return Fraction(int(v.p), int(v.q)) if v.is_Rational else v


def _tower(eqs: list[sympy.Expr], unknowns: list[sympy.Symbol]) -> bool:
    """Whether an unknown is both in the base and in the exponent of one power (``x^x``,
    ``(1 + (1 - t) x)^(1/(1 - t))`` in ``t``): such an equation has no solution in the functions the prover
    traces (SymPy answers with ``LambertW`` or nothing, after seconds), so it is not handed to ``solve``."""
    return any(p.base.free_symbols & p.exp.free_symbols & set(unknowns)
               for e in eqs for p in e.atoms(sympy.Pow))


def _solve(eqs: list[sympy.Expr], unknowns: list[sympy.Symbol], seconds: float) -> list[dict[sympy.Symbol, Any]]:
    """The real solutions of ``eqs = 0`` for ``unknowns`` that SymPy finds within ``seconds``, each an
    expression of the other coordinates (none where it gives up, times out, finds a family, or where
    :func:`_tower` says it cannot)."""
    if _tower(eqs, unknowns):
        return []
    try:
        with work.limit(seconds):
            # unchecked: critical_at checks every candidate exactly, and SymPy's own check costs the most
            sols = sympy.solve(eqs, unknowns, dict=True, check=False, simplify=False)
    except (TimedOut, NotImplementedError, TypeError, ValueError, RecursionError, AttributeError, ZeroDivisionError):
        return []
    out = []
    for sol in sols:
        if set(sol) != set(unknowns):
            continue
        vals = list(sol.values())
        if any(v.has(sympy.I) or v.free_symbols & set(unknowns) or v.has(sympy.nan, sympy.zoo, sympy.oo)
               for v in vals):
            continue
        out.append(sol)
    return out


def candidates(t: Traced, rows: list[list[int]], seconds: float = SOLVE_WORK) -> Iterator[Candidate]:
    """Candidate valleys of the margin ``t`` (see the module docstring), lazily (each costs a ``solve``): the
    simplex rows first, then equal coordinates, then each coordinate; at most :data:`MAX_CANDIDATES`,
    ``seconds`` per system."""
    syms = t.symbols
    seen: list[Candidate] = []

    def new(c: Candidate) -> bool:
        if not c or c in seen or len(seen) >= MAX_CANDIDATES:
            return False
        seen.append(c)
        return True

    for r in rows:
        if len(r) < 2:
            continue
        unknowns = [syms[i] for i in r]
        for sol in _solve([derivative(t.expr, x) for x in unknowns], unknowns, seconds):
            c = {i: _exact(sol[syms[i]]) for i in r}
            if new(c):
                yield c
    used = [i for i, s in enumerate(syms) if s in t.expr.free_symbols]
    for i in used:  # two coordinates equal: the symmetric inequalities' valley, proposed unsolved
        for m in used:
            if m != i and new({i: syms[m]}):
                yield {i: syms[m]}
    if len(used) >= 3:  # all equal (AM-GM's line x = y = z)
        for m in used:
            c = {i: syms[m] for i in used if i != m}
            if new(c):
                yield c
    for c in _in_charts(t, seconds):
        if new(c):
            yield c
    for i, s in enumerate(syms):
        if s not in t.expr.free_symbols:
            continue
        for sol in _solve([derivative(t.expr, s)], [s], seconds):
            phi = sol[s]
            if new({i: _exact(phi)}):
                yield {i: _exact(phi)}
            others = phi.free_symbols
            if len(others) == 1:
                (m_sym,) = others
                for inv in _solve([s - phi], [m_sym], seconds):
                    c = {syms.index(m_sym): _exact(inv[m_sym])}
                    if new(c):
                        yield c


def _in_charts(t: Traced, seconds: float) -> Iterator[Candidate]:
    """For each coordinate read only through the chart of an unbounded domain
    (:mod:`paper_checks.prover.tracing.unbounded`), the solutions of ``d margin / dW = 0`` in the chart's value ``W``,
    each taken back to the coordinate exactly (:func:`~paper_checks.prover.tracing.unbounded.inverse`): ``log(x)/x <=
    1/e`` on ``[1, oo)`` is 0 at ``x = e``, ``u = e/(1 + e)``, which no rational near Newton's point is, and on the line
    a rational ``x`` is an irrational ``u``."""
    for node in sorted(t.expr.atoms(HalfChart, LineChart), key=sympy.default_sort_key):
        u, w = coordinate(node), sympy.Dummy("W", real=True)
        m = t.expr.xreplace({node: w})
        if u not in t.symbols or u in m.free_symbols:
            continue
        i = t.symbols.index(u)
        for sol in _solve([derivative(m, w)], [w], seconds):
            back = inverse(node, sol[w])
            if back is not None and not back.has(sympy.I, sympy.nan, sympy.zoo):
                yield {i: _exact(back)}


def distance(c: Candidate, t: Traced, x: list[Fraction]) -> float:
    """How far the point ``x`` lies from the set ``c`` along its coordinates (the largest ``|x_i - phi_i(x)|``;
    infinite where ``phi`` is not real there)."""
    subs = {s: sympy.Rational(v.numerator, v.denominator) for s, v in zip(t.symbols, x)}
    worst = 0.0
    for i, phi in c.items():
        try:
            v = complex(sympy.N(sympy.sympify(phi).xreplace(subs), 15))
        except (TypeError, ValueError, ZeroDivisionError):
            return float("inf")
        if abs(v.imag) > 1e-12 or v.real != v.real:
            return float("inf")
        worst = max(worst, abs(v.real - float(x[i])))
    return worst


def near(c: Candidate, t: Traced, box: Box, reach: float = 2.0) -> bool:
    """Whether the box's centre lies within ``reach`` box widths of the set ``c`` along its coordinates."""
    width = max(float(hi - lo) for lo, hi in box)
    return distance(c, t, [(lo + hi) / 2 for lo, hi in box]) <= reach * width
