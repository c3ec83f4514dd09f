"""A family over its declared parameter range (paper_checks.trials.family): Taylor CE derived for every t and
checked against the per-value trials; a wrong derivation is caught by that check."""
import json
import re

import pytest
import sympy

from paper_checks.cli import main
from paper_checks.trials import family as fm

SMALL = fm.Family("taylor", "t", "integer t >= 1", ("1", "2", "3", "12"))


@pytest.mark.slow  # about 1 s or more: out of README's quick command, in CI's slow run
def test_taylor_closed_forms_are_derived_in_t():
    f = fm._taylor_closed_forms()
    t = fm.T
    assert f["sup"] == sympy.harmonic(t) and f["R_c"] == 1 / t and sympy.simplify(f["mean"] - t / (t + 2)) == 0
    assert f["slope0"] == -t and f["slope1"] == -1
    assert sympy.simplify(f["variance"] - (4 * (sympy.Rational(1, 3) - 2 / (t + 3) + 1 / (2 * t + 3))
                                           - (t / (t + 2)) ** 2)) == 0
    assert [f["variance"].subs(t, v) for v in (1, 2)] == [sympy.Rational(1, 45), sympy.Rational(23, 420)]


@pytest.mark.slow  # about 1 s or more: out of README's quick command, in CI's slow run
def test_the_family_derivation_agrees_with_every_value(monkeypatch):
    monkeypatch.setitem(fm.FAMILIES, "taylor", SMALL)
    ft = fm.family_trial("taylor", [2, 3, 4], precision="quick")
    assert [tr.params["t"] for tr in ft.trials] == [1, 2, 3, 12] and ft.disagreements == []
    assert ft.derived["bounded"][0] == "yes for every t, sup = harmonic(t), at p = 0"
    assert "R_c = 1/t" in ft.derived["asymmetric"][0]
    md = fm.markdown(ft)
    assert "checked against every value below: agrees" in md and "| taylor(t=12) |" in md


@pytest.mark.slow
def test_a_wrong_derivation_is_reported_not_hidden(monkeypatch):
    monkeypatch.setitem(fm.FAMILIES, "taylor", SMALL)
    right = fm._taylor_closed_forms()
    monkeypatch.setattr(fm, "_taylor_closed_forms", lambda: {**right, "mean": fm.T / (fm.T + 1),
                                                             "variance": right["variance"] + fm.T / 10 ** 9})
    ft = fm.family_trial("taylor", [2], precision="quick")
    assert any(d.startswith("weight mean at t = 1") for d in ft.disagreements)
    assert any(d.startswith("weight variance at t = 12") for d in ft.disagreements)
    assert "DISAGREES" in fm.markdown(ft)


@pytest.mark.slow  # about 1 s or more: out of README's quick command, in CI's slow run
def test_losses_names_a_family_without_parameters(monkeypatch, capsys):
    monkeypatch.setitem(fm.FAMILIES, "gce", fm.Family("gce", "q", "q in (0, 1]", ("1/2", "1")))
    assert main(["losses", "--loss", "gce", "--classes", "2..3", "--precision", "quick"]) == 0
    out = capsys.readouterr().out
    assert "## gce: q in (0, 1]" in out and "### per value (q = 1/2, 1)" in out
    assert "| property | for every q | derivation |" in out  # derived in q (test_family_lq.py)
    assert "| gce(q=1/2) |" in out and "| gce(q=1) |" in out


def test_parameter_ranges_and_values_are_stated():
    text = "Sum((1-p)**k/k, (k, 1, t))"
    assert fm.parameter_values("t=1..3", text) == ("t", "integer t in 1..3", ("1", "2", "3"))
    assert fm.parameter_values("t=1..oo", text)[2] == ("1", "2", "3", "4", "6", "8", "12", "20", "50", "100")
    assert fm.parameter_values("q=0.5,1", "(1 - p**q)/q")[2] == ("0.5", "1")
    for bad in ("p=1..2", "log=1..2", "s=1..2", "t=3..1", "t=a..b", "t"):
        try:
            fm.parameter_values(bad, text)
        except ValueError as exc:
            assert "\n" not in str(exc)
        else:
            raise AssertionError(bad)


