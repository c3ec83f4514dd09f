"""Loss correction with a transition matrix T.

The backward and forward corrected losses (:mod:`label_noise_lab.simulate.correction.backward_forward`), their risks
over sampled
populations, Monte Carlo (:mod:`~label_noise_lab.simulate.correction.sampled`), and T estimated from anchor points
(:mod:`~label_noise_lab.simulate.correction.anchors`). Nothing is re-exported here: every import names the module that
defines the
thing.
"""
