"""Numbers for label-noise-lab: exact expectations over finite distributions and Monte Carlo.

Every array function takes its array namespace ``xp`` (NumPy or CuPy, see
:mod:`simulate.backend`) and moves data to the host only for final scalars. That each one would run
on CuPy is proven without a GPU: the test suite runs them on a CuPy stand-in that refuses implicit
host conversion and NumPy operands and counts host syncs (``tests/strict_xp.py``, ``LNL_TEST_BACKENDS``).
"""
