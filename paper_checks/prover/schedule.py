"""The prover's schedule: which closing methods a stage of a proof tries, in the order it tries them, read top to
bottom (as hypothesis' shrinker keeps its passes).

A closing method lives in its own module of :mod:`paper_checks.prover.closures` with its step and its re-check;
*where* it runs is decided here, and nowhere else. :func:`paper_checks.prover.closures.for_stage` reads this list,
and the registry refuses a method that no stage lists or a name that no module registers, so adding a closure means
one module in its room and one line here. The order was set from the counters of ``benchmarks/bench_prover.py``
(which closure closes what, at what work): the cheap structural tests first, then z3 where the margin is algebraic,
then the normal form and the solvers, then the methods that pose sub-proofs, the costliest last.

Stages (:data:`paper_checks.prover.closures.base.STAGES`):

- ``piece``: one conjunct of one piece, before any box;
- ``inside``: one box inside the piece's region;
- ``split``: a box partly outside the region (a simplex's face crosses it);
- ``outside``: a box with no point of the region.

:class:`~paper_checks.prover.sweeps.sweep.MonotoneSweep` is in no stage: the prover runs it on what the
boxes leave open (:data:`UNSTAGED`), after the shares of the work budget named in :data:`SHARES`.

The closures that each close one shape by sub-proofs (:data:`POOLED`) draw together on one pool of the work left,
so that the general method, the boxes, always keeps a share of a proof's budget.

What each step may spend is here too (:data:`SHARES`): a share of a :class:`~paper_checks.prover.budget.Budget`, by
the closure's name, one line each on why it is that size, so that the whole policy (order and shares) is this file.
"""
from __future__ import annotations

#: the closing methods of each stage, in the order they are tried (class names)
SCHEDULE: dict[str, tuple[str, ...]] = {
    "piece": (
        "AbsoluteValue",        # a product of absolute values and even powers: a structural test of milliseconds
        "ProportionalFactors",  # a product of two proportional factors: a structural test, before any SymPy work
        "SimplexVertices",      # a margin affine in a simplex point: its vertices, each a simplex fewer (z3 on all
        #                         of them at once ran past its limit on a risk bilinear in two simplex points)
        "Z3Algebraic",          # z3 first on its fragment: it decides an algebraic margin at once
        "BranchSplitting",      # after z3 (which decides a piecewise algebraic margin at once): a box across a
        #                         threshold is enclosed by the hull of both sides, so split it first
        "KinkSigns",            # after z3 (DMI's piecewise polynomial margins: 5 s where the kinks' sampling took 25 s)
        "Z3Atoms",              # z3 with the nodes outside its fragment abstracted to bounded variables: before the
        #                         normal form, which it spares where it decides (MetiTarski's seeded sample of 150:
        #                         the same 96 proved with 25 % less work, 100.2 -> 74.8 units; benchmarks/RESULTS.md)
        "Z3Bounds",             # z3 over the atoms' bounds on boxes: decides the bounded rest of many margins
        "NormalForm",           # the normal form: may decide the margin, and rewrites it for every method after
        "FactorApart",          # a positive factor: one sub-proof with a coordinate fewer, before the solvers
        "TwoArguments",         # one function at two arguments: a walk of two trees finds them, then two sub-proofs
        "Ratios",               # a ratio of coordinates: one coordinate fewer for every method after it
        "ConeFaces",            # beside the ratios (bounded boxes): one coordinate fewer for every method after it
        "RealRoots",            # a rational margin in one variable: its real roots, exactly
        "AlgebraicSlope",       # after z3 on the margin itself, the normal form and the real roots
        "Z3Polynomial",         # z3 on the normal form's polynomial
        "MirrorConvex",         # a test at two points and a SymPy identity, before z3 over atoms and the combinations
        "Z3RangedPiece",        # z3 over Taylor models on the whole (bounded) piece: one or two coordinates
        "Z3Branches",           # z3 over each branch of a piecewise margin
        "CutOff",               # after z3 over bounds: the tails' derivatives, then one sub-proof on the rest
        "ValueSweep",           # the sweep in values, before the logarithms and the combinations
        "Logarithms",           # one sub-proof, tried only where a side is a product the log takes apart
        "InTheRoot",            # one sub-proof, tried only where a root's base is 0 at an end
        "PowerComparing",       # several sub-proofs, after the normal form and the solvers
        "InTheExponential",     # one sub-proof, tried only where the margin reads a coordinate through exp
        "KinkSplitting",        # two sub-proofs along an affine kink, after z3 over the branches; before the one
        #                         combination, which spent the pool first: log(e^x + e^y) <= max(x, y) + log 2,
        #                         undecided at 6 units, is proved with 2.8 (session 48)
        "OneCombination",       # after the logarithms and the substitutions, which pose what it splits
        "ClassSum",             # two sub-proofs: a sum over a simplex's classes, term by term
        "MonotoneDifferences",  # a factorisation, then one sub-proof each
        "ConcaveIn",            # after the class sum, which poses a term's chord problem
        "PartialMinimum",       # three sub-proofs or more; it declines a margin with kinks
        "KinkRootSplitting",    # four sub-proofs or more, after the affine kink split
        "KinkAlongACurve",      # six sub-proofs, after the kink's roots (a curve of one coordinate is theirs)
    ),
    "inside": (
        "OutsideRelation",  # a relation of the domain fails on the whole box: no point of it there (cheap)
        "FirstOrder",  # interval, mean value, monotone, point, max, kink bounds: one box, bounded cost
        "TaylorModel",  # a Taylor model of degree 12 (Arb's series): where the first-order bounds lose h^2
        "RemovableSingularity",  # the model across a 0/0 at the box's end (SymPy's exact orders: a timed step)
        "Tail",        # right after the first-order bounds, which cannot bound oo - oo at a pole
        "AsWritten",   # first-order bounds of the margin as traced, before its normal form
        "Lifted",      # the margin lifted to the simplex rows' full coordinates
        "SecondOrder",  # convexity (or Taylor's theorem) around a critical set
        "Scaling",     # a homogeneous margin's corner box at the origin
        "Z3Ranged",    # z3 over the special functions' Taylor models on the box's ranges: the costliest box step
    ),
    "split": (
        "OutsideRelation",  # as inside
        "SecondOrder",  # a box a face crosses: its second-order bound first
        "Lifted",
    ),
    "outside": (
        "OutsideRegion",  # no point of the region in the box
    ),
}

