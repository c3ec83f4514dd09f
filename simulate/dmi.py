"""Determinant-based mutual information from samples (Xu, Cao, Kong & Wang 2019, via Li's notes ``003``).

Notation of ``003`` (the L_DMI summary, Eqs. 21-32): a classifier ``h`` maps ``x`` to a point of
the simplex (a *randomized* classifier, ``h(x)_a = Pr[h(x) = a]``); the joint table of its
output with a label ``L`` is ``Q_{h,L}[a, k] = E[h(X)_a 1{L = k}]``, estimated from ``n`` samples by
``sum_i h(x_i) e_{l_i}^T / n`` (counts for a deterministic classifier);
``DMI(h, L) = |det Q_{h,L}|`` (Eq. 27), ``L_DMI = -log DMI`` (Eq. 31); Eq. 32 says
``DMI(h, noisy) = DMI(h, Y) |det T|`` when the noise depends on the class only.

Standard errors are by the **delta method**: ``det`` of the sample table ``Q = mean_i Z_i`` (``Z_i =
h(x_i) e_{l_i}^T``) is linearised as ``det Q + <G, Q_hat - Q>`` with the cofactor matrix ``G``, so
its variance is ``Var(psi)/n`` with ``psi_i = <G, Z_i> = (h(x_i) G)_{l_i}``; likewise ``G = Q^{-T}``
for ``log|det|`` and ``G = log(Q / (q_h q_L))`` for Shannon MI. ``tests/simulate/test_dmi.py``
checks the delta-method variance against the exact variance of the estimator, enumerated over
all multinomial outcomes.

The estimator's mean is known exactly: because a column of ``Z_i`` is non-zero for one label
only, ``E[det Q_hat] = (n)_c / n^c det Q`` (:func:`det_bias_factor`; ``(n)_c`` the falling
factorial) for i.i.d. samples and any randomized ``h``, and ``det Q_hat = 0`` always when
``n < c`` (``Q_hat`` then has rank at most ``n``). Signed determinants are therefore corrected by
this factor, which makes them exactly unbiased.

Array work runs in the namespace ``xp`` (NumPy or CuPy) of the inputs; joint tables (``c x c``)
and count tables (``n_x x c x c``) are small and live on the host. Every sampler draws with
``random`` and inverse CDFs (``searchsorted``/comparisons) and counts with ``bincount`` (CuPy's
generator has no ``choice``/``multinomial``). Determinants go through ``slogdet``.
"""
from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field
from typing import Any, Sequence

import numpy as np

from simulate.backend import namespace_of, to_host
from simulate.estimate import Estimate, RunningMoments, seed_summary
from simulate.models import Params, backward, forward, init_mlp
from simulate.noise import TransitionMatrix, pair_flip, sample_noisy_labels, uniform_noise
from simulate.populations import FiniteDistribution, gaussian_clusters
from simulate.training import Optimizer, TrainConfig

TABLE_TOL = 1e-9  # |sum of a joint table - 1| allowed, in float64
SIMPLEX_TOL = 1e-6  # |row sum - 1| allowed for classifier outputs


# ---------------------------------------------------------------- validation
def check_joint_table(Q: Any, *, square: bool = True, tol: float = TABLE_TOL) -> np.ndarray:
    """Validate a joint distribution table and return it as a host ``float64`` array.

    Parameters
    ----------
    Q : array_like, shape (c, c) (or (r, c) with ``square=False``)
        ``Q[a, k] = Pr[W1 = a, W2 = k]`` (``003`` Eq. 22), NumPy or CuPy.
    square : bool
        DMI needs a square table (``003`` Eq. 27).
    tol : float
        Largest allowed ``|sum(Q) - 1|``. Nothing is renormalised.

    Raises
    ------
    ValueError
        For a table that is not 2-d, not square (when required), empty, has a NaN, infinite or
        negative entry, or does not sum to 1; the message quotes the value.
    """
    A = np.array(to_host(Q), dtype=float)
    if A.ndim != 2 or A.size == 0:
        raise ValueError(f"a joint table must be a non-empty 2-d array, got shape {A.shape}")
    if square and A.shape[0] != A.shape[1]:
        raise ValueError(f"DMI needs a square joint table (both variables over the same c classes), got shape {A.shape}")
    if not np.all(np.isfinite(A)):
        i, j = np.argwhere(~np.isfinite(A))[0]
        raise ValueError(f"joint table has a non-finite entry Q[{i}, {j}] = {float(A[i, j])!r}")
    if np.any(A < 0):
        i, j = np.argwhere(A < 0)[0]
        raise ValueError(f"joint table has a negative entry Q[{i}, {j}] = {float(A[i, j])!r}")
    s = float(A.sum())
    if abs(s - 1.0) > tol:
        raise ValueError(f"joint table sums to {s:.15g}, not 1 (tolerance {tol})")
    return A


def as_transition(T: Any) -> TransitionMatrix:
    """``T`` as a validated :class:`TransitionMatrix` (square, row-stochastic; the message quotes a bad row)."""
    return T if isinstance(T, TransitionMatrix) else TransitionMatrix(T)


def _check_labels(labels: Any, c: int, xp: Any, name: str = "labels") -> Any:
    labels = xp.asarray(labels)
    if labels.ndim != 1 or labels.dtype.kind not in "iu":
        raise ValueError(f"{name} must be a 1-d integer array, got shape {labels.shape} and dtype {labels.dtype}")
    if labels.size and (int(labels.min()) < 0 or int(labels.max()) >= c):
        raise ValueError(f"{name} must lie in [0, {c - 1}], got range [{int(labels.min())}, {int(labels.max())}]")
    return labels


def _check_outputs(outputs: Any, c: int, xp: Any) -> Any:
    out = xp.asarray(outputs)
    if out.dtype.kind in "iu":
        return _check_labels(out, c, xp, "predicted classes")
    if out.ndim != 2 or out.shape[1] != c:
        raise ValueError(f"classifier outputs must be class indices (n,) or simplex rows (n, {c}), got shape {out.shape}")
    if not bool(xp.all(xp.isfinite(out))):
        raise ValueError("classifier outputs contain NaN or infinite values")
    if bool(xp.any(out < 0)) or bool(xp.any(xp.abs(out.sum(axis=1) - 1.0) > SIMPLEX_TOL)):
        i = int(xp.argmax((out < 0).any(axis=1) | (xp.abs(out.sum(axis=1) - 1.0) > SIMPLEX_TOL)))
        raise ValueError(f"classifier output row {i} is not a point of the simplex: {to_host(out[i]).tolist()}")
    return out


def _check_classes(c: Any) -> int:
    if isinstance(c, bool) or not isinstance(c, (int, np.integer)) or c < 2:
        raise ValueError(f"the number of classes c must be an integer >= 2, got {c!r}")
    return int(c)


# ---------------------------------------------------------------- population quantities
def log_dmi(Q: Any) -> float:
    """``log DMI = log |det Q|`` through ``slogdet`` (no under- or overflow); ``-inf`` when ``det Q = 0``."""
    A = check_joint_table(Q)
    sign, logabs = np.linalg.slogdet(A)
    return -math.inf if sign == 0 else float(logabs)


