"""The ``--backend`` choice by name: array-api-compat's namespaces, CuPy only where a device is seen."""
import numpy as np
import pytest

import label_noise_lab.simulate.engine.devices as sd
from label_noise_lab.simulate.engine.devices import get_backend
from label_noise_lab.simulate.engine.namespace import is_host


def test_numpy_forced_is_array_api_compat_numpy():
    b = get_backend("numpy")
    assert b.name == "numpy" and is_host(b.xp) and b.xp.__name__ == "array_api_compat.numpy"


def test_env_variable(monkeypatch):
    monkeypatch.setenv("LNL_BACKEND", "numpy")
    assert get_backend().name == "numpy"


def test_unknown_backend_names_value():
    with pytest.raises(ValueError, match="'tpu'"):
        get_backend("tpu")


def test_cupy_without_device_is_refused_clearly(monkeypatch):
    monkeypatch.setattr(sd, "cupy_available", lambda: False)
    with pytest.raises(ValueError, match="cupy"):
        sd.get_backend("cupy")
    assert sd.get_backend("auto").name == "numpy"


def test_a_backends_generator_draws_its_arrays(backend):
    a = backend.rng(np.random.SeedSequence(4)).random(5)
    np.testing.assert_array_equal(backend.to_host(a), np.random.default_rng(np.random.SeedSequence(4)).random(5)
                                  if backend.name != "cupy" else backend.to_host(a))
