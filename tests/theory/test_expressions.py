"""Formulas read without running them (issue 18, item 1): the grammar, the refusals, the caps, and a fuzz
test in which no generated text ever executes (a canary file is never created)."""
from __future__ import annotations

import atexit
import shutil
import tempfile
import time
from pathlib import Path

import pytest
import sympy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sympy.parsing.sympy_parser import parse_expr

from label_noise_lab.theory.expressions import (
    MAX_LENGTH,
    ExpressionError,
    P,
    parse_expression,
    parse_number,
    to_sympy,
    undefined_at,
    value_at,
)
from label_noise_lab.theory.losses import parse_spec
from label_noise_lab.theory.user_losses import from_expression

R = sympy.Rational
#: seconds that only a runaway evaluation reaches: the caps refuse these in milliseconds, and SymPy left to run
#: would take hours (or never end), so the outcome does not depend on how loaded the machine is
HANG = 60.0
CANARY = Path(tempfile.mkdtemp(prefix="lnl_canary_")) / "canary"
# every process that imports this module (each pytest-xdist worker collects it) makes a folder; the module fixture
# below removes it only in the workers that run these tests, so each process also removes its own at exit
atexit.register(shutil.rmtree, CANARY.parent, True)


def probe_id(text: str) -> str:
    """A parameter's test id without the canary's random folder: every pytest-xdist worker collects the same ids."""
    return text.replace(str(CANARY), "CANARY")


@pytest.fixture(autouse=True, scope="module")
def _remove_the_canary_folder():
    CANARY.parent.mkdir(exist_ok=True)  # another module using the probes may have removed it: a probe must be able to
    yield                               # write the canary for its absence to mean anything
    shutil.rmtree(CANARY.parent, ignore_errors=True)


# the code-execution probes of issue 18 (loss expressions, then the spec parameter's sympify)
CODE_PROBES = [
    f"p + __import__('os').system('touch {CANARY}')",
    "p + len(open('/etc/passwd').read())",
    f"p + (lambda: __import__('os').system('touch {CANARY}'))()",
    f"p + exec(\"open('{CANARY}', 'w')\")",
    "p + eval('1')",
    "getattr(p, 'func')",
    "p.__class__.__mro__",
    "p.__class__.__mro__[1].__subclasses__()",
    "log.__globals__",
    "(lambda: 0).__globals__['__builtins__']",
    f"[open('{CANARY}', 'w') for _ in [1]]",
    "__builtins__",
    f"p + compile('1', '{CANARY}', 'eval')",
    "sympy.sympify('p')",
]
SPEC_PROBES = [f"gce:q=__import__('os').system('touch {CANARY}')", "gce:q=0.5.__class__", "gce:q=open('/etc/passwd')"]
EVALUATION_PROBES = ["exp(exp(exp(exp(exp(p)))))", "exp(1000*exp(1000*p))", "(p+1)**((p+1)**((p+1)**((p+1)**1000)))",
                     "exp(-exp(1000*p))", "10**(100*(p+1))**1000"]
HANG_PROBES = ["p**(10**9)", "10**(10**9)*p", "factorial(10**9)*p", "p**10**10**10", "2**2**2**2**2**2*p",
               "exp(exp(exp(exp(10))))*p", "Sum(p**k, (k, 1, 10**9))", "9" * 5000, "(" * 500 + "p" + ")" * 500,
               "-" * 1999 + "p", "+".join(["p"] * 999), "1e999999*p", "1e-999999*p"]


@pytest.mark.parametrize("text", CODE_PROBES, ids=probe_id)
def test_code_execution_probes_are_refused_before_evaluation(text):
    with pytest.raises(ExpressionError) as err:
        parse_expression(text)
    assert str(err.value).startswith("cannot parse the loss") and "\n" not in str(err.value)
    with pytest.raises(ValueError):
        from_expression(text)
    assert not CANARY.exists()


@pytest.mark.parametrize("spec", SPEC_PROBES, ids=probe_id)
def test_spec_parameters_are_never_sympified(spec):
    with pytest.raises(ValueError, match="parameter q must be a number"):
        parse_spec(spec)
    assert not CANARY.exists()


