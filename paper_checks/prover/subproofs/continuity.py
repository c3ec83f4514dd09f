"""A closed face that follows from the open piece: where the margin is continuous at every point of the face, the
face holds by continuity, and no sub-proof of it is needed.

The closures that work on a piece with every finite end open (:func:`paper_checks.prover.subproofs.partial_min.opened`:
the one combination, the partial minimum) prove ``m >= 0`` there, and each closed finite face of the piece is a problem
of its own, one coordinate fewer. A point ``P`` of such a face is a limit of points of the open piece; where ``m`` is
continuous at ``P``, ``m(P)`` is the limit of values ``>= 0``, so ``m(P) >= 0``. The face ``c = 5`` of Welsch's
loss below Cauchy's, ``c^2/2 (log(1 + v^2/c^2) - 1 + e^(-v^2/c^2))`` on ``v`` in the line, is a one-variable problem
of contact of order 6 at ``v = 0`` that the boxes do not close; it follows from the open piece by continuity.

The margin is continuous at every point of the face where each of its nodes is (:func:`conditions`):

- sums, products, integer powers ``>= 0``, and the nodes continuous on the whole line (``exp``, ``sin``, ``cos``,
  ``atan``, ``sinh``, ``cosh``, ``tanh``, ``erf``, ``erfc``, ``Abs``, ``Max``, ``Min``): always;
- a negative integer power: where its base is not 0;
- any other power (``b^e``, ``e`` not an integer: ``exp(e log b)``) and ``log``: where the base or the argument is
  ``> 0``;
- any other node: not known, and the face is proved as before.

Each condition is read on the face (the coordinate at its end) from SymPy's assumptions on the other coordinates'
strict signs (:func:`paper_checks.prover.tracing.symbols.sign_assumptions`: ``1 + v^2/25 > 0`` for every real ``v``),
or, on a finite face, from Arb's lower bound (:func:`paper_checks.prover.enclosures.balls.ball_lower`). A node that may
be 0 or negative somewhere on the face leaves that face to its sub-proof. :func:`face_proofs` takes each face one way or
the other; :func:`recheck_faces` tests the conditions again and re-checks each sub-proof.
"""
from __future__ import annotations

import math
from fractions import Fraction

import sympy

from paper_checks.prover.budget import Budget
from paper_checks.prover.enclosures.balls import ball_lower
from paper_checks.prover.enclosures.boxes import Box
from paper_checks.prover.subproofs.subproblem import Proof, open_ends, others, posed, proved_once, recheck_problem
from paper_checks.prover.tracing.symbols import Coordinate, sign_assumptions

#: nodes continuous at every real point of their argument
EVERYWHERE = (sympy.exp, sympy.sin, sympy.cos, sympy.atan, sympy.sinh, sympy.cosh, sympy.tanh, sympy.erf,
              sympy.erfc, sympy.Abs, sympy.Max, sympy.Min)

Problem = tuple[sympy.Expr, list[sympy.Symbol], list[Coordinate], Box]


def closed_ends(symbols: list[sympy.Symbol], coords: list[Coordinate], box: Box) -> list[tuple[int, Fraction]]:
    """``(i, end)`` for each closed finite end of a coordinate, in the order of :func:`faces`."""
    out = []
    for i, (s, (lo, hi)) in enumerate(zip(symbols, box)):
        op = open_ends(s, lo, hi, coords[i])
        out += [(i, Fraction(end)) for end, is_open in ((lo, op[0]), (hi, op[1]))
                if not is_open and not (isinstance(end, float) and math.isinf(end))]
    return out


def faces(expr: sympy.Expr, symbols: list[sympy.Symbol], coords: list[Coordinate], box: Box
          ) -> list[tuple[str, Problem]]:
    """The closed finite ends of every coordinate, each a face: ``(what, problem)`` with the coordinate substituted."""
    out = []
    for i, end in closed_ends(symbols, coords, box):
        v = sympy.Rational(end.numerator, end.denominator)
        osy, osc, obx = others(i, symbols, coords, box)
        out.append((f"the face {symbols[i]} = {v}", (expr.xreplace({symbols[i]: v}), osy, osc, obx)))
    return out


