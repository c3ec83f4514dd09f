"""Symbolic simplex points: both parametrisations, exact points, folding, |.| resolution."""
import numpy as np
import pytest
import sympy

from label_noise_lab.theory.simplex import (
    barycentre,
    check_classes,
    fold,
    free_point,
    is_on_simplex,
    resolve_abs,
    softmax_point,
    vertex,
)


@pytest.mark.parametrize("bad", [1, 0, -3, 2.0, 1.5, True, "3", None, sympy.Rational(5, 2)])
def test_check_classes_rejects_bad_values(bad):
    with pytest.raises(ValueError, match="c must be an integer >= 2"):
        check_classes(bad)


@pytest.mark.parametrize("good", [2, 8, np.int64(5), sympy.Integer(3)])
def test_check_classes_accepts_integers(good):
    assert check_classes(good) == int(good)


@pytest.mark.parametrize("c", [2, 3, 6])
def test_parametrisations_sum_to_one(c):
    f, syms = free_point(c)
    assert len(f) == c and len(syms) == c - 1
    assert sympy.expand(sum(f)) == 1
    g, asyms = softmax_point(c)
    assert len(asyms) == c and all(a.is_positive for a in asyms)
    assert sympy.simplify(sum(g)) == 1
    assert all(x.is_positive for x in g)


def test_exact_points():
    assert vertex(3, 1) == [0, 1, 0]
    assert barycentre(4) == [sympy.Rational(1, 4)] * 4
    assert is_on_simplex(barycentre(5)) and is_on_simplex(vertex(2, 0))
    assert not is_on_simplex([sympy.Rational(1, 2), sympy.Rational(1, 3)])
    assert not is_on_simplex([sympy.Rational(3, 2), sympy.Rational(-1, 2)])
    with pytest.raises(ValueError, match="vertex index"):
        vertex(3, 3)


def test_fold_keeps_mass_rationality_and_vertices():
    x = [sympy.Rational(1, 10), sympy.Rational(2, 10), sympy.Rational(3, 10), sympy.Rational(4, 10)]
    y = fold(x, 2)
    assert y == [sympy.Rational(1, 10), sympy.Rational(9, 10)]
    assert fold(x, 4) == x
    assert fold(vertex(4, 3), 2) == [0, 1]
    assert fold(vertex(4, 0), 3) == [1, 0, 0]
    with pytest.raises(ValueError, match="cannot fold"):
        fold(x, 5)


def test_resolve_abs_on_softmax_points():
    f, _ = softmax_point(3)
    expr = sympy.Abs(1 - f[0]) + sympy.Abs(f[1])
    out = sympy.simplify(resolve_abs(expr))
    assert not out.has(sympy.Abs)
    assert sympy.simplify(out - (1 - f[0] + f[1])) == 0
