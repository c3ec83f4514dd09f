"""xu22 checks: registrations, verdicts at quick precision, and failure when fed a wrong value, constant
or bound, or reversed simulation results."""
import numpy as np
import pytest

from label_noise_lab.simulate.engine.estimate import Estimate
from paper_checks.context import Context
from paper_checks.papers.xu22 import claims as P
from paper_checks.registry import load

MINE = {"xu22.collapse_value": "qualified", "xu22.hnm_isometry": "refuted", "xu22.collapse_batch_dim": "confirmed",
        "xu22.mining_compare": "confirmed"}


def ctx(cid="xu22.test"):
    return Context(cid, precision="quick")


def test_registrations():
    reg = load()
    for cid, verdict in MINE.items():
        c = reg[cid]
        assert c.expected == verdict and c.reconstructed and "001_bd6638b6d74258e0.txt" in c.source
        assert c.reconstruction == "outline"  # the source is an abstract
        assert "Reconstructed" in c.statement and "Checked" in c.statement
    assert reg["xu22.collapse_batch_dim"].figures == ("xu22_collapse_phase",)
    assert reg["xu22.hnm_isometry"].figures == ("xu22_loss_vs_diso",)
    assert reg["xu22.hnm_isometry"].method == "exact"  # its decisive witness (issue 57, item 4)


@pytest.mark.slow
@pytest.mark.parametrize("cid", ["xu22.collapse_value", "xu22.hnm_isometry"])
def test_exact_checks_reach_their_verdicts(cid):
    ev = load()[cid].check(ctx(cid))
    assert ev.verdict == MINE[cid], ev.summary


@pytest.mark.slow
def test_isometry_counterexample_is_exact_and_monte_carlo_agrees():
    ev = P.iso_evidence(ctx())
    assert ev.verdict == "refuted" and ev.method == "exact"  # the method names the decisive (exact) witness
    ex = ev.counterexample["i_exact"]
    assert ex["M"] == "2/5" and ex["d_iso"] == "1/10"
    assert ev.numbers["i_violations_certified"] > 0 and ev.numbers["M_le_4_upper_everywhere"]
    assert ev.numbers["ii_failures_certified"] == 0 and ev.numbers["ii_undecided"] == 0


def test_collapse_value_refutes_a_wrong_value():
    ev = P.collapse_value_evidence(ctx(), claimed=lambda a: 2 * a)
    assert ev.verdict == "refuted" and ev.counterexample["claimed"] == 2


def test_collapse_value_is_qualified_by_the_miner_that_selects_nothing():
    """Semi-hard mining selects no triplet at collapse: its mean loss is 0/0, so 'whatever the mining' holds only
    for the miners that select one, and the condition says so."""
    ev = P.collapse_value_evidence(ctx())
    assert ev.verdict == "qualified", ev.summary
    assert ev.numbers["numeric"]["miners_selecting_nothing"] == ["semi-hard"]
    assert ev.numbers["symbolic"]["miners_selecting_nothing"] == ["semi-hard"]
    assert ev.numbers["numeric"]["triplets_per_miner"]["semi-hard"] == 0
    assert all(ev.numbers["numeric"]["triplets_per_miner"][m] > 0 for m in ("hard", "batch-hard", "random"))
    assert "semi-hard" in ev.condition and "0/0" in ev.condition and "hard, batch-hard, random" in ev.condition
    assert "vacuous" not in ev.summary and "0/0" in ev.summary


def test_collapse_value_is_proved_for_the_miners_that_select_triplets():
    """The verdict is computed from which miners select: without semi-hard nothing qualifies it."""
    ev = P.collapse_value_evidence(ctx(), miners=("hard", "batch-hard", "random"))
    assert ev.verdict == "proved" and ev.condition is None, ev.summary


def test_collapse_value_refuses_an_unknown_miner():
    with pytest.raises(ValueError, match="'easy'"):
        P.collapse_value_evidence(ctx(), miners=("hard", "easy"))


@pytest.mark.slow
def test_isometry_with_the_corrected_constant_is_confirmed():
    ev = P.iso_evidence(ctx(), constant=4.0)
    assert ev.verdict == "confirmed", ev.summary


@pytest.mark.slow
def test_isometry_refutes_a_wrong_bound():
    ev = P.iso_evidence(ctx(), constant=4.0, bound=lambda M, diam, alpha: M / 8)
    assert ev.verdict == "refuted" and ev.counterexample["ii"]["lower"] > ev.counterexample["ii"]["bound"]


def E(m, s=0.01):
    return Estimate(m, s, 5)


@pytest.mark.parametrize("effects, verdict", [
    ({"a": E(0.5), "b": E(0.4)}, "confirmed"),
    ({"a": E(0.5), "b": E(0.0)}, "qualified"),
    ({"a": E(0.5), "b": E(-0.4)}, "qualified"),
    ({"a": E(-0.5), "b": E(0.0)}, "refuted"),
    ({"a": E(0.01), "b": E(-0.01)}, "inconclusive"),
])
def test_combine(effects, verdict):
    ev = P._combine(effects, "test", {}, "Claim")
    assert ev.verdict == verdict
    if verdict == "qualified":
        assert "holds for a" in ev.condition
    if verdict in ("refuted",) or (verdict == "qualified" and effects["b"].mean < 0):
        assert ev.counterexample


def fake_sweep(score_fn, seeds=4, noise=0.02):
    """Spread ratios 10^-score with score_fn(B index, d index) (+ a little per-seed noise)."""
    rng = np.random.default_rng(0)
    s = np.array([[[score_fn(b, d) for d in range(5)] for b in range(5)]] * 2)  # (N, nB, nd)
    s = s[None] + rng.normal(0, noise, (seeds, 2, 5, 5))
    ratio = 10.0 ** (-s)
    return {"spread_ratio": ratio, "collapsed": ratio < 0.1, "recall_end": np.full_like(ratio, 0.5),
            "normalized": [False, True]}


def test_collapse_trends_detect_the_claim_and_its_reverse():
    res, _ = P.collapse_trends(fake_sweep(lambda b, d: 0.3 * b - 0.2 * d))
    assert all(P._sign(e) > 0 for e in res.values())
    res, _ = P.collapse_trends(fake_sweep(lambda b, d: -0.3 * b + 0.2 * d))
    assert all(P._sign(e) < 0 for e in res.values())
    assert P._combine(res, "t", {}, "C").verdict == "refuted"
    res, _ = P.collapse_trends(fake_sweep(lambda b, d: 0.3 * b))
    assert P._combine(res, "t", {}, "C").verdict == "qualified"


def test_compare_miners_detects_a_reversal():
    rng = np.random.default_rng(1)
    base = np.array([0.1, 1.0, 0.8])  # collapse scores: hard shrinks least, the reverse of the claim
    ratio = 10.0 ** (-(base[None, None, :] + rng.normal(0, 0.01, (5, 2, 3))))
    res = {"spread_ratio": ratio, "collapsed": ratio < 0.1, "recall_end": np.full_like(ratio, 0.5),
           "no_triplet_steps": np.zeros(ratio.shape, int), "miners": ["hard", "semi-hard", "random"],
           "normalized": [False, True]}
    results, _ = P.compare_miners(res)
    assert P._combine(results, "t", {}, "C").verdict == "refuted"
