"""Probes of every door (command line, pytest plugin, API) with the inputs that once got through: each was a
traceback, a silent clip or a false verdict before, and is a one-line error or a correct answer now."""
from __future__ import annotations

import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from paper_checks.deadline import MAX_SECONDS, limit_seconds, limit_text

ROOT = Path(__file__).resolve().parents[2]


# ----------------------------------------------------------------------------- time limits: one type
@pytest.mark.parametrize("bad", [0, -1, 1e9, 1e308, math.inf, -math.inf, math.nan, 10**400, MAX_SECONDS * 1.0001])
def test_a_time_limit_out_of_range_is_one_line(bad):
    with pytest.raises(ValueError, match=r"^timeout must be a finite, positive number of seconds up to 1e\+06") as info:
        limit_seconds("timeout", bad)
    assert "\n" not in str(info.value) and len(str(info.value)) < 200


@pytest.mark.parametrize("bad", ["3", True, None, [1], b"1"])
def test_a_time_limit_not_a_number_is_one_line(bad):
    with pytest.raises(TypeError, match="timeout must be a number of seconds"):
        limit_seconds("timeout", bad)


def test_time_limits_in_range_and_no_limit_words():
    assert limit_seconds("t", 1) == 1.0 and limit_seconds("t", MAX_SECONDS) == MAX_SECONDS
    assert limit_text("--t", "0") is None and limit_text("--t", " None ") is None and limit_text("--t", "2.5") == 2.5
    with pytest.raises(ValueError, match="got '0'"):
        limit_text("--t", "0", no_limit=False)
    with pytest.raises(ValueError, match="1002 characters"):  # a huge value is quoted shortened
        limit_text("--t", "9" * 1000)


@pytest.mark.parametrize("args", [
    ("run", "--claim", "ghosh17.sum_mae", "--timeout", "1e9"),
    ("run", "--claim", "ghosh17.sum_mae", "--timeout", "1e308"),
    ("loss", "1-p", "--timeout", "1e308"),
    ("loss", "--margin", "hinge", "--timeout", "inf"),
    ("losses", "--timeout", "nan"),
    ("explore", "gce18.eq11_k02", "--prove", "--prove-seconds", "1e300"),
])
def test_a_huge_or_infinite_time_limit_is_a_usage_error(args, capsys):
    """Before: an OverflowError traceback (run), or exit 0 with every property "undecided: untraceable" (loss)."""
    from paper_checks.cli import main

    assert main(list(args)) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "number of seconds" in err and "Traceback" not in err


def test_the_plugin_refuses_a_huge_claims_timeout(tmp_path):
    """Before: every claim failed with about 1,050 lines of OverflowError."""
    (tmp_path / "my_claims.py").write_text("")
    out = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "--claims",
                          str(tmp_path / "my_claims.py"), "--claims-timeout", "1e7"], cwd=tmp_path,
                         capture_output=True, text=True, timeout=300)
    assert out.returncode != 0 and "--claims-timeout: must be a finite, positive number of seconds" in out.stderr
    assert "Traceback" not in out.stderr + out.stdout


@pytest.mark.parametrize("call", [
    lambda api: api.margin_trial("hinge", math.inf),
    lambda api: api.margin_trial("hinge", 1e308),
    lambda api: api.check("gce18.eq7_bounds", timeout=1e308),
    lambda api: api.run(["gce18.eq7_bounds"], timeout=1e9),
])
def test_the_api_refuses_a_huge_time_limit(call):
    from paper_checks import api

    with pytest.raises(ValueError, match="finite, positive number of seconds up to") as info:
        call(api)
    assert "\n" not in str(info.value)


def test_the_loss_trial_refuses_a_huge_time_limit():
    from paper_checks.trials import simplex
    from theory import user_losses as zoo

    with pytest.raises(ValueError, match="timeout must be a finite, positive number of seconds up to"):
        simplex.trial(zoo.loss("1-p"), [2], timeout=1e308)


# ----------------------------------------------------------------------------- the API door
@pytest.mark.parametrize("args,error,words", [
    (("n", 1, 10**30), ValueError, "high must lie in [-2**53, 2**53]"),  # before: accepted, then OverflowError
    (("n", -(10**30), 1), ValueError, "low must lie in"),
    (("n", 1.0, 3), TypeError, "low must be a whole number (an int), got float 1.0"),
    (("n", 1, math.inf), TypeError, "high must be a whole number (an int), got float inf"),
    (("n", "1", 3), TypeError, "got str '1'"),
    (("n", True, 3), TypeError, "got bool True"),
    (("", 1, 3), TypeError, "the name must be a non-empty string"),
    ((3, 1, 3), TypeError, "the name must be a non-empty string, got int 3"),
    (("n", 1, 10**4000), ValueError, "characters)"),
])
def test_integer_ends_and_name_are_checked_at_the_door(args, error, words):
    from paper_checks.api import Integer

    with pytest.raises(error) as info:
        Integer(*args)
    assert words in str(info.value) and "\n" not in str(info.value) and len(str(info.value)) < 300


def test_a_wide_integer_domain_is_searched():
    """``2**53`` is the documented limit: a domain that wide samples, rounds and shrinks without an error."""
    from paper_checks.api import Integer, SearchSpace, search

    space = SearchSpace((Integer("n", -(2**53), 2**53),), lambda pt: 1.0, description="always holds")
    res = search(space, 200, np.random.default_rng(0))
    assert res.counterexample is None and res.evaluated > 0


@pytest.mark.parametrize("args", [("confirmed", "search", None), ("confirmed", None, "s"), (None, "search", "s"),
                                  ("confirmed", "search", 3)])
