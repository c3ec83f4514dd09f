"""label_noise_lab.theory.margin: the zoo's definitions and the whitelist parser of a user's expression (never eval)."""
import pytest
import sympy

from label_noise_lab.theory.margin import ZOO, MarginLoss, V, get, margin_loss, parse_margin_expression


def test_every_zoo_loss_is_a_real_function_of_v_with_a_citation():
    for name, m in ZOO.items():
        assert m.name == name and m.cite and m.phi.free_symbols <= {V}
        for x in (-2, 0, sympy.Rational(1, 3), 3):
            assert m(x).is_real


@pytest.mark.parametrize("name, at, value", [
    ("zero_one", -1, 1), ("zero_one", 0, sympy.Rational(1, 2)), ("zero_one", 2, 0), ("hinge", -1, 2), ("hinge", 3, 0),
    ("logistic", 0, sympy.log(2)), ("exponential", 0, 1), ("squared", 3, 4), ("unhinged", 3, -2), ("ramp", -5, 2),
    ("ramp", 0, 1), ("sigmoid", 0, sympy.Rational(1, 2)), ("savage", 0, sympy.Rational(1, 4)),
    ("truncated_hinge", -3, 1),
])
def test_zoo_values(name, at, value):
    assert sympy.simplify(ZOO[name](at) - value) == 0


def test_numpy_form_agrees_with_the_exact_value():
    import numpy as np

    for m in ZOO.values():
        xs = np.array([-1.5, -0.25, 0.5, 2.0])
        got = m.numpy()(xs)
        want = [float(m(sympy.nsimplify(x))) for x in xs]
        assert np.allclose(got, want, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("text, expected", [
    ("Max(0, 1 - v)", sympy.Max(0, 1 - V)),
    ("max(0, 1 - v)**2", sympy.Max(0, 1 - V) ** 2),
    ("log(1 + exp(-v))", sympy.log(1 + sympy.exp(-V))),
    ("1/(1 + exp(v))", 1 / (1 + sympy.exp(V))),
    ("0.5*(1 - tanh(v))", sympy.Rational(1, 2) * (1 - sympy.tanh(V))),
    ("Heaviside(-v) + abs(v) - sign(v)", sympy.Heaviside(-V) + sympy.Abs(V) - sympy.sign(V)),
    ("-v + E", -V + sympy.E),
])
def test_parser_builds_the_expression(text, expected):
    m = parse_margin_expression(text)
    assert isinstance(m, MarginLoss) and sympy.simplify(m.phi - expected) == 0


@pytest.mark.parametrize("text, message", [
    ("__import__('os').system('true')", "calls only of"),
    ("v.__class__", "not allowed"),
    ("x + 1", "unknown name 'x'"),
    ("lambda v: v", "not allowed"),
    ("log(v", "not a formula"),
        ("v ** 1001", "numeric exponent"),
    ("log(v)", "not a real number at v = -2"),
    ("[v]", "not allowed"),
    ("exp(v, base=2)", "not allowed"),
    ("'v'", "only real numbers"),
])
def test_parser_refuses_everything_off_the_whitelist(text, message):
    with pytest.raises(ValueError, match=message):
        parse_margin_expression(text)


def test_lookup_by_name_or_expression():
    assert margin_loss("hinge") is ZOO["hinge"] and get("ramp") is ZOO["ramp"]
    assert margin_loss("1 - v").phi == 1 - V
    with pytest.raises(ValueError, match="unknown margin loss"):
        get("nope")
    with pytest.raises(TypeError):
        parse_margin_expression(3)


def test_a_zoo_name_or_alias_is_looked_up_before_a_formula():
    assert margin_loss("0-1") is ZOO["zero_one"] and margin_loss(" zero_one ") is ZOO["zero_one"]
    assert margin_loss("hinge", name="H") == MarginLoss("H", ZOO["hinge"].phi, ZOO["hinge"].cite)
    assert margin_loss("Max(0, 1 - v)/2", name="half").name == "half"


@pytest.mark.parametrize("text, close", [("zero_onne", "zero_one"), ("hnge", "hinge"), ("hinge(v)", "hinge")])
def test_a_name_not_in_the_zoo_is_refused_in_one_line_with_close_names(text, close):
    with pytest.raises(ValueError) as err:
        margin_loss(text)
    msg = str(err.value)
    assert "\n" not in msg and repr(text) in msg
    assert (f"did you mean the zoo's {close}" in msg) if close else "hinge" in msg  # no close name: the whole zoo


@pytest.mark.parametrize("text, value", [("1/2", sympy.Rational(1, 2)), ("2 - 3", -1), ("0", 0)])
def test_a_constant_is_a_margin_loss(text, value):
    # the counterexample to "every nonnegative symmetric loss is nonconvex" is the constant 1/2: it must be tried
    assert margin_loss(text).phi == value


def test_the_tangent_loss_and_other_published_functions_parse():
    assert parse_margin_expression("(2*atan(v) - 1)**2").phi == (2 * sympy.atan(V) - 1) ** 2
    assert parse_margin_expression("1 - erf(v)").phi == 1 - sympy.erf(V)
    assert parse_margin_expression("log(cosh(1 - v))").phi == sympy.log(sympy.cosh(1 - V))


def test_the_barrier_hinge_declares_b_and_r():
    from label_noise_lab.theory.margin import barrier_hinge

    assert ZOO["barrier_hinge"] == barrier_hinge(200, 50) and ZOO["barrier_hinge"](50) == 0
    bh = margin_loss("barrier_hinge:b=2,r=1/2")
    assert bh.name == "barrier_hinge(b=2, r=1/2)" and bh(0) == sympy.Rational(1, 2) and bh(-2) == sympy.Rational(7, 2)
    assert margin_loss("barrier_hinge:r=1").name == "barrier_hinge(b=200, r=1)"  # b keeps its default
    for bad, why in (("barrier_hinge:b=1", "b > 1"), ("barrier_hinge:r=0", "r > 0"), ("barrier_hinge:c=2", "takes"),
                     ("barrier_hinge:b=x", "b")):
        with pytest.raises(ValueError, match=why) as exc:
            margin_loss(bad)
        assert "\n" not in str(exc.value)
