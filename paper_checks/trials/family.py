"""A zoo family over its declared parameter range: each property derived for the whole family where a
derivation exists (symbolic in the parameter), else decided per value with the values stated.

``losses --loss taylor`` (a family named without its parameters) runs :func:`family_trial`:

* :data:`FAMILIES` declares, for every parametric loss of the zoo, the parameter varied, its range (the one its
  constructor checks, the other parameters at their stated defaults) and the values at which every property is
  decided one value at a time (the ordinary trial, :func:`paper_checks.trials.simplex.trial`);
* where a derivation for every value exists it is computed symbolically in the parameter and **checked against
  every per-value trial** (a disagreement is reported, never hidden).

Taylor CE (Feng et al. 2020, Eq. 4), ``l_t(p) = sum_{i=1}^t (1 - p)^i / i`` for every integer ``t >= 1``,
derived here term by term with SymPy (``i`` a positive integer symbol):

* each term's ``d/dp`` is ``-(1 - p)^(i-1) < 0`` on ``(0, 1)``, so ``l_t`` is strictly decreasing: bounded, with
  ``sup l_t = l_t(0) = sum 1/i = H_t`` attained at ``p = 0``;
* each term's ``d2/dp2`` is ``(i - 1)(1 - p)^(i-2) >= 0`` and the ``i = 2`` term is ``1``: ``l_1`` is affine, ``l_t``
  strictly convex for ``t >= 2``; so ``l_1`` is symmetric (``C = c - 1``) and no ``l_t`` with ``t >= 2`` is, and by
  Jensen the class sum of ``l_t`` ranges over ``[c l_t(1/c), (c - 1) H_t]``;
* ``l_t'(0+) = -t`` and ``l_t'(1-) = -1``: ``R_c = l'(1-)/l'(0+) = 1/t`` (:mod:`paper_checks.trials.minimiser`,
  ``R_c = 1`` for the affine ``l_1``): completely asymmetric only for ``t = 1``; under uniform noise ``0.4``
  (``r = 2/(3(c - 1))``) the noisy minimiser is ``e_y`` exactly when ``t <= 3(c - 1)/2`` (the tie included: ``l_t``
  strictly convex), under the pair flip (``r = 2/3``) only for ``t = 1``;
* the weight's mean for ``p ~ U(0, 1)`` is ``sum_i int_0^1 2 (1 - p)^(i-1) p (1 - p) dp = sum_i 2/((i+1)(i+2))
  = t/(t + 2)``; summed as a geometric series the weight is ``w = 2 (1 - p)(1 - (1 - p)^t)``, so with ``u = 1 - p``
  ``E w^2 = int_0^1 4 u^2 (1 - u^t)^2 du = 4 (1/3 - 2/(t + 3) + 1/(2t + 3))`` and the variance is
  ``E w^2 - (t/(t + 2))^2``.
"""
from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from typing import Any, Sequence

import sympy

from label_noise_lab.theory.expressions import FUNCTIONS, parse_number
from label_noise_lab.theory.losses import ZOO, P, parse_spec
from label_noise_lab.theory.user_losses import from_expression
from paper_checks.trials import family_lq
from paper_checks.trials import simplex as lt
from paper_checks.trials.limits import simp
from paper_checks.trials.pieces import flat_form

#: the names a ``--param`` may not take: ``p`` (the labelled probability, the loss's variable), ``v`` (a margin
#: loss's), and the constants ``pi`` and ``E`` of the grammar (:mod:`label_noise_lab.theory.expressions`); its functions
# neither
RESERVED = ("p", "v", "pi", "E")
T = sympy.Symbol("t", integer=True, positive=True)
_I = sympy.Symbol("i", integer=True, positive=True)
_J = sympy.Symbol("j", integer=True, nonnegative=True)
_U = sympy.Symbol("u", positive=True)


@dataclass(frozen=True)
class Family:
    """``name``'s parameter ``param``, its declared ``range`` (as its constructor checks it), and the ``values`` at
    which each property is decided one value at a time."""

    name: str
    param: str
    range: str
    values: tuple[str, ...]


