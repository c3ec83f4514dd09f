"""Checks of patrini17 sec. 4.4: Thm 4 (noise-free Hessians via ReLU) and Table 1's forward row.

Source: Patrini et al. 2017, sec. 4.4, Thm 4, its proof (Eqs. 14-16), footnote 4
and Table 1 (Patrini, Rozza, Menon, Nock & Qu 2017, "Making deep neural networks robust to
label noise: a loss correction approach").

Hessians over *all* parameters are computed in float64 by second-order forward mode
(:mod:`label_noise_lab.simulate.hessian`; cross-checked against central finite differences of the
back-propagated gradient) for a linear softmax model, ReLU networks with one and two hidden
layers and a sigmoid network with one, and exactly (SymPy rationals, :mod:`label_noise_lab.theory.hessian`)
for the smallest networks that decide the claims. A float difference counts as zero when
``||D||_F <= RTOL ||H||_F`` with ``RTOL = 1e-10`` (float64 rounding of these Hessians is
about ``1e-16`` relative, the non-zero differences found are ``1e-2`` and larger).
NumPy only: the Hessians have at most 74 x 74 entries, far too small for a GPU to help.
"""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np
import sympy

from label_noise_lab.simulate import hessian as hs
from label_noise_lab.simulate.noise import TransitionMatrix, random_transition, uniform_noise
from label_noise_lab.theory import hessian as th
from paper_checks.api import Context, Evidence, claim, figure_data
from paper_checks.papers.documents import PATRINI17_TEXT
from paper_checks.papers.patrini17 import hessian_study as hst

RTOL = 1e-10
"""A Hessian difference is zero when ``||D||_F <= RTOL ||H||_F`` (``H`` the clean Hessian)."""
FD_RTOL = 1e-6
"""Largest accepted ``max |H - H_fd| / ||H||_F`` between the analytic and finite-difference Hessians."""
EXACT_ATOL = 1e-12
"""Largest accepted ``max |D_float - D_exact|`` at the exact examples (entries are O(1))."""
THM4_COMPARISONS = ("noise", "backward")
FORWARD_COMPARISONS = ("forward", "forward_noise")
RELU_MODELS = ("linear", "relu1", "relu2")
SIZES = dict(n=8, dim=3, c=3, hidden=4)
FLIP_RATE = sympy.Rational(3, 10)


# ---------------------------------------------------------------- float suite
def _transition(d: int, rng: np.random.Generator, c: int) -> TransitionMatrix:
    """Draw ``d``: uniform flips of rate 3/10 on even draws, a random ``T`` with diagonal 0.7 on odd ones."""
    return uniform_noise(c, float(FLIP_RATE)) if d % 2 == 0 else random_transition(c, rng, diag=0.7)


def draw_sizes(d: int) -> dict[str, int]:
    """Sizes of draw ``d``: ``c`` cycles through 3, 4, 2 and the hidden width through 4, 2, 5, 3."""
    return {**SIZES, "c": (3, 4, 2)[d % 3], "hidden": (4, 2, 5, 3)[d % 4]}


def hessian_suite(rng: np.random.Generator, draws: int, *, models: Sequence[str] = tuple(hst.MODELS),
                  comparisons: Sequence[str] = tuple(hst.COMPARISONS), T: TransitionMatrix | None = None
                  ) -> list[dict[str, dict[str, hst.HessianDifference]]]:
    """``draws`` independent calls of :func:`paper_checks.papers.patrini17.hessian_study.block_difference_norms`.

    Draw ``d`` has its own sizes (:func:`draw_sizes`; ``c = T.c`` when ``T`` is given),
    models, sample and ``T`` (:func:`_transition`, or the ``T`` given).
    """
    if draws < 1:
        raise ValueError(f"draws must be >= 1, got {draws!r}")
    out = []
    for d in range(draws):
        sizes = draw_sizes(d) if T is None else {**draw_sizes(d), "c": T.c}
        Td = T if T is not None else _transition(d, rng, sizes["c"])
        out.append(hst.block_difference_norms(rng, T=Td, models=models, comparisons=comparisons, **sizes))
    return out


def _over_draws(results: Sequence[dict[str, dict[str, hst.HessianDifference]]], model: str, cmp: str,
                attr: str = "relative", agg: Any = max) -> float:
    return float(agg(getattr(r[model][cmp], attr) for r in results))