@pytest.mark.parametrize("text", HANG_PROBES)
def test_hang_probes_are_refused_quickly_by_the_caps(text):
    t = time.perf_counter()
    with pytest.raises(ExpressionError):
        parse_expression(text)
    assert time.perf_counter() - t < HANG


@pytest.mark.parametrize("text", EVALUATION_PROBES)
def test_formulas_too_large_to_evaluate_are_refused_quickly(text):
    """They parse, but their value at p = 1/7 has more than 2**20 bits of magnitude: SymPy's N would run
    without limit."""
    parse_expression(text)
    t = time.perf_counter()
    with pytest.raises(ValueError, match="cannot be evaluated at p = 1/7: .* size beyond"):
        from_expression(text)
    assert time.perf_counter() - t < HANG


@pytest.mark.parametrize("text, x, want", [
    ("log(p, 2) + sqrt(p) - Abs(p - 1) + exp(-p)", R(1, 2), -1 + 0.5**0.5 - 0.5 + 2.718281828459045**-0.5),
    ("Heaviside(p - 1/2) + Max(p, 1/3) + Min(p, 1/3) + pi*E", R(1, 2), 0.5 + 0.5 + 1 / 3 + 3.141592653589793
     * 2.718281828459045),
    ("p**(-3) + 1/(1 - p)", R(1, 4), 64 + 4 / 3)])
def test_value_at_agrees_with_plain_floats(text, x, want):
    assert abs(complex(value_at(parse_expression(text), x)) - want) < 1e-12


def test_huge_spec_parameter_is_refused_quickly():
    t = time.perf_counter()
    with pytest.raises(ValueError, match="exponent"):
        parse_spec("gce:q=10**10**9")
    assert time.perf_counter() - t < HANG


@pytest.mark.parametrize("text, why", [
    ("p.real", "attribute access"), ("[p][0]", "subscripts"), ("[p]", "lists"), ("'p'", "not str"),
    ("p if p else 1", "if/else"),
    ("x * p", "unknown name 'x'"), ("log(p, base=2)", "keyword"), ("p < 1", "comparisons"), ("p ^ 2", "write **"),
    ("p % 2", "Mod"), ("1j * p", "not complex"), ("True * p", "not bool"), ("(p, 1)", "tuples"),
    ("Sum(p, (p, 1, 2))", "index of Sum"), ("Sum(p*k, (k, 0.5, 2))", "whole numbers"), ("exp(p, 2)", "takes 1"),
    ("factorial(p)", "whole number"), ("", "empty"), ("p +", "not a formula"), ("p" * (MAX_LENGTH + 1), "longer"),
    ("Sum(p, k)", "Sum(term, (k, a, b))"), ("k + Sum(k, (k, 1, 2))", "not defined here"),
    ("Sum(Sum(k, (k, 1, 2)), (k, 1, 2))", "index of Sum"), ("Max(" + "p, " * 13 + "p)", "at most 12"),
    ("Sum(Sum(Sum(p, (i, 1, 999)), (j, 1, 999)), (k, 1, 999))", "more than 1000 terms"),
    ("Sum(" + "+".join(["p"] * 30) + ", (k, 1, 999))", "builds more than 20000 nodes"),
])
def test_outside_the_grammar_is_one_line_naming_the_piece(text, why):
    with pytest.raises(ExpressionError) as err:
        parse_expression(text)
    assert why in str(err.value) and "\n" not in str(err.value)