def _declared(name: str, param: str, values: tuple[str, ...]) -> Family:
    """A zoo family whose range is its parameter's one declared domain
    (:meth:`label_noise_lab.theory.losses.ZooEntry.domain`),
    the other parameters held at the zoo's defaults (stated). Each value is checked against the domain here, at
    import: a declaration outside it fails at once, never as a trial's error."""
    entry = ZOO[name]
    d = entry.domain(param)
    for v in values:
        d.number(v)  # ValueError naming the parameter and its domain
    at = ", ".join(f"{k} = {sympy.nsimplify(v)}" for k, v in entry.defaults if k != param)
    head = ("integer " if d.integer else "") + f"{d.name} {d.bounds_text()}" + (f" at {at}" if at else "")
    return Family(name, param, f"{head} ({d.source})", values)


#: a family trial for every parametric loss of the zoo (``losses --loss NAME`` without parameters): the parameter
#: varied, the values decided one at a time (Taylor CE, GCE and truncated GCE also derived for every value); a
#: loss of several parameters varies its shape parameter, the others at their defaults (stated in the range)
FAMILIES: dict[str, Family] = {f.name: f for f in (
    _declared("taylor", "t", ("1", "2", "3", "4", "6", "8", "12", "20", "50", "100")),
    _declared("gce", "q", ("1/10", "3/10", "1/2", "7/10", "9/10", "1")),
    _declared("tgce", "k", ("1/10", "3/10", "1/2", "7/10")),
    _declared("rce", "A", ("-8", "-4", "-2", "-1", "-1/2")),
    _declared("sce", "beta", ("0", "1/2", "1", "2", "10")),
    _declared("nfl", "gamma", ("0", "1/2", "1", "2", "5")),
    _declared("nce_mae", "beta", ("1/10", "1", "10")),
    _declared("nce_rce", "beta", ("1/10", "1", "10")),
    _declared("poly1", "epsilon", ("-1", "-1/2", "0", "1", "2", "5")),
    _declared("focal", "gamma", ("0", "1/2", "1", "2", "5")),
    _declared("js", "pi", ("1/10", "3/10", "1/2", "7/10", "9/10")),
    _declared("agce", "a", ("1/10", "1/2", "1", "2", "5")),
    _declared("aul", "a", ("11/10", "3/2", "2", "3", "5")),
    _declared("ael", "a", ("1/2", "1", "2", "3", "5", "10")),
)}
#: the families with a derivation for every value, checked against the per-value trials (:func:`_derive`)
DERIVED = ("taylor", "gce", "tgce")


@dataclass
class FamilyTrial:
    """The per-value trials of a family and its whole-family cells (``derived``: property -> (cell, derivation))."""

    family: Family
    trials: list[Any]
    derived: dict[str, tuple[str, str]] = field(default_factory=dict)
    disagreements: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """The whole-family cells with their derivations, the range and values, and the per-value losses' names
        (their own records are among ``losses`` of the same file)."""
        fam = self.family
        return {"family": fam.name, "param": fam.param, "range": fam.range, "values": list(fam.values),
                "for_every_value": {k: {"cell": c, "derivation": d} for k, (c, d) in self.derived.items()},
                "checked_against_values": "agrees" if not self.disagreements else "disagrees",
                "disagreements": list(self.disagreements), "losses": [t.loss for t in self.trials]}

    def to_markdown(self) -> str:
        return markdown(self)


