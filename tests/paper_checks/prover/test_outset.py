"""Tests of :mod:`paper_checks.prover.outset`: a top proof starts from the same memory wherever it runs."""
from __future__ import annotations

import functools
import sys

import sympy

from paper_checks.prover import outset, prove_expr

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
