"""A search domain: its parameters, margins and constraint (:class:`SearchSpace`)."""
from __future__ import annotations

import dataclasses
import math
import numbers
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import sympy

from label_noise_lab.theory.validators import cut, quoted, real_number
from paper_checks.search.params.base import Parameter, Point
from paper_checks.search.params.domain import domain_rows
from paper_checks.search.params.scalar import Integer, Real
from paper_checks.search.rationals import Infeasible
from paper_checks.work import MAX_UNITS, units


# ================================================================== the domain
@dataclass(frozen=True)
class SearchSpace:
    """Where a claim is searched and how its failure is measured.

    Attributes
    ----------
    params : the parameters of the domain (subclasses of :class:`~paper_checks.search.params.base.Parameter`:
        ``Real``, ``Integer``, ``SimplexPoint``, ``StochasticMatrix``)
    margin : ``point -> float``, negative exactly where the claim fails
    exact_margin : ``point -> sympy expression`` on a point of exact values; required to
        report a verified counterexample
    constraint : ``point -> bool``; points where it is False are outside the domain
    description : what the margin measures, for reports
    proves : what ``margin >= 0`` on the whole domain establishes, where that is not the claim's statement:
        a weaker one (a non-strict form of a strict inequality, one direction of an "iff", a few values of
        ``c``, one loss for a family) or, for a claim that something exists, its negation. ``explore --prove``
        prints it as what a proof proved (and never says the statement was proved); ``""`` means the margin
        is the statement on its domain
    statement_domain : the statement's own range of each coordinate whose declared range is narrower (``{"c":
        "every c >= 2"}``), a mapping or ``(name, text)`` pairs; empty where the declared domain is the
        statement's own. A proof on a narrower domain is a proof of that narrower statement, and says so
    folds : ``(simplex parameter, integer parameter)`` pairs (a mapping is taken): the point is drawn on a larger
        simplex and folded onto that many classes (:func:`label_noise_lab.theory.simplex.fold`); reports say so
    relaxed : the statement's own range of each ``Real`` coordinate that the statement takes at integers only
        (``{"c": "every integer c >= 2"}``), a mapping or pairs: the ``Real`` holds every such integer, so a proof
        covers the statement (the domain is not narrower), while a counterexample refutes it only where that
        coordinate is an integer (``explore`` says so of one that is not). Declare it only where the margin's
        formula at a real value is the statement's at every integer (a closed form such as ``c^(1-q)``, no
        ``floor`` or sum over ``c`` terms)
    reduction : a :class:`~paper_checks.search.params.reduction.Reduction` of the statement on its own domain to
        sub-statements on boxes, through a named theorem; ``explore --prove`` proves its steps and, where every
        step is proved, the statement's own domain (:meth:`proof_domain`), else this space's (None: no reduction)
    proof_work : the work (units of :mod:`paper_checks.work`) that a proof of this domain is known to need, where
        that is more than a precision's budget: ``explore --prove`` spends the larger of the two unless
        ``--prove-work`` says otherwise (0: the precision's). Counted work, so the same on every machine; measured
        by ``explore ID --prove --prove-work W`` and declared with what it used
    """

    params: tuple[Parameter, ...]
    margin: Callable[[Point], float]
    exact_margin: Callable[[Point], Any] | None = None
    constraint: Callable[[Point], bool] | None = None
    description: str = ""
    proves: str = ""
    statement_domain: Any = ()
    folds: Any = ()
    relaxed: Any = ()
    reduction: Any = None
    proof_work: float = 0.0

    def __post_init__(self) -> None:
        # names are not checked against the parameters: the prover replaces parameters by charted ones
        # (dataclasses.replace: ``alpha`` becomes ``alpha_cell``, ``alpha_chart``) and carries these along;
        # :meth:`domain` reads the names that are there, and the catalogue's tests check its own names
        # every field checked here, before any search or proof (a bad one failed far from the cause: proof_work=1e308
        # as a 27-line traceback of explore --prove, 10**400 as an OverflowError)
        ps = self.params
        if isinstance(ps, (str, bytes, Mapping)) or not isinstance(ps, (tuple, list)) or \
                not all(isinstance(p, Parameter) for p in ps):
            raise TypeError(f"SearchSpace: params must be a tuple of parameters (Real, Integer, SimplexPoint, "
                            f"StochasticMatrix, ...), got {type(ps).__name__} {quoted(ps)}")
        object.__setattr__(self, "params", tuple(ps))
        for name, needed in (("margin", True), ("exact_margin", False), ("constraint", False)):
            f = getattr(self, name)
            if not (callable(f) or (f is None and not needed)):
                raise TypeError(f"SearchSpace: {name} must be a function of a point{'' if needed else ' or None'}, "
                                f"got {type(f).__name__} {quoted(f)}")
        for name in ("description", "proves"):
            if not isinstance(getattr(self, name), str):
                raise TypeError(f"SearchSpace: {name} must be a string, got {type(getattr(self, name)).__name__} "
                                f"{quoted(getattr(self, name))}")
        for field_name in ("statement_domain", "folds", "relaxed"):
            object.__setattr__(self, field_name, _pairs(field_name, getattr(self, field_name)))
        object.__setattr__(self, "proof_work", proof_work(self.proof_work))

    def domain(self, declared: SearchSpace | None = None) -> list[dict[str, Any]]:
        """Each coordinate's range, open ends and the statement's own range where it differs
        (:func:`paper_checks.search.params.domain.domain_rows`; ``declared``: the space before ``--set``)."""
        return domain_rows(self, declared)

    def proof_domain(self, declared: SearchSpace | None = None) -> list[dict[str, Any]]:
        """The domain ``explore --prove`` sets out to prove: the statement's own, through :attr:`reduction`, where
        the space declares one; else :meth:`domain`. (A proof of the reduction's steps falls back to
        :meth:`domain` where a step is not proved; ``explore`` says which it proved.)"""
        return self.reduction.rows() if self.reduction is not None else self.domain(declared)

    @property
    def narrower(self) -> bool:
        """Whether the declared domain is narrower than the statement's on some coordinate (a real relaxation of
        an integer coordinate, ``relaxed``, is not: it holds every integer the statement takes)."""
        return bool(self.statement_domain)

    @property
    def dimension(self) -> int:
        """How many coordinates the local polish moves (0: nothing continuous)."""
        return sum(p.dimension for p in self.params)

    def sample_columns(self, rng: np.random.Generator, n: int) -> list[tuple[str, np.ndarray]]:
        """``n`` sampled values of each parameter, in the order of :attr:`params`."""
        return [(p.name, p.sample(rng, n)) for p in self.params]

    def contains(self, point: Point) -> bool:
        """Whether every parameter's value lies in its domain (the constraint is not checked)."""
        return all(p.inside(point[p.name]) for p in self.params)

    def polish_ok(self, point: Point) -> bool:
        """Whether a point the polish unpacked may be evaluated (:meth:`Parameter.polish_ok`)."""
        return all(p.polish_ok(point[p.name]) for p in self.params)

    def constraint_holds(self, point: Point) -> bool:
        """The constraint at a float point; one that cannot be evaluated there excludes it."""
        if self.constraint is None:
            return True
        try:
            return bool(self.constraint(point))
        except Exception:  # noqa: BLE001  (any error of a claim's constraint excludes the point)
            return False

    def constraint_holds_exactly(self, rpoint: Point) -> bool:
        """The constraint at an exact point, or at its floats where it cannot take exact values."""
        if self.constraint is None:
            return True
        try:
            return bool(self.constraint(rpoint))
        except Exception:  # noqa: BLE001  (any error: judge the point on its floats instead)
            return self.constraint_holds(self.float_point(rpoint))

    def is_exact(self, point: Point) -> bool:
        """Whether every parameter's value is exact (:meth:`Parameter.is_exact`)."""
        return all(p.is_exact(point[p.name]) for p in self.params)

    def to_rational(self, point: Point, max_den: int | None = 10**6) -> Point:
        """See :func:`to_rational`."""
        out: Point = dict(point)
        try:
            for p in self.params:
                out[p.name] = p.round(point[p.name], max_den)
        except Infeasible as exc:
            raise ValueError(str(exc)) from None
        return out

    def grid_round(self, point: Point, den: int) -> Point | None:
        """The exact ``point`` jointly rounded to common denominator ``den`` (:meth:`Parameter.grid_round`);
        None where some parameter has no such rounding."""
        out = dict(point)
        for p in self.params:
            v = p.grid_round(point[p.name], den)
            if v is None:
                return None
            out[p.name] = v
        return out

    @staticmethod
    def float_point(point: Point) -> Point:
        """The exact values of ``point`` as the floats the float margin takes (matrices and simplex
        points as arrays, integers as ``int``)."""
        out: Point = {}
        for k, v in point.items():
            if isinstance(v, sympy.MatrixBase):
                out[k] = np.array(v.tolist(), dtype=float)
            elif isinstance(v, list):
                out[k] = np.array([float(x) for x in v])
            elif isinstance(v, sympy.Integer):
                out[k] = int(v)
            elif isinstance(v, sympy.Basic):
                out[k] = float(v)
            else:
                out[k] = v
        return out

    def pack(self, point: Point) -> np.ndarray:
        """The polish's coordinates of ``point``: every parameter's :meth:`Parameter.pack`, in order."""
        out: list[float] = []
        for p in self.params:
            out.extend(p.pack(point[p.name]))
        return np.array(out)

    def unpack(self, x: np.ndarray, base: Point) -> Point:
        """``base`` with the parameters that have coordinates replaced by those of ``x``."""
        point = dict(base)
        i = 0
        for p in self.params:
            k = p.dimension
            if k:
                point[p.name] = p.unpack(x[i: i + k])
                i += k
        return point

    def point_strategy(self) -> Any:
        """Hypothesis strategy for whole points (each parameter's :meth:`Parameter.strategy`),
        constraint applied."""
        # imported here: hypothesis is a test dependency (the "test" extra), not a runtime one
        from hypothesis import strategies as st

        s = st.fixed_dictionaries({p.name: p.strategy() for p in self.params})
        return s.filter(self.constraint_holds) if self.constraint is not None else s

    def narrowed(self, ranges: Mapping[str, Any]) -> SearchSpace:
        """This domain with some ``Real`` and ``Integer`` parameters narrowed (``explore --set``,
        :func:`paper_checks.api.explore`): ``ranges`` maps a name to ``(low, high)``, to one value (which pins a
        ``Real``) or to the text ``"LOW..HIGH"`` or ``"V"``. A range may only narrow the declared domain, since
        the margin is only promised there; an open end stays open only where the range keeps it. Raises
        :class:`NarrowingError` (a one-line ``ValueError`` naming the parameter) on bad input."""
        params = {p.name: p for p in self.params}
        for name, value in ranges.items():
            if name not in params:
                raise NarrowingError(name, value, f"the search space has no parameter {quoted(name)}; it has "
                                                  f"{', '.join(params)}")
            params[name] = _narrow(params[name], value)
        # a narrowed domain is no longer the one the reduction covers: it is dropped
        return dataclasses.replace(self, params=tuple(params[p.name] for p in self.params), reduction=None)


