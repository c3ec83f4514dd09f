"""The sec. 5.1 matrices of Patrini et al. 2017 against their definitions, and their determinants."""
import numpy as np
import pytest
import sympy

from label_noise_lab.simulate.engine.namespace import to_host
from label_noise_lab.simulate.engine.rng import generator
from label_noise_lab.simulate.noise import (
    CIFAR10_CLASSES,
    TransitionMatrix,
    cifar10_flips,
    cifar100_flips,
    flip_transition,
    mnist_flips,
    sample_noisy_labels,
)
from label_noise_lab.theory import correction as tc

RATES = [0.0, 0.2, 0.37, 0.5, 0.6, 0.93, 1.0]


def _expected(c, flips, N):
    """The definition, one row at a time: the clean class keeps 1 - N, its flip target gets N."""
    T = np.zeros((c, c))
    target = dict(flips)
    for i in range(c):
        if i in target:
            T[i, i], T[i, target[i]] = 1 - N, N
        else:
            T[i, i] = 1.0
    return T


@pytest.mark.parametrize("N", RATES)
def test_mnist_definition(N):
    flips = {2: 7, 3: 8, 5: 6, 6: 5, 7: 1}  # 2->7, 3->8, 5<->6, 7->1
    T = mnist_flips(N)
    assert isinstance(T, TransitionMatrix) and T.c == 10
    np.testing.assert_array_equal(T.matrix, _expected(10, flips.items(), N))


@pytest.mark.parametrize("N", RATES)
def test_cifar10_definition(N):
    ix = CIFAR10_CLASSES.index
    flips = [(ix("truck"), ix("automobile")), (ix("bird"), ix("airplane")), (ix("deer"), ix("horse")),
             (ix("cat"), ix("dog")), (ix("dog"), ix("cat"))]
    assert CIFAR10_CLASSES[:3] == ("airplane", "automobile", "bird") and ix("truck") == 9
    np.testing.assert_array_equal(cifar10_flips(N).matrix, _expected(10, flips, N))


@pytest.mark.parametrize("N", RATES)
def test_cifar100_definition(N):
    T = cifar100_flips(N).matrix
    assert T.shape == (100, 100)
    for i in range(100):
        nxt = 5 * (i // 5) + (i % 5 + 1) % 5  # the next class of the same super-class, circularly
        row = np.zeros(100)
        row[i] += 1 - N
        row[nxt] += N
        np.testing.assert_array_equal(T[i], row)
    # block diagonal: nothing leaves a super-class
    for s in range(20):
        blk = slice(5 * s, 5 * s + 5)
        np.testing.assert_allclose(T[blk, blk].sum(axis=1), 1.0)


@pytest.mark.parametrize("N", [0.0, 0.1, 0.3, 0.45, 0.55, 0.6, 0.8, 0.99])
def test_determinants_against_numpy(N):
    assert mnist_flips(N).det == pytest.approx((1 - N) ** 3 * (1 - 2 * N), abs=1e-12)
    assert cifar10_flips(N).det == pytest.approx((1 - N) ** 3 * (1 - 2 * N), abs=1e-12)
    assert cifar100_flips(N).det == pytest.approx(((1 - N) ** 5 + N**5) ** 20, rel=1e-9)
    for name, make in (("mnist", mnist_flips), ("cifar10", cifar10_flips)):
        sym = float(tc.block_determinant(tc.benchmark_matrix(name)).subs(tc.N, sympy.Rational(repr(N))))
        assert sym == pytest.approx(make(N).det, abs=1e-12)


@pytest.mark.parametrize("name", ["mnist", "cifar10", "cifar100"])
def test_numeric_matrices_equal_the_symbolic_ones(name):
    make = {"mnist": mnist_flips, "cifar10": cifar10_flips, "cifar100": cifar100_flips}[name]
    sym = np.array(tc.benchmark_matrix(name, sympy.Rational(3, 10)).evalf(), dtype=float)
    np.testing.assert_allclose(make(0.3).matrix, sym, atol=1e-15)


def test_singular_where_the_determinant_vanishes():
    with pytest.raises(ValueError, match="cond ="):
        mnist_flips(0.5).inverse()
    with pytest.raises(ValueError, match="cond ="):
        cifar10_flips(1.0).inverse()
    assert np.isfinite(cifar100_flips(0.5).inverse()).all()  # never singular
    assert cifar100_flips(0.5).cond == pytest.approx(1 / np.cos(2 * np.pi / 5), rel=1e-9)  # 1/min |0.5 + 0.5 w^k|


@pytest.mark.parametrize("bad", [-0.1, 1.5, float("nan"), True, "0.2", None])
def test_bad_rate(bad):
    for make in (mnist_flips, cifar10_flips, cifar100_flips):
        with pytest.raises(ValueError, match="flip rate N must be a number in \\[0, 1\\]"):
            make(bad)


def test_flip_transition_bad_flips():
    with pytest.raises(ValueError, match="distinct classes"):
        flip_transition(4, ((0, 4),), 0.2)
    with pytest.raises(ValueError, match="one other class"):
        flip_transition(4, ((0, 1), (0, 2)), 0.2)
    with pytest.raises(ValueError, match="c must be"):
        flip_transition(1, (), 0.2)


def test_sampling_through_a_benchmark_matrix(xp):
    T = mnist_flips(0.3)
    rng = generator(xp, 0)
    n = 200_000
    y = xp.full(n, 7)
    noisy = sample_noisy_labels(y, T, rng, xp)
    noisy = to_host(noisy)
    frac_1 = float((noisy == 1).mean())
    assert abs(frac_1 - 0.3) <= 5 * np.sqrt(0.3 * 0.7 / n)
    assert set(np.unique(noisy).tolist()) == {1, 7}
