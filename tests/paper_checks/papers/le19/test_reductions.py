"""paper_checks.papers.le19.reductions: le19's statements for every c, both directions of every iff (issue 65)."""
from __future__ import annotations

import sympy

from paper_checks.papers.le19 import reductions as P
from paper_checks.papers.le19 import risks


def test_margin_symmetric_s_reduction_has_both_directions_of_both_iffs():
    """Issue 65: the reduction proves the excess max(0, |D - beta| - alpha) (so 'exactly when', both ways) and the
    sphere's 'iff' both ways (inside the band for every D in [0, 2], and reached at D = 0 or 2); each step is tight
    (0 where the bound is reached), so no looser bound would pass."""
    red = P.symmetric_reduction()
    assert red.decides_statement() and [s.name for s in red.steps] == ["excess", "sphere if", "sphere only if"]
    excess, inside, reached = (s.space() for s in red.steps)
    R = sympy.Rational
    assert excess.exact_margin({"alpha": 1, "beta": 1, "D": R(7, 2)}) == 0  # outside: the excess, exactly
    assert inside.exact_margin({"beta": R(1, 2), "D": 2}) == 0  # reached at D = 2 where beta < 1
    assert inside.margin({"beta": 0.5, "D": 1.0}) > 0 and reached.exact_margin({"beta": R(-3)}) == 0


def test_margin_robust_s_reduction_covers_every_c_and_embedding_with_its_premises_proved():
    """Issue 65: le19.margin_robust was proved on a chart of the circle at c = 3 only; its reduction now rests on
    identities proved for symbolic c (the pair agreement probabilities over a sum, the balanced affine relation, the
    positive slope and strict orders), Bayes' rule cited and the statement's hypotheses: it decides the statement.
    A fixed class pattern's triplet space declares none."""
    red = risks.order_space("margin").reduction
    statuses = red.premise_statuses()
    assert red is not None and "checked at points" not in statuses and statuses.count("proved") == 3
    assert red.decides_statement(statuses) and [s.name for s in red.steps] == ["excess", "sphere if"]
    assert risks.order_space("triplet").reduction is not None
    assert risks.order_space("triplet", [(0, 1)]).reduction is None


def test_triplet_robust_s_reduction_rests_on_sums_for_every_c_and_one_step():
    """Issue 65: le19.triplet_robust's reduction: no clipping (a prover step that fails below alpha = 2), the agreement
    sums and the affine relation for symbolic c, the positive slope: it decides the statement. A fixed class pattern
    declares none (the relation is not claimed there)."""
    red = risks.order_space("triplet").reduction
    statuses = red.premise_statuses()
    assert "checked at points" not in statuses and statuses.count("proved") == 3 and red.decides_statement(statuses)
    clip = red.steps[0].space()
    assert clip.exact_margin({"Dap": 0, "Dan": 2, "alpha": 2}) == 0  # tight: alpha = 2 is the least
    assert clip.exact_margin({"Dap": 0, "Dan": 2, "alpha": sympy.Rational(3, 2)}) < 0
