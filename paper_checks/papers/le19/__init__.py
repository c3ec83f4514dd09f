"""The catalogue's le19: Le & Odobez 2019, "Theoretical Guarantees of Deep Embedding Losses Under Label Noise".

The paper's declaration, the README's curated findings about it, then its modules: the exact risk
claims (:mod:`.risks`), the training claims (:mod:`.training`, on the studies of :mod:`.studies`) and
the figures (:mod:`.figures`), in the order their claims register.
"""
from paper_checks.api import finding, paper
from paper_checks.papers.documents import LE19_SUMMARY

PAPER = paper('le19',
              authors='N. Le, J.-M. Odobez',
              year=2019,
              title='Theoretical Guarantees of Deep Embedding Losses Under Label Noise',
              venue='arXiv 1812.02676',
              source=LE19_SUMMARY.file,
              note='title, abstract and key findings only; claims reconstructed')

finding('le19.margin_robust', 'proved',
        'With balanced pair sampling the noisy margin risk is `(1 - C eta/(C-1))^2 R + const`, a square, so the '
        'condition `eta < (C-1)/C` is sufficient but not necessary.')
finding('le19.sampling', 'qualified',
        'Natural pair sampling tolerates less noise than balanced sampling, and in a weaker sense: its noisy risk '
        'stays increasing in both class-conditional clean risks only for `eta < eta_nat(C)` (which tends to '
        '`1 - 1/sqrt(2)`), and even there, for every `eta > 0` at `C >= 3`, its minimiser minimises a re-weighted '
        'clean risk, not the natural one; balanced sampling keeps the clean minimiser for every `eta != (C-1)/C`. '
        'At `C = 2` the two samplings coincide.')
finding('le19.triplet_robust', 'proved',
        "The triplet loss's robustness needs exchangeable classes: it holds for every `C` with uniformly sampled "
        "classes and fails with a fixed class pattern (counterexample in the report).")

# the claims modules in registration order, then the figures
from paper_checks.papers.le19 import risks, training, figures  # noqa: E402,F401,I001
