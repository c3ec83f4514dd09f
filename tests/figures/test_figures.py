import csv
import io

import pytest

from label_noise_lab.figures.__main__ import main
from label_noise_lab.figures.registry import draw, load


@pytest.fixture(autouse=True)
def _fresh_figure_data():
    """No memoised check data leaks between tests (one test below draws with fewer seeds)."""
    from paper_checks import figdata

    figdata.clear()
    yield
    figdata.clear()


@pytest.mark.slow
@pytest.mark.xdist_group("loss_zoo")  # the zoo's trials once a process (conftest's zoo_once), with the trial's tests
def test_every_figure_builds_with_data_and_caption(tmp_path, monkeypatch, zoo_once):
    # fewer seeds for the two costliest training studies: this test is about building, CSV and captions
    # (the per-paper tests draw at the checks' own quick settings); one job and no time limit build in this process
    # (test_jobs_builds_the_same_files tests the pool), so that the patches and the zoo's trials reach the figures
    import paper_checks.papers.ghosh17.sim as g17
    import paper_checks.papers.patrini17.sim as p17

    monkeypatch.setattr(p17, "table2_seeds", lambda ctx: {"clusters": 2, "digits": 2})
    monkeypatch.setattr(g17, "robust_seeds", lambda ctx: 2)
    assert main(["--out", str(tmp_path), "--precision", "quick", "--jobs", "1", "--timeout", "0"]) == 0
    for name, spec in load().items():
        p = tmp_path / f"{name}.png"
        assert p.exists() and p.read_bytes()[:4] == b"\x89PNG", name
        rows = list(csv.DictReader(io.StringIO((tmp_path / f"{name}.csv").read_text())))
        assert rows, name
        caption = (tmp_path / f"{name}.txt").read_text()
        assert "Seed 0, precision 'quick'" in caption and len(caption) > 200, name
        assert "error bar" in caption.lower() or "band" in caption or "no error bars" in caption.lower(), name
        assert spec.claim is None or spec.claim in caption or spec.claim.split(".")[0] in caption, name


@pytest.mark.slow
def test_vector_formats(tmp_path):
    assert main(["--out", str(tmp_path), "--format", "svg", "--only", "gce18_eq11_region"]) == 0
    assert (tmp_path / "gce18_eq11_region.svg").read_text().lstrip().startswith("<?xml")


@pytest.mark.slow
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


@pytest.mark.slow
def test_jobs_builds_the_same_files(tmp_path):
    names = ["gce18_eq11_region", "ghosh17_class_sums"]
    names = [n for n in names if n in load()] or list(load())[:2]
    assert main(["--out", str(tmp_path / "a"), "--format", "svg", "--only", *names, "--jobs", "2"]) == 0
    assert main(["--out", str(tmp_path / "b"), "--format", "svg", "--only", *names, "--jobs", "1"]) == 0
    assert sorted(p.name for p in (tmp_path / "a").iterdir()) == sorted(p.name for p in (tmp_path / "b").iterdir())
    assert main(["--out", str(tmp_path), "--jobs", "0"]) == 2


@pytest.mark.slow
@pytest.mark.xdist_group("loss_zoo")  # the zoo's trials once a process (conftest's zoo_once), with the trial's tests
def test_zoo_figure_tabulates_the_trial(zoo_once):
    """The zoo figure's table is the loss trial's (a short form of each cell)."""
    from label_noise_lab.figures.registry import draw

    drawn = draw("loss_zoo", precision="quick")
    table = {r["loss"]: r for r in drawn.data if r["panel"] == "table"}
    assert table["mae"]["symmetric"].startswith("yes") and table["cce"]["symmetric"].startswith("no")
    weights = [r for r in drawn.data if r["panel"] == "weight" and r["loss"] == "mae"]
    assert all(abs(r["weight"] - 4 * r["p_y"] * (1 - r["p_y"])) < 1e-9 for r in weights)


@pytest.mark.slow
def test_zoo_labels_come_from_the_cells_data_per_number_of_classes():
    """NCE's noisy infimum is approached only as f -> e_y at c = 2 and also by wrong-argmax points from c = 3: the
    figure's label says both, from the same per-c data as the table's cell."""
    from label_noise_lab.figures.zoo import _short
    from label_noise_lab.theory.losses import parse_spec
    from paper_checks.trials.simplex import trial

    p = trial(parse_spec("nce"), [2, 3, 4], precision="quick").properties["noisy_minimiser"]
    assert "only as f -> e_y (c = 2)" in p.cell
    assert _short("noisy_minimiser", p.cell, p.value) == "inf \u2192 e_y only for c = 2"
    p2 = trial(parse_spec("nce"), [2], precision="quick").properties["noisy_minimiser"]
    assert _short("noisy_minimiser", p2.cell, p2.value) == "inf \u2192 e_y"


def test_only_repeats_like_the_other_options(tmp_path, monkeypatch):
    """``--only A --only B`` builds both (it built only B), once each, in the order given."""
    import label_noise_lab.figures.__main__ as fm

    asked = []
    monkeypatch.setattr(fm, "run_tasks", lambda fn, args, **kw: asked.extend(a[0] for a in args))
    assert main(["--out", str(tmp_path), "--only", "gce18_eq11_region", "--only", "imae19_weights",
                 "gce18_eq11_region", "--jobs", "1"]) == 0
    assert asked == ["gce18_eq11_region", "imae19_weights"]
