"""Critical sets: convexity around a point, a segment along a parameter or a valley where the margin's minimum runs (the
Hessian, Taylor's theorem at a zero of high order, the lifted interval on a simplex), found on a box and tried
together (:mod:`~paper_checks.prover.critical.tight`)."""
