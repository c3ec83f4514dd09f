"""The prover end to end: tight inequalities proved, tiny failures refuted exactly, limits kept."""
from __future__ import annotations

import time
from fractions import Fraction

import pytest
import sympy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from paper_checks.prover import prove, prove_expr, recheck
from paper_checks.prover.enclosures.boxes import exact_point, pieces
from paper_checks.prover.tracing.trace import trace
from paper_checks.search.exact import verify
from paper_checks.search.params import Integer
from tests.paper_checks.prover._spaces import mae_gce_space, real_space, simplex_space

x, y = sympy.symbols("x y")
R = sympy.Rational


def _proved(res, space):
    assert res.outcome == "proved", (res.reason, res.remaining)
    assert recheck(res.certificate, space) == []
    return res.certificate


def test_tight_on_the_boundary_is_proved():
    """x (1 - x) >= 0 on [0, 1]: 0 at both ends."""
    space = real_space(lambda x: x * (1 - x), ("x", 0, 1))
    _proved(prove(space, 1000, 10), space)


@pytest.mark.slow
def test_gce_mae_bound_with_equality_at_a_vertex():
    space = mae_gce_space()
    cert = _proved(prove(space, 4000, 30), space)
    assert cert.smallest_lower == 0 and cert.tight()


def test_inequality_on_the_simplex_tight_at_vertices():
    """sum p_k^2 <= max-coordinate... here: 1 - sum p_k^2 >= 0 on the 3-simplex, 0 exactly at the vertices."""
    space = simplex_space(3, lambda p: 1 - sum(v ** 2 for v in p))
    cert = _proved(prove(space, 4000, 30), space)
    assert cert.tight()


def test_simplex_of_four_with_integers():
    """p_0 (c - 1) + 1 - c p_0 >= 0 ... i.e. 1 - p_0 >= 0, over c = 2..3 and the 4-simplex."""
    space = simplex_space(4, lambda p, c: 1 - p[0] + (c - c), (Integer("c", 2, 3),))
    _proved(prove(space, 20000, 60), space)


def test_tiny_failing_region_is_refuted_exactly():
    """(x - 1/3)^2 - 1e-12 fails only within 1e-6 of 1/3: never proved, refuted at exactly 1/3."""
    space = real_space(lambda x: (x - R(1, 3)) ** 2 - R(1, 10**12), ("x", 0, 1))
    res = prove(space, 5000, 30)
    assert res.outcome == "counterexample"
    assert res.counterexample["x"] == R(1, 3)
    assert verify(space, res.counterexample)[0] == "fails"


@pytest.mark.slow  # about 1 s or more: out of README's quick command, in CI's slow run
def test_narrow_dip_is_refuted():
    """A dip of width 0.01 in two coordinates: refuted, in about 3 s. (It was an expected failure from session 22 to
    25: z3 over bounding functions spent minutes in one ``Z3_solver_assert`` of the dip's bounds; z3 bounds now
    spends 0.03 units on it, under every hash seed.)"""
    dip = lambda x, y: 1 - 2 * sympy.exp(-(10**4) * ((x - R(7, 10)) ** 2 + (y - R(1, 5)) ** 2))  # noqa: E731
    space = real_space(dip, ("x", 0, 1), ("y", 0, 1))
    res = prove(space, 20000, 60)
    assert res.outcome == "counterexample" and verify(space, res.counterexample)[0] == "fails"


