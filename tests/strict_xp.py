"""``strict``: a NumPy-backed stand-in that behaves like CuPy where portability breaks.

It lets the test suite prove, without a GPU, that code written against ``xp`` would run
on CuPy, and counts the host synchronisations a device would pay:

- no implicit conversion to NumPy: ``np.asarray(a)``, SciPy on ``a``, ``np.exp(a)`` raise
  ``TypeError`` (CuPy: "Implicit conversion to a NumPy array is not allowed");
- no mixing with NumPy arrays: an operation or an index with a ``numpy.ndarray`` raises
  (Python and NumPy scalars are fine, as on CuPy); ``strict.asarray(host)`` is the explicit
  upload and is counted in ``uploads``;
- reductions return 0-d arrays, not scalars; ``float(a)``, ``int(a)``, ``bool(a)``,
  ``a.item()``, ``a.tolist()``, ``a.get()``, ``strict.asnumpy(a)`` each count one host sync;
- ``strict.random.default_rng`` gives only the methods of ``cupy.random.Generator`` (no
  ``normal``, ``choice``, ``permutation``, ``shuffle``, ``multinomial``, ...);
- ``ufunc.accumulate`` exists only for ``add`` and ``multiply``.

Results are computed by NumPy, so they equal NumPy's exactly (a generator seeded alike
draws alike). ``strict.syncs`` / ``strict.uploads`` are the counters; ``counting()``
measures a block.
"""
from __future__ import annotations

import contextlib
import types
from typing import Any, Iterator

import numpy as np

_IMPLICIT = ("Implicit conversion to a NumPy array is not allowed (strict stand-in for CuPy); "
             "use .get() or strict.asnumpy() explicitly")


class _Counters:
    syncs = 0
    uploads = 0


COUNTERS = _Counters()


def _sync() -> None:
    COUNTERS.syncs += 1


def _mixed(x: Any) -> TypeError:
    return TypeError(f"strict stand-in for CuPy: unsupported operand of type {type(x).__module__}.{type(x).__name__} "
                     "(a NumPy array mixed with device arrays; upload it with xp.asarray first)")


def _unwrap(x: Any, *, allow_host: bool = False) -> Any:
    """NumPy view of a strict argument; refuses host arrays unless ``allow_host``."""
    if isinstance(x, StrictArray):
        return x._a
    if isinstance(x, np.ndarray):
        if allow_host:
            COUNTERS.uploads += 1
            return x
        raise _mixed(x)
    if isinstance(x, (list, tuple)):
        return type(x)(_unwrap(v, allow_host=allow_host) for v in x)
    if isinstance(x, dict):
        return {k: _unwrap(v, allow_host=allow_host) for k, v in x.items()}
    if isinstance(x, StrictGenerator):
        raise TypeError("strict stand-in: a Generator is not an array")
    return x


def _unwrap_index(key: Any) -> Any:
    if isinstance(key, tuple):
        return tuple(_unwrap_index(k) for k in key)
    if isinstance(key, StrictArray):
        return key._a
    if isinstance(key, np.ndarray):
        raise _mixed(key)
    return key


def _wrap(x: Any) -> Any:
    if isinstance(x, np.ndarray):
        return StrictArray(x)
    if isinstance(x, np.generic):  # CuPy reductions give 0-d device arrays, not host scalars
        return StrictArray(np.asarray(x))
    if isinstance(x, tuple):
        return tuple(_wrap(v) for v in x)
    if isinstance(x, list):
        return [_wrap(v) for v in x]
    return x


def _call(fn: Any, args: tuple, kwargs: dict, *, allow_host: bool = False) -> Any:
    return _wrap(fn(*_unwrap(args, allow_host=allow_host), **_unwrap(kwargs, allow_host=allow_host)))


def _binop(name: str):
    def op(self: "StrictArray", other: Any) -> Any:
        return _wrap(getattr(self._a, name)(_unwrap(other)))

    op.__name__ = name
    return op


