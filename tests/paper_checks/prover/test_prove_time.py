"""paper_checks.prover.prove's time limit: every call returns soon after ``seconds`` whatever the margin, with an
``undecided`` that names the stage. The bounds below are hang guards (30 s and more for a limit of 1-3 s), never
timings: a test must not depend on the machine's speed."""
from __future__ import annotations

import time

import pytest
import sympy

from paper_checks import api
from paper_checks.prover import prove, prove_expr
from paper_checks.search.params import Real, SearchSpace

from ._spaces import real_space

p = sympy.Symbol("p", real=True)
HANG = 60.0  # seconds: far above any limit used here; a call past it hangs


def _slow_on_symbols(pt):
    """A margin whose trace on symbols does not return for a minute (one uninterruptible-looking step)."""
    if isinstance(pt["x"], sympy.Symbol):
        time.sleep(120)
    return pt["x"]


@pytest.mark.slow  # about 1 s or more: out of README's quick command, in CI's slow run
def test_a_nested_exponential_returns_soon_after_its_limit():
    """exp(exp(exp(exp(exp(p))))) on [0, 1] ran for minutes in its normal form at seconds=2."""
    t = time.monotonic()
    res = prove_expr("exp(exp(exp(exp(exp(p)))))", {p: (0, 1)}, 2000, 2)
    assert time.monotonic() - t < HANG
    assert res.outcome in ("proved", "undecided") and (res.proved or res.interrupted or "work budget" in res.reason)


@pytest.mark.slow  # about 1 s or more: out of README's quick command, in CI's slow run
def test_a_step_that_cannot_stop_itself_is_stopped_and_named():
    space = SearchSpace((Real("x", 0.0, 1.0),), lambda pt: float(pt["x"]), _slow_on_symbols, description="slow")
    t = time.monotonic()
    res = prove(space, 100, 1)
    assert time.monotonic() - t < HANG
    assert res.outcome == "undecided" and res.interrupted and res.reason.startswith("interrupted by the wall-clock net")


@pytest.mark.slow  # about 1 s or more: out of README's quick command, in CI's slow run
def test_any_search_first_and_budget_keep_the_limit():
    """search_first=10**12 ran past 150 s growing in memory: the search streams and stops at its share."""
    space = real_space(lambda x: sympy.exp(x) - 1 - x - x**2 / 3, ("x", 0, 1))
    t = time.monotonic()
    res = prove(space, 10**30, 2, search_first=10**12)
    assert time.monotonic() - t < HANG and res.outcome in ("proved", "undecided")


@pytest.mark.slow  # about 1 s or more: out of README's quick command, in CI's slow run
def test_prove_claim_with_a_huge_search_keeps_the_limit():
    t = time.monotonic()
    res = api.prove_claim("gce18.eq7_bounds", search_first=10**12, seconds=3)
    assert time.monotonic() - t < HANG and res.outcome in ("proved", "counterexample", "undecided")


@pytest.mark.parametrize("seconds", [10**400, float("nan"), float("inf"), -1, 0, 1_000_001])
def test_a_time_limit_that_is_no_finite_positive_number_up_to_the_maximum_is_one_line(seconds):
    with pytest.raises(ValueError, match=r"number of seconds up to 1e\+06") as info:
        prove_expr(p, {p: (0, 1)}, 10, seconds)
    assert "\n" not in str(info.value)
    with pytest.raises(ValueError, match=r"number of seconds up to 1e\+06"):
        api.prove_claim("gce18.eq7_bounds", seconds=seconds)


def test_the_net_s_undecided_records_the_work_budget_it_had(monkeypatch):
    """Issue 65: where the wall-clock net fires, the result carries the work budget its reason names, never
    ``work 0 of 0 units`` beside "the work budget of 6 units" (``explore le19.triplet_robust --prove`` printed both)."""
    import importlib

    prove_module = importlib.import_module("paper_checks.prover.prove")
    from paper_checks.prover.outset import OutOfTime

    def fired(*_args, **_kwargs):
        raise OutOfTime(5.0)

    monkeypatch.setattr(prove_module, "_charted", fired)
    res = prove(real_space(lambda x: x, ("x", 0.0, 1.0)), 100, 5.0, work=6.0)
    assert res.outcome == "undecided" and res.interrupted and "of 6 units" in res.reason
    assert res.work_budget == 6.0 and res.work >= 0