@pytest.mark.slow  # about 1 s or more: out of README's quick command, in CI's slow run
def test_budget_and_time_are_respected(without_one_combination, without_bounds):
    # 0 to order 4 on the plane x + y = sqrt(3) z, transcendental: no normal form, decision procedure or valley closes
    # it, and the boxes never do (the one combination proves it, as a function of x + y - sqrt(3) z on a half-line, by
    # the cutoff; z3 4.16 over bounding functions of exp proves it too, at 7.8 units).
    # In three coordinates, not two: on the line x = sqrt(2) y in the square z3 over Taylor models of the
    # piece proves the same margin at once (exp(u) >= 1 + u + u^2/2 + u^3/6 + (e^-sqrt(2)/24) u^4, soundly)
    c = sympy.sqrt(3)

    def margin(x, y, z):
        u = x + y - c * z
        return sympy.exp(u) + sympy.exp(-u) - 2 - u ** 2

    space = real_space(margin, ("x", 0, 1), ("y", 0, 1), ("z", 0, 1))
    res = prove(space, 300, 300)  # 300 s: a hang guard, so that a loaded machine's net never decides it
    assert res.outcome == "undecided" and res.boxes <= 300 and "budget" in res.reason
    assert res.remaining["open_boxes"] > 0
    t = time.monotonic()
    res = prove(space, 10**9, 0.5)
    # the net (on a loaded machine) or the work budget ends it: either is "undecided", never another answer
    assert res.outcome == "undecided" and (res.interrupted or "work budget" in res.reason), res.reason
    assert time.monotonic() - t < 60


def test_untraceable_margin_is_undecided_with_its_reason():
    space = real_space(lambda x: sympy.gamma(x), ("x", 1, 2))
    res = prove(space)
    assert res.outcome == "undecided" and "gamma" in res.reason


def test_prove_expr_and_bad_input():
    assert prove_expr(sympy.log(1 + x) - x / (1 + x), {x: (0, 1)}).proved
    with pytest.raises(ValueError, match="no interval"):
        prove_expr(x + y, {x: (0, 1)})
    with pytest.raises(ValueError, match="budget"):
        prove_expr(x, {x: (0, 1)}, budget=0)


def test_recheck_catches_a_tampered_certificate():
    space = real_space(lambda x: x * (1 - x) + x ** 3 * (1 - x), ("x", 0, 1))
    cert = _proved(prove(space, 1000, 10), space)
    cert.records = cert.records[:-1] if len(cert.records) > 1 else []
    assert recheck(cert, space)


# ------------------------------------------------------------------ random polynomials
coef = st.integers(-3, 3)


@pytest.mark.slow
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(coef, min_size=6, max_size=6), st.integers(0, 3))
def test_random_polynomials_never_lie(cs, shift):
    """Whatever the prover says is true: proved => no negative on a dense exact grid; a
    counterexample => the exact margin there is negative."""
    e = (cs[0] + cs[1] * x + cs[2] * y + cs[3] * x * y + cs[4] * x ** 2 + cs[5] * y ** 2 + shift)
    space = real_space(lambda x_, y_: e.xreplace({x: x_, y: y_}), ("x_", 0, 1), ("y_", 0, 1))
    res = prove(space, 800, 10)
    if res.outcome == "proved":
        assert recheck(res.certificate, space) == []
        grid = [Fraction(i, 16) for i in range(17)]
        assert all(e.subs({x: R(a.numerator, a.denominator), y: R(b.numerator, b.denominator)}) >= 0
                   for a in grid for b in grid)
    elif res.outcome == "counterexample":
        pt = res.counterexample
        assert e.subs({x: pt["x_"], y: pt["y_"]}) < 0


def test_evidence_from_certificate_is_the_road_to_proved():
    from paper_checks.evidence import Evidence

    space = real_space(lambda x: x * (1 - x), ("x", 0, 1))
    ev = Evidence.from_certificate(prove(space, 100, 10), holds="x (1 - x) >= 0")
    assert ev.verdict == "proved" and ev.method == "prover" and "proof" in ev.numbers
    with pytest.raises(ValueError, match="proved result"):
        Evidence.from_certificate(prove(real_space(lambda x: x - R(1, 2), ("x", 0, 1)), 100, 10), holds="x")
    for method in ("mc", "sim", "search"):
        with pytest.raises(ValueError, match="cannot prove"):
            Evidence("proved", method, "a sample never proves")


