"""The loss trials: every property of a loss decided exactly where it can be.

One room of the instrument (docs/design.md, "The loss trials"): the trial of a loss of the labelled
probability on the simplex (:mod:`~paper_checks.trials.simplex`, its properties in
:mod:`~paper_checks.trials.properties`, :mod:`~paper_checks.trials.asymmetry`,
:mod:`~paper_checks.trials.minimiser`, :mod:`~paper_checks.trials.normalized`, the flat pieces and limits in
:mod:`~paper_checks.trials.flat` and :mod:`~paper_checks.trials.limits`) and the trial of a binary margin
loss (:mod:`~paper_checks.trials.margin`, its properties in :mod:`~paper_checks.trials.margin_properties`).
"""
