"""A statement on its own domain reduced, by a named theorem, to sub-statements that the prover can take, each the
margin of a :class:`~paper_checks.search.params.space.SearchSpace` on a box (:class:`Reduction`).

Some statements range over a domain no box holds: "for every number of classes ``c >= 2`` and every ``f`` in the
simplex of ``c`` classes" has a simplex whose dimension grows with ``c``. Where a theorem reduces that domain to a
few points whose coordinates are closed forms in ``c`` (a symmetry's orbits), the statement is the conjunction of
the theorem's hypotheses and of the margin at those points, and in those ``c`` is a real coordinate on ``[2, oo)``
(a real relaxation, :attr:`SearchSpace.relaxed`: it holds every integer). A claim declares the reduction beside its
searched space (``SearchSpace(..., reduction=...)``); ``explore --prove`` proves every step, each on its own box
with a share of the work budget, and prints the statement's own domain as proved only when every step is proved,
each step's certificate recorded; else it says which step was not, and proves the searched (narrower) domain as
before. The counterexample search keeps the searched space: a step's counterexample is none of the statement's.

:func:`separable_sum_bounds` is the one reduction the catalogue uses today: bounds on a separable class sum
``S(f) = sum_j psi(f_j)`` over the simplex, by Karamata's inequality.
"""
from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import sympy

from paper_checks.search.params.base import Parameter
from paper_checks.search.params.scalar import Real

#: Karamata's inequality in the form :func:`separable_sum_bounds` uses, and where it is proved
KARAMATA = ("Karamata's inequality: for psi convex on [0, 1], S(f) = sum_j psi(f_j) is Schur-convex (f majorizing g "
            "gives S(f) >= S(g); for psi concave, the reverse); every point f of the simplex of c classes majorizes "
            "the barycentre (1/c, ..., 1/c) and is majorized by a vertex (1, 0, ..., 0), so S ranges between "
            "c psi(1/c) and psi(1) + (c - 1) psi(0)")
KARAMATA_SOURCE = ("A. W. Marshall, I. Olkin and B. C. Arnold, Inequalities: Theory of Majorization and Its "
                   "Applications, 2nd ed., Springer 2011: Prop. 3.C.1 (a sum of a convex function is Schur-convex) "
                   "and sec. 1.A (the barycentre and a vertex as the least and the greatest point of the simplex "
                   "in majorization)")

#: the extreme points of the simplex, in the form a margin affine in a simplex point uses, and where it is proved
VERTICES = ("an affine function on the closed simplex is least at one of its vertices e_1, ..., e_c: "
            "m(f) = sum_i f_i m(e_i) >= min_i m(e_i), since f is a convex combination of the vertices")
VERTICES_SOURCE = ("R. T. Rockafellar, Convex Analysis, Princeton 1970, sec. 32 (a convex function, here the negated "
                   "affine margin, attains its maximum over a polytope at an extreme point)")


@dataclass(frozen=True)
class Step:
    """One sub-statement of a :class:`Reduction`: ``name`` (short), ``shows`` (what its margin ``>= 0`` on its
    whole domain establishes) and ``space`` (its :class:`SearchSpace`, built when proved)."""

    name: str
    shows: str
    space: Callable[[], Any]


#: how a :class:`Premise` stands: proved here for every ``c`` (a SymPy identity on symbols), a theorem cited with its
#: source, the statement's own hypothesis, or taken on the tests' checks at points (which decide nothing beyond them)
PREMISE_STATUSES = ("proved", "cited", "hypothesis", "checked at points")