def test_api_prove_claim_and_exports():
    from paper_checks import api

    assert {"prove", "prove_expr", "prove_claim", "recheck", "ProofResult", "Certificate"} <= set(api.__all__)
    res = api.prove_claim("ghosh17.class_dependent_tolerance", budget=3000, seconds=30)
    assert res.outcome == "counterexample" and verify(api.claims()["ghosh17.class_dependent_tolerance"].space(),
                                                      res.counterexample)[0] == "fails"
    with pytest.raises(ValueError, match="declares no search domain"):
        api.prove_claim("gce18.softmax_gap")


def test_recheck_catches_a_wrong_monotone_direction(without_slope, without_bounds):
    space = real_space(lambda x: sympy.log(1 + x) - x / (1 + x), ("x", 0, 1))
    cert = _proved(prove(space, 100, 10), space)
    rec = next(r for r in cert.records if r.closure.fixed)
    rec.closure.fixed = {k: ("high" if v == "low" else "low") for k, v in rec.closure.fixed.items()}
    assert any("derivative" in p for p in recheck(cert, space))


@pytest.mark.slow  # about 1 s or more: out of README's quick command, in CI's slow run
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(coef, min_size=4, max_size=4), st.integers(0, 2))
def test_random_polynomials_on_the_simplex_never_lie(cs, shift):
    def poly(p):
        return cs[0] * p[0] + cs[1] * p[1] * p[2] + cs[2] * p[0] ** 2 + cs[3] * p[1] * p[0] + shift

    space = simplex_space(3, poly)
    res = prove(space, 600, 10)
    if res.outcome == "proved":
        assert recheck(res.certificate, space) == []
        n = 12
        pts = [[R(a, n), R(b, n), R(n - a - b, n)] for a in range(n + 1) for b in range(n + 1 - a)]
        assert all(poly(p) >= 0 for p in pts)
    elif res.outcome == "counterexample":
        assert poly(res.counterexample["p"]) < 0


def test_ball_arithmetic_bounds_agree_with_exact_values():
    from paper_checks.prover.enclosures.balls import ball_lower

    e = sympy.log(1 + x) * sympy.exp(y) + x ** 3 - y / (2 + x) + sympy.Max(x, y) ** R(1, 2)
    box = [(Fraction(1, 4), Fraction(1, 2)), (Fraction(1, 8), Fraction(3, 8))]
    low = ball_lower(e, [x, y], box)
    vals = [e.subs({x: R(a), y: R(b)}).evalf(30) for a in (R(1, 4), R(3, 8), R(1, 2)) for b in (R(1, 8), R(3, 8))]
    assert low is not None and low <= min(vals)
    assert ball_lower(sympy.log(x), [x], [(Fraction(0), Fraction(1))]) is None


def test_a_second_library_re_bounds_the_interval_boxes():
    from paper_checks.prover import arb_rebound

    space = real_space(lambda x, y: 1 + x * y - x ** 2 * y / 2 + sympy.exp(-x) / 4, ("x", 0, 1), ("y", 0, 1))
    cert = _proved(prove(space, 1000, 10, exact_first=False), space)  # boxes only (z3 over atoms would close it)
    done, tried = arb_rebound(cert, space)
    assert tried > 0 and done == tried


def test_search_first_finds_what_boxes_reach_late():
    space = real_space(lambda x, y: 1 - 2 * sympy.exp(-(10**2) * ((x - R(7, 10)) ** 2 + (y - R(1, 5)) ** 2)),
                       ("x", 0, 1), ("y", 0, 1))
    res = prove(space, 10, 10, search_first=200)
    assert res.outcome == "counterexample" and "search" in res.notes[0]
    assert verify(space, res.counterexample)[0] == "fails"


