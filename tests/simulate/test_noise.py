import numpy as np
import pytest
from hypothesis import given

from label_noise_lab.simulate.engine.namespace import to_host
from label_noise_lab.simulate.engine.rng import generator
from label_noise_lab.simulate.noise import (
    TransitionMatrix,
    pair_flip,
    random_transition,
    sample_count_table,
    sample_noisy_labels,
    uniform_noise,
)
from tests.strategies import stochastic_matrices


def test_uniform_noise_matches_definition():
    T = uniform_noise(4, 0.3).matrix
    expected = 0.7 * np.eye(4) + 0.1 * (np.ones((4, 4)) - np.eye(4))
    np.testing.assert_allclose(T, expected)


def test_pair_flip_rows():
    T = pair_flip(3, 0.2).matrix
    np.testing.assert_allclose(T, [[0.8, 0.2, 0], [0, 0.8, 0.2], [0.2, 0, 0.8]])


@pytest.mark.parametrize(
    "bad, match",
    [
        ([[0.5, 0.5], [0.2, 0.7]], r"row 1 sums to 0\.899999"),
        ([[1.2, -0.2], [0, 1]], r"negative entry T\[0, 1\]"),
        ([[np.nan, 1], [0, 1]], r"non-finite entry T\[0, 0\]"),
        ([[1, 0, 0], [0, 1, 0]], r"square"),
        ([[1.0]], r"c >= 2"),
    ],
)
def test_bad_matrices_are_refused_with_the_value(bad, match):
    with pytest.raises(ValueError, match=match):
        TransitionMatrix(bad)


def test_nothing_is_renormalised():
    with pytest.raises(ValueError):
        TransitionMatrix([[0.5, 0.5 + 1e-6], [0, 1]])


def test_column_orientation_is_explicit():
    col = np.array([[0.9, 0.2], [0.1, 0.8]])  # columns sum to 1
    T = TransitionMatrix(col, orientation="column")
    np.testing.assert_allclose(T.matrix, col.T)
    with pytest.raises(ValueError, match="row 0 sums"):
        TransitionMatrix(col)
    with pytest.raises(ValueError, match="orientation"):
        TransitionMatrix(col, orientation="rows")


def test_singular_inverse_quotes_condition_number():
    T = uniform_noise(3, 2 / 3)  # every row equal: singular
    with pytest.raises(ValueError, match="cond ="):
        T.inverse()
    np.testing.assert_allclose(uniform_noise(3, 0.2).inverse() @ uniform_noise(3, 0.2).matrix, np.eye(3), atol=1e-12)


def test_mixed_improves_conditioning():
    T = uniform_noise(3, 0.6)
    assert T.mixed(0.5).cond < T.cond


@pytest.mark.parametrize("c, eta", [(1, 0.1), (3, 1.5), (3, -0.1), (2.5, 0.1)])
def test_noise_parameters_validated(c, eta):
    with pytest.raises(ValueError):
        uniform_noise(c, eta)


@given(stochastic_matrices(3))
def test_alias_tables_reproduce_rows(T):
    tm = TransitionMatrix(T, tol=1e-6)
    prob, alias = tm.alias_tables()
    c = tm.c
    for r in range(c):
        recon = np.zeros(c)
        for j in range(c):
            recon[j] += prob[r, j] / c
            recon[alias[r, j]] += (1 - prob[r, j]) / c
        np.testing.assert_allclose(recon, tm.matrix[r], atol=1e-12)


def test_sampled_labels_follow_T(xp):
    rng = generator(xp, 3)
    T = random_transition(4, np.random.default_rng(0))
    n = 200_000
    y = xp.repeat(xp.arange(4), n)
    z = sample_noisy_labels(y, T, rng, xp)
    z = to_host(z)
    yh = np.repeat(np.arange(4), n)
    for i in range(4):
        freq = np.bincount(z[yh == i], minlength=4) / n
        se = np.sqrt(T.matrix[i] * (1 - T.matrix[i]) / n)
        assert np.all(np.abs(freq - T.matrix[i]) <= 5 * se + 1e-12)


def test_sampling_is_reproducible_and_chunk_independent_in_distribution():
    T = uniform_noise(5, 0.4)
    y = np.arange(100_000) % 5
    a = sample_noisy_labels(y, T, np.random.default_rng(1))
    b = sample_noisy_labels(y, T, np.random.default_rng(1))
    np.testing.assert_array_equal(a, b)
    c = sample_noisy_labels(y, T, np.random.default_rng(1), chunk=999)
    assert abs((c == y).mean() - 0.6) < 5 * np.sqrt(0.24 / y.size)


def test_bad_labels_refused():
    with pytest.raises(ValueError, match=r"\[0, 4\]"):
        sample_noisy_labels(np.array([0, 7]), uniform_noise(5, 0.1), np.random.default_rng(0))
    with pytest.raises(TypeError):
        sample_noisy_labels(np.array([0]), np.eye(2), np.random.default_rng(0))


def test_count_table_rows_and_mean():
    rng = np.random.default_rng(0)
    T = random_transition(3, rng)
    reps = np.array([sample_count_table(np.array([1000, 10, 0]), T, rng) for _ in range(400)])
    np.testing.assert_array_equal(reps.sum(axis=2)[0], [1000, 10, 0])
    mean = reps[:, 0].mean(axis=0) / 1000
    se = np.sqrt(T.matrix[0] * (1 - T.matrix[0]) / (1000 * 400))
    assert np.all(np.abs(mean - T.matrix[0]) <= 5 * se)


@pytest.mark.parametrize("bad", [np.array([[1 + 0j, 0], [0, 1]]), np.array([[0.5 + 0.5j, 0.5 - 0.5j], [0, 1]]),
                                 [["a", "b"], ["c", "d"]], [[1, {}], [0, 1]]])
def test_complex_or_non_numeric_matrices_are_refused_not_cast(bad):
    with pytest.raises(ValueError, match="entries must be real numbers"):
        TransitionMatrix(bad)


@pytest.mark.parametrize("rng", [None, 0, "seed"])
def test_samplers_need_a_generator(rng):
    T = uniform_noise(3, 0.2)
    with pytest.raises(TypeError, match="rng must be a random generator"):
        sample_noisy_labels(np.zeros(4, dtype=np.int64), T, rng)
    with pytest.raises(TypeError, match="rng must be a random generator"):
        sample_count_table(np.array([3, 2, 1]), T, rng)
    with pytest.raises(TypeError, match="rng must be a random generator"):
        random_transition(3, rng)


@pytest.mark.parametrize("chunk", [0, -1, 1.5, float("inf")])
def test_sampler_chunk_must_be_a_positive_integer(chunk):
    with pytest.raises(ValueError, match="chunk must be an integer >= 1"):
        sample_noisy_labels(np.zeros(4, dtype=np.int64), uniform_noise(3, 0.2), np.random.default_rng(0), chunk=chunk)


@pytest.mark.parametrize("eta", ["0.2", 0.2j, float("nan"), None, True])
def test_noise_rate_must_be_a_real_number(eta):
    for make in (uniform_noise, pair_flip):
        with pytest.raises(ValueError, match="noise rate eta must be a number in"):
            make(3, eta)


def test_an_exact_noise_rate_is_kept_exact():
    """A search hands exact rationals to the margins: ``eta / (c - 1)`` is rounded once, as before."""
    import sympy

    eta = sympy.Rational(1, 3)
    T = uniform_noise(4, eta).matrix
    assert T[0, 1] == float(eta / 3) and abs(T[0, 0] - 2 / 3) < 1e-15
