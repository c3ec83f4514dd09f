import csv
import io

import numpy as np
import pytest

from figures.__main__ import main
from figures.gce18 import bound_widths
from figures.ghosh17 import class_sum_ranges, risk_pairs
from figures.registry import draw, load
from theory.gce import eq7_bounds_float, eq10_bounds_float, eq11_margin_float


@pytest.fixture(autouse=True)
def _fresh_figure_data():
    """No memoised check data leaks between tests (one test below draws with fewer seeds)."""
    from paper_checks import figdata

    figdata.clear()
    yield
    figdata.clear()


def test_every_figure_builds_with_data_and_caption(tmp_path, monkeypatch):
    # fewer seeds for the two costliest training studies: this test is about building, CSV and captions
    # (the per-paper tests below draw at the checks' own quick settings)
    import paper_checks.ghosh17_sim as g17
    import paper_checks.papers.patrini17.sim as p17

    monkeypatch.setattr(p17, "table2_seeds", lambda ctx: {"clusters": 2, "digits": 2})
    monkeypatch.setattr(g17, "robust_seeds", lambda ctx: 2)
    assert main(["--out", str(tmp_path), "--precision", "quick"]) == 0
    for name, spec in load().items():
        p = tmp_path / f"{name}.png"
        assert p.exists() and p.read_bytes()[:4] == b"\x89PNG", name
        rows = list(csv.DictReader(io.StringIO((tmp_path / f"{name}.csv").read_text())))
        assert rows, name
        caption = (tmp_path / f"{name}.txt").read_text()
        assert "Seed 0, precision 'quick'" in caption and len(caption) > 200, name
        assert "error bar" in caption.lower() or "band" in caption or "no error bars" in caption.lower(), name
        assert spec.claim is None or spec.claim in caption or spec.claim.split(".")[0] in caption, name


def test_vector_formats(tmp_path):
    assert main(["--out", str(tmp_path), "--format", "svg", "--only", "gce18_eq11_region"]) == 0
    assert (tmp_path / "gce18_eq11_region.svg").read_text().lstrip().startswith("<?xml")


def test_figures_return_a_figure_and_follow_the_seed():
    from matplotlib.figure import Figure

    a = draw("ghosh17_class_sums", "quick", seed=0)
    b = draw("ghosh17_class_sums", "quick", seed=0)
    c = draw("ghosh17_class_sums", "quick", seed=5)
    assert isinstance(a.figure, Figure) and a.data and a.caption
    key = [(r["loss"], r["c"], r["sampled_min"]) for r in a.data]
    assert key == [(r["loss"], r["c"], r["sampled_min"]) for r in b.data]
    assert key != [(r["loss"], r["c"], r["sampled_min"]) for r in c.data]
    assert "Seed 5" in c.caption


def test_negative_seed_is_a_usage_error(tmp_path, capsys):
    with pytest.raises(SystemExit) as e:
        main(["--out", str(tmp_path), "--seed", "-2"])
    assert e.value.code == 2 and "got '-2'" in capsys.readouterr().err


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


# ------------------------------------------------------------------ plotted numbers = reported numbers
# For each paper, one figure drawn from the computation of its claim: the check runs, then the figure
# computes its data anew (nothing memoised outside 'run --figures') from the same stream (seed 0, quick); the
# plotted numbers must equal the numbers the report quotes (to the digits the report rounds to).
def _evidence(claim_id: str, seed: int = 0):
    from paper_checks import figdata
    from paper_checks.context import Context
    from paper_checks.registry import load as claims

    figdata.clear()
    ev = claims()[claim_id].check(Context(claim_id, precision="quick", seed=seed))
    figdata.clear()
    return ev.to_json()["numbers"]


def test_ghosh17_accuracy_figure_plots_the_reported_accuracies():
    nums = _evidence("ghosh17.bounded_more_robust")["final_test_acc"]
    rows = draw("ghosh17_accuracy_vs_noise", "quick").data
    assert len(rows) == 12
    for r in rows:
        rep = nums[r["loss"]][f"eta={r['eta']:g}"]
        assert r["mean_acc"] == pytest.approx(rep["mean"], abs=6e-6)
        assert r["stderr"] == pytest.approx(rep["stderr"], abs=6e-6)


def test_gce18_softmax_gap_figure_plots_the_reported_softmax():
    nums = _evidence("gce18.softmax_gap")
    rows = draw("gce18_softmax_gap", "quick").data
    last = max(r["epoch"] for r in rows)
    for r in (r for r in rows if r["epoch"] == last):
        assert r["softmax_wrong_mean"] == pytest.approx(nums["softmax_wrong_final"][r["loss"]]["mean"], abs=6e-6)
        assert r["softmax_correct_mean"] == pytest.approx(nums["softmax_correct_final"][r["loss"]]["mean"], abs=6e-6)


def test_gce18_region_figure_marks_the_reported_boundary():
    table = _evidence("gce18.eq11_k03")["region"]["q_star(k, c)"]
    rows = [r for r in draw("gce18_eq11_region", "quick").data if r["k"] >= 0.3 - 1e-9]
    assert rows
    for r in rows:
        assert r["q_star"] == table[f"k={r['k']:.3g},c={r['c']}"]




def test_data_is_memoised_only_while_sharing():
    from paper_checks import figdata
    from paper_checks.context import Context

    calls = []

    @figdata.figure_data
    def data(ctx):
        calls.append(ctx.rng(3).random())
        return calls[-1]

    ctx = Context("x.y", precision="quick")
    ctx.rng(0)  # moves the caller's spawn counter: the data must not depend on it
    a, b = data(ctx), data(Context("x.y", precision="quick"))
    assert a == b and len(calls) == 2  # not memoised outside sharing, same stream either way
    with figdata.sharing():
        c, d = data(ctx), data(ctx)
    assert c == d == a and len(calls) == 3
    data(ctx)
    assert len(calls) == 4  # forgotten on leaving


def test_jobs_builds_the_same_files(tmp_path):
    names = ["gce18_eq11_region", "ghosh17_class_sums"]
    names = [n for n in names if n in load()] or list(load())[:2]
    assert main(["--out", str(tmp_path / "a"), "--format", "svg", "--only", *names, "--jobs", "2"]) == 0
    assert main(["--out", str(tmp_path / "b"), "--format", "svg", "--only", *names, "--jobs", "1"]) == 0
    assert sorted(p.name for p in (tmp_path / "a").iterdir()) == sorted(p.name for p in (tmp_path / "b").iterdir())
    assert main(["--out", str(tmp_path), "--jobs", "0"]) == 2


def test_zoo_figure_tabulates_the_trial():
    """The zoo figure's table is the loss trial's (a short form of each cell)."""
    from figures.registry import draw

    drawn = draw("loss_zoo", precision="quick")
    table = {r["loss"]: r for r in drawn.data if r["panel"] == "table"}
    assert table["mae"]["symmetric"].startswith("yes") and table["cce"]["symmetric"].startswith("no")
    weights = [r for r in drawn.data if r["panel"] == "weight" and r["loss"] == "mae"]
    assert all(abs(r["weight"] - 4 * r["p_y"] * (1 - r["p_y"])) < 1e-9 for r in weights)
