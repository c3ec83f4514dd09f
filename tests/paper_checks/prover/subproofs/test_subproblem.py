"""A sub-problem's space (``subproblem.space_of``)."""
from __future__ import annotations

import pickle
from fractions import Fraction

import sympy

from paper_checks.prover.subproofs.subproblem import space_of, symbolic_margin
from paper_checks.prover.tracing.symbols import Coordinate, simplex_symbols

q = sympy.Symbol("q", positive=True)


def test_a_sub_problem_s_space_pickles_with_its_margins():
    """A sub-proof's space is kept in its certificate, and a proof run in a child process
    (``outset.stoppable``: ``api.search_then_prove``, ``explore --prove``) sends its result back pickled: its margins
    are no closures (docs/extending.md's ``search_then_prove`` example failed with "Can't pickle local object
    'space_of.<locals>.margin'"), and read back they are the same margins, simplex entries included."""
    f, fc = simplex_symbols("f", 3, 2, None)
    symbols = [q, *(c.symbol for c in fc)]
    coords = [Coordinate(q, "q", ()), *fc]
    expr = q * f[0] - f[1] ** 2 + sympy.log(1 + q) * (1 - f[0] - f[1])
    box = [(Fraction(0), Fraction(1)), (Fraction(0), Fraction(1)), (Fraction(0), Fraction(1))]
    space = space_of(expr, symbols, box, "a margin with a simplex point", coords)
    back = pickle.loads(pickle.dumps(space))
    pt = {"q": sympy.Rational(1, 3), "f": [sympy.Rational(1, 2), sympy.Rational(1, 4), sympy.Rational(1, 4)]}
    assert back.exact_margin(pt) == space.exact_margin(pt)
    assert back.margin({"q": 1 / 3, "f": [0.5, 0.25, 0.25]}) == space.margin({"q": 1 / 3, "f": [0.5, 0.25, 0.25]})
    assert symbolic_margin(back) == symbolic_margin(space)
    assert back.description == space.description and [p.name for p in back.params] == ["q", "f"]
