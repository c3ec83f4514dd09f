"""The catalogue's imae19: Wang et al. 2019, "IMAE for Noise-Robust Learning" (via Li's notes).

The README's curated findings about it; its claims are in the modules imported below.
"""
from paper_checks.api import finding

finding('imae19.eq13_imae', 'qualified',
        "The notes' Eq. 13 for IMAE is mis-transcribed: only `exp(T p (1-p))` reproduces the reported weight variances 0.33 / 0.09 / 4.55; the notes' `exp(T p)(1-p)` gives 2182.")
finding('imae19.notes_logit_vs_param', 'confirmed',
        "Gradient magnitude at the logits is not the sample's weight on the parameters: for a last linear layer `||dL/dW||_1 = ||f||_1 ||dL/dz||_1`, so the order by logit-gradient norm flips with feature norms.")

# the claims (and figures) of this paper, still in their old homes until they move into this package
from paper_checks import imae19  # noqa: E402,F401
from figures import imae19 as _figures  # noqa: E402,F401
