"""Matrix identities for a symbolic size ``c`` (SymPy matrix expressions, no entries).

They carry the general-``c`` step of Patrini et al. 2017, Thm 1 (``p^T T T^-1 l = p^T l``) and of
the DMI identities of Xu et al. 2019 (``det(Q T) = det Q det T``, ``det(Q^T) = det Q``), where the
explicit expansions for c = 2, 3, 4 are only cross-checks.
"""
from __future__ import annotations

import sympy


def matrix_identities_every_c() -> dict[str, bool]:
    """Identities of c x c matrices for a symbolic size ``c`` (SymPy matrix expressions, no entries):
    ``p^T T T^-1 l = p^T l`` (invertible ``T``), ``det(Q T) = det Q det T``, ``det(Q^T) = det Q``.

    References
    ----------
    .. [1] G. Patrini, A. Rozza, A. K. Menon, R. Nock and L. Qu, "Making Deep Neural Networks Robust to Label
       Noise: a Loss Correction Approach", CVPR 2017, sec. 4.1, Thm 1 and its proof.
    .. [2] S. Li, "Robust Losses", study notes on Ghosh et al. 2017, Zhang & Sabuncu 2018, Wang et al. (IMAE),
       Wang et al. 2019 (SCE) and Xu et al. 2019 (L_DMI), Eqs. 28 and 32 (the relative invariance of DMI).

    Examples
    --------
    >>> from label_noise_lab.theory.linalg import matrix_identities_every_c
    >>> matrix_identities_every_c()
    {'p^T T T^-1 l = p^T l': True, 'det(Q T) = det Q det T': True, 'det(Q^T) = det Q': True}
    """
    c = sympy.Symbol("c", integer=True, positive=True)
    T, Q = sympy.MatrixSymbol("T", c, c), sympy.MatrixSymbol("Q", c, c)
    p, loss = sympy.MatrixSymbol("p", c, 1), sympy.MatrixSymbol("l", c, 1)
    return {"p^T T T^-1 l = p^T l": sympy.simplify((p.T * T * T.I * loss).doit() - p.T * loss) == sympy.ZeroMatrix(1, 1)
            or (p.T * T * T.I * loss).doit() == p.T * loss,
            "det(Q T) = det Q det T": sympy.simplify(sympy.det(Q * T) - sympy.det(Q) * sympy.det(T)) == 0,
            "det(Q^T) = det Q": sympy.simplify(sympy.det(Q.T) - sympy.det(Q)) == 0}