def _taylor_closed_forms() -> dict[str, sympy.Expr]:
    """The term-by-term derivation of the module docstring, computed (each premise checked by SymPy)."""
    term = (1 - P) ** _I / _I
    d1, d2 = sympy.diff(term, P), sympy.diff(term, P, 2)
    on_unit = {P: 1 / (1 + _U)}  # p in (0, 1) as u > 0
    if sympy.simplify(d1.subs(on_unit)).is_negative is not True:
        raise ArithmeticError("a term of Taylor CE is not decreasing")  # pragma: no cover - SymPy proves it
    if sympy.simplify(d2.subs(on_unit)).is_nonnegative is not True or sympy.simplify(d2.subs(_I, 2)) != 1:
        raise ArithmeticError("a term of Taylor CE is not convex")  # pragma: no cover
    slope0 = sympy.summation(d1.subs(P, 0), (_I, 1, T))
    slope1 = d1.subs(_I, 1).subs(P, 1) + sympy.limit(d1.subs(_I, _J + 2), P, 1, "-") * (T - 1)
    mean_term = sympy.simplify(sympy.integrate(-2 * d1 * P * (1 - P), (P, 0, 1), conds="none"))
    return {"sup": sympy.summation(term.subs(P, 0), (_I, 1, T)), "slope0": sympy.simplify(slope0),
            "slope1": sympy.simplify(slope1), "R_c": sympy.simplify(slope1 / slope0),
            "mean": sympy.simplify(sympy.summation(mean_term, (_I, 1, T))), "variance": _taylor_variance()}


def _taylor_variance() -> sympy.Expr:
    """``Var w`` for every ``t``: ``w = 2 p (1 - p) sum_i (1 - p)^(i-1)`` summed as a geometric series (checked)."""
    u = sympy.Symbol("u", positive=True)
    geometric = sympy.summation(u ** (_I - 1), (_I, 1, T))
    w = 2 * u * (1 - u ** T)  # 2 p (1 - p) (1 - u^t)/p with p = 1 - u
    if sympy.simplify(geometric * (1 - u) - (1 - u ** T)) != 0:
        raise ArithmeticError("the geometric sum of Taylor CE's weight")  # pragma: no cover - SymPy proves it
    second = sympy.integrate(sympy.expand(w ** 2), (u, 0, 1), conds="none")
    mean = sympy.integrate(sympy.expand(w), (u, 0, 1), conds="none")
    return sympy.factor(sympy.simplify(second - mean ** 2))


def _taylor(trials: Sequence[Any], values: Sequence[int]) -> tuple[dict[str, tuple[str, str]], list[str]]:
    f = _taylor_closed_forms()
    derived = {
        "symmetric": ("t = 1: yes, C = c - 1; t >= 2: no",
                      "l_1 = 1 - p is affine (psi_c affine); every term's l'' >= 0 and the i = 2 term is 1, so l_t "
                      "is strictly convex for t >= 2 and psi_c is not affine"),
        "class_sum": ("t = 1: c - 1; t >= 2: [c l_t(1/c), (c - 1) H_t] (min at the barycentre, max at the vertices)",
                      "l_t convex: Jensen; l_t(0) = H_t, l_t(1) = 0"),
        "bounded": (f"yes for every t, sup = {f['sup']}, at p = 0", "every term's derivative -(1-p)^(i-1) < 0 on "
                    "(0, 1): l_t is decreasing, sup = l_t(0) = sum_{i<=t} 1/i"),
        "weight": (f"mean {f['mean']}, variance {f['variance']} for every t",
                   "E w = sum_i int_0^1 2 (1-p)^(i-1) p (1-p) dp = sum_i 2/((i+1)(i+2)); w = 2 (1-p)(1 - (1-p)^t), "
                   "E w^2 = 4 (1/3 - 2/(t+3) + 1/(2t+3))"),
        "asymmetric": (f"completely only for t = 1; t >= 2: for weight ratios below R_c = {f['R_c']}",
                       f"l_t'(0+) = {f['slope0']}, l_t'(1-) = {f['slope1']}; R_c = l'(1-)/l'(0+) (l convex); l_1 "
                       "affine: R_c = 1"),
        "noisy_minimiser": ("uniform 0.4: e_y iff t <= 3(c-1)/2, else argmax kept, off e_y; pair 0.4: e_y only for "
                            "t = 1, else argmax kept, off e_y; attained",
                            "e_y iff r < R_c = 1/t (r = R_c included: l_t strictly convex), r = 2/(3(c-1)) uniform, "
                            "2/3 pair; otherwise the argmax is kept and the minimiser attained"),
    }
    bad = []
    for t, tr in zip(values, trials):  # the derivation against every per-value trial
        props = tr.properties
        sup = props["bounded"].value.get("sup") if isinstance(props["bounded"].value, dict) else None
        if sup is None or sympy.sympify(sup) != f["sup"].subs(T, t):
            bad.append(f"bounded at t = {t}: trial {sup}, derived {f['sup'].subs(T, t)}")
        mean = props["weight"].value.get("mean") if isinstance(props["weight"].value, dict) else None
        if mean is None or sympy.simplify(sympy.sympify(mean) - f["mean"].subs(T, t)) != 0:
            bad.append(f"weight mean at t = {t}: trial {mean}, derived {f['mean'].subs(T, t)}")
        var = props["weight"].value.get("variance") if isinstance(props["weight"].value, dict) else None
        if var is None or sympy.simplify(sympy.sympify(var) - f["variance"].subs(T, t)) != 0:
            bad.append(f"weight variance at t = {t}: trial {var}, derived {f['variance'].subs(T, t)}")
        if props["symmetric"].cell.startswith("yes") != (t == 1):
            bad.append(f"symmetric at t = {t}: trial {props['symmetric'].cell!r}")
        nm = props["noisy_minimiser"].value
        for c in tr.cs:
            want = {"uniform": t <= sympy.Rational(3 * (c - 1), 2), "pair": t == 1}
            for kind, ok in want.items():
                got = nm.get(kind, {}).get(c, {}).get("is_vertex") if isinstance(nm, dict) else None
                if got is not bool(ok):
                    bad.append(f"noisy minimiser ({kind}, c = {c}) at t = {t}: trial {got}, derived {bool(ok)}")
    return derived, bad


