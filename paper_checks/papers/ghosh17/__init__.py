"""The catalogue's ghosh17: Ghosh, Kumar & Sastry 2017, "Robust Loss Functions under Label Noise for Deep Neural Networks".

Its source documents and the README's curated findings; its claims are in the modules imported below.
"""
from paper_checks.api import document, finding

document('003_05482f4d520d534e.txt', tag='003',
         description='S. Li, “Robust Losses”, study notes summarising Ghosh et al. 2017, Zhang & Sabuncu 2018, Wang et al. (IMAE), Wang et al. 2019 (SCE) and Xu et al. 2019 (L_DMI) (full text)')
document('004_bedc5f2f9c2d4575.txt', tag='004',
         description='Zhang & Sabuncu, “Generalized Cross Entropy Loss for Training Deep Neural Networks with Noisy Labels”, NeurIPS 2018 (main text)')

finding('ghosh17.class_dependent_tolerance', 'qualified',
        "Class-dependent tolerance needs diagonally dominant noise: with `R(f*) = 0` alone, `c = 2` and `T[0] = (1/3, 2/3)` already make MAE's noisy minimiser wrong.")

# the claims (and figures) of this paper, still in their old homes until they move into this package
from paper_checks import ghosh17, ghosh17_sim  # noqa: E402,F401
from figures import ghosh17 as _figures  # noqa: E402,F401
