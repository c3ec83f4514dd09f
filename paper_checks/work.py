"""Work, not the wall clock: the prover's one measure of what a step costs, so that a proof takes the same route
on any machine.

Every choice the prover makes while it runs (when a sweep starts, what a closure's step may spend, what a nested
sub-proof gets, when a SymPy step is given up) compares *work* spent against a share of a work budget. Work is
counted here, by a meter, in **work units**, from deterministic events only, never the clock:

- SymPy's own work, seen at two places every SymPy computation passes through: an object made
  (``Basic.__new__``, :data:`NEW_CALLS`) and a cached function computed (a miss of one of ``sympy.core.cache``'s
  ``cacheit`` caches, :data:`MISS_CALLS`), counted in the thread's counted blocks (each :func:`limit`, and
  :func:`counted`);
- the dense steps of SymPy's polynomial arithmetic that make no SymPy object: real-root isolation's shifts
  (:data:`ROOT_STEPS`), and products and divisions over a ring or a finite field (:data:`DENSE_PRODUCTS`), weighted
  by the coefficients they touch;
- what a caller charges (:func:`charge`): a box of the proof and its enclosure evaluations (``prove.BOX_STEP_WORK``,
  a fixed part and a part a node), a step run in a child process (its own count);
- z3 is held by its own deterministic ``rlimit`` (:mod:`paper_checks.prover.algebraic.solver`), python-flint's calls
  by the SymPy work around them.

The events are weighted in *calls*, the meter's old measure (it counted every Python call with ``sys.setprofile``):
one unit is :data:`CALLS_PER_UNIT` calls, and the weights make a SymPy step's count what its calls were, within
about 20 % (the prover's held-out set, ``benchmarks/RESULTS.md``), so that a budget means what it meant. The
count depends on the code, the SymPy version, the input and the hash seed; not on the machine's speed, its load,
the garbage collector, signals or what else runs beside it: no event is a call the interpreter makes on its own (a
signal handler, a finaliser), and nothing reads a clock (beside 24 busy processes a proof of 0.96 units counted two
events differently, 0.004 %, cause not isolated; the old meter's count doubled there). One unit is about a second of
SymPy work on a quiet 2-core laptop of 2026 as the old meter ran it (``benchmarks/RESULTS.md``, "Work units").
Work no event sees (a loop of plain Python, the rest of the polynomial arithmetic, a long C routine) is not counted: a
step made of it is stopped by the wall-clock net only (a multivariate factorisation counts about an eighth of its Python
calls through its products and divisions, a two-thousandth without them).

    from paper_checks import work

    with work.metered():                       # the meter runs in this block (nested blocks share one count)
        start = work.now()
        try:
            with work.limit(2.0):              # raises TimedOut once 2 units were spent in the block
                step()
        except TimedOut:
            ...                                # the step is given up at the same point on every machine
        spent = work.now() - start

Limits nest as :func:`paper_checks.deadline.deadline`'s do: an inner block gets ``min(inner, what the outer has
left)``, and where the outer is the stricter the outer's own error is raised. A stop is raised at an event, inside
SymPy; never where a raise would cut native bookkeeping in two (:func:`native_frames`: z3's Python layer, whose
object made and not yet referenced, then released by its finaliser, corrupted z3's heap, issue 68), nor in the
meter's own bookkeeping: there it waits for the next event. A limit that comes up inside
:func:`paper_checks.deadline.held` (z3's ``Context()``, which must not be cut in two) is raised as that block ends.
A stop that a step swallows inside its limit's block is raised again after :data:`REFIRE_CALLS` calls, so that no block
counts on past its limit. The wall clock is no part of a limit: a limit is counted work alone, so no wall-clock limit
inside a computation chooses its route. A call's one net (:func:`paper_checks.prover.outset.net`, a loss trial's
``--timeout``) is armed at its top, for :func:`net_for` its budget where the user gave no seconds: it only interrupts,
and the call then says so, never giving another answer.

The meter costs little: a Python call per event, a few hundred times fewer than the calls it stands for (a SymPy mix
1.0x in a counted block, ``benchmarks/bench_meter.py``; the profile function of the old meter made it 2.3 to 3.8 times
slower). It leaves
``sys.setprofile`` to profilers. Threads have meters of their own.
"""
from __future__ import annotations

