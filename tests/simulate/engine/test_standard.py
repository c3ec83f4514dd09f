"""What the array API standard lacks, written with its functions: ``bincount`` equals NumPy's in every namespace."""
import numpy as np
import pytest

from label_noise_lab.simulate.engine.namespace import to_host
from label_noise_lab.simulate.engine.standard import bincount


@pytest.mark.parametrize("n, k", [(0, 3), (1, 1), (500, 7), (2000, 40)])
def test_bincount_counts_like_numpy_and_a_loop(n, k, xp):
    keys = np.random.default_rng(n + k).integers(0, k, n)
    got = bincount(xp.asarray(keys), minlength=k)
    loop = np.zeros(k, dtype=np.int64)
    for key in keys:
        loop[key] += 1
    np.testing.assert_array_equal(to_host(got), loop)
    np.testing.assert_array_equal(to_host(got), np.bincount(keys, minlength=k))
