"""The loss trial's limit per symbolic step, its reasons for an undecided cell, and the exact core that keeps SymPy
fast on long formulas.

Every property of :func:`paper_checks.trials.simplex.trial` (and of the margin trial) runs under :func:`cell_limit`:
a limit of counted work, :data:`CELL_WORK` units of :mod:`paper_checks.work` (the prover's measure: a count of calls,
the same on every machine). SymPy's ``simplify``, ``limit`` and ``integrate`` can run for minutes on a user's loss,
so a property that spends its work without finishing is ``undecided: past its work limit (20 units)``, on a quiet
laptop and a loaded one alike, and the trial goes on with the next one. The wall clock is only a safety net, one per
property: a user's ``--timeout``, or where none is given the default :func:`paper_checks.work.net_for` (ten seconds a
unit, for a C routine the meter does not see); a cell it stopped
says so in words (:func:`stopped`), never as a different mathematical answer. (Until session 23 the cell's limit was
10 s of wall clock: tgce's noisy minimiser, js's weight and the truncated logistic's minimiser, 2 s each on a quiet
machine, were ``timed out`` beside a load.) Any other failure is undecided with :func:`undecided_reason` (the
mathematical reason, never only a Python exception's name).

The exact core: :func:`derivative` (term by term), :func:`simp` (lowest terms for a rational function of high
degree), :func:`rational_function` (polynomial arithmetic bottom up), :func:`polynomial_sign_on_unit` (exact
root isolation) and :func:`polynomial_moments`: Taylor CE of order 100 is decided in seconds. Where no timer is
available (another thread than the main one, or a platform without ``setitimer``) the work limit still holds and only
the wall-clock net is off.
"""
from __future__ import annotations

from contextlib import contextmanager, nullcontext
from functools import lru_cache
from typing import Any, Iterator

import sympy

from label_noise_lab.theory.real_line import Undecided
from paper_checks import work
from paper_checks.deadline import TimedOut, deadline

CELL_WORK = 20.0
"""Work units of :mod:`paper_checks.work` each property of a loss trial may spend (30 million calls): about three
times the costliest cell of the zoo's 18 default losses, js's weight at 7.0 units (then nfl's and focal's 1.6; session
23, ``benchmarks/RESULTS.md``)."""
DEFAULT_TIMEOUT: float | None = None
"""The wall-clock limit per property (the CLI's ``--timeout``): ``None``, the work meter's own safety net
(:func:`paper_checks.work.net_for`, 200 s for :data:`CELL_WORK`); a number of seconds is a stricter net."""


class OutOfWork(TimedOut):
    """A property spent its work limit (:data:`CELL_WORK`) without finishing: the same on every machine."""

    def __init__(self, units: float) -> None:
        BaseException.__init__(self, f"past its work limit ({units:g} units)")
        self.seconds = self.units = units


@contextmanager
def cell_limit(timeout: float | None = DEFAULT_TIMEOUT, units: float = CELL_WORK) -> Iterator[None]:
    """One property's limits: ``units`` of work (raises :class:`OutOfWork`), inside one wall-clock net: ``timeout``
    seconds where given (the user's ``--timeout``, raises :class:`~paper_checks.deadline.TimedOut`), else the
    generous default :func:`paper_checks.work.net_for` ``units`` (raises :class:`OutOfWork` marked as the net's). Never
    both: a ``--timeout`` of 1000 s is the net, not a default of 200 s inside it."""
    with deadline(timeout) if timeout is not None else nullcontext(), \
            work.limit(units, error=OutOfWork, net=work.net_for(units) if timeout is None else None):
        yield


def stopped(exc: TimedOut) -> tuple[str, str]:
    """The cell and the summary of a property that a :func:`cell_limit` stopped: its work limit, the meter's
    wall-clock net or the user's ``--timeout``, each said as what it is."""
    if isinstance(exc, OutOfWork):
        net = work.net_seconds(exc)
        if net is not None:
            return (f"undecided: time limit (a safety net of {net:g} s)",
                    f"the wall-clock safety net of {net:g} s came before the work limit of {exc.units:g} units (a "
                    "step the work meter does not count, or a very slow machine); a longer --timeout lets it reach "
                    "its work limit")
        return (f"undecided: {exc}",
                f"the computation did not finish within its work limit of {exc.units:g} units (a count of calls, "
                "the same on every machine); not decided here")
    return (f"undecided: {exc}",
            f"the computation did not finish within the wall-clock limit ({exc}); raise the limit (--timeout) to try "
            f"longer, up to the work limit of {CELL_WORK:g} units")


HIGH_DEGREE = 12
"""Above this degree a rational function is put in canonical form (``cancel``) instead of ``simplify``d."""


class NotRational(Exception):
    """Not a rational function with rational coefficients of the given symbols."""