@dataclass(frozen=True)
class Premise:
    """What a :class:`Reduction` takes beside its steps, and how it stands (:data:`PREMISE_STATUSES`).

    Attributes
    ----------
    says : the premise, a sentence
    proof : a check that proves it for every ``c`` (a SymPy identity over ``Sum``/``IndexedBase`` with ``c`` a
        positive integer symbol, :mod:`label_noise_lab.theory.class_sums`): returns True when it is proved; run by
        ``explore --prove``
        each time, never cached in a constant
    cited : where it is proved, for a theorem cited (author, title, where)
    hypothesis : True where the premise is the statement's own hypothesis (``f*`` minimises the clean risk)

    A premise with none of them is ``checked at points``: a reduction resting on one decides a weaker statement
    only (:attr:`Reduction.decides_statement`)."""

    says: str
    proof: Callable[[], bool] | None = None
    cited: str = ""
    hypothesis: bool = False

    def status(self) -> str:
        """``proved`` (the proof ran and held), ``cited``, ``hypothesis`` or ``checked at points`` (also a proof
        that did not hold: it is then no premise of the toolkit's)."""
        if self.proof is not None and self.proof() is True:
            return "proved"
        if self.cited:
            return "cited"
        return "hypothesis" if self.hypothesis else "checked at points"

    def text(self, status: str | None = None) -> str:
        status = self.status() if status is None else status
        how = {"proved": "proved by SymPy on symbols", "cited": f"cited: {self.cited}",
               "hypothesis": "the statement's hypothesis", "checked at points": "checked at points only"}[status]
        return f"{self.says} [{how}]"


