"""The quick suite's rule, kept: a test that README's command runs (one not marked ``slow``) takes well under a second
of CPU; a longer one is marked ``slow`` (docs/running.md).

Each quick test's CPU time (its setup and call: this process's and its waited-for children's, never the wall clock)
is measured where it runs and sent with its report, so that it reaches the session under pytest-xdist too. The
summary names every quick test over ``quick_rule_seconds`` (an ini option in ``pyproject.toml``: 1). In CI only
(``.ci/run`` sets ``LNL_QUICK_RULE=enforce``) the run also fails where one takes over ``quick_fail_seconds`` (5): five
times the rule, on the 2-core machine CI runs on, so that a test that needs the prover for seconds cannot slip in
unseen. The summary is the suite's own business: it is printed only where ``LNL_QUICK_RULE`` is set (``enforce`` in
CI, ``report`` to see it without failing), so that a user's run of README's command prints only what concerns the
user, and passes or fails with the tests alone, never with the machine's speed (issue 67).
"""
from __future__ import annotations

import os
from typing import Any, Iterator

import pytest

#: the environment variable under which the summary is printed (any value: ``report``) and a quick test over
#: ``quick_fail_seconds`` fails the run (its value ``enforce``)
ENFORCE = "LNL_QUICK_RULE"
#: the report property that carries a quick test's CPU seconds
PROPERTY = "quick_cpu_seconds"

_spent = pytest.StashKey[float]()
#: the quick tests over the rule this session: (CPU seconds, node id)
_over: list[tuple[float, str]] = []
#: the rule's two limits, read from the ini options as the session starts
_limits = {"quick_rule_seconds": 1.0, "quick_fail_seconds": 5.0}


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini("quick_rule_seconds", "a quick test over this many CPU seconds is named in the summary", default="1")
    parser.addini("quick_fail_seconds", "a quick test over this many CPU seconds fails the run", default="5")


def pytest_configure(config: pytest.Config) -> None:
    for name in _limits:
        _limits[name] = float(config.getini(name))


def cpu_seconds() -> float:
    """CPU seconds of this process and of its children it has waited for, less the package's once-a-process set-ups
    (:func:`paper_checks.work.warm_once`: a worker's first loss trial warms SymPy for 3 s, whichever test runs it)."""
    from paper_checks.work import WARM_SECONDS

    t = os.times()
    return t.user + t.system + t.children_user + t.children_system - WARM_SECONDS[0]


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_setup(item: pytest.Item) -> Iterator[None]:
    start = cpu_seconds()
    yield
    item.stash[_spent] = cpu_seconds() - start


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    start = cpu_seconds()
    yield
    item.stash[_spent] = item.stash.get(_spent, 0.0) + cpu_seconds() - start


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[Any]) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()
    if call.when == "call" and item.get_closest_marker("slow") is None and _spent in item.stash:
        report.user_properties.append((PROPERTY, round(item.stash[_spent], 3)))


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    for name, value in report.user_properties:
        if name == PROPERTY and value > _limits["quick_rule_seconds"]:
            _over.append((value, report.nodeid))


def _failing() -> bool:
    return os.environ.get(ENFORCE) == "enforce" and any(s > _limits["quick_fail_seconds"] for s, _ in _over)


def _worker(config: pytest.Config) -> bool:
    return hasattr(config, "workerinput")  # a pytest-xdist worker: the session that gathers the reports says it


def pytest_sessionfinish(session: pytest.Session) -> None:
    if not _worker(session.config) and _failing() and session.exitstatus == 0:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    if _worker(config) or not _over or not os.environ.get(ENFORCE):
        return
    tr = terminalreporter
    tr.section("quick tests over the rule (docs/running.md: mark them slow, or make them cheaper)")
    for seconds, nodeid in sorted(_over, reverse=True)[:30]:
        mark = "  over the failing limit" if seconds > _limits["quick_fail_seconds"] else ""
        tr.write_line(f"{seconds:6.2f} CPU-s  {nodeid}{mark}")
    if len(_over) > 30:
        tr.write_line(f"... and {len(_over) - 30} more")
    if _failing():
        tr.write_line(f"a quick test took over {_limits['quick_fail_seconds']:g} CPU-s: the run fails")