def rational_function(e: sympy.Expr, gens: tuple[sympy.Symbol, ...]) -> tuple[sympy.Poly, sympy.Poly]:
    """``e = num/den`` as two polynomials over the rationals in ``gens``, built bottom up with polynomial
    arithmetic (``(1 - p)**100`` is one power of a ``Poly``, not an expansion of expressions: 0.07 s for Taylor CE
    of order 100, where ``Poly(expr)`` takes 2 s). :class:`NotRational` for anything else."""
    if e in gens or e.is_Rational:
        return sympy.Poly(e, *gens, domain="QQ"), sympy.Poly(1, *gens, domain="QQ")
    if e.is_Add or e.is_Mul:
        parts = [rational_function(a, gens) for a in e.args]
        num, den = parts[0]
        for n, d in parts[1:]:
            if e.is_Mul:
                num, den = num * n, den * d
            elif d == den:
                num = num + n
            else:
                num, den = num * d + n * den, den * d
        return num, den
    if e.is_Pow and e.exp.is_Integer:
        num, den = rational_function(e.base, gens)
        k = int(e.exp)
        return (num**k, den**k) if k >= 0 else (den**-k, num**-k)
    raise NotRational(str(e))


@lru_cache(maxsize=512)
def simp(e: sympy.Expr) -> sympy.Expr:
    """``sympy.simplify(e)``, except for a rational function (rational coefficients) of degree above
    :data:`HIGH_DEGREE`, which is put in lowest terms with expanded numerator and denominator: the same value, in
    a fraction of the time (``simplify`` of a degree-98 polynomial runs for minutes)."""
    e = sympy.sympify(e)
    gens = tuple(sorted(e.free_symbols, key=str))
    if gens:
        try:
            num, den = rational_function(e, gens)
        except NotRational:
            return sympy.simplify(e)
        if max(num.total_degree(), den.total_degree()) > HIGH_DEGREE:
            num, den = num.cancel(den, include=True)
            return num.as_expr() / den.as_expr()
    return sympy.simplify(e)


work.forgets(simp.cache_clear)


def derivative(e: sympy.Expr, t: sympy.Symbol, n: int = 1) -> sympy.Expr:
    """``d^n e / dt^n``, term by term: the same expression as ``sympy.diff`` (the derivative of a sum is the sum of
    its terms' derivatives), without the minutes ``sympy.diff`` spends on a long sum in a symbol with
    assumptions (Taylor CE of order 100, ``sum (1 - p)^i / i`` in a positive ``p``: 100 s, term by term 0.2 s)."""
    for _ in range(n):
        e = sympy.Add(*[sympy.diff(a, t) for a in sympy.Add.make_args(e)])
    return e


def polynomial_sign_on_unit(expr: sympy.Expr, t: sympy.Symbol) -> int | None:
    """The sign of a rational function of ``t`` with rational coefficients on ``(0, 1)`` by exact root isolation
    (SymPy's ``count_roots``, Sturm sequences over the rationals, on each square-free factor): ``+1``/``-1``
    strict, ``+2``/``-2`` weak (an even-multiplicity root inside), ``0`` identically zero; None when it takes
    both signs or is not such a function (then the general tests decide). Fast at any degree."""
    if expr.has(sympy.Piecewise) or expr.free_symbols - {t}:
        return None
    try:
        polys = list(rational_function(sympy.sympify(expr), (t,)))
    except NotRational:
        return None
    if polys[0].is_zero:
        return 0
    sign, weak = 1, False
    for k, poly in enumerate(polys):
        lead, factors = poly.sqf_list()
        sign *= 1 if lead > 0 else -1
        for f, mult in factors:
            inside = f.count_roots(0, 1) - (f.eval(0) == 0) - (f.eval(1) == 0)
            if inside and (mult % 2 or k == 1):
                return None  # a sign change or a pole inside (0, 1)
            weak |= bool(inside)
            if mult % 2 and f.eval(sympy.Rational(1, 2)) < 0:  # no root inside: the sign at 1/2 is the sign
                sign = -sign
    return 2 * sign if weak else sign


def sign_on_open_unit(expr: sympy.Expr, t: sympy.Symbol) -> int | None:
    """``+1``/``-1`` when ``expr`` is positive/negative on ``(0, 1)``, ``None`` when undecided.

    ``t = 1/(1 + u)`` with ``u > 0`` maps ``(0, 1)`` onto ``(0, oo)``; after expansion every term
    of the sum is a product of powers of ``u``, ``1 + u`` and logarithms of them, whose signs SymPy
    infers one by one. A sum of positive terms is positive: this decides, e.g., focal loss's
    ``psi'' = -2 log t + 2 (1 - t)/t + (1 - t^2)/t^2`` (each term positive), which
    :func:`label_noise_lab.theory.gradients.sign_on_unit_interval` (factoring the whole) leaves undecided.
    """
    expr = sympy.sympify(expr)
    if expr.has(sympy.Piecewise):
        return None
    s = _termwise_sign(expr, t)
    return s if s is not None else _termwise_sign(sympy.simplify(expr), t)