@dataclass(frozen=True)
class Reduction:
    """The statement on its own domain as the conjunction of :attr:`steps`, through :attr:`theorem`.

    Attributes
    ----------
    theorem : the theorem used and how it reduces the statement to the steps
    source : where the theorem is proved (a citation)
    domain : the statement's own domain, each coordinate's range as text (``(name, text)`` pairs or a mapping):
        what a proof of every step covers
    steps : the sub-statements, each proved on its own box
    premises : what the reduction takes without a proof of the prover's (a continuity, the form of a margin),
        said beside the proof: :class:`Premise` objects, or one text (a premise ``checked at points``)
    proves : what every step proved establishes, where that is less than the statement (one loss of a family,
        one input), as :attr:`SearchSpace.proves` says it; ``""``: the statement on its own domain
    statement_domain : the statement's own range of each coordinate of :attr:`domain` that is narrower than it (a
        mapping or pairs, as :attr:`SearchSpace.statement_domain`): printed beside it, and the proof is then one of
        that narrower statement
    refutation : for a statement false as written: a function that finds and verifies exactly a counterexample of
        the statement as written (a dict: the point and what fails there; None where it cannot verify one). With
        it, :attr:`proves` is the qualified statement, and every step proved with every premise held decides the
        claim: false as written, the qualified statement proved (:meth:`decides_statement`)
    """

    theorem: str
    source: str
    domain: Any
    steps: tuple[Step, ...]
    premises: Any = ()
    proves: str = ""
    statement_domain: Any = ()
    refutation: Callable[[], dict[str, Any] | None] | None = None

    def __post_init__(self) -> None:
        items = self.domain.items() if isinstance(self.domain, Mapping) else self.domain
        object.__setattr__(self, "domain", tuple((str(k), str(v)) for k, v in items))
        stated = self.statement_domain
        stated = stated.items() if isinstance(stated, Mapping) else stated
        object.__setattr__(self, "statement_domain", tuple((str(k), str(v)) for k, v in stated))
        object.__setattr__(self, "steps", tuple(self.steps))
        premises = self.premises
        premises = (Premise(premises),) if isinstance(premises, str) and premises else \
            () if isinstance(premises, str) else tuple(premises)
        object.__setattr__(self, "premises", premises)
        if not self.steps:
            raise ValueError("a Reduction needs at least one step")

    def premise_statuses(self) -> list[str]:
        """Each premise's :meth:`Premise.status`, in order (its proofs run again)."""
        return [p.status() for p in self.premises]

    def premises_text(self, statuses: list[str] | None = None) -> str:
        """The premises as one text, each with how it stands."""
        statuses = self.premise_statuses() if statuses is None else statuses
        return "; ".join(p.text(st) for p, st in zip(self.premises, statuses))

    def refuted_as_written(self) -> dict[str, Any] | None:
        """:attr:`refutation`'s verified counterexample of the statement as written (run again), or None."""
        return None if self.refutation is None else self.refutation()

    def decides_statement(self, statuses: list[str] | None = None, refuted: dict[str, Any] | None = None) -> bool:
        """Whether every step proved decides the statement itself: it proves it (nothing weaker, :attr:`proves`
        empty, no domain narrower), or the statement is false as written (``refuted``: :meth:`refuted_as_written`)
        and the steps prove the qualified statement (:attr:`proves`); and no premise is ``checked at points`` only."""
        statuses = self.premise_statuses() if statuses is None else statuses
        if any(st == "checked at points" for st in statuses):
            return False
        if self.refutation is not None:
            return refuted is not None
        return not self.proves and not self.statement_domain

    def weaker(self, statuses: list[str] | None = None, refuted: dict[str, Any] | None = None) -> str:
        """What keeps every step proved from deciding the statement itself (``""``: nothing): what the steps prove
        where that is less (and no counterexample shows the statement false as written), the premises checked at
        points only."""
        statuses = self.premise_statuses() if statuses is None else statuses
        loose = [p.says for p, st in zip(self.premises, statuses) if st == "checked at points"]
        less = self.proves and not (self.refutation is not None and refuted is not None)
        unverified = self.refutation is not None and refuted is None
        return "; ".join(([f"the steps prove {self.proves}"] if less else [])
                         + (["no counterexample of the statement as written was verified"] if unverified else [])
                         + ([f"premises checked at points only: {'; '.join(loose)}"] if loose else []))

    def declares_decision(self) -> bool:
        """Whether the reduction, once its steps are proved and its premises' proofs hold, decides the statement
        itself, read from its declaration alone (no proof run): every premise proved by a check, cited or the
        statement's hypothesis, and nothing weaker (or a refutation of the statement as written)."""
        held = all(p.proof is not None or p.cited or p.hypothesis for p in self.premises)
        return held and (self.refutation is not None or (not self.proves and not self.statement_domain))

    def rows(self, decided: bool = True) -> list[dict[str, Any]]:
        """The statement's own domain as :func:`~paper_checks.search.params.domain.domain_rows` writes a domain
        (``kind`` ``"statement"``: no ``statement`` beside it, none narrower; ``"reduction"`` where the reduction
        does not decide the statement itself, :meth:`decides_statement`)."""
        stated = dict(self.statement_domain)
        kind = "statement" if decided else "reduction"
        return [{"name": name, "kind": kind, "range": text, **({"statement": stated[name]} if name in stated
                                                                 else {})}
                for name, text in self.domain]

    def report_domain(self, proved_by: str) -> dict[str, Any]:
        """The statement's own domain as ``run``'s report.json writes a claim's ``domain``
        (:func:`paper_checks.run.runner.declared_domain`'s shape), for a check whose own proof covers it: put it in
        the evidence's ``numbers["proved_domain"]`` and the report names it, with ``proved_by`` (how the check
        proved it, and which steps are whose), instead of the searched domain. Only where the reduction decides the
        statement itself (:meth:`decides_statement`; else ``ValueError``: the report would overstate it)."""
        statuses = self.premise_statuses()
        if not self.decides_statement(statuses, self.refuted_as_written()):
            raise ValueError(f"the reduction does not decide the statement itself ({self.weaker(statuses)}): its "
                             "domain is not the report's")
        return {"coordinates": self.rows(True), "narrower_than_statement": "", "proof_proves": self.proves or None,
                "proved_by": proved_by, "premises": self.premises_text(statuses)}

    def to_json(self, statuses: list[str] | None = None, refuted: Any = False) -> dict[str, Any]:
        """The reduction as JSON (``statuses`` and ``refuted``: as computed by the caller; ``False``: computed
        here)."""
        statuses = self.premise_statuses() if statuses is None else statuses
        refuted = self.refuted_as_written() if refuted is False else refuted
        decided = self.decides_statement(statuses, refuted)
        return {"theorem": self.theorem, "source": self.source, "premises": self.premises_text(statuses),
                "premise_list": [{"says": p.says, "status": st, **({"cited": p.cited} if p.cited else {})}
                                 for p, st in zip(self.premises, statuses)],
                "proves": self.proves, "decides_statement": decided, "refuted_as_written": refuted,
                "weaker_than_statement": self.weaker(statuses, refuted),
                "domain": self.rows(decided),
                "steps": [{"name": s.name, "shows": s.shows} for s in self.steps]}


