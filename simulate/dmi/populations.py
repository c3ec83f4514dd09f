"""DMI and Eq. 32 over finite populations: exact tables, samplers, the mini-batch bias of L_DMI, L_DMI over a
finite hypothesis class, and the data of the figures of Xu, Cao, Kong & Wang 2019 (via Li's notes).

Populations are :class:`label_noise_lab.simulate.populations.FiniteDistribution`; the estimators are those of
:mod:`label_noise_lab.simulate.dmi.estimators`.
Samplers run in the namespace ``xp`` with ``random`` and inverse CDFs (no ``choice``/``multinomial``, which
CuPy's generator lacks) and count with ``bincount``; count tables (``n_x x c x c``) come back to the host.
"""
from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np

from label_noise_lab.simulate.dmi.estimators import (
    SIMPLEX_TOL,
    DMIEstimate,
    Eq32Gap,
    check_joint_table,
    cofactors,
    det_bias_factor,
    dmi,
    dmi_from_table,
    mutual_information,
    orientation,
)
from label_noise_lab.simulate.engine.estimate import Estimate, RunningMoments
from label_noise_lab.simulate.engine.namespace import to_host
from label_noise_lab.simulate.engine.rng import check_generator
from label_noise_lab.simulate.engine.standard import bincount
from label_noise_lab.simulate.noise import (
    TransitionMatrix,
    as_transition,
    noise_per_x,
    pair_flip,
    sample_noisy_labels,
    uniform_noise,
)
from label_noise_lab.simulate.populations import FiniteDistribution
from label_noise_lab.theory.validators import check_classes, check_int


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
    Tx_ = noise_per_x(dist, T, Tx)
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



def line_population(n_x: int = 41, c: int = 3, spacing: float = 2.5) -> tuple[FiniteDistribution, np.ndarray]:
    """A one-dimensional population: ``x`` on a grid, ``c`` unit Gaussian classes with means ``spacing`` apart.

    Equal class priors; ``p(x)`` is the mixture density on the grid (normalised), ``p(y|x)`` the posterior.

    Returns
    -------
    dist : FiniteDistribution
    xs : the grid points, (n_x,)
    """
    c = check_classes(c)
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
    k = xp.sum(xp.astype(u[:, None] >= xp.take(cdf, rows, axis=0)[:, : c - 1], xp.int64), axis=1)
    return xp.astype(k, xp.int64)


def sample_counts(dist: FiniteDistribution, n: int, rng: Any, xp: Any = np, *, T: Any = None, Tx: Any = None,
                  chunk: int = 1 << 20) -> np.ndarray:
    """Counts ``N[x, y, noisy]`` of ``n`` i.i.d. draws ``x ~ p(x)``, ``y ~ p(y|x)``, ``noisy ~ T[y]`` (or ``Tx[x, y]``).

    The count table is the sufficient statistic of a finite population: every joint table of a fixed
    classifier, and every delta-method variance, follows from it (:func:`eq32_from_counts`). Draws run on
    ``xp`` in chunks of ``chunk`` (inverse CDFs and ``bincount``), only the table comes to the host.
    """
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"n must be a positive integer, got {n!r}")
    chunk, _ = check_int("chunk", chunk, 1), check_generator(rng)
    c, n_x = dist.c, dist.n_x
    Tm = as_transition(T) if T is not None else None
    Tx_ = None if Tm is not None else noise_per_x(dist, None, Tx)
    if Tm is not None and Tm.c != c:
        raise ValueError(f"T is {Tm.c} x {Tm.c} but the population has c = {c} classes")
    cdf_x = xp.asarray(np.cumsum(dist.px))
    cdf_y = xp.asarray(np.cumsum(dist.py_x, axis=1))
    cdf_t = None if Tx_ is None else xp.asarray(np.cumsum(Tx_, axis=2).reshape(n_x * c, c))
    counts = xp.zeros(n_x * c * c, dtype=xp.int64)
    left = int(n)
    while left:
        m = min(chunk, left)
        x = xp.astype(xp.minimum(xp.searchsorted(cdf_x, rng.random(m), side="right"), n_x - 1), xp.int64)
        y = _inverse_cdf_rows(cdf_y, x, rng.random(m), xp)
        if Tm is not None:
            nz = sample_noisy_labels(y, Tm, rng, xp)
        else:
            nz = _inverse_cdf_rows(cdf_t, x * c + y, rng.random(m), xp)
        counts += bincount((x * c + y) * c + nz, minlength=n_x * c * c)
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
    noisy = dmi_from_table(Qn, _weighted_sd(psi_n, N), None, n)
    clean = dmi_from_table(Qc, _weighted_sd(psi_c, N), None, n)
    s = orientation(dT, clean)
    gap = Estimate(s * (noisy.det.mean - dT * clean.det.mean),
                   _weighted_sd(psi_n - dT * psi_c, N) / math.sqrt(n) / f, n)
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
    return dmi_from_table(Q, _weighted_sd(cofactors(Q), N), sd_log, n)