class StrictArray:
    """A device-array stand-in holding a NumPy array it never hands out implicitly."""

    __slots__ = ("_a",)
    __array_ufunc__ = None  # NumPy operators defer to us (and we refuse NumPy operands)
    __hash__ = None  # type: ignore[assignment]

    def __init__(self, a: np.ndarray) -> None:
        self._a = a

    # -- the array API namespace (simulate.engine.backend.namespace_of reads it)
    def __array_namespace__(self, api_version: Any = None) -> Any:
        return strict

    def __array__(self, *args: Any, **kwargs: Any) -> np.ndarray:
        raise TypeError(_IMPLICIT)

    def __array_function__(self, func: Any, types_: Any, args: Any, kwargs: Any) -> Any:
        # CuPy dispatches np.<f>(device array) to cupy.<f>; so do we, where strict has it
        name = func.__name__
        target = getattr(strict, name, None)
        if target is None or func.__module__ not in ("numpy", "numpy.linalg"):
            raise TypeError(f"strict stand-in: numpy.{name} has no device counterpart here")
        return target(*args, **kwargs)

    # -- metadata: free
    shape = property(lambda self: self._a.shape)
    dtype = property(lambda self: self._a.dtype)
    ndim = property(lambda self: self._a.ndim)
    size = property(lambda self: self._a.size)
    itemsize = property(lambda self: self._a.itemsize)
    nbytes = property(lambda self: self._a.nbytes)
    strides = property(lambda self: self._a.strides)
    T = property(lambda self: StrictArray(self._a.T))
    real = property(lambda self: StrictArray(np.asarray(self._a.real)))
    imag = property(lambda self: StrictArray(np.asarray(self._a.imag)))
    flags = property(lambda self: self._a.flags)

    def __len__(self) -> int:
        return len(self._a)

    def __iter__(self) -> Iterator[Any]:
        if self._a.ndim == 0:
            raise TypeError("iteration over a 0-d array")
        return (_wrap(self._a[i]) for i in range(self._a.shape[0]))

    # -- host transfers: each one a sync
    def get(self, stream: Any = None, order: str = "C", out: Any = None) -> np.ndarray:
        _sync()
        return self._a.copy()

    def item(self, *args: Any) -> Any:
        _sync()
        return self._a.item(*args)

    def tolist(self) -> Any:
        _sync()
        return self._a.tolist()

    def __float__(self) -> float:
        _sync()
        return float(self._a)

    def __int__(self) -> int:
        _sync()
        return int(self._a)

    def __index__(self) -> int:
        if self._a.dtype.kind not in "iub" or self._a.ndim:
            raise TypeError("only integer scalar arrays can be converted to a scalar index")
        _sync()
        return int(self._a)

    def __complex__(self) -> complex:
        _sync()
        return complex(self._a)

    def __bool__(self) -> bool:
        _sync()
        return bool(self._a)

    def __repr__(self) -> str:
        return f"strict.array({np.array2string(self._a)}, dtype={self._a.dtype})"

    __str__ = __repr__

    def __format__(self, spec: str) -> str:
        _sync()
        return format(self._a.item() if self._a.ndim == 0 else self._a, spec)

    # -- indexing
    def __getitem__(self, key: Any) -> Any:
        return _wrap(self._a[_unwrap_index(key)])

    def __setitem__(self, key: Any, value: Any) -> None:
        self._a[_unwrap_index(key)] = _unwrap(value)

    # -- everything else NumPy's ndarray has: arguments checked, results wrapped
    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._a, name)
        if name in _STABLE:
            return lambda *a, **k: _call(attr, a, {**k, "kind": "stable"})
        if callable(attr):
            return lambda *a, **k: _call(attr, a, k)
        return _wrap(attr)

    def __neg__(self) -> Any:
        return StrictArray(-self._a)

    def __pos__(self) -> Any:
        return StrictArray(+self._a)

    def __abs__(self) -> Any:
        return StrictArray(abs(self._a))

    def __invert__(self) -> Any:
        return StrictArray(~self._a)


for _n in ("add", "sub", "mul", "truediv", "floordiv", "mod", "pow", "matmul", "and", "or", "xor", "lshift", "rshift"):
    for _p in ("__{}__", "__r{}__", "__i{}__"):
        _name = _p.format(_n)
        setattr(StrictArray, _name, _binop(_name))
for _n in ("lt", "le", "gt", "ge", "eq", "ne"):
    setattr(StrictArray, f"__{_n}__", _binop(f"__{_n}__"))


class _Ufunc:
    """A ufunc whose ``accumulate`` exists only for add and multiply, as on CuPy."""

    def __init__(self, uf: np.ufunc) -> None:
        self._uf = uf
        self.__name__ = uf.__name__

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return _call(self._uf, args, kwargs)

    def reduce(self, *args: Any, **kwargs: Any) -> Any:
        return _call(self._uf.reduce, args, kwargs)

    def accumulate(self, *args: Any, **kwargs: Any) -> Any:
        if self._uf.__name__ not in ("add", "multiply"):
            raise NotImplementedError(f"strict stand-in for CuPy: {self._uf.__name__}.accumulate is not supported "
                                      "(CuPy has accumulate for add and multiply only)")
        return _call(self._uf.accumulate, args, kwargs)

    def at(self, *args: Any, **kwargs: Any) -> Any:
        return _call(self._uf.at, args, kwargs)

    def outer(self, *args: Any, **kwargs: Any) -> Any:
        return _call(self._uf.outer, args, kwargs)

    def __getattr__(self, name: str) -> Any:
        if name in ("nin", "nout", "nargs", "identity", "ntypes", "types"):
            return getattr(self._uf, name)
        raise AttributeError(f"strict stand-in: ufunc {self.__name__} has no {name!r}")


