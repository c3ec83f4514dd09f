"""Fixtures of the prover's tests: the registry without one closure, for the tests of the closures it would
otherwise pre-empt."""
from __future__ import annotations

import math

import pytest

from paper_checks.prover import closures


def _without(monkeypatch: pytest.MonkeyPatch, *names: str) -> None:
    stage = closures.for_stage

    def for_stage(stage_name: str):
        return tuple(m for m in stage(stage_name) if m.name not in names)

    monkeypatch.setattr(closures, "for_stage", for_stage)


@pytest.fixture(autouse=True)
def one_rung(monkeypatch, request):
    """The top proof on its whole budget at once, without iterative deepening (:mod:`paper_checks.prover.deepening`):
    the tests here are of the closures, each written for the route its margin takes on one rung, which a cheaper route
    on a small first rung (the boxes) would otherwise pre-empt. A test of the deepening itself asks for ``rungs``."""
    if "rungs" in request.fixturenames:
        return
    from paper_checks.prover import deepening

    monkeypatch.setattr(deepening, "FIRST", float("inf"))


@pytest.fixture
def without_z3_over_bounds(monkeypatch):
    """Without z3 over bounding functions on the whole piece (:mod:`paper_checks.prover.algebraic.z3_bounds`): a test
    of a closure it may pre-empt. In one CI run beside two other suites (load over 6 on two cores) it decided
    Lazarevic's inequality at once, where alone it runs out of its count and the cutoff proves it: the answer the
    same, the route another. z3's own strategy holds ``try_for`` clocks (docs/design.md), the likely cause; not
    reproduced alone."""
    _without(monkeypatch, "Z3Bounds")


@pytest.fixture
def rungs():
    """The deepening as it runs (:func:`one_rung` steps aside)."""


@pytest.fixture
def without_z3_first(monkeypatch):
    """Without z3 first on its fragment (:mod:`paper_checks.prover.algebraic.z3_algebraic`): real roots, z3 on the
    normal form, branches, known signs, and the tail on a radical over a half-line."""
    _without(monkeypatch, "Z3Algebraic")


@pytest.fixture
def without_cutoff(monkeypatch):
    """Without the cutoff (:mod:`paper_checks.prover.sweeps.cutoff`): the tail's own boxes toward the pole of a
    margin of one coordinate on a half-line or the line."""
    _without(monkeypatch, "CutOff")


@pytest.fixture
def without_class_sum(monkeypatch):
    """Without the class sum (:mod:`paper_checks.prover.subproofs.simplex_sum`): the sweep, the lifted interval on a
    sum over a simplex."""
    _without(monkeypatch, "ClassSum")


@pytest.fixture
def every_box_closure(monkeypatch):
    """Every box closure on every box, whatever it has spent (:data:`paper_checks.prover.schedule.BOX_RATIO`): a test
    of what one closure closes, apart from the schedule's policy of how often it runs."""
    from paper_checks.prover import schedule

    monkeypatch.setattr(schedule, "BOX_RATIO", math.inf)
    monkeypatch.setattr(schedule, "BOX_RATIO_UNEARNED", math.inf)


@pytest.fixture
def without_logarithms(monkeypatch):
    """Without the comparison through logarithms (:mod:`paper_checks.prover.subproofs.logs`): the tail on an
    exponential against a polynomial."""
    _without(monkeypatch, "Logarithms")


@pytest.fixture
def without_slope(monkeypatch):
    """Without the algebraic slope (:mod:`paper_checks.prover.algebraic.slope`): the tail and the boxes' monotone
    steps on a margin of one coordinate read through atan or log."""
    _without(monkeypatch, "AlgebraicSlope")


@pytest.fixture
def without_root(monkeypatch):
    """Without the root (:mod:`paper_checks.prover.subproofs.roots`): the boxes' own report of a pole at a face where a
    radical's base is 0."""
    _without(monkeypatch, "InTheRoot")


@pytest.fixture
def without_removable(monkeypatch):
    """Without the models at a box's end (:mod:`paper_checks.prover.enclosures.removable`): a removable singularity
    or a zero of some order at the piece's end, which the second-order bounds' Taylor step also closes."""
    _without(monkeypatch, "RemovableSingularity")


@pytest.fixture
def without_bounds(monkeypatch):
    """Without z3 over bounding functions, on the whole line (:mod:`paper_checks.prover.algebraic.z3_bounds`) or on a
    box's ranges (:mod:`paper_checks.prover.algebraic.ranged`): the closures they pre-empt on a margin of exp, log,
    atan, sin or cos (the root, the tail, the Hessian, the boxes' own steps)."""
    _without(monkeypatch, "Z3Bounds", "Z3Ranged", "Z3RangedPiece")


@pytest.fixture
def without_partial_minimum(monkeypatch):
    """Without the partial minimum (:mod:`paper_checks.prover.subproofs.partial_min`): the boxes' second-order closure
    on a segment or valley where the margin is convex in one coordinate (the tempered logarithm above log)."""
    _without(monkeypatch, "PartialMinimum")


@pytest.fixture
def without_one_combination(monkeypatch):
    """Without one combination (:mod:`paper_checks.prover.subproofs.combination`): the segment along a parameter on the
    tempered logarithm, a function of x^(1 - t) over (1 - t)."""
    _without(monkeypatch, "OneCombination")


@pytest.fixture
def without_concave(monkeypatch):
    """Without concavity in one coordinate (:mod:`paper_checks.prover.subproofs.concave`): the monotone sweep of a class
    sum, concave in its simplex coordinate read alone."""
    _without(monkeypatch, "ConcaveIn")


@pytest.fixture
def without_value_sweep(monkeypatch):
    """Without the early sweep in the charts' values (:mod:`paper_checks.prover.sweeps.sweep`): the
    logarithms and the later steps on a margin that is monotone on a half-line or the line."""
    _without(monkeypatch, "ValueSweep")
