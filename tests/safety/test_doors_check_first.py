"""Issue 66, item 4: every door checks its arguments before any work, in one line with the function's own name, and
reads Decimal, NumPy and huge integers by one rule (the round-6 rule,
:func:`label_noise_lab.theory.validators.real_number`)."""
from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pytest
import sympy

from label_noise_lab.theory.validators import real_number

BIG = 10**400


def _one_line(exc: BaseException) -> str:
    text = str(exc)
    assert "\n" not in text and len(text) < 300, text[:400]
    return text


# ----------------------------------------------------------------------------- the one rule
@pytest.mark.parametrize("v,read", [(Decimal("0.1"), Fraction(1, 10)), (Decimal("-Infinity"), -math.inf),
                                    (np.int64(3), 3), (np.float32(0.5), 0.5), (BIG, BIG), (sympy.Rational(1, 3),
                                                                                           sympy.Rational(1, 3)),
                                    (Fraction(2, 7), Fraction(2, 7))])
def test_the_rule_reads_every_kind_of_number(v, read):
    assert real_number("x", v) == read


@pytest.mark.parametrize("v,error", [(Decimal("NaN"), ValueError), (Decimal("sNaN"), ValueError),
                                     (math.nan, ValueError), (np.float64("nan"), ValueError), (sympy.nan, ValueError),
                                     (True, TypeError), ("1", TypeError), (b"1", TypeError), (1j, TypeError),
                                     (None, TypeError), ([1], TypeError)])
def test_the_rule_refuses_in_one_line(v, error):
    with pytest.raises(error, match="^x must be a") as info:
        real_number("x", v)
    _one_line(info.value)


_NOISE = {
    "uniform_noise": lambda api, v: api.uniform_noise(3, v),
    "pair_flip": lambda api, v: api.pair_flip(3, v),
    "binary_noise": lambda api, v: api.binary_noise(v, 0.1),
    "symmetric_binary_noise": lambda api, v: api.symmetric_binary_noise(v),
}


@pytest.mark.parametrize("name", list(_NOISE))
@pytest.mark.parametrize("bad", [Decimal("NaN"), Decimal("sNaN"), np.float64("nan"), BIG, -BIG, "0.1", True])
def test_the_noise_helpers_refuse_in_one_line_naming_themselves(name, bad):
    """Before: uniform_noise(3, Decimal('NaN')) and pair_flip(3, Decimal('NaN')) raised decimal.InvalidOperation
    (a one-line ValueError in round 6: a regression)."""
    from paper_checks import api

    with pytest.raises((ValueError, TypeError)) as info:
        _NOISE[name](api, bad)
    assert _one_line(info.value).startswith(f"{name}: "), str(info.value)


@pytest.mark.parametrize("name", list(_NOISE))
def test_the_noise_helpers_read_a_decimal_exactly(name):
    from paper_checks import api

    got = _NOISE[name](api, Decimal("0.1"))
    assert got is not None
    if name == "binary_noise":
        assert got.rho_pos == Fraction(1, 10)


@pytest.mark.parametrize("c", [BIG, 1, np.float64(3), Decimal("3")])
def test_the_noise_helpers_refuse_a_bad_class_count_naming_themselves(c):
    from paper_checks import api

    with pytest.raises(ValueError, match="^uniform_noise: the number of classes c must be") as info:
        api.uniform_noise(c, 0.1)
    _one_line(info.value)


# ----------------------------------------------------------------------------- SearchSpace
def _fields():
    from paper_checks.api import Real

    return (Real("x", 0, 1),), (lambda pt: pt["x"]), (lambda pt: pt["x"])


@pytest.mark.parametrize("work", [BIG, 1e308, math.inf, math.nan, -1, Decimal("NaN"), "lots", True])
def test_searchspace_refuses_a_bad_proof_work_at_construction(work):
    """Before: proof_work=10**400 was a raw OverflowError, and 1e308 was taken, then explore ID --prove exited 1 with
    a 27-line traceback."""
    from paper_checks.api import SearchSpace

    params, m, e = _fields()
    with pytest.raises((TypeError, ValueError), match="^SearchSpace: proof_work must be") as info:
        SearchSpace(params, m, e, proof_work=work)
    _one_line(info.value)


def test_searchspace_reads_proof_work_by_the_rule():
    from paper_checks.api import SearchSpace

    params, m, e = _fields()
    assert SearchSpace(params, m, e, proof_work=Decimal("2.5")).proof_work == 2.5
    assert SearchSpace(params, m, e, proof_work=np.int64(3)).proof_work == 3.0
    assert SearchSpace(params, m, e).proof_work == 0.0


@pytest.mark.parametrize("field,value,words", [("params", "x", "params must be a tuple of parameters"),
                                               ("params", (3,), "params must be a tuple of parameters"),
                                               ("margin", None, "margin must be a function"),
                                               ("exact_margin", 3, "exact_margin must be a function"),
                                               ("constraint", "x > 0", "constraint must be a function"),
                                               ("description", None, "description must be a string")])
def test_searchspace_checks_its_fields(field, value, words):
    from paper_checks.api import SearchSpace

    params, m, e = _fields()
    kw = {"params": params, "margin": m, "exact_margin": e, field: value}
    with pytest.raises(TypeError, match=f"^SearchSpace: {words}") as info:
        SearchSpace(**kw)
    _one_line(info.value)