def dmi(Q: Any) -> float:
    """``DMI = |det Q|`` (``003`` Eq. 27); may underflow to 0 for large ``c``, where :func:`log_dmi` does not."""
    v = log_dmi(Q)
    return 0.0 if v == -math.inf else math.exp(v)


def ldmi(Q: Any) -> float:
    """``L_DMI = -log |det Q|`` (``003`` Eq. 31).

    Returns ``+inf`` (with a ``RuntimeWarning`` that says so) where ``det Q = 0``: a class absent from
    the labels or never predicted, or a table of rank below ``c``.
    """
    v = log_dmi(Q)
    if v == -math.inf:
        warnings.warn("det Q = 0 (the joint table is singular): L_DMI = -log|det Q| = +inf", RuntimeWarning,
                      stacklevel=2)
        return math.inf
    return -v


def mutual_information(Q: Any) -> float:
    """Shannon ``MI`` in nats of a joint table (``003`` Eq. 24), with ``0 log 0 = 0``; the table need not be square."""
    A = check_joint_table(Q, square=False)
    r, s = A.sum(axis=1, keepdims=True), A.sum(axis=0, keepdims=True)
    nz = A > 0
    return float(np.sum(A[nz] * np.log(A[nz] / (r * s)[nz])))


def det_bias_factor(n: int, c: int) -> float:
    """``E[det Q_hat_n] / det Q = (n)_c / n^c = prod_{k<c} (1 - k/n)`` for ``n`` i.i.d. samples (0 for ``n < c``).

    Exact for any randomized classifier: ``det`` is multilinear in the columns of ``Q_hat = sum_i Z_i / n``
    and two columns of one ``Z_i = h(x_i) e_{l_i}^T`` are never both non-zero, so only tuples of distinct
    samples contribute, each with mean ``det Q``.
    """
    c = _check_classes(c)
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"the sample size n must be an integer >= 1, got {n!r}")
    return float(np.prod([1.0 - k / n for k in range(c)]))


def cofactors(Q: np.ndarray) -> np.ndarray:
    """The cofactor matrix ``G[a, k] = (-1)^(a+k) det(Q without row a, column k)`` (the gradient of ``det Q``).

    Computed from minors for ``c <= 6`` or a badly conditioned ``Q`` (so it is right where ``Q`` is singular),
    otherwise as ``det(Q) Q^{-T}`` (``c^2`` minors would cost ``O(c^5)``; ``det`` may underflow to 0 there,
    as :func:`dmi` does, while :func:`log_dmi` and the ``log`` stderr do not).
    """
    Q = np.asarray(Q, dtype=float)
    c = Q.shape[0]
    if c == 1:
        return np.ones((1, 1))
    if c > 6 and np.linalg.cond(Q) < 1e12:
        sign, logabs = np.linalg.slogdet(Q)
        return sign * math.exp(logabs) * np.linalg.inv(Q).T
    G = np.empty_like(Q)
    for a in range(c):
        for k in range(c):
            minor = np.delete(np.delete(Q, a, axis=0), k, axis=1)
            G[a, k] = (-1) ** (a + k) * np.linalg.det(minor)
    return G


# ---------------------------------------------------------------- joint tables from samples
def joint_table(outputs: Any, labels: Any, c: int) -> np.ndarray:
    """``Q_hat[a, k] = sum_i h(x_i)_a 1{l_i = k} / n``: the sample joint table of a classifier and a label.

    Parameters
    ----------
    outputs : int array (n,) of predicted classes, or float array (n, c) of simplex rows ``h(x_i)``
        (a randomized classifier: the expected table over its randomness, ``003`` sec. L_DMI).
    labels : int array (n,) in ``[0, c)``
    c : number of classes

    Returns
    -------
    numpy.ndarray, shape (c, c) (on the host)
    """
    c = _check_classes(c)
    xp = namespace_of(outputs)
    out = _check_outputs(outputs, c, xp)
    lab = _check_labels(labels, c, xp)
    n = int(lab.shape[0])
    if n == 0 or out.shape[0] != n:
        raise ValueError(f"need as many outputs as labels (and at least one), got {out.shape[0]} and {n}")
    if out.ndim == 1:
        counts = xp.bincount(out.astype(xp.int64) * c + lab.astype(xp.int64), minlength=c * c)
        return np.asarray(to_host(counts), dtype=float).reshape(c, c) / n
    cols = [(out * (lab == k)[:, None]).sum(axis=0) for k in range(c)]
    return np.stack([np.asarray(to_host(v), dtype=float) for v in cols], axis=1) / n


def _psi(outputs: Any, labels: Any, G: np.ndarray, xp: Any) -> Any:
    """``psi_i = (h(x_i) G)_{l_i}`` for each sample (``G[pred_i, l_i]`` for class predictions)."""
    Gx = xp.asarray(G)
    if outputs.ndim == 1:
        return Gx[outputs, labels]
    return xp.take_along_axis(outputs @ Gx, labels[:, None].astype(xp.int64), axis=1)[:, 0]


def _sd(values: Any) -> float:
    m = int(values.shape[0])
    return float(to_host(values.std(ddof=1))) if m > 1 else math.inf


@dataclass(frozen=True)
class DMIEstimate:
    """A sample DMI with delta-method standard errors.

    Attributes
    ----------
    table : the sample joint table ``Q_hat`` (c, c)
    det : signed ``det Q_hat / det_bias_factor(n, c)`` (exactly unbiased for ``det Q``), with its stderr
    log_dmi : ``log |det Q_hat|`` with its stderr; ``None`` where ``Q_hat`` is singular
    n : number of samples
    """

    table: np.ndarray
    det: Estimate
    log_dmi: Estimate | None
    n: int

    @property
    def dmi(self) -> Estimate:
        """``|det|`` with the same standard error (valid away from ``det = 0``)."""
        return Estimate(abs(self.det.mean), self.det.stderr, self.n)


def _dmi_from_table(Q: np.ndarray, sd_det: float, sd_log: float | None, n: int) -> DMIEstimate:
    c = Q.shape[0]
    f = det_bias_factor(n, c)
    sign, logabs = np.linalg.slogdet(Q)
    d = float(sign * math.exp(logabs)) if sign != 0 else 0.0
    det = Estimate(d / f, sd_det / math.sqrt(n) / f, n) if f > 0 else Estimate(0.0, 0.0, n)
    log = Estimate(float(logabs), sd_log / math.sqrt(n), n) if sign != 0 and sd_log is not None else None
    return DMIEstimate(Q, det, log, n)


def estimate_dmi(outputs: Any, labels: Any, c: int) -> DMIEstimate:
    """DMI of a classifier's outputs with labels, with delta-method standard errors.

    Parameters
    ----------
    outputs : int (n,) predicted classes or float (n, c) simplex rows, NumPy or CuPy
    labels : int (n,)
    c : number of classes

    Raises
    ------
    ValueError
        For ``n < c`` (then ``det Q_hat = 0`` for every sample: nothing to estimate), bad outputs or labels.
    """
    c = _check_classes(c)
    xp = namespace_of(outputs)
    out, lab = _check_outputs(outputs, c, xp), _check_labels(labels, c, xp)
    n = int(lab.shape[0])
    if n < c:
        raise ValueError(f"n = {n} samples < c = {c} classes: the sample table has rank <= n < c, so det Q_hat = 0 "
                         "for every sample; DMI cannot be estimated")
    Q = joint_table(out, lab, c)
    sd_det = _sd(_psi(out, lab, cofactors(Q), xp))
    sign, _ = np.linalg.slogdet(Q)
    sd_log = _sd(_psi(out, lab, np.linalg.inv(Q).T, xp)) if sign != 0 else None
    if sign == 0:
        warnings.warn(f"the sample joint table is singular (n = {n}): log DMI and L_DMI are not finite", RuntimeWarning,
                      stacklevel=2)
    return _dmi_from_table(Q, sd_det, sd_log, n)


