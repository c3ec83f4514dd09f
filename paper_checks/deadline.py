"""The one time limit inside a process: :func:`deadline`, a ``SIGALRM`` timer that raises in the block.

Used by the runner's workers (a claim over ``--timeout``), ``explore``'s search, and every property of the
loss and margin trials (SymPy's ``simplify``, ``limit`` and ``integrate`` can run for minutes on a user's
loss). The timer interrupts pure-Python work such as SymPy's; where none is available (another thread than
the main one, or a platform without ``setitimer``) the block runs without a limit.

Limits nest: an inner block gets ``min(inner, what the outer has left)``; when the outer one is the
stricter, the inner block lets it fire with the outer's own error, and on the way out the outer timer is
re-armed with what it has left.

Once the limit is up the timer keeps firing (every :data:`REPEAT_SECONDS` at most) until the block is
left: a raise that lands where Python cannot pass it on (a finaliser run by the garbage collector, such as z3's
``Solver.__del__``) or that the block catches and goes on from is raised again, so a limit can be delayed but
never lost. Such a lost raise of the limit's own is not reported as "Exception ignored" (the block's
``sys.unraisablehook`` drops it and hands anything else on).

Every time limit of the package, on the command line, in the pytest plugin and in the API, is read by
:func:`limit_seconds` (a value) or :func:`limit_text` (an option's text): a real number of seconds with
``0 < t <= MAX_SECONDS``; anything else is a one-line ``ValueError``/``TypeError`` naming the option.
"""
from __future__ import annotations

import math
import numbers
import signal
import sys
import threading
import time
from contextlib import contextmanager
from typing import Any, Callable, Iterator

from label_noise_lab.theory.validators import quoted

#: once a limit is up, the longest the timer waits before raising again (a swallowed raise is retried)
REPEAT_SECONDS = 0.5
#: and the shortest: a repeat every few microseconds would enter the handler again while it raises
MIN_REPEAT_SECONDS = 0.01
#: the longest time limit anywhere in the package: 1,000,000 s (about 11.6 days). Longer ones overflow the
#: system's timers (``poll``'s milliseconds fit in a C ``int``: 24.8 days); "no limit" is written 0 or none
#: where an option allows it, never as a huge number
MAX_SECONDS = 1_000_000.0

#: how an option's text says "no limit" (where it allows one)
NO_LIMIT_WORDS = ("0", "none")


def limit_seconds(name: str, v: Any) -> float:
    """``v`` as a time limit: a real number (never a ``bool`` or a string) of seconds, ``0 < v <=``
    :data:`MAX_SECONDS`; a one-line ``TypeError``/``ValueError`` naming ``name`` otherwise."""
    if isinstance(v, bool) or not isinstance(v, numbers.Real):
        raise TypeError(f"{name} must be a number of seconds, got {type(v).__name__} {quoted(v)}")
    try:
        f = float(v)
    except OverflowError:
        f = math.inf
    if not (math.isfinite(f) and 0 < f <= MAX_SECONDS):
        raise ValueError(f"{name} must be a finite, positive number of seconds up to {MAX_SECONDS:g}, "
                         f"got {quoted(v)}")
    return f


def limit_text(name: str, text: str, *, no_limit: bool = True) -> float | None:
    """An option's text as a time limit (:func:`limit_seconds`); with ``no_limit``, ``0`` or ``none`` is
    ``None`` (no limit). A one-line ``ValueError`` naming ``name`` otherwise."""
    t = str(text).strip().lower()
    if no_limit and t in NO_LIMIT_WORDS:
        return None
    try:
        v = float(t)
    except ValueError:
        raise ValueError(f"{name} must be a number of seconds{' (0 for none)' if no_limit else ''}, "
                         f"got {quoted(text)}") from None
    try:
        return limit_seconds(name, v)
    except ValueError:
        raise ValueError(f"{name} must be a finite, positive number of seconds up to {MAX_SECONDS:g}"
                         f"{' (0 for none)' if no_limit else ''}, got {quoted(text)}") from None


#: the attribute that marks an error raised by a :func:`deadline`'s alarm
OWN = "raised_by_deadline"


