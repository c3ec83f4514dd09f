"""Numbers for label-noise-lab: exact expectations over finite distributions and Monte Carlo.

Every array function takes its array namespace ``xp`` (NumPy or CuPy, see
:mod:`simulate.backend`) and moves data to the host only for final scalars.
"""