#: the boxes' own bounds: every box runs them; each other box closure may spend, over a proof's boxes, at most
#: :data:`BOX_RATIO` times what these and the boxes' own steps spent (after its first call), so that a closure that
#: closes nothing cannot make a box cost many times a split (sin(1/sqrt(x - 1)) - 2 sin(1/sqrt(x)) + sin(1/sqrt(x + 1))
#: + 1/50 on [7/5, 65537], closed by about 100 boxes: z3 over ranges and the second order took 0.2 and 0.13 units a
#: box where a box's bounds took 0.008, and 6 units ran out with 24 boxes)
BOX_BASE: tuple[str, ...] = ("OutsideRelation", "FirstOrder", "TaylorModel", "OutsideRegion")
#: see :data:`BOX_BASE`: over MetiTarski's corpus a call of z3 over ranges or of the second order costs about 4.7 times
#: one of the first-order bounds (3.2 times while a box's own step was charged three times its calls, before session
#: 47: ``prove.BOX_STEP_WORK``), so at three times their work each still runs on about every other box
BOX_RATIO = 3.0
#: see :data:`BOX_BASE`: the ratio of a box closure that has closed no box of the proof yet. Over MetiTarski's 75
#: problems left undecided at 22.5 units, run at 90, the second-order bounds spent 598 units and closed 31 boxes, the
#: tail 166 and closed none; on ``ellipse-check-1`` (one coordinate, margin 5.3 where the boxes stayed open; the boxes
#: and sweeps alone at 90 units) the second order took 26 of 67 units, closed nothing, and the boxes needed 96. A
#: closure that earns keeps the larger ratio (``benchmarks/RESULTS.md``, session 44). Not lower: at 0.5,
#: ``log(x)/x <= 1/e`` on ``[1, oo)``, whose box at ``x = e`` only the second order closes, was undecided at 6 units.
#: Half of :data:`BOX_RATIO`, as it was (1 of 2 before session 47)
BOX_RATIO_UNEARNED = 1.5

