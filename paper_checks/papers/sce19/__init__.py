"""The catalogue's sce19: Wang et al. 2019, "Symmetric Cross Entropy for Robust Learning with Noisy Labels".

The paper's declaration; its claims are in :mod:`.claims`, the class-bias training runs in :mod:`.studies`,
the figure in :mod:`.figures`.
"""
from paper_checks.api import paper
from paper_checks.papers.documents import LI_NOTES

paper('sce19',
      authors='Y. Wang, X. Ma, Z. Chen, Y. Luo, J. Yi, J. Bailey',
      year=2019,
      title='Symmetric Cross Entropy for Robust Learning with Noisy Labels',
      venue='ICCV 2019; arXiv 1908.06112',
      source=LI_NOTES.file,
      note="read through Li's notes")

from paper_checks.papers.sce19 import claims  # noqa: E402,F401
from paper_checks.papers.sce19 import figures as _figures  # noqa: E402,F401
