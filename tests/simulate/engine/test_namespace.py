"""Namespaces come from the arrays (array_api_compat.array_namespace); NumPy's two spellings are one namespace."""
import array_api_compat.numpy as cnp
import array_api_strict
import numpy as np

from label_noise_lab.simulate.engine.namespace import (
    HOST,
    default_chunk,
    is_host,
    name_of,
    namespace_of,
    same_namespace,
    to_host,
)


def test_namespace_and_host(xp):
    a = xp.arange(3.0)
    assert same_namespace(namespace_of(a), xp)
    out = to_host(a)
    assert type(out) is np.ndarray
    np.testing.assert_array_equal(out, np.arange(3.0))


def test_numpy_and_array_api_compat_numpy_are_the_same_namespace():
    assert HOST is cnp and is_host(np) and is_host(cnp) and same_namespace(np, cnp)
    assert not same_namespace(np, array_api_strict) and not is_host(array_api_strict)
    assert namespace_of(np.ones(2)) is cnp and namespace_of(np.float64(1.0)) is cnp


def test_python_values_and_host_generators_belong_to_the_host():
    for a in (1, 2.5, True, [1.0], (1, 2), None, "text", np.random.default_rng(0)):
        assert namespace_of(a) is HOST


def test_names_for_messages():
    assert [name_of(x) for x in (np, cnp, array_api_strict, None)] == ["numpy", "numpy", "array_api_strict", "no"]


def test_to_host_takes_strict_arrays_by_dlpack_and_numpy_without_copy():
    a = np.arange(4.0)
    assert to_host(a) is a
    np.testing.assert_array_equal(to_host(array_api_strict.asarray(a)), a)


def test_chunks_are_cache_sized_on_the_host_only():
    assert default_chunk(np) == default_chunk(cnp) == 1 << 16 and default_chunk(array_api_strict) == 1 << 22

