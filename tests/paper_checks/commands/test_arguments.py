"""One parser per flag (issue 59, item 7): every time limit of every command, and the pytest plugin's, is read by
one argparse type with one meaning (``0`` or ``none``: no limit), and the defaults live in one place."""
from __future__ import annotations

import argparse
import math

import pytest

from paper_checks import cli, pytest_plugin
from paper_checks.commands import arguments
from paper_checks.context import PRECISIONS
from paper_checks.precisions import DEFAULT_TIMEOUT
from paper_checks.run import isolation
from paper_checks.trials import limits
from paper_checks.trials import margin as mt


def _timeout_actions(parser: argparse.ArgumentParser) -> dict[str, argparse.Action]:
    """``{command: its --timeout action}`` for every subcommand of ``parser`` that has one."""
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return {name: p._option_string_actions["--timeout"] for name, p in sub.choices.items()
            if "--timeout" in p._option_string_actions}


def test_every_command_reads_timeout_with_the_one_type():
    actions = _timeout_actions(cli._parser())
    assert {"run", "stability", "explore", "loss", "losses"} <= set(actions)
    assert all(a.type is arguments.timeout_arg for a in actions.values()), {k: a.type for k, a in actions.items()}


@pytest.mark.parametrize("command", ["run", "stability", "explore", "loss", "losses"])
@pytest.mark.parametrize("text", ["0", "none", "None"])
def test_timeout_zero_means_no_limit_in_every_command(command, text):
    parser = cli._parser()
    head = {"explore": ["explore", "x"], "loss": ["loss", "p"]}.get(command, [command])
    args = parser.parse_args([*head, "--timeout", text])
    assert args.timeout == math.inf
    assert arguments.timeout_from_args(args) is None and arguments.seconds_or_none(args.timeout) is None


@pytest.mark.parametrize("text", ["-1", "nan", "inf", "1e7", "soon"])
def test_a_bad_timeout_is_the_same_one_line_error_everywhere(text):
    for head in (["run"], ["losses"], ["loss", "p"], ["explore", "x"], ["stability"]):
        with pytest.raises(cli.UsageError, match=r"argument --timeout: must be a (finite, positive )?number of "
                                                 r"seconds"):
            cli._parser().parse_args([*head, "--timeout", text])
    with pytest.raises(argparse.ArgumentTypeError, match="must be a"):
        limit = [o for o in _plugin_options() if o[0] == "--claims-timeout"][0][1]["type"]
        limit(text)


def _plugin_options() -> list[tuple[str, dict]]:
    """The pytest plugin's options as ``(name, keywords)``, read through a stand-in of pytest's parser."""
    got: list[tuple[str, dict]] = []

    class Group:
        def addoption(self, name: str, **kw: object) -> None:
            got.append((name, kw))

    class Parser:
        def getgroup(self, *a: object) -> Group:
            return Group()

    pytest_plugin.pytest_addoption(Parser())  # type: ignore[arg-type]
    return got


def test_the_plugin_reads_the_command_line_s_types_and_defaults():
    opts = dict(_plugin_options())
    assert opts["--claims-seed"]["type"] is arguments.seed_arg
    assert opts["--claims-timeout"]["type"]("0") == math.inf
    assert opts["--claims-timeout"]["type"]("2.5") == 2.5
    assert tuple(opts["--claims-precision"]["choices"]) == PRECISIONS


def test_the_precisions_and_their_limits_have_one_home():
    assert isolation.DEFAULT_TIMEOUT is DEFAULT_TIMEOUT and pytest_plugin.DEFAULT_TIMEOUT is DEFAULT_TIMEOUT
    assert pytest_plugin.PRECISIONS is PRECISIONS
    actions = _timeout_actions(cli._parser())  # loss, losses: the trials' own default net (the work meter's)
    assert actions["loss"].default is actions["losses"].default is limits.DEFAULT_TIMEOUT is mt.TIME_LIMIT


def test_timeout_by_precision_and_the_explicit_value():
    ns = argparse.Namespace(timeout=None, precision="quick")
    assert arguments.timeout_from_args(ns) == DEFAULT_TIMEOUT["quick"]
    assert arguments.timeout_from_args(ns, "full") == DEFAULT_TIMEOUT["full"]  # a group of claims at its own
    assert arguments.timeout_from_args(argparse.Namespace(timeout=None, precision=None), "full") == 3600.0
    assert arguments.timeout_from_args(argparse.Namespace(timeout=5.0)) == 5.0


def test_prove_seconds_has_no_no_limit():
    with pytest.raises(argparse.ArgumentTypeError, match="finite, positive"):
        arguments.prove_seconds_arg("0")
    assert arguments.prove_seconds_arg("3") == 3.0
