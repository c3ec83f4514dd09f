"""Margin losses ``phi(v)``, ``v = y t`` the margin of a score ``t`` at a label ``y`` in ``{-1, +1}``:
the zoo, each written once in SymPy with its citation, and the parser of a user's expression in ``v``.

The binary theory of label noise is written for these losses: classification calibration (Bartlett,
Jordan & McAuliffe 2006, JASA, "Convexity, Classification, and Risk Bounds"), the impossibility for
convex potentials under symmetric noise (Long & Servedio 2010, Machine Learning, "Random
classification noise defeats all convex potential boosters"), the unbiased estimator and the
``alpha``-weighted loss (Natarajan et al. 2013), the symmetric/unhinged losses (Ghosh, Manwani & Sastry
2015, Neurocomputing, "Making risk minimization tolerant to label noise"; van Rooyen, Menon &
Williamson 2015, NeurIPS, "Learning with Symmetric Label Noise: The Importance of Being Unhinged";
Charoenphakdee, Lee & Sugiyama 2019, ICML, "On Symmetric Losses for Learning from Corrupted Labels").
:mod:`paper_checks.trials.margin` computes their properties.
"""
from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any, Callable

import sympy

from label_noise_lab.theory.expressions import parse_expression, parse_number, undefined_at

V = sympy.Symbol("v", real=True)
"""The margin ``v = y t``."""


@dataclass(frozen=True)
class MarginLoss:
    """A margin loss ``phi(v)``: ``name``, the SymPy expression ``phi`` in :data:`V`, its citation."""

    name: str
    phi: sympy.Expr
    cite: str

    def __call__(self, v: Any) -> sympy.Expr:
        """``phi(v)`` for an exact ``v`` (a number or an expression)."""
        return self.phi.subs(V, v)

    def numpy(self) -> Callable[[Any], Any]:
        """``phi`` as a NumPy function of an array of margins (SymPy's ``lambdify``)."""
        f = sympy.lambdify(V, self.phi, "numpy")
        return lambda v: f(v) + (v == v) * 0.0  # a constant phi still broadcasts over v (0 * v is nan at v = inf)


_BJM = "Bartlett, Jordan & McAuliffe 2006 (JASA), Table 1"
_GMS = "Ghosh, Manwani & Sastry 2015 (Neurocomputing), sec. 4"

ZOO: dict[str, MarginLoss] = {m.name: m for m in (
    MarginLoss("zero_one", (1 - sympy.sign(V)) / 2,
               "0-1 loss 1[v < 0] with value 1/2 at v = 0; Bartlett et al. 2006, sec. 1"),
    MarginLoss("hinge", sympy.Max(0, 1 - V), f"hinge loss (SVM); {_BJM}"),
    MarginLoss("squared_hinge", sympy.Max(0, 1 - V) ** 2, f"truncated quadratic loss; {_BJM}"),
    MarginLoss("logistic", sympy.log(1 + sympy.exp(-V)), f"logistic loss (natural log); {_BJM}"),
    MarginLoss("exponential", sympy.exp(-V), f"exponential loss (AdaBoost); {_BJM}"),
    MarginLoss("squared", (1 - V) ** 2, f"squared loss; {_BJM}"),
    MarginLoss("unhinged", 1 - V, "unhinged loss; van Rooyen, Menon & Williamson 2015 (NeurIPS), sec. 4, Eq. 8"),
    MarginLoss("ramp", sympy.Max(0, 1 - V) - sympy.Max(0, -1 - V),
               f"ramp loss (1 - v clipped to [0, 2]); {_GMS}; Collobert et al. 2006 (ICML)"),
    MarginLoss("sigmoid", 1 / (1 + sympy.exp(V)), f"sigmoid loss; {_GMS}; Mason et al. 2000 (NeurIPS)"),
    MarginLoss("savage", 1 / (1 + sympy.exp(2 * V)) ** 2,
               "Savage loss; Masnadi-Shirazi & Vasconcelos 2008 (NeurIPS), sec. 5"),
    MarginLoss("truncated_hinge", sympy.Min(1, sympy.Max(0, 1 - V)),
               "truncated hinge T_s = H_1 - H_s with s = 0; Wu & Liu 2007 (JASA), sec. 2"),
    MarginLoss("truncated_logistic", sympy.Min(sympy.log(1 + sympy.exp(1)), sympy.log(1 + sympy.exp(-V))),
               "logistic loss truncated at its value at v = -1 (a ramped variant); cf. Wu & Liu 2007, sec. 2"),
)}


