"""Loss correction with a transition matrix T.

The backward and forward corrected losses (:mod:`simulate.correction.backward_forward`), their risks over sampled
populations, Monte Carlo (:mod:`~simulate.correction.sampled`), and T estimated from anchor points
(:mod:`~simulate.correction.anchors`). Nothing is re-exported here: every import names the module that defines the
thing.
"""