def _termwise_sign(expr: sympy.Expr, t: sympy.Symbol) -> int | None:
    u = sympy.Symbol("u", positive=True)
    e = sympy.expand(sympy.expand_log(expr.subs(t, 1 / (1 + u)), force=True))
    if e == 0:
        return None
    parts = sympy.collect(e, sorted(e.atoms(sympy.log), key=str), evaluate=False)
    signs = []
    for atom, coeff in parts.items():
        coeff = sympy.factor(sympy.cancel(sympy.together(coeff)))
        if coeff != 0:
            signs.append(_group_sign(coeff) if atom == 1 else _mul_sign(_group_sign(coeff), _group_sign(atom)))
    groups = signs
    if groups and all(s == 1 for s in signs):
        return 1
    if groups and all(s == -1 for s in signs):
        return -1
    return None


def _mul_sign(a: int | None, b: int | None) -> int | None:
    return None if a is None or b is None else a * b


def _group_sign(g: sympy.Expr) -> int | None:
    """The sign of one group (a log term or a rational function of ``u > 0``), ``None`` when unknown."""
    if g.is_positive:
        return 1
    if g.is_negative:
        return -1
    num, den = sympy.fraction(sympy.factor(g))
    sn = [_poly_sign(f) for f in sympy.Mul.make_args(num)] + [_poly_sign(f) for f in sympy.Mul.make_args(den)]
    if any(s is None for s in sn):
        return None
    return 1 if sn.count(-1) % 2 == 0 else -1


def _poly_sign(f: sympy.Expr) -> int | None:
    """The sign of a factor on ``u > 0``: by SymPy's inference, or a polynomial with coefficients of one sign."""
    if f.is_positive:
        return 1
    if f.is_negative:
        return -1
    base, ex = f.as_base_exp()
    if ex.is_integer and ex.is_even is False and base is not f:
        return _poly_sign(base)
    if f.is_polynomial() and len(f.free_symbols) == 1:
        coeffs = sympy.Poly(f, *f.free_symbols).coeffs()
        if all(c.is_positive for c in coeffs if c != 0):
            return 1
        if all(c.is_negative for c in coeffs if c != 0):
            return -1
    return None


def polynomial_moments(w: sympy.Expr, p: sympy.Symbol) -> tuple[sympy.Rational, sympy.Rational] | None:
    """``(E w, Var w)`` for ``p ~ U(0, 1)`` when ``w`` is a polynomial in ``p`` with rational coefficients (exact,
    by polynomial arithmetic: fast at any degree), else None."""
    try:
        num, den = rational_function(sympy.sympify(w), (p,))
    except NotRational:
        return None
    if den.degree() > 0:
        return None
    poly = num.quo_ground(den.LC())

    def integral(f: sympy.Poly) -> sympy.Rational:
        g = f.integrate()
        return g.eval(1) - g.eval(0)

    mean = integral(poly)
    return mean, integral(poly * poly) - mean**2


def undecided_reason(exc: BaseException, expr: Any = None) -> str:
    """The mathematical reason a property could not be decided, for the cell and the summary: the message of a
    :class:`label_noise_lab.theory.real_line.Undecided` (it names what SymPy could not settle), else that SymPy could
    not trace
    the formula (a limit, series or comparison it does not carry through ``expr``'s functions). The Python
    exception is kept at the end, in brackets, for a bug report; the reason never is only its name."""
    if isinstance(exc, Undecided):
        return str(exc)
    funcs = sorted({type(f).__name__ for f in sympy.preorder_traversal(expr) if isinstance(f, sympy.Function)}
                   ) if isinstance(expr, sympy.Basic) else []
    what = f" through {', '.join(funcs)}" if funcs else ""
    if isinstance(exc, RecursionError):
        return f"untraceable: SymPy's limit or series{what} does not terminate [internal: RecursionError]"
    if isinstance(exc, ZeroDivisionError):
        return f"a value is infinite or undefined (a pole){what} [internal: {exc}]"
    return f"untraceable: SymPy cannot carry this step{what} [internal: {type(exc).__name__}: {exc}]"


def fmt_exact(e: Any) -> str:
    """Display of an exact value: the whole expression (never cut, its sign kept), with a decimal when
    irrational."""
    e = sympy.sympify(e)
    if e.is_infinite:
        return "∞" if e.is_extended_positive else "-∞"
    if e.is_Rational or not e.is_number:
        return str(e)
    return f"{str(e)} ≈ {float(e):.6g}"
