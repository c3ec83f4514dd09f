"""Embedding losses and miners against plain loops over all pairs and triplets."""
import numpy as np
import pytest

from label_noise_lab.simulate.embedding.losses import (
    all_triplets,
    batch_hard,
    hard_negatives,
    margin_loss,
    normalize,
    pairwise_distances,
    positive_pairs,
    random_negatives,
    sample_pairs,
    semi_hard_negatives,
    squared_distances,
    triplet_loss,
)
from label_noise_lab.simulate.engine.namespace import to_host
from label_noise_lab.simulate.engine.rng import generator

#: why some embedding code runs on NumPy and CuPy but not on the array API standard's strict namespace (issue 58)
SEMI_HARD_BITS = ("the semi-hard miner groups distances by their float bits (ndarray.view): the standard has no "
                  "bit cast")
PAIRS_AND_TRAINER = ("the pair sampler and the embedding trainer flatten with ravel, index some axes with integer "
                     "arrays and scatter-add with a weighted bincount: not yet rewritten with the standard's take "
                     "and reshape, and a scatter-add has no standard equivalent")


@pytest.fixture
def batch():
    rng = np.random.default_rng(0)
    E = normalize(rng.normal(size=(30, 6)))
    y = rng.integers(0, 4, 30)
    return E, y, pairwise_distances(E)


def test_distances_against_loop(batch, xp):
    E, _, D = batch
    Dx = pairwise_distances(xp.asarray(E))
    Dx = to_host(Dx)
    for i in range(len(E)):
        for j in range(len(E)):
            assert Dx[i, j] == pytest.approx(np.sqrt(((E[i] - E[j]) ** 2).sum()), abs=1e-7)


def test_all_triplets_against_loop(batch):
    _, y, _ = batch
    got = set(zip(*[v.tolist() for v in all_triplets(y)]))
    exp = {(a, p, n) for a in range(30) for p in range(30) for n in range(30)
           if a != p and y[a] == y[p] and y[n] != y[a]}
    assert got == exp


def test_hard_and_batch_hard_against_loop(batch):
    _, y, D = batch
    for a, p, n in zip(*hard_negatives(D, y)):
        assert D[a, n] == min(D[a, k] for k in range(30) if y[k] != y[a]) and y[a] == y[p]
    a, p, n = batch_hard(D, y)
    for aa, pp, nn in zip(a, p, n):
        assert D[aa, pp] == max(D[aa, k] for k in range(30) if k != aa and y[k] == y[aa])
        assert D[aa, nn] == min(D[aa, k] for k in range(30) if y[k] != y[aa])


@pytest.mark.parametrize("alpha", [0.05, 0.3, 1.0])
def test_semi_hard_against_loop(batch, alpha):
    _, y, D = batch
    exp = []
    for a in range(30):
        for p in range(30):
            if a != p and y[a] == y[p]:
                c = [(D[a, n], n) for n in range(30) if y[n] != y[a] and D[a, n] > D[a, p]]
                if c and min(c)[0] < D[a, p] + alpha:
                    exp.append((a, p, min(c)[1]))
    got = sorted(zip(*[v.tolist() for v in semi_hard_negatives(D, y, alpha)]))
    assert got == sorted(exp)


def test_semi_hard_with_large_unnormalised_distances():
    rng = np.random.default_rng(1)
    E = rng.normal(size=(20, 3)) * 50
    y = np.arange(20) % 3
    D = pairwise_distances(E)
    a, p, n = semi_hard_negatives(D, y, 40.0)
    for aa, pp, nn in zip(a, p, n):
        assert D[aa, pp] < D[aa, nn] < D[aa, pp] + 40.0 and y[nn] != y[aa]


def test_random_negatives_are_uniform(batch):
    _, y, _ = batch
    rng = np.random.default_rng(2)
    a0 = int(positive_pairs(y)[0][0])
    negs = np.flatnonzero(y != y[a0])
    draws = []
    for _ in range(400):
        a, _, n = random_negatives(y, rng)
        draws += n[a == a0].tolist()
    freq = np.bincount(draws, minlength=30)[negs] / len(draws)
    assert np.all(np.abs(freq - 1 / len(negs)) < 5 * np.sqrt(1 / len(negs) / len(draws)) + 1e-9)