def conditions(expr: sympy.Expr) -> list[tuple[sympy.Expr, bool]] | None:
    """The conditions under which every node of ``expr`` is continuous (the module docstring): ``(e, strict)`` for
    ``e > 0`` (``strict``) or ``e != 0``; None where a node is not one this module knows."""
    out: list[tuple[sympy.Expr, bool]] = []
    for node in sympy.preorder_traversal(expr):
        if node.is_Atom or isinstance(node, (sympy.Add, sympy.Mul) + EVERYWHERE):
            continue
        if isinstance(node, sympy.Pow):
            b, e = node.args
            if e.is_Integer:
                if e < 0:
                    out.append((b, False))
                continue
            out.append((b, True))
        elif isinstance(node, sympy.log) and len(node.args) == 1:
            out.append((node.args[0], True))
        else:
            return None
    return out


def _holds(e: sympy.Expr, strict: bool, symbols: list[sympy.Symbol], box: Box) -> bool:
    """Whether ``e > 0`` (``strict``) or ``e != 0`` at every point of the face: SymPy's assumptions, or Arb's bound on
    a finite face."""
    if (e.is_positive if strict else e.is_nonzero) is True:
        return True
    if any(isinstance(x, float) and math.isinf(x) for b in box for x in b):
        return False
    fbox = [(Fraction(lo), Fraction(hi)) for lo, hi in box]
    for sign in ((1,) if strict else (1, -1)):
        low = ball_lower(sign * e, symbols, fbox)
        if low is not None and low > 0:
            return True
    return False


def continuous_at(expr: sympy.Expr, symbols: list[sympy.Symbol], coords: list[Coordinate], box: Box, i: int,
                  end: Fraction, conds: list[tuple[sympy.Expr, bool]] | None = None) -> bool:
    """Whether ``expr`` is continuous at every point of the face ``symbols[i] = end`` of the piece (``conds``: its
    :func:`conditions`, where the caller has them for every face)."""
    conds = conditions(expr) if conds is None else conds
    if conds is None:
        return False
    fresh, fsy, fbx = {}, [], []
    for j, (s, (lo, hi)) in enumerate(zip(symbols, box)):
        if j == i:
            continue
        w = sympy.Symbol(str(s), **sign_assumptions(float(lo), float(hi), *open_ends(s, lo, hi, coords[j])))
        fresh[s] = w
        fsy.append(w)
        fbx.append((lo, hi))
    v = sympy.Rational(end.numerator, end.denominator)
    return all(_holds(e.xreplace({symbols[i]: v}).xreplace(fresh), strict, fsy, fbx) for e, strict in conds)


def face_proofs(expr: sympy.Expr, symbols: list[sympy.Symbol], coords: list[Coordinate], box: Box,
                stop: Budget) -> list[tuple[str, Proof | None]] | None:
    """Each closed face of the piece with its proof: None where it follows by continuity, else a sub-proof; None
    where a face is not proved. ``stop``: the budget of the closure that poses them."""
    done: list[tuple[str, Proof | None]] = []
    conds = conditions(expr)
    for (what, problem), (i, end) in zip(faces(expr, symbols, coords, box), closed_ends(symbols, coords, box)):
        if conds is not None and continuous_at(expr, symbols, coords, box, i, end, conds):
            done.append((what, None))
            continue
        got = proved_once(*posed(problem), what, stop.left())
        if got is None:
            return None
        done.append((what, got))
    return done


def recheck_faces(recorded: list[tuple[str, Proof | None]], expr: sympy.Expr, symbols: list[sympy.Symbol],
                  coords: list[Coordinate], box: Box) -> list[str]:
    """Why the recorded faces do not close the piece's closed faces (empty: they do)."""
    wanted = faces(expr, symbols, coords, box)
    if [w for w, _ in wanted] != [w for w, _ in recorded]:
        return ["the recorded faces are not the piece's closed ends"]
    out = []
    for (what, (margin, fsy, fsc, fbx)), (i, end), (_, proof) in zip(wanted, closed_ends(symbols, coords, box),
                                                                      recorded):
        if proof is None:
            if not continuous_at(expr, symbols, coords, box, i, end):
                out.append(f"the margin is not continuous on {what} again")
        else:
            out += recheck_problem(*proof, margin, fsy, fsc, fbx, what)
    return out
