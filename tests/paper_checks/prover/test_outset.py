"""Tests of :mod:`paper_checks.prover.outset`: a top proof starts from the same memory wherever it runs."""
from __future__ import annotations

import functools
import importlib
import sys

import pytest
import sympy

from paper_checks import work
from paper_checks.prover import outset, prove_expr

prove_expr_module = importlib.import_module("paper_checks.prover.prove_expr")

x = sympy.Symbol("x", positive=True)


def _held() -> dict[str, int]:
    """The size of every module-level container and ``lru_cache`` of the prover's modules."""
    out = {}
    for name, mod in list(sys.modules.items()):
        if mod is None or not name.startswith("paper_checks.prover"):
            continue
        for k, v in list(vars(mod).items()):
            if isinstance(v, functools._lru_cache_wrapper) and v.__module__ == name:
                out[f"{name}.{k}"] = v.cache_info().currsize
            elif isinstance(v, (dict, set, list)) and not k.startswith("__"):
                out[f"{name}.{k}"] = len(v)
    return out


def test_forget_empties_what_a_proof_kept(without_logarithms, without_slope, without_bounds, without_z3_first,
                                         without_cutoff, without_value_sweep, every_box_closure):
    """Whatever a proof keeps in a module of the prover (a cache, a limit found, an expansion taken) is gone after
    :func:`outset.forget`: a limit stopped by one proof's work limit was kept by the tail's cache, so that a later proof
    of the same margin took another route than it took alone."""
    prove_expr(x, {x: (1, 2)}, work=1, seconds=None)  # every module imported, the process warmed
    outset.forget()
    before = _held()
    res = prove_expr(sympy.log(1 + x) - 2 * x / (2 + x), {x: (0, sympy.oo)}, work=3, seconds=None)
    assert res.proved and "tail" in res.certificate.methods(), res.reason  # the tail kept its expansion
    outset.forget()
    after = _held()
    assert {k: (before.get(k), n) for k, n in after.items() if n != before.get(k, 0)} == {}


def _sine_margin() -> tuple[sympy.Expr, sympy.Symbol]:
    """``sin y - y + y^3/6`` of objects no computation has touched."""
    work.forget_caches()
    y = sympy.Symbol("y", positive=True)
    return sympy.sin(y) - y + y**3 / 6, y


def _asked(e: sympy.Expr) -> int:
    """How many facts the nodes of ``e`` keep (what they were asked, and what followed)."""
    return sum(len(a._assumptions) for a in sympy.preorder_traversal(e) if hasattr(a, "_assumptions"))


@pytest.mark.parametrize("made_again", [True, False])
def test_a_proof_asks_nothing_of_the_callers_objects(monkeypatch, made_again):
    """A SymPy object keeps what it was asked (its assumptions), so that a proof of a margin an earlier proof or the
    caller had read counted fewer events than in a fresh process (PHuber-CE below CE: 1.36 units in its one
    combination, then 1.23 each time after). Each top proof makes its margin again from fresh objects
    (:func:`outset.anew`) and leaves the caller's as they were; without it, the proof here leaves facts on them."""
    if not made_again:
        monkeypatch.setattr(prove_expr_module, "anew", lambda e: e)
    margin, y = _sine_margin()
    before = _asked(margin)
    assert prove_expr(margin, {y: (0, 2)}, work=3, seconds=None).proved
    assert (_asked(margin) == before) == made_again


def test_anew_makes_an_equal_tree_of_fresh_objects():
    y = sympy.Symbol("y")
    d = sympy.Dummy("d")
    e = sympy.Max(0, sympy.log(1 + x) - y) + sympy.Piecewise((x, y > 0), (d, True)) + sympy.Rational(1, 3)
    work.forget_caches()  # as a top proof does first: SymPy's cache would hand out the old nodes
    new = outset.anew(e)
    assert new == e and new is not e
    assert next(s for s in new.free_symbols if s.name == "x") is not x  # a symbol made again
    assert d in new.free_symbols  # a Dummy kept: made again, it would be another symbol
    assert outset.anew(3) == 3
