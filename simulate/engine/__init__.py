"""The Monte Carlo engine: the array machinery every model of :mod:`simulate` runs on.

Array namespaces taken from the arrays through array-api-compat, and the host transfers
(:mod:`simulate.engine.namespace`); the one place that draws random arrays per namespace, since the array API
standard has none (:mod:`~simulate.engine.rng`); the ``--backend`` choice by name (:mod:`~simulate.engine.devices`);
one BLAS thread per check (:mod:`~simulate.engine.blas`); array kernels derived from SymPy
(:mod:`~simulate.engine.kernels`); running moments and Monte Carlo estimates with their verdicts
(:mod:`~simulate.engine.moments`, :mod:`~simulate.engine.estimate`); chunked, reproducible and parallel means
(:mod:`~simulate.engine.parallel`). The engine imports only theory/ and third-party libraries, never the models of
simulate/. Nothing is re-exported here: every import names the module that defines the thing.
"""
