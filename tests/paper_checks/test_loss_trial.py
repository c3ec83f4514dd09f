"""The loss trial (paper_checks.loss_trial) and its command line: a complete zoo table, whose entries
agree with the verdicts of the claims that decide the same property (ghosh17, gce18, sce19, imae19)."""
import json

import pytest
import sympy

from paper_checks import loss_trial as lt
from paper_checks.cli import main
from paper_checks.registry import load
from theory.losses import ZOO, default_losses, from_callable, from_expression, parse_spec

C = lt.C
CS = range(2, 11)


@pytest.fixture(scope="module")
def zoo():
    return {t.loss: t for t in (lt.trial(d, CS, precision="quick") for d in default_losses())}


def test_the_zoo_table_is_complete(zoo):
    assert set(zoo) == set(ZOO)
    for t in zoo.values():
        assert set(t.properties) == set(lt.PROPERTIES), t.loss
        for name, p in t.properties.items():
            assert p.cell.strip() and p.summary.strip(), (t.loss, name)
            if p.undecided:  # undecided says why
                assert "undecided" in p.cell and len(p.summary) > 20, (t.loss, name)
    md = lt.markdown_table(list(zoo.values()))
    rows = [line for line in md.splitlines() if line.startswith("|")]
    unescaped = [len(line.replace("\\|", "").split("|")) for line in rows]
    assert len(set(unescaped)) == 1, "a row of the Markdown table has a different number of cells"
    assert "| |" not in md


def _recorded(claim_id):
    return load()[claim_id].expected


def test_symmetry_agrees_with_ghosh17_and_sce19(zoo):
    # ghosh17.only_mae_symmetric: among CCE, MAE, MSE only MAE is symmetric (recorded: proved)
    assert _recorded("ghosh17.only_mae_symmetric") == "proved"
    assert [zoo[n].properties["symmetric"].value["symmetric"] for n in ("cce", "mae", "mse")] == [False, True, False]
    # ghosh17.sum_mae: the constant is 2c - 2
    assert _recorded("ghosh17.sum_mae") == "proved"
    assert sympy.simplify(sympy.sympify(zoo["mae"].properties["symmetric"].value["constant"],
                                        locals={"c": C}) - (2 * C - 2)) == 0
    # sce19.rce_symmetric: RCE is symmetric with constant -A (c - 1)
    assert _recorded("sce19.rce_symmetric") == "proved"
    assert sympy.simplify(sympy.sympify(zoo["rce"].properties["symmetric"].value["constant"],
                                        locals={"c": C}) - 4 * (C - 1)) == 0


@pytest.mark.parametrize("q", ["0.7", "0.3", "1"])
def test_gce_class_sum_and_bound_agree_with_gce18(q):
    """gce18.eq7_bounds (proved): (c - c^(1-q))/q <= sum_j L_q <= (c - 1)/q; gce18.thm1_uniform:
    A = eta (1 - c^(1-q)) / (q (c - 1 - eta c))."""
    assert _recorded("gce18.eq7_bounds") == "proved"
    t = lt.trial(parse_spec(f"gce:q={q}"), CS, precision="quick")
    qq = sympy.nsimplify(q)
    rng = t.properties["class_sum"].value
    assert rng["domain"] == "every c >= 2"
    lo, hi = (sympy.sympify(rng[k], locals={"c": C}) for k in ("low", "high"))
    for c in CS:
        assert abs(float((lo - (C - C ** (1 - qq)) / qq).subs(C, c))) < 1e-12
        assert abs(float((hi - (C - 1) / qq).subs(C, c))) < 1e-12
    A = sympy.sympify(t.properties["excess_risk_bound"].value["A"], locals={"c": C, "eta": lt.ETA})
    paper = lt.ETA * (1 - C ** (1 - qq)) / (qq * (C - 1 - lt.ETA * C))
    for c in (2, 5, 10):
        for eta in (sympy.Rational(1, 10), sympy.Rational(1, 3)):
            assert abs(float((A - paper).subs({C: c, lt.ETA: eta}))) < 1e-12