def test_losses():
    D = np.array([0.0, 0.5, 1.5, 2.0])
    same = np.array([True, True, False, False])
    np.testing.assert_allclose(margin_loss(D, same, 0.5, 1.0), [0.0, 0.0, 0.0, 0.0])
    np.testing.assert_allclose(margin_loss(D, ~same, 0.5, 1.0), [1.5, 1.0, 1.0, 1.5])
    np.testing.assert_allclose(triplet_loss(np.zeros(2), np.zeros(2), 0.2), [0.2, 0.2])  # collapse


def test_pair_sampling(batch):
    _, y, _ = batch
    rng = np.random.default_rng(3)
    i, j, s = sample_pairs(y, 2001, rng, "balanced")
    assert s.sum() == 1000 and np.all(i != j) and np.all(s == (y[i] == y[j]))
    i, j, s = sample_pairs(y, 20000, rng, "natural")
    counts = np.bincount(y, minlength=4)
    p_same = ((counts * (counts - 1)).sum()) / (30 * 29)
    assert abs(s.mean() - p_same) < 5 * np.sqrt(p_same * (1 - p_same) / 20000)


@pytest.mark.parametrize("call, match", [
    (lambda: hard_negatives(np.zeros((3, 3)), np.array([1, 1, 1])), "single class"),
    (lambda: hard_negatives(np.zeros((3, 3)), np.array([0, 1, 2])), "no positives"),
    (lambda: margin_loss(np.zeros(2), np.ones(2, bool), 0.0, 1.0), "alpha must be positive, got 0.0"),
    (lambda: triplet_loss(np.zeros(2), np.zeros(2), -1), "got -1"),
    (lambda: normalize(np.array([[np.nan, 1.0], [1.0, 0.0]])), "NaN"),
    (lambda: normalize(np.array([[0.0, 0.0], [1.0, 0.0]])), "zero embedding"),
    (lambda: sample_pairs(np.array([0, 1, 0]), 4, np.random.default_rng(0), "weird"), "balanced"),
])
def test_bad_input(call, match):
    with pytest.raises(ValueError, match=match):
        call()


@pytest.mark.parametrize("miner", ["random", "hard", pytest.param("semi-hard", marks=pytest.mark.beyond_standard(
    SEMI_HARD_BITS)), "batch-hard"])
def test_stacked_mining_is_per_replica_mining(miner, xp):
    """label_noise_lab.simulate.embedding.losses.mine over a replica axis equals the single-batch miners replica by
    replica."""
    from label_noise_lab.simulate.embedding.losses import MINERS, batch_hard, mine, random_negatives

    assert miner in MINERS
    rng = np.random.default_rng(11)
    E = rng.normal(size=(3, 12, 4))
    y = rng.integers(0, 3, (3, 12))
    y[2] = 0  # a single-class replica: skipped and counted
    D = np.sqrt(((E[:, :, None] - E[:, None]) ** 2).sum(-1))
    kw = {"alpha": 0.5} if miner == "semi-hard" else {"rng": generator(xp, 3)} if miner == "random" else {}
    r, a, p, n, skipped = (np.asarray(v.get() if hasattr(v, "get") and not isinstance(v, np.ndarray) else v)
                           for v in mine(xp.asarray(D), xp.asarray(y), miner, **kw))
    assert int(skipped) == (12 if miner == "batch-hard" else 12 * 11)
    assert not np.any(r == 2)
    single = {"hard": hard_negatives, "batch-hard": batch_hard,
              "semi-hard": lambda D_, y_: semi_hard_negatives(D_, y_, 0.5)}
    rng2 = np.random.default_rng(3)
    for k in range(2):
        got = sorted(zip(a[r == k].tolist(), p[r == k].tolist(), n[r == k].tolist()))
        if miner == "random":
            want_ap = sorted(zip(*[v.tolist() for v in random_negatives(y[k], rng2)][:2]))
            assert [(u, v) for u, v, _ in got] == want_ap and all(y[k][w] != y[k][u] for u, _, w in got)
        else:
            want = sorted(zip(*[v.tolist() for v in single[miner](D[k], y[k])]))
            assert got == want


