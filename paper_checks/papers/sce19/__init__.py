"""The catalogue's sce19: Wang et al. 2019, "Symmetric Cross Entropy for Robust Learning with Noisy Labels".

Its source documents and the README's curated findings; its claims are in the modules imported below.
"""
from paper_checks.api import document, finding

document('003_05482f4d520d534e.txt', tag='003',
         description='S. Li, “Robust Losses”, study notes summarising Ghosh et al. 2017, Zhang & Sabuncu 2018, Wang et al. (IMAE), Wang et al. 2019 (SCE) and Xu et al. 2019 (L_DMI) (full text)')


# the claims (and figures) of this paper, still in their old homes until they move into this package
from paper_checks import sce19  # noqa: E402,F401
from figures import sce19 as _figures  # noqa: E402,F401
