"""A prover beside the search: decide a margin on its whole declared domain with a certificate.

:func:`prove` takes the same :class:`~paper_checks.search.params.SearchSpace` as the counterexample
search and returns ``proved`` (with a :class:`Certificate`), ``counterexample`` (exact, shrunk),
``undefined`` (an exact point where the margin is not real) or ``undecided`` (what is left, and why);
:func:`prove_expr` does the same for a plain SymPy expression on a box. Modules:
:mod:`~paper_checks.prover.tracing.trace` (the margin traced on symbols,
compiled to interval arithmetic), :mod:`~paper_checks.prover.enclosures.boxes` (the domain as pieces and
boxes), :mod:`~paper_checks.prover.enclosures.bound` (closing a box), :mod:`~paper_checks.prover.certificate`
(the certificate and its re-check), :mod:`~paper_checks.prover.prove` (the branch and bound),
:mod:`~paper_checks.prover.tracing.defined` (where each node is real: its guards),
:mod:`~paper_checks.prover.timebox` (a step with at most T seconds, in a child),
:mod:`~paper_checks.prover.tracing.normal` (exact first: normal form, identities, factors of known sign),
:mod:`~paper_checks.prover.algebraic.solver` (polynomial and piecewise polynomial margins: real roots, z3),
:mod:`~paper_checks.prover.critical.second` (convexity around a critical point, segment or valley; Taylor's theorem at
a zero of high order), :mod:`~paper_checks.prover.critical.valleys` (the sets along which a minimum of 0 runs),
:mod:`~paper_checks.prover.symmetry.scaling` (homogeneous margins at the origin),
:mod:`~paper_checks.prover.critical.tight` (those closures in one proof, with what they found) and
:mod:`~paper_checks.prover.gather` (where the open boxes of an undecided proof gather).
"""
from __future__ import annotations

from paper_checks.prover.certificate import Certificate, arb_rebound, recheck, recheck_undefined
from paper_checks.prover.prove import prove
from paper_checks.prover.prove_expr import prove_expr
from paper_checks.prover.result import OUTCOMES, ProofOutcome, ProofResult

__all__ = ["OUTCOMES", "Certificate", "arb_rebound", "ProofOutcome", "ProofResult", "prove", "prove_expr", "recheck",
           "recheck_undefined"]
