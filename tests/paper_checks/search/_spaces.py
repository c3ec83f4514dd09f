"""Search spaces and helpers shared by the tests of the search, its parameters and its shrinker."""
import numpy as np
import sympy

from paper_checks.search.loop import SearchSpace, SimplexPoint


def rng(seed=0):
    return np.random.default_rng(seed)


# ------------------------------------------------------------------ the example: NCE on the open simplex
def _nce(p):
    return np.log(p[0]) / np.log(p).sum()


def _nce_exact(p):
    return sympy.log(p[0]) / sympy.Add(*[sympy.log(x) for x in p])


def nce_space():
    """'A larger p_y gives a smaller NCE' (y = 0, c = 3): margin NCE(r) - NCE(p) where p_y > r_y, p, r > 0."""
    return SearchSpace(
        (SimplexPoint("p", 3), SimplexPoint("r", 3)),
        lambda pt: _nce(pt["r"]) - _nce(pt["p"]),
        lambda pt: _nce_exact(pt["r"]) - _nce_exact(pt["p"]),
        constraint=lambda pt: all(x > 0 for x in pt["p"]) and all(x > 0 for x in pt["r"]) and pt["p"][0] > pt["r"][0],
        description="NCE(r) - NCE(p) for p_0 > r_0")