def test_tiny_failure_at_the_simplex_barycentre_is_refuted_exactly():
    space = simplex_space(3, lambda p: sum((v - R(1, 3)) ** 2 for v in p) - R(1, 10**12))
    res = prove(space, 20000, 60)
    assert res.outcome == "counterexample" and res.counterexample["p"] == [R(1, 3)] * 3


def test_a_max_is_proved_by_one_of_its_arguments(without_bounds):
    """max(log(1 + x) - x/(1 + x), -1) >= 0: the first argument, tight at x = 0, closes by monotonicity. It is
    the larger on the whole box, so the kink is resolved to it (``kink``) before any bound."""
    space = real_space(lambda x: sympy.Max(sympy.log(1 + x) - x / (1 + x), -1), ("x", 0, 1))
    cert = _proved(prove(space, 200, 10), space)
    first = next(r for r in cert.records if not cert.is_guard(r))  # the guard 1 + x >= 0 of the log: known sign
    assert cert.methods() == {"kink": cert.to_json()["boxes"]} and first.closure.face.method == "monotone"


def test_a_max_whose_arguments_cross_is_proved_by_the_one_that_is_nonnegative():
    """max(x - 1/2, 1/2 - x) >= 0 on [0, 1]: neither argument is the larger on the whole box, one is >= 0 on each
    part of it."""
    space = real_space(lambda x: sympy.Max(x - R(1, 2), R(1, 2) - x), ("x", 0, 1))
    cert = _proved(prove(space, 200, 10, exact_first=False), space)
    assert set(cert.methods()) <= {"max", "kink"}


@pytest.mark.slow
def test_prove_expr_on_a_simplex():
    """MAE's class sum is constant: sum_k (1 - p_k) = c - 1 on the simplex (c = 3), so
    2 - sum_k (1 - p_k) >= 0 with equality everywhere; and CE >= MAE / 2 at the labelled class."""
    p = sympy.symbols("p0:3")
    res = prove_expr(2 - sum(1 - v for v in p), {}, simplices={"p": list(p)})
    assert res.proved
    # CE >= MAE/2 at the labelled class (plus x >= 0): -log p_0 is +oo at p_0 = 0, >= 0 in the extended reals
    res = prove_expr(-sympy.log(p[0]) - (1 - p[0]) + x, {x: (0, 1)}, simplices={"p": list(p)})
    assert res.proved and res.certificate.tight()
    bad = prove_expr(p[0] - R(1, 2), {}, simplices={"p": list(p)})
    assert bad.outcome == "counterexample" and bad.counterexample["p"][0] < R(1, 2)


def test_a_margin_infinite_at_a_vertex_is_proved_and_rechecked():
    """CE >= MAE/2 at the labelled class: -log p_0 - (1 - p_0) >= 0, +oo at p_0 = 0, 0 at the vertex e_0."""
    space = simplex_space(3, lambda p: -sympy.log(p[0]) - (1 - p[0]))
    cert = _proved(prove(space, 2000, 30), space)
    assert cert.tight()


def test_prove_expr_takes_rational_ends_and_pins_a_parameter():
    """Ends such as 1/20 (no binary float) are kept exact, the coordinate itself (not rescaled onto [0, 1]);
    low == high pins the symbol."""
    assert prove_expr(x - R(1, 20), {x: (R(1, 20), R(1, 3))}, seconds=10).proved  # 0 at the exact end 1/20
    bad = prove_expr(x - R(1, 19), {x: (R(1, 20), R(1, 3))}, seconds=10)
    assert bad.outcome == "counterexample" and R(1, 20) <= bad.counterexample["x"] < R(1, 19)
    assert set(bad.counterexample) == {"x"}
    b = sympy.Symbol("b")
    assert prove_expr(b * x * (1 - x), {x: (0, 1), b: (2, 2)}, seconds=10).proved
    assert prove_expr(b * x * (1 - x), {x: (0, 1), b: (-1, -1)}, seconds=10).outcome == "counterexample"