import functools
import math
import sys
import threading
import time
from contextlib import ExitStack, contextmanager
from typing import Any, Callable, Iterator

from paper_checks import deadline as _deadline
from paper_checks.deadline import TimedOut

#: calls in one work unit (the old meter's measure: about a second of metered SymPy work on a quiet 2-core laptop of
#: 2026, which counted 1.5 million calls a second there)
CALLS_PER_UNIT = 1_500_000
#: the calls a SymPy object made (``Basic.__new__``) stands for, and a cached SymPy function computed (a cache miss):
#: fitted to the calls of the prover's held-out set (20 true margins and 10 false neighbours, each case's calls
#: against its events, relative least squares: 103 and 157; ``benchmarks/RESULTS.md``, issue 68)
NEW_CALLS = 160
MISS_CALLS = 100
#: a call's default wall-clock net, in seconds a unit of its work budget (and at least :data:`NET_LEAST_SECONDS`):
#: ten times what a unit takes on that laptop, so that it fires only on a machine ten times slower or busier (or on a
#: step the meter does not see, a long C routine); the one place this rate is set (:func:`net_for`)
NET_SECONDS_PER_UNIT = 10.0
NET_LEAST_SECONDS = 60.0

#: no limit (the stop of a meter with no open :func:`limit`)
_NEVER = float("inf")


class _State(threading.local):
    """One thread's meter: the calls counted, the open limits (their stops in calls, innermost last) and how many
    :func:`metered` blocks are open."""

    def __init__(self) -> None:
        self.calls = 0
        self.stop: float = _NEVER  # the innermost open limit's stop, in calls
        self.limits: list[tuple[float, Callable[[float], BaseException], float]] = []
        self.depth = 0
        self.counting = 0  # how many counted blocks are open: SymPy's events count while one is
        self.stops = 0  # how many stops were raised (or held) here, by the count or by a wall-clock net


_state = _State()


#: the hooks are in place (SymPy's ``Basic.__new__``; the cached functions of ``sympy.core.cache.CACHE`` hooked so
#: far, by number)
_HOOKED = {"new": False, "cache": 0, "roots": False, "dense": False, "order": False}


def _hook_new() -> None:
    from sympy.core.basic import Basic

    made = Basic.__new__

    def __new__(cls: Any, *args: Any) -> Any:  # noqa: N807 (Basic's own name: a SymPy object made)
        st = _state
        if st.counting:
            st.calls += NEW_CALLS
            if st.calls >= st.stop and not _deadline.uncut(sys._getframe(1)):
                _fire(st)
        return made(cls, *args)

    __new__.__wrapped__ = made  # type: ignore[attr-defined]
    Basic.__new__ = staticmethod(__new__)
    _HOOKED["new"] = True
    _UNHOOK.append(lambda: setattr(Basic, "__new__", staticmethod(made)))


def _missed(func: Callable[..., Any]) -> Callable[..., Any]:
    """``func`` (a function SymPy caches), counting each call: the cache calls it on a miss only."""

    def computed(*args: Any, **kwargs: Any) -> Any:
        st = _state
        if st.counting:
            st.calls += MISS_CALLS
            if st.calls >= st.stop and not _deadline.uncut(sys._getframe(1)):
                _fire(st)
        return func(*args, **kwargs)

    return computed


