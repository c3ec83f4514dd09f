"""A pytest plugin: a claims file's claims as tests (installed with the package, entry point ``pytest11``).

::

    pytest --claims my_claims.py                       # every claim my_claims.py registers, one test each
    pytest --claims my_claims.py -k nce                # the usual -k selects by claim id
    pytest --claims my_claims.py --claims-precision standard
    pytest --claims paper_checks.papers                # the built-in catalogue (a dotted module name)
    pytest --claims my_claims.py --claims-update       # record changed verdicts in expected=, showing the diff

``--claims FILE_OR_MODULE`` (repeatable) loads the claims module as ``--module`` does
(:func:`paper_checks.registry.load_module`) and collects the claims *it* registers (a file: the claims
whose checks it defines; a dotted name: those of that module and its submodules), each a test item
named by its id. An item passes when the computed verdict is the recorded one (``expected=`` of
:func:`~paper_checks.registry.claim`) and fails with the evidence (verdict, summary, counterexample,
condition, numbers) and what differs; a check that raises fails with its traceback. Each check runs at the
precision its ``expected=`` was recorded at (the claim's ``expected_at=``, ``standard`` unless stated: what
``python -m paper_checks run`` runs it at, so the two agree), or at ``--claims-precision`` when given (a
difference at a lower precision than the recorded one is then reported as such, in a line of its own), with
``--claims-seed`` (default 0) on the NumPy backend, each in its own stream and its own worker process as
``python -m paper_checks run`` runs it (:mod:`paper_checks.run.isolation`): a check that runs past
``--claims-timeout`` (default by precision), calls ``sys.exit``/``os._exit`` or crashes fails its item alone,
and the rest run on.

Without paths on the command line, ``pytest --claims FILE`` runs the claims alone (the configured
test paths are not collected); with paths, it runs both.

The plugin loads in every pytest run of every environment that installs the package, so this module
imports pytest alone (and :mod:`paper_checks.commands.arguments`, :mod:`paper_checks.deadline` and
:mod:`paper_checks.precisions`, standard library only, for the seed's and the time limit's argument types and the
precisions, shared with the command line):
the registry, the runner and the report are imported only when ``--claims`` is given (function-level
imports, for that reason).
"""
from __future__ import annotations

import math
import os
from pathlib import Path
from typing import Any

import pytest

from label_noise_lab.theory.validators import quoted
from paper_checks.commands.arguments import limit_arg, seed_arg
from paper_checks.precisions import DEFAULT_TIMEOUT, PRECISIONS


def pytest_addoption(parser: pytest.Parser) -> None:
    g = parser.getgroup("claims", "label-noise-lab: claims as tests")
    g.addoption("--claims", action="append", default=[], metavar="FILE_OR_MODULE",
                help="collect the claims this claims file (my_claims.py) or dotted module registers, one test per "
                     "claim id, passing when the computed verdict is the recorded one (repeatable)")
    g.addoption("--claims-precision", default=None, choices=PRECISIONS,
                help="precision of the claims' checks (default: each claim's own, the precision its expected= was "
                     "recorded at: its expected_at=, standard unless stated, as 'python -m paper_checks run' runs "
                     "it)")
    g.addoption("--claims-seed", type=seed_arg, default=0, metavar="N", help="seed of the claims' checks (default: 0)")
    g.addoption("--claims-update", action="store_true", default=False,
                help="record each computed verdict that differs: rewrite the claim's expected= in its file, in "
                     "place, with expected_at= when it ran at another precision than standard, and print the diff "
                     "(the test then passes)")
    g.addoption("--claims-timeout", type=limit_arg("--claims-timeout"), default=None, metavar="SECONDS",
                help="time limit per claim; each claim runs in a worker process, so one over it, one that calls "
                     "sys.exit or os._exit, or one that crashes is that claim's failure and the rest run on "
                     "(default by --claims-precision: " + ", ".join(f"{k} {v:g}" for k, v in DEFAULT_TIMEOUT.items())
                + "; 0 for none)")


def pytest_report_header(config: pytest.Config) -> str | None:
    if not config.getoption("claims"):
        return None
    precision = config.getoption("claims_precision")
    at = (f"precision {precision}" if precision else
          "each claim's recorded precision (expected_at=, standard unless stated)")
    return f"claims: {', '.join(config.getoption('claims'))} at {at}, seed {config.getoption('claims_seed')} " \
           "(label-noise-lab)"


def _explicit_paths(config: pytest.Config) -> bool:
    """Whether test paths were named on the command line (not taken from ``testpaths`` or the folder)."""
    source = getattr(config, "args_source", None)
    return source is not None and source == pytest.Config.ArgsSource.ARGS


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    """``pytest --claims FILE`` without paths collects the claims alone."""
    if config.getoption("claims") and not _explicit_paths(config):
        return True
    return None


class ClaimMismatch(Exception):
    """A claim's computed verdict differs from its recorded one, or its check raised."""


