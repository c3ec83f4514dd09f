"""The parameters of the losses: each one's domain declared once (:class:`Domain`, as SciPy's ``_ShapeInfo``).

One declaration is read by every door that takes the parameter:

* the symbolic losses of :mod:`label_noise_lab.theory.losses` (:meth:`Domain.check`: symbols pass unchecked, so the same
losses
  serve derivations "for every ``q``"; numbers are made exact and range-checked);
* the zoo's specs (``gce:q=0.7``, :meth:`Domain.number`: a string is read by
  :func:`label_noise_lab.theory.expressions.parse_number`, never evaluated);
* the NumPy losses of :mod:`label_noise_lab.simulate.losses` (:meth:`Domain.floating`);
* the family trial's stated range (:meth:`Domain.text`) and a search's interval (:meth:`Domain.interval`).

Plain Python at import (SymPy is loaded by the exact checks only), so the NumPy engine can read the declarations
without paying for SymPy.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from label_noise_lab.theory.validators import quoted


@dataclass(frozen=True)
class Domain:
    """A real parameter's domain: ``lo < x < hi`` (ends closed where ``lo_open``/``hi_open`` are false, absent
    where ``None``), an integer where ``integer``; ``source`` cites where the domain is stated, ``what`` says
    what the parameter is in an error message (``"the value given to log 0 in RCE"``).

    Examples
    --------
    >>> from label_noise_lab.theory.loss_parameters import Q
    >>> Q.text()
    'q in (0, 1] (Zhang & Sabuncu 2018, Eq. 6)'
    >>> Q.floating(0.5), Q.number("0.7"), Q.contains(0)
    (0.5, 7/10, False)
    >>> Q.floating(1.5)
    Traceback (most recent call last):
        ...
    ValueError: q must lie in (0, 1], got 1.5
    """

    name: str
    lo: Fraction | int | None = None
    hi: Fraction | int | None = None
    lo_open: bool = True
    hi_open: bool = True
    integer: bool = False
    source: str = ""
    what: str = ""

    # ---------------------------------------------------------------- words
    def bounds_text(self) -> str:
        """``"in (0, 1]"``, ``"> 0"``, ``">= -1"``, ``"< 0"``: the condition, without the name."""
        if self.lo is not None and self.hi is not None:
            return f"in {'(' if self.lo_open else '['}{self.lo}, {self.hi}{')' if self.hi_open else ']'}"
        if self.lo is not None:
            return f"{'>' if self.lo_open else '>='} {self.lo}"
        if self.hi is not None:
            return f"{'<' if self.hi_open else '<='} {self.hi}"
        return "real"

    def text(self) -> str:
        """``"q in (0, 1] (Zhang & Sabuncu 2018, Eq. 6)"``: the range a family trial states."""
        head = ("integer " if self.integer else "") + f"{self.name} {self.bounds_text()}"
        return f"{head} ({self.source})" if self.source else head

    def _refusal(self, v: Any) -> ValueError:
        who = f"{self.name} ({self.what})" if self.what else self.name
        if self.lo is None and self.hi == 0 and self.hi_open:
            return ValueError(f"{who} must be negative, got {v!r}")
        verb = "lie" if self.lo is not None and self.hi is not None else "be"
        return ValueError(f"{who} must {verb} {self.bounds_text()}, got {v!r}")

    # ---------------------------------------------------------------- membership
    def contains(self, x: Any) -> bool:
        """Whether the real number ``x`` (a float, a fraction, an exact SymPy number) lies in the domain."""
        if self.integer and not (x == int(x)):
            return False
        if self.lo is not None and (x <= self.lo if self.lo_open else x < self.lo):
            return False
        return not (self.hi is not None and (x >= self.hi if self.hi_open else x > self.hi))

    def interval(self) -> tuple[float, float]:
        """``(low, high)`` as floats (``-inf``/``inf`` where unbounded), for a search's ``Real``."""
        return (-math.inf if self.lo is None else float(self.lo)), (math.inf if self.hi is None else float(self.hi))

    # ---------------------------------------------------------------- the doors
    def check(self, v: Any) -> Any:
        """``v`` as a SymPy expression: a number must lie in the domain (``ValueError`` otherwise), a symbol passes
        unchecked (a derivation for every value)."""
        from label_noise_lab.theory.expressions import to_sympy

        e = to_sympy(v, self.name)
        if e.is_number and not (e.is_real and self.contains(e)):
            raise self._refusal(v)
        return e

    def number(self, v: Any) -> Any:
        """``v`` (a string, a number or a SymPy number) as an exact SymPy number in the domain (``"0.7"`` ->
        ``7/10``): the zoo's specs."""
        return number_parameter(self.name, v, self.lo, self.hi, self.lo_open, self.hi_open, self.integer)

    def floating(self, v: Any) -> float:
        """``v`` (a Python or NumPy real, not a bool) as a float in the domain: the NumPy losses."""
        ok = not isinstance(v, bool) and hasattr(v, "__float__") and not isinstance(v, (str, bytes, complex))
        if not ok or math.isnan(float(v)) or not self.contains(float(v)):
            raise self._refusal(v)
        return float(v)