def estimate_mi(outputs: Any, labels: Any, c: int) -> Estimate:
    """Plug-in Shannon MI (nats) of outputs and labels with a delta-method standard error.

    ``psi_i = (h(x_i) log(Q / (q_h q_L)))_{l_i}``; the delta method degenerates where MI = 0 (then
    the estimator is ``chi^2``-like, and its stderr is reported as 0).
    """
    c = _check_classes(c)
    xp = namespace_of(outputs)
    out, lab = _check_outputs(outputs, c, xp), _check_labels(labels, c, xp)
    Q = joint_table(out, lab, c)
    r, s = Q.sum(axis=1, keepdims=True), Q.sum(axis=0, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        L = np.where(Q > 0, np.log(Q / (r * s)), 0.0)
    n = int(lab.shape[0])
    return Estimate(mutual_information(Q), _sd(_psi(out, lab, L, xp)) / math.sqrt(n), n)


# ---------------------------------------------------------------- Eq. 32 on samples
@dataclass(frozen=True)
class Eq32Gap:
    """``D = s (det Q_{h,noisy} - det(T) det Q_{h,Y})`` on one sample (Eq. 32 says ``D = 0``).

    ``s = sign(det T det Q_{h,Y})`` orients ``D``: ``D > 0`` means ``DMI(h, noisy)`` exceeds
    ``DMI(h, Y) |det T|`` (away from ``det = 0``; L_DMI is blind to a permutation of ``h``'s classes, which
    flips the sign of ``det``). Both determinants are divided by :func:`det_bias_factor`, so when ``h`` is
    independent of the sample and the noise depends on the class only, the unoriented difference has
    mean 0 exactly at every ``n``.

    Attributes
    ----------
    gap : ``D`` with a paired delta-method standard error
    noisy, clean : the two DMI estimates
    det_T : ``det T``
    """

    gap: Estimate
    noisy: DMIEstimate
    clean: DMIEstimate
    det_T: float

    @property
    def z(self) -> float:
        g = self.gap
        return abs(g.mean) / g.stderr if g.stderr > 0 else (0.0 if g.mean == 0 else math.inf)

    @property
    def ratio(self) -> float:
        """``DMI(h, noisy) / (DMI(h, Y) |det T|)`` (1 under Eq. 32)."""
        den = abs(self.clean.det.mean * self.det_T)
        return abs(self.noisy.det.mean) / den if den > 0 else math.inf

    def as_dict(self) -> dict[str, Any]:
        return {"D": self.gap.as_dict(), "z": self.z, "ratio_noisy_over_predicted": self.ratio,
                "dmi_noisy": self.noisy.dmi.as_dict(), "dmi_clean": self.clean.dmi.as_dict(), "det_T": self.det_T}


def eq32_gap(outputs: Any, labels: Any, noisy: Any, T: Any, c: int) -> Eq32Gap:
    """Eq. 32 of ``003`` on one sample: ``det Q_{h,noisy} - det T det Q_{h,Y}`` with its paired delta-method stderr.

    Parameters
    ----------
    outputs : int (n,) or float (n, c) classifier outputs on the sample
    labels, noisy : int (n,) clean and noisy labels of the same samples
    T : the noise transition matrix whose ``det`` Eq. 32 uses
    """
    c = _check_classes(c)
    Tm = as_transition(T)
    if Tm.c != c:
        raise ValueError(f"T is {Tm.c} x {Tm.c} but c = {c}")
    xp = namespace_of(outputs)
    out = _check_outputs(outputs, c, xp)
    lab, nz = _check_labels(labels, c, xp), _check_labels(noisy, c, xp, "noisy labels")
    n = int(lab.shape[0])
    if n < c or nz.shape[0] != n or out.shape[0] != n:
        raise ValueError(f"need n >= c = {c} samples with one output, label and noisy label each; got outputs "
                         f"{out.shape[0]}, labels {n}, noisy labels {nz.shape[0]}")
    Qn, Qc = joint_table(out, nz, c), joint_table(out, lab, c)
    Gn, Gc = cofactors(Qn), cofactors(Qc)
    dT = Tm.det
    psi_n, psi_c = _psi(out, nz, Gn, xp), _psi(out, lab, Gc, xp)
    f = det_bias_factor(n, c)
    noisy_est = _dmi_from_table(Qn, _sd(psi_n), None, n)
    clean_est = _dmi_from_table(Qc, _sd(psi_c), None, n)
    s = _orientation(dT, clean_est)
    gap = Estimate(s * (noisy_est.det.mean - dT * clean_est.det.mean), _sd(psi_n - dT * psi_c) / math.sqrt(n) / f, n)
    return Eq32Gap(gap, noisy_est, clean_est, dT)


def _orientation(det_T: float, clean: DMIEstimate) -> float:
    """``sign(det T det Q_{h,Y})`` (1 at 0): orients ``D`` so that ``D > 0`` means the noisy DMI exceeds Eq. 32's value."""
    v = det_T * clean.det.mean
    return -1.0 if v < 0 else 1.0


# ---------------------------------------------------------------- finite populations
def exact_tables(dist: FiniteDistribution, H: Any, *, T: Any = None, Tx: Any = None) -> tuple[np.ndarray, np.ndarray]:
    """Exact ``Q_{h,Y}`` and ``Q_{h,noisy}`` of a fixed classifier on a finite population.

    Parameters
    ----------
    dist : ``p(x)``, ``p(y|x)``
    H : (n_x, c) rows ``h(x)`` on the simplex
    T : class-dependent noise (``P(noisy | y)``), or
    Tx : (n_x, c, c) noise that depends on ``x`` too (``P(noisy | y, x)``); exactly one of the two

    Returns
    -------
    Q_hy, Q_hn : (c, c) host arrays
    """
    Hm = _check_H(H, dist)
    Tx_ = _noise_per_x(dist, T, Tx)
    w = dist.px[:, None] * Hm  # p(x) h_a(x)
    Q_hy = w.T @ dist.py_x
    Q_hn = np.einsum("xa,xy,xyk->ak", w, dist.py_x, Tx_)
    return Q_hy, Q_hn


def _check_H(H: Any, dist: FiniteDistribution) -> np.ndarray:
    Hm = np.asarray(to_host(H), dtype=float)
    if Hm.shape != (dist.n_x, dist.c):
        raise ValueError(f"H must have shape (n_x, c) = {(dist.n_x, dist.c)}, got {Hm.shape}")
    if not np.all(np.isfinite(Hm)) or np.any(Hm < 0) or np.any(np.abs(Hm.sum(axis=1) - 1) > SIMPLEX_TOL):
        i = int(np.argmax(~np.isfinite(Hm).all(1) | (Hm < 0).any(1) | (np.abs(Hm.sum(1) - 1) > SIMPLEX_TOL)))
        raise ValueError(f"classifier row h(x_{i}) is not a point of the simplex: {Hm[i].tolist()}")
    return Hm


def _noise_per_x(dist: FiniteDistribution, T: Any, Tx: Any) -> np.ndarray:
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
    ``dmi19.notes_question``).

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
    A = _noise_per_x(dist, None, Tx)
    pxy = dist.px[:, None] * dist.py_x
    py = pxy.sum(axis=0)
    return np.einsum("xy,xyk->yk", pxy, A) / py[:, None]


