"""A mean with its standard error (:class:`Estimate`) and a mergeable mean/variance accumulator.

A comparison with a target passes when ``|estimate - target| <= z * stderr + atol``
with ``z = 5`` unless stated (docs/design.md, "Monte Carlo verdicts").

``z`` names a two-sided tail probability of the normal distribution (``z = 5``: about
5.7e-7). An estimate over a few independent runs (seeds) has a Student t distribution
with ``df = n - 1`` degrees of freedom, whose tails are far heavier: its critical value
for the same tail probability is used instead (:meth:`Estimate.critical`; 17.1 with 8
seeds, 1321 with 3), so "significant at z = 5" keeps meaning a false alarm about once in
a million whatever the number of seeds.
"""
from __future__ import annotations

import math
import numbers
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

from label_noise_lab.simulate.engine.namespace import is_host, namespace_of, to_host

Z_DEFAULT = 5.0
#: the two-sided level of a comparison over a few independent runs (seeds): a training simulation
#: cannot afford the seeds a one-in-a-million level needs under Student's t (17.1 standard errors
#: with 8 seeds, 1321 with 3), so its effects are tested at p < 0.001 with the real degrees of freedom
SEED_P = 0.001
#: the normal quantile of ``SEED_P`` (3.29); :meth:`Estimate.critical` turns it into the t quantile
Z_SEEDS = 3.2905267314918945
#: how a summary names that test
SEED_TEST = "two-sided p < 0.001, Student t with seeds - 1 degrees of freedom"


@lru_cache(maxsize=256)
def t_critical(z: float, df: float) -> float:
    """The Student t quantile with the same two-sided tail probability as the normal's ``z``.

    ``t_critical(5, 7) = 17.1``: with 8 seeds an effect must be 17.1 standard errors from
    its target to be as unlikely by chance as 5 standard errors of a normal mean.
    """
    from scipy import stats  # scipy.stats costs ~0.3 s to import; only verdicts need it

    if not df > 0:
        raise ValueError(f"degrees of freedom must be positive, got {df!r}")
    return float(stats.t.isf(stats.norm.sf(z), df))


@dataclass(frozen=True)
class Estimate:
    """A mean with its standard error over ``n`` samples.

    ``df`` is the degrees of freedom of its t statistic: ``n - 1`` for a mean over a few
    independent runs (:func:`seed_summary`, :func:`paired_difference`), ``None`` where the
    normal approximation is exact enough (Monte Carlo streams of many draws).
    """

    mean: float
    stderr: float
    n: int
    df: float | None = None

    def critical(self, z: float = Z_DEFAULT) -> float:
        """The multiple of ``stderr`` that ``z`` stands for: ``z`` itself for a normal estimate,
        the t quantile of the same two-sided tail probability when ``df`` is set. ``ValueError`` for a ``z``
        that is not a finite number >= 0 (``nan`` made every comparison False)."""
        if not (isinstance(z, numbers.Real) and not isinstance(z, bool) and math.isfinite(z) and z >= 0):
            raise ValueError(f"z must be a finite number >= 0 (standard errors), got {z!r}")
        if self.df is None or self.df > 1e6:
            return float(z)
        return t_critical(float(z), float(self.df))

    def p_value(self, target: float = 0.0) -> float:
        """Two-sided p-value of ``mean == target`` (t with ``df``, or normal)."""
        from scipy import stats  # scipy.stats costs ~0.3 s to import; only verdicts need it

        if self.stderr == 0:
            return 1.0 if self.mean == target else 0.0
        t = abs(self.mean - target) / self.stderr
        if self.df is None:
            return float(2 * stats.norm.sf(t))
        return float(2 * stats.t.sf(t, self.df))

    def interval(self, z: float = Z_DEFAULT) -> tuple[float, float]:
        """``mean -/+ critical(z) * stderr``: the values this estimate does not reject at ``z``."""
        h = self.critical(z) * self.stderr
        return (self.mean - h, self.mean + h)

    def agrees(self, target: float, z: float = Z_DEFAULT, atol: float = 0.0) -> bool:
        """True when ``|mean - target| <= critical(z) * stderr + atol``; ``ValueError`` for a NaN ``target`` or an
        ``atol`` that is NaN or negative."""
        if target != target or not atol >= 0:
            raise ValueError(f"agrees: target must be a number and atol >= 0, got target={target!r}, atol={atol!r}")
        return abs(self.mean - target) <= self.critical(z) * self.stderr + atol

    def exceeds(self, threshold: float, z: float = Z_DEFAULT) -> bool:
        """True when ``mean - critical(z) * stderr > threshold`` (an effect beyond its uncertainty)."""
        return self.mean - self.critical(z) * self.stderr > threshold

    def below(self, threshold: float, z: float = Z_DEFAULT) -> bool:
        """True when ``mean + critical(z) * stderr < threshold``."""
        return self.mean + self.critical(z) * self.stderr < threshold

    def as_dict(self, digits: int | None = None) -> dict[str, float]:
        """``{"mean", "stderr", "n"}``, rounded to ``digits`` decimals when given (for reports)."""
        if digits is None:
            return {"mean": self.mean, "stderr": self.stderr, "n": self.n}
        return {"mean": round(self.mean, digits), "stderr": round(self.stderr, digits), "n": self.n}

    def sign(self, z: float = Z_DEFAULT) -> int:
        """+1 when the mean is above 0 by more than ``critical(z)`` standard errors, -1 when below, 0 otherwise."""
        if self.exceeds(0.0, z):
            return 1
        if self.below(0.0, z):
            return -1
        return 0


