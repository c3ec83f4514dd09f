"""A proof spends a work budget (issue 60): the same route and outcome every time, the wall clock a net that says when
it fires, and every number a door."""
from __future__ import annotations

import time

import pytest
import sympy

from paper_checks.context import PROVE_WORK, Context
from paper_checks.prover import prove, prove_expr
from paper_checks.prover.inputs import WORK_PER_SECOND
from tests.paper_checks.prover._spaces import real_space

x, y = sympy.symbols("x y", real=True)
R = sympy.Rational
HANG = 60  # seconds: a hang guard only, never an outcome


def _route(res):
    return [k for k, c in res.counters.items() if c["boxes_closed"] or c["pieces_closed"]]


def test_a_proof_takes_the_same_route_to_the_same_outcome_every_time():
    """Each top-level proof starts from the same memory (the caches emptied, SymPy's generators seeded), and the
    process's one-time set-up (lazy imports, mpmath's constants) is done before the first one, uncounted."""
    margin, domain = x - 1 - sympy.log(x), {x: (R(1, 100), 10)}
    runs = [prove_expr(margin, domain, seconds=HANG, work=4) for _ in range(2)]
    assert [r.outcome.value for r in runs] == ["proved", "proved"]
    assert _route(runs[0]) == _route(runs[1]) and runs[0].boxes == runs[1].boxes
    assert runs[0].work == pytest.approx(runs[1].work, rel=0.01)  # to a few dozen calls in a million
    assert runs[0].work_budget == 4 and 0 < runs[0].work < 4


def test_given_only_seconds_the_work_budget_is_a_share_of_them():
    res = prove_expr(x**2, {x: (-1, 1)}, seconds=8)
    assert res.proved and res.work_budget == pytest.approx(WORK_PER_SECOND * 8)


def test_a_spent_work_budget_ends_undecided_and_says_so():
    margin = sympy.log(2) + x * sympy.log(x) + (1 - x) * sympy.log(1 - x)  # the binary entropy below log 2
    res = prove_expr(margin, {x: (R(1, 100), R(99, 100))}, seconds=HANG, work=0.02)
    assert res.outcome == "undecided" and "work budget" in res.reason


@pytest.mark.slow
def test_the_wall_clock_is_a_net_that_names_itself():
    space = real_space(lambda p, q: p * sympy.log(p / q) + (1 - p) * sympy.log((1 - p) / (1 - q)) - 2 * (p - q) ** 2,
                       ("p", R(1, 20), R(19, 20)), ("q", R(1, 20), R(19, 20)))  # Pinsker's: several seconds of work
    t = time.monotonic()
    res = prove(space, 20000, 0.01, work=1000)
    assert res.outcome == "undecided" and res.interrupted and res.to_json()["interrupted"]
    assert res.reason.startswith("interrupted by the wall-clock net of 0.01 s at work ")
    assert time.monotonic() - t < HANG


def test_every_result_records_its_counters():
    res = prove_expr(x**2 - 2 * x + 1, {x: (-5, 5)}, seconds=HANG, work=2)
    assert res.proved and res.counters and all(set(c) == {"calls", "work", "boxes_closed", "pieces_closed"}
                                               for c in res.counters.values())
    assert res.to_json()["work_budget"] == 2 and "counters" in res.to_json()


def test_a_precision_means_one_budget():
    assert [Context("a.b", precision=p).prove_work for p in ("quick", "standard", "full")] == \
        [PROVE_WORK["quick"], PROVE_WORK["standard"], PROVE_WORK["full"]]


@pytest.mark.parametrize("work", [0, -1, float("nan"), float("inf"), 10**400, "8", True])
def test_a_bad_work_budget_is_one_line(work):
    with pytest.raises((TypeError, ValueError)) as err:
        prove_expr(x**2, {x: (0, 1)}, seconds=5, work=work)
    assert "work" in str(err.value) and "\n" not in str(err.value) and len(str(err.value)) < 300


def test_ends_of_any_size_are_a_result_or_one_line():
    assert prove_expr(x**2, {x: (-1e308, 1e308)}, seconds=HANG, work=2).proved  # the width is no float
    assert prove_expr(x, {x: (R(1, 10**400), 1)}, seconds=HANG, work=2).proved
    with pytest.raises(ValueError) as err:  # a 5,000-digit end: refused in one line, never Python's digit limit
        prove_expr(x, {x: (0, sympy.Integer(10) ** 5000 + 7)}, seconds=5)
    assert "\n" not in str(err.value) and len(str(err.value)) < 300 and "4300" not in str(err.value)


@pytest.mark.slow
def test_an_irrational_constant_exponent_is_traced():
    assert prove_expr(x ** sympy.sqrt(2), {x: (0, 2)}, seconds=HANG, work=2).proved
    assert prove_expr(x ** (1 / sympy.log(4)), {x: (0, 2)}, seconds=HANG, work=2).proved
    res = prove_expr(x - x ** sympy.sqrt(2) - R(1, 10**9), {x: (0, 1)}, seconds=HANG, work=2)
    assert res.outcome == "counterexample"


def test_an_explosive_margin_is_decided_or_undecided_within_its_limit():
    """``exp(10**6 x) - 1``: a polynomial of degree 10^6 in ``exp(x)`` to the normal form, whose factoring is one C
    call no limit stops (it ran for minutes and past 2.8 GB); the normal form leaves it as written."""
    t = time.monotonic()
    res = prove_expr(sympy.exp(10**6 * x) - 1, {x: (0, 1)}, seconds=5)
    assert res.outcome in ("proved", "undecided") and time.monotonic() - t < 5 + 2 + 5  # 5 s: a fork's slack


def test_the_closures_of_one_shape_share_one_pool_and_the_boxes_keep_the_rest(monkeypatch):
    """The closures of :data:`~paper_checks.prover.schedule.POOLED` draw on one pool, a share of the work left: one
    that applies to every margin and never closes (it spends all it is given) leaves the boxes the rest, and the
    proof is found. Each took a share of the work left before, and one such closure gave the boxes nothing."""
    from paper_checks.prover import closures, schedule

    burner = next(m for m in closures.for_stage("piece") if m.name == "OneCombination")
    assert burner.name in schedule.POOLED

    def burn(goal):
        k = 0
        while True:  # SymPy objects made: counted work, until the step is stopped at its share
            k += 1
            sympy.Add(x, sympy.Integer(k))  # a new sum each time (a cached one is no work)

    stage = closures.for_stage  # z3 over atoms and bounds decide the margin at once: the boxes here
    monkeypatch.setattr(closures, "for_stage",
                        lambda name: tuple(m for m in stage(name) if not m.name.startswith("Z3")))
    monkeypatch.setattr(type(burner), "applies", lambda self, goal: True)
    monkeypatch.setattr(type(burner), "step", lambda self, goal: burn(goal))
    res = prove_expr(sympy.sin(x) - x + x ** 3 / 6, {x: (0, 2)}, seconds=HANG, work=3)
    spent = res.counters["OneCombination"]["work"]
    assert res.proved, res.reason
    assert 0.5 < spent <= schedule.share("pooled") * 3 + 0.1
