"""Two sides compared through a power: ``A - w S^e >= 0`` from ``(A/w)^(1/e) - S >= 0``, each condition a sub-problem
of the same prover with its own certificate.

A norm against a multiple of the largest entry, ``c^(1-q) max_k T_k - (sum_k T_k^r)^(1-q)`` with
``r = 1/(1-q)`` (the bound of Zhang & Sabuncu 2018's class-dependent theorem, reconstructed here), is 0 at the
uniform row for every ``q`` and along the whole face ``q -> 1``: the boxes cannot close it, and neither side alone
tells anything.
Raised to ``1/(1 - q)`` both sides are sums of the same powers, ``c max_k T_k^r - sum_k T_k^r``, which holds term
by term and which z3 decides with each power a variable of its own
(:class:`~paper_checks.prover.algebraic.z3_atoms.Z3Atoms`).

The margin is written ``m = A - w S^e`` (one term of its sum holds the power ``S^e``, whose exponent reads a
coordinate, and no other term does), where ``X = (A/w)^(1/e)`` written out is in the powers ``S`` is made of (else
the step declines: the root of the other side would be a new power, no easier than the margin). Then ``m >= 0``
on the piece follows from

1. ``w > 0`` and ``e > 0`` at every point of the piece (decided: an interval bound, or z3 with the ends the domain
   leaves open strict, :func:`positive`);
2. ``A >= 0`` and ``S >= 0`` (sub-problems);
3. ``X - S >= 0`` with ``X = (A/w)^(1/e)`` written out (:func:`root`), a sub-problem; where ``X`` takes a power
   into a ``Max`` (``Max(a, b)^r = Max(a^r, b^r)`` for ``r > 0``), each argument ``>= 0`` is one more sub-problem.

For then ``A/w >= 0`` and ``u -> u^e`` is increasing on ``[0, oo)``, so ``A/w = X^e >= S^e`` and
``m = w (A/w - S^e) >= 0``. :func:`recheck` derives every problem again, checks ``X^e = A/w`` at points of the
piece in ball arithmetic and the signs again, and re-checks every certificate; it never trusts the run.

The closure here (:class:`PowerComparing`, registered for :mod:`paper_checks.prover.schedule`): two sides compared
through a power (:mod:`paper_checks.prover.subproofs.power_compare`): ``A - w S^e >= 0`` from ``(A/w)^(1/e) >= S``, the
signs it needs decided and each condition a sub-proof with its own certificate. Re-checked by deriving the comparison
again, the signs in Arb and z3's other route, ``X^e = A/w`` at points in ball arithmetic, and every certificate
(:func:`paper_checks.prover.subproofs.power_compare.recheck`).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sympy

from paper_checks import work
from paper_checks.deadline import TimedOut
from paper_checks.prover.algebraic import fragment
from paper_checks.prover.budget import Budget
from paper_checks.prover.closures.base import PieceGoal, SubproofMethod, register
from paper_checks.prover.enclosures.balls import ball_at, ball_lower
from paper_checks.prover.enclosures.bound import intervals
from paper_checks.prover.enclosures.boxes import Box, generic_point, groups, status
from paper_checks.prover.subproofs.subproblem import nested, proved_once, recheck_problem
from paper_checks.prover.tracing.symbols import Coordinate
from paper_checks.prover.tracing.trace import compile_expr
from paper_checks.prover.tracing.unbounded import explicit
from paper_checks.search.params import SearchSpace

#: how many of these steps may nest
MAX_DEPTH = 1
#: work units SymPy may spend writing the sides out
REWRITE_WORK = 2.0
#: z3's time for a sign (milliseconds)
SIGN_MILLISECONDS = 500
#: points of the piece where the re-check evaluates ``X^e - A/w`` in ball arithmetic
POINTS = 4



@dataclass(frozen=True)
class Form:
    """``m = A - w S^e``, and ``X = (A/w)^(1/e)`` written out with the arguments of each ``Max``/``Min`` a power
    was taken into (each must be ``>= 0``)."""

    power: sympy.Expr  # S^e
    rest: sympy.Expr  # A
    weight: sympy.Expr  # w
    root: sympy.Expr  # X
    into: tuple[sympy.Expr, ...]

    @property
    def problems(self) -> list[tuple[str, sympy.Expr]]:
        """The sub-problems ``>= 0``, named."""
        base, _ = self.power.as_base_exp()
        return ([("A", self.rest), ("S", base)] + [(f"argument {a}", a) for a in self.into]
                + [("(A/w)^(1/e) - S", self.root - base)])


@dataclass
class Part:
    what: str
    margin: sympy.Expr
    space: SearchSpace
    proof: Any


@dataclass
class PowerComparison:
    """A piece closed through the power ``form.power``: every sub-problem of ``form`` proved."""

    form: Form
    parts: list[Part]

    def why(self) -> str:
        base, e = self.form.power.as_base_exp()
        return (f"{self.form.rest} >= ({self.form.weight}) ({base})^({e}) through the power 1/({e}): "
                f"({self.form.root}) >= {base}, each condition proved ({', '.join(p.what for p in self.parts)})")


def _terms(expr: sympy.Expr) -> tuple[sympy.Expr, ...]:
    return sympy.Add.make_args(sympy.expand(expr, power_base=False, power_exp=False, log=False, multinomial=False))


def _push(e: sympy.Expr, r: sympy.Expr, into: list[sympy.Expr]) -> sympy.Expr:
    """``Max(a, b)^r`` as ``Max(a^r, b^r)`` (``Min`` alike) for the root's own exponent ``r = 1/e`` alone, the
    arguments gathered in ``into``; valid where they are ``>= 0`` and ``r > 0``, which the caller proves (another
    exponent's sign is not known: ``Max(a, b)^(-q)`` is ``Min(a^(-q), b^(-q))``)."""
    def walk(n: sympy.Expr) -> sympy.Expr:
        if n.is_Pow and isinstance(n.base, (sympy.Max, sympy.Min)) and n.exp == r:
            into.extend(a for a in n.base.args if a not in into)
            return type(n.base)(*[walk(a) ** n.exp for a in n.base.args], evaluate=False)
        if n.args and not n.is_Atom:
            return n.func(*[walk(a) for a in n.args])
        return n
    return walk(e)


def root(base: sympy.Expr, e: sympy.Expr) -> tuple[sympy.Expr, tuple[sympy.Expr, ...]]:
    """``base^(1/e)`` written out: SymPy's power rules under the symbols' assumptions, then powers taken into
    ``Max``/``Min`` (:func:`_push`); and the arguments that must be ``>= 0`` for the last."""
    x = sympy.powdenest(sympy.expand_power_base(sympy.Pow(base, 1 / e), force=False), force=False)
    into: list[sympy.Expr] = []
    x = _push(x, 1 / e, into)
    return x, tuple(into)


def _powers(e: sympy.Expr) -> set[sympy.Expr]:
    return {p for p in e.atoms(sympy.Pow) if not p.exp.is_number}


def _in_powers_of(x: sympy.Expr, base: sympy.Expr) -> bool:
    """Whether the root ``x`` is written in the powers ``S`` is made of (each power in ``x`` with a coordinate in
    its exponent is one of ``S``'s): then ``x - S`` compares the same atoms term by term, which z3 decides over
    them, and the comparison gained something. Otherwise the root of the other side stays a new power (GCE's
    ``(1 - q (alpha + beta s))^(1/q)`` against ``s``), no easier than the margin, and the step declines."""
    mine, theirs = _powers(x), _powers(base)
    return bool(theirs) and mine <= theirs


def form_of(expr: sympy.Expr) -> Form | None:
    """The margin as ``A - w S^e`` (the module docstring), or None."""
    try:
        with work.limit(REWRITE_WORK):
            terms = _terms(expr)
    except (TimedOut, RecursionError):
        return None
    if len(terms) < 2:
        return None
    for k, term in enumerate(terms):
        factors = sympy.Mul.make_args(term)
        for n, f in enumerate(factors):
            if not (f.is_Pow and not f.exp.is_number and f.base.free_symbols):
                continue
            if any(f in o.atoms(sympy.Pow) for j, o in enumerate(terms) if j != k):
                continue
            weight = -sympy.Mul(*factors[:n], *factors[n + 1:])  # the term is -weight S^e, exactly
            if weight.has(f) or weight.is_extended_nonpositive:  # a term of the margin's own sign: nothing to compare
                continue
            rest = sympy.Add(*[o for j, o in enumerate(terms) if j != k])
            base = sympy.expand(rest / weight, power_base=False, power_exp=False, log=False, multinomial=False)
            try:
                with work.limit(REWRITE_WORK):
                    x, into = root(sympy.factor_terms(base), f.exp)
            except (TimedOut, TypeError, ValueError, RecursionError):
                continue
            if x.has(sympy.zoo, sympy.nan) or not _in_powers_of(x, f.base):
                continue
            return Form(f, rest, weight, x, into)
    return None


def positive(expr: sympy.Expr, symbols: list[sympy.Symbol], coords: list[Coordinate], box: Box,
             recheck: bool = False, strict: bool = True) -> bool:
    """Whether ``expr > 0`` (``>= 0`` where not ``strict``) at every point of the piece: an interval lower bound above
    0 (mpmath's, or Arb's in a re-check), else z3 finding no point ``<= 0`` (``< 0``), the ends the domain leaves open
    strict and each chart written out."""
    if recheck:
        low = ball_lower(expr, symbols, box)
        if low is not None and (low > 0 or (low >= 0 and not strict)):
            return True
    else:
        low = compile_expr(expr, symbols)(intervals(box)).a
        if low > 0 or (low >= 0 and not strict):
            return True
    rows = [list(g) for g in groups(coords).values()]
    outcome, _ = fragment.decide(explicit(expr), symbols, box, rows, SIGN_MILLISECONDS, recheck=recheck,
                                  strict=fragment.strict_ends(coords, box), positive=strict)
    return outcome == "unsat"


def power_compare(expr: sympy.Expr, symbols: list[sympy.Symbol], box: Box, budget: Budget,
                  coords: list[Coordinate]) -> PowerComparison | None:
    """Close ``expr >= 0`` on the piece (``box``) through a power (the module docstring), or None."""
    with nested("PowerComparing", budget, MAX_DEPTH) as stop:
        if stop is None:
            return None
        fm = form_of(expr)
        if fm is None:
            return None
        if not (positive(fm.weight, symbols, coords, box) and positive(fm.power.exp, symbols, coords, box)):
            return None
        parts = []
        probs = fm.problems
        for k, (what, margin) in enumerate(probs):
            left = stop.left() / (len(probs) - k)
            proved = proved_once(margin, symbols, box, coords, f"{margin} ({what}, through a power)", left)
            if proved is None:
                return None
            parts.append(Part(what, margin, *proved))
        return PowerComparison(fm, parts)


def _same_root(fm: Form, symbols: list[sympy.Symbol], coords: list[Coordinate], box: Box) -> bool:
    """``X^e = A/w`` at points of the piece, in ball arithmetic (the balls overlap 0); at least one point checked."""
    diff = fm.root ** fm.power.exp - fm.rest / fm.weight
    checked = 0
    for k in range(4 * POINTS):
        x = generic_point(box, k)
        if coords and status([(v, v) for v in x], coords) != "inside":
            continue
        v = ball_at(diff, symbols, x)
        if v is None or not (v.lower() <= 0 <= v.upper()):
            return False
        checked += 1
        if checked == POINTS:
            break
    return checked > 0


def recheck(rec: PowerComparison, expr: sympy.Expr, symbols: list[sympy.Symbol], box: Box,
            coords: list[Coordinate]) -> list[str]:
    """Why ``rec`` does not close ``expr >= 0`` on ``box`` (empty: it does); see the module docstring."""
    fm = form_of(expr)
    if fm is None or fm != rec.form:
        return ["the margin is not the recorded A - w S^e again"]
    out = []
    if not positive(fm.weight, symbols, coords, box, recheck=True):
        out.append(f"the weight {fm.weight} is not > 0 on the piece")
    if not positive(fm.power.exp, symbols, coords, box, recheck=True):
        out.append(f"the exponent {fm.power.exp} is not > 0 on the piece")
    if not _same_root(fm, symbols, coords, box):
        out.append(f"({fm.root})^({fm.power.exp}) is not A/w at points of the piece")
    if [(p.what, p.margin) for p in rec.parts] != fm.problems:
        return out + ["the recorded sub-problems are not the comparison's"]
    for p in rec.parts:
        out += recheck_problem(p.space, p.proof, p.margin, symbols, coords, box, p.what)
    return out


@register
class PowerComparing(SubproofMethod):
    """A power compared with the rest of the margin through its exponent."""

    methods = ("through a power",)
    record = PowerComparison
    find = staticmethod(power_compare)
    check_record = staticmethod(recheck)

    def applies(self, goal: PieceGoal) -> bool:  # a power whose exponent reads a coordinate
        return any(not p.exp.is_number for p in goal.t.expr.atoms(sympy.Pow))
