"""Host synchronisations on ``array_api_strict`` (counted by :mod:`tests.syncs`): the budgets of the hot paths
(issue 10, item 4).

On a GPU each sync stalls the device; these budgets keep the Monte Carlo loops, the L_DMI
training loop and validation from paying one per element, per check or per chunk beyond the one
the accumulator needs.
"""
import array_api_strict
import numpy as np
import pytest

from label_noise_lab.simulate.correction.backward_forward import backward_corrected, forward_corrected
from label_noise_lab.simulate.correction.sampled import backward_mc, random_population
from label_noise_lab.simulate.dmi import estimators as sd
from label_noise_lab.simulate.engine.estimate import RunningMoments
from label_noise_lab.simulate.engine.rng import generator
from label_noise_lab.simulate.losses import get_loss
from label_noise_lab.simulate.models import init_mlp
from label_noise_lab.simulate.noise import pair_flip, random_transition, sample_noisy_labels
from paper_checks.papers.dmi19 import studies as dstudies
from tests.syncs import counting

xp = array_api_strict


def test_backward_mc_costs_at_most_two_syncs_per_chunk():
    dist, z = random_population(10, 3, np.random.default_rng(0), deterministic=False)
    T = random_transition(3, np.random.default_rng(1), diag=0.7)
    base = get_loss("cce")
    for chunks in (2, 8):
        with counting() as c:
            backward_mc(dist, z, base, T, 500 * chunks, generator(xp, 2), xp, chunk=500)
        assert c.syncs <= 2 * chunks + 2, c.syncs  # + the final centres
    with counting() as c2:
        backward_mc(dist, z, base, T, 500 * 8, generator(xp, 2), xp, chunk=500)
    with counting() as c1:
        backward_mc(dist, z, base, T, 500 * 2, generator(xp, 2), xp, chunk=500)
    assert (c2.syncs - c1.syncs) / 6 <= 2  # the marginal cost of one chunk


def test_alias_tables_are_uploaded_once_per_matrix():
    T = pair_flip(4, 0.3)
    y = xp.asarray(np.arange(1000) % 4)
    rng = generator(xp, 0)
    sample_noisy_labels(y, T, rng, xp)
    with counting() as c:
        for _ in range(5):
            sample_noisy_labels(y, T, rng, xp)
    assert c.uploads == 0 and c.syncs == 5  # one label-range check per call, nothing else


def test_validation_costs_one_sync_per_call():
    z = xp.asarray(np.random.default_rng(0).normal(size=(50, 3)))
    y = xp.asarray(np.arange(50) % 3)
    for loss in (get_loss("cce"), get_loss("lq", q=0.7), backward_corrected(get_loss("cce"), pair_flip(3, 0.2)),
                 forward_corrected("cce", pair_flip(3, 0.2))):
        with counting() as c:
            loss.value(z, y, from_logits=True)
        assert c.syncs <= 1, (loss.name, c.syncs)
    with counting() as c:
        get_loss("cce").grad(z, y)
    assert c.syncs <= 1


def test_running_moments_one_sync_per_update():
    acc = RunningMoments((3,))
    with counting() as c:
        for _ in range(4):
            acc.update(xp.asarray(np.random.default_rng(0).normal(size=(100, 3))))
    assert c.syncs == 4


def test_fit_ldmi_syncs_once_whatever_the_number_of_steps():
    rng = np.random.default_rng(3)
    X = xp.asarray(rng.normal(size=(60, 4)))
    y = xp.asarray(np.arange(60) % 3)
    params = init_mlp(4, 3, (), np.random.default_rng(4), xp=xp)
    counts = []
    for steps in (2, 12):
        with counting() as c:
            dstudies.fit_ldmi(params, X, y, steps, 0.05)
        counts.append(c.syncs)
    assert counts[0] == counts[1] <= 3, counts


def test_ldmi_loss_and_grad_two_syncs():
    z = xp.asarray(np.random.default_rng(5).normal(size=(12, 3)))
    with counting() as c:
        sd.ldmi_loss_and_grad(z, xp.asarray(np.arange(12) % 3))
    assert c.syncs <= 2


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_skipped_checks_are_only_skipped_inside_the_engine(bad):
    z = np.zeros((2, 3))
    z[1, 1] = bad
    with pytest.raises(ValueError, match="NaN or infinite"):
        get_loss("cce").value(xp.asarray(z), xp.asarray(np.array([0, 1])), from_logits=True)