def test_explore_prove_of_a_claim_with_a_bad_proof_work_is_one_line(tmp_path, capsys, isolated_registry):
    from paper_checks.cli import main

    mod = tmp_path / "bad_work.py"
    mod.write_text("from paper_checks.api import Evidence, Real, SearchSpace, claim, paper\n"
                   "PAPER = paper('badwork', authors='A', year=2020, title='t', venue='v', source='b.txt')\n"
                   "def _space():\n"
                   "    return SearchSpace((Real('x', 0, 1),), lambda pt: pt['x'], lambda pt: pt['x'],\n"
                   "                       proof_work=1e308)\n"
                   "@claim('badwork.a', source='s', statement='x >= 0', expected='confirmed', method='search', "
                   "space=_space)\n"
                   "def a(ctx):\n"
                   "    return Evidence('confirmed', 'search', 'x')\n")
    assert main(["explore", "badwork.a", "--module", str(mod), "--prove", "--budget", "20"]) in (1, 2)
    err = capsys.readouterr().err
    assert "Traceback" not in err and "SearchSpace: proof_work must be" in err and err.strip().count("\n") == 0, err


# ----------------------------------------------------------------------------- search_then_prove
def _stp(**kw):
    from paper_checks.api import Context, Real, SearchSpace, search_then_prove

    space = SearchSpace((Real("x", 0, 1),), lambda pt: pt["x"], lambda pt: pt["x"], description="x")
    return search_then_prove(space, Context("mine.x", precision="quick"), holds="x >= 0", **kw)


@pytest.mark.parametrize("kw", [{"work": "lots"}, {"work": 1e308}, {"work": Decimal("NaN")}, {"work": BIG},
                                {"fails": 0}, {"fails": -1}, {"fails": math.nan}, {"fails": BIG}, {"fails": b"x"},
                                {"fails": True}, {"fails": " "}, {"numbers": 0}, {"numbers": [1]}, {"figures": "fig"},
                                {"figures": [3]}, {"boxes": BIG}, {"boxes": 0}, {"boxes": 1.5},
                                {"evaluations": BIG}, {"evaluations": 0}, {"seconds": BIG}, {"seconds": "1"},
                                {"seconds": Decimal("NaN")}],
                         ids=lambda kw: f"{next(iter(kw))}={next(iter(kw.values()))!r}"[:40])
def test_search_then_prove_checks_every_argument_before_the_search(kw, monkeypatch):
    """Before: work='lots' was refused after the whole search had run (45 s for 20,000 evaluations), naming prove:;
    fails=0, numbers=0, figures='fig' and boxes=10**400 were taken."""
    import paper_checks.api as api

    def no_search(*a, **k):
        raise AssertionError("the search ran before the arguments were checked")

    monkeypatch.setattr(api, "search", no_search)  # a search before the check fails the test, however fast
    with pytest.raises((TypeError, ValueError)) as info:
        _stp(**kw)
    assert _one_line(info.value).startswith("search_then_prove: "), str(info.value)
    assert next(iter(kw)) in str(info.value)


def test_search_then_prove_space_and_ctx_name_the_function():
    from paper_checks.api import Context, search_then_prove

    with pytest.raises(TypeError, match="^search_then_prove: space must be a SearchSpace"):
        search_then_prove("x", Context("mine.x"), holds="x >= 0")
    with pytest.raises(TypeError, match="^search_then_prove: ctx must be the check's Context"):
        search_then_prove(_fields_space(), 3, holds="x >= 0")


def _fields_space():
    from paper_checks.api import SearchSpace

    return SearchSpace(*_fields())


@pytest.mark.parametrize("kw", [{"work": "lots"}, {"work": BIG}, {"work": Decimal("NaN")}, {"budget": BIG},
                                {"budget": 0}, {"seconds": Decimal("NaN")}, {"seconds": BIG}, {"search_first": 5},
                                {"search_first": BIG}, {"seed": -1}],
                         ids=lambda kw: f"{next(iter(kw))}={next(iter(kw.values()))!r}"[:40])
def test_prove_claim_checks_its_arguments_naming_itself(kw):
    """Before: prove_claim's errors named prove: (work='lots' only once the prover began), budget=10**400 was taken."""
    from paper_checks import api

    with pytest.raises((TypeError, ValueError)) as info:
        api.prove_claim("gce18.eq7_bounds", **kw)
    assert _one_line(info.value).startswith(f"prove_claim: {next(iter(kw))} "), str(info.value)


@pytest.mark.parametrize("kw", [{"budget": BIG}, {"seed": -1}, {"timeout": Decimal("NaN")}, {"timeout": BIG}])
def test_explore_checks_its_arguments_naming_itself(kw):
    from paper_checks import api

    with pytest.raises((TypeError, ValueError)) as info:
        api.explore("gce18.eq7_bounds", **kw)
    assert _one_line(info.value).startswith(f"explore: {next(iter(kw))} "), str(info.value)


def test_param_with_margin_says_what_it_is_for(capsys):
    """Before: ``loss --margin "a*Max(0, 1 - v)" --param a=1..2`` said only "unknown name 'a'"."""
    from paper_checks.cli import main

    assert main(["loss", "--margin", "a*Max(0, 1 - v)", "--param", "a=1..2"]) == 2
    err = capsys.readouterr().err
    assert "--param" in err and "not a margin loss" in err and err.count("\n") == 1
