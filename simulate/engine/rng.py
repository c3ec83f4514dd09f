"""The random-number adapter: one place that draws random arrays for an array namespace.

The array API standard has no random numbers (each library keeps its own generator), so this module is the one
place that knows them: NumPy's :class:`numpy.random.Generator` on the host, ``cupy.random`` on a device, and for
any other namespace (``array_api_strict`` in the tests, or a library without a generator of its own) a host NumPy
generator whose draws are uploaded with ``xp.asarray`` (:class:`HostStream`). It is an adapter, not a backend
switch: which namespace the arrays live in is taken from them (:mod:`label_noise_lab.simulate.engine.namespace`), and
only the
generator follows it.

Samplers draw with the methods every one of these offers, CuPy's ``Generator`` included: ``random``,
``integers`` and ``standard_normal`` (no ``choice``, ``permutation``, ``shuffle``, ``normal``, ``multinomial``;
``cumulative_sum`` and ``searchsorted`` or an alias table instead). :class:`HostStream` offers only those three,
so a test on ``array_api_strict`` fails on any other.
"""
from __future__ import annotations

from typing import Any

import array_api_compat
import numpy as np

from label_noise_lab.simulate.engine.namespace import HOST, is_host, name_of, same_namespace


class HostStream:
    """A host NumPy generator whose draws land in namespace ``xp``: the same numbers on every namespace.

    Training loops draw their batch orders and pair indices from host generators (one per replica, so a
    replica reproduces a single run); on a device each draw is uploaded here, explicitly. Only the methods
    CuPy's ``Generator`` shares with NumPy's are offered.
    """

    __slots__ = ("rng", "xp")

    def __init__(self, rng: np.random.Generator, xp: Any) -> None:
        if not isinstance(rng, np.random.Generator):
            raise TypeError(f"HostStream wraps a NumPy Generator, got {type(rng).__name__}")
        self.rng, self.xp = rng, xp

    def __array_namespace__(self, api_version: Any = None) -> Any:
        return self.xp

    def random(self, size: Any = None) -> Any:
        return self.xp.asarray(self.rng.random(size))

    def integers(self, low: int, high: int | None = None, size: Any = None) -> Any:
        return self.xp.asarray(self.rng.integers(low, high, size))

    def standard_normal(self, size: Any = None) -> Any:
        return self.xp.asarray(self.rng.standard_normal(size))


def generator_namespace(rng: Any) -> Any:
    """The namespace whose arrays generator ``rng`` draws: NumPy's for a NumPy ``Generator``, CuPy's for a
    ``cupy.random`` one, ``xp`` for a :class:`HostStream`; ``None`` for anything else."""
    if isinstance(rng, (np.random.Generator, np.random.RandomState)):
        return HOST
    if isinstance(rng, HostStream):
        return rng.xp
    if type(rng).__module__.startswith("cupy"):
        import array_api_compat.cupy as cupy_xp  # type: ignore[import-not-found]  # optional: only on a device

        return cupy_xp
    return None


def generator(xp: Any, seed: int | np.random.SeedSequence) -> Any:
    """A generator of arrays of namespace ``xp`` seeded from ``seed``: NumPy's ``default_rng(seed)`` on the host;
    ``cupy.random.default_rng`` on CuPy (seeded with the sequence's first word: CuPy takes no ``SeedSequence``);
    a :class:`HostStream` over NumPy's ``default_rng(seed)`` for any other namespace (the same draws as the host).
    """
    if is_host(xp):
        return np.random.default_rng(seed)
    if array_api_compat.is_cupy_namespace(xp):
        import cupy  # type: ignore[import-not-found]  # optional dependency: only where a device is asked for

        if isinstance(seed, np.random.SeedSequence):
            seed = int(seed.generate_state(1)[0])
        return cupy.random.default_rng(seed)
    return HostStream(np.random.default_rng(seed), xp)


def check_generator(rng: Any, name: str = "rng") -> Any:
    """``rng`` itself when it is a random generator (it has ``random``, as NumPy's and CuPy's ``Generator`` and
    :class:`HostStream` do); a ``TypeError`` naming ``name`` and quoting the value otherwise (``None``, a seed)."""
    if not callable(getattr(rng, "random", None)):
        raise TypeError(f"{name} must be a random generator (numpy.random.default_rng(seed), or CuPy's), "
                        f"got {rng!r:.80}")
    return rng


def check_generators(rngs: Any, count: int, name: str = "rng") -> list[Any]:
    """``rngs``, a sequence of ``count`` random generators (one per stacked batch), as a list; ``TypeError``
    naming ``name`` for a single generator, ``None`` or a non-generator item."""
    if hasattr(rngs, "random") or not hasattr(rngs, "__iter__") or isinstance(rngs, str):
        raise TypeError(f"{name} must be a sequence of {count} generators for stacked batches, got {rngs!r:.80}")
    return [check_generator(g, f"{name}[{i}]") for i, g in enumerate(rngs)]


def check_rng(rng: Any, xp: Any) -> Any:
    """``rng`` itself when it draws arrays of namespace ``xp``; a clear ``TypeError`` otherwise.

    A NumPy generator with CuPy arrays (or the reverse) would move every draw across the bus, or fail deep
    inside; this says so at the call.
    """
    check_generator(rng)
    drawn = generator_namespace(rng)
    if drawn is None or not same_namespace(drawn, xp):
        raise TypeError(f"rng draws {name_of(drawn)} arrays but the arrays here are {name_of(xp)}; "
                        f"pass a generator of the same namespace (Context.device_rng or Backend.rng)")
    return rng


def draws_for(rng: Any, xp: Any) -> Any:
    """``rng`` when it draws ``xp`` arrays; a :class:`HostStream` when it is a host generator and ``xp`` another
    namespace; ``TypeError`` otherwise (see :func:`check_rng`)."""
    drawn = generator_namespace(rng)
    if drawn is not None and same_namespace(drawn, xp):
        return rng
    if isinstance(rng, np.random.Generator):
        return HostStream(rng, xp)
    return check_rng(rng, xp)