def line_population(n_x: int = 41, c: int = 3, spacing: float = 2.5) -> tuple[FiniteDistribution, np.ndarray]:
    """A one-dimensional population: ``x`` on a grid, ``c`` unit Gaussian classes with means ``spacing`` apart.

    Equal class priors; ``p(x)`` is the mixture density on the grid (normalised), ``p(y|x)`` the posterior.

    Returns
    -------
    dist : FiniteDistribution
    xs : the grid points, (n_x,)
    """
    c = _check_classes(c)
    if n_x < c:
        raise ValueError(f"need n_x >= c grid points, got n_x = {n_x}, c = {c}")
    mu = (np.arange(c) - (c - 1) / 2) * spacing
    xs = np.linspace(mu[0] - 3.0, mu[-1] + 3.0, n_x)
    dens = np.exp(-0.5 * (xs[:, None] - mu[None, :]) ** 2)
    px = dens.sum(axis=1)
    return FiniteDistribution(px / px.sum(), dens / dens.sum(axis=1, keepdims=True)), xs


def _inverse_cdf_rows(cdf: Any, rows: Any, u: Any, xp: Any) -> Any:
    """Index ``k`` with ``cdf[row, k-1] <= u < cdf[row, k]`` (clipped to the last class)."""
    c = cdf.shape[-1]
    k = (u[:, None] >= cdf[rows, : c - 1]).sum(axis=1)
    return k.astype(xp.int64)


def sample_counts(dist: FiniteDistribution, n: int, rng: Any, xp: Any = np, *, T: Any = None, Tx: Any = None,
                  chunk: int = 1 << 20) -> np.ndarray:
    """Counts ``N[x, y, noisy]`` of ``n`` i.i.d. draws ``x ~ p(x)``, ``y ~ p(y|x)``, ``noisy ~ T[y]`` (or ``Tx[x, y]``).

    The count table is the sufficient statistic of a finite population: every joint table of a fixed
    classifier, and every delta-method variance, follows from it (:func:`eq32_from_counts`). Draws run on
    ``xp`` in chunks of ``chunk`` (inverse CDFs and ``bincount``), only the table comes to the host.
    """
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"n must be a positive integer, got {n!r}")
    c, n_x = dist.c, dist.n_x
    Tm = as_transition(T) if T is not None else None
    Tx_ = None if Tm is not None else _noise_per_x(dist, None, Tx)
    if Tm is not None and Tm.c != c:
        raise ValueError(f"T is {Tm.c} x {Tm.c} but the population has c = {c} classes")
    cdf_x = xp.asarray(np.cumsum(dist.px))
    cdf_y = xp.asarray(np.cumsum(dist.py_x, axis=1))
    cdf_t = None if Tx_ is None else xp.asarray(np.cumsum(Tx_, axis=2).reshape(n_x * c, c))
    counts = xp.zeros(n_x * c * c, dtype=xp.int64)
    left = int(n)
    while left:
        m = min(chunk, left)
        x = xp.minimum(xp.searchsorted(cdf_x, rng.random(m), side="right"), n_x - 1).astype(xp.int64)
        y = _inverse_cdf_rows(cdf_y, x, rng.random(m), xp)
        if Tm is not None:
            nz = sample_noisy_labels(y, Tm, rng, xp)
        else:
            nz = _inverse_cdf_rows(cdf_t, x * c + y, rng.random(m), xp)
        counts += xp.bincount((x * c + y) * c + nz, minlength=n_x * c * c)
        left -= m
    return np.asarray(to_host(counts), dtype=np.int64).reshape(n_x, c, c)


def _weighted_sd(values: np.ndarray, weights: np.ndarray) -> float:
    n = weights.sum()
    mean = (weights * values).sum() / n
    var = (weights * (values - mean) ** 2).sum() / (n - 1)
    return float(math.sqrt(max(var, 0.0)))


def eq32_from_counts(counts: np.ndarray, H: Any, T: Any) -> Eq32Gap:
    """:func:`eq32_gap` from a count table ``N[x, y, noisy]`` (:func:`sample_counts`) and a fixed ``H[x] = h(x)``.

    Exactly what :func:`eq32_gap` computes on the individual samples, without materialising them.
    """
    N = np.asarray(counts, dtype=float)
    if N.ndim != 3 or N.shape[1] != N.shape[2]:
        raise ValueError(f"counts must have shape (n_x, c, c), got {N.shape}")
    n_x, c, _ = N.shape
    Hm = np.asarray(to_host(H), dtype=float)
    if Hm.shape != (n_x, c):
        raise ValueError(f"H must have shape {(n_x, c)}, got {Hm.shape}")
    Tm = as_transition(T)
    n = int(N.sum())
    if n < c:
        raise ValueError(f"n = {n} samples < c = {c}: det Q_hat = 0 for every sample")
    Qc = Hm.T @ N.sum(axis=2) / n
    Qn = Hm.T @ N.sum(axis=1) / n
    Gc, Gn = cofactors(Qc), cofactors(Qn)
    psi_c = np.broadcast_to((Hm @ Gc)[:, :, None], N.shape)  # (x, y, noisy) -> (h(x) Gc)_y
    psi_n = np.broadcast_to((Hm @ Gn)[:, None, :], N.shape)  # -> (h(x) Gn)_noisy
    f = det_bias_factor(n, c)
    dT = Tm.det
    noisy = _dmi_from_table(Qn, _weighted_sd(psi_n, N), None, n)
    clean = _dmi_from_table(Qc, _weighted_sd(psi_c, N), None, n)
    s = _orientation(dT, clean)
    gap = Estimate(s * (noisy.det.mean - dT * clean.det.mean), _weighted_sd(psi_n - dT * psi_c, N) / math.sqrt(n) / f, n)
    return Eq32Gap(gap, noisy, clean, dT)


def dmi_from_counts(counts: np.ndarray) -> DMIEstimate:
    """DMI of two variables from their ``c x c`` count table, with a delta-method stderr."""
    N = np.asarray(counts, dtype=float)
    if N.ndim != 2 or N.shape[0] != N.shape[1] or np.any(N < 0) or not np.all(np.isfinite(N)):
        raise ValueError(f"counts must be a square table of non-negative numbers, got shape {N.shape}")
    n = int(N.sum())
    c = N.shape[0]
    if n < c:
        raise ValueError(f"n = {n} samples < c = {c}: det Q_hat = 0 for every sample")
    Q = N / n
    sign, _ = np.linalg.slogdet(Q)
    sd_log = _weighted_sd(np.linalg.inv(Q).T, N) if sign != 0 else None
    return _dmi_from_table(Q, _weighted_sd(cofactors(Q), N), sd_log, n)