def test_truncated_class_sum_agrees_with_gce18_eq10():
    """gce18.eq10_bounds (proved): for k >= 1/c, d L_q(1/d) + (c - d) L_q(k) <= sum <= c L_q(k),
    d = max(1, (1 - q)^(1/q) / k); the trial's range lies inside (here it meets both ends)."""
    assert _recorded("gce18.eq10_bounds") == "proved"
    q, k = 0.7, 0.3
    t = lt.trial(parse_spec(f"tgce:q={q},k={k}"), range(4, 9), precision="standard")
    rng = t.properties["class_sum"].value
    lq = lambda x: (1 - x**q) / q  # noqa: E731
    for c in range(4, 9):
        d = max(1.0, (1 - q) ** (1 / q) / k)
        lo, hi = d * lq(1 / d) + (c - d) * lq(k), c * lq(k)
        assert rng[c]["low"] >= lo - 1e-9 and rng[c]["high"] <= hi + 1e-9
        assert rng[c]["low"] == pytest.approx(lo, abs=1e-6) and rng[c]["high"] == pytest.approx(hi, abs=1e-6)


def test_weights_agree_with_imae19(zoo):
    """imae19.eq9_cce_weight: 2 (1 - p); eq10_mae_weight: 4 p (1 - p); eq11_variance: Var = 4/45."""
    for cid in ("imae19.eq9_cce_weight", "imae19.eq10_mae_weight", "imae19.eq11_variance"):
        assert _recorded(cid) == "proved"
    p = lt.P
    w_cce = sympy.sympify(zoo["cce"].properties["weight"].value["w"], locals={"p": p})
    w_mae = sympy.sympify(zoo["mae"].properties["weight"].value["w"], locals={"p": p})
    assert sympy.simplify(w_cce - 2 * (1 - p)) == 0 and sympy.simplify(w_mae - 4 * p * (1 - p)) == 0
    assert sympy.nsimplify(zoo["mae"].properties["weight"].value["variance"]) == sympy.Rational(4, 45)


def test_user_losses_by_expression_and_by_callable():
    t = lt.trial(from_expression("(1 - p**0.5)/0.5"), range(2, 5), precision="quick")
    assert t.properties["bounded"].value["bounded"] is True
    t = lt.trial(from_callable(lambda f, y: 1 - f[y]), range(2, 5), precision="quick")  # unhinged: symmetric
    assert t.properties["symmetric"].value["symmetric"] is True


@pytest.mark.parametrize("args, message", [
    (["loss", "log(p - 2)"], "not defined on the simplex"),
    (["loss", "p +"], "cannot parse"),
    (["loss", "q * p"], "only the symbol p"),
    (["losses", "--loss", "bogus"], "unknown loss 'bogus'"),
    (["losses", "--loss", "gce:q=2"], "parameter q must be"),
    (["losses", "--loss", "gce:z=1"], "no parameter 'z'"),
    (["losses", "--classes", "1..3"], "--classes"),
])
def test_bad_input_is_one_line_and_exit_2(args, message, capsys):
    assert main(args) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1


def test_cli_writes_markdown_and_json(tmp_path, capsys):
    js = tmp_path / "t.json"
    assert main(["losses", "--loss", "mae", "--loss", "gce:q=0.5", "--classes", "2..4", "--precision", "quick",
                 "--json", str(js)]) == 0
    out = capsys.readouterr().out
    assert "| mae |" in out and "gce(q=1/2)" in out
    doc = json.loads(js.read_text())
    assert [x["loss"] for x in doc["losses"]] == ["mae", "gce"] and js.with_suffix(".md").is_file()
    assert main(["loss", "-log(p) + 2*(1 - p)", "--classes", "2..3", "--precision", "quick"]) == 0
    assert main(["losses", "--list"]) == 0
    assert "Zhou" in capsys.readouterr().out