def test_a_pinned_real_is_substituted_not_a_coordinate():
    """A Real with ``low == high`` is its exact value in the traced margin: no box splits it."""
    space = real_space(lambda x, b: x * x - b * x + b * b / 4, ("x", 0, 1), ("b", 1, 1))
    pc = pieces(space)[0]
    t, coords = trace(space, dict(pc.integers), dict(pc.eliminated))
    assert [c.param for c in coords] == ["x"] and t.expr.free_symbols == {coords[0].symbol}
    assert exact_point(space, pc, coords, [Fraction(1, 2)]) == {"x": sympy.Rational(1, 2), "b": 1}
    res = prove(space, 2000, 60)
    assert res.outcome == "proved" and recheck(res.certificate, space) == []


def test_a_margin_with_branches_is_proved_and_a_jump_refuted():
    """A Piecewise margin (a user's ``if`` written as SymPy's) is decided over its branches: ``|x - 1|`` written
    branch by branch holds on [0, 2]; a jump below 0 at ``x < 1/2`` is refuted at an exact point."""
    space = real_space(lambda x: sympy.Piecewise((x - 1, x >= 1), (1 - x, True)), ("x", 0, 2))
    _proved(prove(space, 1000, 60), space)
    jump = real_space(lambda x: sympy.Piecewise((x, x >= R(1, 2)), (x - 1, True)), ("x", 0, 1))
    res = prove(jump, 1000, 60)
    assert res.outcome == "counterexample" and res.counterexample["x"] < R(1, 2)


@pytest.mark.slow  # about 1 s or more: out of README's quick command, in CI's slow run
def test_a_catalogue_claim_with_branches_is_proved():
    """le19.margin_symmetric (Piecewise and Max in alpha, beta, D) is traced and proved over its branches."""
    from paper_checks.api import prove_claim
    from paper_checks.registry import load
    res = prove_claim("le19.margin_symmetric", seconds=300, search_first=200)
    _proved(res, load()["le19.margin_symmetric"].space())


def _gce_ce():
    q, p = sympy.Symbol("q", real=True), sympy.Symbol("p", real=True)
    return -sympy.log(p) - (1 - p ** q) / q, {p: (R(1, 100), 1), q: (R(1, 10), 1)}


@pytest.mark.slow
def test_rational_ends_keep_the_margin_as_written():
    """GCE <= CE on p in [1/100, 1], q in [1/10, 1], 0 along the edge p = 1: with the ends exact the boxes close it
    as with binary ends (rescaled onto [0, 1], p = 1/100 + 99 u/100, the same margin needed a sweep and 37 s)."""
    margin, domain = _gce_ce()
    res = prove_expr(margin, domain, seconds=60)
    assert res.proved and "monotone sweep" not in res.certificate.methods()


@pytest.mark.slow  # about 1 s or more: out of README's quick command, in CI's slow run
def test_rational_ends_refute_a_false_neighbour():
    margin, domain = _gce_ce()
    wrong = prove_expr(margin - R(1, 1000), domain, seconds=60)
    assert wrong.outcome == "counterexample" and wrong.counterexample["p"] == 1  # the edge where GCE = CE = 0


@pytest.mark.slow
def test_prove_expr_runs_a_short_search_first_and_an_undefined_margin_stays_undefined():
    """The refined AM-GM of Kittaneh & Manasrah with its weight widened past 1/2 is false where w > 1/2 and x < y:
    the search run first finds it at once (the boxes took 9 to 14 s). x^x on (-1, 1) is -1 at x = -1, but not real
    on most of (-1, 0): the search's counterexample is held, and the proof's ``undefined`` is the answer."""
    x, y, w = sympy.symbols("x y w", real=True)
    widened = w * x + (1 - w) * y - x**w * y ** (1 - w) - w * (sympy.sqrt(x) - sympy.sqrt(y)) ** 2
    dom = {x: (0, sympy.oo), y: (0, sympy.oo), w: sympy.Interval.Lopen(0, sympy.Rational(11, 20))}
    res = prove_expr(widened, dom, seconds=300)
    assert res.outcome == "counterexample" and any("counterexample search" in n for n in res.notes)
    pt = res.counterexample
    assert widened.xreplace({x: pt["x"], y: pt["y"], w: pt["w"]}).evalf(50) < 0
    assert prove_expr(x**x, {x: (-1, 1)}, seconds=300).outcome == "undefined"