def family_trial(name: str, cs: Sequence[int], precision: str = "standard",
                 timeout: float | None = lt.DEFAULT_TIMEOUT) -> FamilyTrial:
    """Every property of the family ``name`` (:data:`FAMILIES`) at each declared value, and for the whole family
    where a derivation exists (Taylor CE; GCE's q and truncated GCE's k, :mod:`paper_checks.trials.family_lq`), that
    derivation checked against every value."""
    if name not in FAMILIES:
        raise ValueError(f"{name!r} is no declared family; families: {', '.join(FAMILIES)}")
    fam = FAMILIES[name]
    trials = [lt.trial(parse_spec(f"{name}:{fam.param}={v}"), cs, precision=precision, timeout=timeout)
              for v in fam.values]
    out = FamilyTrial(fam, trials)
    out.derived, out.disagreements = _derive(name, trials, fam.values)
    return out


def _derive(name: str, trials: Sequence[Any], values: Sequence[str]) -> tuple[dict[str, tuple[str, str]], list[str]]:
    """The whole-family cells of the zoo family ``name`` and their check against the per-value ``trials``."""
    if name == "taylor":
        return _taylor(list(trials), [int(sympy.Rational(v)) for v in values])
    if name not in DERIVED:  # per value only: markdown() says so
        return {}, []
    cells, check = ((family_lq.gce_cells, family_lq.check_gce) if name == "gce" else
                    (family_lq.tgce_cells, family_lq.check_tgce))  # GCE's q, truncated GCE's k: family_lq
    return cells(), check(list(trials), [sympy.Rational(v) for v in values])


def _same_label(a: sympy.Expr | None, b: sympy.Expr | None) -> bool:
    """``a`` and ``b`` are the same function of ``p`` on ``(0, 1)``: their difference simplifies to 0, or (a typed
    ``Min`` against a ``Piecewise``) their flat forms agree piece by piece, breakpoints included."""
    if a is None or b is None:
        return False
    if sympy.expand(a - b) == 0 or simp(a - b) == 0:
        return True
    fa, fb = (x if isinstance(x, sympy.Piecewise) else flat_form(x) for x in (a, b))
    if fa is None or fb is None or len(fa.args) != len(fb.args):
        return False
    return all(simp(ea - eb) == 0 and (ca == cb or simp(ca.rhs - cb.rhs) == 0 if ca != sympy.true else cb == ca)
               for (ea, ca), (eb, cb) in zip(fa.args, fb.args))


