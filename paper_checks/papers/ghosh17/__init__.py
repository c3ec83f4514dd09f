"""The catalogue's ghosh17: Ghosh, Kumar & Sastry 2017, "Robust Loss Functions under Label Noise for Deep Neural Networks".

The README's curated findings about it; its claims are in the modules imported below.
"""
from paper_checks.api import finding

finding('ghosh17.class_dependent_tolerance', 'qualified',
        "Class-dependent tolerance needs diagonally dominant noise: with `R(f*) = 0` alone, `c = 2` and `T[0] = (1/3, 2/3)` already make MAE's noisy minimiser wrong.")

# the claims (and figures) of this paper, still in their old homes until they move into this package
from paper_checks import ghosh17, ghosh17_sim  # noqa: E402,F401
from figures import ghosh17 as _figures  # noqa: E402,F401