@pytest.mark.parametrize("text, want", [
    ("(1 - p**0.5)/0.5", 2 - 2 * sympy.sqrt(P)),
    ("-log(p)", -sympy.log(P)),
    ("ln(p, 2)", sympy.log(P) / sympy.log(2)),
    ("Abs(1 - p) + abs(p)", sympy.Abs(1 - P) + sympy.Abs(P)),
    ("Min(p, 1 - p) + Max(p, 1/2)", sympy.Min(P, 1 - P) + sympy.Max(P, R(1, 2))),
    ("Heaviside(p - 1/2)*(1 - p)", sympy.Heaviside(P - R(1, 2)) * (1 - P)),
    ("exp(-p/3) + sqrt(p) + pi + E", sympy.exp(-P / 3) + sympy.sqrt(P) + sympy.pi + sympy.E),
    ("factorial(5)*p", 120 * P),
    ("1e-3*p + 2.5", P / 1000 + R(5, 2)),
    ("Sum((1 - p)**i/i, (i, 1, 3))", (1 - P) + (1 - P) ** 2 / 2 + (1 - P) ** 3 / 3),
    ("Sum(Sum(p**(i + j), (j, 0, 1)), (i, 0, 1))", 1 + 2 * P + P**2),
    ("+p - -p", 2 * P),
    ("Sum(p, (k, 0, -1)) + 1", 1),
    ("Sum(Sum(j, (j, 1, 2))*k, (k, 1, 2))", 3 + 6),
])
def test_the_grammar_builds_the_expression(text, want):
    assert parse_expression(text) == want


def test_a_sum_is_expanded_into_the_taylor_loss():
    """Issue 21: a Sum(...) loss is decided, not undecided: it is the zoo's Taylor CE, term for term."""
    assert from_expression("Sum((1 - p)**i/i, (i, 1, 2))").label == parse_spec("taylor:t=2").label


@pytest.mark.parametrize("text", ["(1 - p**0.5)/0.5", "-log(p) + 2*(1 - p)", "(1 - p**0.5)/0.5 + (1 - p)",
                                  "1 - p", "2 - 2*p", "-(1 - p)**2*log(p)", "exp(-p/3)", "(1 - p**0.7)/0.7",
                                  "-log(p) + 0.5*(1 - p)", "sqrt(1 - p)"])
def test_valid_formulas_read_as_before(text):
    """No behaviour change for valid input: the same expression as the former parse_expr + nsimplify (run
    here on these fixed, trusted strings only)."""
    old = parse_expr(text, local_dict={"p": P, "log": sympy.log, "exp": sympy.exp, "sqrt": sympy.sqrt})
    old = sympy.nsimplify(old, rational=True) if old.has(sympy.Float) else old
    assert from_expression(text).label == old


def test_a_decimal_power_of_a_number_stays_exact():
    """The one difference from the former reading: ``2**0.5`` was a float, rounded to 15 digits
    (282842712474619/10**14 for ``2*sqrt(2)``); it is now ``sqrt(2)`` exactly."""
    assert from_expression("(2**0.5 - (1 + p)**0.5)/0.5").label == 2 * sympy.sqrt(2) - 2 * sympy.sqrt(1 + P)


@pytest.mark.parametrize("text, want", [("0.7", R(7, 10)), ("1/3", R(1, 3)), ("-4", -4), ("1e-2", R(1, 100)),
                                        ("sqrt(2)/2", sympy.sqrt(2) / 2), ("2**-1", R(1, 2))])
def test_numbers(text, want):
    assert parse_number(text) == want


@pytest.mark.parametrize("text", ["p", "q", "x + 1"])
def test_a_number_has_no_symbols(text):
    with pytest.raises(ExpressionError, match="only numbers"):
        parse_number(text)


def test_to_sympy_reads_strings_as_numbers_and_passes_objects():
    assert to_sympy("0.5") == R(1, 2) and to_sympy(3) == 3 and to_sympy(P) is P
    with pytest.raises(ExpressionError):
        to_sympy("__import__('os')")
    with pytest.raises(TypeError):
        parse_expression(3)
    with pytest.raises(TypeError, match="name must be a non-empty string"):
        from_expression("p", name=3)


# ---------------------------------------------------------------- the definedness check, bounded (issue 29)
_TOWERS = ["log(" * 10 + "p" + ")" * 10, "**".join(["p"] * 83), "exp(" * 8 + "p" + ")" * 8]


@pytest.mark.parametrize("text", _TOWERS)
def test_the_definedness_check_never_calls_sympy_N(text, monkeypatch):
    """SymPy's N spends time growing without limit on towers (``loss --timeout 2`` with ten logs ran 150 s):
    the check evaluates in bounded mpmath arithmetic instead, and never reaches N."""
    def boom(*a, **k):
        raise AssertionError("sympy.N called by the definedness check")

    monkeypatch.setattr(sympy, "N", boom)
    from label_noise_lab.theory.margin import parse_margin_expression

    for read in (from_expression, lambda t: parse_margin_expression(t.replace("p", "v"))):
        try:
            read(text)
        except ValueError as exc:
            assert "\n" not in str(exc) and "sympy.N" not in str(exc)