@pytest.mark.slow
def test_a_typed_formula_with_a_parameter_runs_per_value(capsys):
    assert main(["loss", "Sum((1-p)**k/k, (k, 1, t))", "--param", "t=1..2", "--classes", "2..3",
                 "--precision", "quick", "--name", "taylor_typed"]) == 0
    out = capsys.readouterr().out
    # the typed formula is the zoo's Taylor CE at every value: its derivation for every t, checked against them
    assert "(the zoo's taylor: its t is t here)" in out and "checked against every value below: agrees" in out
    assert "| taylor_typed(t=1) | yes, C = c - 1 [symbolic]" in out and "| taylor_typed(t=2) |" in out


@pytest.mark.slow
def test_a_typed_formula_of_a_zoo_family_gets_the_whole_family_derivation(tmp_path):
    out = tmp_path / "w.json"
    ft = fm.formula_family("(1 - p**w)/w", "w=1/2,1", [2, 3], precision="quick")
    assert ft.derived["bounded"][0].startswith("yes for every q in (0, 1]") and ft.disagreements == []
    assert fm.zoo_family_of("Min((1 - p**0.7)/0.7, (1 - k**0.7)/0.7)", "k", ("1/2", "7/10")) == "tgce"
    assert fm.zoo_family_of("(1 - p**w)/w + p", "w", ("1/2", "1")) is None  # no zoo family: per value only
    assert fm.zoo_family_of("(1 - p**w)/w", "w", ("2",)) is None  # outside GCE's declared q in (0, 1]
    assert main(["loss", "(1 - p**w)/w", "--param", "w=1", "--classes", "2..2", "--precision", "quick",
                 "--json", str(out)]) == 0
    assert json.loads(out.read_text())["families"][0]["for_every_value"]["bounded"]["cell"].startswith("yes")


# ---------------------------------------------------------------- issue 59, item 5: every --param kept; every family
class _Recorded:
    """A stand-in of the loss trial: records each loss it is given (its name and label), decides nothing."""

    def __init__(self) -> None:
        self.losses: list = []

    def __call__(self, loss, cs, precision="standard", timeout=None):
        self.losses.append(loss)
        return fm.lt.LossTrial(loss.name, dict(loss.params), loss.cite, list(cs))


def test_every_param_is_kept_and_their_product_is_tried(monkeypatch):
    """``--param a=1 --param q=0.5,2`` failed with "unknown name 'a'": the second replaced the first."""
    rec = _Recorded()
    monkeypatch.setattr(fm.lt, "trial", rec)
    monkeypatch.setattr(fm.lt, "markdown_table", lambda trials: "table")
    ft = fm.formula_family("((a+1)**q - (a+p)**q)/q", ["a=1,2", "q=1/2,2"], [2], precision="quick")
    assert [x.name for x in rec.losses] == ["user(a=1, q=1/2)", "user(a=1, q=2)", "user(a=2, q=1/2)",
                                            "user(a=2, q=2)"]
    p = sympy.Symbol("p", positive=True)
    assert sympy.simplify(rec.losses[1].label.subs({sy: p for sy in rec.losses[1].label.free_symbols})
                          - ((2 ** 2 - (1 + p) ** 2) / 2)) == 0
    assert ft.family.param == "(a, q)" and ft.family.values[0] == "a=1, q=1/2"
    md = fm.markdown(ft)
    assert "each of 4 combinations: a=1, q=1/2; a=1, q=2; a=2, q=1/2; a=2, q=2" in md
    assert "### per combination of (a, q)" in md


@pytest.mark.parametrize("specs, words", [
    (["a=1", "a=2"], "--param 'a' is given twice"),
    (["a=1..12", "q=1..12"], "12 (a) x 12 (q) = 144 combinations, each a full trial; at most 36"),
    (["a=1", "z=2"], "does not use the parameter 'z'"),
    (["a=1", "p=2"], "with a new name (not p, v, pi, E or a function of the grammar), got 'p=2'"),
    (["a=1", "exp=2"], "with a new name"),
    ([], "give at least one --param"),
])
def test_a_bad_grid_is_one_line(specs, words):
    with pytest.raises(ValueError, match=re.escape(words)) as exc:
        fm.parameter_grid(specs, "((a+1)**q - (a+p)**q)/q")
    assert "\n" not in str(exc.value)


