"""Symbolic transition matrices: the generic one and the check of a square ``T`` (issue 18: complex entries)."""
import pytest
import sympy

from label_noise_lab.theory.hessian import check_transition
from label_noise_lab.theory.transition import check_real_entries, check_square, check_stochastic, generic_transition


def test_generic_rows_sum_to_one():
    T, syms = generic_transition(3)
    assert all(sympy.expand(sum(T.row(i))) == 1 for i in range(3)) and len(syms) == 6


@pytest.mark.parametrize("T", [sympy.Matrix([[sympy.I, 1 - sympy.I], [0, 1]]),
                               sympy.Matrix([[sympy.Rational(1, 2) + sympy.I, sympy.Rational(1, 2) - sympy.I], [0, 1]]),
                               sympy.Matrix([[sympy.zoo, 0], [0, 1]])])
def test_complex_entries_are_refused_with_the_entry(T):
    with pytest.raises(ValueError, match=r"T must have real entries, got T\[0, 0\]"):
        check_square(T)
    with pytest.raises(ValueError, match="real entries"):
        check_transition(T, 2)


def test_symbols_and_real_numbers_pass():
    T, _ = generic_transition(2)
    assert check_square(T) == 2
    check_real_entries(sympy.Matrix([[sympy.Rational(1, 3), sympy.sqrt(2) / 3], [0, 1]]))


@pytest.mark.parametrize("T, words", [([[sympy.Rational(1, 2), sympy.Rational(1, 3)], [0, 1]], "row 0 sums to 5/6"),
                                      ([[sympy.Rational(3, 2), -sympy.Rational(1, 2)], [0, 1]], "negative"),
                                      ([[sympy.nan, 1], [0, 1]], "not finite"),
                                      ([[sympy.I, 1 - sympy.I], [0, 1]], "real entries")])
def test_the_flip_matrix_rules_live_in_one_place(T, words):
    """``check_stochastic`` is the one home of the row-stochastic rules (issue 37); the Hessian study's and the DMI
    study's checks refuse the same matrices with its words."""
    from label_noise_lab.theory.dmi import stochastic_matrix

    for check in (lambda M: check_stochastic(sympy.Matrix(M)), lambda M: check_transition(M, 2), stochastic_matrix):
        with pytest.raises(ValueError, match=words):
            check(T)


def test_a_symbolic_row_passes_only_where_the_caller_allows_it():
    t = sympy.Symbol("t")
    check_stochastic(sympy.Matrix([[t, t], [0, 1]]))
    with pytest.raises(ValueError, match="row 0 sums to 2"):
        check_stochastic(sympy.Matrix([[t, t], [0, 1]]), symbolic_rows=False)
    check_stochastic(generic_transition(3)[0], symbolic_rows=False)
