"""Transition matrices in symbols: a generic row-stochastic ``T`` and the check of a square ``T``.

Convention (docs/design.md): row-stochastic ``T[i, j] = P(noisy = j | clean = i)``.
"""
from __future__ import annotations

import sympy

from label_noise_lab.theory.simplex import check_classes


def generic_transition(c: int, name: str = "t") -> tuple[sympy.Matrix, list[sympy.Symbol]]:
    """A symbolic row-stochastic ``c x c`` matrix: ``T[i, j] = t_ij`` for ``j < c - 1``,
    ``T[i, c-1] = 1 - sum_j t_ij``.

    Returns
    -------
    T : sympy.Matrix, shape (c, c), every row summing to 1 identically
    symbols : the ``c (c - 1)`` free entries

    References
    ----------
    .. [1] G. Patrini, A. Rozza, A. K. Menon, R. Nock and L. Qu, "Making Deep Neural Networks Robust to Label
       Noise: a Loss Correction Approach", CVPR 2017, sec. 4 (its opening paragraph: the row-stochastic noise matrix T).

    Examples
    --------
    >>> from label_noise_lab.theory.transition import generic_transition
    >>> T, free = generic_transition(2)
    >>> T
    Matrix([
    [t0_0, 1 - t0_0],
    [t1_0, 1 - t1_0]])
    >>> free
    [t0_0, t1_0]
    """
    c = check_classes(c)
    rows, syms = [], []
    for i in range(c):
        r = list(sympy.symbols(f"{name}{i}_0:{c - 1}"))
        syms += r
        rows.append([*r, 1 - sum(r)])
    return sympy.Matrix(rows), syms


def check_square(T: sympy.Matrix, c: int | None = None) -> int:
    """The size of ``T``; ``ValueError`` unless it is a square SymPy matrix of size ``>= 2`` (and ``c`` when given)
    whose numeric entries are real."""
    if not isinstance(T, sympy.MatrixBase) or T.rows != T.cols or T.rows < 2:
        raise ValueError(f"T must be a square SymPy matrix with c >= 2, got {getattr(T, 'shape', T)!r}")
    if c is not None and T.rows != c:
        raise ValueError(f"T is {T.rows} x {T.rows} but c = {c}")
    check_real_entries(T)
    return int(T.rows)


def check_real_entries(T: sympy.MatrixBase, name: str = "T") -> None:
    """``ValueError`` quoting the first entry of ``T`` that is a number but not a real one (``1 + I``);
    symbols pass (a probability is real, but a symbol's range is the caller's to state)."""
    for (i, j), v in T.todok().items():
        if v.is_number and v.is_real is not True:
            raise ValueError(f"{name} must have real entries, got {name}[{i}, {j}] = {v}")


def check_stochastic(T: sympy.MatrixBase, name: str = "T", *, symbolic_rows: bool = True,
                     real_entries: bool = True) -> None:
    """The rules of a row-stochastic ``T`` (``T[i, j] = P(noisy = j | clean = i)``, Patrini et al. 2017, sec. 4),
    in one place: every entry finite and real, no numeric entry negative, every row summing to exactly 1.

    A row whose sum is symbolic and does not simplify to 1 passes where ``symbolic_rows`` (its range is the
    caller's to state, as in :func:`check_real_entries`) and is refused otherwise. ``real_entries=False`` makes
    the realness test structural (SymPy's ``is_real`` on a large unevaluated entry, as the search's exact
    verification builds them, expands it for minutes). ``ValueError`` quoting the entry or the row.

    References
    ----------
    .. [1] G. Patrini, A. Rozza, A. K. Menon, R. Nock and L. Qu, "Making Deep Neural Networks Robust to Label
       Noise: a Loss Correction Approach", CVPR 2017, sec. 4 (its opening paragraph: T, row-stochastic).
    """
    for (i, j), v in T.todok().items():
        if v.has(sympy.nan, sympy.oo, -sympy.oo):
            raise ValueError(f"{name} must have finite entries, got {name}[{i}, {j}] = {v} (not finite)")
    if real_entries:
        check_real_entries(T, name)
    else:  # structurally only: an entry holding I (1 + I, sqrt(-2) = sqrt(2) I)
        for (i, j), v in T.todok().items():
            if v.is_number and v.has(sympy.I):
                raise ValueError(f"{name} must have real entries, got {name}[{i}, {j}] = {v}")
    for (i, j), v in T.todok().items():
        if v.is_number and v < 0:
            raise ValueError(f"{name} must be row-stochastic; entry [{i}, {j}] is negative: {v}")
    for i in range(T.rows):
        with sympy.evaluate(True):  # an unevaluated build (the search's exact verification) sums exactly here too
            s = sympy.Add(*T.row(i)).doit()
        off = s != 1 if s.is_Rational else sympy.simplify(s - 1) != 0
        if (s.is_number or not symbolic_rows) and off:
            raise ValueError(f"{name} must be row-stochastic; row {i} sums to {s}, not 1: {list(T.row(i))}")
