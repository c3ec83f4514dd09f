"""Numbers for label-noise-lab: exact expectations over finite distributions and Monte Carlo.

Every array function takes its array namespace ``xp`` (NumPy or CuPy, see
:mod:`simulate.engine.backend`) and moves data to the host only for final scalars. That each one would run
on CuPy is proven without a GPU: the test suite runs them on a CuPy stand-in that refuses implicit
host conversion and NumPy operands and counts host syncs (``tests/strict_xp.py``, ``LNL_TEST_BACKENDS``).

The rooms, by concept (no package re-exports a name: every import names the module that defines it):

- :mod:`simulate.engine`: the Monte Carlo engine and array machinery (backend, BLAS pinning, kernels,
  moments and estimates, chunked parallel means); it imports nothing else of simulate/.
- :mod:`simulate.embedding`: the embedding family (losses and miners, risks, training, replicas, collapse,
  isometry).
- :mod:`simulate.correction`: loss correction with a transition matrix T (backward and forward, sampled risks,
  anchor estimation of T).
- :mod:`simulate.dmi`: the determinant-based mutual information and L_DMI (estimators, populations).
- the models, flat in simulate/: ``binary``, ``experiments``, ``hessian``, ``losses``, ``models``, ``noise``,
  ``populations``, ``risk``, ``training``.
"""
