"""The prover's schedule: which closing methods a stage of a proof tries, in the order it tries them, read top to
bottom (as hypothesis' shrinker keeps its passes).

A closing method lives in its own module of :mod:`paper_checks.prover.closures` with its step and its re-check;
*where* it runs is decided here, and nowhere else. :func:`paper_checks.prover.closures.for_stage` reads this list,
and the registry refuses a method that no stage lists or a name that no module registers, so adding a closure means
one file and one line here. The order was set from the counters of ``benchmarks/bench_prover.py`` (which closure
closes what, at what work): the cheap structural tests first, then z3 where the margin is algebraic, then the normal
form and the solvers, then the methods that pose sub-proofs, the costliest last.

Stages (:data:`paper_checks.prover.closures.base.STAGES`):

- ``piece``: one conjunct of one piece, before any box;
- ``inside``: one box inside the piece's region;
- ``split``: a box partly outside the region (a simplex's face crosses it);
- ``outside``: a box with no point of the region.

:class:`~paper_checks.prover.closures.monotone_sweep.MonotoneSweep` is in no stage: the prover runs it on what the
boxes leave open (:data:`UNSTAGED`), at the shares of the work budget that :mod:`paper_checks.prover.prove` names.
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
        "NormalForm",           # the normal form: may decide the margin, and rewrites it for every method after
        "FactorApart",          # a positive factor: one sub-proof with a coordinate fewer, before the solvers
        "Ratios",               # a ratio of coordinates: one coordinate fewer for every method after it
        "ConeFaces",            # beside the ratios (bounded boxes): one coordinate fewer for every method after it
        "RealRoots",            # a rational margin in one variable: its real roots, exactly
        "AlgebraicSlope",       # after z3 on the margin itself, the normal form and the real roots
        "Z3Polynomial",         # z3 on the normal form's polynomial
        "MirrorConvex",         # a test at two points and a SymPy identity, before z3 over atoms and the combinations
        "Z3Atoms",              # z3 with the nodes outside its fragment abstracted to bounded variables
        "Z3Bounds",             # z3 over the atoms' bounds on boxes: decides the bounded rest of many margins
        "Z3Branches",           # z3 over each branch of a piecewise margin
        "CutOff",               # after z3 over bounds: the tails' derivatives, then one sub-proof on the rest
        "ValueSweep",           # the sweep in values, before the logarithms and the combinations
        "Logarithms",           # one sub-proof, tried only where a side is a product the log takes apart
        "InTheRoot",            # one sub-proof, tried only where a root's base is 0 at an end
        "PowerComparing",       # several sub-proofs, after the normal form and the solvers
        "InTheExponential",     # one sub-proof, tried only where the margin reads a coordinate through exp
        "OneCombination",       # after the logarithms and the substitutions, which pose what it splits
        "ClassSum",             # two sub-proofs: a sum over a simplex's classes, term by term
        "MonotoneDifferences",  # a factorisation, then one sub-proof each
        "ConcaveIn",            # after the class sum, which poses a term's chord problem
        "PartialMinimum",       # three sub-proofs or more; it declines a margin with kinks
        "KinkSplitting",        # two sub-proofs along an affine kink, after z3 over the branches and the class sum
        "KinkRootSplitting",    # four sub-proofs or more, after the affine kink split
        "KinkAlongACurve",      # six sub-proofs, after the kink's roots (a curve of one coordinate is theirs)
    ),
    "inside": (
        "FirstOrder",  # interval, mean value, monotone, point, max, kink bounds: one box, bounded cost
        "Tail",        # right after the first-order bounds, which cannot bound oo - oo at a pole
        "AsWritten",   # first-order bounds of the margin as traced, before its normal form
        "Lifted",      # the margin lifted to the simplex rows' full coordinates
        "SecondOrder",  # convexity (or Taylor's theorem) around a critical set
        "Scaling",     # a homogeneous margin's corner box at the origin
    ),
    "split": (
        "SecondOrder",  # a box a face crosses: its second-order bound first
        "Lifted",
    ),
    "outside": (
        "OutsideRegion",  # no point of the region in the box
    ),
}

#: registered methods that no stage runs: the prover calls them itself
UNSTAGED: tuple[str, ...] = ("MonotoneSweep",)


def order(stage: str) -> tuple[str, ...]:
    """The methods of ``stage``, in the order they are tried; ``ValueError`` for a stage this schedule lacks."""
    try:
        return SCHEDULE[stage]
    except KeyError:
        raise ValueError(f"unknown stage {stage!r} (stages: {', '.join(SCHEDULE)})") from None
