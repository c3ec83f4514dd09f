"""Validators of integer arguments, shared by theory/ and simulate/, and :func:`quoted`, the one way every
error message of the project (theory/, simulate/, paper_checks/) quotes a value.

Plain Python (no SymPy, no NumPy import), so the numeric engine can use them without
loading SymPy (nor the pytest plugin's argument types either). Anything with ``__index__``
counts as an integer (``int``, ``numpy.int64``, ``sympy.Integer``); ``bool`` does not.
"""
from __future__ import annotations

import math
import numbers
import operator
from decimal import Decimal
from fractions import Fraction
from typing import Any

#: the most characters of a value an error message quotes; a longer one is cut and its length given
QUOTE_LIMIT = 60
#: the most characters of a file path an error message quotes (a path is worth reading whole up to there)
PATH_QUOTE_LIMIT = 200


def quoted(v: Any, limit: int = QUOTE_LIMIT) -> str:
    """``repr(v)`` for an error message, cut to :data:`QUOTE_LIMIT` characters with its length
    (``'9999...' (100002 characters)``): a 1 MB value is never echoed whole. The cut is made after ``repr``, so a
    character that ``repr`` escapes (a zero-width space is ``\\u200b``) counts six times, not once.

    Examples
    --------
    >>> from label_noise_lab.theory.validators import quoted
    >>> quoted("q")
    "'q'"
    >>> quoted("x" * 100)
    "'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx... (102 characters)"
    """
    try:
        text = repr(v)
    except ValueError:  # an int (or SymPy's Integer) over Python's 4300-digit limit of int -> str
        try:
            return f"<an int of about {int(int(v).bit_length() * 0.30103) + 1} digits>"
        except (TypeError, ValueError, OverflowError):
            return f"<a {type(v).__name__} too long to print>"
    return cut(text, limit)


def quoted_path(path: Any) -> str:
    """A file path (a ``str`` or a ``Path``) quoted for an error message, cut to :data:`PATH_QUOTE_LIMIT`."""
    return quoted(str(path), PATH_QUOTE_LIMIT)


def cut(text: str, limit: int = QUOTE_LIMIT) -> str:
    """``text`` (already written as the message shows it) cut to ``limit`` characters with its length."""
    return text if len(text) <= limit else f"{text[:limit - 10]}... ({len(text)} characters)"


def check_int(name: str, value: Any, low: int) -> int:
    """Return ``value`` as an ``int``; raise ``ValueError`` naming ``name`` unless it is an integer ``>= low``.

    Examples
    --------
    >>> from label_noise_lab.theory.validators import check_int
    >>> check_int("the embedding dimension d", 2, 1)
    2
    >>> check_int("the embedding dimension d", True, 1)
    Traceback (most recent call last):
        ...
    ValueError: the embedding dimension d must be an integer >= 1, got True
    """
    if isinstance(value, bool) or not hasattr(value, "__index__"):
        raise ValueError(f"{name} must be an integer >= {low}, got {quoted(value)}")
    n = operator.index(value)
    if n < low:
        raise ValueError(f"{name} must be an integer >= {low}, got {quoted(value)}")
    return n


def check_classes(c: Any) -> int:
    """Return the number of classes ``c`` as an ``int``; raise ``ValueError`` unless it is an integer ``>= 2``.

    Examples
    --------
    >>> from label_noise_lab.theory.validators import check_classes
    >>> check_classes(3)
    3
    >>> check_classes(1)
    Traceback (most recent call last):
        ...
    ValueError: the number of classes c must be an integer >= 2, got 1
    """
    return check_int("the number of classes c", c, 2)


def real_number(name: str, v: Any) -> Any:
    """``v`` read as a real number by the one rule of every door (issue 56's, kept by ``tests/safety``): an ``int``
    or any integer type (``numpy.int64``, ``sympy.Integer``) and any real type (``float``, ``Fraction``, a NumPy
    floating scalar, a SymPy rational or ``Float``) is itself, a huge one included (compare it exactly before any
    ``float()``); a finite ``Decimal`` is its exact ``Fraction``, an infinite one a float infinity. A ``bool``, a
    string, bytes, a complex number or anything else is a one-line ``TypeError``, NaN in any type (``Decimal('NaN')``
    raised ``decimal.InvalidOperation`` on comparison) a one-line ``ValueError``, both naming ``name``.

    Examples
    --------
    >>> from decimal import Decimal
    >>> from label_noise_lab.theory.validators import real_number
    >>> real_number("eta", Decimal("0.1"))
    Fraction(1, 10)
    >>> real_number("eta", Decimal("NaN"))
    Traceback (most recent call last):
        ...
    ValueError: eta must be a number, got Decimal('NaN')
    """
    if isinstance(v, Decimal):
        if v.is_nan():
            raise ValueError(f"{name} must be a number, got {quoted(v)}")
        return Fraction(v) if v.is_finite() else float(v)
    if type(v).__module__.startswith("sympy") and str(v) == "nan":  # SymPy's nan is no numbers.Real
        raise ValueError(f"{name} must be a number, got {quoted(v)}")
    if isinstance(v, bool) or not isinstance(v, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {quoted(v)} ({type(v).__name__})")
    if not isinstance(v, numbers.Rational):
        try:
            nan = math.isnan(v)
        except OverflowError:  # (a float type of its own that overflows a double is no NaN)
            nan = False
        except (TypeError, ValueError):
            raise TypeError(f"{name} must be a real number, got {quoted(v)} ({type(v).__name__})") from None
        if nan:
            raise ValueError(f"{name} must be a number, got {quoted(v)}")
    return v
