"""The embedding family: metric learning under label noise.

Pair and triplet losses, miners, samplers and retrieval metrics (:mod:`simulate.embedding.losses`); their exact and
Monte Carlo risks (:mod:`~simulate.embedding.risk`); embedding networks and their training loop
(:mod:`~simulate.embedding.train`), trained as replicas (:mod:`~simulate.embedding.replicas`); collapse
(:mod:`~simulate.embedding.collapse`) and the isometry bounds (:mod:`~simulate.embedding.isometry`). Nothing is
re-exported here: every import names the module that defines the thing.
"""
