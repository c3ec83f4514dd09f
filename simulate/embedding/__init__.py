"""The embedding family: metric learning under label noise.

Pair and triplet losses, miners, samplers and retrieval metrics (:mod:`label_noise_lab.simulate.embedding.losses`);
their exact and
Monte Carlo risks (:mod:`~label_noise_lab.simulate.embedding.risk`); embedding networks and their training loop
(:mod:`~label_noise_lab.simulate.embedding.train`), trained as replicas
(:mod:`~label_noise_lab.simulate.embedding.replicas`); collapse
(:mod:`~label_noise_lab.simulate.embedding.collapse`) and the isometry bounds
(:mod:`~label_noise_lab.simulate.embedding.isometry`). Nothing is
re-exported here: every import names the module that defines the thing.
"""
