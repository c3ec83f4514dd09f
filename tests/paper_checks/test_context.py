"""Random streams are addresses: same claim, seed and address, same stream, whatever was drawn before."""
import array_api_strict
import numpy as np
import pytest

from label_noise_lab.simulate.engine.devices import Backend
from label_noise_lab.simulate.engine.rng import HostStream
from paper_checks.context import Context
from paper_checks.evidence import Evidence


def _draw(g, n=4):
    out = g.random(n)
    return np.asarray(out.get() if hasattr(out, "get") and not isinstance(out, np.ndarray) else out)


def test_one_address_one_stream():
    ctx = Context("x.y")
    a = _draw(ctx.rng(0))
    np.testing.assert_array_equal(_draw(ctx.rng(0)), a)  # twice: the same stream
    fresh = Context("x.y")
    np.testing.assert_array_equal(_draw(fresh.rng(1)), _draw(Context("x.y").rng(1)))
    assert not np.array_equal(_draw(fresh.rng(1)), a)  # another address, another stream
    # asking for other streams first changes nothing
    other = Context("x.y")
    other.rng(5), other.device_rng(3), other.rng("warm-up")
    np.testing.assert_array_equal(_draw(other.rng(0)), a)


def test_names_devices_claims_and_seeds_are_separate_streams():
    ctx = Context("x.y")
    draws = [_draw(ctx.rng(0)), _draw(ctx.device_rng(0)), _draw(ctx.rng("a")), _draw(ctx.rng("b")),
             _draw(ctx.device_rng("a")), _draw(Context("x.z").rng(0)), _draw(Context("x.y", seed=1).rng(0))]
    assert len({d.tobytes() for d in draws}) == len(draws)
    np.testing.assert_array_equal(_draw(ctx.rng("a")), draws[2])


def test_device_rng_follows_the_backend_and_matches_numpy_on_array_api_strict():
    g = Context("x.y", backend=Backend("strict", array_api_strict)).device_rng(2)
    assert isinstance(g, HostStream) and g.xp is array_api_strict
    np.testing.assert_array_equal(_draw(g), _draw(Context("x.y").device_rng(2)))


@pytest.mark.parametrize("bad", [-1, 1000, 1.5, True, "", None])
def test_bad_addresses_are_refused(bad):
    with pytest.raises(ValueError, match="stream"):
        Context("x.y").rng(bad)


def test_addresses_are_cheap():
    """An address is one SeedSequence built from its key, never ``spawn(1001)`` of the claim's sequence (that took
    ~12 ms a call); checked by its structure rather than timed, so the outcome does not depend on the machine."""
    ctx = Context("x.y")
    base = ctx.seed_sequence(0).spawn_key[:-1]
    for k in (0, 1, 199):
        assert ctx.seed_sequence(k).spawn_key == (*base, k)
        assert ctx.seed_sequence(k, device=True).spawn_key == (*base, 1000 + k)
        assert ctx.seed_sequence(k).n_children_spawned == 0


def test_checks_compute_on_one_blas_thread():
    """A check's numbers may not depend on the machine's cores or on --jobs (OpenBLAS sums some
    products in another order on more threads), so the runner pins BLAS to one thread."""
    from threadpoolctl import threadpool_info

    from label_noise_lab.simulate.engine.blas import BLAS_THREADS as CHECK_BLAS_THREADS
    from label_noise_lab.simulate.engine.devices import get_backend
    from paper_checks.registry import Claim
    from paper_checks.run.runner import run_claim

    seen = []

    def check(ctx):
        seen.extend(i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas")
        return Evidence("confirmed", "sim", "ok")

    r = run_claim(Claim("gce18.fake", "gce18", "src", "stmt", "confirmed", "sim", check), "quick", 0,
                  get_backend("numpy"))
    assert r.verdict == "confirmed" and seen and set(seen) == {CHECK_BLAS_THREADS}
