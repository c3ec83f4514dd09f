"""The loss trial (paper_checks.trials.simplex) and its command line: a complete zoo table, whose entries
agree with the verdicts of the claims that decide the same property (ghosh17, gce18, sce19, imae19)."""
import json

import mpmath
import numpy as np
import pytest
import sympy

from label_noise_lab.theory.losses import ZOO, P, default_losses, parse_spec
from label_noise_lab.theory.user_losses import from_callable, from_expression
from paper_checks.cli import main
from paper_checks.registry import load
from paper_checks.trials import simplex as lt

C = lt.C
CS = range(2, 11)


@pytest.fixture
def zoo(zoo_once):
    """The zoo table at quick precision, computed once per test process (conftest's ``zoo_once``)."""
    return {t.loss: t for t in (zoo_once(d, CS, precision="quick") for d in default_losses())}


@pytest.mark.slow
@pytest.mark.xdist_group("loss_zoo")  # with --dist loadgroup (.ci/run) the fixture is built once
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


@pytest.mark.slow
@pytest.mark.xdist_group("loss_zoo")  # with --dist loadgroup (.ci/run) the fixture is built once
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


@pytest.mark.slow
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


@pytest.mark.slow
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
        low, high = float(rng[c]["low"]), float(rng[c]["high"])  # exact per c (trials.flat.convex_range)
        assert low == pytest.approx(lo, abs=1e-6) and high == pytest.approx(hi, abs=1e-6)


@pytest.mark.slow
@pytest.mark.xdist_group("loss_zoo")  # with --dist loadgroup (.ci/run) the fixture is built once
def test_weights_agree_with_imae19(zoo):
    """imae19.eq9_cce_weight: 2 (1 - p); eq10_mae_weight: 4 p (1 - p); eq11_variance: Var = 4/45."""
    for cid in ("imae19.eq9_cce_weight", "imae19.eq10_mae_weight", "imae19.eq11_variance"):
        assert _recorded(cid) == "proved"
    p = lt.P
    w_cce = sympy.sympify(zoo["cce"].properties["weight"].value["w"], locals={"p": p})
    w_mae = sympy.sympify(zoo["mae"].properties["weight"].value["w"], locals={"p": p})
    assert sympy.simplify(w_cce - 2 * (1 - p)) == 0 and sympy.simplify(w_mae - 4 * p * (1 - p)) == 0
    assert sympy.nsimplify(zoo["mae"].properties["weight"].value["variance"]) == sympy.Rational(4, 45)


@pytest.mark.slow
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
    (["losses", "--loss", "mae", "--timeout", "-1"], "--timeout: must be a finite, positive number of seconds"),
])
def test_bad_input_is_one_line_and_exit_2(args, message, capsys):
    assert main(args) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1


@pytest.mark.slow
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


# ---------------------------------------------------------------- issue 19: the six cells, pinned
def _nce_risk(f, w):
    """Plain NCE noisy risk sum_k w_k log f_k / sum_i log f_i, in mpmath at the working precision."""
    logs = [mpmath.log(x) for x in f]
    return mpmath.fsum(wk * lk for wk, lk in zip(w, logs)) / mpmath.fsum(logs)


@pytest.mark.slow
@pytest.mark.xdist_group("loss_zoo")  # with --dist loadgroup (.ci/run) the fixture is built once
def test_focal_class_sum_minimum_is_finite_at_the_barycentre(zoo):
    v = zoo["focal"].properties["class_sum"].value
    lo = sympy.sympify(v["low"], locals={"c": C})
    assert sympy.simplify(lo - C * (1 - 1 / C) ** 2 * sympy.log(C)) == 0
    assert v["low_attained"] is True and "barycentre" in v["low_at"] and v["high"] == "oo"
    assert v["high_attained"] is False
    assert float(lo.subs(C, 2)) == pytest.approx(0.34657359, abs=1e-8)
    rng = np.random.default_rng(0)
    for c in (2, 3, 7):  # plain evaluation: no random point has a smaller class sum
        F = rng.dirichlet(np.ones(c), 20000)
        S = np.sum(-(1 - F) ** 2 * np.log(F), axis=1)
        assert S.min() >= float(lo.subs(C, c)) - 1e-12
        bary = -c * (1 - 1 / c) ** 2 * np.log(1 / c)
        assert bary == pytest.approx(float(lo.subs(C, c)), rel=1e-14)


