"""The Monte Carlo engine: the array machinery every model of :mod:`simulate` runs on.

Array namespaces taken from the arrays through array-api-compat, and the host transfers
(:mod:`label_noise_lab.simulate.engine.namespace`); the one place that draws random arrays per namespace, since the
array API
standard has none (:mod:`~label_noise_lab.simulate.engine.rng`); the ``--backend`` choice by name
(:mod:`~label_noise_lab.simulate.engine.devices`);
one BLAS thread per check (:mod:`~label_noise_lab.simulate.engine.blas`); array kernels derived from SymPy
(:mod:`~label_noise_lab.simulate.engine.kernels`); running moments and Monte Carlo estimates with their verdicts
(:mod:`~label_noise_lab.simulate.engine.moments`, :mod:`~label_noise_lab.simulate.engine.estimate`); chunked,
reproducible and parallel means
(:mod:`~label_noise_lab.simulate.engine.parallel`). The engine imports only theory/ and third-party libraries, never the
models of
simulate/. Nothing is re-exported here: every import names the module that defines the thing.
"""