# ---------------------------------------------------------------- random
GENERATOR_METHODS = ("beta", "binomial", "chisquare", "dirichlet", "exponential", "f", "gamma", "geometric",
                     "hypergeometric", "integers", "logseries", "poisson", "power", "random", "standard_exponential",
                     "standard_gamma", "standard_normal", "uniform")
"""The methods of ``cupy.random.Generator`` (CuPy 13)."""


class StrictGenerator:
    """``cupy.random.Generator``'s surface over a NumPy generator (same seed, same draws)."""

    def __init__(self, seed: Any = None) -> None:
        if isinstance(seed, (StrictArray, np.ndarray)):
            raise TypeError("strict stand-in: seed the generator with an int or a SeedSequence")
        self._g = np.random.default_rng(seed)

    def __array_namespace__(self, api_version: Any = None) -> Any:
        return strict

    def __getattr__(self, name: str) -> Any:
        if name not in GENERATOR_METHODS:
            raise AttributeError(f"strict stand-in for CuPy: cupy.random.Generator has no method {name!r} "
                                 f"(it has {', '.join(GENERATOR_METHODS)})")
        method = getattr(self._g, name)
        return lambda *a, **k: _call(method, a, k)


# ---------------------------------------------------------------- the namespace
def asarray(a: Any, dtype: Any = None, order: Any = None, *, blocking: bool = False) -> StrictArray:
    """Explicit upload (a host array is fine here, and counted), or the device array itself."""
    if isinstance(a, StrictArray):
        return a if dtype is None or np.dtype(dtype) == a.dtype else StrictArray(a._a.astype(dtype))
    if isinstance(a, StrictGenerator):
        raise TypeError("strict stand-in: cannot make an array of a Generator")
    if isinstance(a, (list, tuple)) and any(isinstance(v, StrictArray) for v in a):
        return StrictArray(np.asarray([_unwrap(v) for v in a], dtype=dtype))
    COUNTERS.uploads += 1
    return StrictArray(np.array(a, dtype=dtype, order=order or "K"))


def array(a: Any, dtype: Any = None, copy: bool = True, order: Any = "K", ndmin: int = 0) -> StrictArray:
    if isinstance(a, StrictArray):
        return StrictArray(np.array(a._a, dtype=dtype, copy=copy, order=order, ndmin=ndmin))
    COUNTERS.uploads += 1
    return StrictArray(np.array(_unwrap(a, allow_host=True), dtype=dtype, order=order, ndmin=ndmin))


def asnumpy(a: Any, stream: Any = None, order: str = "C", out: Any = None) -> np.ndarray:
    if isinstance(a, StrictArray):
        return a.get()
    return np.asarray(a)


def get_array_module(*args: Any) -> Any:
    return strict if any(isinstance(a, StrictArray) for a in args) else np


_STABLE = ("argsort", "sort")  # CuPy's sorts are stable whatever kind says

_HOST_ONLY = {"errstate", "seterr", "geterr", "printoptions", "set_printoptions", "array2string", "array_repr",
              "save", "load", "savez", "fromfile", "loadtxt", "genfromtxt"}


class _Namespace(types.ModuleType):
    """Module-like: NumPy's functions with device semantics; dtypes and constants as they are."""

    def __init__(self, name: str, base: Any) -> None:
        super().__init__(name)
        self._base = base

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") or name in _HOST_ONLY:
            raise AttributeError(name)
        attr = getattr(self._base, name)
        if isinstance(attr, np.ufunc):
            return _Ufunc(attr)
        if isinstance(attr, type) or not callable(attr):
            return attr  # dtypes (float64, int64, ...), constants (pi, inf, newaxis)
        if name in _STABLE:
            return lambda *a, **k: _call(attr, a, {**k, "kind": "stable"})
        return lambda *a, **k: _call(attr, a, k)


strict = _Namespace("strict", np)
strict.ndarray = StrictArray  # type: ignore[attr-defined]
strict.asarray = asarray  # type: ignore[attr-defined]
strict.array = array  # type: ignore[attr-defined]
strict.asnumpy = asnumpy  # type: ignore[attr-defined]
strict.get_array_module = get_array_module  # type: ignore[attr-defined]
strict.linalg = _Namespace("strict.linalg", np.linalg)  # type: ignore[attr-defined]
strict.random = types.SimpleNamespace(default_rng=StrictGenerator, Generator=StrictGenerator)  # type: ignore[attr-defined]
strict.counters = COUNTERS  # type: ignore[attr-defined]


@contextlib.contextmanager
def counting() -> Iterator[_Counters]:
    """Count the host syncs and uploads of a block: ``with counting() as c: ...; c.syncs``."""
    start_s, start_u = COUNTERS.syncs, COUNTERS.uploads
    result = _Counters()
    try:
        yield result
    finally:
        result.syncs = COUNTERS.syncs - start_s
        result.uploads = COUNTERS.uploads - start_u