@pytest.mark.slow
@pytest.mark.xdist_group("loss_zoo")  # with --dist loadgroup (.ci/run) the fixture is built once
@pytest.mark.parametrize("name", ["nce", "nfl"])
def test_nce_nfl_noisy_infimum_is_not_attained_and_approached_with_the_wrong_argmax(zoo, name):
    v = zoo[name].properties["noisy_minimiser"].value
    for c in CS:
        for kind, inf in (("uniform", sympy.Rational(2, 5) / (c - 1)), ("pair", 0 if c > 2 else sympy.Rational(2, 5))):
            case = v[kind][c]
            assert sympy.sympify(case["inf"]) == inf and case["attained"] is False
            assert case["wrong_argmax"] is (c >= 3)
            assert ("wrong argmax" in case["approached"]) is (c >= 3)
            gaps = [mpmath.mpf(s["gap"]) for s in case["values"]]  # may lie below float's range (NFL: d^1.5)
            assert all(g > 0 for g in gaps) and gaps == sorted(gaps, reverse=True)
    assert "wrong argmax" in zoo[name].properties["noisy_minimiser"].cell


@pytest.mark.slow
def test_nce_values_along_the_issues_sequence():
    """Issue 19: NCE, uniform 0.4, c = 3, along (0.1, 0.9 - d, d): 0.20133, 0.200004 for d = 1e-300, 1e-100000."""
    w = [mpmath.mpf(6) / 10, mpmath.mpf(2) / 10, mpmath.mpf(2) / 10]
    with mpmath.workdps(60):
        vals = [_nce_risk([mpmath.mpf(1) / 10, mpmath.mpf(9) / 10 - d, d], w)
                for d in (mpmath.mpf(10) ** -300, mpmath.mpf(10) ** -100000, mpmath.mpf(10) ** -(10**7))]
    assert float(vals[0]) == pytest.approx(0.20133, abs=1e-5)
    assert float(vals[1]) == pytest.approx(0.200004, abs=1e-6)
    assert float(vals[2]) == pytest.approx(0.20000004, abs=1e-8)
    assert all(x > mpmath.mpf(1) / 5 for x in vals)
    t = lt.trial(parse_spec("nce"), [3], precision="quick")
    seq = t.properties["noisy_minimiser"].value["uniform"][3]["values"]
    with mpmath.workdps(360):  # the trial's own evaluation at d = 1e-300 agrees with this one
        d = mpmath.mpf(10) ** -300
        assert float(mpmath.mpf(seq[-1]["value"])) == pytest.approx(
            float(_nce_risk([mpmath.mpf(1) / 10, mpmath.mpf(9) / 10 - d, d], w)), rel=1e-15)


@pytest.mark.slow
@pytest.mark.xdist_group("loss_zoo")  # with --dist loadgroup (.ci/run) the fixture is built once
@pytest.mark.parametrize("name, passive", [("nce_mae", sympy.Rational(4, 5)), ("nce_rce", sympy.Rational(8, 5))])
def test_apl_pair_noise_infimum_is_approached_only_at_e_y(zoo, name, passive):
    v = zoo[name].properties["noisy_minimiser"].value
    for c in CS:
        case = v["pair"][c]
        assert sympy.sympify(case["inf"]) == passive + (sympy.Rational(2, 5) if c == 2 else 0)
        assert case["attained"] is False and case["approached"] == "only as f -> e_y" and not case["wrong_argmax"]
        assert "minimiser" not in case  # no non-vertex minimiser is reported
    rng = np.random.default_rng(1)  # plain evaluation: the MAE/RCE part alone already stays above the bound
    scale = 2 if name == "nce_mae" else 4
    for c in (3, 6):
        F = rng.dirichlet(np.ones(c), 20000)
        part = scale * (1 - (0.6 * F[:, 0] + 0.4 * F[:, 1]))
        assert part.min() > float(passive)


