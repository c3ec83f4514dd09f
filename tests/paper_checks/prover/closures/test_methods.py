"""One test per closing method (:mod:`paper_checks.prover.closures`): a margin that the method closes, proved
through the registry, with its record re-checked by the same method, and a record the method's re-check refuses.
(The slow closures have their own tests: lifted interval and scaling in ``test_valleys.py``, taylor and valleys
there and in ``test_second.py``.)"""
from __future__ import annotations

from fractions import Fraction

import pytest
import sympy

from paper_checks.prover import closures, prove, recheck
from paper_checks.prover.closures.base import Check
from paper_checks.prover.tracing.trace import compile_traced
from tests.paper_checks.prover._spaces import real_space, simplex_space

R = sympy.Rational
F = Fraction

CASES = {  # method name -> (closure name it records, space); z3 first is left out here (test_z3_algebraic.py)
    "AbsoluteValue": ("absolute value", real_space(lambda x, y: sympy.Abs(x**3 - y) * (x - y) ** 2 / 3,
                                                   ("x", -1, 1), ("y", -1, 1))),
    "NormalForm": ("identity", real_space(lambda x: (x + 1) ** 2 - x**2 - 2 * x - 1, ("x", 0, 1))),
    "NormalForm, known sign": ("known sign", real_space(lambda x: x**2 * (1 - x) ** 3, ("x", 0, 1))),
    "RealRoots": ("real roots", real_space(lambda x: x**3 - x + R(2, 5), ("x", 0, 1))),
    "Z3Polynomial": ("z3", real_space(lambda x, y: x**2 - x * y + y**2, ("x", -1, 1), ("y", -1, 1))),
    "Z3Branches": ("z3 branches", real_space(lambda x: sympy.Max(x, 1 - x) - R(1, 2), ("x", 0, 1))),
    "FirstOrder": ("monotone", real_space(lambda x: sympy.exp(x) - 1 - x, ("x", 0, 1))),
    "SecondOrder": ("hessian", real_space(lambda x: x - 1 - sympy.log(x), ("x", 0.25, 2))),
    "Z3Bounds": ("z3 bounds", real_space(lambda x: 1 / (1 - x) - sympy.exp(x), ("x", -4, 0.5))),
}
BOXES_ONLY = {"FirstOrder"}  # boxes only, on the margin as written


@pytest.mark.parametrize("case", sorted(CASES))
def test_the_method_closes_and_its_record_is_rechecked(case, without_z3_first, one_rung, request):
    if case != "Z3Bounds":  # it decides most of the others' margins first
        request.getfixturevalue("without_bounds")
    name, space = CASES[case]
    res = prove(space, 20000, 300, exact_first=case not in BOXES_ONLY)  # 300 s: a hang guard only
    assert res.proved, (res.reason, res.remaining)
    assert name in res.certificate.methods(), res.certificate.methods()
    assert closures.by_method(name).name == case.split(",")[0]
    assert recheck(res.certificate, space) == []


def test_a_tampered_record_is_refused_by_the_method_that_made_it(without_z3_first):
    space = CASES["FirstOrder"][1]
    res = prove(space, 20000, 300, exact_first=False)
    rec = next(r for r in res.certificate.records if r.closure.method == "monotone")
    rec.closure.lower = 10.0  # a bound the box does not have
    assert any("below 0 or the bound" in p for p in recheck(res.certificate, space))
    space = CASES["Z3Polynomial"][1]
    res = prove(space, 20000, 300)
    res.certificate.problems.clear()  # the problem z3 decided is no longer recorded
    assert any("polynomial problem" in p for p in recheck(res.certificate, space))


def test_the_absolute_value_structure_is_read_exactly():
    from paper_checks.prover.tracing.absolute import nonnegative_product

    x, y = sympy.symbols("x y", real=True)
    assert nonnegative_product(sympy.Abs(x - y)) and nonnegative_product(R(2, 3) * sympy.Abs(x) * (x - y) ** 4)
    assert not nonnegative_product(-sympy.Abs(x))  # a negative constant
    assert not nonnegative_product(sympy.Abs(x) * (x - y) ** 3)  # an odd power
    assert not nonnegative_product(sympy.Abs(x) - y)  # a sum
    assert not nonnegative_product(sympy.sqrt(sympy.Abs(x)) * sympy.Abs(y) ** -1)  # no positive integer powers
    assert not nonnegative_product(sympy.Integer(3))  # a constant is the normal form's


def test_the_outside_and_as_written_methods_recheck_their_own_record():
    from paper_checks.prover.enclosures.bound import Closure
    from paper_checks.prover.enclosures.boxes import pieces
    from paper_checks.prover.tracing.trace import trace

    space = simplex_space(3, lambda p: p[0] - p[1])
    pc = pieces(space)[0]
    traced, coords = trace(space, dict(pc.integers), dict(pc.eliminated))
    out = closures.by_method("outside region")
    box = [(F(9, 10), F(1)), (F(9, 10), F(1))]  # p_0 + p_1 > 1: no point of the simplex
    check = Check(out.step(None), traced, box, box, ["p0", "p1"], coords, "here")
    assert check.closure.closed and out.recheck(check) == []
    check.box = [(F(0), F(1, 10)), (F(0), F(1, 10))]
    assert out.recheck(check) == ["here: not outside its region"]
    x, y = sympy.symbols("x y")
    t = compile_traced(x + y - 1, [x, y])
    base = [(F(0), F(1)), (F(0), F(1))]
    check = Check(Closure(True, 0.0, "outside region"), t, base, base, ["x", "y"], [], "here")
    assert out.recheck(check) == ["here: not outside its region"]  # no region: every box is inside
    written = next(m for m in closures.methods() if m.form == "written")
    check = Check(Closure(True, 0.0, "interval"), t, [(F(1, 2), F(1)), (F(1, 2), F(1))], base, ["x", "y"], [], "here")
    assert written.recheck(check) == []
    check.box = base  # x + y - 1 < 0 at the origin
    assert written.recheck(check)
