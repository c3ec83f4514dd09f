"""Figure data shared by a check and its figures (paper_checks.figdata) within a run."""
import pickle

import pytest

from paper_checks import figdata
from paper_checks.context import Context


def test_data_sent_back_by_workers_outlives_the_lru_until_the_run_ends():
    """The claims' data came back into the 16-entry LRU, which a run of 63 claims overran before the figures were
    drawn: each figure computed its claim's training runs again (63 s of a 300 s run)."""
    calls = []

    @figdata.figure_data
    def data(ctx, k):
        calls.append(k)
        return {"k": k}

    ctx = Context("x.y", seed=0, precision="quick")
    key = lambda k: (data.__module__, data.__qualname__, "x.y", 0, "quick", ctx.backend.name, k)  # noqa: E731
    with figdata.sharing():
        figdata.absorb([(key(k), pickle.dumps({"k": k})) for k in range(3 * figdata.CACHE_SIZE)])
        for k in range(3 * figdata.CACHE_SIZE):
            data(ctx, k)  # many other results in between
        assert calls == [] and data(ctx, 0) == {"k": 0}
    assert data(ctx, 0) == {"k": 0} and calls == [0]  # forgotten once the run's sharing ends


@pytest.mark.slow  # about 1 s or more: out of README's quick command, in CI's slow run
def test_one_progress_bar_counts_the_claims_and_their_figures(tmp_path, capsys, monkeypatch):
    import sys

    from paper_checks.cli import main

    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)  # the bar is drawn only where stderr is a terminal

    assert main(["run", "--claim", "gce18.eq11_k03", "--precision", "quick", "--out", str(tmp_path)]) == 0
    err = capsys.readouterr().err
    assert "claims and figures" in err and "2/2" in err
    assert (tmp_path / "figures" / "gce18_eq11_region.png").exists()
