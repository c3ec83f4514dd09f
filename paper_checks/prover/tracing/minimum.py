"""A margin's kinks that it subtracts, taken apart: the margin as the least of smooth conjuncts.

``A + c |g|`` with ``c < 0`` is ``min(A + c g, A - c g)``, since ``c |g| = c max(g, -g) = min(c g, -c g)``; likewise
``A + c max(u_1, ..., u_k)`` with ``c < 0`` and ``A + c min(u_1, ..., u_k)`` with ``c > 0`` are
``min_i (A + c u_i)``. These are identities wherever the margin is defined, so the margin is ``>= 0`` exactly where
every conjunct is, and each conjunct lacks the kink. A box's Taylor model
(:mod:`~paper_checks.prover.enclosures.taylor_model`) reads a margin such as ``2e-11 - |P(x)/sin x - 1|`` (MetiTarski's
error analyses, Akbarpour & Paulson 2010), whose kink crosses every box around a zero of the error, as the least of
two smooth ones. (Taken apart for the whole piece instead, the conjuncts were each a proof of their own, and 9 of 116
of MetiTarski's problems with ``abs`` that were proved at 3.75 units were no longer.) A kink that the margin adds
(``A + |g|``) is no minimum and is left as it is.
"""
from __future__ import annotations

import sympy

#: the most conjuncts one margin is taken apart into (each is a whole proof of its own)
MOST_CONJUNCTS = 8


def _branches(term: sympy.Expr) -> list[sympy.Expr] | None:
    """``term``'s value as the least of its branches, where it is a number times a kink that it subtracts."""
    c, rest = term.as_coeff_Mul()
    if not c.is_Number or c == 0:
        return None
    if isinstance(rest, sympy.Abs) and c < 0:
        g = rest.args[0]
        return [c * g, -c * g]
    if (isinstance(rest, sympy.Max) and c < 0) or (isinstance(rest, sympy.Min) and c > 0):
        return [c * u for u in rest.args]
    return None


def _split(expr: sympy.Expr) -> list[sympy.Expr] | None:
    """``expr`` as the least of several expressions (one kink of a sum taken apart), or None."""
    if isinstance(expr, sympy.Min):
        return list(expr.args)
    terms = sympy.Add.make_args(expr)
    for i, term in enumerate(terms):
        branches = _branches(term)
        if branches is not None and term.free_symbols:
            rest = sympy.Add(*terms[:i], *terms[i + 1:])
            return [rest + b for b in branches]
    return None


def as_minimum(expr: sympy.Expr) -> list[sympy.Expr]:
    """The conjuncts of ``expr`` (its value is their least): a ``Min``'s arguments, and kinks of sums taken apart
    while there are at most :data:`MOST_CONJUNCTS`; ``[expr]`` where it has none to take apart."""
    out: list[sympy.Expr] = []
    todo = [expr]
    while todo:
        e = todo.pop(0)
        parts = _split(e)
        if parts is None or (not isinstance(e, sympy.Min) and len(out) + len(todo) + len(parts) > MOST_CONJUNCTS):
            out.append(e)
        else:
            todo[:0] = parts
    return out