@pytest.mark.parametrize("text, defined", [
    ("log(log(p))", False), ("(log(p - 2) - log(2 - p))**2", True), ("sqrt(p - 2)**2", True),
    ("log(-1)*1e-20 + p", False), ("sqrt(-1)*p*1e-30 + 1", False), ("1/(p - 1/7)", False), ("p**p**p", True),
])
def test_undefined_at_decides_small_imaginary_parts_again_at_256_bits(text, defined):
    assert (undefined_at(parse_expression(text), R(1, 7)) is None) == defined


def test_a_flat_sum_or_product_is_one_level_deep_for_the_depth_cap():
    """A sum of 101 terms was refused as "nested deeper than 100 levels"; nesting itself is still capped."""
    assert parse_expression("+".join(["p"] * 101)) == 101 * P
    assert parse_expression("-".join(["p"] * 101)) == -99 * P
    assert parse_expression("*".join(["p"] * 120)) == P**120
    with pytest.raises(ExpressionError, match="nested deeper than 100 levels"):
        parse_expression("exp(" * 101 + "p" + ")" * 101)


# ---------------------------------------------------------------- the fuzz test
_TOUCH = [f"__import__('os').system('touch {CANARY}')", f"open('{CANARY}', 'w')",
          f"__import__('pathlib').Path('{CANARY}').touch()", f"exec(\"open('{CANARY}','w')\")",
          f"eval(\"open('{CANARY}','w')\")", f"(lambda: open('{CANARY}', 'w'))()",
          f"[open('{CANARY}','w') for i in [1]][0]", f"getattr(__import__('os'), 'system')('touch {CANARY}')",
          f"p.__class__.__init__.__globals__['__builtins__']['open']('{CANARY}', 'w')",
          f"{{'a': open('{CANARY}', 'w')}}"]
_ATOMS = st.sampled_from(["p", "1", "2", "0.5", "1e-3", "pi", "E", "x", "k", "10**9", "'s'", "None", "...", "1j"]
                         + _TOUCH)


def _formulas() -> st.SearchStrategy[str]:
    def grow(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
        op = st.sampled_from(["+", "-", "*", "/", "**", "%", "//", "^", "<", " and ", " if p else ", "@", "."])
        fn = st.sampled_from(["log", "exp", "sqrt", "Abs", "Min", "Max", "Heaviside", "factorial", "open", "eval",
                              "__import__", "getattr", "lambda: ", "len", "print", "sympify"])
        return st.one_of(
            st.tuples(inner, op, inner).map(lambda t: f"({t[0]}{t[1]}{t[2]})"),
            st.tuples(fn, st.lists(inner, min_size=1, max_size=3)).map(lambda t: f"{t[0]}({', '.join(t[1])})"),
            inner.map(lambda s: f"-{s}"),
            st.tuples(inner, st.integers(-3, 5), st.integers(-3, 30))
            .map(lambda t: f"Sum({t[0]}, (k, {t[1]}, {t[2]}))"),
            st.tuples(inner, st.sampled_from(["__class__", "real", "__globals__", "func"]))
            .map(lambda t: f"{t[0]}.{t[1]}"),
        )

    return st.recursive(_ATOMS, grow, max_leaves=12)


@pytest.mark.slow
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_formulas())
def test_fuzz_no_generated_text_ever_executes(text):
    t = time.perf_counter()
    try:
        e = parse_expression(text)
    except ExpressionError as exc:
        assert str(exc).startswith("cannot parse the loss") and "\n" not in str(exc)
    else:
        assert isinstance(e, sympy.Expr) and e.free_symbols <= {P}
        try:
            from_expression(text)
        except ValueError as exc:
            assert "\n" not in str(exc)
    try:
        parse_spec(f"gce:q={text}")
    except ValueError as exc:
        assert "\n" not in str(exc)
    assert time.perf_counter() - t < HANG
    assert not CANARY.exists()
