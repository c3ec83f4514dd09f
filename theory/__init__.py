"""Exact mathematics of the noise-robust losses, in SymPy only (no NumPy import).

Modules, one topic each:

- :mod:`label_noise_lab.theory.simplex`: symbolic points of the probability simplex (free coordinates,
  softmax parametrisation), exact rational points, absolute values resolved on the simplex.
- :mod:`label_noise_lab.theory.losses`: CCE, MAE, MSE, unhinged, ``L_q``, truncated ``L_q`` and RCE as
  SymPy expressions, each also in separable form ``L(f, e_j) = sum_k phi(delta_jk, f_k)``; and the
  zoo of eighteen published losses, each written once with its citation (``ZOO``, ``parse_spec``);
  a user's loss is read by :mod:`label_noise_lab.theory.user_losses` (``loss``, ``from_expression``, ``from_callable``).
  From each ``label_noise_lab.simulate.losses.derived_loss`` derives the NumPy value and gradient and
  ``paper_checks.trials.simplex`` computes the properties.
- :mod:`label_noise_lab.theory.expressions`: a user's formula (``"(1 - p**0.5)/0.5"``) or number (``"0.7"``) read
  against a whitelist of Python's syntax tree, with size caps, never evaluated; ``from_expression`` and
  ``parse_spec`` read through it.
- :mod:`label_noise_lab.theory.loss_parameters`: the losses' parameters checked and made exact (``check_q``,
  ``check_k``, ``check_A``, ``number_parameter`` for a zoo spec's values).
- :mod:`label_noise_lab.theory.symmetry`: class sums ``sum_j L(f, e_j)`` and the symmetry test of
  Ghosh et al. (Zhang & Sabuncu 2018, Eq. 3).
- :mod:`label_noise_lab.theory.noisy_risk`: the noisy risk as an affine function of the clean risk
  under uniform noise, and the class-dependent identity of Ghosh et al.
- :mod:`label_noise_lab.theory.gce`: the bounds of Zhang & Sabuncu 2018, Eqs. 7-11 and Thms 1-2.
- :mod:`label_noise_lab.theory.correction`: backward and forward loss correction (Patrini et al. 2017,
  Thms 1-2) for generic symbolic ``T`` (:mod:`label_noise_lab.theory.transition`); the sec. 5.1 noise matrices
  with symbolic ``N`` are in :mod:`label_noise_lab.theory.benchmark_matrices` (re-exported by
  ``label_noise_lab.theory.correction``).
- :mod:`label_noise_lab.theory.dmi`: determinant-based mutual information (Xu et al. 2019); the exact L_DMI
  minimisers of a finite hypothesis class are in :mod:`label_noise_lab.theory.dmi_enumeration` (re-exported).
- :mod:`label_noise_lab.theory.binary`: binary labels ``y`` in ``{-1, +1}`` under class-conditional noise
  ``(rho_+, rho_-)``: the unbiased estimator (Natarajan et al. 2013, Lemma 1), the ``alpha``-weighted
  loss (their Thm 9), noisy posteriors and conditional risks, for SymPy and NumPy values alike.
- :mod:`label_noise_lab.theory.margin`: the margin-loss zoo ``phi(v)`` (0-1, hinge, logistic, exponential, squared,
  unhinged, ramp, sigmoid, Savage, truncated variants), each with its citation, and a user's
  expression in ``v`` read by :mod:`label_noise_lab.theory.expressions`; :mod:`label_noise_lab.theory.real_line`
  analyses such a piecewise function
  exactly (pieces, signs, infima, convexity).
- :mod:`label_noise_lab.theory.validators`: the integer validators (``check_int``, ``check_classes``), plain Python,
  shared with :mod:`simulate`.
- :mod:`label_noise_lab.theory.hessian`: exact Hessians of tiny ReLU/linear networks, the exact
  counterexample to Patrini et al. 2017, Thm 4 across layers.
"""
