"""A class sum over a simplex (:mod:`paper_checks.prover.subproofs.simplex_sum`): decomposed exactly, closed through the
tangent or the chord of its term, proved with re-checked certificates; false neighbours are never closed, a
folded simplex is merged, and a tampered record fails its re-check."""
from __future__ import annotations

import dataclasses
from fractions import Fraction

import pytest
import sympy

from paper_checks.prover import prove, recheck
from paper_checks.prover.budget import Budget
from paper_checks.prover.subproofs.simplex_sum import SimplexSum, decompose, minorant, simplex_sum, sub_margins, summed
from paper_checks.prover.subproofs.simplex_sum import recheck as sum_recheck
from paper_checks.prover.tracing.symbols import Coordinate, simplex_symbols
from paper_checks.search.params import Integer, Real, SearchSpace, SimplexPoint

R = sympy.Rational
F = Fraction
HANG_GUARD = 300  # seconds: generous, so that the load never decides an outcome
q = sympy.Symbol("q", positive=True)


def _lq(v, qq):
    """GCE's L_q (Zhang & Sabuncu 2018, Eq. 6)."""
    return (1 - v ** qq) / qq


def _row(dim):
    """A simplex point ``f`` of ``dim`` coordinates, ``f[0]`` eliminated, and ``q`` in [1/8, 1]."""
    vals, coords = simplex_symbols("f", dim, 0, None)
    return vals, [c.symbol for c in coords] + [q], coords + [Coordinate(q, "q", ())], \
        [(F(0), F(1, 2))] * (dim - 1) + [(F(1, 8), F(1))]


def test_gce_class_sum_decomposes_into_one_term_per_class():
    vals, syms, coords, _ = _row(4)
    e = sum(_lq(v, q) for v in vals) - (4 - 4 ** (1 - q)) / q
    dec = decompose(e, syms, coords, ("f", None))
    assert dec is not None and dec.classes == 4 and not dec.absorbed
    assert sympy.simplify(e - summed(dec)) == 0
    assert sympy.simplify(dec.phi - dec.phi.xreplace({dec.s: 1 - dec.s})) != 0  # phi is the term, not symmetric


def test_a_folded_point_is_merged_to_its_classes():
    """A point of the 6-simplex folded onto 3 classes (label_noise_lab.theory.simplex.fold: the last class gets the
    rest): the
    margin reads f[2] + ... + f[5] only through their sum, so they merge into one coordinate."""
    vals, syms, coords, _ = _row(6)
    folded = [vals[0], vals[1], sum(vals[2:])]
    e = sum(v ** 2 for v in folded) - R(1, 3)
    dec = decompose(e, syms, coords, ("f", None))
    assert dec is not None and dec.classes == 3 and len(dec.absorbed) == 3


def test_a_cross_term_is_no_class_sum():
    vals, syms, coords, _ = _row(4)
    assert decompose(sum(v ** 2 for v in vals) + vals[1] * vals[2], syms, coords, ("f", None)) is None
    # two classes whose terms are not the others' (asymmetric weights)
    assert decompose(sum(v ** 2 for v in vals) + vals[1] ** 3 + vals[2] ** 3, syms, coords, ("f", None)) is None


def test_one_class_with_a_term_of_its_own_is_the_odd_class():
    # a label's own term (the bi-tempered loss's -log_t(yhat_y)): phi is the other classes' term, psi the label's
    # extra, read in the reduced problem at a coordinate of its own in [0, 1]
    vals, syms, coords, _ = _row(4)
    for k in (1, 0):  # a free coordinate's class, then the eliminated one's
        e = sum(v ** 2 for v in vals) + vals[k] ** 3
        dec = decompose(e, syms, coords, ("f", None))
        assert dec is not None and dec.odd == k and sympy.expand(dec.psi - dec.s ** 3) == 0
        assert sympy.simplify(e - summed(dec)) == 0
        _, reduced = sub_margins(dec, *minorant(dec, "tangent"))
        assert dec.v in reduced.free_symbols and dec.s not in reduced.free_symbols


