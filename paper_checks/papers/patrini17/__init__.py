"""The catalogue's patrini17: Patrini et al. 2017, "Making Deep Neural Networks Robust to Label Noise: a Loss
Correction Approach".

The paper, the README's curated findings about it, and its claims and figures in the modules imported below
(in the order the claims were registered before the move: the loss-correction checks, the Hessian checks, the
simulations, then the figures).
"""
from paper_checks.api import finding, paper
from paper_checks.papers.documents import PATRINI17_TEXT

PAPER = paper('patrini17',
              authors='G. Patrini, A. Rozza, A. K. Menon, R. Nock, L. Qu',
              year=2017,
              title='Making Deep Neural Networks Robust to Label Noise: a Loss Correction Approach',
              venue='CVPR 2017; arXiv 1609.03683',
              source=PATRINI17_TEXT.file)

finding('patrini17.thm4_hessian', 'refuted',
        "Patrini et al.'s Thm 4 is false for any network with a hidden layer: the proof treats `W^(n) x^(n-1)` as "
        "piecewise linear in the parameters, but it is bilinear in consecutive layers' weights, so the cross-layer "
        "Hessian blocks depend on the label (exact counterexample with one input, one hidden ReLU and two classes).")
finding('patrini17.benchmark_T', 'qualified',
        "The sec. 5.1 matrices are invertible at the paper's `N = 0.2, 0.6`, so the corrections apply there; but Thm "
        "3's argmax (Eq. 12) needs each column of `T` uniquely maximal on its diagonal, which the flips give only for "
        "`N < 1/2`: at `N = 0.6` it picks wrong anchors even with exact probabilities (MNIST classes 5, 6, 7 get the "
        "perfect examples of 6, 5, 2, and the estimated `T` is singular), consistent with the collapsed estimated-T "
        "columns of their Table 2.")
finding('patrini17.forward_beats_backward', 'qualified',
        "Forward correction beats backward in most noise settings, but on one synthetic data set only "
        "(Gaussian clusters): the real-data half (scikit-learn's 8x8 digits) runs with "
        "`pip install \".[replicate]\"`, and only then can the claim be `confirmed`.")
finding('patrini17.thm3_anchor', 'qualified',
        "Thm 3 holds exactly, but the estimator needs perfect examples in `X'`, and the 97th-percentile variant needs "
        "more than 3% of them per class.")
finding('patrini17.backward_conditioning', 'qualified',
        "Mixing `T` with the identity trades the backward correction's variance for a bias that does not shrink with "
        "`n`. Some small weight helps at every `n` (the MSE's slope at `w = 0` is `Var'(0)/n < 0`), but only weights "
        "below `w_max(n)` help, and the best weight `w*(n)` and its gain (computed from the exact moments, in the "
        "report) shrink as `n` grows; a fixed weight hurts once `n > n*(w)`.")

from paper_checks.papers.patrini17 import (  # noqa: E402,F401  (claim order: as before the move)
              claims,
              figures,  # noqa: E402,F401
              hessian,
              sim,
)
