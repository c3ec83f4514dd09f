"""Closures by sub-proofs: the one sub-problem skeleton and its re-check
(:mod:`~paper_checks.prover.subproofs.subproblem`), the faces that follow by continuity, and each closure that poses
smaller problems to the same prover (a partial minimum, one combination, monotone differences, concavity, a positive
factor, class sums and vertices of a simplex, logarithms, a power, a root, an exponential)."""
