"""GCE's q and truncated GCE's k over their ranges (paper_checks.trials.family_lq): the closed forms pinned, each
checked against per-value trials, and a wrong closed form caught by that check."""
import dataclasses

import pytest
import sympy

from paper_checks.cli import main
from paper_checks.trials import family as fm
from paper_checks.trials import family_lq as fl

q, k, c, eta = fl.Q, fl.K, fl._C, fl._ETA


@pytest.mark.slow
def test_gce_closed_forms_in_q():
    f = fl.gce_closed_forms()
    assert f["sup"] == 1 / q and f["high"] == (c - 1) / q and f["low"] == (c - c ** (1 - q)) / q
    assert f["mean"] == 2 / ((q + 1) * (q + 2))
    assert sympy.simplify(f["variance"] - (4 * (1 / (2 * q + 1) - 2 / (2 * q + 2) + 1 / (2 * q + 3))
                                           - f["mean"] ** 2)) == 0
    at = {q: sympy.Rational(1, 2)}  # the per-value trial's exact numbers at q = 1/2
    assert f["mean"].subs(at) == sympy.Rational(8, 15) and f["variance"].subs(at) == sympy.Rational(11, 225)
    assert sympy.simplify(f["A"] - eta * (f["low"] - f["high"]) / (c - 1 - eta * c)) == 0
    assert f["low"].subs(q, 1) == f["high"].subs(q, 1) == c - 1  # symmetric only at q = 1 (MAE)


@pytest.mark.slow
def test_tgce_closed_forms_in_k():
    f = fl.tgce_closed_forms()
    assert f["sup"] == (1 - k ** q) / q and f["low"] == (c - 1) * f["sup"] and f["high"] == c * f["sup"]
    at = {q: sympy.Rational(7, 10), k: sympy.Rational(1, 2)}
    assert abs(f["mean"].subs(at).evalf(30) - sympy.Float("0.187623402539423188853608150549", 30)) < 1e-25
    assert abs(f["variance"].subs(at).evalf(30) - sympy.Float("0.0516789387615003283055145168061", 30)) < 1e-25
    # at k -> 0 the truncated weight is GCE's
    g = fl.gce_closed_forms()
    assert sympy.simplify(f["mean"].subs(k, 0) - g["mean"]) == 0


def _small(monkeypatch, name, param, values):
    monkeypatch.setitem(fm.FAMILIES, name, fm.Family(name, param, fm.FAMILIES[name].range, values))


@pytest.mark.slow
def test_gce_family_agrees_with_every_value(monkeypatch, capsys):
    _small(monkeypatch, "gce", "q", ("1/10", "1/2", "1"))
    assert main(["losses", "--loss", "gce", "--classes", "2..3", "--precision", "quick"]) == 0
    out = capsys.readouterr().out
    assert "checked against every value below: agrees" in out
    assert "| bounded | yes for every q in (0, 1], sup = 1/q, at p = 0 [symbolic] |" in out
    assert "[(c - c**(1 - q))/q, (c - 1)/q] for every q in (0, 1]" in out
    assert "mean 2/((q + 1)*(q + 2))" in out and "| gce(q=1/10) |" in out


@pytest.mark.slow  # about 1 s or more: out of README's quick command, in CI's slow run
def test_tgce_family_agrees_with_every_value(monkeypatch):
    _small(monkeypatch, "tgce", "k", ("1/10", "1/2", "7/10"))
    ft = fm.family_trial("tgce", [2, 3], precision="quick")
    assert ft.disagreements == []
    assert ft.derived["bounded"][0] == "yes for every k in (0, 1), sup = (1 - k**q)/q, attained on [0, k]"
    assert ft.derived["class_sum"][0].endswith("S_max = c*(1 - k**q)/q for c >= 1/k (the barycentre), else (c - 1) "
                                               "L_q(k) + L_q(1 - (c - 1) k)")
    low = ft.trials[0].properties["class_sum"]  # k = 1/10, q = 7/10: two coordinates 1/2 beat the vertex at c = 2
    assert not low.undecided and sympy.simplify(low.value[2]["low"] - 2 * (1 - sympy.Rational(1, 2) ** sympy.Rational(
        7, 10)) / sympy.Rational(7, 10)) == 0
    for name, (cell, _) in ft.derived.items():  # a cell decided "per value" is decided in every per-value trial
        if "per value" in cell:
            assert not any(tr.properties[name].undecided for tr in ft.trials), name
    assert "per value (k = 1/10, 1/2, 7/10)" in fm.markdown(ft)


@pytest.mark.slow
def test_a_wrong_gce_derivation_is_reported(monkeypatch):
    _small(monkeypatch, "gce", "q", ("1/2", "1"))
    right = fl.gce_closed_forms()
    monkeypatch.setattr(fl, "gce_closed_forms", lambda: {**right, "sup": 2 / q, "mean": 1 / (q + 2)})
    ft = fm.family_trial("gce", [2], precision="quick")
    assert any(d.startswith("bounded at q = 1/2: trial 2, derived 4") for d in ft.disagreements)
    assert any(d.startswith("weight mean at q = 1") for d in ft.disagreements)
    assert "DISAGREES" in fm.markdown(ft)


@pytest.mark.slow  # about 1 s or more: out of README's quick command, in CI's slow run
def test_a_wrong_tgce_derivation_is_reported(monkeypatch):
    _small(monkeypatch, "tgce", "k", ("1/2",))
    right = fl.tgce_closed_forms()
    monkeypatch.setattr(fl, "tgce_closed_forms", lambda: {**right, "variance": right["variance"] + k / 10 ** 20,
                                                          "high": (c - 1) * right["sup"]})
    bad = fm.family_trial("tgce", [2], precision="quick").disagreements
    assert any(d.startswith("weight variance at k = 1/2") for d in bad)
    assert any(d.startswith("class sum high at k = 1/2") for d in bad)


@pytest.mark.slow  # about 1 s or more: out of README's quick command, in CI's slow run
def test_tgce_below_one_half_checks_the_derived_maximum_for_c_at_least_one_over_k(monkeypatch):
    _small(monkeypatch, "tgce", "k", ("1/10",))
    assert fm.family_trial("tgce", [2, 10], precision="quick").disagreements == []  # exact per c, as derived
    right = fl.tgce_closed_forms()
    monkeypatch.setattr(fl, "tgce_closed_forms", lambda: {**right, "high": (c - 1) * right["sup"]})
    bad = fm.family_trial("tgce", [2, 10], precision="quick").disagreements
    assert len(bad) == 1 and bad[0].startswith("class sum high at k = 1/10, c = 10: trial")  # c = 2 < 1/k: not c L_q


@pytest.mark.slow  # about 1 s or more: out of README's quick command, in CI's slow run
def test_a_wrong_tgce_minimum_below_one_half_is_reported(monkeypatch):
    _small(monkeypatch, "tgce", "k", ("3/10",))
    right = fl.truncated_class_sum_min
    def wrong(c_, q_, k_):
        return dataclasses.replace(right(c_, q_, k_), value=right(c_, q_, k_).value + sympy.Rational(1, 10 ** 30))
    monkeypatch.setattr(fl, "truncated_class_sum_min", wrong)
    bad = fm.family_trial("tgce", [3], precision="quick").disagreements
    assert bad and all(d.startswith("class sum low at k = 3/10, c = 3") for d in bad)