class ClaimItem(pytest.Item):
    """One claim as a test: runs its check and compares the verdict with the recorded one."""

    def __init__(self, *, claim: Any, precision: str | None, seed: int, timeout: float | None = None,
                 **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.claim = claim
        self.precision = precision or claim.expected_at  # None: the precision its expected= was recorded at
        self.seed = seed
        self.timeout = timeout  # None: by precision; inf: no limit
        self.result: Any = None

    def runtest(self) -> None:
        from label_noise_lab.simulate.engine.devices import get_backend
        from paper_checks.run.runner import run_all  # only with --claims (see the module docstring)
        limit = DEFAULT_TIMEOUT[self.precision] if self.timeout is None else self.timeout
        # in a worker process, as ``run`` runs claims: a check that calls sys.exit/os._exit, crashes its process or
        # runs past the limit fails this item alone, and pytest's exit status stays honest
        self.result = run_all([self.claim], self.precision, self.seed, get_backend("numpy"), show_progress=False,
                              timeout=None if limit == math.inf else limit, isolate=True)[0]
        problem = verdict_problem(self.result)
        if problem is not None and self.config.getoption("claims_update") and self.result.evidence is not None:
            from paper_checks.commands.record import RecordError, record_verdict  # only with --claims (docstring)

            try:
                at = None if self.precision == self.claim.expected_at else self.precision
                diff = record_verdict(self.claim, self.result.evidence.verdict, at)
            except (RecordError, OSError) as exc:  # one line; the claims file stays whole
                raise ClaimMismatch(f"{problem}\n--claims-update could not record it: {exc}") from None
            self.user_properties.append(("claims_update", diff))
        elif problem is not None:
            raise ClaimMismatch(problem)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        if isinstance(excinfo.value, ClaimMismatch):
            return str(excinfo.value)
        return super().repr_failure(excinfo, style)

    def reportinfo(self) -> tuple[Any, int | None, str]:
        return self.path, None, f"claim {self.claim.id} ({self.precision}, seed {self.seed})"


class ClaimsModule(pytest.Collector):
    """The claims a claims module registers, as :class:`ClaimItem` s."""

    def __init__(self, *, claims: list[Any], precision: str | None, seed: int, timeout: float | None = None,
                 **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.claims, self.precision, self.seed, self.timeout = claims, precision, seed, timeout

    def collect(self) -> list[ClaimItem]:
        return [ClaimItem.from_parent(self, name=c.id, claim=c, precision=self.precision, seed=self.seed,
                                      timeout=self.timeout) for c in self.claims]


def claims_of(spec: str) -> list[Any]:
    """The registered claims of the claims module ``spec`` (a file path or a dotted name), in registry order.

    Raises :class:`~paper_checks.registry.RegistryError` when it cannot be loaded.
    """
    from paper_checks import registry  # only with --claims (see the module docstring)

    reg = registry.load([spec])
    if spec.endswith(".py") or "/" in spec or os.sep in spec:  # a claims file: the checks it defines
        origin = str(Path(spec).expanduser().resolve())
        return [c for c in reg.values() if c.origin == origin]
    return [c for c in reg.values() if c.origin == spec or c.origin.startswith(spec + ".")]


@pytest.hookimpl(tryfirst=True)  # before -k/-m deselect: they select among the claims too
def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items: list[pytest.Item]) -> None:
    specs = config.getoption("claims")
    if not specs:
        return
    from paper_checks.registry import RegistryError  # only with --claims (see the module docstring)

    precision, seed = config.getoption("claims_precision"), config.getoption("claims_seed")
    for spec in dict.fromkeys(specs):
        try:
            claims = claims_of(spec)
        except RegistryError as exc:
            raise pytest.UsageError(f"--claims {quoted(spec)}: {exc}") from None
        if not claims:
            raise pytest.UsageError(f"--claims {quoted(spec)} registers no claim")
        path = Path(claims[0].origin) if Path(claims[0].origin).is_file() else Path(config.rootpath)
        module = ClaimsModule.from_parent(session, name=spec, nodeid=spec, path=path, claims=claims,
                                          precision=precision, seed=seed, timeout=config.getoption("claims_timeout"))
        new = module.collect()
        # reported like any collection: "collected N items", and -k/-m deselection counts them
        config.hook.pytest_collectreport(report=pytest.CollectReport(module.nodeid, "passed", None, new))
        items.extend(new)


def verdict_problem(result: Any) -> str | None:
    """What is wrong with a claim's :class:`~paper_checks.run.runner.Result`, as a readable message; ``None`` when
    its computed verdict is the recorded one. The message shows the evidence (verdict, summary, condition,
    counterexample, numbers: the report's renderers) and what differs. The regression suite uses it too."""
    from paper_checks.report.display import evidence_md  # only with --claims (see the module docstring)
    from paper_checks.report.shared import source_citation

    c = result.claim
    if result.evidence is None:
        tb = "" if result.traceback == result.error else result.traceback or ""  # a worker's failure: one line
        return (f"claim {c.id}: the check raised, timed out or ended its process instead of giving a verdict "
                f"(recorded: {c.expected})\n{result.error}\n\n{tb}").rstrip()
    ev = result.evidence
    if ev.verdict == c.expected:
        return None
    body = "\n".join(line for line in evidence_md({**ev.to_json(), "seconds": round(result.seconds, 3)}))
    note = "" if result.precision_note is None else f"{result.precision_note}\n"
    return (f"claim {c.id}: computed verdict {ev.verdict!r}, recorded {c.expected!r}\n{note}"
            f"statement: {c.statement}\nsource: {source_citation(c)}\n\n{body.rstrip()}\n\n"
            f"A difference is a regression or a discovery: fix the check, or record the new verdict "
            f"(expected={ev.verdict!r}) in the claim's registration, with the reason.")


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """Collect the diffs of ``--claims-update`` (in this process or, under pytest-xdist, from the workers)."""
    diffs = [v for k, v in getattr(report, "user_properties", ()) if k == "claims_update"]
    if diffs and report.when == "call":
        _RECORDED.extend(diffs)


_RECORDED: list[str] = []


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """``--claims-update``: each rewritten ``expected=``, as a diff."""
    if not _RECORDED:
        return
    terminalreporter.section(f"claims-update: {len(_RECORDED)} recorded verdict(s)")
    for diff in _RECORDED:
        terminalreporter.write(diff if diff.endswith("\n") else diff + "\n")
    _RECORDED.clear()