def zoo_family_of(text: str, param: str, values: Sequence[str]) -> str | None:
    """The zoo family with a derivation for every value (:data:`DERIVED`) that the typed formula ``text`` is at every
    one of ``values`` of its parameter ``param`` (each value in the family's declared domain), or ``None``."""
    for fam in (FAMILIES[n] for n in DERIVED):  # only a family with a derivation gives the formula more
        try:
            if all(_same_label(from_expression(re.sub(rf"\b{param}\b", f"({v})", text)).label,
                               parse_spec(f"{fam.name}:{fam.param}={v}").label) for v in values):
                return fam.name
        except ValueError:  # a value outside the family's domain: not that family
            continue
    return None


def parameter_values(spec: str, text: str) -> tuple[str, str, tuple[str, ...]]:
    """``--param NAME=LO..HI`` (integers; ``HI`` may be ``oo``) or ``NAME=a,b,c`` -> ``(name, range, values)``:
    every integer of a range of at most 12, else the stated sample ``LO + {0, 1, 2, 3, 5, 7, 11, 19, 49, 99}`` within
    it. ``ValueError`` (one line) for a name that ``text`` does not use or that the grammar reserves."""
    name, eq, rng = (x.strip() for x in spec.partition("="))
    if not eq or not re.fullmatch(r"[A-Za-z]\w*", name) or name in RESERVED or name in FUNCTIONS:
        raise ValueError(f"--param must be NAME=LO..HI or NAME=a,b,c with a new name (not p, v, pi, E or a "
                         f"function of the grammar), got {spec!r}")
    if not re.search(rf"\b{name}\b", text):
        raise ValueError(f"the formula {text!r} does not use the parameter {name!r}")
    if re.search(rf"\bSum\s*\(.*,\s*\(\s*{name}\s*,", text):  # Sum(term, (k, a, b)): k is bound there
        raise ValueError(f"--param {name!r} is the index of a Sum in the formula {text!r}; name the parameter "
                         "otherwise")
    if ".." not in rng:
        values = tuple(v.strip() for v in rng.split(",") if v.strip())
        for v in values:
            parse_number(v, name)  # a number of the grammar, never evaluated
        if not values:
            raise ValueError(f"--param {spec!r} gives no value")
        return name, f"{name} in {{{', '.join(values)}}}", values
    lo_s, _, hi_s = rng.partition("..")
    try:
        lo, hi = int(lo_s), (None if hi_s.strip() in ("oo", "inf") else int(hi_s))
    except ValueError:
        raise ValueError(f"--param {spec!r}: a range is of whole numbers, LO..HI or LO..oo") from None
    if hi is not None and hi < lo:
        raise ValueError(f"--param {spec!r}: an empty range")
    if hi is not None and hi - lo < 12:
        return name, f"integer {name} in {lo}..{hi}", tuple(str(v) for v in range(lo, hi + 1))
    sample = [lo + d for d in (0, 1, 2, 3, 5, 7, 11, 19, 49, 99) if hi is None or lo + d <= hi]
    sample += [hi] if hi is not None and hi not in sample else []
    return name, f"integer {name} in {lo}..{hi if hi is not None else 'oo'}", tuple(map(str, sample))


#: the most value combinations a formula's ``--param`` grid may hold: each is a full trial (every property for
#: every number of classes), so a larger grid is refused with the count, never cut silently
MAX_GRID = 36


