"""The catalogue's xu22: Xu et al. 2022, "Mathematical Justification of Hard Negative Mining via Isometric Approximation Theorem".

The README's curated findings about it; its claims are in the modules imported below.
"""
from paper_checks.api import finding

finding('xu22.hnm_isometry', 'refuted',
        'This project\'s reconstruction of the isometry bound, "each hard-mined term is at most 2 d_iso", is false: the exact three-point example in the report has a hard term of 4 d_iso. 4 is the right constant (triangle inequality) and it is attained. The abstract gives no constant: the 2 belongs to the reconstruction, not to Xu et al.')

# the claims (and figures) of this paper, still in their old homes until they move into this package
from paper_checks import xu22  # noqa: E402,F401
from figures import xu22 as _figures  # noqa: E402,F401