def combine_means(ests: "list[Estimate]") -> Estimate:
    """The plain average of independent estimates, with Welch-Satterthwaite degrees of freedom.

    Its standard error is ``sqrt(sum se_i^2) / D``; ``df`` stays ``None`` when any part is normal.
    """
    if not ests:
        raise ValueError("combine_means needs at least one estimate")
    D = len(ests)
    mean = float(np.mean([e.mean for e in ests]))
    v = [e.stderr**2 for e in ests]
    se = float(math.sqrt(sum(v)) / D)
    df: float | None = None
    if all(e.df is not None for e in ests):
        den = sum(vi**2 / e.df for vi, e in zip(v, ests) if vi > 0)
        df = float(sum(v) ** 2 / den) if den > 0 else float(sum(e.df for e in ests))
    return Estimate(mean, se, int(sum(e.n for e in ests)), df)


class RunningMoments:
    """Mean and variance of a stream, merged chunk by chunk (Chan et al. 1979).

    Each chunk's sum and centred sum of squares are computed in the chunk's own
    namespace; only three scalars per column cross to the host.
    """

    def __init__(self, shape: tuple[int, ...] = ()) -> None:
        self.n = 0
        self.mean = np.zeros(shape)
        self.m2 = np.zeros(shape)

    def update(self, values: Any) -> None:
        """Add a chunk of samples along axis 0."""
        xp = namespace_of(values)
        m = int(values.shape[0])
        if m == 0:
            return
        if not is_host(xp) and not xp.isdtype(values.dtype, "real floating"):
            values = xp.astype(values, xp.float64)  # the standard's mean takes floats only (NumPy's casts itself)
        cmean = xp.mean(values, axis=0)
        cm2 = xp.sum((values - cmean) ** 2, axis=0)
        # one host transfer per chunk: the two moments (NaN/inf in the chunk shows in both)
        both = np.asarray(to_host(xp.stack([xp.astype(cmean, xp.float64), xp.astype(cm2, xp.float64)])))
        if not np.all(np.isfinite(both)):
            raise ValueError("a Monte Carlo chunk contains NaN or infinite values")
        self._merge(m, both[0], both[1])

    def _merge(self, m: int, cmean: np.ndarray, cm2: np.ndarray) -> None:
        n = self.n
        tot = n + m
        delta = cmean - self.mean
        self.mean = self.mean + delta * (m / tot)
        self.m2 = self.m2 + cm2 + delta**2 * (n * m / tot)
        self.n = tot

    def merge(self, other: "RunningMoments") -> "RunningMoments":
        """Fold another accumulator into this one (returns self)."""
        if other.n:
            self._merge(other.n, other.mean, other.m2)
        return self

    @property
    def variance(self) -> np.ndarray:
        return self.m2 / (self.n - 1) if self.n > 1 else np.full_like(self.mean, np.nan)

    def estimate(self) -> Estimate:
        """The scalar mean and its standard error (scalar streams only)."""
        if self.mean.shape != ():
            raise ValueError("estimate() is for scalar streams; use estimates()")
        if self.n < 2:
            raise ValueError(f"need at least 2 samples for a standard error, have {self.n}")
        return Estimate(float(self.mean), float(math.sqrt(self.variance / self.n)), self.n, float(self.n - 1))

    def estimates(self) -> list[Estimate]:
        if self.n < 2:
            raise ValueError(f"need at least 2 samples for a standard error, have {self.n}")
        se = np.sqrt(self.variance / self.n)
        return [Estimate(float(a), float(b), self.n, float(self.n - 1)) for a, b in zip(self.mean.ravel(), se.ravel())]