def separable_sum_bounds(*, psi: Callable[[Any, Any], Any], lower: Callable[[Any, Any], Any],
                         upper: Callable[[Any, Any], Any], others: tuple[Parameter, ...], what: str,
                         t_open: tuple[bool, bool] = (True, True), c_low: int = 2, premises: Any = (),
                         domain: Any = ()) -> Reduction:
    """``lower(c, x) <= sum_j psi(f_j, x) <= upper(c, x)`` for every integer ``c >= c_low``, every ``f`` of the
    simplex of ``c`` classes and every ``x`` of the box ``others``, reduced by Karamata's inequality
    (:data:`KARAMATA`, :data:`KARAMATA_SOURCE`) for a ``psi`` convex in ``t`` on ``[0, 1]``, to three steps:

    - ``convex``: ``d^2 psi/dt^2 >= 0`` for ``t`` in ``(0, 1)`` (ends open as ``t_open`` says: where ``psi''`` is
      infinite at an end, ``psi`` convex on the open interval and continuous on ``[0, 1]`` is convex on it; that
      continuity at the open ends is a premise the reduction proves itself, by SymPy's one-sided limits for symbolic
      ``x``) and every ``x``;
    - ``barycentre``: ``c psi(1/c, x) - lower(c, x) >= 0``, ``c`` real on ``[c_low, oo)``;
    - ``vertex``: ``upper(c, x) - psi(1, x) - (c - 1) psi(0, x) >= 0``, ``c`` real on ``[c_low, oo)``.

    ``psi``, ``lower`` and ``upper`` take floats and SymPy values alike (arithmetic and powers only: the prover
    traces them on symbols); ``x`` is a point of ``others`` (a dict by name). Real ``c`` covers every integer one,
    and the steps at the barycentre and the vertex read ``c`` only through those closed forms, so a proof of every
    step is one of the statement for every integer ``c >= c_low`` (:attr:`Reduction.domain`, with ``domain``'s
    texts for ``others`` and the simplex's coordinate where given)."""
    from paper_checks.search.params.space import SearchSpace  # (space imports this module)

    # each step's margin is built once on symbols, each coordinate's sign assumed from its range (so that psi(0)
    # reads 0^q as 0 where q > 0), then evaluated by substitution: exact values, or the prover's symbols
    t_sym = sympy.Symbol("t_reduction", positive=True)
    c_sym = sympy.Symbol("c_reduction", positive=True)
    syms = {p.name: _symbol(p) for p in others}
    names = list(syms)
    # a psi with kinks (Max, Min, Abs, Piecewise, Heaviside) has no second derivative but a DiracDelta at each kink,
    # which no margin may hold: its convexity is then midpoint convexity, psi(x) + psi(y) >= 2 psi((x + y)/2) on
    # [0, 1]^2, which for a continuous psi is convexity (Jensen 1906): no derivative taken
    kinked = psi(t_sym, syms).has(*KINKS)
    x_sym, y_sym = sympy.Symbol("x_reduction", nonnegative=True), sympy.Symbol("y_reduction", nonnegative=True)
    exprs = {"convex": (psi(x_sym, syms) + psi(y_sym, syms) - 2 * psi((x_sym + y_sym) / 2, syms)) if kinked
             else sympy.diff(psi(t_sym, syms), t_sym, 2),
             "barycentre": c_sym * psi(1 / c_sym, syms) - lower(c_sym, syms),
             "vertex": upper(c_sym, syms) - psi(sympy.Integer(1), syms) - (c_sym - 1) * psi(sympy.Integer(0), syms)}
    first = {"convex": [("x", x_sym), ("y", y_sym)] if kinked else [("t", t_sym)], "barycentre": [("c", c_sym)],
             "vertex": [("c", c_sym)]}

    def margins(step: str) -> tuple[Callable[[dict[str, Any]], float], Callable[[dict[str, Any]], Any]]:
        leads = first[step]
        order = [sym for _, sym in leads] + list(syms.values())
        as_float = sympy.lambdify(order, exprs[step], "math")

        def flt(pt: dict[str, Any]) -> float:
            return float(as_float(*(float(pt[n]) for n in [name for name, _ in leads] + names)))

        def exact(pt: dict[str, Any]) -> Any:
            return exprs[step].xreplace({**{sym: sympy.sympify(pt[name]) for name, sym in leads},
                                         **{syms[n]: sympy.sympify(pt[n]) for n in names}})
        return flt, exact

    t = Real("t", 0.0, 1.0, open_low=t_open[0], open_high=t_open[1])
    c = Real("c", float(c_low), math.inf)
    integers = {"c": f"every integer c >= {c_low}"}

    def convex_space() -> Any:
        if kinked:
            return SearchSpace((Real("x", 0.0, 1.0), Real("y", 0.0, 1.0), *others), *margins("convex"),
                               description=f"psi(x) + psi(y) - 2 psi((x + y)/2), psi(t) = {what}")
        return SearchSpace((t, *others), *margins("convex"), description=f"d^2/dt^2 of psi(t) = {what}")

    def barycentre_space() -> Any:
        return SearchSpace((c, *others), *margins("barycentre"), relaxed=integers,
                           description="c psi(1/c) - lower, the class sum at the barycentre above the lower bound")

    def vertex_space() -> Any:
        return SearchSpace((c, *others), *margins("vertex"), relaxed=integers,
                           description="upper - psi(1) - (c - 1) psi(0), the class sum at a vertex below the upper "
                                       "bound")

    def continuous_at_open_ends() -> bool:
        """psi's one-sided limits at the open ends of [0, 1] equal its values there, for symbolic ``x`` (SymPy)."""
        base = psi(t_sym, syms)
        try:
            return all(sympy.simplify(sympy.limit(base, t_sym, end, side) - psi(sympy.Integer(end), syms)) == 0
                       for end, side, is_open in ((0, "+", t_open[0]), (1, "-", t_open[1])) if is_open)
        except (NotImplementedError, ValueError, TypeError):  # a limit SymPy cannot take: not proved
            return False

    own: tuple[Premise, ...] = ()
    if kinked:  # midpoint convexity is convexity for a continuous psi: its continuity on [0, 1], by SymPy
        own = (Premise(f"psi(t) = {what} is continuous on [0, 1] (SymPy's continuous_domain, for symbolic "
                       + (", ".join(names) or "t") + "), so midpoint convex is convex (Jensen 1906; Niculescu & "
                       "Persson, Convex Functions and Their Applications, Springer 2006, ch. 1)",
                       proof=lambda: _continuous_on_unit(psi(t_sym, syms), t_sym)),)
    elif any(t_open):
        own = (Premise(f"psi(t) = {what} is continuous at the open ends of [0, 1] (SymPy's one-sided limits equal "
                       "its values there, for symbolic " + (", ".join(names) or "t") + "); convex on (0, 1), it is "
                       "continuous inside (Rockafellar, Convex Analysis, Thm 10.1) and its defining inequality passes "
                       "to the limit at the ends, so it is convex on [0, 1]", proof=continuous_at_open_ends),)
    premises = (Premise(premises),) if isinstance(premises, str) and premises else \
        () if isinstance(premises, str) else tuple(premises)
    stated = {"c": f"every integer c >= {c_low}", "f": "the closed probability simplex of c classes",
              **{p.name: _range(p) for p in others}, **dict(domain)}
    return Reduction(
        theorem=KARAMATA + "; so the bounds hold on the whole domain when psi is convex and they hold at those two "
                           "points",
        source=KARAMATA_SOURCE, domain=stated, premises=(*own, *premises),
        steps=(Step("convex", (f"psi(t) = {what} is midpoint convex on [0, 1] (it has kinks: no second derivative)"
                               if kinked else f"psi(t) = {what} is convex in t on (0, 1)")
                    + (", for every " + ", ".join(names) if names else ""), convex_space),
               Step("barycentre", f"the lower bound holds at the barycentre, for every real c >= {c_low}",
                    barycentre_space),
               Step("vertex", f"the upper bound holds at a vertex, for every real c >= {c_low}", vertex_space)))


