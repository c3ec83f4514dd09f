"""Affine in a simplex row (:mod:`paper_checks.prover.subproofs.simplex_vertices`): the margin at each vertex decides
the piece; a margin not affine in the row is left to the others, a false neighbour is never closed, and a tampered
record fails its re-check. The merge of coordinates read only through their sum is exact (:func:`paired`)."""
from __future__ import annotations

import dataclasses
from fractions import Fraction

import pytest
import sympy

from paper_checks.prover import prove, recheck
from paper_checks.prover.budget import Budget
from paper_checks.prover.subproofs.simplex_vertices import Vertices, affine_vertices, simplex_vertices
from paper_checks.prover.subproofs.simplex_vertices import recheck as vertices_recheck
from paper_checks.prover.subproofs.subproblem import merge, paired
from paper_checks.prover.tracing.symbols import Coordinate, simplex_symbols
from paper_checks.search.params import Integer, Real, SearchSpace, SimplexPoint

R = sympy.Rational
F = Fraction
HANG_GUARD = 300  # seconds: generous, so that the load never decides an outcome
r = sympy.Symbol("r", real=True)


def _rows():
    """Two simplex points ``p`` (4 classes, ``p[0]`` eliminated) and ``f`` (4 classes, ``f[0]`` eliminated), and
    ``r`` in [0, 1]."""
    p, pc = simplex_symbols("p", 4, 0, None)
    f, fc = simplex_symbols("f", 4, 0, None)
    coords = pc + fc + [Coordinate(r, "r", ())]
    return p, f, [c.symbol for c in coords], coords, [(F(0), F(1, 2))] * 6 + [(F(0), F(1))]


def _mae_risk_gap(p, f, rr):
    """Ghosh et al. 2017, Thm 1 at one input: the noisy MAE risk of f minus that of e_argmax(p), uniform noise
    eta = r (c - 1)/c: 2 (1 - r) (max p - <p, f>), affine in f."""
    c = len(p)
    eta = rr * R(c - 1, c)
    w = [pk * (1 - eta - eta / (c - 1)) + eta / (c - 1) for pk in p]
    slope, offset = 1 - eta - eta / (c - 1), eta / (c - 1)
    return sympy.Add(*[w[k] * (2 - 2 * f[k]) for k in range(c)]) - (2 * sum(w) - 2 * (sympy.Max(*p) * slope + offset))


def test_paired_is_exact():
    a, b, c = sympy.symbols("a b c", nonnegative=True)
    assert paired(sympy.log(1 - a - b - c) + (b + c) ** 2, b, c)
    assert not paired(sympy.log(1 - a - b - c) + (b + c) ** 2 + b, b, c)  # b alone once more
    assert not paired(sympy.log(1 - a - b - c) + (b + 2 * c) ** 2, b, c)  # another weight
    assert not paired(b * c, b, c)
    e, reps, absorbed = merge(sympy.log(1 - a - b - c) + (b + c) ** 2, [a, b, c])
    assert reps == [a, b] and absorbed == {"c": "b"} and e == sympy.log(1 - a - b) + b ** 2


@pytest.mark.slow
def test_a_risk_affine_in_f_is_decided_at_its_vertices_and_rechecks():
    p, f, syms, coords, box = _rows()
    e = _mae_risk_gap(p, f, r)
    found = affine_vertices(e, syms, coords, ("f", None))
    assert found is not None and len(found[2]) == 4
    assert affine_vertices(e, syms, coords, ("p", None)) is None  # max p: not affine in p
    rec = simplex_vertices(e, syms, box, Budget.of(HANG_GUARD), coords)
    assert isinstance(rec, Vertices) and rec.row == ("f", None)
    assert vertices_recheck(rec, e, syms, box, coords) == []
    assert vertices_recheck(rec, e - R(1, 1000), syms, box, coords)
    tampered = dataclasses.replace(rec, vertices=rec.vertices[:-1])
    assert vertices_recheck(tampered, e, syms, box, coords)


def test_a_false_neighbour_is_not_closed():
    """The same gap with the noise rate's factor 1 - r replaced by r - 1/2: negative at every vertex for r < 1/2."""
    p, f, syms, coords, box = _rows()
    e = 2 * (r - R(1, 2)) * (sympy.Max(*p) - sum(pk * fk for pk, fk in zip(p, f)))
    assert simplex_vertices(e, syms, box, Budget.of(HANG_GUARD), coords) is None


@pytest.mark.slow  # about 5 s: in CI's slow run
def test_prove_closes_a_folded_risk_at_the_vertices():
    """Through prove, as ghosh17.uniform_tolerance declares it: c in 2..3, p and f folded from the 4-simplex,
    r in [0, 1)."""

    def exact(pt):
        c = int(pt["c"])
        fold = lambda v: list(v[: c - 1]) + [sum(v[c - 1:])]  # noqa: E731
        return _mae_risk_gap(fold(pt["p"]), fold(pt["f"]), pt["r"])

    space = SearchSpace((Integer("c", 2, 3), SimplexPoint("p", 4), SimplexPoint("f", 4),
                         Real("r", 0.0, 1.0, open_high=True)), lambda pt: 0.0, exact, description="MAE risk gap")
    res = prove(space, 10**6, HANG_GUARD)
    assert res.outcome == "proved", res.reason
    assert set(res.certificate.methods()) == {"vertices"}
    assert recheck(res.certificate, space) == []


@pytest.mark.slow
def test_a_shared_sub_certificate_is_rechecked_afresh_each_time():
    """The pieces share one proof per vertex problem, re-checked once within a re-check (recheck_shared); a
    second re-check after that proof was tampered with finds it: nothing is kept from one re-check to the next."""
    def exact(pt):
        return _mae_risk_gap(list(pt["p"]), list(pt["f"]), pt["r"])

    space = SearchSpace((SimplexPoint("p", 4), SimplexPoint("f", 4), Real("r", 0.0, 1.0)), lambda pt: 0.0, exact)
    res = prove(space, 10**6, HANG_GUARD)
    assert res.outcome == "proved" and recheck(res.certificate, space) == []
    shared = next(iter(res.certificate.subproofs.values())).vertices[1].proof.certificate
    assert sum(v.proof is not None and v.proof.certificate is shared
               for rec in res.certificate.subproofs.values() for v in rec.vertices) > 1  # one proof, several pieces
    kept = list(shared.records)
    shared.records.clear()
    try:
        assert recheck(res.certificate, space)
    finally:  # the prover keeps this proof for later problems in this process
        shared.records.extend(kept)
    assert recheck(res.certificate, space) == []