def sample_triples(Q12: Any, T: Any, n: int, rng: Any, xp: Any = np, *, leak: float = 0.0,
                   chunk: int = 1 << 20) -> np.ndarray:
    """Counts ``N[w1, w2, w3]`` of ``(W1, W2) ~ Q12`` and ``W3 ~ T[W1]`` (``W3`` independent of ``W2`` given ``W1``).

    ``leak > 0`` breaks the premise of Eq. 28: with probability ``leak`` ``W3`` copies ``W2`` instead
    (the control that a check must detect).
    """
    Q = check_joint_table(Q12)
    Tm = as_transition(T)
    c = Q.shape[0]
    if Tm.c != c:
        raise ValueError(f"T is {Tm.c} x {Tm.c} but the joint table is {c} x {c}")
    if not 0.0 <= leak <= 1.0:
        raise ValueError(f"leak must lie in [0, 1], got {leak!r}")
    cdf = xp.asarray(np.cumsum(Q.ravel()))
    counts = xp.zeros(c * c * c, dtype=xp.int64)
    left = int(n)
    while left:
        m = min(chunk, left)
        idx = xp.minimum(xp.searchsorted(cdf, rng.random(m), side="right"), c * c - 1).astype(xp.int64)
        w1, w2 = idx // c, idx % c
        w3 = sample_noisy_labels(w1, Tm, rng, xp)
        if leak > 0:
            w3 = xp.where(rng.random(m) < leak, w2, w3)
        counts += xp.bincount((w1 * c + w2) * c + w3, minlength=c**3)
        left -= m
    return np.asarray(to_host(counts), dtype=np.int64).reshape(c, c, c)


# ---------------------------------------------------------------- the mini-batch L_DMI
def minibatch_ldmi(outputs: Any, noisy: Any, c: int) -> float:
    """``L_DMI = -log |det Q_hat|`` of one mini-batch (``003`` Eq. 31, as the paper trains with it).

    Raises
    ------
    ValueError
        For a batch smaller than ``c`` (its table has rank below ``c``: ``det = 0`` always), a batch in which
        a label class is absent (a zero column: ``det = 0``) or a class is never predicted (a zero row,
        for class predictions); the message names the batch size or the class.
    """
    c = _check_classes(c)
    xp = namespace_of(outputs)
    out, lab = _check_outputs(outputs, c, xp), _check_labels(noisy, c, xp)
    B = int(lab.shape[0])
    if B < c:
        raise ValueError(f"batch size {B} < c = {c}: the batch table has rank <= {B}, det = 0 and L_DMI = +inf "
                         "for every batch")
    present = np.asarray(to_host(xp.bincount(lab, minlength=c))) > 0
    if not present.all():
        raise ValueError(f"label class {int(np.argmin(present))} is absent from the batch of size {B}: "
                         "det Q_hat = 0 and L_DMI = +inf")
    if out.ndim == 1:
        pred = np.asarray(to_host(xp.bincount(out, minlength=c))) > 0
        if not pred.all():
            raise ValueError(f"class {int(np.argmin(pred))} is never predicted in the batch of size {B}: "
                             "det Q_hat = 0 and L_DMI = +inf")
    Q = joint_table(out, lab, c)
    sign, logabs = np.linalg.slogdet(Q)
    if sign == 0:
        raise ValueError(f"the batch table of size {B} is singular: L_DMI = +inf")
    return float(-logabs)


@dataclass(frozen=True)
class BatchBias:
    """The mini-batch L_DMI estimator at one batch size ``B`` (:func:`ldmi_batch_bias`).

    Attributes
    ----------
    batch_size : ``B``
    factor : exact ``E[det Q_B] / det Q`` (:func:`det_bias_factor`)
    det_ratio : Monte Carlo mean of ``det Q_B / det Q``
    absent : share of batches with a label class absent
    singular : share of batches with ``det Q_B = 0`` (a label absent, or for class predictions a class never
        predicted or two identical rows): ``L_DMI = +inf`` there
    ldmi_bias : mean of ``-log|det Q_B| - L_DMI`` over the batches with ``det Q_B != 0`` (``None`` if fewer than 2)
    n_batches : batches drawn
    """

    batch_size: int
    factor: float
    det_ratio: Estimate
    absent: Estimate
    singular: Estimate
    ldmi_bias: Estimate | None
    n_batches: int

    def as_dict(self) -> dict[str, Any]:
        return {"B": self.batch_size, "exact_det_factor": self.factor, "mc_det_ratio": self.det_ratio.as_dict(),
                "p_label_class_absent": self.absent.as_dict(), "p_det_zero": self.singular.as_dict(),
                "ldmi_bias_given_det_nonzero": self.ldmi_bias.as_dict() if self.ldmi_bias is not None else None,
                "n_batches": self.n_batches}


