"""Fixtures of the prover's tests."""
from __future__ import annotations

import pytest

from paper_checks.prover import closures


@pytest.fixture
def without_z3_first(monkeypatch):
    """The registry without z3 first on its fragment (:mod:`paper_checks.prover.closures.z3_algebraic`): for the
    tests of the closures it would otherwise pre-empt (real roots, z3 on the normal form, branches, known signs)."""
    stage = closures.for_stage

    def for_stage(name: str):
        return tuple(m for m in stage(name) if m.name != "Z3Algebraic")

    monkeypatch.setattr(closures, "for_stage", for_stage)


@pytest.fixture
def without_class_sum(monkeypatch):
    """The registry without the class sum (:mod:`paper_checks.prover.closures.simplex_sum`): for the tests of the
    closures it would otherwise pre-empt on a sum over a simplex (the sweep, the lifted interval)."""
    stage = closures.for_stage

    def for_stage(name: str):
        return tuple(m for m in stage(name) if m.name != "ClassSum")

    monkeypatch.setattr(closures, "for_stage", for_stage)


@pytest.fixture
def without_logarithms(monkeypatch):
    """The registry without the comparison through logarithms (:mod:`paper_checks.prover.closures.logs`): for the
    tests of the closures it would otherwise pre-empt on an exponential against a polynomial (the tail)."""
    stage = closures.for_stage

    def for_stage(name: str):
        return tuple(m for m in stage(name) if m.name != "Logarithms")

    monkeypatch.setattr(closures, "for_stage", for_stage)
