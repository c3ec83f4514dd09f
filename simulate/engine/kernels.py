"""Array kernels derived from SymPy expressions, for any array namespace ``xp`` of the array API standard.

:func:`array_function` lambdifies an expression once with SymPy's NumPy printer and binds the printed names
(``exp``, ``log``, ``select``, ``maximum``, ...) to ``xp``'s functions, so the same derivation runs on the host and
on a device; the result is cached per expression and namespace. :mod:`label_noise_lab.simulate.losses` derives every
loss's value
and logit gradient this way from its one definition (:class:`label_noise_lab.theory.losses.LossDefinition`).

SymPy is imported on the first derivation only: the NumPy engine does not pay for it otherwise.
"""
from __future__ import annotations

import functools
import types
from typing import Any, Callable

import numpy as np

from label_noise_lab.simulate.engine.namespace import is_host

#: NumPy's names that SymPy's printer writes, under the array API standard's names where they differ
STANDARD_NAMES = {"power": "pow", "arctan": "atan", "arcsin": "asin", "arccos": "acos", "arctanh": "atanh",
                  "arcsinh": "asinh", "arccosh": "acosh", "arctan2": "atan2", "amax": "max", "amin": "min",
                  "absolute": "abs"}


def _select(xp: Any) -> Callable[..., Any]:
    """NumPy's ``select`` for any namespace, as a chain of ``xp.where`` (the standard has no ``select``), taking
    what SymPy prints for a ``Piecewise``: conditions and choices may be Python scalars (``True`` for the last
    piece, a constant value). The first true condition wins, as in NumPy's."""

    def select(condlist: list[Any], choicelist: list[Any], default: Any = 0) -> Any:
        ref = next((a for a in (*condlist, *choicelist) if hasattr(a, "shape") and a.shape), None)
        shape = () if ref is None else ref.shape

        def full(v: Any, dtype: Any) -> Any:
            return v if hasattr(v, "shape") and v.shape == shape else xp.broadcast_to(xp.asarray(v, dtype=dtype),
                                                                                      shape)

        out = full(default, xp.float64)
        for c, v in zip(reversed(condlist), reversed(choicelist)):
            out = xp.where(full(c, xp.bool), full(v, xp.float64), out)
        return out

    return select


def _on_arrays(fn: Callable[..., Any], xp: Any) -> Callable[..., Any]:
    """``fn`` taking Python numbers too: SymPy prints constants such as ``log(2)`` as calls on numbers, which
    NumPy takes and the standard's functions refuse (they take arrays), so numbers become ``float64`` arrays."""

    def on_arrays(*args: Any, **kwargs: Any) -> Any:
        return fn(*[xp.asarray(a, dtype=xp.float64) if isinstance(a, (int, float)) and not isinstance(a, bool)
                    else a for a in args], **kwargs)

    return on_arrays


@functools.lru_cache(maxsize=512)
def array_function(args: tuple[Any, ...], expr: Any, xp: Any = np) -> Callable[..., Any]:
    """``expr`` (a SymPy expression, or a tuple of them for several outputs) as a function of ``args`` (SymPy
    symbols) on arrays of the namespace ``xp``; common subexpressions are computed once. Cached per
    ``(args, expr, xp)``."""
    import sympy

    target = list(expr) if isinstance(expr, tuple) else expr
    fn = sympy.lambdify(args, target, "numpy", cse=True)
    if is_host(xp):
        return fn
    names = dict(fn.__globals__)
    for name in fn.__code__.co_names:
        if name == "select":
            names[name] = _select(xp)
        elif name == "numpy":
            names[name] = xp
        elif name in names and (names[name] is getattr(np, name, None) or name == "abs"):
            own = STANDARD_NAMES.get(name, name) if not hasattr(xp, name) else name
            if hasattr(xp, own):
                own_fn = getattr(xp, own)  # NumPy's function (or the builtin abs, or a constant) -> xp's
                names[name] = _on_arrays(own_fn, xp) if callable(own_fn) else own_fn
    return types.FunctionType(fn.__code__, names, fn.__name__, fn.__defaults__, fn.__closure__)
