"""Data functions shared by a check and its figures.

A check's computation is factored into a *data function* ``f(ctx) -> data`` that both the check
and the figures of ``python -m label_noise_lab.figures`` call, so a figure plots exactly the numbers the report
quotes (same settings, same random stream of the claim, same precision). Inside
:func:`sharing` (``python -m paper_checks run --figures``), :func:`figure_data` memoises a data
function on ``(claim id, seed, precision, backend)`` so that drawing the figures of the claims
just run does not repeat their computation; outside it nothing is memoised, so a changed setting
(a test's monkeypatch) is never answered from a stale result.
"""
from __future__ import annotations

import contextlib
import dataclasses
import functools
import pickle
from collections import OrderedDict
from typing import Any, Callable, Iterator, TypeVar

from paper_checks.context import Context

T = TypeVar("T")
_CACHE: OrderedDict[tuple[Any, ...], Any] = OrderedDict()
#: at most this many results are kept (the largest, training curves, are a few MB)
CACHE_SIZE = 16
#: results that worker processes computed (:func:`absorb`), kept until the run ends (:func:`clear`): outside the
#: LRU above, so that a run of many claims does not evict the data of the first ones before their figures are
#: drawn (it did: drawing then computed again a minute of training runs)
_ABSORBED: dict[tuple[Any, ...], Any] = {}
_SHARING = False


@contextlib.contextmanager
def sharing() -> Iterator[None]:
    """Memoise data functions while inside (a run and the drawing of its figures); forget on exit."""
    global _SHARING
    outer = _SHARING
    _SHARING = True
    try:
        yield
    finally:
        _SHARING = outer
        if not outer:
            clear()


def figure_data(fn: Callable[..., T]) -> Callable[..., T]:
    """Run ``fn`` in a fresh copy of ``ctx``; inside :func:`sharing`, memoise it on the context's claim id,
    seed, precision, backend and ``args`` (hashable).

    The result is shared, not copied: callers must not modify it in place.
    """

    @functools.wraps(fn)
    def wrapper(ctx: Context, *args: Any) -> T:
        if not _SHARING:
            return fn(dataclasses.replace(ctx), *args)
        key = (fn.__module__, fn.__qualname__, ctx.claim_id, int(ctx.seed), ctx.precision, ctx.backend.name, *args)
        if key in _ABSORBED:
            return _ABSORBED[key]
        if key in _CACHE:
            _CACHE.move_to_end(key)
            return _CACHE[key]
        # a fresh copy of the context: ``Context.rng(k)`` spawns from the claim's SeedSequence, whose
        # spawn counter moves with every call, so stream k would otherwise depend on what the caller
        # drew before; the copy makes the data the same for the check and for its figure
        value = fn(dataclasses.replace(ctx), *args)
        _CACHE[key] = value
        while len(_CACHE) > CACHE_SIZE:
            _CACHE.popitem(last=False)
        return value

    wrapper.uncached = fn  # type: ignore[attr-defined]
    return wrapper


def clear() -> None:
    """Forget every memoised result."""
    _CACHE.clear()
    _ABSORBED.clear()


def shared(claim_id: str) -> list[tuple[tuple[Any, ...], bytes]]:
    """Inside :func:`sharing`: the memoised results of ``claim_id``'s data functions, pickled, to hand to
    another process (a worker sends them back with the claim's evidence); a result that does not pickle
    (it holds a lambda) is left out, to be computed again where it is needed; ``[]`` outside :func:`sharing`."""
    out = []
    for k, v in (_CACHE.items() if _SHARING else ()):
        if k[2] == claim_id:
            try:
                out.append((k, pickle.dumps(v, protocol=pickle.HIGHEST_PROTOCOL)))
            except Exception:  # noqa: BLE001 (any pickling failure: the figure recomputes it)
                continue
    return out


def absorb(entries: list[tuple[tuple[Any, ...], bytes]]) -> None:
    """Inside :func:`sharing`: keep results that another process computed (:func:`shared`) until the sharing
    ends (the caller absorbs only what its figures will draw); no-op outside."""
    if not _SHARING:
        return
    for k, raw in entries:
        _ABSORBED[k] = pickle.loads(raw)