def barrier_hinge(b: Any = 200, r: Any = 50) -> MarginLoss:
    """The barrier hinge loss of Charoenphakdee, Lee & Sugiyama 2019 (ICML, "On Symmetric Losses for Learning
    from Corrupted Labels"):
    ``phi(v) = max(-b(r + v) + r, max(b(v - r), r - v))`` with ``b > 1``, ``r > 0`` (the zoo's row: ``b = 200``,
    ``r = 50``, the values of the paper's experiments). ``r - v`` on ``[-b r/(b - 1), r]``, so ``phi(v) + phi(-v)
    = 2 r`` on ``[-r, r]`` (symmetric there), slope ``-b`` to the left and ``b`` to the right.
    ``b`` and ``r`` are exact numbers (strings read by :func:`label_noise_lab.theory.expressions.parse_number`);
    ``ValueError``
    (quoting the value) outside the range."""
    bb, rr = (parse_number(str(x), name) for x, name in ((b, "b"), (r, "r")))
    if not (bb.is_real and bb > 1):
        raise ValueError(f"the barrier hinge needs b > 1, got b = {b!r}")
    if not (rr.is_real and rr > 0):
        raise ValueError(f"the barrier hinge needs r > 0, got r = {r!r}")
    name = "barrier_hinge" if (bb, rr) == (200, 50) else f"barrier_hinge(b={bb}, r={rr})"
    return MarginLoss(name, sympy.Max(-bb * (rr + V) + rr, sympy.Max(bb * (V - rr), rr - V)),
                      f"barrier hinge loss, b = {bb}, r = {rr}; Charoenphakdee, Lee & Sugiyama 2019 (ICML)")


ZOO["barrier_hinge"] = barrier_hinge()

PARAMETERS: dict[str, tuple[Callable[..., MarginLoss], dict[str, str]]] = {
    "barrier_hinge": (barrier_hinge, {"b": "b > 1", "r": "r > 0"})}
"""The zoo's margin losses with declared parameters: ``"barrier_hinge:b=2,r=1"`` (:func:`margin_loss`)."""


def parametrised(spec: str) -> MarginLoss | None:
    """``"barrier_hinge:b=2,r=1"`` -> that loss (a parameter left out keeps its default); ``None`` when ``spec``
    names no parametrised zoo loss. One-line ``ValueError`` for an unknown parameter or a bad value."""
    head, colon, rest = spec.partition(":")
    if not colon or head.strip() not in PARAMETERS:
        return None
    make, declared = PARAMETERS[head.strip()]
    kwargs = {}
    for part in filter(None, (x.strip() for x in rest.split(","))):
        key, eq, val = (x.strip() for x in part.partition("="))
        if not eq or key not in declared:
            takes = ", ".join(f"{k}=... ({d})" for k, d in declared.items())
            raise ValueError(f"{spec!r}: {head.strip()} takes {takes}")
        kwargs[key] = val
    return make(**kwargs)


ALIASES: dict[str, str] = {"0-1": "zero_one", "01": "zero_one", "zero-one": "zero_one", "svm": "hinge",
                           "exp": "exponential", "adaboost": "exponential", "logit": "logistic"}
"""Other names the literature (and the README) gives the zoo's losses."""


def close_names(text: str) -> list[str]:
    """The zoo names (and aliases, as the name they stand for) closest to ``text``, for an error message."""
    key = "".join(str(text).split()).lower()
    pool = {**{n: n for n in ZOO}, **ALIASES}
    hits = difflib.get_close_matches(key, list(pool), n=3, cutoff=0.5)
    return list(dict.fromkeys(pool[h] for h in hits))


