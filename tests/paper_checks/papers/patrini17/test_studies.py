"""The paper's settings of the conditioning study (Patrini et al. 2017, sec. 4.1 and the sec. 5.1 matrices)."""
import numpy as np
import pytest

from paper_checks.papers.patrini17.studies import benchmark_family, conditioning_study


def test_benchmark_family_and_conditioning_study():
    assert [p for _, p, _ in benchmark_family("mnist", [0.1, 0.4])] == [0.1, 0.4]
    with pytest.raises(ValueError, match="unknown benchmark"):
        benchmark_family("svhn", [0.1])
    st = conditioning_study(np.random.default_rng(0), c=10, n_x=50, ratios=(0.0, 0.5, 0.9), rates=(0.1, 0.4),
                            mixes=(0.0, 0.1))
    assert len(st.points) == (3 + 2) * 2 and st.base.name == "cce"
    var = [p.exact.variance for p in st.select("uniform", 0.0)]
    assert var[0] < var[1] < var[2]
    mixed = [p.exact.variance for p in st.select("uniform", 0.1)]
    assert mixed[2] < var[2]