def ldmi_batch_bias(dist: FiniteDistribution, H: Any, T: Any, batch_sizes: Sequence[int], n_batches: int, rng: Any,
                    xp: Any = np, *, max_draws: int = 1 << 21) -> list[BatchBias]:
    """Bias of the mini-batch ``L_DMI`` (and of ``det``) against batch size, for a fixed classifier.

    For each ``B``, ``n_batches`` batches of ``B`` i.i.d. ``(x, noisy)`` are drawn (at most ``max_draws``
    samples at a time); each gives ``Q_B = H^T N_B / B``. ``E[det Q_B]`` has the exact factor
    :func:`det_bias_factor`. ``E[-log|det Q_B|]`` is ``+inf`` at every finite ``B``, because a label class is
    absent from a batch with positive probability, so the ``L_DMI`` bias is reported over the batches with
    ``det Q_B != 0``, next to the probability of ``det Q_B = 0``. (For class predictions ``det Q_B`` counts as 0
    below ``e^-23 B^-c``: the integer table ``B Q_B`` has ``|det| >= 1`` unless it is singular.)

    A ``B < c`` gives a ``RuntimeWarning`` (``det Q_B = 0`` for every batch, ``L_DMI = +inf``) and a row with
    ``det_ratio = 0`` and ``absent = singular = 1`` exactly and no ``L_DMI`` bias, never a NaN.

    Raises
    ------
    ValueError
        For a non-positive batch size or a singular population table (``L_DMI = +inf`` already).
    """
    Hm = _check_H(H, dist)
    Tm = as_transition(T)
    c = dist.c
    _, Q_hn = exact_tables(dist, Hm, T=Tm)
    sign0, log0 = np.linalg.slogdet(Q_hn)
    if sign0 == 0:
        raise ValueError("the population table Q_{h,noisy} is singular (det T = 0 or a degenerate h): L_DMI = +inf")
    det0 = float(sign0 * math.exp(log0))
    hard = bool(np.all((Hm == 0) | (Hm == 1)))  # class predictions: B Q_B is an integer table
    Hx = xp.asarray(Hm.T.copy())
    rows: list[BatchBias] = []
    for B in batch_sizes:
        B = int(B)
        if B < 1:
            raise ValueError(f"batch sizes must be positive, got {B}")
        if B < c:
            warnings.warn(f"batch size {B} < c = {c}: every batch table has rank <= {B}, det = 0 and L_DMI = +inf",
                          RuntimeWarning, stacklevel=2)
            one, zero = Estimate(1.0, 0.0, n_batches), Estimate(0.0, 0.0, n_batches)
            rows.append(BatchBias(B, 0.0, zero, one, one, None, n_batches))
            continue
        det_acc, abs_acc, sing_acc, log_acc = RunningMoments(), RunningMoments(), RunningMoments(), RunningMoments()
        per = max(1, max_draws // B)
        left = int(n_batches)
        while left:
            R = min(per, left)
            cnt = _batch_counts(dist, Tm, R, B, rng, xp)  # (R, n_x, c)
            Qb = xp.matmul(Hx[None], cnt.astype(float)) / B  # (R, c, c)
            sign, logabs = xp.linalg.slogdet(Qb)
            zero = (sign == 0) | (logabs < -c * math.log(B) - 23.0) if hard else (sign == 0)
            det_acc.update(xp.where(zero, 0.0, sign * xp.exp(logabs)) / det0)
            abs_acc.update((cnt.sum(axis=1) == 0).any(axis=1).astype(float))
            sing_acc.update(zero.astype(float))
            if bool((~zero).any()):
                log_acc.update(-logabs[~zero] + log0)
            left -= R
        rows.append(BatchBias(B, det_bias_factor(B, c), det_acc.estimate(), abs_acc.estimate(), sing_acc.estimate(),
                              log_acc.estimate() if log_acc.n >= 2 else None, n_batches))
    return rows


def _batch_counts(dist: FiniteDistribution, T: TransitionMatrix, R: int, B: int, rng: Any, xp: Any) -> Any:
    """Counts ``N[r, x, noisy]`` of ``R`` batches of ``B`` i.i.d. draws, on ``xp``."""
    c, n_x = dist.c, dist.n_x
    m = R * B
    cdf_x = xp.asarray(np.cumsum(dist.px))
    cdf_y = xp.asarray(np.cumsum(dist.py_x, axis=1))
    x = xp.minimum(xp.searchsorted(cdf_x, rng.random(m), side="right"), n_x - 1).astype(xp.int64)
    y = _inverse_cdf_rows(cdf_y, x, rng.random(m), xp)
    nz = sample_noisy_labels(y, T, rng, xp)
    r = xp.arange(m, dtype=xp.int64) // B
    return xp.bincount((r * n_x + x) * c + nz, minlength=R * n_x * c).reshape(R, n_x, c)


# ---------------------------------------------------------------- training with L_DMI (settings ii and iii)
def _ldmi_batch(logits: Any, noisy: Any) -> tuple[Any, Any]:
    """``(logits, labels)`` checked in one host sync: shapes, finite logits, labels in ``[0, c)``."""
    xp = namespace_of(logits)
    logits = xp.asarray(logits)
    if logits.ndim < 2 or logits.shape[-1] < 2:
        raise ValueError(f"logits must have shape (..., n, c) with c >= 2, got {logits.shape}")
    n, c = logits.shape[-2], logits.shape[-1]
    if n == 0:
        raise ValueError("the batch is empty (n = 0): L_DMI is undefined")
    lab = xp.asarray(noisy)
    if lab.dtype.kind not in "iu":
        raise ValueError(f"noisy labels must be integers, got dtype {lab.dtype}")
    try:
        lab = xp.broadcast_to(lab, logits.shape[:-1]).astype(xp.int64)
    except ValueError:
        raise ValueError(f"noisy labels of shape {lab.shape} do not match logits of shape {logits.shape}") from None
    fin, lo, hi = (int(v) for v in to_host(xp.stack([xp.all(xp.isfinite(logits)).astype(xp.int64), lab.min(), lab.max()])))
    if not fin:
        raise ValueError("logits contain NaN or infinite values")
    if lo < 0 or hi >= c:
        raise ValueError(f"noisy labels must lie in [0, {c - 1}], got range [{lo}, {hi}]")
    return logits, lab


def _ldmi_core(logits: Any, lab: Any) -> tuple[Any, Any, Any]:
    """``(L_DMI, dL/dlogits, singular)`` of checked inputs, no host sync (``singular``: a device bool per batch)."""
    xp = namespace_of(logits)
    c, n = logits.shape[-1], logits.shape[-2]
    z = logits - logits.max(axis=-1, keepdims=True)
    e = xp.exp(z)
    P = e / e.sum(axis=-1, keepdims=True)
    Y = xp.eye(c, dtype=P.dtype)[lab]
    Q = xp.matmul(xp.swapaxes(P, -1, -2), Y) / n
    sign, logabs = xp.linalg.slogdet(Q)
    singular = sign == 0
    # a singular table has no inverse: invert the identity there and report it through ``singular``
    eye = xp.eye(c, dtype=Q.dtype)
    inv = xp.linalg.inv(xp.where(singular[..., None, None], eye, Q))  # (*lead, c, c)
    g = -xp.take_along_axis(inv, xp.broadcast_to(lab[..., None], logits.shape), axis=-2) / n
    dz = P * (g - (P * g).sum(axis=-1, keepdims=True))
    return -logabs, dz, singular


_SINGULAR = "a batch joint table is singular (a label class absent from the batch?): L_DMI = +inf"


def ldmi_loss_and_grad(logits: Any, noisy: Any) -> tuple[Any, Any]:
    """Full-batch ``L_DMI = -log|det(P^T Y / n)|`` and ``dL/dlogits`` for softmax outputs ``P`` (``003`` Eq. 31).

    ``dL/dP_i = -(Q^{-1})_{noisy_i, :} / n`` (from ``dL/dQ = -Q^{-T}``), then through the softmax:
    ``dL/dz_i = P_i * (g_i - <g_i, P_i>)``.

    Parameters
    ----------
    logits : (*lead, n, c)
    noisy : int (*lead, n) or (n,)

    Returns
    -------
    loss : (*lead,)
    dlogits : (*lead, n, c)

    Raises
    ------
    ValueError
        For NaN or infinite logits, an empty batch, labels outside ``[0, c)`` or not matching the
        logits (quoting them), and when a batch table is singular (a label class absent): the
        gradient does not exist there. Two host syncs.
    """
    logits, lab = _ldmi_batch(logits, noisy)
    loss, dz, singular = _ldmi_core(logits, lab)
    if bool(singular.any()):
        raise ValueError(_SINGULAR)
    return loss, dz


def fit_ldmi(params: Params, X: Any, noisy: Any, steps: int, lr: float) -> Params:
    """Full-batch Adam on ``L_DMI`` of the noisy labels (a copy of ``params`` is trained and returned).

    The model may carry a replica axis (``X`` of shape ``(R, n, dim)``, ``noisy`` ``(R, n)``). The labels
    are checked once; a singular batch table met on the way raises after the loop (no host sync per step).
    """
    if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)) or steps < 1:
        raise ValueError(f"steps must be a positive integer, got {steps!r}")
    p = {k: v.copy() for k, v in params.items()}
    opt = Optimizer(TrainConfig(epochs=1, lr=lr), p)
    logits, cache = forward(p, X)
    logits, lab = _ldmi_batch(logits, noisy)
    xp = namespace_of(logits)
    bad = xp.zeros((), dtype=bool)
    for step in range(int(steps)):
        if step:
            logits, cache = forward(p, X)
        _, dz, singular = _ldmi_core(logits, lab)
        bad = bad | singular.any()
        opt.step(p, backward(p, cache, dz))
    if bool(bad):
        raise ValueError(_SINGULAR + " during training")
    return p


