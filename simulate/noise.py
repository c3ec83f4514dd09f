"""Label noise: the validated transition matrix, standard noise models, fast label sampling.

Convention (docs/design.md): row-stochastic ``T[i, j] = P(noisy = j | clean = i)``
(Patrini et al. 2017, sec. 2; Zhang & Sabuncu 2018, sec. 3.1 write ``eta_ij``).
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from label_noise_lab.simulate.engine.namespace import is_host, to_host
from label_noise_lab.simulate.engine.rng import check_generator
from label_noise_lab.simulate.losses import check_values
from label_noise_lab.simulate.populations import FiniteDistribution
from label_noise_lab.theory.validators import check_classes, check_int, quoted, real_number

ROW_TOL = 1e-9  # |sum_j T[i, j] - 1| allowed, in float64
#: the most classes of a transition matrix built here: c x c float64 entries (800 MB at 10**4) and alias tables
#: built in a Python loop over them; a larger c (10**400) is a one-line ValueError, not an OverflowError of NumPy
MAX_CLASSES = 10**4
MAX_COND = 1e8  # condition number above which an inverse is refused


class TransitionMatrix:
    """A validated row-stochastic noise transition matrix.

    Parameters
    ----------
    matrix : array_like, shape (c, c)
        ``T[i, j] = P(noisy = j | clean = i)`` (``orientation="row"``), or its transpose
        (``orientation="column"``, the column-stochastic form some libraries use).
    orientation : {"row", "column"}
    tol : float
        Largest allowed deviation of a row sum from 1. Nothing is renormalised.

    Raises
    ------
    ValueError
        For a non-square or 1x1 matrix, NaN or infinite entries, negative entries, or a
        row (column) whose sum differs from 1 by more than ``tol``; the message quotes it.
    """

    __slots__ = ("_T", "_alias", "_dev")

    def __init__(self, matrix: Any, orientation: str = "row", tol: float = ROW_TOL) -> None:
        if orientation not in ("row", "column"):
            raise ValueError(f"orientation must be 'row' or 'column', got {orientation!r}")
        if isinstance(tol, bool) or not isinstance(tol, (int, float, np.integer, np.floating)) \
                or not 0 <= tol < 1:  # compared exactly: float(10**400) overflows (NaN compares false)
            raise ValueError(f"tol must be a number in [0, 1), got {quoted(tol)}")
        T = _real_array(matrix)
        if T.ndim != 2 or T.shape[0] != T.shape[1]:
            raise ValueError(f"a transition matrix must be square, got shape {T.shape}")
        if T.shape[0] < 2:
            raise ValueError(f"a transition matrix needs c >= 2 classes, got c = {T.shape[0]}")
        if orientation == "column":
            T = T.T.copy()
        if not np.all(np.isfinite(T)):
            i, j = np.argwhere(~np.isfinite(T))[0]
            raise ValueError(f"transition matrix has a non-finite entry T[{i}, {j}] = {float(T[i, j])}")
        if np.any(T < 0):
            i, j = np.argwhere(T < 0)[0]
            raise ValueError(f"transition matrix has a negative entry T[{i}, {j}] = {float(T[i, j])!r}")
        sums = T.sum(axis=1)
        bad = np.flatnonzero(np.abs(sums - 1.0) > tol)
        if bad.size:
            i = int(bad[0])
            what = "row" if orientation == "row" else "column"
            raise ValueError(
                f"transition matrix {what} {i} sums to {float(sums[i])!r}, not 1 (tolerance {tol}): "
                f"{np.array2string(T[i], precision=6)}"
            )
        T.setflags(write=False)
        self._T = T
        self._alias: tuple[np.ndarray, np.ndarray] | None = None
        self._dev: dict[Any, tuple[Any, Any]] = {}

    @property
    def matrix(self) -> np.ndarray:
        """The read-only row-stochastic array, shape (c, c)."""
        return self._T

    @property
    def c(self) -> int:
        return int(self._T.shape[0])

    def __repr__(self) -> str:
        return f"TransitionMatrix({np.array2string(self._T, precision=4)})"

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        return self._T.astype(dtype) if dtype is not None else self._T

    @property
    def cond(self) -> float:
        """2-norm condition number (``inf`` when singular)."""
        return float(np.linalg.cond(self._T))

    @property
    def det(self) -> float:
        return float(np.linalg.det(self._T))

    def inverse(self, max_cond: float = MAX_COND) -> np.ndarray:
        """``T^-1``, refused when ``cond(T) > max_cond`` (the message quotes it).

        Backward correction (Patrini et al. 2017, Thm 1) needs it; see
        :meth:`mixed` for the remedy of their sec. 4.1.
        """
        if isinstance(max_cond, bool) or not isinstance(max_cond, (int, float, np.integer, np.floating)) \
                or not float(max_cond) >= 1.0:  # NaN fails this too
            raise ValueError(f"max_cond must be a number >= 1 (a condition number), got {max_cond!r}")
        k = self.cond
        if not np.isfinite(k) or k > max_cond:
            raise ValueError(
                f"transition matrix is singular or badly conditioned (cond = {k:.3g} > {max_cond:.3g}); "
                "mix it with the identity (TransitionMatrix.mixed) or raise max_cond"
            )
        return np.linalg.inv(self._T)

    def mixed(self, weight: float) -> "TransitionMatrix":
        """``(1 - weight) T + weight I``: better conditioned, still stochastic."""
        if not 0.0 <= weight <= 1.0:
            raise ValueError(f"mixing weight must lie in [0, 1], got {weight!r}")
        return TransitionMatrix((1 - weight) * self._T + weight * np.eye(self.c))

    def flip_rates(self) -> np.ndarray:
        """``eta_i = 1 - T[i, i]``, the probability that a label of class ``i`` is changed."""
        return 1.0 - np.diag(self._T)

    def alias_tables(self) -> tuple[np.ndarray, np.ndarray]:
        """Walker/Vose alias tables ``(prob, alias)``, each (c, c), one per row (cached)."""
        if self._alias is None:
            self._alias = _alias_tables(self._T)
        return self._alias

    def device_alias_tables(self, xp: Any) -> tuple[Any, Any]:
        """The flattened alias tables ``(prob, alias)`` in namespace ``xp``: built once per ``T``, uploaded
        once per namespace (cached), not once per chunk."""
        if xp not in self._dev:
            prob, alias = self.alias_tables()
            self._dev[xp] = (xp.asarray(prob.ravel()), xp.asarray(alias.ravel()))
        return self._dev[xp]


def _real_array(matrix: Any) -> np.ndarray:
    """``matrix`` as a float64 array; ``ValueError`` for complex or non-numeric entries (nothing is dropped)."""
    raw = np.asarray(to_host(matrix))
    if raw.dtype.kind == "c":
        raise ValueError(f"transition matrix entries must be real numbers, got complex dtype {raw.dtype}: "
                         f"{np.array2string(raw, precision=4)}")
    try:
        return np.array(raw, dtype=float)
    except (TypeError, ValueError, OverflowError) as exc:  # OverflowError: an int entry beyond the floats
        raise ValueError(f"transition matrix entries must be real numbers, got {raw.tolist()!r:.200} ({exc})") from None


def _alias_tables(T: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    c = T.shape[0]
    prob = np.ones((c, c))
    alias = np.tile(np.arange(c), (c, 1))
    for r in range(c):
        scaled = T[r] * c
        small = [i for i in range(c) if scaled[i] < 1.0]
        large = [i for i in range(c) if scaled[i] >= 1.0]
        while small and large:
            s, g = small.pop(), large.pop()
            prob[r, s] = scaled[s]
            alias[r, s] = g
            scaled[g] = scaled[g] + scaled[s] - 1.0
            (small if scaled[g] < 1.0 else large).append(g)
        for i in small + large:  # leftovers are 1 up to rounding
            prob[r, i] = 1.0
    return prob, alias


def as_transition(T: Any) -> TransitionMatrix:
    """``T`` as a validated :class:`TransitionMatrix` (square, row-stochastic; the message quotes a bad row)."""
    return T if isinstance(T, TransitionMatrix) else TransitionMatrix(T)


def check_transition(T: Any, c: int, what: str = "the inputs have") -> TransitionMatrix:
    """``T`` itself when it is a :class:`TransitionMatrix` for ``c`` classes; ``TypeError``/``ValueError`` otherwise."""
    if not isinstance(T, TransitionMatrix):
        raise TypeError(f"T must be a TransitionMatrix, got {type(T).__name__}")
    if T.c != c:
        raise ValueError(f"T is {T.c} x {T.c} but {what} c = {c} classes")
    return T


def _matrix_classes(c: Any, who: str = "") -> int:
    """The number of classes of a matrix built here: an integer from 2 to :data:`MAX_CLASSES`; ``who`` (the
    function's name) begins the one-line ``ValueError`` otherwise."""
    try:
        c = check_classes(c)
    except ValueError as exc:
        raise ValueError(f"{who}{exc}") from None
    if c > MAX_CLASSES:
        raise ValueError(f"{who}the number of classes c must be at most {MAX_CLASSES} for a c x c transition "
                         f"matrix, got {quoted(c)}")
    return c


def uniform_noise(c: int, eta: float) -> TransitionMatrix:
    """Uniform (symmetric) noise: ``T = (1 - eta) I + eta/(c-1) (J - I)``.

    Zhang & Sabuncu 2018, sec. 3.1. ``eta`` in ``[0, 1]``; beyond ``(c-1)/c`` the noise
    is more likely to pick a given wrong class than the true one.
    """
    _matrix_classes(c, "uniform_noise: ")
    eta = _check_eta(eta, "uniform_noise: ")
    T = np.full((c, c), eta / (c - 1))
    np.fill_diagonal(T, 1.0 - eta)
    return TransitionMatrix(T)


def pair_flip(c: int, eta: float) -> TransitionMatrix:
    """Pair-flip noise: class ``i`` goes to ``i + 1 (mod c)`` with probability ``eta``."""
    _matrix_classes(c, "pair_flip: ")
    eta = _check_eta(eta, "pair_flip: ")
    T = (1.0 - eta) * np.eye(c)
    T[np.arange(c), (np.arange(c) + 1) % c] += eta
    return TransitionMatrix(T)


def random_transition(c: int, rng: np.random.Generator, diag: float | None = None,
                      concentration: float = 1.0) -> TransitionMatrix:
    """A random row-stochastic matrix: Dirichlet rows, optionally with fixed diagonal ``diag``."""
    _matrix_classes(c, "random_transition: "), check_generator(rng)
    if isinstance(concentration, bool) or not isinstance(concentration, (int, float, np.integer, np.floating)) \
            or not (math.isfinite(float(concentration)) and float(concentration) > 0):
        raise ValueError(f"concentration (of the Dirichlet rows) must be a finite number > 0, got {concentration!r}")
    rows = rng.dirichlet(np.full(c, float(concentration)), size=c)
    if diag is not None:
        if not 0.0 <= diag <= 1.0:
            raise ValueError(f"diag must lie in [0, 1], got {diag!r}")
        off = rows.copy()
        np.fill_diagonal(off, 0.0)
        off = off / off.sum(axis=1, keepdims=True) * (1.0 - diag)
        np.fill_diagonal(off, diag)
        rows = off
    return TransitionMatrix(rows)


def sample_noisy_labels(labels: Any, T: TransitionMatrix, rng: Any, xp: Any = np, chunk: int | None = None) -> Any:
    """Draw ``noisy[n] ~ T[labels[n], :]`` with one uniform per label (Walker's alias method).

    Works unchanged on CuPy (its ``Generator`` has no ``choice``/``multinomial``).
    ``labels`` is an integer array in ``xp``; out-of-range labels raise. On NumPy the work
    runs in cache-sized chunks (``chunk``, default 2**16), which is several times faster
    than whole-array passes over fresh 80 MB buffers; the draws are the same either way
    up to the chunking of the uniform stream.
    """
    if not isinstance(T, TransitionMatrix):
        raise TypeError(f"T must be a TransitionMatrix, got {type(T).__name__}")
    labels = xp.asarray(labels)
    if not xp.isdtype(labels.dtype, "integral"):
        raise ValueError(f"labels must be integers, got dtype {labels.dtype}")
    check_values(xp, labels=labels, c=T.c)  # one sync; none inside losses.inputs_checked()
    prob_flat, alias_flat = T.device_alias_tables(xp)
    c = T.c
    check_generator(rng)
    chunk = (1 << 16 if is_host(xp) else 1 << 24) if chunk is None else check_int("chunk", chunk, 1)
    flat_labels = xp.reshape(labels, (-1,))
    if flat_labels.dtype != xp.int64:
        flat_labels = xp.astype(flat_labels, xp.int64)
    n = int(flat_labels.shape[0])
    if not is_host(xp):
        return xp.reshape(_alias_draws(flat_labels, prob_flat, alias_flat, c, rng, xp, chunk), labels.shape)
    out = xp.empty((n,), dtype=xp.int64)
    m0 = min(chunk, max(n, 1))
    # buffers reused across chunks: fresh whole-array temporaries cost more in page faults
    u_buf, col_buf, idx_buf = xp.empty(m0), xp.empty(m0, dtype=xp.int64), xp.empty(m0, dtype=xp.int64)
    p_buf, keep_buf = xp.empty(m0), xp.empty(m0, dtype=bool)
    for s in range(0, n, chunk):
        y = flat_labels[s : s + chunk]
        m = int(y.size)
        u, col, idx, pk, keep = u_buf[:m], col_buf[:m], idx_buf[:m], p_buf[:m], keep_buf[:m]
        if is_host(xp):
            rng.random(out=u)
        else:
            u[...] = rng.random(m)
        u *= c
        xp.copyto(col, u, casting="unsafe")  # floor, as u >= 0
        xp.minimum(col, c - 1, out=col)  # u * c can round up to c
        u -= col  # the fractional part: uniform on [0, 1) given col
        xp.multiply(y, c, out=idx)
        idx += col
        xp.take(prob_flat, idx, out=pk)
        xp.less(u, pk, out=keep)
        o = out[s : s + m]
        xp.take(alias_flat, idx, out=o)
        xp.copyto(o, col, where=keep)
    return out.reshape(labels.shape)


def _alias_draws(y: Any, prob_flat: Any, alias_flat: Any, c: int, rng: Any, xp: Any, chunk: int) -> Any:
    """:func:`sample_noisy_labels`' alias draws for flat int64 labels ``y`` in any namespace of the array API
    standard: the same arithmetic as the host's buffered loop above, with fresh arrays instead of ``out=``
    (which the standard does not have), so the same uniforms give the same labels."""
    parts = []
    n = int(y.shape[0])
    for s in range(0, n, chunk):
        yk = y[s : min(s + chunk, n)]  # the standard leaves out-of-bounds slice ends unspecified
        u = rng.random(int(yk.shape[0])) * c
        col = xp.minimum(xp.astype(u, xp.int64), c - 1)  # floor, as u >= 0; u * c can round up to c
        idx = yk * c + col
        keep = (u - xp.astype(col, u.dtype)) < xp.take(prob_flat, idx)
        parts.append(xp.where(keep, col, xp.take(alias_flat, idx)))
    return xp.concat(parts) if len(parts) != 1 else parts[0] if parts else xp.zeros((0,), dtype=xp.int64)


def sample_count_table(class_counts: Any, T: TransitionMatrix, rng: np.random.Generator) -> np.ndarray:
    """``counts[i, j]`` = number of the ``class_counts[i]`` samples of class ``i`` noised to ``j``.

    Each row is ``Multinomial(class_counts[i], T[i])``, drawn on the host by conditional
    binomials (counts tables are small, so no device is needed).
    """
    check_generator(rng)
    n = np.asarray(class_counts)
    if n.shape != (T.c,) or n.dtype.kind not in "iuf" or not np.all(np.isfinite(n)) or np.any(n < 0) \
            or np.any(n != np.floor(n)):
        raise ValueError(f"class_counts must be {T.c} non-negative integers, got {class_counts!r}")
    n = n.astype(np.int64)
    out = np.zeros((T.c, T.c), dtype=np.int64)
    for i in range(T.c):
        left = int(n[i])
        mass = 1.0
        for j in range(T.c - 1):
            p = T.matrix[i, j] / mass if mass > 0 else 0.0
            k = int(rng.binomial(left, min(max(p, 0.0), 1.0))) if left else 0
            out[i, j] = k
            left -= k
            mass -= T.matrix[i, j]
        out[i, -1] = left
    return out


# ---------------------------------------------------------------- instance-dependent noise
def noise_per_x(dist: FiniteDistribution, T: Any, Tx: Any) -> np.ndarray:
    """``P(noisy | y, x)`` for every ``x``, shape (n_x, c, c): ``T`` broadcast (class-dependent noise) or ``Tx``
    validated."""
    if (T is None) == (Tx is None):
        raise ValueError("give exactly one of T (class-dependent noise) and Tx (noise that depends on x)")
    if T is not None:
        Tm = as_transition(T)
        if Tm.c != dist.c:
            raise ValueError(f"T is {Tm.c} x {Tm.c} but the population has c = {dist.c} classes")
        return np.broadcast_to(Tm.matrix, (dist.n_x, dist.c, dist.c))
    A = np.asarray(to_host(Tx), dtype=float)
    if A.shape != (dist.n_x, dist.c, dist.c):
        raise ValueError(f"Tx must have shape (n_x, c, c) = {(dist.n_x, dist.c, dist.c)}, got {A.shape}")
    for x in range(dist.n_x):
        as_transition(A[x])  # validates: quotes the bad row
    return A


def boundary_noise(dist: FiniteDistribution, T: Any, strength: float = 1.0) -> tuple[np.ndarray, float]:
    """Noise that flips labels more often near the class boundary, with the same class-average ``T``.

    ``P(noisy = k | y, x) = w_y(x) T[y, k]`` for ``k != y`` and ``1 - w_y(x) eta_y`` for ``k = y``, with
    ``eta_y = 1 - T[y, y]`` and ``w_y(x) = 1 - lam + lam b(x) / E[b(X) | Y = y]``, ``b(x) = 1 - max_k p(k|x)``
    (0 far from the boundary). ``E[w_y(X) | Y = y] = 1``, so ``E[P(noisy | Y, X) | Y = y] = T[y]`` exactly:
    the noise has the average transition ``T`` but is not independent of ``x`` given ``y`` (setting (i) of
    the question in Li's notes on Xu et al. 2019).

    Parameters
    ----------
    dist : the population
    T : the average transition
    strength : ``lam`` in ``[0, 1]``, lowered where needed to keep every ``w_y(x) eta_y <= 1``

    Returns
    -------
    Tx : (n_x, c, c)
    lam : the strength used
    """
    Tm = as_transition(T)
    if Tm.c != dist.c:
        raise ValueError(f"T is {Tm.c} x {Tm.c} but the population has c = {dist.c} classes")
    if not 0.0 <= strength <= 1.0:
        raise ValueError(f"strength must lie in [0, 1], got {strength!r}")
    b = 1.0 - dist.py_x.max(axis=1)
    pxy = dist.px[:, None] * dist.py_x  # (n_x, c)
    py = pxy.sum(axis=0)
    Eb = (pxy * b[:, None]).sum(axis=0) / np.where(py > 0, py, 1.0)
    eta = Tm.flip_rates()
    lam = float(strength)
    ratio = b[:, None] / np.where(Eb > 0, Eb, 1.0)  # (n_x, c)
    for y in range(dist.c):
        if eta[y] > 0 and Eb[y] > 0:
            top = float(ratio[pxy[:, y] > 0, y].max())
            if top > 1.0:
                lam = min(lam, (1.0 / eta[y] - 1.0) / (top - 1.0))
    w = 1.0 - lam + lam * np.where(Eb[None, :] > 0, ratio, 1.0)  # (n_x, c)
    Tx = w[:, :, None] * Tm.matrix[None, :, :]
    idx = np.arange(dist.c)
    Tx[:, idx, idx] = 1.0 - w * eta[None, :]
    return Tx, lam


def average_transition(dist: FiniteDistribution, Tx: Any) -> np.ndarray:
    """``T[y, k] = sum_x p(x | y) Tx[x, y, k]``: the class-average of an ``x``-dependent noise."""
    A = noise_per_x(dist, None, Tx)
    pxy = dist.px[:, None] * dist.py_x
    py = pxy.sum(axis=0)
    return np.einsum("xy,xyk->yk", pxy, A) / py[:, None]


# ---------------------------------------------------------------- Patrini et al. 2017, sec. 5.1
MNIST_FLIPS: tuple[tuple[int, int], ...] = ((2, 7), (3, 8), (5, 6), (6, 5), (7, 1))
"""Patrini et al. 2017 sec. 5.1: digits 2 -> 7, 3 -> 8, 5 <-> 6, 7 -> 1."""

CIFAR10_CLASSES: tuple[str, ...] = ("airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse",
                                    "ship", "truck")
"""The standard CIFAR-10 class indices."""

CIFAR10_FLIPS: tuple[tuple[int, int], ...] = ((9, 1), (2, 0), (4, 7), (3, 5), (5, 3))
"""Patrini et al. 2017, sec. 5.1: TRUCK -> AUTOMOBILE, BIRD -> AIRPLANE, DEER -> HORSE, CAT <-> DOG."""


def _check_rate(N: float) -> float:
    if isinstance(N, bool) or not isinstance(N, (int, float, np.integer, np.floating)) or not 0 <= N <= 1:
        raise ValueError(f"flip rate N must be a number in [0, 1], got {quoted(N)}")
    return float(N)


def _check_eta(eta: Any, who: str = "") -> float:
    """``eta`` read by the doors' one rule (:func:`label_noise_lab.theory.validators.real_number`: a ``Decimal`` is its
    exact
    ``Fraction``, NaN of any type a ``ValueError``) when it lies in ``[0, 1]`` (compared exactly: ``10**400`` is
    refused, not an ``OverflowError``), as a float, the type of the matrix built from it; a one-line
    ``ValueError`` for NaN, strings, complex numbers and anything outside."""
    try:
        v = real_number("noise rate eta", eta)
        ok = bool(0 <= v <= 1)
    except (TypeError, ValueError):
        ok = False
    if not ok:
        raise ValueError(f"{who}noise rate eta must be a number in [0, 1], got {quoted(eta)}")
    return float(v)


def flip_transition(c: int, flips: tuple[tuple[int, int], ...], N: float) -> TransitionMatrix:
    """``T = I`` except, for each flip ``(a, b)``, ``T[a, a] = 1 - N`` and ``T[a, b] = N``.

    The parametrisation of Patrini et al. 2017 sec. 5.1: "ground truth and wrong
    class have probability respectively of 1 - N, N".

    Parameters
    ----------
    c : number of classes
    flips : pairs ``(source, target)`` of distinct classes, at most one per source
    N : flip rate in ``[0, 1]``

    Raises
    ------
    ValueError
        For ``N`` outside ``[0, 1]`` (or not a number), a class outside ``[0, c)``, a self-flip,
        or two flips out of one class; the message quotes the value.
    """
    check_classes(c)
    N = _check_rate(N)
    sources = [a for a, _ in flips]
    if len(set(sources)) != len(sources):
        raise ValueError(f"each class may flip to one other class only, got flips {flips}")
    T = np.eye(c)
    for a, b in flips:
        if not (0 <= a < c and 0 <= b < c) or a == b:
            raise ValueError(f"flip ({a}, {b}) is not between two distinct classes of 0..{c - 1}")
        T[a, a] = 1.0 - N
        T[a, b] = N
    return TransitionMatrix(T)


def mnist_flips(N: float) -> TransitionMatrix:
    """MNIST noise of Patrini et al. 2017 sec. 5.1 / Eq. 17 (left): c = 10,
    2 -> 7, 3 -> 8, 5 <-> 6, 7 -> 1, each with probability ``N``.

    ``det T = (1 - N)^3 (1 - 2N)``: singular at ``N = 1/2`` (the 5 <-> 6 block) and ``N = 1``.
    """
    return flip_transition(10, MNIST_FLIPS, N)


def cifar10_flips(N: float) -> TransitionMatrix:
    """CIFAR-10 noise of Patrini et al. 2017, sec. 5.1: TRUCK -> AUTOMOBILE (9 -> 1), BIRD -> AIRPLANE
    (2 -> 0), DEER -> HORSE (4 -> 7), CAT <-> DOG (3 <-> 5), each with probability ``N``.

    Class indices are the standard ones (:data:`CIFAR10_CLASSES`). ``det T = (1 - N)^3 (1 - 2N)``.
    """
    return flip_transition(10, CIFAR10_FLIPS, N)


def cifar100_flips(N: float) -> TransitionMatrix:
    """CIFAR-100 noise of Patrini et al. 2017, sec. 5.1: "the 100 classes are grouped into 20 5-size
    superclasses ... Within super-classes, the noise flips each class into the next, circularly."

    Reading: super-class ``s`` (``s = 0..19``) is the five consecutive classes
    ``5s, ..., 5s + 4``, and class ``5s + k`` goes to ``5s + (k + 1) mod 5`` with probability
    ``N`` (as the widely copied reference implementation builds it). With the dataset's
    alphabetical fine-label indices these are not the semantic super-classes, but any grouping
    gives the same matrix up to one simultaneous permutation of rows and columns, so
    determinant, conditioning and anchors are the same. Each block is ``(1 - N) I + N P`` with
    ``P`` a 5-cycle: ``det = ((1 - N)^5 + N^5)^20 > 0`` for every ``N`` in ``[0, 1]``.
    """
    flips = tuple((5 * s + k, 5 * s + (k + 1) % 5) for s in range(20) for k in range(5))
    return flip_transition(100, flips, N)