def finite_difference_agreement(rng: np.random.Generator, T: TransitionMatrix | None = None) -> dict[str, float]:
    """``max |H - H_fd| / ||H||_F`` per model over the clean, noisy, backward and forward losses.

    ``H_fd`` is central differences (step 1e-5) of the back-propagated gradient, itself
    compared with central differences of the loss (``"<model> gradient"`` entries).
    """
    c = SIZES["c"]
    T = random_transition(c, rng, diag=0.7) if T is None else T
    out: dict[str, float] = {}
    for name in hst.MODELS:
        s = hst.random_setting(name, rng, **SIZES)
        err_h, err_g = 0.0, 0.0
        for kind, base in (("clean", "cce"), ("noisy", "cce"), ("backward", "cce"), ("clean", "forward")):
            w = hs.label_mixture(kind, s.labels, c, T)
            H = hs.loss_hessian(s.params, s.X, w, s.activation, base, T)
            Hfd = hs.finite_difference_hessian(s.params, s.X, w, s.activation, base, T)
            err_h = max(err_h, float(np.abs(H - Hfd).max() / np.linalg.norm(H)))
            g = hs.loss_gradient(s.params, s.X, w, s.activation, base, T)
            gfd = hs.finite_difference_gradient(s.params, s.X, w, s.activation, base, T)
            err_g = max(err_g, float(np.abs(g - gfd).max() / np.linalg.norm(g)))
        out[name] = err_h
        out[f"{name} gradient"] = err_g
    return out


# ---------------------------------------------------------------- float <-> exact
def float_network(net: th.ExactNetwork) -> hs.Params:
    """The float64 params dict of an exact network (same flat order)."""
    out: hs.Params = {}
    for layer, (W, b) in enumerate(zip(net.weights, net.biases)):
        out[f"W{layer}"] = np.array([[float(v) for v in W.row(i)] for i in range(W.rows)])
        out[f"b{layer}"] = np.array([float(v) for v in b])
    return out


def float_differences(ex: th.HessianExample) -> dict[str, np.ndarray]:
    """The differences of ``ex`` recomputed by :mod:`label_noise_lab.simulate.hessian` in float64."""
    params = float_network(ex.network)
    X = np.array([[float(v) for v in ex.x]])
    y = np.array([ex.label])
    c = ex.network.c
    T = TransitionMatrix(np.array([[float(v) for v in ex.T.row(i)] for i in range(c)]))
    act = ex.network.activation
    d = hs.logit_derivatives(params, X, act)
    H0 = hs.loss_hessian(params, X, hs.label_mixture("clean", y, c), act, derivs=d)
    mix = {"label": ("clean", (y + 1) % c, "cce"), "noise": ("noisy", y, "cce"), "backward": ("backward", y, "cce"),
           "forward": ("clean", y, "forward"), "forward_noise": ("noisy", y, "forward")}
    out = {}
    for k in ex.differences:
        kind, labels, base = mix[k]
        out[k] = hs.loss_hessian(params, X, hs.label_mixture(kind, labels, c, T), act, base, T, derivs=d) - H0
    return out


def float_exact_error(ex: th.HessianExample) -> float:
    """``max |D_float - D_exact|`` over every difference of ``ex``."""
    fl = float_differences(ex)
    return max(float(np.abs(fl[k] - np.array(ex.differences[k].tolist(), dtype=float)).max()) for k in fl)


def rounded_example(setting: hst.Setting, T: sympy.Matrix, comparisons: Sequence[str] = THM4_COMPARISONS,
                    denominators: Sequence[int] = (16, 64, 256)) -> th.HessianExample:
    """A float setting's model and worst sample rounded to a rational grid, evaluated exactly.

    Re-evaluates a case found in floating point exactly (docs/design.md, "Counterexamples"): the
    sample is the one whose float Hessian under noise differs most from its clean Hessian
    (a sample whose ReLUs are all off has none); the grid is refined when rounding puts a
    ReLU exactly on its kink.
    """
    p = setting.params
    c = p[f"W{len(p) // 2 - 1}"].shape[1]
    Tf = np.array(T.tolist(), dtype=float)
    d = hs.logit_derivatives(p, setting.X, setting.activation)
    w = Tf[setting.labels] - np.eye(c)[setting.labels]
    per_sample = np.linalg.norm(np.einsum("nk,nkpq->npq", w, d.hessians), axis=(1, 2))
    i = int(np.argmax(per_sample))
    x0, y0 = setting.X[i], int(setting.labels[i])
    L = len(p) // 2
    for den in denominators:
        def q(v: float) -> sympy.Rational:
            return sympy.Rational(int(round(float(v) * den)), den)

        Ws = tuple(sympy.Matrix([[q(v) for v in row] for row in p[f"W{layer}"]]) for layer in range(L))
        bs = tuple(sympy.Matrix([[q(v) for v in p[f"b{layer}"]]]) for layer in range(L))
        net = th.ExactNetwork(Ws, bs, setting.activation)
        try:
            return th.hessian_example(net, [q(v) for v in x0], y0, T,
                                      f"{setting.name} network of the float suite rounded to multiples of 1/{den}, "
                                      f"sample {i}, label {y0}", comparisons=comparisons, full=False)
        except ValueError as exc:  # a unit on its kink after rounding: refine the grid
            if "kink" not in str(exc):
                raise
    raise ValueError(f"rounding {setting.name} to 1/{denominators[-1]} still puts a ReLU on its kink")


