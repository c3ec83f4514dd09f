"""A user's loss: a zoo name or spec looked up first (:data:`label_noise_lab.theory.losses.ZOO`), else a formula in
``p`` read by
:mod:`label_noise_lab.theory.expressions` (never evaluated), or a Python callable of the simplex point; each becomes the
one model
of a loss, a :class:`label_noise_lab.theory.losses.LossDefinition`.
"""
from __future__ import annotations

import dataclasses
import difflib
from typing import Any, Callable, Sequence

import sympy

from label_noise_lab.theory.expressions import ExpressionError, P, parse_expression, undefined_at
from label_noise_lab.theory.losses import ZOO, LossDefinition, parse_spec, separable


def close_names(text: str) -> list[str]:
    """The zoo names closest to ``text`` (the part before a ``:``), for an error message.

    Examples
    --------
    >>> from label_noise_lab.theory.user_losses import close_names
    >>> close_names("gcee")
    ['gce', 'tgce', 'agce']
    """
    key = "".join(str(text).split(":")[0].split()).lower()
    return difflib.get_close_matches(key, list(ZOO), n=3, cutoff=0.5)


def _hint(text: str) -> str:
    close = close_names(text)
    return f"; did you mean the zoo's {' or '.join(close)}?" if close else ""


def loss(spec: str, name: str | None = None, each: str | None = None) -> LossDefinition:
    """A zoo loss by name or spec (``"gce:q=0.7"``, :func:`parse_spec`), looked up first; else a formula in
    ``p`` (:func:`from_expression`; a constant is a loss too). ``name`` names the result; ``each`` adds a term
    for every class (a loss of the whole prediction, :func:`from_expression`).

    Examples
    --------
    >>> from sympy import Rational
    >>> from label_noise_lab.theory.user_losses import loss
    >>> loss("gce:q=0.5").name
    'gce'
    >>> user = loss("1 - p", name="unhinged-by-hand")
    >>> user.name, user.phi_label(Rational(1, 4))
    ('unhinged-by-hand', 3/4)
    """
    if not isinstance(spec, str):
        raise TypeError(f"a loss is a zoo name or a formula in p, got {spec!r}")
    head = spec.split(":")[0].strip()
    if head in ZOO:
        if each is not None:
            raise ValueError(f"a term for every class (each) goes with a formula in p, not with the zoo's {head!r}")
        d = parse_spec(spec)
        return d if name is None else dataclasses.replace(d, name=name)
    return from_expression(spec, name, each)


def _formula(text: str) -> sympy.Expr:
    """``text`` read as a formula in ``p`` that is a real, finite number at interior points of ``[0, 1]``."""
    try:
        e = parse_expression(text)
    except ValueError as exc:
        raise ValueError(f"{exc}{_hint(text)}") from None
    if not isinstance(e, sympy.Expr):
        raise ValueError(f"the loss {text!r} is not an expression")
    e = sympy.nsimplify(e, rational=True) if e.has(sympy.Float) else e
    extra = e.free_symbols - {P}
    if extra:
        raise ValueError(f"the loss {text!r} may use only the symbol p (the labelled probability), "
                         f"not {', '.join(sorted(map(str, extra)))}")
    for x in (sympy.Rational(1, 7), sympy.Rational(1, 2), sympy.Rational(6, 7)):
        try:
            v = undefined_at(e, x)  # bounded in time, unlike SymPy's N (label_noise_lab.theory.expressions)
        except ExpressionError as exc:
            raise ValueError(f"the loss {text!r} cannot be evaluated at p = {x}: {exc}") from None
        if v is not None:
            raise ValueError(f"the loss {text!r} is not defined on the simplex: at p = {x} it is {v}")
    return e


def from_expression(text: str, name: str | None = None, each: str | None = None) -> LossDefinition:
    """A user's loss given as a formula in ``p`` (the labelled class's probability), e.g.
    ``"(1 - p**0.5)/0.5"``; ``name`` names it (default ``"user"``).

    ``each``, a second formula in ``p``, makes it a loss of the whole prediction:
    ``L(f, e_y) = text(f_y) + sum_{i=1}^c each(f_i)``, for every number of classes ``c`` (a tempered loss's
    ``sum_i f_i^(2-t)/(2-t)`` is ``each = "p**(2-t)/(2-t)"``). It is separable, ``phi_1 = text + each`` and
    ``phi_0 = each`` (:func:`label_noise_lab.theory.losses.separable`), so the trial decides it for a symbolic ``c``.

    The text is never evaluated: :func:`label_noise_lab.theory.expressions.parse_expression` reads it against a
    whitelist (numbers, ``p``, ``+ - * / **``, ``log exp sqrt Abs Min Max Heaviside factorial``,
    ``Sum(term, (k, a, b))`` expanded into its terms) with size caps. Raises ``ValueError`` (one
    line, quoting ``text``) when it does not parse, uses anything outside the grammar, or is not a
    real, finite number at interior points of ``[0, 1]``; ``TypeError`` when ``text`` or ``name``
    is not a string.
    """
    if name is not None and not (isinstance(name, str) and name.strip()):
        raise TypeError(f"name must be a non-empty string, got {name!r}")
    e = _formula(text)
    if each is None:
        return LossDefinition(name or "user", (), e, cite=f"user expression {text}")
    if not isinstance(each, str):
        raise TypeError(f"each must be a formula in p (a string), got {each!r}")
    h = _formula(each)
    return separable(name or "user", lambda t: (e + h).subs(P, t), lambda t: h.subs(P, t),
                     cite=f"user expression {text} + sum over the classes of {each}")


def from_callable(fn: Callable[[Sequence[Any], int], Any], name: str = "user") -> LossDefinition:
    """A user's loss given as a callable ``fn(f, y)``: ``f`` a sequence of SymPy expressions (a point of
    the simplex), ``y`` the 0-based label; it must build its value with SymPy functions
    (``sympy.log``, not ``math.log``). A loss that turns out to depend on ``f_y`` alone is stored as
    ``l(p)``, so the trial can decide its properties for a symbolic number of classes.

    Raises ``ValueError`` (one line) when ``fn`` cannot be evaluated on symbols.
    """
    fs = sympy.symbols("f0:3", positive=True)
    try:
        probe = [sympy.sympify(fn(list(fs), j), strict=True) for j in range(3)]
    except Exception as exc:
        raise ValueError(f"loss {name!r}: fn(f, y) must accept SymPy symbols and use SymPy functions "
                         f"({type(exc).__name__}: {exc})") from None
    if all(e.free_symbols <= {fs[j]} for j, e in enumerate(probe)):
        label = probe[0].subs(fs[0], P)
        if all(sympy.simplify(e.subs(fs[j], P) - label) == 0 for j, e in enumerate(probe)):
            return LossDefinition(name, (), label, cite=f"user callable {name}")
    return LossDefinition(name, (), None, lambda f, j: sympy.sympify(fn(list(f), j), strict=True),
                          cite=f"user callable {name}")
