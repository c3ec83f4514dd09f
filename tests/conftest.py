"""Shared fixtures: the array namespaces under test and hypothesis profiles.

``xp`` runs a test once per backend named in ``LNL_TEST_BACKENDS`` (comma separated;
default ``numpy,strict``): ``numpy`` (``array_api_compat.numpy``); ``strict``, ``array_api_strict``, the
array API standard's strict namespace (nothing outside the standard, no implicit host conversion, no mixing
with NumPy arrays; random draws through :class:`label_noise_lab.simulate.engine.rng.HostStream`, CuPy's generator
methods only;
host syncs counted by :mod:`tests.syncs`); ``cupy`` (``array_api_compat.cupy``) where a device exists (skipped
otherwise). Tests marked ``host_only`` (modules that are NumPy by design) run on numpy only; tests marked
``beyond_standard(reason)`` (code that needs what the standard lacks: bit views, scatter-add) skip ``strict``.
"""
from __future__ import annotations

import os
import signal
from typing import Any

import array_api_strict
import numpy as np
import pytest
from hypothesis import HealthCheck, settings

from label_noise_lab.simulate.engine.devices import Backend, cupy_available
from label_noise_lab.simulate.engine.namespace import HOST, name_of, namespace_of, same_namespace, to_host

#: the quick suite's rule, kept (tests/quick_rule.py): a quick test over a second of CPU is named, over five fails
pytest_plugins = ["tests.quick_rule"]

