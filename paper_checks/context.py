"""What a check is given: precision, backend, and its own random stream."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any, Callable, TypeVar

import numpy as np

from label_noise_lab.simulate.engine.devices import Backend
from paper_checks.precisions import PRECISIONS, PROVE_WORK  # noqa: F401 (PROVE_WORK: read here by api, explore)

T = TypeVar("T")


def claim_seed(seed: int, claim_id: str) -> np.random.SeedSequence:
    """An independent seed sequence for one claim, from the global seed and the claim id.

    A claim's stream does not depend on which other claims ran (docs/design.md, "Randomness").
    """
    digest = hashlib.sha256(claim_id.encode()).digest()
    words = [int.from_bytes(digest[i : i + 4], "little") for i in range(0, 16, 4)]
    return np.random.SeedSequence([int(seed), *words])


#: the stream address of a claim that ``explore`` searches in (the same for the API and the CLI)
EXPLORE_STREAM = 99

DEVICE_OFFSET = 1000
"""Integer device streams live at spawn keys ``1000 + k`` (host streams at ``k``)."""


def _address_key(address: int | str) -> int:
    """The spawn-key word for a stream address; a clear error for anything else."""
    if isinstance(address, str):
        if not address:
            raise ValueError("a stream name must be a non-empty string, got ''")
        return (1 << 32) + int.from_bytes(hashlib.sha256(address.encode()).digest()[:8], "little")
    if isinstance(address, bool) or not isinstance(address, (int, np.integer)) or not 0 <= int(address) < DEVICE_OFFSET:
        raise ValueError(f"a stream address must be a name or an integer in [0, {DEVICE_OFFSET}), got {address!r}")
    return int(address)


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

    def seed_sequence(self, address: int | str, *, device: bool = False) -> np.random.SeedSequence:
        """The seed sequence at ``address`` of this claim's tree (no state: same address, same stream).

        Integers ``k`` address spawn key ``(k,)`` for host streams and ``(1000 + k,)`` for
        device streams (the keys the first ``spawn`` call used to hand out); a name addresses
        a 64-bit key hashed from it, so named streams never meet the integer ones.
        """
        key = _address_key(address) + (DEVICE_OFFSET if device and not isinstance(address, str) else 0)
        if device and isinstance(address, str):
            key = _address_key("device:" + address)
        return np.random.SeedSequence(self._ss.entropy, spawn_key=(*self._ss.spawn_key, key))

    def rng(self, stream: int | str = 0) -> np.random.Generator:
        """The host NumPy generator at address ``stream`` (an int >= 0 or a name).

        Calling it twice with one address gives two generators of the same stream; one
        address's draws do not depend on which other streams were asked for first.
        """
        return np.random.default_rng(self.seed_sequence(stream))

    def device_rng(self, stream: int | str = 0) -> Any:
        """The generator of the selected backend (CuPy on a GPU) at address ``stream``.

        Independent of every :meth:`rng` stream; same address, same stream.
        """
        return self.backend.rng(self.seed_sequence(stream, device=True))

    @property
    def prove_work(self) -> float:
        """The prover's work budget at this run's precision (:data:`PROVE_WORK`): pass it as
        ``prove(space, work=ctx.prove_work)`` so that the claim's proof is the same on every machine."""
        return PROVE_WORK[self.precision]

    def pick(self, quick: T, standard: T, full: T) -> T:
        """The value for this run's precision."""
        return {"quick": quick, "standard": standard, "full": full}[self.precision]

    def say(self, message: str) -> None:
        if self.progress is not None:
            self.progress(message)