def sample_triples(Q12: Any, T: Any, n: int, rng: Any, xp: Any = np, *, leak: float = 0.0,
                   chunk: int = 1 << 20) -> np.ndarray:
    """Counts ``N[w1, w2, w3]`` of ``(W1, W2) ~ Q12`` and ``W3 ~ T[W1]`` (``W3`` independent of ``W2`` given ``W1``).

    ``leak > 0`` breaks the premise of Eq. 28: with probability ``leak`` ``W3`` copies ``W2`` instead
    (the control that a check must detect).
    """
    n, chunk, _ = check_int("n", n, 1), check_int("chunk", chunk, 1), check_generator(rng)
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
        idx = xp.astype(xp.minimum(xp.searchsorted(cdf, rng.random(m), side="right"), c * c - 1), xp.int64)
        w1, w2 = idx // c, idx % c
        w3 = sample_noisy_labels(w1, Tm, rng, xp)
        if leak > 0:
            w3 = xp.where(rng.random(m) < leak, w2, w3)
        counts += bincount((w1 * c + w2) * c + w3, minlength=c**3)
        left -= m
    return np.asarray(to_host(counts), dtype=np.int64).reshape(c, c, c)


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
            Qb = xp.matmul(Hx[None, ...], xp.astype(cnt, xp.float64)) / B  # (R, c, c)
            sign, logabs = xp.linalg.slogdet(Qb)
            zero = (sign == 0) | (logabs < -c * math.log(B) - 23.0) if hard else (sign == 0)
            det_acc.update(xp.where(zero, 0.0, sign * xp.exp(logabs)) / det0)
            abs_acc.update(xp.astype(xp.any(xp.sum(cnt, axis=1) == 0, axis=1), xp.float64))
            sing_acc.update(xp.astype(zero, xp.float64))
            if bool(xp.any((~zero))):
                log_acc.update(-logabs[~zero] + float(log0))
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
    x = xp.astype(xp.minimum(xp.searchsorted(cdf_x, rng.random(m), side="right"), n_x - 1), xp.int64)
    y = _inverse_cdf_rows(cdf_y, x, rng.random(m), xp)
    nz = sample_noisy_labels(y, T, rng, xp)
    r = xp.arange(m, dtype=xp.int64) // B
    return xp.reshape(bincount((r * n_x + x) * c + nz, minlength=R * n_x * c), (R, n_x, c))


# ---------------------------------------------------------------- L_DMI over a finite hypothesis class
def deterministic_hypotheses(n_x: int, c: int) -> np.ndarray:
    """Every deterministic classifier on ``n_x`` inputs: ``(c^n_x, n_x, c)`` one-hot rows, in lexicographic order."""
    c = check_classes(c)
    if isinstance(n_x, bool) or not isinstance(n_x, (int, np.integer)) or n_x < 1 or c**n_x > 1 << 20:
        raise ValueError(f"need 1 <= n_x and c^n_x <= 2^20 hypotheses, got n_x = {n_x!r}, c = {c}")
    labels = np.array(np.unravel_index(np.arange(c**n_x), (c,) * n_x)).T  # (m, n_x)
    return np.eye(c)[labels]


def ldmi_over_hypotheses(dist: FiniteDistribution, hypotheses: Any, T: Any, xp: Any = np) -> tuple[np.ndarray,
                                                                                                   np.ndarray]:
    """``L_DMI`` (Li's notes, Eq. 31) of every hypothesis with clean and with noisy labels, exactly in expectation.

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
    Qc = xp.matmul(xp.matrix_transpose(w), xp.asarray(dist.py_x)[None, ...])  # (m, c, c)
    Qn = xp.matmul(Qc, xp.asarray(Tm.matrix)[None, ...])
    out = []
    for Q in (Qc, Qn):
        sign, logabs = xp.linalg.slogdet(Q)
        # singular in exact arithmetic is rounding-level here: |det| below 1e-12 of Hadamard's bound prod ||row||
        rows = xp.sqrt(xp.sum((Q * Q), axis=2))
        log_bound = xp.sum(xp.where(rows > 0, xp.log(xp.where(rows > 0, rows, 1.0)), -xp.inf), axis=1)
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
            est = dmi_from_counts(N.sum(axis=0))  # a host table
            cols["dmi_noisy_mc"].append(est.dmi.mean)
            cols["dmi_noisy_se"].append(est.dmi.stderr)
    for k, v in cols.items():
        if v:
            out[k] = np.asarray(v)
    return out


def mi_dmi_orders(Q_h: Any, Q_h2: Any, T_end: Any, ts: Sequence[float]) -> dict[str, np.ndarray]:
    """MI and DMI of two classifiers with the noisy label along ``T(t) = (1 - t) I + t T_end`` (figure
    ``dmi19_mi_vs_dmi``).

    At ``t = 0`` the labels are clean. Noise depends on the class only, so the noisy tables are
    ``Q T(t)``. The DMI ratio of the two classifiers stays constant (Eqs. 28, 30) while their MI order can
    flip (Eq. 26; pass the example of :func:`label_noise_lab.theory.dmi.mi_reversal_example`).

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