def test_a_box_closure_runs_within_its_ratio_of_the_boxes_own_work():
    """A closure outside the boxes' own bounds runs its first call, then only while its work over the boxes is within
    ``BOX_RATIO_UNEARNED`` times theirs, and ``BOX_RATIO`` times once it has closed a box: one that closes nothing
    cannot make each box cost many splits, and one that closes keeps the larger share."""
    from paper_checks.prover import schedule
    from paper_checks.prover.prove import _State

    assert 0 < schedule.BOX_RATIO_UNEARNED < schedule.BOX_RATIO
    st = _State(space=None, budget=0, work=None, shrink_evals=0)  # type: ignore[arg-type]
    assert st.affords("Z3Ranged") and st.affords("FirstOrder")  # a first call
    st.spent_on_box("Z3Ranged", 0.2)
    st.count("Z3Ranged", 0.2, closed=False)
    assert not st.affords("Z3Ranged") and st.affords("SecondOrder") and st.affords("FirstOrder")
    st.spent_on_box("FirstOrder", 0.2 / schedule.BOX_RATIO)
    assert not st.affords("Z3Ranged")  # within BOX_RATIO of the boxes' work, but it has closed nothing
    st.count("Z3Ranged", 0.0, closed=True)
    assert st.affords("Z3Ranged")  # it has closed a box: BOX_RATIO
    st.spent_on_box("Z3Ranged", 0.01)
    assert not st.affords("Z3Ranged")
    st.spent_on_box("SecondOrder", 0.2 / schedule.BOX_RATIO * schedule.BOX_RATIO_UNEARNED)
    assert st.affords("SecondOrder")  # within BOX_RATIO_UNEARNED of the boxes' work
    st.spent_on_box("SecondOrder", 0.01)
    assert not st.affords("SecondOrder")


def test_the_closure_that_closed_a_conjunct_s_last_box_is_tried_first_on_its_next():
    """Neighbouring boxes of a conjunct are closed alike: the closure that closed the last one goes first (the margin
    as written, where its normal form encloses worse: MetiTarski's ``atan-problem-2-weakT``), the others after it in
    the schedule's order."""
    from paper_checks.prover import closures
    from paper_checks.prover.prove import _first

    inside = closures.for_stage("inside")
    names = [m.name for m in _first(inside, "AsWritten")]
    assert names[0] == "AsWritten" and names[1:] == [m.name for m in inside if m.name != "AsWritten"]
    assert _first(inside, None) == inside and _first(inside, "NoSuchClosure") == inside


@pytest.mark.slow  # seconds of sweeps
def test_the_sweep_of_the_normal_form_leaves_the_margin_as_written_its_share():
    """``log y/(y - 1)^2 < 10^-4 + log x/(x - 1)^2`` for ``1 < x < y`` (MetiTarski's ``log-problem-5``): the normal
    form's sweep spent all the sweeps had and closed nothing, so the margin as written, which one sweep in its charts'
    values closes, was never tried (undecided at 12 and at 22.5 units). With a share each it is proved, by the sweep
    of the margin as written; 10^-2 below, the margin fails near ``y = x``: a point found, verified here."""
    x, y = sympy.symbols("x y", real=True)
    domain = {x: sympy.Interval.open(1, sympy.oo), y: sympy.Interval.open(1, sympy.oo)}

    def margin(gap):
        return gap - sympy.log(y) / (y - 1) ** 2 + sympy.log(x) / (x - 1) ** 2

    res = prove_expr(margin(sympy.Rational(1, 10000)), domain, constraints=[x < y], work=12, seconds=None)
    assert res.proved, res.reason
    assert any("closed by monotonicity" in n and "(the margin as written)" in n for n in res.notes), res.notes
    false = prove_expr(margin(-sympy.Rational(1, 100)), domain, constraints=[x < y], work=12, seconds=None)
    assert false.outcome == "counterexample", false.reason
    point = {x: false.counterexample["x"], y: false.counterexample["y"]}
    assert point[x] < point[y] and margin(-sympy.Rational(1, 100)).subs(point).evalf(30) < 0