def _uniform_exact(c: int, eta: sympy.Rational) -> sympy.Matrix:
    return sympy.Matrix(c, c, lambda i, j: 1 - eta if i == j else eta / (c - 1))


# ---------------------------------------------------------------- verdict helpers
def _cross_check_failures(cross_checks: dict[str, tuple[float, float]]) -> list[str]:
    return [f"{k}: {v:.3g} > {tol:.3g}" for k, (v, tol) in cross_checks.items() if not v <= tol]


def thm4_evidence(results: Sequence[dict[str, dict[str, hst.HessianDifference]]],
                  exact: Sequence[th.HessianExample], *, rtol: float = RTOL,
                  relu_models: Sequence[str] = RELU_MODELS,
                  cross_checks: dict[str, tuple[float, float]] | None = None,
                  numbers: dict[str, Any] | None = None) -> Evidence:
    """The verdict on Thm 4 from float Hessian differences and exact examples.

    ``refuted`` when some ReLU model (of ``relu_models`` present in ``results``) has a
    ``noise`` or ``backward`` difference above ``rtol ||H||_F`` *and* an exact ReLU example
    has an exactly non-zero one; ``confirmed`` when neither path finds a difference;
    ``inconclusive`` when the paths disagree or a cross-check (name -> (error, tolerance))
    fails.
    """
    if not results:
        raise ValueError("thm4_evidence needs at least one draw of Hessian differences")
    present = [m for m in results[0]]
    relu = [m for m in relu_models if m in present]
    worst = {m: {k: _over_draws(results, m, k) for k in THM4_COMPARISONS if k in results[0][m]} for m in present}
    failing = [(m, k, v) for m in relu for k, v in worst[m].items() if v > rtol]
    exact_cx = [ex for ex in exact if ex.network.activation == "relu" and ex.nonzero(THM4_COMPARISONS)]
    nums: dict[str, Any] = {
        "rtol_relative_to_||H||_F": rtol,
        "draws": len(results),
        "max_relative_difference": worst,
        "max_within_layer_block_relative": {m: max(_over_draws(results, m, k, "diagonal_relative")
                                                   for k in worst[m]) for m in present},
        "max_cross_layer_block_relative": {m: max(_over_draws(results, m, k, "cross_relative")
                                                  for k in worst[m]) for m in present},
        "min_cross_layer_block_relative": {m: min(_over_draws(results, m, k, "cross_relative", min)
                                                  for k in worst[m]) for m in present},
        "max_last_layer_block_relative": {m: max(_over_draws(results, m, k, "last_layer_relative")
                                                 for k in worst[m]) for m in present},
        "exact_examples": {ex.description: {"nonzero": ex.nonzero(), "nonzero_layer_blocks": ex.nonzero_blocks}
                           for ex in exact},
        **(numbers or {}),
    }
    if "backward_noise" in results[0][present[0]]:
        nums["max_relative_backward_expected_under_noise"] = {m: _over_draws(results, m, "backward_noise")
                                                              for m in present}
    bad = _cross_check_failures(cross_checks or {})
    if cross_checks:
        nums["cross_checks"] = {k: {"error": v, "tolerance": t} for k, (v, t) in cross_checks.items()}
    if bad:
        return Evidence("inconclusive", "exact", "a cross-check of the Hessians failed (" + "; ".join(bad) +
                        "), so their differences cannot be trusted; agreement of the analytic, finite-difference "
                        "and exact Hessians would decide.", numbers=nums)
    lin = f"{max(worst['linear'].values()):.1e}" if "linear" in worst else "n/a"
    if failing and exact_cx:
        ex = exact_cx[0]
        hidden = [m for m in relu if m != "linear"]
        cross_min = min((nums["min_cross_layer_block_relative"][m] for m in hidden), default=float("nan"))
        diag_max = max((nums["max_within_layer_block_relative"][m] for m in relu), default=float("nan"))
        noise_entries = th.nonzero_entries(ex.differences["noise"], ex.names)
        back_entries = th.nonzero_entries(ex.differences["backward"], ex.names)
        cx = {"exact_example": ex.to_json(), "float_failures": [{"model": m, "comparison": k, "relative": v}
                                                                for m, k, v in failing],
              "verified": "exact SymPy rationals; the float Hessians of label_noise_lab.simulate.hessian "
                          "reproduce them"}
        every = "in every one" if cross_min > rtol else "in some"
        depths = sorted({hst.MODELS[m][0] for m in hidden if m in hst.MODELS})
        bn = nums.get("max_relative_backward_expected_under_noise")
        survives_bn = (f", and Table 1's Hessian of the expected backward-corrected loss (equal to the clean one by "
                       f"Thm 1 for any network: <= {max(bn.values()):.1e} ||H||_F, sigmoid included)") if bn else ""
        summary = (f"False once there is a hidden layer, because the logits are bilinear (not linear) in consecutive "
                   f"layers' weights: exactly, at the {ex.description}, the Hessian under noise minus the clean one "
                   f"is {_fmt(noise_entries)} and the backward-corrected minus the plain one {_fmt(back_entries)}; in "
                   f"float64 the ReLU nets with {' and '.join(map(str, depths))} hidden layer(s) had cross-layer "
                   f"differences >= {cross_min:.2g} ||H||_F {every} of {len(results)} draws; what survives is the "
                   f"linear softmax model (difference {lin} ||H||_F), every within-layer block (<= {diag_max:.1e} "
                   f"||H||_F, so the Hessian in any single layer, e.g. the last){survives_bn}.")
        return Evidence("refuted", "exact", summary, numbers=nums, counterexample=cx)
    if not failing and not exact_cx:
        return Evidence("confirmed", "exact", f"Every Hessian difference under noise and backward correction was at "
                        f"most {rtol:g} ||H||_F for {', '.join(relu)} over {len(results)} draws, and every exact "
                        f"example's difference is exactly 0.", numbers=nums)
    return Evidence("inconclusive", "exact", "the float Hessians and the exact examples disagree on whether the "
                    f"Hessian changes (float differences above {rtol:g} ||H||_F: {len(failing)}; exact ReLU "
                    f"counterexamples: {len(exact_cx)}); an exact evaluation of a failing float case would decide.",
                    numbers=nums)


