"""The catalogue's sce19: Wang et al. 2019, "Symmetric Cross Entropy for Robust Learning with Noisy Labels".

The README's curated findings about it; its claims are in the modules imported below.
"""
from paper_checks.api import finding

# the claims (and figures) of this paper, still in their old homes until they move into this package
from paper_checks import sce19  # noqa: E402,F401
from figures import sce19 as _figures  # noqa: E402,F401