settings.register_profile("ci", derandomize=True, max_examples=30, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("dev", max_examples=50, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

KNOWN_BACKENDS = ("numpy", "strict", "cupy")


def test_backends() -> list[str]:
    """The backends named by ``LNL_TEST_BACKENDS``; a clear error for an unknown name."""
    names = [n.strip() for n in os.environ.get("LNL_TEST_BACKENDS", "numpy,strict").split(",") if n.strip()]
    bad = [n for n in names if n not in KNOWN_BACKENDS]
    if bad or not names:
        raise pytest.UsageError(f"LNL_TEST_BACKENDS={os.environ.get('LNL_TEST_BACKENDS')!r}: "
                                f"choose from {', '.join(KNOWN_BACKENDS)}")
    return names


test_backends.__test__ = False  # type: ignore[attr-defined]


#: the heaviest slow tests (each over 20 s on the 2-core development machine beside a light load, session 23's
#: measure; those added in session 40 each over 29 s in a slow run at -n 2, in session 41 over 20 s in CI's): marker
#: ``heavy`` as well as ``slow``.
#: CI's slow run leaves them out (``-m "slow and not heavy"``) so that .ci/run stays within 20 minutes;
#: ``python -m pytest -n auto -m heavy`` runs them, and a change to the prover runs them before it lands. Each id, its
#: seconds then.
HEAVY = {
    "tests/paper_checks/prover/sweeps/test_sweep.py::test_a_piece_of_the_simplex_is_swept_in_its_real_coordinate": 163,
    "tests/paper_checks/prover/sweeps/test_sweep.py::"
    "test_a_class_sum_for_every_q_is_proved_by_sweeping_the_margin_as_written":
        79,
    "tests/paper_checks/prover/critical/test_tight_set.py::"
    "test_true_cases_are_proved[Gibbs, both distributions free, c = 3]":
        70,
    "tests/paper_checks/prover/critical/test_valleys.py::test_gibbs_with_both_distributions_free[3]": 69,
    "tests/paper_checks/prover/test_gather.py::test_a_minimum_of_0_at_an_irrational_point_is_named": 48,
    "tests/paper_checks/prover/test_gather.py::test_boxes_left_at_both_poles_of_a_line_are_told_at_one_of_them": 47,
    "tests/paper_checks/prover/tracing/test_defined.py::"
    "test_a_zero_of_a_denominator_that_is_irrational_is_never_proved": 38,
    "tests/paper_checks/prover/test_gather.py::test_a_pole_on_a_face_is_found_by_its_limit_across_the_face": 37,
    "tests/paper_checks/prover/tracing/test_polygon.py::"
    "test_the_margin_loss_order_of_le19_is_proved_on_its_polygon": 36,
    "tests/paper_checks/prover/critical/test_second.py::test_gce_class_sum_bound_along_q[5]": 36,
    "tests/paper_checks/prover/tracing/test_trace.py::"
    "test_le19_order_margins_evaluate_on_symbols[le19.triplet_robust]": 33,
    "tests/paper_checks/prover/subproofs/test_logs.py::test_barron_s_slope_factor_is_proved_through_its_logarithms": 32,
    "tests/paper_checks/prover/test_gather.py::test_a_line_of_zeros_is_reported_with_its_gradient": 28,
    "tests/paper_checks/prover/critical/test_valleys.py::test_gce_upper_bound_written_literally_at_c_4": 25,
    "tests/paper_checks/prover/subproofs/test_combination.py::"
    "test_a_combination_inside_a_sum_is_written_in_where_it_occurs": 24,
    "tests/paper_checks/prover/subproofs/test_simplex_sum.py::test_gce_both_ends_for_every_q_in_0_1_with_c_folded": 22,
    # session 40's measure (the slow run at -n 2, 27 min in all): CI had grown to 1,545 s on this machine
    "tests/paper_checks/prover/critical/test_valleys.py::"
    "test_gibbs_with_both_distributions_free[2]":
        173,
    "tests/paper_checks/prover/subproofs/test_logs.py::"
    "test_margins_are_proved_through_their_logarithms[margin1-domain1]":
        97,
    "tests/paper_checks/prover/subproofs/test_concave.py::"
    "test_a_simplex_coordinate_read_alone_is_a_plain_real":
        92,
    "tests/paper_checks/prover/subproofs/test_combination.py::"
    "test_the_smoothed_hinge_is_proved_on_the_line_with_its_temperature_free":
        84,
    "tests/paper_checks/prover/subproofs/test_simplex_sum.py::"
    "test_the_js_class_sum_is_closed_by_its_chord_read_at_0_log_0":
        78,
    "tests/paper_checks/prover/kinks/test_kink_split.py::"
    "test_log_sum_exp_below_the_max_plus_log_2_is_proved_side_by_side":
        56,
    "tests/paper_checks/prover/tracing/test_unbounded.py::"
    "test_true_on_the_line_is_proved_and_rechecked[atan <= pi/2, tight at oo-expr3--inf-inf]":
        55,
    "tests/paper_checks/prover/kinks/test_kink_split.py::"
    "test_a_tampered_record_fails_its_recheck":
        49,
    "tests/paper_checks/prover/subproofs/test_logs.py::"
    "test_false_neighbours_are_refuted[margin3-domain3]":
        44,
    "tests/paper_checks/prover/critical/test_valleys.py::"
    "test_a_homogeneous_margin_closes_its_corner_by_scaling":
        41,
    "tests/paper_checks/prover/kinks/test_kink_curve.py::"
    "test_the_certificate_rechecks_and_a_tampered_one_does_not":
        40,
    "tests/paper_checks/prover/kinks/test_kink_split.py::"
    "test_soft_min_above_the_min_minus_log_2_is_proved":
        34,
    "tests/paper_checks/prover/critical/test_tight_set.py::"
    "test_true_cases_are_proved[Jensen for log]":
        32,
    "tests/paper_checks/prover/kinks/test_branch_split.py::"
    "test_the_reconstructed_thm2_of_zhang_and_sabuncu_is_proved_and_rechecked":
        32,
    "tests/paper_checks/prover/subproofs/test_concave.py::"
    "test_the_js_loss_below_its_chord_is_proved_through_its_faces_and_rechecks":
        30,
    # session 41's measure (CI at 8d8519c: 1,211 s in all, over its 20 minutes): the prover tests over 20 s left in its
    # slow run, and two of the three hash seeds of the test that z3's heap survives thousands of alarms (one stays)
    "tests/paper_checks/prover/symmetry/test_ratio.py::test_jensen_with_its_weight_free_is_proved_on_the_ratios": 25,
    "tests/paper_checks/prover/test_prove.py::test_narrow_dip_is_refuted": 24,
    "tests/paper_checks/prover/critical/test_tight_set.py::test_true_cases_are_proved[Pinsker, binary]": 24,
    "tests/paper_checks/prover/critical/test_tight_set.py::test_true_cases_are_proved[binary entropy <= log 2]": 23,
    "tests/paper_checks/prover/critical/test_second.py::test_binary_entropy_bound_at_the_midpoint": 22,
    "tests/paper_checks/test_native_stop.py::test_thousands_of_alarms_inside_z3_never_corrupt_its_heap[2]": 21,
    "tests/paper_checks/test_native_stop.py::test_thousands_of_alarms_inside_z3_never_corrupt_its_heap[3]": 21,
    # session 42's measure (CI at 4c64498: 1,424 s, over its 20 minutes; the slow run 1,162 s at -n 2): every other
    # slow test over 8 s, apart from the claims' runs (shared with the README's test and the figures' numbers) and
    # the figures (the zoo's trials shared); a name without parameters stands for all of them
    "tests/paper_checks/test_pytest_plugin.py::"
    "test_a_verdict_recorded_by_claims_update_passes_pytest_and_run_alike":
        49,
    "tests/test_docs.py::test_extending_commands_run": 30,
    "tests/paper_checks/test_native_stop.py::test_z3_s_nonlinear_arithmetic_never_ends_the_process": 23,
    "tests/test_docs.py::test_python_run_blocks_execute[api.md]": 22,
    "tests/paper_checks/test_native_stop.py::test_thousands_of_alarms_inside_z3_never_corrupt_its_heap[1]": 21,
    "tests/paper_checks/test_pytest_plugin.py::test_claims_update_keeps_bom_coding_line_and_line_endings": 19,
    "tests/paper_checks/search/test_loop.py::test_explore_stops_on_ctrl_c_and_on_its_time_limit": 19,
    "tests/paper_checks/test_pytest_plugin.py::test_claims_update_records_the_changed_verdict_in_place": 19,
    "tests/paper_checks/prover/sweeps/test_cutoff.py::test_a_counterexample_of_the_rest_comes_back_on_the_chart": 18,
    "tests/paper_checks/prover/sweeps/test_sweep.py::test_bernoulli_with_the_exponent_free_is_swept_in_r": 17,
    "tests/paper_checks/prover/subproofs/test_differences.py::test_false_neighbours_are_refuted": 16,
    "tests/paper_checks/prover/critical/test_segments.py::"
    "test_the_tempered_log_above_log_for_t_up_to_9_10_is_proved":
        14,
    "tests/paper_checks/run/test_stability.py::test_cli_stability_on_one_cheap_claim": 13,
    "tests/paper_checks/trials/test_margin.py::test_cli_margin_loss_and_table": 13,
    "tests/paper_checks/trials/test_simplex.py::test_jensen_shannon_at_a_tenth_is_bounded_and_decided_asymmetric": 13,
    "tests/paper_checks/test_pytest_plugin.py::test_each_claim_runs_isolated_and_limited_and_pytest_exits_honestly": 13,
    "tests/paper_checks/test_pytest_plugin.py::test_claims_files_run_as_tests_outside_the_repository": 12,
    "tests/test_examples.py::test_pytest_regression_picks_claims_up_from_the_environment": 12,
    "tests/paper_checks/test_pytest_plugin.py::"
    "test_a_claims_file_that_exits_at_import_and_a_negative_seed_are_one_line_errors":
        12,
    "tests/paper_checks/prover/critical/test_second.py::test_gce_class_sum_bound_along_q[4]": 11,
    "tests/paper_checks/prover/sweeps/test_cutoff.py::test_a_cutoff_proof_rechecks[<lambda>-bounds1]": 11,
    "tests/paper_checks/prover/symmetry/test_proportional.py::test_factors_across_a_pole_are_not_closed": 11,
    "tests/paper_checks/trials/test_margin.py::test_cli_names_the_row_and_looks_up_zoo_names_first": 11,
    "tests/paper_checks/run/test_parallel.py::test_jobs_2_gives_the_serial_json": 10,
    "tests/paper_checks/test_report.py::test_concurrent_writers_never_leave_a_corrupt_or_mixed_report": 10,
    "tests/paper_checks/prover/critical/test_second.py::"
    "test_redheffer_is_proved_through_its_double_zero_at_pi_and_a_near_miss_is_not":
        10,
    "tests/paper_checks/run/test_descendants.py::test_a_checks_children_do_not_outlive_the_run[pytest]": 10,
    "tests/paper_checks/prover/sweeps/test_cutoff.py::test_a_tail_no_taylor_cut_closes_is_a_sub_problem_of_its_own": 10,
    "tests/paper_checks/prover/tracing/test_identities.py::test_jordans_inequality_written_with_a_root_is_proved": 10,
    "tests/paper_checks/prover/subproofs/test_differences.py::"
    "test_the_certificate_rechecks_and_a_tampered_one_does_not":
        9,
    "tests/test_examples.py::test_claims_file_on_two_workers_and_its_figure": 9,
    "tests/paper_checks/prover/test_prove.py::test_budget_and_time_are_respected": 9,
    "tests/paper_checks/trials/test_family_lq.py::"
    "test_tgce_below_one_half_checks_the_derived_maximum_for_c_at_least_one_over_k":
        9,
    "tests/paper_checks/run/test_isolation.py::test_a_runaway_an_exit_and_an_os_exit_are_each_their_claims_error[1]": 9,
    "tests/paper_checks/test_stage.py::test_a_claim_over_the_time_limit_reports_its_stage_and_point": 9,
    "tests/paper_checks/run/test_stability.py::test_stability_time_limit_and_out_folder": 9,
    "tests/paper_checks/prover/subproofs/test_simplex_vertices.py::"
    "test_a_shared_sub_certificate_is_rechecked_afresh_each_time":
        9,
    "tests/paper_checks/run/test_isolation.py::test_a_runaway_an_exit_and_an_os_exit_are_each_their_claims_error[2]": 9,
    "tests/paper_checks/commands/test_explore.py::"
    "test_timeout_bounds_explore_prove_even_when_the_prover_cannot_stop_itself":
        9,
    "tests/paper_checks/prover/subproofs/test_simplex_sum.py::"
    "test_prove_decides_class_sums_with_certificates_that_recheck":
        8,
    "tests/test_examples.py::test_claims_file_can_be_explored": 8,
}


@pytest.hookimpl(tryfirst=True)  # before pytest's own -m selection reads the markers
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if item.nodeid in HEAVY or item.nodeid.split("[")[0] in HEAVY:
            item.add_marker(pytest.mark.heavy)
            item.add_marker(pytest.mark.slow)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "host_only: the code under test is NumPy by design; run on numpy only")
    config.addinivalue_line("markers", "beyond_standard(reason): the code under test uses what the array API "
                                       "standard lacks (the reason says what); run on numpy and cupy, not strict")
    # pytest-xdist's workers start after this hook, with this environment: they run under the command line's one
    # hash seed (paper_checks/__main__.py), so that a prover test takes the route a user's command takes
    from paper_checks.__main__ import HASH_SEED

    os.environ.setdefault("PYTHONHASHSEED", HASH_SEED)


@pytest.fixture(autouse=True)
def _no_meter_left(request: pytest.FixtureRequest) -> Any:
    """Every test leaves the work meter (paper_checks/work.py) as it found it: a limit left open would fire, with its
    own error, in a later test of the same worker (CI once raised a loss-table cell's OutOfWork in a hypothesis test
    of the search). What is left is emptied, and said as a warning naming the test."""
    from paper_checks import work

    yield
    left = work.left_open()
    if left is not None:
        work.reset()
        request.node.warn(pytest.PytestWarning(f"the test left the work meter holding {left}; emptied"))


@pytest.fixture(autouse=True)
def _no_timer_left() -> Any:
    """Every test leaves no ``SIGALRM`` timer or handler behind (the watchdog that ends a hung test is
    pytest-timeout's, configured in pyproject.toml).

    A stale ``ITIMER_REAL`` or a blocked ``SIGALRM`` would change every later time limit
    (:func:`paper_checks.deadline.deadline` defers to a stricter outer timer), so a test that leaves one
    fails here, and the timer is disarmed and the signal unblocked.
    """
    has_timer = hasattr(signal, "setitimer")
    handler = signal.getsignal(signal.SIGALRM) if has_timer else None
    yield
    if not has_timer:
        return
    left = signal.setitimer(signal.ITIMER_REAL, 0)
    now = signal.signal(signal.SIGALRM, handler)
    blocked = signal.pthread_sigmask(signal.SIG_UNBLOCK, [signal.SIGALRM]) if hasattr(signal, "pthread_sigmask") else ()
    assert left == (0.0, 0.0), f"the test left a SIGALRM timer armed: {left}"
    assert now == handler, f"the test left a SIGALRM handler installed: {now!r}"
    assert signal.SIGALRM not in blocked, "the test left SIGALRM blocked in the main thread"


def backend_named(name: str) -> Backend:
    """The :class:`Backend` for a test backend name (skips ``cupy`` without a device)."""
    if name == "numpy":
        return Backend("numpy", HOST)
    if name == "strict":
        return Backend("strict", array_api_strict)
    if not cupy_available():
        pytest.skip("CuPy with a CUDA device is not available")
    import array_api_compat.cupy as cupy_xp  # type: ignore[import-not-found]  # optional: only on a device

    return Backend("cupy", cupy_xp)


@pytest.fixture(params=test_backends())
def backend(request: pytest.FixtureRequest) -> Backend:
    """The backend under test (see the module docstring)."""
    if request.param != "numpy" and request.node.get_closest_marker("host_only"):
        pytest.skip("NumPy by design (host_only)")
    beyond = request.node.get_closest_marker("beyond_standard")
    if request.param == "strict" and beyond is not None:
        pytest.skip(f"beyond the array API standard: {beyond.args[0]}")
    return backend_named(request.param)


@pytest.fixture
def xp(backend: Backend) -> Any:
    """The array namespace under test."""
    return backend.xp


def assert_close(actual: Any, expected: Any, xp: Any, *, rtol: float = 1e-12, atol: float = 0.0) -> None:
    """``actual`` is an array of namespace ``xp`` whose values match ``expected`` (any namespace)."""
    assert same_namespace(namespace_of(actual), xp), \
        f"result is a {name_of(namespace_of(actual))} array, expected {name_of(xp)}"
    np.testing.assert_allclose(to_host(actual), to_host(expected), rtol=rtol, atol=atol)


@pytest.fixture
def isolated_registry() -> Any:
    """Claims, papers, figures and claims files that a test loads are forgotten after it, so tests
    that compare with "every registered claim" see the package's own."""
    import sys

    from label_noise_lab.figures.registry import FIGURES
    from label_noise_lab.figures.registry import load as load_figures
    from paper_checks import registry as rg

    rg.load()
    load_figures()
    saved = (dict(rg.REGISTRY), dict(rg.PAPERS), dict(rg._FILES), dict(FIGURES))
    env = os.environ.get(rg.ENV_VAR)  # --module adds its files to $LNL_CLAIMS for the run's workers
    yield
    if env is None:
        os.environ.pop(rg.ENV_VAR, None)
    else:
        os.environ[rg.ENV_VAR] = env
    for live, old in zip((rg.REGISTRY, rg.PAPERS, rg._FILES, FIGURES), saved):
        for name in set(live) - set(old):
            if live is rg._FILES:
                sys.modules.pop(name, None)
        live.clear()
        live.update(old)


#: the loss trial of a zoo loss at its default parameters, by (name, parameters, numbers of classes, precision): kept
#: for the test process (:func:`zoo_once`)
_ZOO_TRIALS: dict[tuple[Any, ...], Any] = {}


@pytest.fixture
def zoo_once(monkeypatch: pytest.MonkeyPatch) -> Any:
    """``paper_checks.trials.simplex.trial`` computed once per test process for each zoo loss at its default
    parameters (the zoo table's cells, about 28 s at quick precision): the trial's tests and the zoo figure read the
    same table (the trial's module fixture was torn down and built again between them). A trial with other arguments,
    or of a user's loss, runs as it would. Tests that use it share ``xdist_group("loss_zoo")`` for ``--dist loadgroup``
    (.ci/run); in session 41's CI the zoo was still built twice, and why is not yet known. The test that builds every
    figure does not use it: the figures command builds in worker processes, which a patch here does not reach.
    Returns the function, patched."""
    from label_noise_lab.theory.losses import ZOO
    from paper_checks.trials import simplex

    real = simplex.trial
    defaults = {(d.name, d.params) for d in (e.factory() for e in ZOO.values())}

    def trial(loss: Any, cs: Any = range(2, 11), precision: str = "standard", **kw: Any) -> Any:
        key = (loss.name, loss.params, tuple(sorted(set(int(c) for c in cs))), precision)
        if kw or (loss.name, loss.params) not in defaults:
            return real(loss, cs, precision, **kw)
        if key not in _ZOO_TRIALS:
            _ZOO_TRIALS[key] = real(loss, cs, precision)
        return _ZOO_TRIALS[key]

    monkeypatch.setattr(simplex, "trial", trial)
    return trial
