"""What a check is given: precision, backend, and its own random stream."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any, Callable, TypeVar

import numpy as np

from simulate.backend import Backend

PRECISIONS = ("quick", "standard", "full")
T = TypeVar("T")


def claim_seed(seed: int, claim_id: str) -> np.random.SeedSequence:
    """An independent seed sequence for one claim, from the global seed and the claim id.

    A claim's stream does not depend on which other claims ran (DESIGN.md, "Randomness").
    """
    digest = hashlib.sha256(claim_id.encode()).digest()
    words = [int.from_bytes(digest[i : i + 4], "little") for i in range(0, 16, 4)]
    return np.random.SeedSequence([int(seed), *words])


@dataclass
class Context:
    """Settings and resources for one check run."""

    claim_id: str
    precision: str = "standard"
    seed: int = 0
    backend: Backend = field(default_factory=lambda: Backend("numpy", np))
    progress: Callable[[str], None] | None = None

    def __post_init__(self) -> None:
        if self.precision not in PRECISIONS:
            raise ValueError(f"unknown precision {self.precision!r}; choose one of {', '.join(PRECISIONS)}")
        self._ss = claim_seed(self.seed, self.claim_id)

    @property
    def xp(self) -> Any:
        return self.backend.xp

    def rng(self, stream: int = 0) -> np.random.Generator:
        """A host NumPy generator; ``stream`` picks an independent sub-stream."""
        return np.random.default_rng(self._ss.spawn(stream + 1)[stream])

    def device_rng(self, stream: int = 0) -> Any:
        """A generator of the selected backend (CuPy on a GPU), independent of :meth:`rng`."""
        child = self._ss.spawn(stream + 1001)[stream + 1000]
        if self.backend.name == "numpy":
            return np.random.default_rng(child)
        return self.backend.xp.random.default_rng(int(child.generate_state(1)[0]))

    def pick(self, quick: T, standard: T, full: T) -> T:
        """The value for this run's precision."""
        return {"quick": quick, "standard": standard, "full": full}[self.precision]

    def say(self, message: str) -> None:
        if self.progress is not None:
            self.progress(message)