# ---------------------------------------------------------------- the declarations (each once)
GCE18 = "Zhang & Sabuncu 2018"
Q = Domain("q", 0, 1, hi_open=False, source=f"{GCE18}, Eq. 6")
"""``q`` of ``L_q`` (GCE)."""
K = Domain("k", 0, 1, source=f"{GCE18}, Eq. 9")
"""``k`` of the truncated ``L_q``: the probability below which the loss is flat."""
A = Domain("A", hi=0, source="Wang et al. 2019 via Li's notes, Eq. 18", what="the value given to log 0 in RCE")
"""``A = log 0`` of RCE."""
SCE_ALPHA = Domain("alpha", 0, lo_open=False, source="Wang et al. 2019, Eq. 19")
SCE_BETA = Domain("beta", 0, lo_open=False, source="Wang et al. 2019, Eq. 19")
"""SCE's weights (not both ``0``: :func:`label_noise_lab.theory.losses.zoo_sce` checks that)."""
APL_ALPHA = Domain("alpha", 0, source="Ma et al. 2020, sec. 4")
APL_BETA = Domain("beta", 0, source="Ma et al. 2020, sec. 4")
GAMMA = Domain("gamma", 0, lo_open=False, source="Lin et al. 2017, Eq. 5")
"""The focusing parameter of the focal loss (and of NFL)."""
TAYLOR_T = Domain("t", 1, 100, lo_open=False, hi_open=False, integer=True, source="Feng et al. 2020, Eq. 4")
"""The order of the Taylor CE (its terms are expanded, so it is capped at 100)."""
EPSILON = Domain("epsilon", -1, lo_open=False, source="Leng et al. 2022, Eq. 3")
PI = Domain("pi", 0, 1, source="Englesson & Azizpour 2021, sec. 3")
AGCE_A = Domain("a", 0, source="Zhou et al. 2021, sec. 4")
AGCE_Q = Domain("q", 0, source="Zhou et al. 2021, sec. 4")
AUL_A = Domain("a", 1, source="Zhou et al. 2021, sec. 4")
AUL_P = Domain("p", 0, source="Zhou et al. 2021, sec. 4")
AEL_A = Domain("a", 0, source="Zhou et al. 2021, sec. 4")


def check_q(q: Any) -> Any:
    """``q`` of ``L_q`` in ``(0, 1]`` (Zhang & Sabuncu 2018, Eq. 6); symbols pass unchecked.

    References
    ----------
    .. [1] Z. Zhang and M. R. Sabuncu, "Generalized Cross Entropy Loss for Training Deep Neural Networks with
       Noisy Labels", NeurIPS 2018, sec. 3.2, Eq. 6 (``q`` in ``(0, 1]``).

    Examples
    --------
    >>> import sympy
    >>> from label_noise_lab.theory.loss_parameters import check_q
    >>> check_q("0.7")
    7/10
    >>> check_q(sympy.Symbol("q", positive=True))
    q
    >>> check_q(2)
    Traceback (most recent call last):
        ...
    ValueError: q must lie in (0, 1], got 2
    """
    return Q.check(q)


def check_k(k: Any) -> Any:
    """``k`` of the truncated ``L_q`` in ``(0, 1)`` (Zhang & Sabuncu 2018, Eq. 9); symbols pass.

    References
    ----------
    .. [1] Z. Zhang and M. R. Sabuncu, "Generalized Cross Entropy Loss for Training Deep Neural Networks with
       Noisy Labels", NeurIPS 2018, sec. 3.3, Eq. 9 (``0 < k < 1``).

    Examples
    --------
    >>> from label_noise_lab.theory.loss_parameters import check_k
    >>> check_k("1/2")
    1/2
    >>> check_k(1)
    Traceback (most recent call last):
        ...
    ValueError: k must lie in (0, 1), got 1
    """
    return K.check(k)


def check_A(A_: Any) -> Any:
    """``A``, the value given to ``log 0`` in RCE, must be negative (Wang et al. 2019 via Li's notes, Eq. 18);
    symbols pass.

    References
    ----------
    .. [1] S. Li, "Robust Losses", study notes on Ghosh et al. 2017, Zhang & Sabuncu 2018, Wang et al. (IMAE),
       Wang et al. 2019 (SCE) and Xu et al. 2019 (L_DMI), sec. 2, Eq. 18 and the text after Eq. 19 (``log 0`` defined as
       a negative ``A``).

    Examples
    --------
    >>> from label_noise_lab.theory.loss_parameters import check_A
    >>> check_A(-4)
    -4
    >>> check_A(0)
    Traceback (most recent call last):
        ...
    ValueError: A (the value given to log 0 in RCE) must be negative, got 0
    """
    return A.check(A_)


def number_parameter(name: str, v: Any, lo: Any = None, hi: Any = None, lo_open: bool = True, hi_open: bool = True,
         integer: bool = False) -> Any:
    """A real parameter as an exact SymPy number (``"0.7"`` -> ``7/10``), range-checked."""
    import sympy

    from label_noise_lab.theory.expressions import ExpressionError, parse_number

    if isinstance(v, sympy.Basic):
        e = v
    else:
        try:
            e = parse_number(str(v), f"parameter {name}")
        except ExpressionError as exc:
            raise ValueError(f"parameter {name} must be a number, got {quoted(v)}: {exc.why}") from None
    if not e.is_number or not e.is_real:
        raise ValueError(f"parameter {name} must be a real number, got {quoted(v)}")
    if integer and not e.is_integer:
        raise ValueError(f"parameter {name} must be an integer, got {quoted(v)}")
    if lo is not None and (e < lo if not lo_open else e <= lo):
        raise ValueError(f"parameter {name} must be {'>' if lo_open else '>='} {lo}, got {quoted(v)}")
    if hi is not None and (e > hi if not hi_open else e >= hi):
        raise ValueError(f"parameter {name} must be {'<' if hi_open else '<='} {hi}, got {quoted(v)}")
    return e
