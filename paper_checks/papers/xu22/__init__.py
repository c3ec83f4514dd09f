"""The catalogue's xu22: Xu et al. 2022, "Mathematical Justification of Hard Negative Mining via Isometric
Approximation Theorem".

The paper's declaration, the README's curated findings about it, then its modules: the claims
(:mod:`.claims`) and the figures (:mod:`.figures`).
"""
from paper_checks.api import finding, paper
from paper_checks.papers.documents import XU22_ABSTRACT

PAPER = paper('xu22',
              authors='A. Xu, J.-Y. Hsieh, B. Vundurthy, E. Cohen, H. Choset, L. Li',
              year=2022,
              title='Mathematical Justification of Hard Negative Mining via Isometric Approximation Theorem',
              venue='arXiv 2210.11173',
              source=XU22_ABSTRACT.file,
              note='abstract only; claims reconstructed')

finding('xu22.collapse_value', 'qualified',
        'A collapsed network\'s triplet loss is alpha per triplet, so the mean is alpha for every miner that selects a '
        'triplet at collapse (hard, batch-hard, random); semi-hard mining selects none (`D_ap < D_an` reads `0 < 0`), '
        'so its mean is 0/0, undefined, and the reconstruction\'s "whatever the mining" fails for it.')
finding('xu22.hnm_isometry', 'refuted',
        'This project\'s reconstruction of the isometry bound, "each hard-mined term is at most 2 d_iso", is false: '
        'the exact three-point example in the report has a hard term of 4 d_iso. 4 is the right constant (triangle '
        'inequality) and it is attained. The abstract gives no constant: the 2 belongs to the reconstruction, not to '
        'Xu et al.')

# the claims modules in registration order, then the figures
from paper_checks.papers.xu22 import claims, figures  # noqa: E402,F401,I001
