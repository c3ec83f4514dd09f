import numpy as np
import pytest

from figures.__main__ import main
from figures.gce18 import bound_widths
from figures.ghosh17 import class_sum_ranges, risk_pairs
from figures.registry import load
from theory.gce import eq7_bounds_float, eq10_bounds_float, eq11_margin_float


def test_every_figure_builds(tmp_path):
    assert main(["--out", str(tmp_path), "--precision", "quick"]) == 0
    for name in load():
        p = tmp_path / f"{name}.png"
        assert p.exists() and p.read_bytes()[:4] == b"\x89PNG", name


def test_vector_formats(tmp_path):
    assert main(["--out", str(tmp_path), "--format", "svg", "--only", "gce18_bound_widths"]) == 0
    assert (tmp_path / "gce18_bound_widths.svg").read_text().lstrip().startswith("<?xml")


def test_unknown_figure_is_a_usage_error(tmp_path, capsys):
    assert main(["--out", str(tmp_path), "--only", "nope"]) == 2
    assert "unknown figure 'nope'" in capsys.readouterr().err


def test_claims_name_existing_figures():
    from paper_checks.registry import load as claims

    names = set(load())
    for c in claims().values():
        assert set(c.figures) <= names, c.id


def test_class_sum_ranges_match_closed_forms():
    cs = np.arange(2, 9).astype(float)
    r = class_sum_ranges(cs)
    np.testing.assert_allclose(r["mae"][0], 2 * cs - 2)
    np.testing.assert_allclose(r["mae"][1], 2 * cs - 2)
    np.testing.assert_allclose(r["mse"][0], cs - 1)
    np.testing.assert_allclose(r["mse"][1], 2 * cs - 2)
    np.testing.assert_allclose(r["cce"][0], cs * np.log(cs))
    assert np.all(np.isinf(r["cce"][1]))
    for c, lo, hi in zip(cs, *r["lq"]):
        assert (lo, hi) == pytest.approx(eq7_bounds_float(int(c), 0.7))


def test_bound_widths_against_plain_loop():
    qs, ks = np.array([0.3, 0.7, 1.0]), np.array([0.1, 0.3, 0.6])
    W7, W10, M = bound_widths(4, qs, ks)
    for i, q in enumerate(qs):
        for j, k in enumerate(ks):
            lo7, hi7 = eq7_bounds_float(4, q)
            assert W7[i, j] == pytest.approx(hi7 - lo7)
            if k < 1 / 4:
                assert np.isnan(W10[i, j])
            else:
                lo10, hi10 = eq10_bounds_float(4, q, k)
                assert W10[i, j] == pytest.approx(hi10 - lo10)
                assert M[i, j] == pytest.approx(eq11_margin_float(4, q, k))


def test_mae_noisy_risk_is_affine_in_clean_risk():
    pairs = risk_pairs("mae", [0.3], 4, 50, np.random.default_rng(0))
    R, Rn = pairs[0.3]
    slope = 1 - 0.3 * 4 / 3
    np.testing.assert_allclose(Rn - slope * R, (Rn - slope * R)[0], atol=1e-12)


def test_jobs_builds_the_same_files(tmp_path):
    names = ["gce18_bound_widths", "ghosh17_class_sums"]
    names = [n for n in names if n in load()] or list(load())[:2]
    assert main(["--out", str(tmp_path / "a"), "--format", "svg", "--only", *names, "--jobs", "2"]) == 0
    assert main(["--out", str(tmp_path / "b"), "--format", "svg", "--only", *names, "--jobs", "1"]) == 0
    assert sorted(p.name for p in (tmp_path / "a").iterdir()) == sorted(p.name for p in (tmp_path / "b").iterdir())
    assert main(["--out", str(tmp_path), "--jobs", "0"]) == 2
