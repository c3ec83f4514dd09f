"""The catalogue's dmi19: Xu et al. 2019, "L_DMI: A Novel Information-theoretic Loss Function for Training Deep
Nets Robust to Label Noise".

The paper's declaration and the README's curated findings about it; its claims are in :mod:`.invariance`
(DMI's properties, Eqs. 26, 28, 30) and :mod:`.theorem` (Eq. 32, the notes' doubt on it, the L_DMI minimiser),
its figures in :mod:`.figures`.
"""
from paper_checks.api import finding, paper
from paper_checks.papers.documents import LI_NOTES

paper('dmi19',
      authors='Y. Xu, P. Cao, Y. Kong, Y. Wang',
      year=2019,
      title='L_DMI: A Novel Information-theoretic Loss Function for Training Deep Nets Robust to Label Noise',
      venue='NeurIPS 2019; arXiv 1909.03388',
      source=LI_NOTES.file,
      note="read through Li's notes")

finding('dmi19.dmi_order_invariant', 'qualified',
        "DMI's order invariance needs `det T != 0`.")
finding('dmi19.notes_question', 'qualified',
        "The notes' doubt on Eq. 32 holds only outside the theorem's reach: a classifier trained on the noisy labels "
        "satisfies Eq. 32 on fresh samples (the population identity the theorem states); it fails for the empirical "
        "table of the very sample the classifier was fitted to, and under x-dependent noise, which the theorem "
        "excludes.")
finding('dmi19.loss_minimiser', 'qualified',
        'The L_DMI minimiser is unchanged by the noise only when `det T != 0`.')

from paper_checks.papers.dmi19 import figures as _figures  # noqa: E402,F401
from paper_checks.papers.dmi19 import invariance, theorem  # noqa: E402,F401  (claims, in registration order)
