"""Evidence.from_proof: one road from every prover outcome to evidence."""
from __future__ import annotations

import pytest
import sympy

from paper_checks.evidence import Evidence
from paper_checks.prover import closures, prove_expr

x = sympy.Symbol("x", real=True)


def test_every_outcome_has_its_evidence(monkeypatch):
    proved = Evidence.from_proof(prove_expr(x * (1 - x), {x: (0, 1)}, seconds=10), holds="x (1 - x) >= 0")
    assert proved.verdict == "proved" and proved.method == "prover" and "proof" in proved.numbers
    bad = prove_expr((x - sympy.Rational(1, 3)) ** 2 - sympy.Rational(1, 10**12), {x: (0, 1)}, seconds=10)
    refuted = Evidence.from_proof(bad, holds="the bound")
    assert refuted.verdict == "refuted" and refuted.counterexample["point"] == {"x": "1/3"}
    assert "the bound fails" in refuted.summary
    y = sympy.Symbol("y", real=True)
    # 0 along x = sqrt(2) y, to order 4: undecided in 5 boxes without the one combination, which proves it as a
    # function of x - sqrt(2) y (along x = y the boxes prove it)
    stage = closures.for_stage
    monkeypatch.setattr(closures, "for_stage", lambda name: tuple(m for m in stage(name) if m.name != "OneCombination"))
    c = sympy.sqrt(2)
    open_ = prove_expr(sympy.exp(x - c * y) + sympy.exp(c * y - x) - 2 - (x - c * y) ** 2, {x: (0, 1), y: (0, 1)},
                       budget=5, seconds=10)
    assert open_.outcome == "undecided"
    inc = Evidence.from_proof(open_, holds="cosh(x - sqrt(2) y) >= 1 + (x - sqrt(2) y)^2 / 2")
    assert inc.verdict == "inconclusive" and open_.reason[:40] in inc.summary


def test_an_undefined_margin_is_inconclusive_with_its_point():
    res = prove_expr(x**x + sympy.Rational(1, 2), {x: (-1, 1)}, seconds=30)
    ev = Evidence.from_proof(res, holds="x^x >= -1/2")
    assert res.outcome == "undefined" and ev.verdict == "inconclusive"
    assert "undefined on part of its domain" in ev.summary and "not real" in ev.summary


def test_from_proof_refuses_what_is_not_a_proof_result():
    with pytest.raises(ValueError):
        Evidence.from_proof(object(), holds="x")