@pytest.mark.slow
@pytest.mark.xdist_group("loss_zoo")  # with --dist loadgroup (.ci/run) the fixture is built once
def test_tgce_is_completely_asymmetric_for_every_c(zoo):
    p = zoo["tgce"].properties["asymmetric"]
    assert not p.undecided and p.method == "symbolic" and p.value["R_exact"] == "1"
    assert all(p.value["complete"].values())
    for spec in ("tgce:q=0.3,k=0.6", "tgce:q=1,k=0.5"):  # the derivation holds for every k >= 1/2
        t = lt.trial(parse_spec(spec), range(2, 6), precision="quick")
        assert t.properties["asymmetric"].value["R_exact"] == "1"
    q, k = 0.7, 0.5  # plain check of the definition: e_t minimises sum_i w_i l(u_i) for random w, u
    ell = lambda x: np.where(x <= k, (1 - k**q) / q, (1 - x**q) / q)  # noqa: E731
    rng = np.random.default_rng(2)
    for c in (2, 3, 5):
        W = rng.dirichlet(np.ones(c), 400)
        W = W[np.argsort(-W, axis=1)[:, 0] == 0]  # the largest weight on class 0
        U = rng.dirichlet(0.3 * np.ones(c), 400)
        at_vertex = W[:, 0] * ell(1.0) + (1 - W[:, 0]) * ell(0.0)
        risks = ell(U)[None, :, :] * W[:, None, :]
        assert np.all(risks.sum(-1) >= at_vertex[:, None] - 1e-12)


@pytest.mark.slow
@pytest.mark.xdist_group("loss_zoo")  # with --dist loadgroup (.ci/run) the fixture is built once
@pytest.mark.parametrize("name, sup", [("nce", 1), ("nfl", 1), ("nce_mae", 3), ("nce_rce", 5)])
def test_normalized_sup_per_c_is_exact_and_not_attained(zoo, name, sup):
    v = zoo[name].properties["bounded"].value
    assert v["sup"] == {c: str(sup) for c in CS} and v["attained"] is False and "f_y -> 0" in v["approached"]
    doc = json.loads(json.dumps(zoo[name].to_json()))
    assert set(doc["properties"]["bounded"]["value"]["sup"].values()) == {str(sup)}
    for c in (2, 10):  # plain evaluation of the loss's own vector form as f_y -> 0: below sup, rising toward it
        vals = []
        for k in (50, 3000):  # 2k + 80 digits resolve NFL's gap of order d^1.5 at c = 2
            with mpmath.workdps(2 * k + 80):
                d = mpmath.mpf(10) ** -k
                f = [d, *[(1 - d) / (c - 1)] * (c - 1)]
                vals.append(parse_spec(name)([sympy.Float(x, 2 * k + 80) for x in f], 0))
        assert vals[0] < vals[1] < sup and sup - vals[1] < sympy.Rational(1, 100)


@pytest.mark.slow  # about 1 s or more: out of README's quick command, in CI's slow run
def test_timeouts_mark_properties_undecided_and_keep_the_rest(monkeypatch):
    """One property that provably never ends (a loop) is cut at the limit; the properties before and after it are
    kept. The others are instant stand-ins, so no outcome depends on how fast SymPy runs on this machine."""
    import time

    from paper_checks.trials.properties import Property

    def forever(ctx):
        while True:
            time.sleep(0.01)

    def instant(name):
        return lambda ctx: Property(name, {"stand_in": True}, "yes", "symbolic", f"{name}: a stand-in")

    for name in ("symmetric", "excess_risk_bound", "_bounded", "weight", "_asymmetric", "_noisy_minimiser"):
        monkeypatch.setattr(lt, name, instant(name.lstrip("_")))
    monkeypatch.setattr(lt, "class_sum", forever)
    t = lt.trial(from_expression("(1 - p)**2"), range(2, 4), precision="quick", timeout=1)  # continuous: no gate
    cells = {k: p.cell for k, p in t.properties.items()}
    assert cells == {**{k: "yes" for k in lt.PROPERTIES}, "class_sum": "undecided: timed out after 1 s"}, cells
    assert t.properties["class_sum"].undecided and "--timeout" in t.properties["class_sum"].summary
    assert t.properties["symmetric"].value == {"stand_in": True}  # what finished before is kept, and what came after
    with pytest.raises(ValueError, match="timeout"):
        lt.trial(parse_spec("mae"), [2], timeout=0)


