"""Issue 66, item 3: "exact" means exact. An ``exact_margin`` whose value holds a ``Float`` (``c/(c - 1)`` with a Python
int ``c`` is the float 1.5) was printed as an exact margin and its counterexample called "exactly verified"; a point
given as floats likewise. Such a margin is now never verified: the claim's evidence says why, in its one line."""
from __future__ import annotations

from fractions import Fraction

import numpy as np
import sympy

from paper_checks.api import Evidence, Real, SearchSpace, search
from paper_checks.jsonable import inexact
from paper_checks.report.tables import INEXACT_HEADING, counterexample_table
from paper_checks.search.exact import evaluate

C = 3


def _space() -> SearchSpace:
    return SearchSpace((Real("x", 0, 1),), lambda pt: C / (C - 1) - 1.55 + 0 * pt["x"],
                       lambda pt: C / (C - 1) - sympy.Rational(155, 100) + 0 * pt["x"], description="c/(c-1) >= 1.55")


def test_a_float_inside_the_exact_margin_is_never_exactly_verified():
    """Before: refuted, "the exact margin is -0.0500000000000000 = -0.05 < 0 (shrunk in 2 exactly verified steps)"."""
    res = search(_space(), 200, np.random.default_rng(0))
    assert not res.verified and res.outcome == "unverified"
    ev = Evidence.from_search(res, fails="c/(c-1) < 1.55", holds="c/(c-1) >= 1.55")
    assert ev.verdict == "inconclusive" and "exactly verified" not in ev.summary
    assert "holds the floating-point number" in ev.summary and "\n" not in ev.summary


def test_the_exact_evaluation_says_why_in_one_line():
    ex = evaluate(_space(), {"x": sympy.Integer(0)})
    assert ex.status.startswith("error: the exact margin holds the floating-point number -0.05")
    assert "sympy.Rational(c, c - 1)" in ex.status and "\n" not in ex.status


def test_a_point_given_as_floats_is_no_exact_point():
    space = SearchSpace((Real("x", 0, 1),), lambda pt: pt["x"] - 0.5, lambda pt: pt["x"] - sympy.Rational(1, 2))
    assert evaluate(space, {"x": 0.25}).status.startswith("error: the point holds the floating-point value 0.25")
    assert evaluate(space, {"x": sympy.Rational(1, 4)}).status == "fails"  # an exact point is verified as before
    assert evaluate(space, {"x": Fraction(1, 4)}).status == "fails"


def test_an_exact_margin_stays_exactly_verified():
    space = SearchSpace((Real("x", 0, 1),), lambda pt: C / (C - 1) - 1.55 + 0 * pt["x"],
                        lambda pt: sympy.Rational(C, C - 1) - sympy.Rational(155, 100) + 0 * pt["x"])
    ev = Evidence.from_search(search(space, 200, np.random.default_rng(0)), fails="f", holds="h")
    assert ev.verdict == "refuted" and "is -1/20 = -0.05" in ev.summary and "exactly verified" in ev.summary


def test_the_exactness_rule():
    x = sympy.Symbol("x")
    for exact in (1, Fraction(1, 3), sympy.Rational(1, 3), sympy.sqrt(2) - 2, sympy.pi * x, "1/5", {"p": ["1/2", 0]},
                  np.int64(2), None, True):
        assert inexact(exact) is None, exact
    for inexact_value in (0.5, sympy.Float(1.5) + x, {"p": ["1/2", 0.5]}, np.float64(1), np.array([1.0]), 1j):
        assert inexact(inexact_value) is not None, inexact_value


def test_the_report_does_not_call_a_float_counterexample_exact():
    """Before: every counterexample table was headed "exact as computed", and report.tex said "(exact)"."""
    from paper_checks.report.latex_csv import latex_appendix

    assert counterexample_table({"point": {"x": "1/4"}, "exact_margin_value": -0.25}).header[1] == \
        "value (exact as computed)"
    assert counterexample_table({"point": {"x": 0.25}}).header[1] == INEXACT_HEADING
    claim = {"id": "mine.x", "paper": "mine", "source": "s", "statement": "t", "verdict": "refuted",
             "expected": "refuted", "method": "sim", "summary": "s", "counterexample": {"eta": 0.4}}
    tex = "\n".join(latex_appendix({"claims": [claim], "version": "0", "seed": 0, "precision": "quick"}))
    assert "Counterexample (exact)" not in tex and "Counterexample (as computed, floats inexact)" in tex