@pytest.mark.slow
def test_gce_lower_bound_closes_by_the_tangent_and_rechecks():
    """(c - c^(1-q))/q <= sum_j L_q(f_j) at c = 4 for every q in [1/8, 1] (Eq. 7, lower end): 0 at the centre for
    every q, where the boxes cannot close it."""
    vals, syms, coords, box = _row(4)
    e = sum(_lq(v, q) for v in vals) - (4 - 4 ** (1 - q)) / q
    rec = simplex_sum(e, syms, box, Budget.of(HANG_GUARD), coords)
    assert isinstance(rec, SimplexSum) and rec.kind == "tangent" and rec.h_proof.proved
    assert sum_recheck(rec, e, syms, box, coords) == []


@pytest.mark.slow
def test_a_tampered_class_sum_fails_its_recheck():
    vals, syms, coords, box = _row(4)
    e = (3 / q) - sum(_lq(v, q) for v in vals)  # the upper end: the chord
    rec = simplex_sum(e, syms, box, Budget.of(HANG_GUARD), coords)
    assert isinstance(rec, SimplexSum) and rec.kind == "chord"
    assert sum_recheck(rec, e, syms, box, coords) == []
    assert sum_recheck(rec, e - R(1, 1000), syms, box, coords)
    assert sum_recheck(dataclasses.replace(rec, alpha=rec.alpha + R(1, 1000)), e, syms, box, coords)
    assert sum_recheck(dataclasses.replace(rec, kind="tangent"), e, syms, box, coords)
    narrow = [(F(0), F(1, 2))] * 3 + [(F(1, 4), F(1))]  # a sub-proof made for another domain
    assert sum_recheck(rec, e, syms, narrow, coords)


def test_false_neighbours_are_never_closed():
    """Each 1/1000 above its bound: the sampled minorant or its sub-proof fails, and nothing is closed."""
    vals, syms, coords, box = _row(4)
    lower = sum(_lq(v, q) for v in vals) - (4 - 4 ** (1 - q)) / q
    upper = (3 / q) - sum(_lq(v, q) for v in vals)
    for e in (lower - R(1, 1000), upper - R(1, 1000)):
        assert simplex_sum(e, syms, box, Budget.of(HANG_GUARD), coords) is None


def _folded_space(low: int, high: int, margin, q_low: float = 0.125) -> SearchSpace:
    """``margin(c, q, g)`` for ``c`` in ``low..high``, ``q`` in [q_low, 1] (``(0, 1]`` for ``q_low = 0``) and ``g``
    a point of the ``high``-simplex folded onto ``c`` classes (label_noise_lab.theory.simplex.fold: the last class gets
    the rest), as
    a claim declares it."""

    def exact(pt):
        c, f = int(pt["c"]), list(pt["f"])
        return margin(c, pt["q"], f[: c - 1] + [sum(f[c - 1:])])

    return SearchSpace((Integer("c", low, high), SimplexPoint("f", high), Real("q", q_low, 1.0, open_low=q_low == 0)),
                       lambda pt: float(exact({**pt, "q": sympy.nsimplify(pt["q"])})), exact,
                       description="a GCE class sum")


@pytest.mark.slow  # about 7 s: in CI's slow run
def test_prove_decides_class_sums_with_certificates_that_recheck():
    """Through prove: GCE's lower end, (c - c^(1-q))/q <= sum_j L_q(f_j) at c = 5 (0 at the centre for every q),
    closed as a class sum; 1/10^6 above it is refuted, exactly."""
    space = _folded_space(5, 5, lambda c, qq, g: sum(_lq(v, qq) for v in g) - (c - c ** (1 - qq)) / qq)
    res = prove(space, 10**6, HANG_GUARD)
    assert res.outcome == "proved", res.reason
    assert recheck(res.certificate, space) == []
    assert any(r.closure.method == "class sum" for r in res.certificate.records)
    false = _folded_space(5, 5, lambda c, qq, g: sum(_lq(v, qq) for v in g) - (c - c ** (1 - qq)) / qq - R(1, 10**6))
    assert prove(false, 10**6, HANG_GUARD).outcome == "counterexample"


@pytest.mark.slow
def test_a_class_sum_with_a_parameter_and_integers_rechecks():
    """GCE's upper end, sum_j L_q(f_j) <= (c - 1)/q, for c in 3..4 (a point of the 4-simplex folded onto c
    classes) and every q in [1/8, 1]: 0 at every vertex."""
    space = _folded_space(3, 4, lambda c, qq, g: (c - 1) / qq - sum(_lq(v, qq) for v in g))
    res = prove(space, 10**6, HANG_GUARD)
    assert res.outcome == "proved", res.reason
    assert recheck(res.certificate, space) == []