#: the nodes of a kink: a psi holding one is convex by midpoint convexity, not by its second derivative
KINKS = (sympy.Max, sympy.Min, sympy.Abs, sympy.Piecewise, sympy.Heaviside)


def _continuous_on_unit(expr: Any, t: sympy.Symbol) -> bool:
    """Whether ``expr`` is continuous in ``t`` on the whole of ``[0, 1]``, by SymPy: with its kinks written as
    ``Piecewise``, every piece is continuous there (``continuous_domain``) and at every breakpoint of a condition in
    ``[0, 1]`` the one-sided limits equal the value. False wherever SymPy cannot tell (a breakpoint that reads
    another symbol, a piece it cannot read)."""
    from sympy.calculus.util import continuous_domain

    unit = sympy.Interval(0, 1)
    try:
        written = expr.rewrite(sympy.Piecewise)
        nodes = list(written.atoms(sympy.Piecewise))
        pieces = [e for node in nodes for e, _ in node.args if not e.has(sympy.Piecewise)] or [written]
        if any(continuous_domain(e, t, unit) != unit for e in pieces):
            return False
        points: set[Any] = set()
        for node in nodes:
            for _, cond in node.args:
                for rel in cond.atoms(sympy.core.relational.Relational):
                    for b in sympy.solve(sympy.Eq(rel.lhs, rel.rhs), t):
                        if not b.is_number:
                            return False
                        if 0 <= b <= 1:
                            points.add(b)
        # on each open interval between breakpoints one branch of every node is active (the conditions compare t
        # with the breakpoints); continuity is that branch's value at both ends equal to the value there (SymPy's
        # limit of a Piecewise is not used: it reads the condition at the point itself)
        cuts = sorted({sympy.Integer(0), sympy.Integer(1), *points})
        at = {b: _active(written, t, b).subs(t, b) for b in cuts}
        for low, high in zip(cuts, cuts[1:]):
            branch = _active(written, t, (low + high) / 2)
            if any(sympy.simplify(branch.subs(t, b) - at[b]) != 0 for b in (low, high)):
                return False
        return True
    except (NotImplementedError, ValueError, TypeError):
        return False