def test_a_sum_s_index_is_no_parameter():
    text = "Sum((1-p)**k/k, (k, 1, t)) + Min(a, p)"
    with pytest.raises(ValueError, match="--param 'k' is the index of a Sum in the formula"):
        fm.parameter_values("k=1,2", text)
    assert fm.parameter_values("t=1..2", text)[0] == "t" and fm.parameter_values("a=1", text)[0] == "a"


def test_the_command_line_keeps_every_param(monkeypatch, capsys):
    rec = _Recorded()
    monkeypatch.setattr(fm.lt, "trial", rec)
    monkeypatch.setattr(fm.lt, "markdown_table", lambda trials: "table")
    assert main(["loss", "((a+1)**q - (a+p)**q)/q", "--param", "a=1", "--param", "q=0.5,2", "--classes", "2..2",
                 "--precision", "quick"]) == 0
    assert [x.name for x in rec.losses] == ["user(a=1, q=0.5)", "user(a=1, q=2)"]
    assert main(["loss", "(a+q)*(1-p)", "--param", "a=1", "--param", "a=2"]) == 2
    assert "--param 'a' is given twice" in capsys.readouterr().err


def test_every_parametric_zoo_loss_has_a_family_trial():
    """``losses --loss agce`` ran one default value in silence: every zoo loss with a parameter has a family, whose
    values lie in the declared domain and whose range states the parameters held fixed."""
    from label_noise_lab.theory.losses import ZOO

    assert set(fm.FAMILIES) == {n for n, e in ZOO.items() if e.defaults}
    for name, fam in fm.FAMILIES.items():
        entry = ZOO[name]
        for v in fam.values:
            entry.domain(fam.param).number(v)
        held = [k for k, _ in entry.defaults if k != fam.param]
        assert all(f"{k} = " in fam.range for k in held), (name, fam.range)
    assert set(fm.DERIVED) <= set(fm.FAMILIES)


def test_a_family_without_a_derivation_says_so_and_runs_each_value(monkeypatch, capsys):
    rec = _Recorded()
    monkeypatch.setattr(fm.lt, "trial", rec)
    monkeypatch.setattr(fm.lt, "markdown_table", lambda trials: "table")
    monkeypatch.setitem(fm.FAMILIES, "agce", fm.Family("agce", "a", fm.FAMILIES["agce"].range, ("1/2", "2")))
    assert main(["losses", "--loss", "agce", "--classes", "2..2", "--precision", "quick"]) == 0
    out = capsys.readouterr().out
    assert [(x.name, dict(x.params)["a"]) for x in rec.losses] == [("agce", sympy.Rational(1, 2)), ("agce", 2)]
    assert "## agce: a > 0 at q = 2 (Zhou et al. 2021, sec. 4)" in out
    assert "no derivation for every a: each property is decided per value, a = 1/2, 2" in out


@pytest.mark.slow  # several real trials: out of README's quick command, in CI's slow run
def test_the_issue_s_two_parameter_formula_runs(capsys):
    assert main(["loss", "((a+1)**q - (a+p)**q)/q", "--param", "a=1", "--param", "q=0.5,2", "--classes", "2..3",
                 "--precision", "quick"]) == 0
    out = capsys.readouterr().out
    assert "| user(a=1, q=0.5) |" in out and "| user(a=1, q=2) |" in out
    assert "| user(a=1, q=2) | no (exact witnesses, c = 2,3) [exact]" in out  # AGCE at a=1, q=2: not symmetric


def test_losses_list_names_each_family_trial(capsys):
    assert main(["losses", "--list"]) == 0
    out = capsys.readouterr().out
    assert "[family trial over a: losses --loss agce]" in out and "[family trial over q: losses --loss gce]" in out
    assert "family trial" not in next(line for line in out.splitlines() if line.startswith("cce "))
