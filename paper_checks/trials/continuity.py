"""Where a loss of ``p`` is continuous on ``(0, 1)``: its jumps and poles, found exactly, before any cell of the
trial uses continuity, a derivative or monotonicity.

Every cell of the loss trial (:mod:`paper_checks.trials.simplex`) reads a supremum from the ends and the sign of
``l'``, a weight from ``l'``, a class-sum range from the sign of ``psi''``: all of it assumes ``l`` continuous on
``(0, 1)``. ``atan(1/(p - 1/3))`` is not (it jumps from ``-pi/2`` to ``pi/2`` at ``1/3``), and a trial that
assumed it said "bounded, sup = -atan(3) at p = 0" of a loss that nears ``pi/2``.

:func:`breaks` finds the points where a formula can stop being continuous: the zeros in ``(0, 1)`` of every
denominator (a power with a negative exponent), of the argument of ``log``, ``sign``, ``Heaviside``, ``floor``
and ``ceiling``, and the boundaries of a ``Piecewise``; each is solved exactly (SymPy's ``solveset`` on the open
interval), and at each point the one-sided limits decide: equal and finite is continuous there (a kink of
``Abs``, ``Min`` or ``Max`` is continuous and is not a break), else a ``jump`` or a ``pole``. The functions known
to be continuous on the reals (``exp``, ``atan``, ``erf``, ``tanh``, ``Abs``, ``Min``, ``Max``, roots, ...) add no
point. A zero set that is not found exactly, or a function of unknown continuity, is :class:`Unknown`: the
trial then decides no cell that needs continuity, and says why.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sympy

from label_noise_lab.theory.expressions import P
from paper_checks.deadline import TimedOut
from paper_checks.trials.limits import CELL_WORK, cell_limit, stopped

#: functions continuous on every real argument where they are defined: they add no point to check
CONTINUOUS = (sympy.exp, sympy.atan, sympy.erf, sympy.erfc, sympy.tanh, sympy.sinh, sympy.cosh, sympy.asinh,
              sympy.Abs, sympy.Min, sympy.Max, sympy.sin, sympy.cos, sympy.factorial)

#: functions whose argument's zeros may be jumps or poles
BREAKING = (sympy.log, sympy.sign, sympy.Heaviside, sympy.floor, sympy.ceiling)


class Unknown(Exception):
    """Where the formula is continuous cannot be decided exactly (the message says what stopped it)."""


@dataclass(frozen=True)
class Break:
    """A point of ``(0, 1)`` where the formula is not continuous: ``kind`` is ``"pole"`` (a one-sided limit is
    infinite or does not exist as a number) or ``"jump"`` (finite one-sided limits that differ)."""

    point: sympy.Expr
    kind: str
    left: sympy.Expr
    right: sympy.Expr

    def text(self, t: sympy.Symbol) -> str:
        return (f"a {self.kind} at {t} = {self.point} (limits {self.left} from the left, {self.right} from the "
                "right)")


def _arguments(expr: sympy.Expr, t: sympy.Symbol) -> list[sympy.Expr]:
    """The expressions whose zeros in ``(0, 1)`` are the candidate breaks of ``expr``."""
    out: list[sympy.Expr] = []
    for node in sympy.preorder_traversal(expr):
        if not node.has(t):
            continue
        if isinstance(node, sympy.Pow):
            if node.exp.is_negative or (node.exp.has(t) and node.base.has(t)):
                out.append(node.base)
        elif isinstance(node, BREAKING):
            out.append(node.args[0])
        elif isinstance(node, sympy.Piecewise):
            for _, cond in node.args:
                if isinstance(cond, sympy.core.relational.Relational):
                    out.append(cond.lhs - cond.rhs)
                elif cond not in (sympy.true, sympy.false):
                    raise Unknown(f"a Piecewise condition {cond} is not one comparison")
        elif isinstance(node, sympy.Function) and not isinstance(node, CONTINUOUS):
            raise Unknown(f"the continuity of {type(node).__name__} is not known here")
    return out


def _zeros(arg: sympy.Expr, t: sympy.Symbol) -> list[sympy.Expr]:
    """The zeros of ``arg`` in ``(0, 1)``, exactly; :class:`Unknown` when SymPy cannot list them."""
    try:
        found = sympy.solveset(sympy.Eq(arg, 0), t, sympy.Interval.open(0, 1))
    except NotImplementedError as exc:
        raise Unknown(f"the zeros of {arg} on (0, 1) cannot be found exactly ({exc})") from None
    if isinstance(found, sympy.FiniteSet):
        return list(found)
    if found == sympy.S.EmptySet:
        return []
    raise Unknown(f"the zeros of {arg} on (0, 1) cannot be found exactly (SymPy gives {found})")


def _resolved(expr: sympy.Expr, t: sympy.Symbol, at: sympy.Expr) -> sympy.Expr:
    """``expr`` on the piece of ``(0, 1)`` around ``at`` (no candidate point between): each ``sign``,
    ``Heaviside`` and ``Piecewise`` replaced by its value or branch there (SymPy's one-sided limits of
    ``Heaviside`` and ``sign`` at their jump are not to be trusted: both sides give ``1/2``)."""
    def side(node: sympy.Expr) -> sympy.Expr:
        v = sympy.sign(node.args[0].subs(t, at))
        if v not in (-1, 0, 1):
            raise Unknown(f"the sign of {node.args[0]} at {t} = {at} is not decided exactly")
        return v if isinstance(node, sympy.sign) else (sympy.Integer(1) if v > 0 else sympy.Integer(0))

    def branch(node: sympy.Piecewise) -> sympy.Expr:
        for piece, cond in node.args:
            holds = cond.subs(t, at) if cond not in (sympy.true, sympy.false) else cond
            if holds == sympy.true:
                return piece
            if holds != sympy.false:
                raise Unknown(f"the condition {cond} at {t} = {at} is not decided exactly")
        raise Unknown(f"no branch of {node} holds at {t} = {at}")

    if expr.has(sympy.floor, sympy.ceiling):
        raise Unknown("floor and ceiling are not resolved here")
    expr = expr.replace(lambda n: isinstance(n, (sympy.sign, sympy.Heaviside)) and n.has(t), side)
    return expr.replace(lambda n: isinstance(n, sympy.Piecewise) and n.has(t), branch)


def breaks(expr: sympy.Expr, t: sympy.Symbol) -> list[Break]:
    """The points of ``(0, 1)`` where ``expr`` (a formula in ``t``) is not continuous, each with its kind and
    one-sided limits; :class:`Unknown` when that cannot be decided exactly. Run it under a limit
    (:func:`paper_checks.trials.limits.cell_limit`): ``solveset`` and ``limit`` can run long."""
    points: set[sympy.Expr] = set()
    for arg in _arguments(expr, t):
        points.update(_zeros(arg, t))
    try:
        ordered = sorted(points, key=lambda x: float(x))
    except TypeError:
        raise Unknown(f"the candidate points {sorted(map(str, points))} are not all real numbers") from None
    ends = [sympy.Integer(0), *ordered, sympy.Integer(1)]
    found = []
    for i, x0 in enumerate(ordered, start=1):
        below, above = _resolved(expr, t, (ends[i - 1] + x0) / 2), _resolved(expr, t, (x0 + ends[i + 1]) / 2)
        left, right = sympy.limit(below, t, x0, "-"), sympy.limit(above, t, x0, "+")
        finite = all(v.is_finite is True and v.is_real is True for v in (left, right))
        if finite and sympy.simplify(left - right) == 0:
            continue
        found.append(Break(x0, "jump" if finite else "pole", left, right))
    return found


def _parts(loss: Any) -> list[tuple[str, sympy.Expr, sympy.Symbol]]:
    """The formulas of one variable a trial reads for ``loss``: ``l(p)``, and ``phi_1``, ``phi_0`` of a separable
    loss (a loss of the whole point alone, such as NCE, has none)."""
    out = []
    if loss.label is not None:
        out.append(("the loss", loss.label, P))
    pot = loss.potential()
    for name, e in zip(("phi_1", "phi_0"), pot or ()):
        syms = sorted(e.free_symbols, key=str)
        if len(syms) == 1:
            out.append((name, e, syms[0]))
    return out


@dataclass(frozen=True)
class Broken:
    """Why a loss gets only the cells that need no continuity: ``cell`` for the table, ``summary`` in full, and
    the breaks of ``l(p)`` where they were found (empty when continuity could not be decided)."""

    cell: str
    summary: str
    found: tuple[Break, ...] = ()


def gate(loss: Any, seconds: float | None, units: float = CELL_WORK) -> Broken | None:
    """``None`` when every formula the trial reads of ``loss`` is shown continuous on ``(0, 1)`` (within ``units``
    of counted work, and a wall-clock net of ``seconds`` where given: :func:`~paper_checks.trials.limits.cell_limit`);
    otherwise why no cell that needs continuity, a derivative or monotonicity can be decided: its breaks, or what kept
    them from being found."""
    try:
        with cell_limit(seconds, units):
            for what, e, t in _parts(loss):
                found = breaks(e, t)
                if found:
                    short = ", ".join(f"{b.kind} at {t} = {b.point}" for b in found)
                    return Broken(f"undecided: not continuous on (0, 1) ({short})",
                                  f"{what} is not continuous on (0, 1): {'; '.join(b.text(t) for b in found)}; a "
                                  "cell that needs continuity, a derivative or monotonicity is not decided",
                                  tuple(found) if what == "the loss" else ())
    except TimedOut as exc:
        cell, why = stopped(exc)
        return Broken(f"undecided: continuity on (0, 1) not decided ({cell.removeprefix('undecided: ')})",
                      f"cannot decide where the loss is continuous on (0, 1): {why}")
    except Unknown as exc:
        return Broken("undecided: continuity on (0, 1) not decided",
                      f"cannot decide where the loss is continuous on (0, 1): {exc}")
    return None


#: the cells a loss with a break may still get: ``symmetric`` refuted by exact points (values, no derivative),
#: and ``bounded`` from a pole's infinite limit or from the exact split of l (pieces between its jumps)
JUMP_SAFE = ("symmetric", "bounded")


def allowed(name: str, prop: Any) -> bool:
    """Whether the cell ``name`` computed as ``prop`` stands for a loss with a break: a ``symmetric`` refuted by
    exact points, or a ``bounded`` computed by :func:`bounded` (which knows the breaks)."""
    if name == "bounded":
        return True
    return (name in JUMP_SAFE and prop.method == "exact" and not prop.undecided
            and str(prop.cell).startswith("no (exact witnesses"))


def bounded(loss: Any, broken: Broken) -> tuple[Any, str, str, str, bool]:
    """The ``bounded`` cell of a loss of ``p`` with breaks, as ``(value, cell, method, summary, undecided)``: no
    when a one-sided limit at a break is ``+oo``; else the exact split of ``l`` on ``(0, 1)``
    (:func:`paper_checks.trials.suprema.split_supremum`, which takes jumps into account); else undecided."""
    from paper_checks.trials.suprema import split_supremum

    for b in broken.found:
        sides = [side for side, v in (("left", b.left), ("right", b.right)) if v == sympy.oo]
        if sides:
            return ({"bounded": False, "sup": "oo", "approached": str(b.point)},
                    f"no (l → ∞ as p → {b.point} from the {' and '.join(sides)})", "symbolic",
                    f"a pole of l at p = {b.point}: the one-sided limit from the {' and '.join(sides)} is oo", False)
    if loss.label is not None and broken.found:
        exact = split_supremum(loss.label)
        if exact is not None:
            return (*exact, False)
    return None, broken.cell, "none", broken.summary, True