def parameter_grid(specs: str | Sequence[str], text: str) -> tuple[tuple[str, ...], str, tuple[dict[str, str], ...]]:
    """Every ``--param`` of a formula, each read by :func:`parameter_values`, and their product:
    ``(names, ranges, combinations)`` with each combination ``{name: value}`` in the order given (the last name
    varying fastest). A name given twice, or a product of more than :data:`MAX_GRID` combinations, is a one-line
    ``ValueError``: every ``--param`` is kept, none replaces another."""
    specs = [specs] if isinstance(specs, str) else list(specs)
    if not specs:
        raise ValueError("give at least one --param NAME=LO..HI or NAME=a,b,c")
    read = [parameter_values(spec, text) for spec in specs]
    names = tuple(name for name, _, _ in read)
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise ValueError(f"--param {twice[0]!r} is given twice; give each parameter once, its values as "
                         f"{twice[0]}=a,b,c")
    size = 1
    for _, _, values in read:
        size *= len(values)
    if size > MAX_GRID:
        counts = " x ".join(f"{len(v)} ({n})" for n, _, v in read)
        raise ValueError(f"--param: {counts} = {size} combinations, each a full trial; at most {MAX_GRID}: give "
                         "fewer values (NAME=a,b,c)")
    combos = tuple(dict(zip(names, vs)) for vs in itertools.product(*(v for _, _, v in read)))
    return names, "; ".join(r for _, r, _ in read), combos


def _put(s: str, values: dict[str, str]) -> str:
    """``s`` with each parameter's name replaced by its value in brackets (read later by the whitelist reader)."""
    for name, v in values.items():
        s = re.sub(rf"\b{name}\b", f"({v})", s)
    return s


def formula_family(text: str, spec: str | Sequence[str], cs: Sequence[int], precision: str = "standard",
                   timeout: float | None = lt.DEFAULT_TIMEOUT, name: str | None = None,
                   each: str | None = None) -> FamilyTrial:
    """A typed formula with parameters (``--param``, one or several): every property at every combination of their
    values (:func:`parameter_grid`), the values stated. The values are written into the text (and ``each``, the
    term for every class) in place of the names and the text read by the whitelist reader as any formula. With one
    parameter, a formula that is a zoo family (:func:`zoo_family_of`) gets that family's derivation for every value,
    checked against these trials."""
    names, rng, combos = parameter_grid(spec, text + ("" if each is None else " " + each))
    base = name or "user"
    labels = tuple(", ".join(f"{k}={v}" for k, v in c.items()) for c in combos)
    trials = [lt.trial(from_expression(_put(text, c), f"{base}({label})", None if each is None else _put(each, c)), cs,
                       precision=precision, timeout=timeout) for c, label in zip(combos, labels)]
    if len(names) == 1:
        param, values = names[0], tuple(c[names[0]] for c in combos)
        zoo = None if each is not None else zoo_family_of(text, param, values)
        named = f" (the zoo's {zoo}: its {FAMILIES[zoo].param} is {param} here)" if zoo else ""
        out = FamilyTrial(Family(base, param, f"{text}, {rng}{named}", values), trials)
        if zoo is not None:  # the zoo family's derivation for every value, checked against these trials
            out.derived, out.disagreements = _derive(zoo, trials, values)
        return out
    return FamilyTrial(Family(base, "(" + ", ".join(names) + ")", f"{text}, {rng}", labels), trials)


def markdown(ft: FamilyTrial) -> str:
    """The whole-family cells (with their derivations), then the table of every declared value."""
    fam = ft.family
    lines = [f"## {fam.name}: {fam.range}", ""]
    if ft.derived:
        lines += ["| property | for every " + fam.param + " | derivation |", "|---|---|---|"]
        lines += [f"| {k} | {c} [symbolic] | {d} |".replace("\n", " ") for k, (c, d) in ft.derived.items()]
        lines.append("")
        lines.append("checked against every value below: " + ("agrees" if not ft.disagreements else
                                                               "DISAGREES: " + "; ".join(ft.disagreements)))
    elif fam.param.startswith("("):  # several parameters (formula_family): a grid of combinations
        lines.append(f"no derivation for every {fam.param}: each property is decided at each of {len(fam.values)} "
                     f"combinations: {'; '.join(fam.values)}")
    else:
        lines.append(f"no derivation for every {fam.param}: each property is decided per value, "
                     f"{fam.param} = {', '.join(fam.values)}")
    head = (f"per combination of {fam.param}" if fam.param.startswith("(") else
            f"per value ({fam.param} = {', '.join(fam.values)})")
    lines += ["", f"### {head}", "", lt.markdown_table(ft.trials)]
    return "\n".join(lines)
