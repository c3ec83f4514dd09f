"""The sorted-key path of ``semi_hard_negatives`` against the plain loop, ties and collisions included.

The path is taken for large batches only (pairs x B above ``_DENSE_LIMIT``); here the limit is
lowered so that small batches take it, and the scan budget is varied so that the exact
fall-back (masked minimum) is exercised too.
"""
import numpy as np
import pytest

import simulate.embedding as em
from simulate.embedding import normalize, pairwise_distances, semi_hard_negatives


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


@pytest.mark.parametrize("dense_limit, steps", [(0, 6), (0, 1), (0, 0), (1 << 20, 6)])
@pytest.mark.parametrize("name, D, y, alpha", CASES, ids=[c[0] for c in CASES])
def test_paths_agree_with_loop(monkeypatch, name, D, y, alpha, dense_limit, steps):
    monkeypatch.setattr(em, "_DENSE_LIMIT", dense_limit)
    monkeypatch.setattr(em, "_SCAN_STEPS", steps)
    assert got(D, y, alpha) == loop_semi_hard(D, y, alpha)


def test_grouped_by_anchor(monkeypatch):
    _, D, y, alpha = CASES[0]
    for limit in (0, 1 << 20):
        monkeypatch.setattr(em, "_DENSE_LIMIT", limit)
        a, _, _ = semi_hard_negatives(D, y, alpha)
        assert np.all(np.diff(a) >= 0)


def test_large_batch_matches_dense(monkeypatch):
    """A batch big enough for the sorted path by default, against the dense masked minimum."""
    rng = np.random.default_rng(7)
    E = normalize(rng.normal(size=(300, 16)))
    y = rng.integers(0, 6, 300)
    D = pairwise_distances(E)
    fast = got(D, y, 0.2)
    monkeypatch.setattr(em, "_DENSE_LIMIT", 1 << 40)
    assert fast == got(D, y, 0.2) and len(fast) > 1000


@pytest.mark.parametrize("D, match", [
    (np.full((3, 3), np.nan), "NaN"),
    (-np.ones((3, 3)), "non-negative"),
    (np.zeros((4, 4)), "shape"),
])
def test_bad_distances(D, match):
    with pytest.raises(ValueError, match=match):
        semi_hard_negatives(D, np.array([0, 0, 1]), 0.2)
