"""Probes of every door (command line, pytest plugin, API) with the inputs that once got through: each was a
traceback, a silent clip or a false verdict before, and is a one-line error or a correct answer now."""
from __future__ import annotations

import math
import subprocess
import sys
from decimal import Decimal
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
    from label_noise_lab.theory import user_losses as zoo
    from paper_checks.trials import simplex

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
    from label_noise_lab.theory.losses import parse_spec

    with pytest.raises(ValueError) as info:
        parse_spec(spec)
    assert words in str(info.value) and len(str(info.value)) < 400


def test_decimal_numbers_still_read():
    from label_noise_lab.theory.losses import parse_spec

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

    from paper_checks.commands.arguments import limit_arg, timeout_arg

    claims_timeout = limit_arg("--claims-timeout")  # the plugin's --claims-timeout reads the one parser

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

    from label_noise_lab.theory.losses import parse_spec

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


# ----------------------------------------------------------------------------- round 6: every door one line
BIG = 10**400


def _one_line(exc: BaseException, most: int = 300) -> str:
    text = str(exc)
    assert "\n" not in text and len(text) < most, text[:400]
    return text


_NOT_STRINGS = [None, 0, 1, -1, 10**400, 1.5, math.nan, math.inf, True, False, b"gce18.x", bytearray(b"x"), ["a.b"],
                ("a.b",), {"a.b"}, {"a": "b"}, 1j, object(), np.int64(3), np.float64(1.0), np.array(["a.b"]),
                range(3), Path("a.b"), ...]


@pytest.mark.parametrize("bad", _NOT_STRINGS, ids=[type(v).__name__ for v in _NOT_STRINGS])
def test_a_claim_id_not_a_string_is_one_line(bad):
    """Before: ``claim(None, ...)`` raised AttributeError ('NoneType' object has no attribute 'split'), bytes a
    TypeError about str and bytes, and so did 22 other values."""
    from paper_checks.registry import claim

    with pytest.raises(TypeError, match="^a claim id must be a string 'paper.name', got ") as info:
        claim(bad, source="s", statement="t", expected="confirmed", method="exact")
    assert type(bad).__name__ in _one_line(info.value)


@pytest.mark.parametrize("field,value", [("expected", 5), ("expected", None), ("expected", ["refuted"]),
                                         ("method", 3), ("source", None), ("statement", b"x"), ("figures", "fig"),
                                         ("figures", 5), ("figures", (1,)), ("space", 5)])
def test_claim_fields_of_the_wrong_type_are_one_line(field, value):
    """Before: ``figures=5`` was a bare "'int' object is not iterable", ``source=None``, ``figures="fig"`` and
    ``space=5`` were registered as given, and ``expected=5`` surfaced only at ``load()``."""
    from paper_checks.registry import REGISTRY, Claim, claim

    kw = {"source": "s", "statement": "t", "expected": "confirmed", "method": "exact", "space": None, "figures": ()}
    kw[field] = value
    with pytest.raises(TypeError, match=f"^claim 'zz.a': {field} must be ") as info:
        claim("zz.a", **kw)
    _one_line(info.value)
    with pytest.raises(TypeError, match=f"^claim 'zz.a': {field} must be "):  # the dataclass checks the same
        Claim("zz.a", "zz", kw["source"], kw["statement"], kw["expected"], kw["method"], lambda ctx: None,
              space=kw["space"], figures=kw["figures"])
    assert "zz.a" not in REGISTRY


@pytest.mark.parametrize("kw,words", [({"counterexample": 5}, "counterexample must be a dict"),
                                      ({"counterexample": "x=1"}, "counterexample must be a dict"),
                                      ({"numbers": [1, 2]}, "numbers must be a dict"),
                                      ({"figures": "fig"}, "figures must be a list of figure names"),
                                      ({"figures": [3]}, "figures must be a list of figure names")])
def test_evidence_fields_of_the_wrong_kind_are_one_line(kw, words):
    """Before: ``Evidence(..., counterexample=5)`` and the rest were accepted as given."""
    from paper_checks.api import Evidence

    with pytest.raises(TypeError, match=f"^Evidence: {words}") as info:
        Evidence("inconclusive", "exact", "s", **kw)
    _one_line(info.value)


def _space():
    from paper_checks.api import claims

    return claims()["gce18.eq7_bounds"].space()


