"""Shared setting of the le19 checks (Le & Odobez 2019, reconstructed): tolerances, the random
class-structured embeddings of the risk checks, and small helpers."""
from __future__ import annotations

import numpy as np

from label_noise_lab.simulate.embedding.risk import random_class_embeddings
from label_noise_lab.simulate.engine.estimate import Estimate
from paper_checks.papers.documents import LE19_SUMMARY

SOURCE = f"{LE19_SUMMARY.file} (abstract; claims.md reconstruction)"
Z = 5.0
ROUND = 1e-9  # relative tolerance of float comparisons of exactly equal quantities
FIG_RISK = ("le19_noisy_vs_clean_risk",)
FIG_RECALL = ("le19_recall_vs_noise",)

#: classes and embedding shape of the risk checks
C_RISK, PER_CLASS, DIM = 4, 10, 8


def fmt(e: Estimate, nd: int = 3) -> str:
    """``mean ± stderr`` of ``e`` with ``nd`` decimals."""
    return f"{e.mean:+.{nd}f} ± {e.stderr:.{nd}f}"


def agrees(est: Estimate, target: float) -> bool:
    """``|estimate - target| <= Z stderr + atol``, ``atol`` at rounding level."""
    return est.agrees(target, Z, ROUND * (1 + abs(target)))


def close(a: float, b: float) -> bool:
    """Equal up to rounding (:data:`ROUND`, relative)."""
    return abs(a - b) <= ROUND * (1 + abs(a) + abs(b))


def class_embeddings(rng: np.random.Generator, k: int, c: int = C_RISK) -> list[tuple[np.ndarray, np.ndarray]]:
    """``k`` random embeddings on the unit sphere with class structure of varied strength."""
    strengths = np.linspace(0.0, 3.0, k)
    return [random_class_embeddings(PER_CLASS, c, DIM, rng, float(s)) for s in strengths]


def affine_residual(x: np.ndarray, y: np.ndarray) -> tuple[float, float, float]:
    """Least-squares ``y = a x + b``: ``(a, b, max |residual|)``."""
    A = np.vstack([x, np.ones_like(x)]).T
    (a, b), *_ = np.linalg.lstsq(A, y, rcond=None)
    return float(a), float(b), float(np.max(np.abs(y - (a * x + b))))
