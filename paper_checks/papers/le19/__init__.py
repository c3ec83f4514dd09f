"""The catalogue's le19: Le & Odobez 2019, "Theoretical Guarantees of Deep Embedding Losses Under Label Noise".

The README's curated findings about it; its claims are in the modules imported below.
"""
from paper_checks.api import finding

finding('le19.margin_robust', 'proved',
        'With balanced pair sampling the noisy margin risk is `(1 - C eta/(C-1))^2 R + const`, a square, so the condition `eta < (C-1)/C` is sufficient but not necessary.')
finding('le19.sampling', 'qualified',
        'Natural pair sampling tolerates much less noise than balanced sampling: `eta < eta_nat(C)`, which tends to `1 - 1/sqrt(2)`, and nothing at `C = 2`.')
finding('le19.triplet_robust', 'proved',
        "The triplet loss's robustness needs exchangeable classes: it holds for every `C` with uniformly sampled classes and fails with a fixed class pattern (counterexample in the report).")

# the claims (and figures) of this paper, still in their old homes until they move into this package
from paper_checks import le19  # noqa: E402,F401
from figures import le19 as _figures  # noqa: E402,F401