def permuted_agreement(pred: Any, labels: Any, c: int) -> float:
    """``max_pi mean(pi(pred) == labels)`` over permutations ``pi`` of the classes (accuracy up to relabelling)."""
    import itertools

    xp = namespace_of(pred)
    conf = np.asarray(to_host(xp.bincount(xp.asarray(pred).astype(xp.int64) * c + xp.asarray(labels).astype(xp.int64),
                                          minlength=c * c)), dtype=float).reshape(c, c)
    best = max(sum(conf[a, perm[a]] for a in range(c)) for perm in itertools.permutations(range(c)))
    return float(best / conf.sum())


def _softmax(z: Any) -> Any:
    xp = namespace_of(z)
    e = xp.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


@dataclass
class TrainedEq32:
    """Eq. 32 for classifiers trained with ``L_DMI`` on noisy labels (settings ii and iii of ``dmi19.notes_question``).

    Attributes
    ----------
    train : one :class:`Eq32Gap` per seed, on the training sample the classifier was fitted to
    fresh : one per seed, on a fresh sample (new inputs, clean labels and class-dependent noise)
    train_fit : share of training samples whose noisy label is the classifier's argmax, per seed, under the
        best permutation of the classes (L_DMI cannot tell a classifier from its relabelling)
    fresh_accuracy : clean accuracy on the fresh sample, per seed, under the best permutation
    settings : the parameters of the run
    """

    train: list[Eq32Gap]
    fresh: list[Eq32Gap]
    train_fit: np.ndarray
    fresh_accuracy: np.ndarray
    settings: dict[str, Any] = field(default_factory=dict)

    @staticmethod
    def _pool(gaps: list[Eq32Gap]) -> Estimate:
        """Mean of the per-seed ``D`` with the stderr of that mean from the seeds' own delta-method stderrs."""
        m = float(np.mean([g.gap.mean for g in gaps]))
        se = math.sqrt(sum(g.gap.stderr**2 for g in gaps)) / len(gaps)
        return Estimate(m, se, sum(g.gap.n for g in gaps))

    def train_gap(self) -> Estimate:
        """Mean ``D`` on the training samples, stderr across seeds (each seed's ``D`` has mean 0 under Eq. 32's premise)."""
        return seed_summary([g.gap.mean for g in self.train])

    def fresh_gap(self) -> Estimate:
        """Mean ``D`` on the fresh samples, pooled delta-method stderr."""
        return self._pool(self.fresh)


def trained_eq32(rng: np.random.Generator, *, T: Any, n_seeds: int = 8, n_train: int = 120, n_fresh: int = 20_000,
                 dim: int = 40, separation: float = 2.0, hidden: Sequence[int] = (), steps: int = 300,
                 lr: float = 0.05, xp: Any = np) -> TrainedEq32:
    """Fit classifiers with ``L_DMI`` to noisy training labels and test Eq. 32 on the training and fresh samples.

    Each seed: ``n_train`` inputs from ``c`` Gaussian clusters in ``dim`` dimensions
    (:func:`simulate.populations.gaussian_clusters`), noisy labels ``~ T[y]``, a linear softmax model
    (or an MLP with ``hidden`` widths) trained by full-batch Adam on ``L_DMI`` (``steps`` steps), then
    ``D = det Q_{h,noisy} - det T det Q_{h,Y}`` (:func:`eq32_gap`) on (ii) the training sample and (iii) a
    fresh sample of ``n_fresh``. All seeds train at once as replicas. ``h`` is the softmax output (the
    randomized classifier of ``003``).
    """
    Tm = as_transition(T)
    c = Tm.c
    bases = rng.integers(0, 2**62, size=int(n_seeds))
    Xs, ys, ns = [], [], []
    for b in bases:
        X, y = gaussian_clusters(n_train, c, dim, np.random.default_rng([int(b), 0]), separation)
        Xs.append(X), ys.append(y), ns.append(sample_noisy_labels(y, Tm, np.random.default_rng([int(b), 1])))
    init = [init_mlp(dim, c, tuple(hidden), np.random.default_rng([int(b), 4])) for b in bases]
    params = {k: xp.asarray(np.stack([p[k] for p in init])) for k in init[0]}
    X_dev, n_dev = xp.asarray(np.stack(Xs)), xp.asarray(np.stack(ns))
    fitted = fit_ldmi(params, X_dev, n_dev, steps, lr)
    P_train = _softmax(forward(fitted, X_dev)[0])
    train, fresh, fit, acc = [], [], [], []
    for s, b in enumerate(bases):  # fresh samples one seed at a time: memory n_fresh x dim
        y_tr, n_tr = xp.asarray(ys[s]), n_dev[s]
        train.append(eq32_gap(P_train[s], y_tr, n_tr, Tm, c))
        fit.append(permuted_agreement(P_train[s].argmax(axis=-1), n_tr, c))
        X2, y2 = gaussian_clusters(n_fresh, c, dim, np.random.default_rng([int(b), 2]), separation)
        n2 = sample_noisy_labels(y2, Tm, np.random.default_rng([int(b), 3]))
        P2 = _softmax(forward({k: v[s] for k, v in fitted.items()}, xp.asarray(X2))[0])
        fresh.append(eq32_gap(P2, xp.asarray(y2), xp.asarray(n2), Tm, c))
        acc.append(permuted_agreement(P2.argmax(axis=-1), xp.asarray(y2), c))
    settings = {"c": c, "T": Tm.matrix.tolist(), "det_T": Tm.det, "n_seeds": int(n_seeds), "n_train": n_train,
                "n_fresh": n_fresh, "dim": dim, "separation": separation, "hidden": list(hidden),
                "model": "linear softmax" if not hidden else f"ReLU MLP {list(hidden)}",
                "training": f"full-batch Adam on L_DMI, {steps} steps, lr {lr}"}
    return TrainedEq32(train, fresh, np.array(fit), np.array(acc), settings)


# ---------------------------------------------------------------- L_DMI over a finite hypothesis class
def deterministic_hypotheses(n_x: int, c: int) -> np.ndarray:
    """Every deterministic classifier on ``n_x`` inputs: ``(c^n_x, n_x, c)`` one-hot rows, in lexicographic order."""
    c = _check_classes(c)
    if isinstance(n_x, bool) or not isinstance(n_x, (int, np.integer)) or n_x < 1 or c**n_x > 1 << 20:
        raise ValueError(f"need 1 <= n_x and c^n_x <= 2^20 hypotheses, got n_x = {n_x!r}, c = {c}")
    labels = np.array(np.unravel_index(np.arange(c**n_x), (c,) * n_x)).T  # (m, n_x)
    return np.eye(c)[labels]


