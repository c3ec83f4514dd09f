"""The catalogue's ghosh17: Ghosh, Kumar & Sastry 2017, "Robust Loss Functions under Label Noise for Deep Neural
Networks".

The declaration of the paper and the README's curated findings about it; its claims are in the modules
imported below.
"""
from paper_checks.api import finding, paper
from paper_checks.papers.documents import LI_NOTES, ZHANG18_TEXT

PAPER = paper('ghosh17',
              authors='A. Ghosh, H. Kumar, P. S. Sastry',
              year=2017,
              title='Robust Loss Functions under Label Noise for Deep Neural Networks',
              venue='AAAI 2017; arXiv 1712.09482',
              source=f'{LI_NOTES.file} sec. 2; {ZHANG18_TEXT.file} sec. 3.1',
              note="read through Li's notes and Zhang & Sabuncu")

finding('ghosh17.class_dependent_tolerance', 'qualified',
        "Class-dependent tolerance needs diagonally dominant noise: with `R(f*) = 0` alone, `c = 2` and `T[0] = "
        "(1/3, 2/3)` already make MAE's noisy minimiser wrong.")

# its claims in their registration order, then its figures
# isort: off
from paper_checks.papers.ghosh17 import claims  # noqa: E402,F401
from paper_checks.papers.ghosh17 import sim  # noqa: E402,F401
from paper_checks.papers.ghosh17 import figures  # noqa: E402,F401
# isort: on