@pytest.mark.slow
def test_a_normalized_form_that_disagrees_with_the_loss_is_not_used():
    """The trial derives from a NormalizedForm only after checking it against the loss's own vector form."""
    from dataclasses import replace

    from label_noise_lab.theory.losses import NormalizedForm

    nce = parse_spec("nce")
    wrong = replace(nce, normalized=NormalizedForm(sympy.Integer(2), nce.normalized.phi))  # alpha = 2: not NCE
    t = lt.trial(wrong, [2, 3], precision="quick")
    assert t.properties["bounded"].method == "search" and t.properties["bounded"].undecided
    assert t.properties["noisy_minimiser"].undecided


@pytest.mark.slow
def test_whole_point_losses_fall_back_to_exact_limits_or_undecided_bounds():
    t = lt.trial(from_callable(lambda f, y: -sympy.log(f[y]) * f[(y + 1) % len(f)], name="odd"), [2, 3],
                 precision="quick")
    assert t.properties["bounded"].value["bounded"] is False and t.properties["bounded"].method == "symbolic"
    t = lt.trial(from_callable(lambda f, y: (1 - f[y]) * f[0], name="odd2"), [2, 3], precision="quick")
    assert t.properties["bounded"].undecided and "sup ≥" in t.properties["bounded"].cell


@pytest.mark.slow  # about 1 s or more: out of README's quick command, in CI's slow run
def test_the_trial_limit_is_not_taken_for_the_weight_integrals_own(monkeypatch):
    """The weight's symbolic moments have a limit of their own (then quadrature); the trial's limit, coming up
    in there, still ends the property as timed out instead of falling through to the quadrature."""
    import time

    from paper_checks.trials import properties as loss_properties

    def forever(w, p):
        while True:
            time.sleep(0.01)

    monkeypatch.setattr(loss_properties, "uniform_moments", forever)
    monkeypatch.setattr(loss_properties, "MOMENTS_WORK", 1000.0)
    t0 = time.monotonic()  # gce: a weight that is no polynomial, so it reaches the symbolic moments
    tr = lt.trial(parse_spec("gce"), [2], precision="quick", timeout=1)
    assert time.monotonic() - t0 < 30
    assert tr.properties["weight"].cell == "undecided: timed out after 1 s"


@pytest.mark.slow
def test_a_loss_with_a_jump_has_no_weight():
    tr = lt.trial(from_expression("Heaviside(p - 1/2)*(1 - p)"), [2], precision="quick", timeout=5)
    w = tr.properties["weight"]  # the continuity gate finds the jump exactly, before any derivative is taken
    assert w.undecided and w.cell == "undecided: not continuous on (0, 1) (jump at p = 1/2)"
    assert "limits 0 from the left, 1/2 from the right" in w.summary


@pytest.mark.slow  # about 1 s or more: out of README's quick command, in CI's slow run
def test_quadrature_breaks_at_the_kink_of_a_min():
    # the truncated L_q (q = 1/2, k = 3/10) written with Min: w = 2 sqrt(p)(1 - p) above 3/10, 0 below
    t = lt.trial(from_expression("Min((1 - 0.3**0.5)/0.5, (1 - p**0.5)/0.5)"), [2, 3], precision="quick")
    p = sympy.Symbol("p", positive=True)
    w = 2 * sympy.sqrt(p) * (1 - p)
    mean = sympy.integrate(w, (p, sympy.Rational(3, 10), 1))
    var = sympy.integrate(w**2, (p, sympy.Rational(3, 10), 1)) - mean**2
    got = t.properties["weight"].value
    assert abs(sympy.Float(got["mean"], 30) - mean) < 1e-20 and abs(sympy.Float(got["variance"], 30) - var) < 1e-20
    assert "mean 0.3537, var 0.09214" in t.properties["weight"].cell  # 0.353677..., 0.0921436...
    assert not any("Error" in q.cell for q in t.properties.values())


@pytest.mark.parametrize("expr, sup", [("log(p)", 0), ("-1/p", -1)])
def test_an_increasing_loss_is_bounded_above_by_its_value_at_one(expr, sup):
    b = lt.trial(from_expression(expr), [2], precision="quick").properties["bounded"]
    assert b.value["bounded"] is True and sympy.sympify(b.value["sup"]) == sup and b.value["attained"]
    assert b.value["inf"] == "-oo" and "l(0+) = -∞" in b.cell and "at p = 1" in b.cell


