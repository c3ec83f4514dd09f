"""patrini17 Hessian checks: the verdict helpers decide from what they are given, both ways."""
import numpy as np
import pytest
import sympy

from label_noise_lab.simulate.engine.devices import get_backend
from label_noise_lab.simulate.noise import TransitionMatrix
from label_noise_lab.theory import hessian as th
from paper_checks.context import Context
from paper_checks.papers.patrini17 import hessian as ph
from paper_checks.papers.patrini17 import hessian_study as hst
from paper_checks.registry import load
from paper_checks.run.runner import run_claim


@pytest.fixture(scope="module")
def examples():
    return {"relu": th.relu_counterexample(), "linear": th.linear_example()}


@pytest.fixture(scope="module")
def suite():
    return ph.hessian_suite(np.random.default_rng(0), 2)


def _only(results, models):
    return [{m: r[m] for m in models} for r in results]


@pytest.mark.slow
def test_thm4_confirmed_when_nothing_depends_on_the_label(suite, examples):
    """The known-zero case: the linear model alone, with the linear exact example."""
    ev = ph.thm4_evidence(_only(suite, ["linear"]), [examples["linear"]])
    assert ev.verdict == "confirmed"
    assert ev.numbers["max_relative_difference"]["linear"]["noise"] <= ph.RTOL


def test_thm4_refuted_with_hidden_layers(suite, examples):
    ev = ph.thm4_evidence(suite, [examples["linear"], examples["relu"]])
    assert ev.verdict == "refuted"
    assert ev.counterexample["exact_example"]["nonzero_layer_blocks"]["noise"] == [[0, 1]]
    assert {f["model"] for f in ev.counterexample["float_failures"]} == {"relu1", "relu2"}
    # the sigmoid network is outside the premise: alone it does not refute the theorem
    ev_sig = ph.thm4_evidence(_only(suite, ["linear", "sigmoid1"]), [examples["linear"]])
    assert ev_sig.verdict == "confirmed"


def test_thm4_inconclusive_when_paths_disagree_or_a_cross_check_fails(suite, examples):
    assert ph.thm4_evidence(suite, [examples["linear"]]).verdict == "inconclusive"
    assert ph.thm4_evidence(_only(suite, ["linear"]), [examples["relu"]]).verdict == "inconclusive"
    bad = ph.thm4_evidence(suite, [examples["relu"]], cross_checks={"fd": (1e-3, ph.FD_RTOL)})
    assert bad.verdict == "inconclusive" and "fd" in bad.summary


def test_forward_proved_for_a_real_T_and_inconclusive_for_the_identity(examples):
    rng = np.random.default_rng(1)
    res = ph.hessian_suite(rng, 2, comparisons=ph.FORWARD_COMPARISONS)
    assert ph.forward_evidence(res, [examples["linear"]]).verdict == "proved"
    assert ph.forward_evidence(res, []).verdict == "confirmed"
    ident = ph.hessian_suite(rng, 1, comparisons=ph.FORWARD_COMPARISONS, T=TransitionMatrix(np.eye(3)))
    lin_I = th.hessian_example(examples["linear"].network, (1,), 0, sympy.eye(2),
                               comparisons=ph.FORWARD_COMPARISONS, full=False)
    ev = ph.forward_evidence(ident, [lin_I])
    assert ev.verdict == "inconclusive"
    assert max(ev.numbers["max_relative_difference"]["linear"].values()) <= ph.RTOL


def test_forward_needs_an_exact_witness_of_both_halves(examples):
    """The statement claims two differences (forward vs plain, and its expectation under noise vs clean): an exact
    example that differs in only one of them proves only that half, so the verdict stays below 'proved'."""
    import dataclasses
    res = ph.hessian_suite(np.random.default_rng(1), 2, comparisons=ph.FORWARD_COMPARISONS)
    lin = examples["linear"]
    proved = ph.forward_evidence(res, [lin])
    assert proved.verdict == "proved"
    assert "expectation under noise minus the clean Hessian" in proved.summary
    for half in ph.FORWARD_COMPARISONS:
        zero = {**lin.differences, half: sympy.zeros(*lin.differences[half].shape)}
        one_half = dataclasses.replace(lin, differences=zero)
        ev = ph.forward_evidence(res, [one_half])
        assert ev.verdict == "confirmed", half
        other = next(k for k in ph.FORWARD_COMPARISONS if k != half)
        assert f"an exact witness of {other} only" in ev.summary


def test_float_hessians_reproduce_the_exact_examples(examples):
    for ex in (*examples.values(), th.sigmoid_counterexample()):
        assert ph.float_exact_error(ex) <= ph.EXACT_ATOL


def test_rounded_example_is_exact_and_nonzero():
    s = hst.random_setting("relu1", np.random.default_rng(3), n=2, c=3, hidden=3)
    ex = ph.rounded_example(s, ph._uniform_exact(3, ph.FLIP_RATE))
    assert ex.nonzero() == ["noise", "backward"]
    assert ph.float_exact_error(ex) <= ph.EXACT_ATOL
    assert all(v.is_Rational for v in ex.differences["noise"])


def test_suite_input_checks():
    with pytest.raises(ValueError, match="draws"):
        ph.hessian_suite(np.random.default_rng(0), 0)
    with pytest.raises(ValueError, match="at least one"):
        ph.thm4_evidence([], [])


@pytest.mark.slow  # about 1 s or more: out of README's quick command, in CI's slow run
def test_registered_checks_give_their_recorded_verdicts():
    reg = load()
    for cid in ("patrini17.thm4_hessian", "patrini17.forward_hessian"):
        res = run_claim(reg[cid], "quick", 0, get_backend("numpy"))
        assert res.error is None, res.error
        assert res.verdict == reg[cid].expected, res.evidence.summary
        assert "patrini17_hessian_blocks" in res.evidence.figures


@pytest.mark.slow  # about 1 s or more: out of README's quick command, in CI's slow run
def test_checks_use_only_their_streams():
    a = ph.thm4_hessian(Context("patrini17.thm4_hessian", precision="quick", seed=4))
    b = ph.thm4_hessian(Context("patrini17.thm4_hessian", precision="quick", seed=4))
    assert a.numbers["max_relative_difference"] == b.numbers["max_relative_difference"]
