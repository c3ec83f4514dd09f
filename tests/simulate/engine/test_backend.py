import numpy as np
import pytest

from simulate.engine.backend import get_backend, namespace_of, to_host


def test_numpy_forced():
    b = get_backend("numpy")
    assert b.name == "numpy" and b.xp is np


def test_env_variable(monkeypatch):
    monkeypatch.setenv("LNL_BACKEND", "numpy")
    assert get_backend().name == "numpy"


def test_unknown_backend_names_value():
    with pytest.raises(ValueError, match="'tpu'"):
        get_backend("tpu")


def test_cupy_without_device_is_refused_clearly(monkeypatch):
    import simulate.engine.backend as sb

    monkeypatch.setattr(sb, "cupy_available", lambda: False)
    with pytest.raises(ValueError, match="cupy"):
        sb.get_backend("cupy")
    assert sb.get_backend("auto").name == "numpy"


def test_namespace_and_host(xp):
    a = xp.arange(3.0)
    assert namespace_of(a) is xp
    np.testing.assert_array_equal(to_host(a), np.arange(3.0))