def forward_evidence(results: Sequence[dict[str, dict[str, hst.HessianDifference]]],
                     exact: Sequence[th.HessianExample], *, rtol: float = RTOL,
                     cross_checks: dict[str, tuple[float, float]] | None = None,
                     numbers: dict[str, Any] | None = None) -> Evidence:
    """The verdict on Table 1's forward row ("no guarantee" that the Hessian is unchanged).

    The statement has two halves, each an existence claim: the forward-corrected Hessian differs from
    the plain one (``"forward"``), and its expectation under noise from the clean Hessian
    (``"forward_noise"``). ``proved`` when one exact example differs in *both* (a rational witness of
    each half) and the float suite sees differences above ``rtol ||H||_F``; ``confirmed`` with float
    differences only, or an exact witness of one half only; ``inconclusive`` when no difference is found
    (e.g. ``T = I``), or the paths disagree, or a cross-check fails.
    """
    if not results:
        raise ValueError("forward_evidence needs at least one draw of Hessian differences")
    present = list(results[0])
    worst = {m: {k: _over_draws(results, m, k) for k in FORWARD_COMPARISONS} for m in present}
    least = {m: {k: _over_draws(results, m, k, agg=min) for k in FORWARD_COMPARISONS} for m in present}
    differ = [m for m in present if max(worst[m].values()) > rtol]
    every = [m for m in present if min(least[m].values()) > rtol]
    # a witness of the whole statement differs exactly in both halves, not in either one
    witnesses = [ex for ex in exact if set(ex.nonzero(FORWARD_COMPARISONS)) == set(FORWARD_COMPARISONS)]
    halves = sorted({k for ex in exact for k in ex.nonzero(FORWARD_COMPARISONS)})
    nums: dict[str, Any] = {"rtol_relative_to_||H||_F": rtol, "draws": len(results), "max_relative_difference": worst,
                            "min_relative_difference": least,
                            "exact_examples": {ex.description: {"nonzero": ex.nonzero(),
                                                                "nonzero_layer_blocks": ex.nonzero_blocks}
                                               for ex in exact},
                            **(numbers or {})}
    bad = _cross_check_failures(cross_checks or {})
    if cross_checks:
        nums["cross_checks"] = {k: {"error": v, "tolerance": t} for k, (v, t) in cross_checks.items()}
    if bad:
        return Evidence("inconclusive", "exact", "a cross-check of the Hessians failed (" + "; ".join(bad) + ").",
                        numbers=nums)
    if differ and witnesses:
        ex = witnesses[0]
        lo = min(min(least[m].values()) for m in present)
        where = (" even for the linear model, whose l and l_backward Hessians do not change"
                 if len(ex.network.weights) == 1 else "")
        entries = _fmt(th.nonzero_entries(ex.differences["forward"], ex.names))
        noisy = _fmt(th.nonzero_entries(ex.differences["forward_noise"], ex.names), limit=2)
        summary = (f"The forward correction changes the Hessian{where}: at the exact {ex.description} the "
                   f"forward-corrected minus the plain Hessian has entries {entries} (T = {ex.T.tolist()}), and its "
                   f"expectation under noise minus the clean Hessian has entries {noisy}; in float64 "
                   f"it differed for {len(every)} of {len(present)} models "
                   f"({', '.join(present)}) in every one of {len(results)} draws (at least {lo:.2g} ||H||_F, also "
                   f"under noise)")
        ctrl = nums.get("control_T_identity_max_relative")
        summary += (f"; with T = I it differs by at most {max(ctrl.values()):.1e} ||H||_F." if ctrl else ".")
        return Evidence("proved", "exact", summary, numbers=nums,
                        counterexample={"exact_witness": ex.to_json(), "verified": "exact SymPy rationals"})
    if differ:
        exact_txt = (f"an exact witness of {', '.join(halves)} only, not of both halves" if halves
                     else "no exact witness")
        return Evidence("confirmed", "exact", f"The forward-corrected Hessian differed from the plain one by more than "
                        f"{rtol:g} ||H||_F for {', '.join(differ)} (float64; {exact_txt}).", numbers=nums)
    return Evidence("inconclusive", "exact", f"No forward-corrected Hessian differed from the plain one by more than "
                    f"{rtol:g} ||H||_F ({len(results)} draws"
                    + ("; yet an exact example differs" if witnesses else "")
                    + "); a T with a non-trivial forward correction would decide.", numbers=nums)


