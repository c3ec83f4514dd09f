"""Symbolic losses: definitions, separable form, parameter checks, agreement with label_noise_lab.simulate.losses."""
import numpy as np
import pytest
import sympy
from hypothesis import given

from label_noise_lab.simulate import losses as numeric
from label_noise_lab.theory import loss_parameters as lp
from label_noise_lab.theory import losses as sl
from label_noise_lab.theory import user_losses
from tests.strategies import simplex_points

R = sympy.Rational
F = [R(1, 2), R(1, 3), R(1, 6)]

CASES = [("cce", {}), ("mae", {}), ("mse", {}), ("unhinged", {}), ("lq", {"q": R(7, 10)}), ("lq", {"q": 1}),
         ("truncated_lq", {"q": R(7, 10), "k": R(3, 10)}), ("rce", {"A": -4})]


def test_definitions_at_an_exact_point():
    assert sl.cce()(F, 1) == sympy.log(3)
    assert sl.mae()(F, 0) == 1  # |1 - 1/2| + 1/3 + 1/6
    assert sl.mse()(F, 2) == R(1, 4) + R(1, 9) + R(25, 36)
    assert sl.unhinged()(F, 0) == R(1, 2)
    assert sympy.simplify(sl.lq(R(1, 2))(F, 0) - 2 * (1 - sympy.sqrt(R(1, 2)))) == 0
    assert sl.rce(-4)(F, 0) == 4 * (1 - R(1, 2))
    k, q = R(1, 4), R(1, 2)
    assert sl.truncated_lq(q, k)(F, 2) == sl.lq_at(k, q)  # 1/6 <= 1/4: truncated
    assert sl.truncated_lq(q, k)(F, 0) == sl.lq_value(R(1, 2), q)


def test_coordinate_terms_rebuild_the_loss():
    loss = sl.mse()
    t = sympy.Symbol("t")
    assert loss.coordinate(1, t) == (1 - t) ** 2 and loss.coordinate(0, t) == t**2
    with pytest.raises(ValueError, match="one-hot entry"):
        loss.coordinate(2, t)


@pytest.mark.parametrize("bad", [0, -1, R(3, 2), 1.5])
def test_q_outside_range_raises(bad):
    with pytest.raises(ValueError, match="q must lie in"):
        sl.lq(bad)


@pytest.mark.parametrize("bad", [0, 1, R(-1, 2), 2])
def test_k_outside_range_raises(bad):
    with pytest.raises(ValueError, match="k must lie in"):
        sl.truncated_lq(R(1, 2), bad)


def test_A_must_be_negative_and_names_checked():
    with pytest.raises(ValueError, match="A .* must be negative"):
        sl.rce(0)
    with pytest.raises(ValueError, match="unknown loss"):
        sl.symbolic_loss("hinge")
    with pytest.raises(ValueError, match="bad parameters"):
        sl.symbolic_loss("lq")
    with pytest.raises(ValueError, match="label j"):
        sl.mae()(F, 3)
    assert sl.symbolic_loss("lq", q=sympy.Symbol("q", positive=True)).name == "lq"  # symbols pass unchecked


@pytest.mark.slow
@pytest.mark.parametrize("name, kw", CASES)
@given(p=simplex_points(3, 3))
def test_symbolic_agrees_with_numeric_losses(name, kw, p):
    sym = sl.symbolic_loss(name, **kw)
    fn = numeric.get_loss(name, **{k: float(v) for k, v in kw.items()})
    for row in p:
        want = fn.value(np.repeat(row[None], 3, axis=0), np.arange(3))
        got = [float(sym([sympy.Float(v, 30) for v in row], j)) for j in range(3)]
        np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-12)


def test_zoo_entries_are_derived_from_the_separable_definitions():
    p = sl.P
    assert sl.zoo_loss("mae").label == 2 - 2 * p
    assert sl.zoo_loss("rce", A=-4).label == 4 - 4 * p
    assert sl.zoo_loss("cce").label == -sympy.log(p)
    assert sl.zoo_loss("gce", q="0.5").label == sl.lq(sympy.Rational(1, 2)).label_form()
    assert sl.zoo_loss("mse").separable == (sl.mse().phi_label(sympy.Symbol("t", positive=True)),
                                            sl.mse().phi_other(sympy.Symbol("t", positive=True)))
    with pytest.raises(ValueError, match="depends on more than the labelled probability"):
        sl.mse().label_form()


# ---------------------------------------------------------------- specs read without sympify (issue 18)
SPECS = ["gce:q=0.5", "gce:q=0.7", "tgce:q=0.7,k=0.5", "agce:a=1,q=2", "sce:alpha=0.1,beta=1,A=-4", "focal:gamma=2",
         "taylor:t=3", "poly1:epsilon=-1", "js:pi=0.5", "aul:a=1.5,p=0.9", "nfl:gamma=0.5", "rce:A=-1/2", "ael:a=3",
         "nce_rce:alpha=1,beta=1,A=-4", "nce_mae:alpha=2,beta=0.5"]