@pytest.mark.slow  # about 30 s: in CI's slow run
def test_gce_both_ends_for_every_q_in_0_1_with_c_folded():
    """Eq. 7 whole, both ends as one Min, for c in 2..4 and every q in (0, 1] (open at 0, where the margin is not
    defined): pieces closed as class sums (c = 2 too: the terms of 1 - w read w inside a sum), every
    certificate re-checked; the lower end 1/1000 too high is refuted."""

    def eq7(c, qq, g):
        total = sum(_lq(v, qq) for v in g)
        return sympy.Min(total - (c - c ** (1 - qq)) / qq, (c - 1) / qq - total, evaluate=False)

    space = _folded_space(2, 4, eq7, q_low=0.0)
    res = prove(space, 10**6, HANG_GUARD)
    assert res.outcome == "proved", res.reason
    assert recheck(res.certificate, space) == []
    assert "class sum" in {r.closure.method for r in res.certificate.records}
    false = _folded_space(2, 4, lambda c, qq, g: sum(_lq(v, qq) for v in g) - (c - c ** (1 - qq)) / qq - R(1, 1000),
                          q_low=0.0)
    assert prove(false, 10**6, HANG_GUARD).outcome == "counterexample"


def _js_class_sum(pt):
    """(c - 1) H(pi) - sum_k D_JS_pi(e_k, f) (Englesson & Azizpour 2021): each D_JS_pi(e_k, f) = pi KL(e_k || m) +
    (1 - pi) KL(f || m), m = pi e_k + (1 - pi) f; a term with f_i = 0 (a number) is 0."""
    f, pi = list(pt["f"]), pt["pi"]
    total = 0
    for k in range(len(f)):
        m = [pi * int(i == k) + (1 - pi) * f[i] for i in range(len(f))]
        kl_f = sympy.Add(*[0 if v == 0 else v * sympy.log(v / mv) for v, mv in zip(f, m)])
        total += pi * -sympy.log(m[k]) + (1 - pi) * kl_f
    return (len(f) - 1) * (-pi * sympy.log(pi) - (1 - pi) * sympy.log(1 - pi)) - total


@pytest.mark.slow  # about 12 s: out of README's quick command, in CI's slow run
def test_the_js_class_sum_is_closed_by_its_chord_read_at_0_log_0():
    # the eliminated class's term is traced with its fractions apart (1/D - f_1/D - f_2/D), gathered again, and the
    # chord's end at s = 0 is 0 log 0, read by its limit; the chord's own problem is closed by concavity
    space = SearchSpace((SimplexPoint("f", 3), Real("pi", R(1, 100), R(99, 100))),
                        lambda pt: float(_js_class_sum(pt)), _js_class_sum, description="the JS class sum")
    res = prove(space, 10**6, HANG_GUARD)
    assert res.proved and "class sum" in res.certificate.methods(), res.reason
    assert recheck(res.certificate, space) == []


@pytest.mark.slow
def test_the_bi_tempered_loss_bound_closes_with_the_label_as_the_odd_class():
    # 1/(1 - t) - L_t(e_0, yhat) = yhat_0^(1-t)/(1 - t) + (1 - sum_i yhat_i^(2-t))/(2 - t) (Amid et al. 2019, the
    # bi-tempered loss bounded for t < 1): phi = -s^(2-t)/(2 - t) under its chord, and the label's own term read at
    # a coordinate of its own
    def exact(pt):
        y, t = list(pt["y"]), pt["t"]
        return y[0] ** (1 - t) / (1 - t) + (1 - sympy.Add(*[v ** (2 - t) for v in y])) / (2 - t)

    space = SearchSpace((SimplexPoint("y", 3), Real("t", 0, R(9, 10))), lambda pt: float(exact(pt)), exact,
                        description="the bi-tempered loss's bound")
    res = prove(space, 10**6, HANG_GUARD)
    assert res.proved and "class sum" in res.certificate.methods(), res.reason
    assert recheck(res.certificate, space) == []