@pytest.mark.slow  # seconds of boxes
def test_a_box_closure_that_closes_nothing_leaves_the_boxes_their_work(rungs):
    """``1/2 + atan b - atan a >= (b - a)/s`` for ``0 < a < b < 2`` and ``s > 0``, ``s^2 = (a^2 + 1)(b^2 + 1)``
    (MetiTarski's ``atan-problem-2-weakT``): the boxes close it, but the second-order bounds, which close no box of it,
    ran on every other box at twice the boxes' work and a sweep took what was left (undecided at 22.5 units before,
    ``schedule.box_ratio``; the ladder of rungs as a user runs it). Proved now; with no room (``-10^-12`` for ``1/2``)
    it fails near ``a = b``: a point found, verified here."""
    a, b, s = sympy.symbols("A B S", real=True)
    domain = {a: sympy.Interval.open(0, sympy.oo), b: sympy.Interval.open(-sympy.oo, 2),
              s: sympy.Interval.open(0, sympy.oo)}
    constraints = [a < b, sympy.Eq(s**2, (a**2 + 1) * (b**2 + 1))]

    def margin(gap):
        return gap + sympy.atan(b) - sympy.atan(a) - (b - a) / s

    res = prove_expr(margin(sympy.Rational(1, 2)), domain, constraints=constraints, work=22.5, seconds=None)
    assert res.proved, res.reason
    false = prove_expr(margin(-sympy.Rational(1, 10**12)), domain, constraints=constraints, work=22.5, seconds=None)
    assert false.outcome == "counterexample", false.reason
    pt = {a: false.counterexample["A"], b: false.counterexample["B"]}
    assert 0 < pt[a] < pt[b] < 2
    assert (margin(-sympy.Rational(1, 10**12)).subs(s, sympy.sqrt((pt[a] ** 2 + 1) * (pt[b] ** 2 + 1)))
            .subs(pt).evalf(60) < 0)


@pytest.mark.slow  # seconds of boxes
def test_the_boxes_take_the_margin_as_written_where_its_normal_form_is_larger():
    """``sin`` of the angle between two points of the tangent's graph is below the angle, with room: the normal form
    puts the margin over one denominator, ``sqrt(x^2 + 1) sqrt(y^2 + 1)``, and multiplies the arctangents by it, so
    that its interval bounds lose what the margin as written keeps. The boxes take the smaller form (MetiTarski's
    ``atan-problem-2`` family; undecided at 6 units before, 8 boxes open); the certificate says so and re-checks, and
    not against a margin 1/2 lower, which fails."""
    def margin(x, y, gap=sympy.Rational(1, 2)):
        return gap + sympy.atan(y) - sympy.atan(x) - (y - x) / sympy.sqrt((1 + x**2) * (1 + y**2))

    space = real_space(margin, ("x", 0, 2), ("y", 0, 2))
    res = prove(space, 10**6, None, work=6)
    assert res.proved, res.reason
    assert [r.kind for r in res.certificate.reductions[0]] == ["as written"]
    assert recheck(res.certificate, space) == []
    assert recheck(res.certificate, real_space(lambda x, y: margin(x, y, 0) - 1, ("x", 0, 2), ("y", 0, 2)))
