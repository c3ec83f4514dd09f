"""The semi-hard miner against the plain loop, ties and sub-level differences included; the stacked
miner of ``label_noise_lab.simulate.embedding.losses.mine`` equal to it replica by replica; its host syncs on the CuPy
``array_api_strict`` (issue 10, item 4: no data-dependent compaction inside a loop).

The miner sorts each row by an integer key made of the distance's leading bits; rows where two
different distances share those bits (the "sub-level differences" case) take the exact stable-sort
path instead, so both paths meet the loop here.
"""
import array_api_strict as strict
import numpy as np
import pytest

from label_noise_lab.simulate.embedding.losses import mine, normalize, pairwise_distances, semi_hard_negatives
from tests.simulate.embedding.test_losses import SEMI_HARD_BITS
from tests.syncs import StrictArray, counting


def loop_semi_hard(D, y, alpha):
    B = len(y)
    out = []
    for a in range(B):
        for p in range(B):
            if a != p and y[a] == y[p]:
                c = [(D[a, n], n) for n in range(B) if y[n] != y[a] and D[a, n] > D[a, p]]
                if c and min(c)[0] < D[a, p] + alpha:
                    out.append((a, p, min(c)[1]))
    return sorted(out)


def got(D, y, alpha):
    return sorted(zip(*[v.tolist() for v in semi_hard_negatives(D, y, alpha)]))


def cases():
    rng = np.random.default_rng(5)
    E = normalize(rng.normal(size=(48, 5)))
    yield "normalised", pairwise_distances(E), rng.integers(0, 5, 48), 0.3
    # integer distances: many exact ties between negatives, and between negatives and positives
    P = rng.integers(0, 4, size=(40, 2)).astype(float)
    yield "integer ties", pairwise_distances(P), rng.integers(0, 3, 40), 1.5
    # gaps exactly equal to the margin (1 = 2 - 1 on an integer grid): the strict test must drop them
    G = rng.integers(0, 3, size=(40, 1)).astype(float)
    yield "gap equal to the margin", pairwise_distances(np.hstack([G, np.zeros((40, 1))])), rng.integers(0, 3, 40), 1.0
    # values closer than one quantisation level: equal levels, distinct distances
    base = rng.random((36, 36)) * 1e-9 + 1.0
    Dc = np.triu(base, 1) + np.triu(base, 1).T
    Dc[0, 1:] = Dc[1:, 0] = 1.0 + np.arange(35) * 1e-15  # row 0: 35 values inside one level
    Dc[5, 9] = Dc[9, 5] = 5.0  # one far value sets the scale of the levels
    yield "sub-level differences", Dc, rng.integers(0, 3, 36), 1e-9
    # two classes, well separated: long runs of positives before the first negative
    X = np.concatenate([rng.normal(size=(20, 2)) * 0.1, rng.normal(size=(20, 2)) * 0.1 + 3.0])
    yield "long positive runs", pairwise_distances(X), np.repeat([0, 1], 20), 10.0
    # a collapsed batch: every distance 0, no negative lies beyond any positive
    yield "collapsed", np.zeros((30, 30)), rng.integers(0, 3, 30), 0.2
    # a partly collapsed batch: one class at a point, the rest spread
    Q = rng.normal(size=(32, 3))
    yp = rng.integers(0, 4, 32)
    Q[yp == 0] = 0.0
    yield "partly collapsed", pairwise_distances(Q), yp, 0.5


CASES = list(cases())


def levels_collide(D):
    """Two different distances of one row share the miner's level (its exact path is taken)."""
    nb = max(1, (D.shape[0] - 1).bit_length())
    S = np.sort(D + 0.0, axis=1)
    lev = S.view(np.int64) >> (nb + 1)
    return bool(((lev[:, 1:] == lev[:, :-1]) & (S[:, 1:] != S[:, :-1])).any())


@pytest.mark.parametrize("name, D, y, alpha", CASES, ids=[c[0] for c in CASES])
def test_agrees_with_loop(name, D, y, alpha):
    assert got(D, y, alpha) == loop_semi_hard(D, y, alpha)


@pytest.mark.parametrize("name, D, y, alpha", CASES, ids=[c[0] for c in CASES])
def test_wide_low_bits_agree_with_loop(name, D, y, alpha, monkeypatch):
    """The int64 low bits of batches above 16384 (here forced on small ones) give the same triplets."""
    import label_noise_lab.simulate.embedding.losses as em

    monkeypatch.setattr(em, "_NARROW_BITS", 0)
    assert got(D, y, alpha) == loop_semi_hard(D, y, alpha)


def test_both_paths_are_met():
    collide = {name: levels_collide(D) for name, D, _, _ in CASES}
    assert collide["sub-level differences"] and not collide["normalised"]


