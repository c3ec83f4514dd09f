"""A prover beside the search: decide a margin on its whole declared domain with a certificate.

:func:`prove` takes the same :class:`~paper_checks.search.params.SearchSpace` as the counterexample
search and returns ``proved`` (with a :class:`Certificate`), ``counterexample`` (exact, shrunk),
``undefined`` (an exact point where the margin is not real) or ``undecided`` (what is left, and why);
:func:`prove_expr` does the same for a plain SymPy expression on a box.

Here, the core: :mod:`~paper_checks.prover.prove` (the branch and bound), :mod:`~paper_checks.prover.prove_expr`,
:mod:`~paper_checks.prover.inputs`, :mod:`~paper_checks.prover.outset`, :mod:`~paper_checks.prover.schedule` (the
one order of the closures, and every share of the work), :mod:`~paper_checks.prover.budget`,
:mod:`~paper_checks.prover.searched`, :mod:`~paper_checks.prover.result`, :mod:`~paper_checks.prover.certificate`
(the certificate and its re-check), :mod:`~paper_checks.prover.gather` and :mod:`~paper_checks.prover.timebox`. The
rooms, one concept each (docs/design.md, "The prover", maps every module): :mod:`~paper_checks.prover.closures` (the
registry and what a closing method is), :mod:`~paper_checks.prover.enclosures` (intervals, boxes, first-order bounds),
:mod:`~paper_checks.prover.tracing` (the margin traced, charted, its guards and normal form),
:mod:`~paper_checks.prover.algebraic` (z3 and real roots), :mod:`~paper_checks.prover.kinks` (kinks and branches),
:mod:`~paper_checks.prover.sweeps` (monotone sweeps and tails), :mod:`~paper_checks.prover.symmetry` (scaling and
symmetry), :mod:`~paper_checks.prover.critical` (critical sets: the Hessian, Taylor's theorem) and
:mod:`~paper_checks.prover.subproofs` (the sub-proof skeleton and the closures by sub-proofs).
"""
from __future__ import annotations

from paper_checks.prover.certificate import Certificate, arb_rebound, recheck, recheck_undefined
from paper_checks.prover.prove import prove
from paper_checks.prover.prove_expr import prove_expr
from paper_checks.prover.result import OUTCOMES, ProofOutcome, ProofResult

__all__ = ["OUTCOMES", "Certificate", "arb_rebound", "ProofOutcome", "ProofResult", "prove", "prove_expr", "recheck",
           "recheck_undefined"]