@pytest.mark.slow  # about 1 s or more: out of README's quick command, in CI's slow run
def test_a_divergent_weight_integral_says_so():
    t = lt.trial(from_expression("log(Abs(p - 1/3))"), [2, 10], precision="quick")
    w = t.properties["weight"]  # a pole inside (0, 1): the gate leaves the cells that need continuity undecided
    assert w.value is None and w.cell == "undecided: not continuous on (0, 1) (pole at p = 1/3)"
    assert t.properties["class_sum"].cell == w.cell
    assert lt.trial(from_expression("-1/p"), [2], precision="quick").properties["weight"].value["diverges_at"] == "0"
    for q in t.properties.values():
        assert "Error" not in q.cell and "(TypeError)" not in q.cell, q.cell


@pytest.mark.slow
@pytest.mark.parametrize("expr, sup, text", [
    ("Min((1 - 0.3**0.5)/0.5, (1 - p**0.5)/0.5)", 2 - sympy.sqrt(30) / 5, "at [0, 3/10]"),  # flat below 3/10
    ("log(Abs(p - 1/3))", sympy.log(sympy.Rational(2, 3)), "at p = 1"),
    ("Heaviside(p - 1/2)*(1 - p)", sympy.Rational(1, 2), "approached as p → 1/2"),  # H(0) = 1/2: l(1/2) = 1/4
])
def test_the_supremum_of_a_piecewise_loss_is_exact(expr, sup, text):
    b = lt.trial(from_expression(expr), [2], precision="quick").properties["bounded"]
    assert b.method == "symbolic" and not b.undecided
    assert sympy.simplify(sympy.sympify(b.value["sup"]) - sup) == 0 and text in b.cell


@pytest.mark.slow  # about 1 s or more: out of README's quick command, in CI's slow run
def test_an_unbounded_piecewise_loss_says_where():
    b = lt.trial(from_expression("1/Abs(p - 3/10)"), [2], precision="quick").properties["bounded"]
    assert b.value["bounded"] is False and b.cell == "no (l → ∞ as p → 3/10 from the left and right)"


# ---------------------------------------------------------------- issue 37: the trial decides what it derives
CELLS = ("class_sum", "excess_risk_bound", "bounded", "asymmetric", "noisy_minimiser")


def _at(text, c):
    """A recorded expression in the number of classes ``c``, at ``c``."""
    e = sympy.sympify(text)
    return e.subs({s: c for s in e.free_symbols})


@pytest.mark.slow  # two trials per value
@pytest.mark.parametrize("k", ["1/2", "3/5", "0.99"])
def test_truncated_gce_typed_with_min_decides_as_the_zoo_row(k):
    typed = lt.trial(from_expression(f"Min((1 - p**0.7)/0.7, (1 - ({k})**0.7)/0.7)"), [2, 3], precision="quick")
    zoo = lt.trial(parse_spec(f"tgce:q=0.7,k={k}"), [2, 3], precision="quick")
    for name in CELLS:
        assert not typed.properties[name].undecided, (name, typed.properties[name].cell)
        assert typed.properties[name].cell.replace(" at [", " attained on [") == zoo.properties[name].cell, name


@pytest.mark.slow
def test_max_of_zero_and_half_minus_p_is_decided():
    """Max(0, 1/2 - p) is convex (proved piece by piece) and non-increasing: Jensen's class-sum range, A, and
    R_c = l'(1-)/l'(0+) = 0/(-1) = 0."""
    t = lt.trial(from_expression("Max(0, 1/2 - p)"), [2, 3, 4], precision="quick")
    for name in ("class_sum", "excess_risk_bound", "asymmetric", "bounded"):
        assert not t.properties[name].undecided, (name, t.properties[name].cell)
    rng = t.properties["class_sum"].value
    for n, (lo, hi) in {2: (0, sympy.Rational(1, 2)), 4: (1, sympy.Rational(3, 2))}.items():  # plain loops below
        pts = [[sympy.Rational(1, n)] * n, [1] + [0] * (n - 1)]
        sums = [sum(max(0, sympy.Rational(1, 2) - x) for x in pt) for pt in pts]
        assert _at(rng["low"], n) == lo == min(sums)
        assert _at(rng["high"], n) == hi == max(sums)
    assert t.properties["asymmetric"].cell.startswith("no (R_c = 0")