@pytest.mark.parametrize("name, D, y, alpha", CASES, ids=[c[0] for c in CASES])
def test_in_pair_order(name, D, y, alpha):
    a, p, _ = semi_hard_negatives(D, y, alpha)
    key = a * len(y) + p
    assert np.all(np.diff(key) > 0)  # increasing (anchor, positive): the order of positive_pairs


def test_stacked_miner_is_the_single_one_per_replica():
    """mine(..., "semi-hard") over replicas: each replica's triplets are semi_hard_negatives' own, in
    (replica, anchor, positive) order; a single-class replica contributes nothing and is counted."""
    Ds = np.stack([CASES[0][1][:40, :40]] + [pairwise_distances(np.random.default_rng(k).normal(size=(40, 3)))
                                             for k in range(3)])
    ys = np.stack([CASES[0][2][:40]] + [np.random.default_rng(9 + k).integers(0, 3, 40) for k in range(2)]
                  + [np.zeros(40, dtype=np.int64)])
    r, a, p, n, skipped = mine(Ds, ys, "semi-hard", alpha=0.4)
    assert np.all(np.diff((r * 40 + a) * 40 + p) > 0)
    for k in range(3):
        want = loop_semi_hard(Ds[k], ys[k], 0.4)
        sel = r == k
        assert sorted(zip(a[sel].tolist(), p[sel].tolist(), n[sel].tolist())) == want
    assert not np.any(r == 3) and int(skipped) == 40 * 39


@pytest.mark.slow
def test_large_batch():
    """A batch of 300 (the size the earlier sorted-scan path was written for) against the plain loop."""
    rng = np.random.default_rng(7)
    E = normalize(rng.normal(size=(300, 16)))
    y = rng.integers(0, 6, 300)
    D = pairwise_distances(E)
    fast = got(D, y, 0.2)
    assert fast == loop_semi_hard(D, y, 0.2) and len(fast) > 1000


def test_negative_zero_distances():
    """-0.0 (whose bit pattern sorts below every other) counts as 0."""
    D = np.array([[0.0, 1.0, -0.0, 2.0], [1.0, 0.0, 1.5, 0.5], [-0.0, 1.5, 0.0, 1.0], [2.0, 0.5, 1.0, 0.0]])
    y = np.array([0, 0, 1, 1])
    assert got(D, y, 3.0) == loop_semi_hard(D, y, 3.0)


@pytest.fixture
def device_syncs(monkeypatch):
    """Host syncs on ``array_api_strict``, counting also what it leaves free but a device pays: the size of a
    data-dependent result (``nonzero``, ``flatnonzero``, ``argwhere``, ``unique``, boolean-mask indexing)."""
    extra = [0]

    def counted(name):
        real = getattr(strict, name)

        def fn(*a, **k):
            extra[0] += 1
            return real(*a, **k)
        return fn

    for name in ("nonzero", "unique_values", "unique_all", "unique_counts", "unique_inverse"):  # the standard's
        monkeypatch.setattr(strict, name, counted(name))
    real_getitem = StrictArray.__getitem__

    def getitem(self, key):
        keys = key if isinstance(key, tuple) else (key,)
        if any(isinstance(k, StrictArray) and k.dtype == strict.bool for k in keys):
            extra[0] += 1
        return real_getitem(self, key)

    monkeypatch.setattr(StrictArray, "__getitem__", getitem)
    with counting() as counts:
        yield lambda: counts.syncs + extra[0]


@pytest.mark.skip(reason=f"beyond the array API standard: {SEMI_HARD_BITS}; the two-sync budget was counted on the "
                         "former CuPy stand-in, and nothing counts it until the miner is written with the standard")
@pytest.mark.parametrize("name, D, y, alpha", CASES, ids=[c[0] for c in CASES])
def test_two_syncs_per_call_on_array_api_strict(device_syncs, name, D, y, alpha):
    """One sync for the checks (and the pair count and path), one for the size of the result,
    whatever the batch: no compaction inside a loop."""
    Dx, yx = strict.asarray(D), strict.asarray(y)
    before = device_syncs()
    a, p, n = semi_hard_negatives(Dx, yx, alpha)
    assert device_syncs() - before <= 2
    assert sorted(zip(a.tolist(), p.tolist(), n.tolist())) == loop_semi_hard(D, y, alpha)
    before = device_syncs()
    mine(Dx[None], yx[None], "semi-hard", alpha=alpha)
    assert device_syncs() - before <= 2


@pytest.mark.parametrize("D, match", [
    (np.full((3, 3), np.nan), "NaN"),
    (-np.ones((3, 3)), "non-negative"),
    (np.zeros((4, 4)), "shape"),
])
def test_bad_distances(D, match):
    with pytest.raises(ValueError, match=match):
        semi_hard_negatives(D, np.array([0, 0, 1]), 0.2)
