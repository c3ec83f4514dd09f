"""Determinant-based mutual information from samples (Xu, Cao, Kong & Wang 2019, via Li's notes).

Notation of Li's notes (the L_DMI summary, Eqs. 21-32): a classifier ``h`` maps ``x`` to a point of
the simplex (a *randomized* classifier, ``h(x)_a = Pr[h(x) = a]``); the joint table of its
output with a label ``L`` is ``Q_{h,L}[a, k] = E[h(X)_a 1{L = k}]``, estimated from ``n`` samples by
``sum_i h(x_i) e_{l_i}^T / n`` (counts for a deterministic classifier);
``DMI(h, L) = |det Q_{h,L}|`` (Eq. 27), ``L_DMI = -log DMI`` (Eq. 31); Eq. 32 says
``DMI(h, noisy) = DMI(h, Y) |det T|`` when the noise depends on the class only.

Standard errors are by the **delta method**: ``det`` of the sample table ``Q = mean_i Z_i`` (``Z_i =
h(x_i) e_{l_i}^T``) is linearised as ``det Q + <G, Q_hat - Q>`` with the cofactor matrix ``G``, so
its variance is ``Var(psi)/n`` with ``psi_i = <G, Z_i> = (h(x_i) G)_{l_i}``; likewise ``G = Q^{-T}``
for ``log|det|`` and ``G = log(Q / (q_h q_L))`` for Shannon MI. ``tests/simulate/dmi/test_estimators.py``
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
from dataclasses import dataclass
from typing import Any

import numpy as np

from label_noise_lab.simulate.engine.estimate import Estimate
from label_noise_lab.simulate.engine.namespace import namespace_of, to_host
from label_noise_lab.simulate.engine.standard import bincount
from label_noise_lab.simulate.noise import as_transition
from label_noise_lab.theory.validators import check_classes

TABLE_TOL = 1e-9  # |sum of a joint table - 1| allowed, in float64


SIMPLEX_TOL = 1e-6  # |row sum - 1| allowed for classifier outputs


# ---------------------------------------------------------------- validation
def check_joint_table(Q: Any, *, square: bool = True, tol: float = TABLE_TOL) -> np.ndarray:
    """Validate a joint distribution table and return it as a host ``float64`` array.

    Parameters
    ----------
    Q : array_like, shape (c, c) (or (r, c) with ``square=False``)
        ``Q[a, k] = Pr[W1 = a, W2 = k]`` (Li's notes, Eq. 22), NumPy or CuPy.
    square : bool
        DMI needs a square table (Li's notes, Eq. 27).
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
        raise ValueError(f"DMI needs a square joint table (both variables over the same c classes), got shape "
                         f"{A.shape}")
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




def _check_labels(labels: Any, c: int, xp: Any, name: str = "labels") -> Any:
    labels = xp.asarray(labels)
    if labels.ndim != 1 or not xp.isdtype(labels.dtype, "integral"):
        raise ValueError(f"{name} must be a 1-d integer array, got shape {labels.shape} and dtype {labels.dtype}")
    if math.prod(labels.shape) and (int(xp.min(labels)) < 0 or int(xp.max(labels)) >= c):
        raise ValueError(f"{name} must lie in [0, {c - 1}], got range [{int(xp.min(labels))}, {int(xp.max(labels))}]")
    return labels


def _check_outputs(outputs: Any, c: int, xp: Any) -> Any:
    out = xp.asarray(outputs)
    if xp.isdtype(out.dtype, "integral"):
        return _check_labels(out, c, xp, "predicted classes")
    if out.ndim != 2 or out.shape[1] != c:
        raise ValueError(f"classifier outputs must be class indices (n,) or simplex rows (n, {c}), got shape "
                         f"{out.shape}")
    if not bool(xp.all(xp.isfinite(out))):
        raise ValueError("classifier outputs contain NaN or infinite values")
    if bool(xp.any(out < 0)) or bool(xp.any(xp.abs(xp.sum(out, axis=1) - 1.0) > SIMPLEX_TOL)):
        i = int(xp.argmax(xp.any((out < 0), axis=1) | (xp.abs(xp.sum(out, axis=1) - 1.0) > SIMPLEX_TOL)))
        raise ValueError(f"classifier output row {i} is not a point of the simplex: {to_host(out[i]).tolist()}")
    return out


# ---------------------------------------------------------------- population quantities
def log_dmi(Q: Any) -> float:
    """``log DMI = log |det Q|`` through ``slogdet`` (no under- or overflow); ``-inf`` when ``det Q = 0``."""
    A = check_joint_table(Q)
    sign, logabs = np.linalg.slogdet(A)
    return -math.inf if sign == 0 else float(logabs)


def dmi(Q: Any) -> float:
    """``DMI = |det Q|`` (Li's notes, Eq. 27); may underflow to 0 for large ``c``, where :func:`log_dmi` does not."""
    v = log_dmi(Q)
    return 0.0 if v == -math.inf else math.exp(v)


def ldmi(Q: Any) -> float:
    """``L_DMI = -log |det Q|`` (Li's notes, Eq. 31).

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
    """Shannon ``MI`` in nats of a joint table (Li's notes, Eq. 24), with ``0 log 0 = 0``; the table need not be
    square."""
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
    c = check_classes(c)
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
        (a randomized classifier: the expected table over its randomness, Li's notes, sec. L_DMI).
    labels : int array (n,) in ``[0, c)``
    c : number of classes

    Returns
    -------
    numpy.ndarray, shape (c, c) (on the host)
    """
    c = check_classes(c)
    xp = namespace_of(outputs)
    out = _check_outputs(outputs, c, xp)
    lab = _check_labels(labels, c, xp)
    n = int(lab.shape[0])
    if n == 0 or out.shape[0] != n:
        raise ValueError(f"need as many outputs as labels (and at least one), got {out.shape[0]} and {n}")
    if out.ndim == 1:
        counts = bincount(xp.astype(out, xp.int64) * c + xp.astype(lab, xp.int64), minlength=c * c)
        return np.asarray(to_host(counts), dtype=float).reshape(c, c) / n
    cols = [xp.sum(out * xp.astype(lab == k, out.dtype)[:, None], axis=0) for k in range(c)]
    return np.stack([np.asarray(to_host(v), dtype=float) for v in cols], axis=1) / n


def _psi(outputs: Any, labels: Any, G: np.ndarray, xp: Any) -> Any:
    """``psi_i = (h(x_i) G)_{l_i}`` for each sample (``G[pred_i, l_i]`` for class predictions)."""
    Gx = xp.asarray(G)
    if outputs.ndim == 1:
        return Gx[outputs, labels]
    return xp.take_along_axis(outputs @ Gx, xp.astype(labels[:, None], xp.int64), axis=1)[:, 0]


def _sd(values: Any) -> float:
    m = int(values.shape[0])
    return float(to_host(namespace_of(values).std(values, correction=1))) if m > 1 else math.inf


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


def dmi_from_table(Q: np.ndarray, sd_det: float, sd_log: float | None, n: int) -> DMIEstimate:
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
    c = check_classes(c)
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
    return dmi_from_table(Q, sd_det, sd_log, n)


def estimate_mi(outputs: Any, labels: Any, c: int) -> Estimate:
    """Plug-in Shannon MI (nats) of outputs and labels with a delta-method standard error.

    ``psi_i = (h(x_i) log(Q / (q_h q_L)))_{l_i}``; the delta method degenerates where MI = 0 (then
    the estimator is ``chi^2``-like, and its stderr is reported as 0).
    """
    c = check_classes(c)
    xp = namespace_of(outputs)
    out, lab = _check_outputs(outputs, c, xp), _check_labels(labels, c, xp)
    Q = joint_table(out, lab, c)
    r, s = xp.sum(Q, axis=1, keepdims=True), xp.sum(Q, axis=0, keepdims=True)
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
    """Eq. 32 of Li's notes on one sample: ``det Q_{h,noisy} - det T det Q_{h,Y}`` with its paired delta-method stderr.

    Parameters
    ----------
    outputs : int (n,) or float (n, c) classifier outputs on the sample
    labels, noisy : int (n,) clean and noisy labels of the same samples
    T : the noise transition matrix whose ``det`` Eq. 32 uses
    """
    c = check_classes(c)
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
    noisy_est = dmi_from_table(Qn, _sd(psi_n), None, n)
    clean_est = dmi_from_table(Qc, _sd(psi_c), None, n)
    s = orientation(dT, clean_est)
    gap = Estimate(s * (noisy_est.det.mean - dT * clean_est.det.mean), _sd(psi_n - dT * psi_c) / math.sqrt(n) / f, n)
    return Eq32Gap(gap, noisy_est, clean_est, dT)


def orientation(det_T: float, clean: DMIEstimate) -> float:
    """``sign(det T det Q_{h,Y})`` (1 at 0): orients ``D`` so that ``D > 0`` means the noisy DMI exceeds Eq. 32's
    value."""
    v = det_T * clean.det.mean
    return -1.0 if v < 0 else 1.0


# ---------------------------------------------------------------- the mini-batch L_DMI
def minibatch_ldmi(outputs: Any, noisy: Any, c: int) -> float:
    """``L_DMI = -log |det Q_hat|`` of one mini-batch (Li's notes, Eq. 31, as the paper trains with it).

    Raises
    ------
    ValueError
        For a batch smaller than ``c`` (its table has rank below ``c``: ``det = 0`` always), a batch in which
        a label class is absent (a zero column: ``det = 0``) or a class is never predicted (a zero row,
        for class predictions); the message names the batch size or the class.
    """
    c = check_classes(c)
    xp = namespace_of(outputs)
    out, lab = _check_outputs(outputs, c, xp), _check_labels(noisy, c, xp)
    B = int(lab.shape[0])
    if B < c:
        raise ValueError(f"batch size {B} < c = {c}: the batch table has rank <= {B}, det = 0 and L_DMI = +inf "
                         "for every batch")
    present = np.asarray(to_host(bincount(lab, minlength=c))) > 0
    if not xp.all(present):
        raise ValueError(f"label class {int(np.argmin(present))} is absent from the batch of size {B}: "
                         "det Q_hat = 0 and L_DMI = +inf")
    if out.ndim == 1:
        pred = np.asarray(to_host(bincount(out, minlength=c))) > 0
        if not xp.all(pred):
            raise ValueError(f"class {int(np.argmin(pred))} is never predicted in the batch of size {B}: "
                             "det Q_hat = 0 and L_DMI = +inf")
    Q = joint_table(out, lab, c)
    sign, logabs = np.linalg.slogdet(Q)
    if sign == 0:
        raise ValueError(f"the batch table of size {B} is singular: L_DMI = +inf")
    return float(-logabs)


# ---------------------------------------------------------------- training with L_DMI (settings ii and iii)
def ldmi_checked_batch(logits: Any, noisy: Any) -> tuple[Any, Any]:
    """``(logits, labels)`` checked in one host sync: shapes, finite logits, labels in ``[0, c)``."""
    xp = namespace_of(logits)
    logits = xp.asarray(logits)
    if logits.ndim < 2 or logits.shape[-1] < 2:
        raise ValueError(f"logits must have shape (..., n, c) with c >= 2, got {logits.shape}")
    n, c = logits.shape[-2], logits.shape[-1]
    if n == 0:
        raise ValueError("the batch is empty (n = 0): L_DMI is undefined")
    lab = xp.asarray(noisy)
    if not xp.isdtype(lab.dtype, "integral"):
        raise ValueError(f"noisy labels must be integers, got dtype {lab.dtype}")
    try:
        lab = xp.astype(xp.broadcast_to(lab, logits.shape[:-1]), xp.int64)
    except ValueError:
        raise ValueError(f"noisy labels of shape {lab.shape} do not match logits of shape {logits.shape}") from None
    summary = xp.stack([xp.astype(xp.all(xp.isfinite(logits)), xp.int64), xp.min(lab), xp.max(lab)])
    fin, lo, hi = (int(v) for v in to_host(summary))
    if not fin:
        raise ValueError("logits contain NaN or infinite values")
    if lo < 0 or hi >= c:
        raise ValueError(f"noisy labels must lie in [0, {c - 1}], got range [{lo}, {hi}]")
    return logits, lab


def ldmi_core(logits: Any, lab: Any) -> tuple[Any, Any, Any]:
    """``(L_DMI, dL/dlogits, singular)`` of checked inputs, no host sync (``singular``: a device bool per batch)."""
    xp = namespace_of(logits)
    c, n = logits.shape[-1], logits.shape[-2]
    z = logits - xp.max(logits, axis=-1, keepdims=True)
    e = xp.exp(z)
    P = e / xp.sum(e, axis=-1, keepdims=True)
    Y = xp.astype(lab[..., None] == xp.arange(c), P.dtype)  # one-hot rows
    Q = xp.matmul(xp.matrix_transpose(P), Y) / n
    sign, logabs = xp.linalg.slogdet(Q)
    singular = sign == 0
    # a singular table has no inverse: invert the identity there and report it through ``singular``
    eye = xp.eye(c, dtype=Q.dtype)
    inv = xp.linalg.inv(xp.where(singular[..., None, None], eye, Q))  # (*lead, c, c)
    g = -xp.take_along_axis(inv, xp.broadcast_to(lab[..., None], logits.shape), axis=-2) / n
    dz = P * (g - xp.sum((P * g), axis=-1, keepdims=True))
    return -logabs, dz, singular


#: the error message of a singular mini-batch joint table
SINGULAR_BATCH = "a batch joint table is singular (a label class absent from the batch?): L_DMI = +inf"


def ldmi_loss_and_grad(logits: Any, noisy: Any) -> tuple[Any, Any]:
    """Full-batch ``L_DMI = -log|det(P^T Y / n)|`` and ``dL/dlogits`` for softmax outputs ``P`` (Li's notes, Eq. 31).

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
    logits, lab = ldmi_checked_batch(logits, noisy)
    loss, dz, singular = ldmi_core(logits, lab)
    if bool(namespace_of(singular).any(singular)):
        raise ValueError(SINGULAR_BATCH)
    return loss, dz
