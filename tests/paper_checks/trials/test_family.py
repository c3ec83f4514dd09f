"""A family over its declared parameter range (paper_checks.trials.family): Taylor CE derived for every t and
checked against the per-value trials; a wrong derivation is caught by that check."""
import sympy

from paper_checks.cli import main
from paper_checks.trials import family as fm

SMALL = fm.Family("taylor", "t", "integer t >= 1", ("1", "2", "3", "12"))


def test_taylor_closed_forms_are_derived_in_t():
    f = fm._taylor_closed_forms()
    t = fm.T
    assert f["sup"] == sympy.harmonic(t) and f["R_c"] == 1 / t and sympy.simplify(f["mean"] - t / (t + 2)) == 0
    assert f["slope0"] == -t and f["slope1"] == -1


def test_the_family_derivation_agrees_with_every_value(monkeypatch):
    monkeypatch.setitem(fm.FAMILIES, "taylor", SMALL)
    ft = fm.family_trial("taylor", [2, 3, 4], precision="quick")
    assert [tr.params["t"] for tr in ft.trials] == [1, 2, 3, 12] and ft.disagreements == []
    assert ft.derived["bounded"][0] == "yes for every t, sup = harmonic(t), at p = 0"
    assert "R_c = 1/t" in ft.derived["asymmetric"][0]
    md = fm.markdown(ft)
    assert "checked against every value below: agrees" in md and "| taylor(t=12) |" in md


def test_a_wrong_derivation_is_reported_not_hidden(monkeypatch):
    monkeypatch.setitem(fm.FAMILIES, "taylor", SMALL)
    right = fm._taylor_closed_forms()
    monkeypatch.setattr(fm, "_taylor_closed_forms", lambda: {**right, "mean": fm.T / (fm.T + 1)})
    ft = fm.family_trial("taylor", [2], precision="quick")
    assert any(d.startswith("weight mean at t = 1") for d in ft.disagreements)
    assert "DISAGREES" in fm.markdown(ft)


def test_losses_names_a_family_without_parameters(monkeypatch, capsys):
    monkeypatch.setitem(fm.FAMILIES, "gce", fm.Family("gce", "q", "q in (0, 1]", ("1/2", "1")))
    assert main(["losses", "--loss", "gce", "--classes", "2..3", "--precision", "quick"]) == 0
    out = capsys.readouterr().out
    assert "## gce: q in (0, 1]" in out and "each property is decided per value, q = 1/2, 1" in out
    assert "| gce(q=1/2) |" in out and "| gce(q=1) |" in out