def test_evidence_fields_of_the_wrong_type_are_one_line(args):
    """Before: ``Evidence("confirmed", "search", None)`` raised AttributeError ('NoneType' has no 'strip')."""
    from paper_checks.api import Evidence

    with pytest.raises(TypeError, match="^Evidence: (verdict|method|summary) must be a string"):
        Evidence(*args)


# ----------------------------------------------------------------------------- specs: documented rules
@pytest.mark.parametrize("spec,words", [
    ("taylor:t=2,t=3", "loss parameter 't' given twice"),  # before: the last one silently
    ("taylor:t=0x10", "numbers are written in decimal"),  # before: 16
    ("taylor:t=1_0", "numbers are written in decimal"),  # before: 10
    ("gce:q=0b1", "numbers are written in decimal"),
    ("gce:q=" + "1" * 100_000, "(100002 characters)"),  # before: quoted whole
])
def test_spec_rules(spec, words):
    from theory.losses import parse_spec

    with pytest.raises(ValueError) as info:
        parse_spec(spec)
    assert words in str(info.value) and len(str(info.value)) < 400


def test_decimal_numbers_still_read():
    from theory.losses import parse_spec

    assert dict(parse_spec("gce:q=.5").params)["q"] == dict(parse_spec("gce:q=5e-1").params)["q"]
    assert dict(parse_spec("taylor:t=3").params)["t"] == 3


# ----------------------------------------------------------------------------- seeded fuzz of the doors
_PIECES = ["0", "1", "-1", "1e9", "1e308", "inf", "-inf", "nan", "none", "None", " 2.5 ", "0x10", "1_0", "1e6",
           "1000000.0000001", "", " ", "abc", "3s", "1/2", "+4", "1e-300", "9" * 400, "\x00", "é", "0.0", "-0"]


def _fuzz_texts(seed: int, n: int) -> list[str]:
    import random

    rng = random.Random(seed)
    out = list(_PIECES)
    for _ in range(n):
        out.append("".join(rng.choice(_PIECES) for _ in range(rng.randint(1, 3))))
    return out


def test_fuzz_time_limit_options():
    """Every text given to ``--timeout``/``--claims-timeout`` is a limit in (0, MAX_SECONDS], no limit, or one
    short line: never an exception of another type, never a huge or infinite number."""
    import argparse

    from paper_checks.commands.arguments import timeout_arg
    from paper_checks.pytest_plugin import _timeout as claims_timeout

    for text in _fuzz_texts(35, 300):
        for parse in (timeout_arg, claims_timeout):
            try:
                v = parse(text)
            except argparse.ArgumentTypeError as exc:
                assert "\n" not in str(exc) and len(str(exc)) < 200, (text, exc)
                continue
            assert v == math.inf or 0 < v <= MAX_SECONDS, (text, v)
            assert v != math.inf or text.strip().lower() in ("0", "none"), (text, v)


def test_fuzz_loss_specs():
    """Every spec is a loss or one short ValueError line (never another exception, never the value whole)."""
    import random

    from theory.losses import parse_spec

    rng = random.Random(35)
    names = ["gce", "taylor", "agce", "focal", "cce", "nope", ""]
    keys = ["q", "t", "a", "gamma", "k", "", "q q"]
    for _ in range(300):
        items = [f"{rng.choice(keys)}={rng.choice(_PIECES)}" for _ in range(rng.randint(0, 3))]
        spec = rng.choice(names) + (":" + ",".join(items) if items or rng.random() < 0.5 else "")
        try:
            parse_spec(spec)
        except ValueError as exc:
            assert "\n" not in str(exc) and len(str(exc)) < 600, (spec, str(exc)[:200])


def test_fuzz_claims_files_keep_their_bytes(tmp_path):
    """Random claims files (line endings, BOM, a latin-1 coding line, comments in other scripts, either quote):
    ``record_verdict`` changes the one literal and nothing else."""
    import random
    from types import SimpleNamespace

    from paper_checks.commands.record import record_verdict

    rng = random.Random(35)
    for i in range(40):
        latin = rng.random() < 0.3
        newline = rng.choice(["\n", "\r\n", "\r"])
        quote = rng.choice(["'", '"'])
        comment = rng.choice(["# plain", "# é à ç", "# \u00ff\u00e9", "# tab\there", "#\x0cform feed"])
        if not latin:
            comment += rng.choice(["", " \u2028 line separator", " 中文", " 🙂"])
        lines = (["# -*- coding: latin-1 -*-"] if latin else []) + [
            comment, "from paper_checks.api import claim", "",
            f"@claim('f.a', source='s', statement='x', expected={quote}refuted{quote}, method='exact')  {comment}",
            "def a(ctx): ...", comment]
        text = newline.join(lines) + rng.choice(["", newline])
        data = (b"\xef\xbb\xbf" if not latin and rng.random() < 0.3 else b"") + text.encode("latin-1" if latin
                                                                                         else "utf-8")
        f = tmp_path / f"claims_{i}.py"
        f.write_bytes(data)
        record_verdict(SimpleNamespace(id="f.a", origin=str(f), check=None), "confirmed")
        want = data.replace(f"expected={quote}refuted{quote}".encode(), f"expected={quote}confirmed{quote}".encode())
        assert f.read_bytes() == want, (i, data[:80])


@pytest.mark.parametrize("value", ["1_0", "2..1_0", "0x5", "0b11"])
def test_explore_set_reads_decimal_only(value):
    """Before: ``--set c=1_0`` narrowed c to 10 (Python's int() reads the underscore); the one road of a
    narrowing, :meth:`SearchSpace.narrowed`, reads decimal numbers only (``--set`` and the API both go through it)."""
    from paper_checks.registry import load

    space = load(())["gce18.eq11_k02"].space()
    with pytest.raises(ValueError, match="numbers are written in decimal"):
        space.narrowed({space.params[0].name: value})
