"""The catalogue's imae19: Wang et al. 2019, "IMAE for Noise-Robust Learning" (via Li's notes).

The paper's declaration and the README's curated findings about it; its claims are in :mod:`.claims`, the
weight curves its figure draws in :mod:`.curves`, the figure in :mod:`.figures`.
"""
from paper_checks.api import finding, paper
from paper_checks.papers.documents import LI_NOTES

paper('imae19',
      authors='X. Wang, E. Kodirov, Y. Hua, N. M. Robertson',
      year=2019,
      title="IMAE for Noise-Robust Learning: Mean Absolute Error Does Not Treat Examples Equally and Gradient "
            "Magnitude's Variance Matters",
      venue='arXiv 1903.12141',
      source=LI_NOTES.file,
      note="read through Li's notes")

finding('imae19.eq13_imae', 'qualified',
        "The notes' Eq. 13 for IMAE is mis-transcribed: only `exp(T p (1-p))` reproduces the reported weight "
        "variances 0.33 / 0.09 / 4.55; the notes' `exp(T p)(1-p)` gives 2182.")
finding('imae19.notes_logit_vs_param', 'confirmed',
        "Gradient magnitude at the logits is not the sample's weight on the parameters: for a last linear layer "
        "`||dL/dW||_1 = ||f||_1 ||dL/dz||_1`, so the order by logit-gradient norm flips with feature norms.")

from paper_checks.papers.imae19 import claims  # noqa: E402,F401
from paper_checks.papers.imae19 import figures as _figures  # noqa: E402,F401