def _own(exc: BaseException) -> BaseException:
    setattr(exc, OWN, True)
    return exc


class TimedOut(BaseException):
    """A block ran past its time limit (a ``BaseException``, like ``KeyboardInterrupt``, so that an
    ``except Exception`` inside the block, SymPy's included, does not swallow it)."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"timed out after {seconds:g} s")
        self.seconds = seconds


def timer_available() -> bool:
    """Whether :func:`deadline` can enforce a limit here (main thread, ``setitimer`` present)."""
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


@contextmanager
def deadline(seconds: float | None, error: Callable[[float], BaseException] = TimedOut) -> Iterator[None]:
    """Raise ``error(seconds)`` (default :class:`TimedOut`) in the block once ``seconds`` have passed (no
    limit for ``None``, nor where :func:`timer_available` is false)."""
    if seconds is None or not timer_available():
        yield
        return
    if not (isinstance(seconds, numbers.Real) and math.isfinite(seconds) and seconds > 0):
        raise ValueError(f"timeout must be a positive, finite number of seconds, got {quoted(seconds)}")
    outer_left, outer_every = signal.getitimer(signal.ITIMER_REAL)
    if outer_left and outer_left < seconds:
        yield  # the outer limit is the stricter one (or already up and repeating): let it fire
        return

    live = [True]  # set false first thing on the way out: from there on the handler raises nothing

    def _armed(frame: Any) -> bool:
        """Whether ``frame`` runs (or was called by) this limit's handler or its armed profile function: the alarm
        that came there, or the handler's own return, is left to them."""
        while frame is not None:
            if frame.f_code is _fire.__code__ or frame.f_code is _outside.__code__:
                return True
            frame = frame.f_back
        return False

    def _raise() -> None:
        if _held[0]:  # in a step that must not be cut in two (:func:`held`): raised as it ends
            _pending[:] = [_own(error(seconds))]
        else:
            # no local name for the error: one would tie it to this frame in a cycle, and the block's generator
            # (in the traceback) would then wait for the garbage collector to run its ``finally``
            raise _own(error(seconds))

    def _outside(frame: Any, event: str, arg: Any) -> None:
        """Armed where the alarm came in a frame that must not be cut: the limit is raised at the first event
        outside such frames (the meter's bookkeeping), or at the edge of a native library's Python layer (a call
        into it not yet begun, or a return out of it: its own work is whole)."""
        if frame.f_code is _fire.__code__:  # the handler that armed it, on its way out: not yet the interrupted code
            return
        edge = frame.f_back if event in ("call", "return") else frame
        if not live[0] or not (any(cut(frame) for cut in _UNCUT) or any(t(edge) for t in _INSIDE)):
            if sys.getprofile() is _outside:
                sys.setprofile(None)
            if live[0]:
                _raise()

    def _fire(signum: int, frame: Any) -> None:
        if not live[0] or _armed(frame):
            return
        if uncut(frame):  # z3's wrappers, a block opening or closing: raised once out of them
            if sys.getprofile() is None:  # (where a profiler holds the hook, the timer's next repeat tries again)
                sys.setprofile(_outside)
            return
        if sys.getprofile() is _outside:
            sys.setprofile(None)
        _raise()

    hook = sys.unraisablehook

    def _unraisable(u: Any) -> None:
        if not getattr(u.exc_value, OWN, False):  # a finaliser lost one of the limit's raises: it fires again
            hook(u)

    previous = signal.signal(signal.SIGALRM, _fire)
    sys.unraisablehook = _unraisable
    # a SIGALRM blocked in this thread (a mask inherited from whatever started Python) would hold the
    # signal pending and the limit would never come: unblocked within, as it was on the way out
    mask = getattr(signal, "pthread_sigmask", None)
    was_blocked = mask is not None and signal.SIGALRM in mask(signal.SIG_BLOCK, [])
    if was_blocked:
        signal.sigtimedwait([signal.SIGALRM], 0)  # a stale pending one is dropped, not raised as this limit
        mask(signal.SIG_UNBLOCK, [signal.SIGALRM])
    start = time.monotonic()
    try:
        signal.setitimer(signal.ITIMER_REAL, seconds, max(min(seconds, REPEAT_SECONDS), MIN_REPEAT_SECONDS))
        yield
    finally:
        # A raise from the handler on the way out would skip the rest and leave the timer armed under the
        # previous handler (the default one ends the process: a 0.1 ms limit killed a test worker so). The
        # store below runs before any point where CPython calls a signal handler, so the rest is safe.
        live[0] = False
        signal.setitimer(signal.ITIMER_REAL, 0)
        if sys.getprofile() is _outside:
            sys.setprofile(None)
        signal.signal(signal.SIGALRM, previous)
        sys.unraisablehook = hook
        if was_blocked:
            mask(signal.SIG_BLOCK, [signal.SIGALRM])
        if outer_left:  # re-arm the outer timer with what it has left (and its repeat)
            signal.setitimer(signal.ITIMER_REAL, max(outer_left - (time.monotonic() - start), 1e-3), outer_every)


