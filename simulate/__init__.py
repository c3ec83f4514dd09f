"""Numbers for label-noise-lab: exact expectations over finite distributions and Monte Carlo.

Every array function takes its array namespace ``xp`` (the array API standard through ``array-api-compat``:
NumPy, CuPy, or any other compliant library; see :mod:`label_noise_lab.simulate.engine.namespace`) and moves data to the
host
only for final scalars. The test suite also runs them on ``array-api-strict``, the standard's strict namespace,
which refuses what the standard does not define; host syncs are counted there (``LNL_TEST_BACKENDS``).

The rooms, by concept (no package re-exports a name: every import names the module that defines it):

- :mod:`label_noise_lab.simulate.engine`: the Monte Carlo engine and array machinery (namespaces, the RNG adapter, BLAS
pinning,
  kernels, moments and estimates, chunked parallel means); it imports nothing else of simulate/.
- :mod:`label_noise_lab.simulate.embedding`: the embedding family (losses and miners, risks, training, replicas,
collapse,
  isometry).
- :mod:`label_noise_lab.simulate.correction`: loss correction with a transition matrix T (backward and forward, sampled
risks,
  anchor estimation of T).
- :mod:`label_noise_lab.simulate.dmi`: the determinant-based mutual information and L_DMI (estimators, populations).
- the models, flat in simulate/: ``binary``, ``experiments``, ``hessian``, ``losses``, ``models``, ``noise``,
  ``populations``, ``risk``, ``training``.
"""