def test_normalize_against_the_plain_formula(xp):
    """One normalisation for data and training loops: rows (leading replica axes allowed) divided by
    their norm, a loop over rows in exact-enough float arithmetic as the reference; on ``xp``."""
    from tests.conftest import assert_close

    rng = np.random.default_rng(4)
    E = rng.normal(size=(2, 5, 3)) * np.array([1.0, 1e200, 1e-200, 3.0, 1e-3])[None, :, None]
    want = np.empty_like(E)
    for idx in np.ndindex(E.shape[:-1]):
        v = E[idx]
        s = np.abs(v).max()
        want[idx] = (v / s) / np.sqrt(sum((x / s) ** 2 for x in v))
    assert_close(normalize(xp.asarray(E)), want, xp, rtol=1e-15)
    out, n = normalize(xp.asarray(E), keep_zero=True, with_norms=True)
    assert_close(out, want, xp, rtol=1e-15)
    scaled = [[np.abs(v).max() * np.sqrt(((v / np.abs(v).max()) ** 2).sum()) for v in row] for row in E]
    assert_close(n[..., 0], scaled, xp, rtol=1e-15)


def test_normalize_zero_rows(xp):
    """keep_zero: a zero row (or one at most zero_below long) stays at the origin with norm inf, so the
    normalisation's gradient (g - e (e . g)) / norm is 0 there; without it a zero row raises."""
    Z = np.array([[0.0, 0.0], [3.0, 4.0], [1e-13, 0.0]])
    e, n = normalize(xp.asarray(Z), keep_zero=True, with_norms=True)
    from label_noise_lab.simulate.engine.namespace import to_host
    e, n = to_host(e), to_host(n)
    np.testing.assert_array_equal(e, [[0.0, 0.0], [0.6, 0.8], [1.0, 0.0]])
    assert np.isinf(n[0, 0]) and n[1, 0] == 5.0
    e, n = normalize(xp.asarray(Z), keep_zero=True, zero_below=1e-12, with_norms=True)
    np.testing.assert_array_equal(to_host(e)[2], [0.0, 0.0])
    assert np.isinf(to_host(n)[2, 0])
    with pytest.raises(ValueError, match="zero embedding"):
        normalize(xp.asarray(Z))


@pytest.mark.beyond_standard(PAIRS_AND_TRAINER)
def test_stacked_pairs_are_the_single_batch_pairs(xp):
    """sample_pairs over a replica axis: row r is sample_pairs(labels[r], m, rngs[r], modes[r]) exactly
    (same uniforms in the same order), whatever the mix of modes; host generators, labels on xp."""
    from label_noise_lab.simulate.engine.namespace import to_host
    rng = np.random.default_rng(21)
    yb = rng.integers(0, 4, (4, 37))
    yb[:, :3] = (0, 0, 1)
    modes = ["balanced", "natural", "balanced", "natural"]
    for m in (1, 2, 51):
        rngs = [np.random.default_rng(k) for k in range(4)]
        I, J, S = (to_host(v) for v in sample_pairs(xp.asarray(yb), m, rngs, modes))
        assert I.shape == (4, m)
        for r in range(4):
            i, j, s = (to_host(v) for v in sample_pairs(xp.asarray(yb[r]), m, np.random.default_rng(r), modes[r]))
            np.testing.assert_array_equal(I[r], i)
            np.testing.assert_array_equal(J[r], j)
            np.testing.assert_array_equal(S[r], s)
            assert np.all(i != j) and np.array_equal(s, yb[r][i] == yb[r][j])


def test_stacked_pairs_say_which_row_fails():
    yb = np.array([[0, 0, 1, 1], [2, 2, 2, 2]])
    with pytest.raises(ValueError, match="row 1: the batch has a single class"):
        sample_pairs(yb, 4, [np.random.default_rng(0)] * 2)
    with pytest.raises(ValueError, match="one generator and one mode per row"):
        sample_pairs(yb, 4, [np.random.default_rng(0)])
    i, _, _ = sample_pairs(yb, 4, [np.random.default_rng(0)] * 2, ["balanced", "natural"])  # natural needs no partner
    assert i.shape == (2, 4)


# ---------------------------------------------------------------- issue 18: bad chunk, empty batches, no generator
@pytest.mark.parametrize("chunk", [0, -1, 1.5, "8"])
def test_recall_chunk_must_be_a_positive_integer(batch, chunk):
    from label_noise_lab.simulate.embedding.losses import recall_at_1

    E, y, _ = batch
    with pytest.raises(ValueError, match="chunk must be an integer >= 1"):
        recall_at_1(E, y, chunk=chunk)