def proof_work(w: Any) -> float:
    """A space's ``proof_work``: 0 (the precision's budget) or a work budget by the package's one rule
    (:func:`paper_checks.work.units`: at most :data:`~paper_checks.work.MAX_UNITS`, compared exactly), the number
    read first by the doors' one rule (:func:`label_noise_lab.theory.validators.real_number`: a ``Decimal`` is exact); a
    one-line
    ``ValueError`` naming ``SearchSpace: proof_work`` otherwise (``10**400`` was an ``OverflowError``, ``1e308``
    taken and then a traceback of ``explore --prove``)."""
    name = "SearchSpace: proof_work"
    try:
        v = real_number(name, w)
        return 0.0 if v == 0 else units(name, v)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a finite number of work units, 0 (the precision's budget) or positive up "
                         f"to {MAX_UNITS:g}, got {quoted(w)}") from None


def _pairs(what: str, value: Any) -> tuple[tuple[str, str], ...]:
    """A mapping or ``(name, text)`` pairs as a tuple of string pairs (hashable, like the frozen space)."""
    items = value.items() if isinstance(value, Mapping) else value
    try:
        pairs = tuple((k, v) for k, v in items)
    except (TypeError, ValueError):
        raise TypeError(f"SearchSpace {what}: expects a mapping of parameter names to text, got "
                        f"{type(value).__name__} {quoted(value)}") from None
    bad = [kv for kv in pairs if not all(isinstance(x, str) for x in kv)]
    if bad:
        raise TypeError(f"SearchSpace {what}: names and texts must be strings, got {quoted(bad[0])}")
    return pairs