@pytest.mark.slow
def test_jensen_shannon_at_a_tenth_is_bounded_and_decided_asymmetric():
    t = lt.trial(parse_spec("js:pi=0.1"), [2, 3], precision="quick", timeout=60)
    b, a = t.properties["bounded"], t.properties["asymmetric"]
    assert not b.undecided and not a.undecided
    ell = parse_spec("js:pi=0.1").label
    grid = max(float(ell.subs(P, sympy.Rational(i, 1000))) for i in range(1, 1000))
    sup = float(sympy.sympify(b.value["sup"]))
    assert sup >= grid and abs(sup - float(sympy.limit(ell, P, 0, "+"))) < 1e-12
    assert a.cell.startswith("no (R_c = 0")  # l convex with l'(0+) = -oo


@pytest.mark.slow
@pytest.mark.parametrize("k, cell", [("0.1", "not completely"), ("0.3", "yes, completely")])
def test_truncated_gce_below_a_half_has_its_asymmetry_ratio(k, cell):
    """Flat, then convex: no closed form, but one variable (trials.asymmetry.flat_convex_ratio; test_flat.py has the
    plain-loop reference). At q = 0.7, R_c is about 0.918 at k = 0.1 and 1 at k = 0.3."""
    a = lt.trial(parse_spec(f"tgce:k={k}"), [2, 3], precision="quick").properties["asymmetric"]
    assert not a.undecided and a.cell.startswith(cell) and "then convex" in a.summary


def test_a_constant_loss_is_tried():
    t = lt.trial(from_expression("1/2"), [2, 3], precision="quick")
    assert t.properties["symmetric"].cell.startswith("yes, C = c/2")
    assert t.properties["bounded"].value["sup"] == "1/2"


@pytest.mark.slow
def test_a_loss_of_the_whole_prediction_is_tried_at_three_classes():
    """The tempered form L(f, e_y) = -log_t(f_y) + sum_i f_i^(2-t)/(2-t) at t = 1/2, for every c it names."""
    loss = from_expression("-(p**(1/2) - 1)/(1/2)", "tempered", each="p**(3/2)/(3/2)")
    f = [sympy.Rational(1, 2), sympy.Rational(1, 3), sympy.Rational(1, 6)]
    plain = -(sympy.sqrt(f[1]) - 1) * 2 + sum(x ** sympy.Rational(3, 2) * sympy.Rational(2, 3) for x in f)
    assert sympy.simplify(loss(f, 1) - plain) == 0
    t = lt.trial(loss, [3], precision="quick")
    rng = t.properties["class_sum"].value
    bary = sum(loss([sympy.Rational(1, 3)] * 3, j) for j in range(3))
    assert sympy.simplify(_at(rng["low"], 3) - bary) == 0
    assert _at(rng["high"], 3) == sum(loss([1, 0, 0], j) for j in range(3))
    assert t.properties["bounded"].value["sup"] == {3: "8/3"}  # at a vertex e_k, k != y: 2 + 2/3


@pytest.mark.slow
def test_the_command_line_takes_a_term_for_every_class(tmp_path):
    out = tmp_path / "t.json"
    args = ["loss", "-2*p", "--each", "p**2", "--classes", "3..3", "--precision", "quick", "--json", str(out)]
    assert main(args) == 0
    rec = json.loads(out.read_text())["losses"][0]
    assert rec["properties"]["class_sum"]["cell"].startswith("[-1, c - 2]")  # MSE - 1: [c - 1, 2c - 2] - c


@pytest.mark.slow
def test_a_trial_stopped_by_its_work_is_the_same_with_a_warm_cache():
    """Each trial starts from the same memory (paper_checks.work.fresh): a cell's count of work does not depend on
    what ran before it, so a cell near its work limit is decided, or not, in every run alike."""
    runs = [{k: p.cell for k, p in lt.trial(parse_spec("cce"), [2], precision="quick", work=0.08).properties.items()}
            for _ in range(2)]
    assert runs[0] == runs[1]
    assert any(c.startswith("undecided: past its work limit (0.08 units)") for c in runs[0].values()), runs[0]
    assert any(not c.startswith("undecided") for c in runs[0].values()), runs[0]
