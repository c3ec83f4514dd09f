"""The catalogue's imae19: Wang et al. 2019, "IMAE for Noise-Robust Learning" (via Li's notes).

Its source documents and the README's curated findings; its claims are in the modules imported below.
"""
from paper_checks.api import document, finding

document('003_05482f4d520d534e.txt', tag='003',
         description='S. Li, “Robust Losses”, study notes summarising Ghosh et al. 2017, Zhang & Sabuncu 2018, Wang et al. (IMAE), Wang et al. 2019 (SCE) and Xu et al. 2019 (L_DMI) (full text)')

finding('imae19.eq13_imae', 'qualified',
        "The notes' Eq. 13 for IMAE is mis-transcribed: only `exp(T p (1-p))` reproduces the reported weight variances 0.33 / 0.09 / 4.55; the notes' `exp(T p)(1-p)` gives 2182.")
finding('imae19.notes_logit_vs_param', 'confirmed',
        "Gradient magnitude at the logits is not the sample's weight on the parameters: for a last linear layer `||dL/dW||_1 = ||f||_1 ||dL/dz||_1`, so the order by logit-gradient norm flips with feature norms.")

# the claims (and figures) of this paper, still in their old homes until they move into this package
from paper_checks import imae19  # noqa: E402,F401
from figures import imae19 as _figures  # noqa: E402,F401