def range_setting(spec: str) -> tuple[str, str]:
    """``"NAME=LOW..HIGH"`` (or ``"NAME=V"``) as ``(NAME, "LOW..HIGH")``, the text form of one
    :meth:`SearchSpace.narrowed` range; ``ValueError`` where there is no ``=`` or no name."""
    name, sep, rng = spec.partition("=")
    if not sep or not name.strip():
        raise ValueError(f"expects NAME=LOW..HIGH, got {quoted(spec)}")
    return name.strip(), rng


class NarrowingError(ValueError):
    """A range :meth:`SearchSpace.narrowed` refuses: ``name``, the ``value`` given, and the ``reason``."""

    def __init__(self, name: str, value: Any, reason: str) -> None:
        super().__init__(f"{cut(str(name))} = {_shown(value)}: {reason}")
        self.name, self.value, self.reason = name, value, reason


def _shown(value: Any) -> str:
    """A range as ``explore --set`` writes it, ``LOW..HIGH`` or ``V``, cut for a message
    (:func:`label_noise_lab.theory.validators.cut`:
    ``--set q=<a million digits>`` is not echoed whole)."""
    if isinstance(value, (tuple, list)) and len(value) == 2:
        return cut(f"{quoted(value[0])}..{quoted(value[1])}")
    return cut(str(value))


