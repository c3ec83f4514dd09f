"""The catalogue's gce18: Zhang & Sabuncu 2018, "Generalized Cross Entropy Loss for Training Deep Neural Networks
with Noisy Labels".

The declaration of the paper and the README's curated findings about it; its claims are in the modules
imported below.
"""
from paper_checks.api import finding, paper
from paper_checks.papers.documents import ZHANG18_TEXT

PAPER = paper('gce18',
              authors='Z. Zhang, M. R. Sabuncu',
              year=2018,
              title='Generalized Cross Entropy Loss for Training Deep Neural Networks with Noisy Labels',
              venue='NeurIPS 2018; arXiv 1805.07836',
              source=ZHANG18_TEXT.file,
              note="also summarised in S. Li's study notes 'Robust Losses'")

finding('gce18.eq11_k03', 'refuted',
        'Eq. 11\'s example "when `k >= 0.3` the inequality is satisfied for all `q` and `c`" fails near `q = 1`, '
        'where Eq. 7\'s width vanishes but Eq. 10\'s does not; the smallest counterexample is `q = 1, k = 1/2, c = '
        '2`, and one away from the endpoint is `q = 2/3, k = 1/3, c = 3` (exact margin `2*3^(1/3) - 3 < 0`).')
finding('gce18.eq11_k02', 'refuted',
        'The same holds for the `k >= 0.2` example.')
finding('gce18.eq10_tight', 'qualified',
        "Eq. 10's lower bound is attained only when `d = max(1, (1-q)^(1/q)/k)` is an integer: e.g. `c = 10, q = "
        "1/2, k = 1/10` gives `d = 5/2`, and the true minimum exceeds it.")
finding('gce18.thm1_uniform', 'qualified',
        "Thm 1's constant `A` is defined only for `eta < 1 - 1/c`; there the bound holds exactly. The stated domain "
        "includes `eta = 1 - 1/c`, where `A` is undefined: for `q < 1`, `A -> -inf` (the bound is vacuous); at `q = "
        "1`, `A = 0/0` and its limit 0 is false (the noisy risk is constant, so a noisy minimiser can be as bad as "
        "`D = -1/2`).")
finding('gce18.notes_weight_view', 'confirmed',
        "`1/f_y` is not the sample's weight in the CCE update: ordered by `1/f_y` and by the parameter-gradient "
        "norm, more than 5% of sample pairs disagree at every training stage checked.")
finding('gce18.notes_trunc_drops_clean', 'confirmed',
        'Truncation (Algorithm 1, `k = 0.5`) prunes significantly more than 1% of the correctly labelled samples, '
        'mostly hard ones, yet some that the Bayes classifier labels correctly.')

# its claims in their registration order, then its figures
# isort: off
from paper_checks.papers.gce18 import lq  # noqa: E402,F401
from paper_checks.papers.gce18 import theorems  # noqa: E402,F401
from paper_checks.papers.gce18 import truncation  # noqa: E402,F401
from paper_checks.papers.gce18 import sim  # noqa: E402,F401
from paper_checks.papers.gce18 import figures  # noqa: E402,F401
# isort: on