def _fmt(entries: dict[str, Any], limit: int = 4) -> str:
    items = [f"({k}) {v}" for k, v in list(entries.items())[:limit]]
    more = len(entries) - limit
    return "{" + "; ".join(items) + (f"; {more} more" if more > 0 else "") + "}"


# ---------------------------------------------------------------- the checks
@figure_data
def hessian_data(ctx: Context) -> list[dict[str, dict[str, hst.HessianDifference]]]:
    """The float64 Hessian differences of ``patrini17.thm4_hessian`` (``patrini17_hessian_blocks`` draws the first)."""
    return hessian_suite(ctx.rng(0), ctx.pick(3, 24, 120))


@claim("patrini17.thm4_hessian", figures=("patrini17_hessian_blocks",),
       source=f"{PATRINI17_TEXT.file}, sec. 4.4, Thm 4 and its proof (Eqs. 14-16), footnote 4, Table 1",
       statement="For networks whose activations are all ReLU, the Hessian of the loss does not change under noise, "
                 "and the Hessians of l_backward and l are the same for any T (Thm 4). Checked over all parameters for "
                 "a linear softmax model and ReLU networks with one and two hidden layers (cross-entropy; Hessian "
                 "under noise = E over the noisy label y~ ~ T[y, :] of the Hessian at y~); also a sigmoid network.",
       method="exact", expected="refuted")
