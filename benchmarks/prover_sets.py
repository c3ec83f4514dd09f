"""A held-out set of the prover's kind of margins (issue 60), written for the work budget's round: inequalities of the
papers' families (logarithms, powers with a free exponent, entropies, divergences, GCE's and MAE's bounds, smooth
functions against their Taylor polynomials), each with its known answer, and false neighbours that a small shift or a
wrong constant makes false. ``bench_prover.py --set held-out`` runs it: outcome, route (the closures that closed
something), work and seconds per case; ``--compare A.json B.json`` says whether two runs (a quiet machine and a
loaded one, two hash seeds) took the same route to the same outcome.
"""
from __future__ import annotations

import sympy

x, y, p, q, r, t, w = sympy.symbols("x y p q r t w", real=True)
R = sympy.Rational
log, exp, sqrt = sympy.log, sympy.exp, sympy.sqrt

#: (name, margin, domain, answer): ``answer`` True (the margin is >= 0 on the domain) or False (it is not)
HELD_OUT = [
    ("log below its tangent", x - 1 - log(x), {x: (R(1, 100), 10)}, True),
    ("exp above its tangent", exp(x) - 1 - x, {x: (-3, 3)}, True),
    ("Bernoulli, exponent free", (1 + x) ** r - 1 - r * x, {x: (-R(1, 2), 2), r: (1, 3)}, True),
    ("Young, p = q = 2", x**2 / 2 + y**2 / 2 - x * y, {x: (0, 3), y: (0, 3)}, True),
    ("weighted AM-GM", w * x + (1 - w) * y - x**w * y ** (1 - w), {x: (R(1, 10), 10), y: (R(1, 10), 10), w: (0, 1)},
     True),
    ("binary entropy below log 2", log(2) + p * log(p) + (1 - p) * log(1 - p), {p: (R(1, 100), R(99, 100))}, True),
    ("GCE below CE", -log(p) - (1 - p**q) / q, {p: (R(1, 100), 1), q: (R(1, 10), 1)}, True),
    ("MAE below CE", -log(p) - (1 - p), {p: (R(1, 100), 1)}, True),
    ("sin below the line", x - sympy.sin(x), {x: (0, 3)}, True),
    ("cos above its quadratic", sympy.cos(x) - 1 + x**2 / 2, {x: (-3, 3)}, True),
    ("tanh below the line", x - sympy.tanh(x), {x: (0, 5)}, True),
    ("log(1+x) above 2x/(2+x)", log(1 + x) - 2 * x / (2 + x), {x: (0, 10)}, True),
    ("x log x above x - 1", x * log(x) - x + 1, {x: (R(1, 100), 5)}, True),
    ("Pinsker, binary", p * log(p / q) + (1 - p) * log((1 - p) / (1 - q)) - 2 * (p - q) ** 2,
     {p: (R(1, 20), R(19, 20)), q: (R(1, 20), R(19, 20))}, True),
    ("geometric below arithmetic mean", (x + y) / 2 - sqrt(x * y), {x: (0, 4), y: (0, 4)}, True),
    ("quartic with a double root", x**4 - 4 * x + 3, {x: (-2, 3)}, True),
    ("exp(-x) below 1/(1+x)", 1 / (1 + x) - exp(-x), {x: (0, 5)}, True),
    ("atan below the line", x - sympy.atan(x), {x: (0, 5)}, True),
    ("1/(1+x) above 1 - x", 1 / (1 + x) - 1 + x, {x: (0, 2)}, True),
    ("tempered log below log", log(x) - (x ** (1 - t) - 1) / (1 - t), {x: (1, 10), t: (R(3, 2), 2)}, True),
    # false neighbours: each is a true margin above moved by a little, or with a wrong constant or range
    ("log tangent shifted by 1e-3", x - 1 - log(x) - R(1, 1000), {x: (R(1, 2), 2)}, False),
    ("exp above its quadratic", exp(x) - 1 - x - x**2 / 2, {x: (-1, 1)}, False),
    ("sin above x - x^3/7", sympy.sin(x) - x + x**3 / 7, {x: (0, 1)}, False),
    ("entropy below log 2 - 1e-6", log(2) - R(1, 10**6) + p * log(p) + (1 - p) * log(1 - p),
     {p: (R(1, 100), R(99, 100))}, False),
    ("a square less 1e-9", (x**2 - y**2) ** 2 - R(1, 10**9), {x: (0, 1), y: (0, 1)}, False),
    ("tempered log, t across 1", (x ** (1 - t) - 1) / (1 - t) - log(x), {x: (R(1, 100), 10), t: (R(1, 2), R(3, 2))},
     False),
    ("Bernoulli with r below 1", (1 + x) ** r - 1 - r * x, {x: (-R(1, 2), 2), r: (R(1, 2), 2)}, False),
    ("tanh above x - x^3/4", sympy.tanh(x) - x + x**3 / 4, {x: (0, 2)}, False),
    ("cos above too much", sympy.cos(x) - 1 + x**2 / 2 - x**4 / 20, {x: (-3, 3)}, False),
    ("GM below AM less 1e-9", (x + y) / 2 - sqrt(x * y) - R(1, 10**9), {x: (1, 4), y: (1, 4)}, False),
]