#: the closures of the stage ``piece`` that each close one shape by sub-proofs: together they draw on one pool, a
#: share of the work left where the first of them applies (``"pooled"`` in :data:`SHARES`), so that the boxes, the
#: general method, keep the rest. Each took a share of the work left, so that a margin several of them applied to gave
#: the boxes nothing (MetiTarski's ``atan-problem-2-weakT``, 0.5 from 0 on its whole box: ``ConcaveIn``,
#: ``PartialMinimum`` and ``OneCombination`` spent 17.7 of its 22.5 units, the boxes saw one box); over the whole
#: corpus four of them (``OneCombination``, ``ConcaveIn``, ``MonotoneDifferences``, ``MirrorConvex``) spent 330 units
#: and closed nothing (``benchmarks/RESULTS.md``, session 38)
POOLED: frozenset[str] = frozenset({
    "MirrorConvex", "Logarithms", "InTheRoot", "PowerComparing", "InTheExponential", "OneCombination", "ClassSum",
    "MonotoneDifferences", "ConcaveIn", "PartialMinimum", "KinkSplitting", "KinkRootSplitting", "KinkAlongACurve",
})

#: registered methods that no stage runs: the prover calls them itself
UNSTAGED: tuple[str, ...] = ("MonotoneSweep",)

#: what each step may spend: a share of a :class:`~paper_checks.prover.budget.Budget` (of the work *left* where the
#: step starts, unless the line says "of the whole"), by the closure's class name (its sub-proofs' budget:
#: :func:`paper_checks.prover.subproofs.subproblem.nested`) or by the step's name. Every share of the prover is here;
# the : least a share may be, where it has one, is beside its use. "Half" without a measurement is the default: what the
#: step leaves, the closures after it in :data:`SCHEDULE` and the boxes get.
SHARES: dict[str, float] = {
    # the proof (paper_checks.prover.prove)
    "search first": 0.5,        # of the whole: the counterexample search run first samples for at most half
    "pooled": 0.7,              # of the work left where the first closure of POOLED applies: all of them together (at
    #                             0.5, PHuber-CE below CE, for every tau, was undecided at 6 units: the one combination
    #                             that proves it needs 1.35, and the closures before it took part of the pool)
    "search where defined": 0.5,  # a margin undefined where a denominator is 0: half of what is left looks for a
    #                               point where it is defined and fails (searched.failing_where_defined)
    "box step": 0.25,           # one closure on one box (at least BOX_STEP_MIN_WORK), then the box is split: one
    #                             step on a weighted Pinsker bound's second box took 7 s of an 8 s limit unbounded
    "first sweep after": 0.2,   # of what the boxes begin with: they go first, and what they close the sweep need not
    "second sweep after": 0.6,  # of what the boxes begin with: again where they stalled since the first (prove.STALLED)
    "sweep of the first form": 0.5,  # of a sweep's span, where the margin as written differs from its normal form:
    #                                    the normal form's sweep first, the margin as written after with the rest (one
    #                                    that ran out left the other nothing: MetiTarski's log-problem-5, whose normal
    #                                    form's sweep spent 3.1 units at 22.5 and closed nothing, while the margin as
    #                                    written closes by one sweep in its charts' values)
    "sweep span": 3 / 7,        # each of the two sweeps' budget, of the work left: MonotoneSweep spends 0.7 of that,
    #                             30 % of what is left in all (a sweep that closes does so quickly: over MetiTarski's
    #                             corpus the seven that closed spent 0.07 to 6.6 units in all their calls). The second
    #                             took all that was left, 0.7 of it for itself: on the 75 problems undecided at 22.5,
    #                             run at 90, the sweeps spent 487 units and closed 6 (session 44)
    "valley": 0.2,              # one box's look for a valley (at least tight.VALLEY_MIN_WORK; each check is up to
    #                             a second of SymPy: a weighted Pinsker bound had 9 to check from one box, 6.3 s of 8)
    # the closures by sub-proofs, in the order of SCHEDULE["piece"] (their sub-proofs' budget)
    "SimplexVertices": 0.5,     # one sub-proof a vertex, a simplex fewer: the default half
    "ProportionalFactors": 0.5,  # one sub-proof (the sign of ``R h``): the default half
    "BranchSplitting": 0.8,     # each side's sub-proof is the whole problem on a box across no threshold: most of it
    "KinkSigns": 0.5,           # the kinks' signs: the default half
    "KinkSigns sign": 0.2,      # of the step's: one kink's sign, so that one that cannot be proved leaves the others
    "FactorApart": 0.5,         # one sub-proof with a coordinate fewer: the default half
    "TwoArguments": 0.5,        # two sub-proofs (G's slope, the arguments' order): the default half
    "Ratios": 0.7,              # one sub-proof, the whole problem in a coordinate fewer: more than half
    "ConeFaces": 0.9,           # the faces are the whole problem in one coordinate fewer, each tried by every method
    #                             (at 0.7, Cartwright & Field's upper bound ran out at 8 s on its second face)
    "MirrorConvex": 0.5,        # its sub-proofs: the default half
    "Z3Bounds slice": 0.05,     # z3's slice at each level (100 ms to 1.5 s): z3 decides a level at once or not at
    #                             all; over the held-out sets no level closed after 0.66 s (0.14 s at most at 8 s)
    "Z3RangedPiece": 0.2,       # z3 over Taylor models of the whole piece: decides at once (a degree-15 model) or not
    "CutOff": 0.7,              # the sub-proof beyond the cuts is the whole problem on a bounded box: more than half
    "CutOff cuts": 0.2,         # of the step's, the cuts toward one pole (at least cutoff.CUT_WORK, at most
    #                             CUT_MOST): Polya's bound of erf on the line needs 2 s of cuts
    "CutOff tail": 0.5,         # of the step's, a tail that no cut closes, proved as a sub-problem of its own
    "ValueSweep": 0.2,          # the early sweep in the charts' values: it comes before the boxes, which need the rest
    "Logarithms": 0.3,          # one sub-proof: a comparison of logarithms that closes does so quickly
    "InTheRoot": 0.4,           # one sub-proof, tried only where a root's base is 0 at an end
    "PowerComparing": 0.7,      # several sub-proofs, after the normal form and the solvers: more than half
    "InTheExponential": 0.4,    # one sub-proof, tried only where the margin reads a coordinate through exp
    "OneCombination": 0.5,      # its sub-proofs: the default half
    "ClassSum": 0.5,            # two sub-proofs, term by term: the default half
    "MonotoneDifferences": 0.5,  # one sub-proof a factor: the default half
    "ConcaveIn": 0.5,           # its chord's sub-proofs: the default half
    "PartialMinimum": 0.5,      # three sub-proofs or more: the default half
    "KinkSplitting": 0.5,       # two sub-proofs along an affine kink: the default half
    "KinkRootSplitting": 0.5,   # four sub-proofs or more: the default half
    "KinkAlongACurve": 0.8,     # six sub-proofs, the last closure of a piece before its boxes, which gather along
    #                             the curve and close nothing there: most of it
    "MonotoneSweep": 0.7,       # one sweep (the early one in values too): a derivative's sign and a face
}


def share(name: str) -> float:
    """The share of :data:`SHARES` named ``name``; ``ValueError`` for a name it lacks."""
    try:
        return SHARES[name]
    except KeyError:
        raise ValueError(f"no share named {name!r} in the schedule (shares: {', '.join(SHARES)})") from None


def box_ratio(closed: float) -> float:
    """What a box closure outside :data:`BOX_BASE` may spend over a proof's boxes, in times their own bounds' work:
    :data:`BOX_RATIO` once it has closed a box of the proof (``closed`` > 0), :data:`BOX_RATIO_UNEARNED` before."""
    return BOX_RATIO if closed else BOX_RATIO_UNEARNED


def order(stage: str) -> tuple[str, ...]:
    """The methods of ``stage``, in the order they are tried; ``ValueError`` for a stage this schedule lacks."""
    try:
        return SCHEDULE[stage]
    except KeyError:
        raise ValueError(f"unknown stage {stage!r} (stages: {', '.join(SCHEDULE)})") from None