_HUGE_CALLS = {  # each an OverflowError (a NumPy ValueError for pair_flip's c) before
    "binary_noise(rho_pos)": lambda api: api.binary_noise(BIG, 0.1),
    "binary_noise(rho_neg)": lambda api: api.binary_noise(0.1, BIG),
    "symmetric_binary_noise": lambda api: api.symmetric_binary_noise(BIG),
    "BinaryNoise": lambda api: api.BinaryNoise(BIG, 0.1),
    "uniform_noise(c)": lambda api: api.uniform_noise(BIG, 0.1),
    "uniform_noise(eta)": lambda api: api.uniform_noise(3, BIG),
    "pair_flip(c)": lambda api: api.pair_flip(BIG, 0.1),
    "pair_flip(eta)": lambda api: api.pair_flip(3, BIG),
    "TransitionMatrix(tol)": lambda api: api.TransitionMatrix([[1, 0], [0, 1]], tol=BIG),
    "TransitionMatrix(entry)": lambda api: api.TransitionMatrix([[BIG, 0], [0, 1]]),
    "search(budget)": lambda api: api.search(_space(), BIG, np.random.default_rng(0)),
    "search(time_limit)": lambda api: api.search(_space(), 10, np.random.default_rng(0), time_limit=BIG),
    "explore(budget)": lambda api: api.explore("gce18.eq7_bounds", budget=BIG),
    "explore(set)": lambda api: api.explore("gce18.eq7_bounds", set={"q": (0.5, BIG)}),
    "prove_claim(search_first)": lambda api: api.prove_claim("gce18.eq7_bounds", search_first=BIG),
    "prove_claim(set)": lambda api: api.prove_claim("gce18.eq7_bounds", set={"q": BIG}),
    "Real(high)": lambda api: api.Real("x", 0, BIG),
    "Real(low)": lambda api: api.Real("x", -BIG, 0),
    "unbiased_loss": lambda api: api.unbiased_loss(1, 1, 0.1, BIG),
    "noisy_expectation": lambda api: api.noisy_expectation(BIG, 1, 0.1),
    "noisy_posterior": lambda api: api.noisy_posterior(0.3, BIG, 0.2),
    "conditional_risk": lambda api: api.conditional_risk(BIG, 1, 0.3),
    "alpha_weighted_01_risk": lambda api: api.alpha_weighted_01_risk(1, BIG, 0.2),
}


@pytest.mark.parametrize("name", list(_HUGE_CALLS))
def test_a_huge_number_at_an_api_door_is_one_line(name):
    from paper_checks import api

    with pytest.raises(ValueError) as info:
        _HUGE_CALLS[name](api)
    assert "characters)" in _one_line(info.value) or "1000000000000000000000000000000" in str(info.value)


def test_huge_exact_numbers_give_exact_results():
    """Where a huge exact number makes sense the answer is exact, not an error."""
    import sympy

    from paper_checks import api

    assert api.noisy_expectation(BIG, 1, sympy.Rational(1, 10)) == sympy.Rational(9, 10) * BIG + sympy.Rational(1, 10)
    assert api.alpha_weighted_loss(1, 1, BIG) == 1 - BIG


@pytest.mark.parametrize("args", [
    ["explore", "gce18.eq7_bounds", "--budget", "9" * 400],  # before: exit 1, 19 lines of OverflowError
    ["explore", "gce18.eq7_bounds", "--budget", "9" * 100_000],  # before: the 100,000 digits quoted whole
    ["explore", "gce18.eq7_bounds", "--seed", "9" * 100_000],
    ["explore", "gce18.eq7_bounds", "--set", "q=" + "1" * 1_000_000],
    ["explore", "gce18.eq7_bounds", "--set", "x" * 1_000_000 + "=1"],
    ["explore", "x" * 1_000_000],
    ["run", "--claim", "x" * 1_000_000],
    ["run", "--paper", "x" * 1_000_000],
    ["run", "--jobs", "9" * 1_000_000],
    ["run", "--module", "x" * 1_000_000 + ".py"],
    ["loss", "\u200b" * 1_000_000],  # before: 720 characters of '\u200b'
    ["run", "--claim", "gce18.eq7_bounds", "--out", "a" * 256],  # before: exit 1, 23 lines of OSError
])
def test_the_command_line_answers_huge_input_in_one_short_line(args, capsys, tmp_path, monkeypatch):
    from paper_checks.cli import main

    monkeypatch.chdir(tmp_path)
    assert main(args) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and len(err) < 400 and "Traceback" not in err, err[:400]


@pytest.mark.parametrize("bad,error", [(Decimal("NaN"), ValueError), (Decimal("sNaN"), ValueError),
                                       (math.nan, ValueError), ("0", TypeError), (None, TypeError), (1j, TypeError)])
def test_a_real_end_that_is_no_number_is_one_line(bad, error):
    """Before: ``Real('x', Decimal('NaN'), 10)`` raised decimal.InvalidOperation, and ``Real('x', '0', '1')`` was
    accepted."""
    from paper_checks.api import Real

    with pytest.raises(error, match="^Real 'x': low must be a ") as info:
        Real("x", bad, 10)
    _one_line(info.value)


def test_a_finite_decimal_end_is_exact():
    from fractions import Fraction

    from paper_checks.api import Real

    assert Real("x", Decimal("0.1"), 1).low == Fraction(1, 10)


def test_the_quoting_helper_is_one_and_short():
    from label_noise_lab.theory.validators import quoted

    assert quoted("abc") == "'abc'"
    assert quoted(10**5000) == "<an int of about 5001 digits>"  # str() of it raises ValueError
    assert quoted("\u200b" * 10**6).endswith("... (6000002 characters)") and len(quoted("\u200b" * 10**6)) < 100
