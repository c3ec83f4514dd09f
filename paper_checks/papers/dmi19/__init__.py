"""The catalogue's dmi19: Xu et al. 2019, "L_DMI: A Novel Information-theoretic Loss Function for Training Deep Nets Robust to Label Noise".

The README's curated findings about it; its claims are in the modules imported below.
"""
from paper_checks.api import finding

finding('dmi19.dmi_order_invariant', 'qualified',
        "DMI's order invariance needs `det T != 0`.")
finding('dmi19.notes_question', 'qualified',
        "The notes' doubt on Eq. 32 holds only outside the theorem's reach: a classifier trained on the noisy labels satisfies Eq. 32 on fresh samples (the population identity the theorem states); it fails for the empirical table of the very sample the classifier was fitted to, and under x-dependent noise, which the theorem excludes.")
finding('dmi19.loss_minimiser', 'qualified',
        'The L_DMI minimiser is unchanged by the noise only when `det T != 0`.')

# the claims (and figures) of this paper, still in their old homes until they move into this package
from paper_checks import dmi19  # noqa: E402,F401
from figures import dmi19 as _figures  # noqa: E402,F401