#: tests of the interrupted frame where a limit's raise would cut bookkeeping in two (registered with
#: :func:`never_cut`): the limit is raised at the first call or return outside such frames instead (a one-shot
#: profile function; where a profiler holds that hook, at the timer's next repeat)
_UNCUT: list[Callable[[Any], bool]] = []


def never_cut(test: Callable[[Any], bool]) -> None:
    """Register ``test(frame)``: where it is true for the frame a limit's alarm interrupts, the raise waits until
    the first call or return where it is false (:mod:`paper_checks.work` registers its blocks' opening and closing:
    a raise there left a limit open for every later test of a worker; and z3's Python layer, where a raise between
    making an AST and taking its reference corrupted z3's heap)."""
    if test not in _UNCUT:
        _UNCUT.append(test)


def uncut(frame: Any) -> bool:
    """Whether a stop must not be raised in ``frame`` (a test registered by :func:`never_cut` or
    :func:`never_inside` says so)."""
    return any(cut(frame) for cut in _UNCUT) or any(t(frame) for t in _INSIDE)


#: tests of a frame that runs a native library's Python layer (registered with :func:`never_inside`)
_INSIDE: list[Callable[[Any], bool]] = []


def never_inside(test: Callable[[Any], bool]) -> None:
    """Register ``test(frame)``: true where ``frame`` (or one that called it) runs code that a raise must not cut in
    two, as :func:`never_cut`'s, but whose calls may be refused before they begin and whose returns replaced by the
    limit's raise (z3's Python layer, :func:`paper_checks.work.native_frames`): a limit's alarm that comes inside it
    is raised at the first call into it or return out of it from outside."""
    if test not in _INSIDE:
        _INSIDE.append(test)


#: how many :func:`held` blocks are open, and the limit that came up in them (raised as the last one ends)
_held = [0]
_pending: list[BaseException] = []


@contextmanager
def held() -> Iterator[None]:
    """Hold the time limit back within the block: a limit of :func:`deadline` that comes up there is raised as the
    block ends, not in the middle (z3's ``Context()`` cut in two leaves a half-made context whose finaliser prints
    an error). For short steps only: the limit waits for them."""
    _held[0] += 1
    try:
        yield
    finally:
        _held[0] -= 1
        came = _pending.pop() if not _held[0] and _pending else None  # never left for a later block to raise
    if came is not None:  # (ended by an exception, the block raises that one; the limit's timer fires again)
        raise came


def raise_or_hold(exc: BaseException) -> None:
    """Raise ``exc``, a limit's stop (marked as the limit's own), now, or where a :func:`held` block is open, as that
    block ends (the work meter of :mod:`paper_checks.work` stops so too)."""
    setattr(exc, OWN, True)
    if _held[0]:
        _pending[:] = [exc]
        return
    raise exc


def disarm() -> None:
    """Within a :func:`deadline` block whose limit has come up and been handled: no more raises until the
    block is left (an outer timer is still re-armed on the way out). Where no timer is available, nothing."""
    if timer_available():
        signal.setitimer(signal.ITIMER_REAL, 0)
