"""The barrier hinge over b > 1, r > 0 (paper_checks.trials.margin_family): the derivation pinned, checked against
the per-value margin trials, a wrong derivation caught, and the command line."""
import pytest
import sympy

from paper_checks.cli import main
from paper_checks.trials import margin_family as mf

b, r, a = mf.B, mf.R, mf._A


def test_closed_forms_in_b_and_r():
    f = mf.closed_forms()
    assert f["v_L"] == -b * r / (b - 1) and f["v_R"] == r and f["sum"] == 2 * r
    assert sympy.simplify(f["sum_at_witness"] - r * (3 * b - 1) / (b - 1)) == 0 and f["odd_far"] == -r
    assert f["slope_mid"] == 1 - 2 * a and f["inf"] == 2 * r * (1 - a) and f["inf_below"] == 2 * a * r
    # the piecewise form is the paper's max at exact points on each piece
    phi = sympy.Max(-b * (r + mf.V) + r, sympy.Max(b * (mf.V - r), r - mf.V))
    for bv, rv in ((sympy.Rational(3, 2), sympy.Rational(1, 2)), (sympy.Integer(200), sympy.Integer(50))):
        for x in (-3 * bv * rv, -rv, 0, rv / 3, rv, 2 * bv * rv):
            at = {b: bv, r: rv, mf.V: x}
            assert f["phi"].subs(at) == phi.subs(at)


@pytest.mark.slow  # about 1 s or more: out of README's quick command, in CI's slow run
def test_the_derivation_agrees_with_every_value():
    ft = mf.family_trial(values=(("3/2", "1/2"), ("200", "50")))
    assert ft.disagreements == [] and [t.loss for t in ft.trials] == ["barrier_hinge(b=3/2, r=1/2)", "barrier_hinge"]
    assert ft.derived["calibrated"][0] == "yes for every b > 1, r > 0"
    assert "phi(v) + phi(-v) = 2*r there" in ft.derived["symmetric"][0]
    md = mf.markdown(ft)
    assert "checked against every value below: agrees" in md and "v* = -50 ✗" in md


@pytest.mark.slow
def test_a_wrong_derivation_is_reported(monkeypatch):
    right = mf.closed_forms()
    monkeypatch.setattr(mf, "closed_forms", lambda: {**right, "inf": r * (1 - a)})
    ft = mf.family_trial(values=(("2", "1"),))
    assert ft.disagreements and ft.disagreements[0].startswith("noisy minimiser (symmetric ρ=1/4, η=3/4) at b = 2")
    assert "DISAGREES" in mf.markdown(ft)


@pytest.mark.slow  # about 1 s or more: out of README's quick command, in CI's slow run
def test_losses_names_the_barrier_hinge_family(monkeypatch, capsys):
    monkeypatch.setattr(mf, "VALUES", (("2", "1"),))
    assert main(["losses", "--kind", "margin", "--loss", "barrier_hinge", "--loss", "hinge"]) == 0
    out = capsys.readouterr().out
    assert "| hinge |" in out and "## barrier_hinge: b > 1, r > 0" in out
    assert "| barrier_hinge(b=2, r=1) | `Max(1 - v, -2*v - 1, 2*v - 2)` |" in out and "2 margin losses" in out
    assert main(["losses", "--kind", "margin", "--loss", "barrier_hinge:b=3,r=5"]) == 0
    assert "| barrier_hinge(b=3, r=5) | `Max(5 - v, -3*v - 10, 3*v - 15)` |" in capsys.readouterr().out


@pytest.mark.slow
def test_no_loss_named_is_still_the_whole_zoo(monkeypatch, capsys):
    import paper_checks.commands.margin as cm
    from label_noise_lab.theory.margin import ZOO

    asked = []
    monkeypatch.setattr(cm.mt, "margin_losses", lambda names=(): asked.append(list(names)) or [ZOO["hinge"]])
    assert main(["losses", "--kind", "margin"]) == 0
    assert asked == [[]] and "| hinge |" in capsys.readouterr().out


@pytest.mark.slow
def test_the_api_takes_the_barrier_hinge_with_its_parameters():
    from paper_checks import api

    tr = api.margin_trial("barrier_hinge:b=2,r=1")
    assert tr.loss == "barrier_hinge(b=2, r=1)" and tr.properties["symmetric"].value["symmetric"] is False
    assert mf.check([tr], [("2", "1")]) == []