def zoo_names() -> list[str]:
    """The names of the zoo's margin losses, in table order."""
    return list(ZOO)


def get(name: str) -> MarginLoss:
    """The zoo's margin loss ``name``; ``ValueError`` listing the names for an unknown one."""
    if name not in ZOO:
        raise ValueError(f"unknown margin loss {name!r}; choose one of {', '.join(ZOO)}")
    return ZOO[name]


# ---------------------------------------------------------------- parsing a user's expression
def parse_margin_expression(text: str, name: str = "user") -> MarginLoss:
    """A user's margin loss ``phi(v)`` from text, read by :func:`label_noise_lab.theory.expressions.parse_expression`
    (the
    grammar and caps of every formula here, never ``eval``'d) with the symbol ``v``: numbers (decimals become
    exact rationals), ``+ - * / **``, and ``log``, ``exp``, ``sqrt``, ``Abs``, ``Max``, ``Min``, ``tanh``,
    ``Heaviside``, ``sign`` (and the rest of :data:`label_noise_lab.theory.expressions.FUNCTIONS`).

    Raises ``ValueError`` (one line, quoting ``text``) when it does not parse, uses anything else, or is
    not a real, finite number at ``v`` in ``{-2, -1/2, 0, 1/2, 2}``."""
    try:
        # the one grammar and caps (label_noise_lab.theory.expressions)
        phi = parse_expression(text, V, what="margin loss")
    except ValueError as exc:
        raise ValueError(f"{exc}{_hint(text)}") from None
    if not isinstance(phi, sympy.Expr) or phi.free_symbols - {V}:
        raise ValueError(f"the margin loss {text!r} must be an expression in v alone")
    for x in (sympy.Integer(-2), sympy.Rational(-1, 2), sympy.Integer(0), sympy.Rational(1, 2), sympy.Integer(2)):
        val = undefined_at(phi, x, V)  # bounded in time, unlike SymPy's N (label_noise_lab.theory.expressions)
        if val is not None:
            raise ValueError(f"the margin loss {text!r} is not a real number at v = {x}: {val}")
    return MarginLoss(name, phi, f"user expression {text}")


def _hint(text: str) -> str:
    close = close_names(text)
    return f"; did you mean the zoo's {' or '.join(close)}?" if close else ""


def margin_loss(spec: str, name: str | None = None) -> MarginLoss:
    """A zoo margin loss by name (:data:`ZOO`, or one of its :data:`ALIASES`: ``"0-1"`` is ``zero_one``; with
    parameters, ``"barrier_hinge:b=2,r=1"``, :data:`PARAMETERS`), looked up first; else a user's expression in
    ``v`` (:func:`parse_margin_expression`; a constant is a loss too).
    ``name`` names the loss (a zoo loss keeps its formula and citation). One-line ``ValueError`` otherwise,
    naming the closest zoo losses.

    References
    ----------
    .. [1] P. L. Bartlett, M. I. Jordan and J. D. McAuliffe, "Convexity, Classification, and Risk Bounds",
       JASA 101(473), 2006.
    .. [2] A. Ghosh, N. Manwani and P. S. Sastry, "Making Risk Minimization Tolerant to Label Noise",
       Neurocomputing 160, 2015.

    Examples
    --------
    >>> from label_noise_lab.theory.margin import margin_loss
    >>> margin_loss("hinge").phi
    Max(0, 1 - v)
    >>> margin_loss("1 - tanh(v)").phi
    1 - tanh(v)
    """
    if not isinstance(spec, str):
        raise TypeError(f"a margin loss is a zoo name or a formula in v, got {spec!r}")
    key = spec.strip()
    key = ALIASES.get("".join(key.split()).lower(), key)
    loss = ZOO[key] if key in ZOO else (parametrised(key) or parse_margin_expression(spec))
    return loss if name is None else MarginLoss(name, loss.phi, loss.cite)