@pytest.mark.parametrize("miner", ["random", "hard", "semi-hard", "batch-hard"])
@pytest.mark.parametrize("shape", [(1, 0), (1, 1), (0, 3)])
def test_mine_refuses_an_empty_batch(miner, shape):
    from label_noise_lab.simulate.embedding.losses import mine

    R, B = shape
    with pytest.raises(ValueError, match="R >= 1 batches of B >= 2 integers"):
        mine(np.zeros((R, B, B)), np.zeros(shape, dtype=np.int64), miner, alpha=0.2, rng=np.random.default_rng(0))


@pytest.mark.parametrize("rng", [None, 0])
def test_random_mining_and_pair_sampling_need_a_generator(batch, rng):
    from label_noise_lab.simulate.embedding.losses import mine

    _, y, _ = batch
    with pytest.raises(TypeError, match="rng must be a "):
        mine(None, y[None], "random", rng=rng)
    with pytest.raises(TypeError, match="rng must be a "):
        random_negatives(y, rng)
    with pytest.raises(TypeError, match="rng must be a random generator"):
        sample_pairs(y, 4, rng)
    with pytest.raises(TypeError, match="rng must be a sequence of 2 generators"):
        sample_pairs(np.stack([y, y]), 4, rng)
    with pytest.raises(TypeError, match=r"rng\[1\] must be a random generator"):
        sample_pairs(np.stack([y, y]), 4, [np.random.default_rng(0), rng])


@pytest.mark.parametrize("n_pairs", [0, 2.5, float("inf")])
def test_sample_pairs_needs_a_whole_number_of_pairs(batch, n_pairs):
    _, y, _ = batch
    with pytest.raises(ValueError, match="n_pairs must be an integer >= 1"):
        sample_pairs(y, n_pairs, np.random.default_rng(0))


@pytest.mark.parametrize("scale", [1e200, 1e-200, 1e300])
def test_pairwise_distances_scale_before_squaring(scale):
    """``[[1e200, 0], [-1e200, 0]]`` gave inf (the squares overflowed): the true distance is 2e200."""
    E = np.array([[scale, 0.0], [-scale, 0.0], [0.0, scale]])
    for exact in (False, True):
        D = pairwise_distances(E, exact=exact)
        want = np.array([[0, 2, 2 ** 0.5], [2, 0, 2 ** 0.5], [2 ** 0.5, 2 ** 0.5, 0]]) * scale
        np.testing.assert_allclose(D, want, rtol=1e-12)


def test_pairwise_distances_of_ordinary_embeddings_are_unchanged_bit_for_bit():
    E = np.random.default_rng(29).standard_normal((3, 20, 5)) * 1e3
    assert np.array_equal(pairwise_distances(E), np.sqrt(squared_distances(E)))


def test_recall_blocks_of_any_size_give_the_same_recall(batch):
    """The row blocks are a matter of speed: one thread's large blocks (pinned BLAS) and the default ones agree."""
    from label_noise_lab.simulate.embedding.losses import recall_at_1
    from label_noise_lab.simulate.engine.blas import pinned_blas, single_threaded

    E, y, _ = batch
    assert not single_threaded()
    with pinned_blas():
        assert single_threaded()
        pinned = recall_at_1(E, y)
    assert pinned == recall_at_1(E, y) == recall_at_1(E, y, chunk=1)


def test_normalize_in_single_precision_rescales_rows_whose_squares_leave_its_range():
    """float32's exponent range is narrower than float64's: a row of 1e-25 (squares 1e-50, below float32's least
    normal) or of 1e20 (squares past its largest) is rescaled first, not divided by a norm of 0 or inf."""
    import warnings

    from label_noise_lab.simulate.embedding.losses import normalize

    E = np.array([[[3.0, 4.0], [1e-25, 1e-25], [1e20, 1e20], [0.0, 0.0]]], dtype=np.float32)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no overflow in casting the bounds
        out, n = normalize(E, keep_zero=True, with_norms=True)
    assert out.dtype == np.float32
    np.testing.assert_allclose(out[0, :3], [[0.6, 0.8], [2**-0.5, 2**-0.5], [2**-0.5, 2**-0.5]], rtol=1e-6)
    assert np.all(out[0, 3] == 0) and np.isinf(n[0, 3, 0])