def _hook_cache() -> None:
    """Count the misses of SymPy's caches: each ``cacheit`` wrapper's cache (the ``cfunc`` of its closure) replaced
    by one of the same size around a counting ``func``; those made since the last look (a module imported since)
    too. A wrapper of another shape (``SYMPY_USE_CACHE=debug``) is left as it is."""
    from sympy.core.cache import CACHE

    for wrapper in CACHE[_HOOKED["cache"]:]:
        code, cells = getattr(wrapper, "__code__", None), getattr(wrapper, "__closure__", None) or ()
        names = dict(zip(code.co_freevars, cells)) if code is not None else {}
        old = names.get("cfunc")
        if old is None or "func" not in names or not hasattr(old.cell_contents, "cache_parameters"):
            continue
        was = old.cell_contents
        params = was.cache_parameters()
        new = functools.lru_cache(params["maxsize"], typed=params["typed"])(_missed(names["func"].cell_contents))
        old.cell_contents = new
        wrapper.cache_info, wrapper.cache_clear = new.cache_info, new.cache_clear
        _UNHOOK.append(functools.partial(_put_back, wrapper, old, was))
    _HOOKED["cache"] = len(CACHE)


#: the dense polynomial steps of SymPy's real-root isolation (``sympy.polys.rootisolation``), counted as events: each
#: makes no SymPy object, and SymPy's assumptions isolate the roots of a derivative to ask a polynomial's sign
#: (``_monotonic_sign``): MetiTarski's ``nfm-middle-right-verify-1`` spent minutes in one degree-17 polynomial's
#: isolation, uncounted
ROOT_STEPS = ("dup_shift", "dup_transform", "dup_scale", "dup_mirror", "dup_sign_variations", "dup_eval")
#: the calls one step stands for, per coefficient operation (a Taylor shift of degree ``n`` is ``n^2/2`` of them) and
#: 64 bits of its largest coefficient: a shift of degree 17 with 85-bit coefficients, about 20 microseconds
ROOT_STEP_CALLS = 0.25