def _active(expr: Any, t: sympy.Symbol, point: Any) -> Any:
    """``expr`` with every ``Piecewise`` node replaced by its branch at ``t = point`` (ValueError where a condition
    there is not decided)."""
    def pick(node: Any) -> Any:
        for branch, cond in node.args:
            held = cond.subs(t, point)
            if held is sympy.true:
                return branch
            if held is not sympy.false:
                raise ValueError(f"the condition {cond} is not decided at t = {point}")
        raise ValueError(f"no branch of {node} holds at t = {point}")
    return expr.replace(lambda e: isinstance(e, sympy.Piecewise), pick)


def _symbol(p: Parameter) -> sympy.Symbol:
    """A coordinate's symbol, positive where its range lies above 0 (``(0, 1]``), nonnegative where it starts at 0."""
    low = float(getattr(p, "low", -math.inf))
    if low > 0 or (low == 0 and getattr(p, "open_low", False)):
        return sympy.Symbol(f"{p.name}_reduction", positive=True)
    if low == 0:
        return sympy.Symbol(f"{p.name}_reduction", nonnegative=True)
    return sympy.Symbol(f"{p.name}_reduction", real=True)


def _range(p: Parameter) -> str:
    from paper_checks.search.params.domain import range_text

    return range_text(p)