def _old_reading(spec: str) -> sl.LossDefinition:
    """The spec as the former parser read it: ``nsimplify(sympify(v), rational=True)`` (on these fixed, trusted
    strings only)."""
    name, _, rest = spec.partition(":")
    params = dict(item.split("=") for item in rest.split(",") if item)
    return sl.ZOO[name].factory(**{k: sympy.nsimplify(sympy.sympify(v), rational=True) for k, v in params.items()})


def _same(a: sl.LossDefinition, b: sl.LossDefinition) -> bool:
    f = list(sympy.symbols("f0:3", positive=True))
    return a.title() == b.title() and a.label == b.label and a.separable == b.separable and a(f, 1) == b(f, 1)


@pytest.mark.parametrize("name", list(sl.ZOO))
def test_the_zoo_at_its_defaults_reads_as_before(name):
    entry = sl.ZOO[name]
    old = entry.factory(**{k: sympy.nsimplify(sympy.sympify(v), rational=True) for k, v in entry.defaults})
    assert _same(entry.factory(), old)


@pytest.mark.parametrize("spec", SPECS)
def test_documented_specs_read_as_before(spec):
    assert _same(sl.parse_spec(spec), _old_reading(spec))


@pytest.mark.parametrize("spec, message", [
    ("taylor:t=1000", "must be <= 100"), ("taylor:t=2.5", "must be an integer"), ("gce:q=p", "only numbers"),
    ("gce:q=1j", "not complex"), ("gce:q=10**10**9", "exponent"),
])
def test_bad_spec_parameters_are_one_line(spec, message):
    with pytest.raises(ValueError, match=message) as err:
        sl.parse_spec(spec)
    assert "\n" not in str(err.value)


def test_parameter_checks_read_strings_without_evaluating_them():
    assert lp.check_q("0.5") == R(1, 2) and sl.lq("1/2").param_dict["q"] == R(1, 2)
    for check in (lp.check_q, lp.check_k, lp.check_A):
        with pytest.raises(ValueError, match="cannot parse"):
            check("__import__('os').getcwd()")


def test_a_zoo_name_is_looked_up_before_a_formula_and_a_constant_is_a_loss():
    assert user_losses.loss("cce").name == "cce" and user_losses.loss("gce:q=0.7", name="G").name == "G"
    assert user_losses.loss("1 - p", name="lin").name == "lin"
    assert user_losses.loss("1/2").label == sympy.Rational(1, 2)
    assert user_losses.loss("0.25").label == sympy.Rational(1, 4)
    with pytest.raises(ValueError, match="did you mean the zoo's cce"):
        user_losses.loss("ccee")
    assert user_losses.loss("erf(1 - p)").label == sympy.erf(1 - sl.P)


# ---------------------------------------------------------------- issue 37: each parameter's domain declared once
def test_one_domain_declaration_is_read_by_every_door():
    from label_noise_lab.simulate import losses as nl
    from paper_checks.trials.family import FAMILIES

    for bad in (0, 2, "1.5"):
        with pytest.raises(ValueError, match="q must"):
            sl.lq(bad)  # the symbolic constructor
        with pytest.raises(ValueError, match="parameter q must"):
            sl.parse_spec(f"gce:q={bad}")  # the zoo's spec
    with pytest.raises(ValueError, match=r"q must lie in \(0, 1\]"):
        nl.check_q(1.5)  # the NumPy losses
    assert nl.check_q(1) == 1.0 and sl.lq(1).param_dict["q"] == 1
    assert FAMILIES["gce"].range == lp.Q.text() == "q in (0, 1] (Zhang & Sabuncu 2018, Eq. 6)"  # the family trial
    assert lp.Q.interval() == (0.0, 1.0) and lp.A.interval() == (-np.inf, 0.0)  # a search's Real
    assert sl.ZOO["gce"].domain("q") is lp.Q and sl.ZOO["tgce"].domain("k") is lp.K
    q = sympy.Symbol("q", positive=True)
    assert sl.lq(q).param_dict["q"] is q  # a symbol passes: a derivation for every q


def test_every_zoo_parameter_has_its_domain_declared():
    for entry in sl.ZOO.values():
        assert [d.name for d in entry.domains] == [k for k, _ in entry.defaults], entry.name
        for d, (k, default) in zip(entry.domains, entry.defaults):
            assert d.contains(sympy.Rational(default)) and d.source, (entry.name, k)
    with pytest.raises(ValueError, match="no parameter 'w'"):
        sl.ZOO["gce"].domain("w")
