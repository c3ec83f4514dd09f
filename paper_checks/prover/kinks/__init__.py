"""Closures of margins with kinks and branches (``Max``, ``Min``, ``Piecewise``): decided signs, a split along an affine
kink, at a kink's roots, along a kink's curve, and across a branch's thresholds."""