def _root_step(func: Callable[..., Any]) -> Callable[..., Any]:
    """``func`` (a dense step of root isolation, its polynomial first), counting its coefficient operations."""

    def computed(f: Any, *args: Any, **kwargs: Any) -> Any:
        st = _state
        if st.counting:
            n = len(f)
            try:
                bits = max((abs(int(c)).bit_length() for c in f), default=0)
            except (TypeError, ValueError):  # coefficients that are no integers: a machine word's worth
                bits = 64
            st.calls += int(ROOT_STEP_CALLS * n * n * (bits // 64 + 1)) + 1
            if st.calls >= st.stop and not _deadline.uncut(sys._getframe(1)):
                _fire(st)
        return func(f, *args, **kwargs)

    return computed


def _hook_roots() -> None:
    """Count the dense steps of SymPy's real-root isolation (:data:`ROOT_STEPS`), module by module name."""
    from sympy.polys import rootisolation

    for name in ROOT_STEPS:
        plain = getattr(rootisolation, name, None)
        if plain is None:
            continue
        setattr(rootisolation, name, _root_step(plain))
        _UNHOOK.append(functools.partial(setattr, rootisolation, name, plain))
    _HOOKED["roots"] = True


#: the dense products and divisions of SymPy's polynomial arithmetic, over a ring (``sympy.polys.densearith``) or a
#: finite field (``sympy.polys.galoistools``), wherever a module of ``sympy.polys`` holds them, counted as events: they
#: make no SymPy object, and a multivariate factorisation (Wang's Hensel lifting under ``separatevars``: MetiTarski's
#: ``Mastellone2c``) or a subresultant chain over ``QQ<I>`` (``tan-2-2var``) ran for minutes in them, uncounted, until
#: the wall-clock net came. Each: its module, its name, and how many polynomials it takes (1: a square)
DENSE_PRODUCTS = (("densearith", "dup_mul", 2), ("densearith", "dup_sqr", 1), ("densearith", "dup_rr_div", 2),
                  ("densearith", "dup_ff_div", 2), ("densearith", "dup_prem", 2), ("galoistools", "gf_mul", 2),
                  ("galoistools", "gf_sqr", 1), ("galoistools", "gf_div", 2), ("galoistools", "gf_rem", 2))
#: the calls one product stands for, per pair of coefficients multiplied (as :data:`ROOT_STEP_CALLS`), and one more
DENSE_PRODUCT_CALLS = 0.25


def _product(func: Callable[..., Any], polys: int) -> Callable[..., Any]:
    """``func`` (a dense product or division of ``polys`` polynomials, its first arguments), counting its pairs of
    coefficients."""

    def computed(*args: Any, **kwargs: Any) -> Any:
        st = _state
        if st.counting:
            f = args[0]
            st.calls += int(DENSE_PRODUCT_CALLS * len(f) * len(args[polys - 1])) + 1
            if st.calls >= st.stop and not _deadline.uncut(sys._getframe(1)):
                _fire(st)
        return func(*args, **kwargs)

    return computed


def _hook_dense() -> None:
    """Count SymPy's dense products (:data:`DENSE_PRODUCTS`) in every module of ``sympy.polys`` that holds them."""
    import importlib

    for home, name, polys in DENSE_PRODUCTS:
        plain = getattr(importlib.import_module(f"sympy.polys.{home}"), name)
        counting = _product(plain, polys)
        for module in [m for k, m in list(sys.modules.items()) if k.startswith("sympy.polys") and m is not None]:
            if getattr(module, name, None) is plain:
                setattr(module, name, counting)
                _UNHOOK.append(functools.partial(setattr, module, name, plain))
    _HOOKED["dense"] = True


def _hook_order() -> None:
    """SymPy's assumptions asked in one order, sorted by name: ``sympy.core.assumptions._ask`` shuffles the facts it
    asks next with a generator of its own, so that the order (and the work) of every later question depended on how
    many had been asked before in the process, not only in the proof: PHuber-CE below CE's one-variable sub-proof took
    0.43 units alone and 0.56 after another test's proof, past its 0.54 (its statement undecided; CI failed once in
    three runs). Seeding the generator at each proof (:func:`seeded`) left that: a node that kept a fact from an earlier
    proof asked fewer questions, and every shuffle after it came out differently."""
    import importlib

    assumptions = importlib.import_module("sympy.core.assumptions")  # (the name in sympy.core is a function)
    was = assumptions.shuffle
    setattr(assumptions, "shuffle", list.sort)  # noqa: B010 (a module attribute SymPy does not declare)
    _HOOKED["order"] = True
    _UNHOOK.append(lambda: setattr(assumptions, "shuffle", was))


def _put_back(wrapper: Any, cell: Any, cfunc: Any) -> None:
    cell.cell_contents = cfunc
    wrapper.cache_info, wrapper.cache_clear = cfunc.cache_info, cfunc.cache_clear


#: what puts SymPy back as it was (:func:`_unhook`)
_UNHOOK: list[Callable[[], None]] = []


def _unhook() -> None:
    """SymPy as it was before the hooks (``benchmarks/bench_meter.py`` times the prover without them; the next
    counted block puts them in place again)."""
    while _UNHOOK:
        _UNHOOK.pop()()
    _HOOKED.update(new=False, cache=0, roots=False, dense=False, order=False)


def _hooks() -> None:
    """The hooks in place (once; SymPy's cached functions made since, each time a counted block opens)."""
    if not _HOOKED["new"]:
        _hook_new()
    if not _HOOKED["roots"]:
        _hook_roots()
    if not _HOOKED["dense"]:
        _hook_dense()
    if not _HOOKED["order"]:
        _hook_order()
    from sympy.core.cache import CACHE

    if len(CACHE) != _HOOKED["cache"]:
        _hook_cache()


#: the context managers' own ``__enter__`` and ``__exit__`` (the calls that open and close a :func:`limit`)
_MANAGER = type(contextmanager(lambda: iter([None]))())
_MANAGERS = frozenset(f.__code__ for f in (_MANAGER.__enter__, _MANAGER.__exit__))


def _bookkeeping(frame: Any) -> bool:
    """Whether a call comes from the meter's own bookkeeping (this module's functions, or the context managers
    that open and close its blocks, within three frames): a stop that comes due there waits for the next event
    after it. A raise inside a ``finally`` skips the rest of it, and a raise at a context manager's ``__exit__``
    leaves its block open until the garbage collector closes it: a counted block left open in a test worker counted
    every later test. Looked at only when a stop comes due, so it costs nothing per event."""
    for _ in range(3):
        if frame is None:
            return False
        code = frame.f_code
        if code.co_filename == __file__ and code.co_name not in _EVENTS or code in _MANAGERS:
            return True
        frame = frame.f_back
    return False


#: this module's hooks, which raise a stop on their caller's behalf (not bookkeeping: a cached function computed makes
#: objects within three frames of its hook)
_EVENTS = frozenset({"__new__", "computed"})  # (_root_step's wrapper is a "computed" too)

_deadline.never_cut(_bookkeeping)  # nor does a time limit's alarm cut a block's opening or closing in two

#: the modules whose Python code wraps native objects: a stop raised in it (between making an object and taking its
#: reference, or in its finaliser) leaves the native library's own counts wrong
NATIVE_MODULES = ("z3", "ctypes")


def native_frames(frame: Any) -> bool:
    """Whether ``frame`` or one that called it runs the Python layer of a native library (:data:`NATIVE_MODULES`):
    z3's wrappers make an AST, then take a reference to it (``Z3_inc_ref``); a stop raised in between left a Python
    object whose finaliser gave back a reference it never took, and z3 freed an AST still in use: ``invalid dec_ref
    command``, an assertion in ``ast.cpp``, a segmentation fault or glibc's ``free(): invalid pointer`` later, in
    whatever ran next (issue 68: ``sympy.diff`` under ``kink_split`` at load 60-70). A stop waits until no such frame
    is left (the meter: its next event; a time limit's alarm: the first call or return outside,
    :func:`paper_checks.deadline.deadline`)."""
    while frame is not None:
        name = frame.f_globals.get("__name__", "")
        if name.partition(".")[0] in NATIVE_MODULES:
            return True
        frame = frame.f_back
    return False


_deadline.never_inside(native_frames)


#: the calls after a stop before it is raised again while its limit is still open: a stop that a step took for its
#: own and swallowed (a nested proof's ``except OutOfWork`` around a limit that let the stricter outer one fire) is
#: raised again, so that no block runs on past its limit counting work it may not spend (``ellipse-check-2-weak2``
#: counted 1,802 units of a 22.5-unit budget until the wall-clock net came); a step's own clean-up after a stop has
#: this much (about a hundredth of a unit)
REFIRE_CALLS = 15_000


def _fire(st: _State) -> None:
    stop, error, units = st.limits[-1]
    st.stop = st.calls + REFIRE_CALLS  # raised again after that many calls while the limit is open
    st.stops += 1
    _deadline.raise_or_hold(error(units))  # z3's Context() and such: raised as the held block ends


def _on(st: _State) -> None:
    """One more counted block: SymPy's events count while one is open."""
    _hooks()
    st.counting += 1


def _off(st: _State, to: int | None = None) -> None:
    """A counted block ends (``to``: the count of counted blocks as it was when the block opened, so that a block
    whose opening was cut short by a raise is closed all the same)."""
    st.counting = st.counting - 1 if to is None else to


def now() -> float:
    """The work units this thread's meter has counted: the calls of its counted blocks (each :func:`limit`, and
    :func:`counted`) and what was charged (:func:`charge`)."""
    return _state.calls / CALLS_PER_UNIT


def calls() -> int:
    """The raw count of calls (for a record of work spent that must compare exactly)."""
    return _state.calls


def stops() -> int:
    """How many stops this thread's limits have raised (or held), by the count or by a wall-clock net: a caller that
    compares it before and after a block knows whether a stop came in it, even where the block's code swallowed the
    stop and raised something else (mpmath's interval comparison turns any raise in it into a ``TypeError``)."""
    return _state.stops


@contextmanager
def metered() -> Iterator[None]:
    """Run the meter in the block (nested blocks share the count)."""
    st = _state
    st.depth += 1
    try:
        yield
    finally:
        st.depth -= 1


@contextmanager
def counted() -> Iterator[None]:
    """Count the events of the block (a :func:`limit` counts its own; this counts where no limit is open)."""
    st = _state
    was = st.counting
    try:
        _on(st)
        yield
    finally:
        _off(st, was)


@contextmanager
def paused() -> Iterator[None]:
    """Count nothing in the block: for waiting on a child process (:mod:`paper_checks.prover.timebox`), whose polls
    are as many as the child takes time, so would count the machine's speed; the child's own work is charged."""
    st = _state
    was, st.counting = st.counting, 0
    try:
        yield
    finally:
        st.counting = was


def _restop(st: _State) -> None:
    st.stop = min((s for s, _, _ in st.limits), default=_NEVER)


@contextmanager
def limit(units: float | None, error: Callable[[float], BaseException] = TimedOut, *,
          count: bool = True, net: float | None = None) -> Iterator[None]:
    """Raise ``error(units)`` (default :class:`~paper_checks.deadline.TimedOut`) in the block once ``units`` of work
    were spent in it (no limit for ``None``). An outer limit with less left fires with its own error. ``count``: the
    block's calls are counted (a SymPy step); False for a block whose work is charged (:func:`charge`) and counted
    only in the limits open inside it (a whole proof: its boxes are charged, its SymPy steps counted). ``net``: a
    wall-clock net of ``net`` seconds around the block, for a caller at the top that holds no other (a loss trial's
    cell: :func:`net_for`); ``None`` (default): none, the limit is counted work alone, so that no clock chooses a
    route inside a computation. A net that fires raises ``error(units)`` marked with :data:`NET`
    (:func:`net_seconds` reads it)."""
    if units is None:
        with counted() if count else ExitStack():
            yield
        return
    if not units == units or units < 0:  # NaN or negative: nothing may be spent
        units = 0.0
    st = _state
    stop = st.calls + units * CALLS_PER_UNIT
    if st.limits and min(s for s, _, _ in st.limits) <= stop and net is None:
        with counted() if count else ExitStack():
            yield  # the outer limit is the stricter: let it fire
        return
    was, depth = st.counting, len(st.limits)  # what the block puts back, however far its opening came
    nets = ExitStack()
    held = _globals()
    try:
        if count:
            _on(st)
        st.limits.append((stop, error, units))
        _restop(st)
        if net is not None:
            with paused():  # arming the net reads the clock: no count may depend on it
                nets.enter_context(_deadline.deadline(net, error=_NetFired))
        yield
    except _NetFired as fired:  # the net: the limit's own error, marked as the net's
        exc = error(units)
        setattr(exc, _deadline.OWN, True)
        setattr(exc, NET, fired.seconds)
        raise exc from None
    finally:
        with paused():
            nets.close()
            _restore(held)
        del st.limits[depth:]
        _restop(st)
        if count:
            _off(st, was)


def _globals() -> tuple[Any, ...]:
    """SymPy's and mpmath's global settings that a block sets and puts back in a ``finally``: ``evaluate``,
    ``distribute``, the working precisions."""
    import mpmath
    from sympy.core.parameters import global_parameters as gp

    return gp.evaluate, gp.distribute, mpmath.mp.prec, mpmath.iv.prec


def _restore(held: tuple[Any, ...]) -> None:
    """Put back what :func:`_globals` read. A stop raised at a call inside such a ``finally`` (SymPy's
    ``evaluate(False)`` block putting ``evaluate`` back) skipped the rest of it: ``evaluate`` stayed False for every
    later test of that process, and ``2 > 15`` could not be decided."""
    if _globals() != held:
        import mpmath
        from sympy.core.parameters import global_parameters as gp

        gp.evaluate, gp.distribute, mpmath.mp.prec, mpmath.iv.prec = held


class _NetFired(BaseException):
    """A :func:`limit`'s wall-clock net came (raised again as the limit's own error)."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"the wall-clock net of {seconds:g} s came")
        self.seconds = seconds
        _state.stops += 1  # made only where the net's alarm raises it (or holds it in a held block)


#: the attribute of a :func:`limit`'s error that its wall-clock net raised: the net's seconds
NET = "wall_clock_net"


def net_seconds(exc: BaseException) -> float | None:
    """The seconds of the wall-clock net that raised ``exc`` (a :func:`limit`'s error), None where the work ran out:
    the one stop that depends on the machine, which a caller says in words ("a time limit, a safety net")."""
    return getattr(exc, NET, None)


def net_for(units: float) -> float:
    """A call's default wall-clock net for a work budget of ``units`` (seconds, generous: :data:`NET_SECONDS_PER_UNIT`
    a unit, at least :data:`NET_LEAST_SECONDS`, at most :data:`paper_checks.deadline.MAX_SECONDS`)."""
    return min(max(NET_LEAST_SECONDS, NET_SECONDS_PER_UNIT * units), _deadline.MAX_SECONDS)


#: the largest work budget or limit, in units: about eleven days of work
MAX_UNITS = 1_000_000.0


def units(name: str, v: Any) -> float:
    """``v`` as a work budget or limit, the package's one rule: a real number (never a ``bool`` or a string) of
    units, ``0 < v <=`` :data:`MAX_UNITS` (compared before any conversion: ``10**400`` is refused, not an
    ``OverflowError``); a one-line ``TypeError``/``ValueError`` naming ``name`` otherwise."""
    import math
    import numbers

    from label_noise_lab.theory.validators import quoted

    if isinstance(v, bool) or not isinstance(v, numbers.Real):
        raise TypeError(f"{name} must be a number of work units, got {type(v).__name__} {quoted(v, 80)}")
    try:
        ok = 0 < v <= MAX_UNITS  # type: ignore[operator]  # numbers.Real declares no comparison
    except (TypeError, ValueError, ArithmeticError):
        ok = False
    if not ok or not math.isfinite(float(v)):
        raise ValueError(f"{name} must be a finite, positive number of work units up to {MAX_UNITS:g}, got "
                         f"{quoted(v, 80)}")
    return float(v)


def left_open() -> str | None:
    """What this thread's meter still holds with no block of it open (limits, counted blocks), or None: a block whose
    generator was never closed leaves it, and a stale limit then fires in a later, unrelated computation with its
    own error. Tests check it after each test (``tests/conftest.py``)."""
    st = _state
    held_open = [f"{len(st.limits)} limit(s)" if st.limits else "", f"{st.counting} counted block(s)" if st.counting
                 else ""]
    return ", ".join(h for h in held_open if h) or None


def reset() -> None:
    """Empty this thread's meter of what :func:`left_open` names (a test's teardown); the count is kept."""
    st = _state
    st.limits.clear()
    st.stop, st.counting, st.depth = _NEVER, 0, 0


def uncount(calls: int) -> None:
    """Take back ``calls`` counted (work that is no proof's: :func:`paper_checks.prover.process.warm_up`)."""
    _state.calls -= calls


def left() -> float:
    """The units left before the innermost open limit of this thread (``inf`` where none is open): what a step that
    spends outside the count (a z3 question, charged after it) may still ask for."""
    st = _state
    if not st.limits:
        return math.inf
    return max(0.0, (min(s for s, _, _ in st.limits) - st.calls) / CALLS_PER_UNIT)


def charge(units: float) -> None:
    """Count ``units`` of work done elsewhere (a child process's step, :mod:`paper_checks.prover.timebox`); an open
    limit that this passes fires here."""
    st = _state
    st.calls += int(round(units * CALLS_PER_UNIT))
    if st.calls >= st.stop and st.limits:
        _fire(st)


#: what :func:`fresh` empties beside SymPy's cache (each room registers its own caches with :func:`forgets`)
_FORGETTERS: list[Callable[[], None]] = []


def forgets(empty: Callable[[], None]) -> Callable[[], None]:
    """Register ``empty`` (a cache's ``cache_clear``) to be called by every :func:`fresh`; returns it."""
    if empty not in _FORGETTERS:
        _FORGETTERS.append(empty)
    return empty


#: the ``functools.lru_cache``\ s of SymPy's and mpmath's modules (functions and methods), beside SymPy's own cache,
#: found again whenever a module was imported since (``len(sys.modules)``)
_LIBRARY: dict[str, Any] = {"modules": -1, "caches": []}


def _library_caches() -> list[Any]:
    r"""SymPy's and mpmath's ``lru_cache``\ s: filled by one trial and kept, they made the next trial of the same loss
    cost 1 to 10 % fewer calls, so that a cell near its limit was decided in one run and not in the next."""
    import functools

    if _LIBRARY["modules"] != len(sys.modules):
        found = []
        for name, mod in list(sys.modules.items()):
            if mod is None or not name.startswith(("sympy", "mpmath")):
                continue
            for v in list(vars(mod).values()):
                if isinstance(v, functools._lru_cache_wrapper):
                    found.append(v)
                elif isinstance(v, type) and v.__module__ == name:
                    found.extend(f for w in vars(v).values()
                                 if isinstance(f := getattr(w, "__func__", w), functools._lru_cache_wrapper))
        _LIBRARY.update(modules=len(sys.modules), caches=found)
    return _LIBRARY["caches"]


def forget_caches() -> None:
    r"""Empty SymPy's cache, SymPy's and mpmath's ``lru_cache``\ s and every cache registered with :func:`forgets`
    (what :func:`fresh` does first; a top proof does it too, :func:`paper_checks.prover.outset.forget`)."""
    from sympy.core.cache import clear_cache

    clear_cache()
    for empty in (*_FORGETTERS, *(c.cache_clear for c in _library_caches())):
        empty()


@contextmanager
def fresh() -> Iterator[None]:
    r"""Run the block from the same memory wherever it runs, so that its count of work does not depend on what ran
    before it in the process: SymPy's cache, SymPy's and mpmath's ``lru_cache``\ s and every cache registered with
    :func:`forgets` emptied, SymPy's own
    random generators (``sympy.core.random``: the order in which its assumptions are asked) seeded, and handed back
    as they were after the block. A loss trial starts so (a warm cache made a cell's work half of what it was cold:
    a cell near its limit was decided in one test and past its limit in the next)."""
    forget_caches()
    with seeded():
        yield


@contextmanager
def seeded() -> Iterator[None]:
    """SymPy's own random generators (``sympy.core.random``: the order in which its assumptions are asked, random
    bases of its primality tests) seeded the same in the block, and handed back as they were after it: seeded from the
    system at import, they made the same computation's count of work differ by a few hundred calls."""
    from sympy.core import random as sympy_random

    rngs = (sympy_random.rng, sympy_random._assumptions_rng)
    states = [r.getstate() for r in rngs]
    sympy_random.seed(0)
    try:
        yield
    finally:
        for r, st in zip(rngs, states):
            r.setstate(st)


#: the set-ups :func:`warm_once` has run in this process
_WARMED: set[str] = set()
#: the CPU seconds this process's set-ups took, all together (the tests' quick rule does not charge them to the test
#: that happened to come first, ``tests/quick_rule.py``)
WARM_SECONDS = [0.0]


def warm_once(name: str, run: Callable[[], Any]) -> None:
    """Run ``run`` once in this process (the set-up called ``name``), from the same memory (:func:`fresh`), and take
    back what it counted: a process's first computation otherwise counts SymPy's lazy imports and first tables (the
    first loss trial of a process cost ten times the same trial after it: cce's class sum 507,000 calls, then
    44,000), so that a count depended on what a worker process ran first."""
    if name in _WARMED:
        return
    _WARMED.add(name)
    before, start = calls(), time.process_time()
    try:
        with fresh():
            run()
    finally:
        uncount(calls() - before)
        WARM_SECONDS[0] += time.process_time() - start