def thm4_hessian(ctx: Context) -> Evidence:
    ctx.say("float64 Hessians of four models")
    results = hessian_data(ctx)
    ctx.say("finite-difference cross-check")
    fd = finite_difference_agreement(ctx.rng(1))
    ctx.say("exact examples (SymPy)")
    c = SIZES["c"]
    relu_ex, lin_ex, sig_ex = th.relu_counterexample(), th.linear_example(), th.sigmoid_counterexample()
    found_setting = hst.random_setting("relu2", ctx.rng(2), **SIZES)
    found = rounded_example(found_setting, _uniform_exact(c, FLIP_RATE))
    structure = {str(s): {f"{a}-{b}": v for (a, b), v in th.logit_hessian_blocks(s).items()}
                 for s in ((2, 3), (2, 2, 3), (2, 2, 2, 2))}
    cross = {f"analytic vs finite-difference Hessian, {m}": (v, FD_RTOL) for m, v in fd.items()
             if not m.endswith("gradient")}
    cross.update({f"back-propagated vs finite-difference gradient, {m[:-9]}": (v, FD_RTOL) for m, v in fd.items()
                  if m.endswith("gradient")})
    for ex in (relu_ex, lin_ex, sig_ex, found):
        cross[f"float vs exact Hessian differences, {ex.description}"] = (float_exact_error(ex), EXACT_ATOL)
    cross["l(z,i) - l(z,j) = z_j - z_i (log-partition cancels), c = 3"] = (0.0 if th.label_part_identity(3) else 1.0,
                                                                          0.0)
    sig = results[0]["sigmoid1"]
    extra = {
        "logit_hessian_layer_blocks_not_identically_zero_(ReLU,_symbolic)": structure,
        "sigmoid1_max_relative": {k: _over_draws(results, "sigmoid1", k) for k in THM4_COMPARISONS},
        "sigmoid1_within_layer_block_relative_first_draw": {k: sig[k].diagonal_relative for k in THM4_COMPARISONS},
        "sigmoid_exact_example": sig_ex.to_json(),
        "rounded_float_case": found.to_json()["differences_nonzero_entries"]["noise"]
        if "noise" in found.differences else None,
        "min_abs_preactivation": {m: _over_draws(results, m, "noise", "min_abs_preactivation", min)
                                  for m in results[0]},
        "models": {m: f"{d} hidden layer(s), {a}" if d else "linear softmax" for m, (d, a) in hst.MODELS.items()},
        "sizes_per_draw": "n = 8 samples, dim = 3 inputs, c cycling 3, 4, 2, hidden width cycling 4, 2, 5, 3; "
                          "T alternately uniform flips of rate 3/10 and a random T with diagonal 0.7",
        "first_draw_relative_layer_blocks": {m: {k: v.relative_layer_norms.tolist() for k, v in r.items()}
                                             for m, r in results[0].items()},
    }
    return thm4_evidence(results, [lin_ex, relu_ex, found], cross_checks=cross, numbers=extra)


@claim("patrini17.forward_hessian", figures=("patrini17_hessian_blocks",),
       source=f"{PATRINI17_TEXT.file}, sec. 4.4 (first paragraph) and Table 1 (forward row, 'Hessian of E_x,y~': "
              "no guarantee)",
       statement="The forward correction gives no such guarantee: the Hessian of the forward-corrected loss "
                 "l(T^T p, y) can differ from that of l, and its expectation under noise from the clean Hessian "
                 "(Table 1), for the linear softmax model too.",
       method="exact", expected="proved")
def forward_hessian(ctx: Context) -> Evidence:
    draws = ctx.pick(3, 24, 120)
    results = hessian_suite(ctx.rng(0), draws, comparisons=FORWARD_COMPARISONS)
    control = hessian_suite(ctx.rng(1), 1, comparisons=FORWARD_COMPARISONS,
                            T=TransitionMatrix(np.eye(SIZES["c"])))[0]
    lin_ex = th.linear_example()
    cross = {f"float vs exact Hessian differences, {lin_ex.description}": (float_exact_error(lin_ex), EXACT_ATOL)}
    extra = {"control_T_identity_max_relative": {m: max(v.relative for v in r.values()) for m, r in control.items()},
             "first_draw_relative_layer_blocks": {m: {k: v.relative_layer_norms.tolist() for k, v in r.items()}
                                                  for m, r in results[0].items()}}
    return forward_evidence(results, [lin_ex], cross_checks=cross, numbers=extra)
