"""The certificate of a proof, and its independent re-check (:func:`recheck`).

A :class:`Certificate` lists, for every piece of the domain (:mod:`paper_checks.prover.boxes`)
and every conjunct of the margin (a margin ``Min(a, b, ...)`` is proved conjunct by conjunct),
the boxes that close it, each named by its split path and carrying its closure
(:class:`paper_checks.prover.bound.Closure`): the method, the rigorous lower bound, and for a
boundary where the margin is exactly 0, the faces it was moved to and the exact value at the
point it ends.

:func:`recheck` re-derives everything a reader would doubt, without trusting the run that
made the certificate:

1. **covering**: per piece and conjunct, the split paths form a complete binary tree (no path
   a prefix of another, one split coordinate per node, ``sum 2^-depth = 1`` exactly), so the
   closed boxes cover the piece's box; boxes closed as outside their region are re-tested;
2. **exact values**: the margin is evaluated exactly (SymPy, rationals; 30 digits otherwise) at
   the corners and centre of each box, and must be ``>= 0`` and not below the box's lower bound
   (a corner where it is infinite, e.g. ``-log 0``, has no value to compare and is skipped);
3. **monotone steps**: where a box was moved to a face because the margin's derivative has one
   sign, that derivative is evaluated exactly (SymPy) at the box's corners and must not have the
   other sign;
4. **re-bounding**: each box is closed again from a fresh trace of the margin, at a higher
   interval precision (:data:`RECHECK_PREC` bits).

:func:`arb_rebound` bounds the boxes closed by the natural extension once more with another
library, Arb's ball arithmetic (:mod:`paper_checks.prover.balls`): a box it also finds positive is
proved twice, by two libraries; balls are wider than intervals on wide boxes (``exp``/``log`` of a
wide ball), so a box Arb cannot close is not an error, only a box proved once.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import sympy

from paper_checks.prover.balls import ball_lower
from paper_checks.prover.bound import Closure, close
from paper_checks.prover.boxes import Piece, from_path, groups, initial_box, path_tokens, status
from paper_checks.prover.normal import Reduction, check_reduction
from paper_checks.prover.scaling import closes as scaling_closes
from paper_checks.prover.scaling import homogeneity
from paper_checks.prover.second import critical_at, lifted_forms, lifted_lower, psd_closes
from paper_checks.prover.solver import Problem, branches_decide, problem, recheck_problem
from paper_checks.prover.sweep import recheck as sweep_recheck
from paper_checks.prover.trace import (
    Traced,
    Untraceable,
    compile_expr,
    compile_traced,
    conjuncts,
    derivative,
    precision,
    trace,
)
from paper_checks.search.params import SearchSpace

#: closures of a whole piece without boxes (re-checked by :func:`_exact_problems`)
EXACT_METHODS = ("identity", "known sign", "real roots", "z3", "z3 branches", "monotone sweep")
#: interval precision (bits) of the re-bounding in :func:`recheck`
RECHECK_PREC = 120
#: boxes closed by the natural extension with a lower bound above this are bounded again with Arb
ARB_MIN = 1e-6
#: the most corners evaluated exactly per box in :func:`recheck` (then the centre and the low/high corners)
MAX_CORNERS = 64


@dataclass
class Record:
    """One closed box: its piece, conjunct, split path and closure."""

    piece: int
    part: int
    path: str
    closure: Closure
    form: str = ""  # "written": the box was closed on the margin as traced, not on its normal form

    def to_json(self) -> dict[str, Any]:
        return {"piece": self.piece, "part": self.part, "path": self.path or "(whole piece)",
                **({"form": self.form} if self.form else {}), **self.closure.to_json()}


@dataclass
class Certificate:
    """That ``exact_margin >= 0`` on the whole declared domain: the pieces, the closed boxes and
    how the boundaries where the margin is exactly 0 were closed."""

    description: str
    pieces: list[Piece]
    parts: list[list[str]]  # per piece, the conjuncts of the margin as text
    records: list[Record]
    seconds: float
    constraint_ignored: bool = False
    notes: list[str] = field(default_factory=list)
    #: per piece and conjunct, how the margin was rewritten before any box (:mod:`paper_checks.prover.normal`)
    reductions: list[list[Reduction]] = field(default_factory=list)
    #: (piece, conjunct) -> the polynomial problem a ``real roots`` or ``z3`` closure decided
    problems: dict[tuple[int, int], Problem] = field(default_factory=dict)
    #: (piece, conjunct) -> the monotone sweep that closed it (:mod:`paper_checks.prover.sweep`)
    sweeps: dict[tuple[int, int], Any] = field(default_factory=dict)

    @property
    def smallest_lower(self) -> float:
        """The smallest rigorous lower bound over the closed boxes (0 where a bound is tight)."""
        return min((r.closure.lower for r in self.records if r.closure.method != "outside region"), default=0.0)

    def methods(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for r in self.records:
            out[r.closure.method] = out.get(r.closure.method, 0) + 1
        return out

    def tight(self) -> list[dict[str, Any]]:
        """The boxes closed at a point where the margin is exactly 0 (a tight boundary)."""
        return [r.to_json() for r in self.records if r.closure.tight()]

    def to_json(self, boxes: bool = False) -> dict[str, Any]:
        """The certificate as JSON: counts, smallest lower bound, methods and the tight boundaries;
        every box too with ``boxes=True``."""
        tight = self.tight()
        out: dict[str, Any] = {
            "margin": self.description, "pieces": len(self.pieces), "boxes": len(self.records),
            "smallest_lower_bound": self.smallest_lower, "methods": self.methods(),
            "tight_boundaries": len(tight), "tight_examples": tight[:5], "seconds": round(self.seconds, 3),
            "constraint_ignored": self.constraint_ignored, "notes": list(self.notes),
        }
        out["exact_first"] = [{"piece": i, "conjunct": j, **r.to_json()} for i, reds in enumerate(self.reductions)
                              for j, r in enumerate(reds) if r.kind != "as written"][:20]
        out["polynomial_problems"] = [{"piece": i, "conjunct": j, **p.to_json()}
                                      for (i, j), p in sorted(self.problems.items())][:20]
        if boxes:
            out["piece_list"] = [p.to_json() for p in self.pieces]
            out["records"] = [r.to_json() for r in self.records]
        return out


def covering_problems(paths: list[str], where: str) -> list[str]:
    """Why ``paths`` do not form a complete binary split tree (empty: they do)."""
    toks = sorted(tuple(path_tokens(p)) for p in paths)
    problems = []
    for a, b in zip(toks, toks[1:]):
        if b[: len(a)] == a:
            problems.append(f"{where}: box {''.join(a) or '(whole)'} overlaps {''.join(b)}")
    dims: dict[tuple[str, ...], str] = {}
    for t in toks:
        for i, step in enumerate(t):
            prev = dims.setdefault(t[:i], step[:-1])
            if prev != step[:-1]:
                problems.append(f"{where}: node {''.join(t[:i]) or '(root)'} split along {prev} and {step[:-1]}")
    total = sum(Fraction(1, 2 ** len(t)) for t in toks)
    if total != 1:
        problems.append(f"{where}: the boxes cover {total} of the piece, not all of it")
    return problems


def _exact_at(t: Traced, x: list[Fraction]) -> Any:
    val = t.expr.xreplace({s: sympy.Rational(v.numerator, v.denominator) for s, v in zip(t.symbols, x)})
    return val if val.is_Rational else sympy.N(val, 30)


def _points(box: list[tuple[Fraction, Fraction]]) -> list[list[Fraction]]:
    corners = list(itertools.islice(itertools.product(*box), MAX_CORNERS))
    return [*map(list, corners), [lo for lo, _ in box], [hi for _, hi in box], [(lo + hi) / 2 for lo, hi in box]]


def _monotone_problems(cl: Closure, t: Traced, box: list[tuple[Fraction, Fraction]], names: list[str]) -> str:
    """A recorded monotone step whose derivative has the wrong sign at a corner of the box (exactly)."""
    while cl.method == "max" and cl.face is not None and t.alternatives:
        t, cl = t.alternatives[cl.argument or 0], cl.face
    while cl.fixed:
        for name, end in cl.fixed.items():
            d = derivative(t.expr, t.symbols[names.index(name)])
            for x in _points(box)[:MAX_CORNERS]:
                v = _exact_at(Traced(d, t.symbols, t.value, None), x)
                if v.is_real and ((end == "low" and v < 0) or (end == "high" and v > 0)):
                    return f"the margin's derivative in {name} is {v} at a corner, against the recorded '{end}'"
        box = [((lo, lo) if cl.fixed.get(n) == "low" else (hi, hi) if cl.fixed.get(n) == "high" else (lo, hi))
               for n, (lo, hi) in zip(names, box)]
        if cl.face is None:
            break
        cl = cl.face
    return ""


def _box_problems(rec: Record, t: Traced, box: list[tuple[Fraction, Fraction]], names: list[str],
                  base: list[tuple[Fraction, Fraction]] | None = None, coords: list[Any] | None = None) -> list[str]:
    where = f"piece {rec.piece}, conjunct {rec.part}, box {rec.path or '(whole)'}"
    for x in _points(box):
        if coords and status([(a, a) for a in x], coords) != "inside":
            continue  # a corner of a box that leaves the simplex: no point of the domain
        v = _exact_at(t, x)
        if v is sympy.oo or v is sympy.zoo or v is sympy.nan:  # +oo (zoo for -log 0, nan for 0 log 0) at a
            continue  # boundary point: no value to compare; the interval re-bounding below still covers the box
        if v.is_real is False or not v.is_finite or v < 0 or v < rec.closure.lower - 1e-12:
            return [f"{where}: exact margin {v} at {[str(a) for a in x]} is below 0 or the bound {rec.closure.lower}"]
    bad = _monotone_problems(rec.closure, t, box, names)
    if bad:
        return [f"{where}: {bad}"]
    if rec.closure.method == "lifted interval":  # the margin lifted to the simplex's full coordinates, again
        rows = [list(g) for g in groups(coords or []).values()]
        forms, es = lifted_forms(t, rows)
        with precision(RECHECK_PREC):
            low = lifted_lower([compile_expr(f, [*t.symbols, *es]) for f in forms], rows, box) if forms else -1
        ok = low >= 0 and low >= rec.closure.lower - 1e-12
        return [] if ok else [f"{where}: the lifted margin is not bounded below by 0 on the box again ({low})"]
    if rec.closure.method == "scaling":  # the corner box of a homogeneous margin, homogeneity derived again
        simplex = {k for g in groups(coords or []).values() for k in g}
        h = homogeneity(t, base or box, simplex)
        if h is None or set(h.coords) != set((rec.closure.at or {})) or not scaling_closes(h, box, base or box):
            return [f"{where}: the margin is not homogeneous in {sorted(rec.closure.at or {})} again, or the box "
                    "is no corner box of the scaling argument"]
        return []
    if rec.closure.method in ("hessian", "taylor"):  # around a critical set, re-derived from its coordinates
        rows = [list(g) for g in groups(coords or []).values()]
        crit = critical_at(t, dict(rec.closure.at or {}), base, rows)
        if crit is None or crit.lower < rec.closure.lower - 1e-12 or crit.method != rec.closure.method:
            return [f"{where}: the critical set {rec.closure.at} is not one again"]
        return [] if psd_closes(crit, box, RECHECK_PREC) else [f"{where}: the Hessian is not PSD on the hull again"]
    with precision(RECHECK_PREC):
        again = close(t, box, names)
    return [] if again.closed else [f"{where}: not closed again at {RECHECK_PREC} bits ({again.method})"]


def _exact_problems(cert: Certificate, r: Record, t: Traced, base: list[tuple[Fraction, Fraction]],
                    coords: list[Any]) -> list[str]:
    """Re-check a closure of the whole piece without boxes: a derivation (identity, known signs), re-derived
    by :func:`~paper_checks.prover.normal.check_reduction`, or a decision procedure, decided again."""
    where = f"piece {r.piece}, conjunct {r.part}"
    if r.path:
        return [f"{where}: an exact closure ({r.closure.method}) of a box, not of the whole piece"]
    if r.closure.method in ("identity", "known sign"):
        reds = cert.reductions[r.piece] if r.piece < len(cert.reductions) else []
        ok = r.part < len(reds) and reds[r.part].kind == r.closure.method and reds[r.part].decided == "proved"
        return [] if ok else [f"{where}: no derivation ({r.closure.method}) recorded for the piece"]
    if r.closure.method == "monotone sweep":
        sw = cert.sweeps.get((r.piece, r.part))
        if sw is None:
            return [f"{where}: no monotone sweep recorded for the piece"]
        return [f"{where}: {p}" for p in sweep_recheck(sw, t.expr, list(t.symbols), base)]
    if r.closure.method == "z3 branches":
        outcome, _ = branches_decide(t.expr, t.symbols, base, [list(g) for g in groups(coords).values()],
                                     recheck=True)
        return [] if outcome == "unsat" else [f"{where}: z3 re-run on the branches (ite eliminated, NLSAT) says "
                                              f"{outcome}, not unsat"]
    pr = cert.problems.get((r.piece, r.part))
    again = problem(t.expr, t.symbols, base, [list(g) for g in groups(coords).values()])
    if pr is None or again is None or again.num * pr.den != pr.num * again.den:
        return [f"{where}: the polynomial problem is not the margin's"]
    why = recheck_problem(again, r.closure.method)
    return [f"{where}: {why}"] if why else []


def recheck(cert: Certificate, space: SearchSpace) -> list[str]:
    """Re-check ``cert`` against ``space`` (see the module docstring); the problems found (empty: it holds)."""
    problems: list[str] = []
    for i, piece in enumerate(cert.pieces):
        try:
            traced, coords = trace(space, dict(piece.integers), dict(piece.eliminated))
        except Untraceable as exc:
            return [f"piece {i}: {exc}"]
        parts = conjuncts(traced)
        names = [str(c.symbol) for c in coords]
        base = initial_box(space, coords)
        for j, t in enumerate(parts):
            recs = [r for r in cert.records if r.piece == i and r.part == j]
            problems += covering_problems([r.path for r in recs], f"piece {i}, conjunct {j}")
            written = t
            if i < len(cert.reductions) and j < len(cert.reductions[i]):
                red = cert.reductions[i][j]
                problems += [f"piece {i}, conjunct {j}: {p}" for p in check_reduction(red, t.expr, t.symbols, base)]
                if red.kind != "as written":
                    t = compile_traced(red.reduced, t.symbols)
            for r in recs:
                if r.form == "written":
                    problems += _box_problems(r, written, from_path(base, r.path), names, base, coords)
                    continue
                if r.closure.method in EXACT_METHODS:
                    problems += _exact_problems(cert, r, t, base, coords)
                    continue
                box = from_path(base, r.path)
                if r.closure.method == "outside region":
                    if status(box, coords) != "outside":
                        problems.append(f"piece {i}: box {r.path} is not outside its region")
                    continue
                problems += _box_problems(r, t, box, names, base, coords)
    return problems



def arb_rebound(cert: Certificate, space: SearchSpace) -> tuple[int, int]:
    """``(re-bounded, tried)``: of the boxes closed by the natural extension with a lower bound above
    :data:`ARB_MIN`, how many Arb's ball arithmetic also bounds above 0."""
    done = tried = 0
    for i, piece in enumerate(cert.pieces):
        traced, coords = trace(space, dict(piece.integers), dict(piece.eliminated))
        parts = conjuncts(traced)
        base = initial_box(space, coords)
        for r in cert.records:
            if r.piece != i or r.closure.method != "interval" or not r.closure.lower > ARB_MIN:
                continue
            tried += 1
            expr = parts[r.part].expr
            if i < len(cert.reductions) and r.part < len(cert.reductions[i]) and r.form != "written":
                expr = cert.reductions[i][r.part].reduced  # the boxes closed the reduced margin (re-derived in recheck)
            low = ball_lower(expr, parts[r.part].symbols, from_path(base, r.path))
            done += low is not None and low > 0
    return done, tried