def ldmi_over_hypotheses(dist: FiniteDistribution, hypotheses: Any, T: Any, xp: Any = np) -> tuple[np.ndarray, np.ndarray]:
    """``L_DMI`` (``003`` Eq. 31) of every hypothesis with clean and with noisy labels, exactly in expectation.

    Parameters
    ----------
    hypotheses : (m, n_x, c) rows ``h(x)``
    T : class-dependent noise

    Returns
    -------
    clean, noisy : (m,) host arrays; ``+inf`` where the table is singular (for every ``h`` when ``det T = 0``);
        a table counts as singular when ``|det|`` is below ``1e-12`` times Hadamard's bound ``prod_a ||Q_a||``
        (a classifier that never predicts a class, or two classes predicted on the same inputs).
    """
    Tm = as_transition(T)
    Hs = xp.asarray(np.asarray(to_host(hypotheses), dtype=float))
    if Hs.ndim != 3 or Hs.shape[1:] != (dist.n_x, dist.c):
        raise ValueError(f"hypotheses must have shape (m, n_x, c) = (m, {dist.n_x}, {dist.c}), got {Hs.shape}")
    w = Hs * xp.asarray(dist.px)[None, :, None]  # p(x) h_a(x)
    Qc = xp.matmul(xp.swapaxes(w, 1, 2), xp.asarray(dist.py_x)[None])  # (m, c, c)
    Qn = xp.matmul(Qc, xp.asarray(Tm.matrix)[None])
    out = []
    for Q in (Qc, Qn):
        sign, logabs = xp.linalg.slogdet(Q)
        # singular in exact arithmetic is rounding-level here: |det| below 1e-12 of Hadamard's bound prod ||row||
        rows = xp.sqrt((Q * Q).sum(axis=2))
        log_bound = xp.where(rows > 0, xp.log(xp.where(rows > 0, rows, 1.0)), -xp.inf).sum(axis=1)
        singular = (sign == 0) | (logabs < log_bound + math.log(1e-12))
        v = np.asarray(to_host(-logabs), dtype=float)
        v[np.asarray(to_host(singular))] = math.inf
        out.append(v)
    return out[0], out[1]


# ---------------------------------------------------------------- figure data
def classifier_table(c: int = 3, n_x: int = 41, spacing: float = 2.5) -> np.ndarray:
    """``Q_{h,Y}`` of the Bayes (argmax) classifier on :func:`line_population`: a reference joint table."""
    dist, _ = line_population(n_x, c, spacing)
    H = np.eye(dist.c)[dist.py_x.argmax(axis=1)]
    return exact_tables(dist, H, T=np.eye(dist.c))[0]


def dmi_vs_noise(Q_hy: Any, etas: Sequence[float], *, family: str = "uniform", n_samples: int = 0, rng: Any = None,
                 xp: Any = np) -> dict[str, np.ndarray]:
    """DMI and MI of a classifier with the noisy label against the noise rate (figure ``dmi19_dmi_vs_noise``).

    For each ``eta``, ``T = uniform_noise(c, eta)`` (``family="uniform"``) or ``pair_flip(c, eta)`` (``"pair"``)
    and the noisy table is ``Q_{h,Y} T`` (noise that depends on the class only); Eq. 32's line is
    ``DMI(h, Y) |det T|``. With ``n_samples > 0`` each point is also estimated from ``n_samples`` draws of
    ``(h, Y)`` from ``Q_hy`` and a noisy label from ``T[Y]`` (delta-method stderr, ``rng`` on ``xp``).

    Parameters
    ----------
    Q_hy : (c, c) joint table of a deterministic classifier's output (rows) and the clean label (columns),
        e.g. :func:`classifier_table`
    etas : noise rates in ``[0, 1]``

    Returns
    -------
    dict of host arrays (one entry per ``eta``): ``eta``, ``det_T``, ``dmi_noisy`` (exact), ``predicted``
    (``DMI(h, Y) |det T|``), ``mi_noisy`` (exact), and the scalars ``dmi_clean``, ``mi_clean``; with
    ``n_samples``: ``dmi_noisy_mc``, ``dmi_noisy_se``.
    """
    Q = check_joint_table(Q_hy)
    c = Q.shape[0]
    make = {"uniform": uniform_noise, "pair": pair_flip}
    if family not in make:
        raise ValueError(f"family must be 'uniform' or 'pair', got {family!r}")
    if n_samples and rng is None:
        raise ValueError("n_samples > 0 needs an rng")
    etas = np.asarray(etas, dtype=float)
    out: dict[str, Any] = {"eta": etas, "dmi_clean": dmi(Q), "mi_clean": mutual_information(Q)}
    cols: dict[str, list[float]] = {k: [] for k in ("det_T", "dmi_noisy", "predicted", "mi_noisy",
                                                    "dmi_noisy_mc", "dmi_noisy_se")}
    for eta in etas:
        T = make[family](c, float(eta))
        Qn = Q @ T.matrix
        cols["det_T"].append(T.det)
        cols["dmi_noisy"].append(dmi(Qn))
        cols["predicted"].append(dmi(Q) * abs(T.det))
        cols["mi_noisy"].append(mutual_information(Qn))
        if n_samples:
            N = sample_triples(Q.T, T, int(n_samples), rng, xp)  # (y, h, noisy)
            est = dmi_from_counts(N.sum(axis=0))
            cols["dmi_noisy_mc"].append(est.dmi.mean)
            cols["dmi_noisy_se"].append(est.dmi.stderr)
    for k, v in cols.items():
        if v:
            out[k] = np.asarray(v)
    return out


def mi_dmi_orders(Q_h: Any, Q_h2: Any, T_end: Any, ts: Sequence[float]) -> dict[str, np.ndarray]:
    """MI and DMI of two classifiers with the noisy label along ``T(t) = (1 - t) I + t T_end`` (figure ``dmi19_mi_vs_dmi``).

    At ``t = 0`` the labels are clean. Noise depends on the class only, so the noisy tables are
    ``Q T(t)``. The DMI ratio of the two classifiers stays constant (Eqs. 28, 30) while their MI order can
    flip (Eq. 26; pass the example of :func:`theory.dmi.mi_reversal_example`).

    Returns
    -------
    dict of host arrays over ``t``: ``t``, ``det_T``, ``mi_h``, ``mi_h2``, ``dmi_h``, ``dmi_h2``, and
    ``mi_flip_t``: the first grid point where the MI order differs from the clean one (``nan`` when none).
    """
    Q1, Q2 = check_joint_table(Q_h), check_joint_table(Q_h2)
    Te = as_transition(T_end)
    c = Q1.shape[0]
    if Q2.shape != Q1.shape or Te.c != c:
        raise ValueError(f"shapes disagree: Q_h {Q1.shape}, Q_h2 {Q2.shape}, T_end {Te.c} x {Te.c}")
    ts = np.asarray(ts, dtype=float)
    if np.any((ts < 0) | (ts > 1)):
        raise ValueError(f"t must lie in [0, 1], got {ts.tolist()}")
    res: dict[str, list[float]] = {k: [] for k in ("det_T", "mi_h", "mi_h2", "dmi_h", "dmi_h2")}
    for t in ts:
        T = (1 - t) * np.eye(c) + t * Te.matrix
        res["det_T"].append(float(np.linalg.det(T)))
        res["mi_h"].append(mutual_information(Q1 @ T))
        res["mi_h2"].append(mutual_information(Q2 @ T))
        res["dmi_h"].append(dmi(Q1 @ T))
        res["dmi_h2"].append(dmi(Q2 @ T))
    out = {"t": ts, **{k: np.asarray(v) for k, v in res.items()}}
    clean = np.sign(mutual_information(Q1) - mutual_information(Q2))
    flips = np.flatnonzero(np.sign(out["mi_h"] - out["mi_h2"]) != clean)
    out["mi_flip_t"] = float(ts[flips[0]]) if flips.size else math.nan
    return out
