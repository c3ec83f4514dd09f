"""The RNG adapter: NumPy's Generator on the host, a HostStream elsewhere (the same draws), clear errors."""
import array_api_strict
import numpy as np
import pytest

from label_noise_lab.simulate.engine.namespace import HOST
from label_noise_lab.simulate.engine.rng import (
    HostStream,
    check_generator,
    check_generators,
    check_rng,
    draws_for,
    generator,
    generator_namespace,
)


def test_the_host_gets_numpys_generator_and_strict_the_same_draws_uploaded():
    assert isinstance(generator(np, 3), np.random.Generator) and isinstance(generator(HOST, 3), np.random.Generator)
    g = generator(array_api_strict, 3)
    assert isinstance(g, HostStream) and generator_namespace(g) is array_api_strict
    for method, args in (("random", (7,)), ("integers", (0, 5, 7)), ("standard_normal", ((2, 3),))):
        got = getattr(generator(array_api_strict, 3), method)(*args)
        assert type(got) is type(array_api_strict.asarray(0.0))
        np.testing.assert_array_equal(np.from_dlpack(got), getattr(np.random.default_rng(3), method)(*args))


def test_a_seed_sequence_seeds_alike_on_every_namespace():
    s = np.random.SeedSequence(11)
    np.testing.assert_array_equal(np.from_dlpack(generator(array_api_strict, s).random(4)),
                                  generator(np, np.random.SeedSequence(11)).random(4))


def test_the_stream_offers_only_what_cupys_generator_has():
    g = generator(array_api_strict, 0)
    for missing in ("choice", "permutation", "shuffle", "normal", "multinomial"):
        assert not hasattr(g, missing)


def test_generators_are_checked_against_the_arrays_namespace():
    host = np.random.default_rng(0)
    assert check_rng(host, np) is host and check_rng(host, HOST) is host
    with pytest.raises(TypeError, match="rng draws numpy arrays but the arrays here are array_api_strict"):
        check_rng(host, array_api_strict)
    assert isinstance(draws_for(host, array_api_strict), HostStream) and draws_for(host, np) is host


@pytest.mark.parametrize("bad", [None, 3, "seed"])
def test_a_non_generator_is_named_and_quoted(bad):
    with pytest.raises(TypeError, match=f"rng must be a random generator.*{bad!r}"):
        check_generator(bad)


def test_stacked_batches_need_a_sequence_of_generators():
    with pytest.raises(TypeError, match="sequence of 2 generators"):
        check_generators(np.random.default_rng(0), 2)
    with pytest.raises(TypeError, match=r"rng\[1\]"):
        check_generators([np.random.default_rng(0), None], 2)


def test_host_stream_wraps_a_numpy_generator_only():
    with pytest.raises(TypeError, match="HostStream wraps a NumPy Generator"):
        HostStream(generator(array_api_strict, 0), array_api_strict)