def _ends(value: Any) -> tuple[Any, Any]:
    """The two ends of a range: ``(low, high)``, one value ``V`` (both ends), or the text ``LOW..HIGH``/``V``."""
    if isinstance(value, str):
        lo, dots, hi = value.partition("..")
        return (lo, hi) if dots else (value, value)
    if isinstance(value, (tuple, list)) and len(value) == 2:
        return value[0], value[1]
    return value, value


def _number(v: Any, integer: bool) -> int | float:
    """One end of a range as the parameter's type (``ValueError`` where it is not one)."""
    if isinstance(v, str):
        return int(v) if integer else float(v)
    if isinstance(v, bool) or not isinstance(v, numbers.Real) or (integer and not isinstance(v, numbers.Integral)):
        raise ValueError(v)
    return int(v) if integer else float(v)  # OverflowError for an int beyond the floats (10**400)


def _narrow(p: Parameter, value: Any) -> Parameter:
    """Parameter ``p`` narrowed to the range ``value`` (:meth:`SearchSpace.narrowed`)."""
    name = p.name
    if not isinstance(p, (Integer, Real)):
        raise NarrowingError(name, value, f"only Real and Integer parameters take a range, {name!r} is a "
                                          f"{type(p).__name__}")
    integer = isinstance(p, Integer)
    if isinstance(value, str) and ("_" in value or any(w in value.lower() for w in ("0x", "0o", "0b"))):
        raise NarrowingError(name, value, "numbers are written in decimal (1.5, 2e-3), without 0x/0o/0b or '_'")
    try:
        lo, hi = (_number(v, integer) for v in _ends(value))
    except OverflowError:
        raise NarrowingError(name, value, "an end lies beyond the floating-point range (about 1.8e308) in which a "
                                          "Real is searched") from None
    except (ValueError, TypeError):
        raise NarrowingError(name, value, f"{_shown(value)!r} is not a range LOW..HIGH of "
                                          f"{'integers' if integer else 'numbers'}") from None
    if math.isnan(lo) or math.isnan(hi):
        raise NarrowingError(name, value, f"{_shown(value)!r} is not a range LOW..HIGH of numbers (NaN)")
    if lo < p.low or hi > p.high:  # the margin is only promised on the declared domain
        raise NarrowingError(name, value, f"outside the declared domain [{p.low}, {p.high}] of {name!r}; "
                                          "an override may only narrow it")
    if isinstance(p, Real) and lo == hi and ((p.open_low and lo == p.low) or (p.open_high and hi == p.high)):
        raise NarrowingError(name, value, f"{name} = {lo} is excluded from the declared domain {p._text()}")
    try:
        if isinstance(p, Integer):
            return Integer(name, int(lo), int(hi))
        # an open end stays open only where the override keeps it
        return Real(name, lo, hi, open_low=p.open_low and lo == p.low, open_high=p.open_high and hi == p.high)
    except ValueError as exc:
        raise NarrowingError(name, value, str(exc)) from None


def to_rational(point: Point, space: SearchSpace, max_den: int | None = 10**6) -> Point:
    """The point in exact values *inside the domain*.

    Reals become the ``Rational`` of denominator at most ``max_den`` nearest them (or the
    float's exact binary value where that one would leave the domain, e.g. land on an open
    end); simplex points and stochastic rows keep zero coordinates zero and positive ones
    positive, and sum exactly to 1 (the largest coordinate takes the remainder); integers
    become ``sympy.Integer``. Raises ``ValueError`` (quoting the value) when no exact point
    of the domain is near. The constraint is not checked here (see
    :func:`paper_checks.search.exact.verify`).
    """
    return space.to_rational(point, max_den)
