"""The symbols a margin is traced on (:mod:`paper_checks.prover.tracing.symbols`): a real coordinate carries the sign
its interval fixes, so SymPy simplifies what holds on the whole domain, and the prover decides it."""
from __future__ import annotations

import pytest
import sympy

from paper_checks.prover import prove_expr
from paper_checks.prover.tracing.symbols import sign_assumptions, simplex_symbols
from paper_checks.prover.tracing.trace import trace
from paper_checks.search.params import Real, SearchSpace

R = sympy.Rational


def test_a_coordinate_carries_the_sign_its_interval_fixes():
    assert sign_assumptions(0.25, 1.0) == {"real": True, "positive": True}
    assert sign_assumptions(-2.0, -0.5) == {"real": True, "negative": True}
    assert sign_assumptions(0.0, 1.0) == sign_assumptions(-1.0, 0.0) == {"real": True}  # 0 is in: no sign
    assert sign_assumptions(-1.0, 1.0) == {"real": True}
    assert sign_assumptions(-float("inf"), float("inf")) == {"real": True}


def test_a_simplex_row_eliminates_one_coordinate():
    vals, coords = simplex_symbols("f", 3, 0, None)
    assert [c.index for c in coords] == [(1,), (2,)]
    assert vals[0] == 1 - coords[0].symbol - coords[1].symbol


def test_a_power_of_zero_is_zero_where_the_exponent_is_positive():
    """``0**q`` with ``q`` in ``[1/4, 1]`` is 0: traced as such, not as a node whose derivative ``0**q log 0`` is
    NaN (a class sum written with a coordinate that is 0 on its simplex was undecided for that)."""
    space = SearchSpace((Real("x", 0.0, 1.0), Real("q", 0.25, 1.0)), lambda pt: pt["x"],
                        lambda pt: pt["x"] + sympy.Integer(0) ** pt["q"])
    t, coords = trace(space, {}, {})
    assert t.expr == coords[0].symbol
    q, x = sympy.symbols("q x")
    res = prove_expr(x + sympy.Integer(0) ** q, {x: (0, 1), q: (R(1, 4), 1)}, seconds=60)
    assert res.outcome == "proved", res.reason


def test_a_point_named_not_real_is_not_real_for_the_margin_as_written():
    """sqrt(x p) with x in [-1, 1] and p in [0, 1] is not real where x p < 0: undefined, at a point where it is not
    (with p >= 0 assumed, SymPy wrote it sqrt(p) sqrt(x), and p = 0, where the margin is 0, was named)."""
    x, p = sympy.symbols("x p")
    res = prove_expr(sympy.sqrt(x * p), {x: (-1, 1), p: (0, 1)}, seconds=60)
    assert res.outcome == "undefined"
    at = res.undefined.point
    assert not sympy.sqrt(sympy.Rational(str(at["x"])) * sympy.Rational(str(at["p"]))).is_real


def test_an_open_end_at_0_gives_the_strict_sign():
    """GCE's ``q`` in ``(0, 1]`` (Zhang & Sabuncu 2018, Eq. 6) is positive on its domain; a closed end at 0 is not."""
    assert sign_assumptions(0.0, 1.0, open_low=True) == {"real": True, "positive": True}
    assert sign_assumptions(-1.0, 0.0, open_high=True) == {"real": True, "negative": True}
    assert sign_assumptions(0.0, 1.0, open_high=True) == {"real": True}
    space = SearchSpace((Real("p", 0.0, 1.0), Real("q", 0.0, 1.0, open_low=True)), lambda pt: 0.0,
                        lambda pt: (1 - pt["p"] ** pt["q"]) / pt["q"])
    _, coords = trace(space, {}, {})
    assert coords[1].symbol.is_positive and not coords[0].symbol.is_positive


@pytest.mark.slow
def test_a_margin_undefined_at_an_open_end_is_proved_on_its_domain():
    """``(p^q - p)/q >= 0`` for ``p`` in ``[0, 1]``, ``q`` in ``(0, 1]`` (``L_q(p) <= 1 - p`` rearranged: the chord of
    ``p^q``): undefined at ``q = 0``, which the domain excludes; the factor ``1/q`` is positive there, and the
    power of a base from 0 with an exponent from 0 is enclosed in ``[0, 1]``. With ``q`` in ``[0, 1]`` closed, ``q = 0``
    is in the domain, where the margin is undefined as written (``(1 - p)/0``, and ``0/0`` at ``p = 1``): the
    denominator ``q >= 0`` is pulled out all the same, the proof holds at every other point, and it says so (each
    limit at ``q = 0`` is then ``>= 0``, issue 36's face decided by its limit)."""
    from paper_checks.prover import prove, recheck

    def space(open_low):
        return SearchSpace((Real("p", 0.0, 1.0), Real("q", 0.0, 1.0, open_low=open_low)), lambda pt: 0.0,
                           lambda pt: (pt["p"] ** pt["q"] - pt["p"]) / pt["q"])

    res = prove(space(True), 10**5, 60)
    assert res.outcome == "proved", res.reason
    assert recheck(res.certificate, space(True)) == []
    assert any(f.why == "domain" for red in res.certificate.reductions for r in red for f in r.factors)
    closed = prove(space(False), 2000, 3)
    assert closed.outcome == "proved", closed.reason
    assert recheck(closed.certificate, space(False)) == []
    assert any("where q = 0 the margin is undefined as written" in n for n in closed.notes)
