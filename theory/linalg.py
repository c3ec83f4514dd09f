"""Matrix identities for a symbolic size ``c`` (SymPy matrix expressions, no entries).

They carry the general-``c`` step of Patrini et al. 2017, Thm 1 (``p^T T T^-1 l = p^T l``) and of
the DMI identities of Xu et al. 2019 (``det(Q T) = det Q det T``, ``det(Q^T) = det Q``), where the
explicit expansions for c = 2, 3, 4 are only cross-checks.
"""
from __future__ import annotations

import sympy


def matrix_identities_every_c() -> dict[str, bool]:
    """Identities of c x c matrices for a symbolic size ``c`` (SymPy matrix expressions, no entries):
    ``p^T T T^-1 l = p^T l`` (invertible ``T``), ``det(Q T) = det Q det T``, ``det(Q^T) = det Q``."""
    c = sympy.Symbol("c", integer=True, positive=True)
    T, Q = sympy.MatrixSymbol("T", c, c), sympy.MatrixSymbol("Q", c, c)
    p, loss = sympy.MatrixSymbol("p", c, 1), sympy.MatrixSymbol("l", c, 1)
    return {"p^T T T^-1 l = p^T l": sympy.simplify((p.T * T * T.I * loss).doit() - p.T * loss) == sympy.ZeroMatrix(1, 1)
            or (p.T * T * T.I * loss).doit() == p.T * loss,
            "det(Q T) = det Q det T": sympy.simplify(sympy.det(Q * T) - sympy.det(Q) * sympy.det(T)) == 0,
            "det(Q^T) = det Q": sympy.simplify(sympy.det(Q.T) - sympy.det(Q)) == 0}
