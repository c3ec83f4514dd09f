"""The properties computed by the margin-loss trial (:mod:`paper_checks.trials.margin`), one function each.

Each takes the trial's shared context (:class:`MarginContext`: the loss and its lazily computed exact
splits, :mod:`label_noise_lab.theory.real_line`) and returns a :class:`MarginProperty` with its evidence: ``symbolic``
(a derivation SymPy completed) or ``exact`` (an exact counterexample, every number a SymPy number).
The derivations are in the docstring of :mod:`paper_checks.trials.margin`.
"""
from __future__ import annotations

from fractions import Fraction
from typing import Any

import sympy

from label_noise_lab.theory import binary as tb
from label_noise_lab.theory import real_line as rl
from label_noise_lab.theory.margin import MarginLoss, V
from paper_checks.trials.properties import Property

#: the margins of the exact grid the counterexamples are drawn from
GRID = tuple(sympy.nsimplify(x) for x in ("-4", "-2", "-1", "-1/2", "0", "1/2", "1", "2", "4"))
#: the settings of ``noisy_minimiser``: ``(label, rho_+, rho_-, clean eta)``
NOISY_SETTINGS = (("symmetric ρ=1/4, η=3/4", sympy.Rational(1, 4), sympy.Rational(1, 4), sympy.Rational(3, 4)),
                  ("ρ₊=2/5, ρ₋=1/10, η=3/5", sympy.Rational(2, 5), sympy.Rational(1, 10), sympy.Rational(3, 5)))


MarginProperty = Property
"""One computed property (the simplex trial's record, :class:`paper_checks.trials.properties.Property`):
``value`` (JSON-able), ``cell`` (the table), ``method`` (the evidence), ``summary`` (the derivation or the
counterexample), ``undecided`` (with the reason in ``summary``)."""


def fmt(e: Any) -> str:
    """Display of an exact value: the whole expression (never cut, its sign kept), with a decimal when
    irrational."""
    e = sympy.sympify(e)
    if e in (sympy.oo, -sympy.oo):
        return "∞" if e == sympy.oo else "-∞"
    if e.is_Rational or not e.is_number:
        return str(e)
    s = str(e)
    return f"{s} ≈ {float(e):.4g}" if len(s) < 24 else f"{s} ≈ {float(e):.6g}"  # the decimals as before


class MarginContext:
    """The loss and its exact splits, computed on first use."""

    def __init__(self, loss: MarginLoss) -> None:
        self.loss = loss
        self._cache: dict[str, Any] = {}

    def _get(self, key: str, make: Any) -> Any:
        if key not in self._cache:
            self._cache[key] = make()
        return self._cache[key]

    @property
    def phi(self) -> rl.Split:
        return self._get("phi", lambda: rl.split(self.loss.phi, V))

    @property
    def class_sum(self) -> rl.Split:
        """``S(v) = phi(v) + phi(-v)``."""
        return self._get("sum", lambda: rl.split(self.loss.phi + self.loss.phi.subs(V, -V), V))

    @property
    def odd_part(self) -> rl.Split:
        """``o(v) = phi(v) - phi(-v)``."""
        return self._get("odd", lambda: rl.split(self.loss.phi - self.loss.phi.subs(V, -V), V))

    @property
    def convexity(self) -> rl.Convexity:
        return self._get("convexity", lambda: rl.convexity(self.phi))

    @property
    def symmetric_constant(self) -> sympy.Expr | None:
        """``K`` when ``phi(v) + phi(-v) = K`` for every ``v``, else None."""
        return self._get("K", lambda: constant_value(self.class_sum))

    def inf(self, lo: Any = -sympy.oo, hi: Any = sympy.oo) -> rl.Infimum:
        return self._get(f"inf{lo},{hi}", lambda: rl.infimum(self.phi, lo, hi))

    def sup(self) -> sympy.Expr:
        return self._get("sup", lambda: -rl.infimum(rl.split(-self.loss.phi, V)).value)


def constant_value(sp: rl.Split) -> sympy.Expr | None:
    """The constant value of a split function, or None when it is not constant (decided exactly)."""
    values = [sympy.simplify(p) for p in sp.pieces] + [sp.value(b) for b in sp.breakpoints]
    if any(v.has(sp.var) for v in values):
        return None
    first = values[0]
    return first if all(rl.exact_equal(v, first) for v in values[1:]) else None


def _differ(a: Any, b: Any) -> bool:
    """``a != b`` proved: the sign of ``a - b`` decided (SymPy evaluates it with guaranteed precision)."""
    d = sympy.sympify(a) - sympy.sympify(b)
    return bool(d.is_positive or d.is_negative)


def _two_values(sp: rl.Split) -> tuple[Any, Any, Any, Any]:
    """Two exact points of the grid (or breakpoints) where the split function differs: ``(a, f(a), b, f(b))``."""
    pts = list(GRID) + list(sp.breakpoints)
    vals = [(x, sp.value(x)) for x in pts]
    for x, fx in vals[1:]:
        if _differ(fx, vals[0][1]):
            return vals[0][0], vals[0][1], x, fx
    for k in range(1, 40):  # off the grid: between breakpoints, at finer steps
        x = sympy.Rational(1, 2**k)
        for y in (x, -x, 1 + x, -1 - x):
            fy = sp.value(y)
            if _differ(fy, vals[0][1]):
                return vals[0][0], vals[0][1], y, fy
    raise rl.Undecided("not constant, yet no exact point of the grid shows two values")


# ---------------------------------------------------------------- properties
def symmetric(ctx: MarginContext) -> MarginProperty:
    """``phi(v) + phi(-v) = K`` for every ``v`` (Ghosh et al. 2015, Eq. 5; Charoenphakdee et al. 2019, Eq. 3)."""
    K = ctx.symmetric_constant
    if K is not None:
        return MarginProperty("symmetric", {"symmetric": True, "K": str(K)}, f"yes (K = {fmt(K)})", "symbolic",
                              f"phi(v) + phi(-v) simplifies to {K} on every piece and at every breakpoint")
    a, fa, b, fb = _two_values(ctx.class_sum)
    return MarginProperty("symmetric", {"symmetric": False, "witness": {"v": [str(a), str(b)],
                                                                        "sum": [str(fa), str(fb)]}},
                          "no", "exact", f"phi(v) + phi(-v) = {fmt(fa)} at v = {a} but {fmt(fb)} at v = {b}")


def convex(ctx: MarginContext) -> MarginProperty:
    """Convex on the real line: proved piecewise, or refuted by an exact chord above the graph."""
    c = ctx.convexity
    if c.convex:
        return MarginProperty("convex", True, "yes", "symbolic", c.reason)
    a, b, gap = c.chord
    return MarginProperty("convex", {"convex": False, "chord": [str(a), str(b)], "gap": str(gap)}, "no", "exact",
                          f"{c.reason}: phi(({a} + {b})/2) exceeds (phi({a}) + phi({b}))/2 by {fmt(gap)}")


def bounded(ctx: MarginContext) -> MarginProperty:
    """``[inf phi, sup phi]`` over the real line, exactly; bounded when both are finite."""
    lo, hi = ctx.inf().value, ctx.sup()
    ok = lo.is_finite and hi.is_finite
    return MarginProperty("bounded", {"bounded": bool(ok), "inf": str(lo), "sup": str(hi)},
                          f"{'yes' if ok else 'no'} [{fmt(lo)}, {fmt(hi)}]", "symbolic",
                          f"inf phi = {lo}, sup phi = {hi} (limits at ±∞, critical points, breakpoints)")


def sln_robust(ctx: MarginContext) -> MarginProperty:
    """van Rooyen et al. 2015, sec. 3: under symmetric noise ``rho < 1/2`` the noisy risk is an increasing affine
    function of the clean risk for every distribution and scorer."""
    K = ctx.symmetric_constant
    if K is not None:
        return MarginProperty("sln_robust", {"robust": True, "slope": "1 - 2*rho", "offset": f"rho*{K}"},
                              f"yes: R_ρ = (1-2ρ)R + ρ·{fmt(K)}", "symbolic",
                              f"E[phi(Y~ v)] = (1 - 2 rho) phi(y v) + rho (phi(v) + phi(-v)) and "
                              f"phi(v) + phi(-v) = {K}")
    if constant_value(ctx.odd_part) == 0:
        return MarginProperty("sln_robust", {"robust": True, "slope": "1", "offset": "0"}, "yes (phi even: R_ρ = R)",
                              "symbolic", "phi(v) = phi(-v): the loss ignores the label, so R_rho = R")
    rev = _reversal(ctx)
    if rev is not None:
        return MarginProperty("sln_robust", {"robust": False, "counterexample": rev}, "no", "exact",
                              f"one point x with P(Y=1|x) = {rev['eta']}, noise ρ = {rev['rho']}: the constant scorer "
                              f"{rev['a']} has clean risk {fmt(rev['clean'][0])} < {fmt(rev['clean'][1])} of "
                              f"{rev['b']}, yet noisy risk {fmt(rev['noisy'][0])} > {fmt(rev['noisy'][1])}")
    a, fa, b, fb = _two_values(ctx.class_sum)
    return MarginProperty("sln_robust", {"robust": False, "witness": [str(a), str(b)]}, "no (not affine)", "exact",
                          f"affine for point masses at y = ±1 forces slope 1 - 2ρ (phi is not even), then "
                          f"phi(v) + phi(-v) constant; it is {fmt(fa)} at {a}, {fmt(fb)} at {b}")


def _reversal(ctx: MarginContext) -> dict[str, Any] | None:
    """Two constant scorers ``a``, ``b`` and one point whose clean and noisy risks rank them oppositely
    (exact; the grid :data:`GRID`, ``eta`` in ``{1, 9/10, 3/4}``, ``rho`` in ``{1/4, 2/5}``)."""
    val = {x: ctx.phi.value(x) for x in GRID}
    approx = {x: float(v) if v.is_finite else float("nan") for x, v in val.items()}
    for eta in (sympy.Integer(1), sympy.Rational(9, 10), sympy.Rational(3, 4)):
        for rho in (sympy.Rational(1, 4), sympy.Rational(2, 5)):
            en = tb.noisy_posterior(eta, rho, rho)
            for a in GRID:
                for b in GRID:
                    cf = [tb.conditional_risk(approx[x], approx[-x], float(eta)) for x in (a, b)]
                    nf = [tb.conditional_risk(approx[x], approx[-x], float(en)) for x in (a, b)]
                    if not (cf[0] < cf[1] - 1e-9 and nf[0] > nf[1] + 1e-9):  # a float filter; verified below
                        continue
                    clean = [tb.conditional_risk(val[x], val[-x], eta) for x in (a, b)]
                    noisy = [tb.conditional_risk(val[x], val[-x], en) for x in (a, b)]
                    if rl.exact_less(clean[0], clean[1]) and rl.exact_less(noisy[1], noisy[0]):
                        return {"eta": str(eta), "rho": str(rho), "a": str(a), "b": str(b),
                                "clean": [sympy.simplify(c) for c in clean],
                                "noisy": [sympy.simplify(n) for n in noisy]}
    return None


def unbiased_convex(ctx: MarginContext) -> MarginProperty:
    """Natarajan et al. 2013, Lemma 4: ``l~`` is convex in ``t`` for every admissible ``(rho_+, rho_-)`` exactly
    when ``phi`` is convex and ``o(v) = phi(v) - phi(-v)`` is affine (for twice differentiable ``phi``: when
    ``phi''`` is even, their condition)."""
    c = ctx.convexity
    if not c.convex:
        a, b, gap = c.chord
        return MarginProperty("unbiased_convex", {"convex": False, "rho": [0, 0], "chord": [str(a), str(b)]}, "no",
                              "exact", f"already at ρ₊ = ρ₋ = 0 (l~ = phi), phi is not convex: chord ({a}, {b}), "
                                       f"gap {fmt(gap)}")
    oc = rl.convexity(ctx.odd_part)  # o is odd: convex exactly when affine
    if oc.convex:
        return MarginProperty("unbiased_convex", {"convex": True}, "yes", "symbolic",
                              "(1-ρ₊-ρ₋) l~ = (1-ρ_y-ρ_{-y}) phi(v) + ρ_y (phi(v) - phi(-v)): convex phi plus "
                              "an affine phi(v) - phi(-v) (Lemma 4's l''(t) = l''(-t))")
    a, b, g = oc.chord
    mid = (a + b) / 2
    A = sympy.simplify(ctx.phi.value(mid) - (ctx.phi.value(a) + ctx.phi.value(b)) / 2)
    r = _rate_above(sympy.simplify(-A / (g - A)))
    gap = sympy.simplify(((1 - r) * A + r * g) / (1 - r))
    if not (rl.exact_less(0, gap) and rl.exact_less(r, 1)):
        raise rl.Undecided(f"phi(v) - phi(-v) is not affine, but the rate {r} does not give an exact counterexample")
    return MarginProperty("unbiased_convex", {"convex": False, "rho_y": str(r), "rho_other": "0",
                                              "chord": [str(a), str(b)], "gap": str(gap)}, "no", "exact",
                          f"phi(v) - phi(-v) is not affine; with ρ_y = {r}, ρ_(-y) = 0, l~ at v = {mid} exceeds "
                          f"the chord ({a}, {b}) by {fmt(gap)}")


def _rate_above(r_star: sympy.Expr) -> sympy.Rational:
    """An exact rate in ``(r_star, 1)``, simple (denominator at most 1000 where possible)."""
    target = (r_star + 1) / 2
    r = sympy.Rational(Fraction(float(target)).limit_denominator(1000))
    if rl.exact_less(r_star, r) and rl.exact_less(r, 1):
        return r
    return sympy.nsimplify(target, rational=True)


# ---------------------------------------------------------------- calibration (Bartlett et al. 2006)
def calibrated(ctx: MarginContext) -> MarginProperty:
    """Classification calibration (Bartlett, Jordan & McAuliffe 2006, Def. 1): for every ``eta != 1/2``,
    ``H^-(eta) = inf_{v (2 eta - 1) <= 0} C_eta(v) > H(eta) = inf_v C_eta(v)``. Four exact routes, in order
    (derivations in :mod:`paper_checks.trials.margin`): convex (Thm 6, iff); symmetric; a counterexample at
    ``eta = 1``; the sufficient condition for continuous losses."""
    K = ctx.symmetric_constant
    if ctx.convexity.convex:
        lv, rv, ls, rs = rl.one_sided(ctx.phi, 0)
        # convex: phi'(0-) <= phi'(0+); equal means differentiable
        if not (rl.exact_equal(ls, rs) or rl.exact_less(ls, rs)):
            raise rl.Undecided(f"cannot decide whether phi'(0-) = {ls} equals phi'(0+) = {rs}")
        ok = rl.exact_equal(ls, rs) and rl.exact_less(ls, 0)
        return MarginProperty("calibrated", {"calibrated": ok, "slope_left": str(ls), "slope_right": str(rs)},
                              "yes" if ok else "no", "symbolic",
                              f"convex with phi'(0-) = {fmt(ls)}, phi'(0+) = {fmt(rs)}; Bartlett et al. 2006, Thm 6: "
                              "calibrated iff differentiable at 0 with phi'(0) < 0")
    neg, whole = ctx.inf(hi=0), ctx.inf()
    if K is not None or not rl.exact_less(whole.value, neg.value):
        ok = rl.exact_less(whole.value, neg.value)
        why = (f"symmetric (K = {fmt(K)}): C_η(v) = (2η-1) phi(v) + (1-η) K, so calibrated iff "
               f"inf_(v<=0) phi > inf phi" if K is not None else "at η = 1, C_η = phi")
        return MarginProperty("calibrated", {"calibrated": ok, "inf_nonpositive": str(neg.value),
                                             "inf": str(whole.value)}, "yes" if ok else "no",
                              "symbolic" if ok else "exact",
                              f"{why}: inf_(v<=0) phi = {fmt(neg.value)}, inf phi = {fmt(whole.value)}"
                              + ("" if ok else "; at η = 1, H⁻(1) = H(1): not calibrated"))
    reason = _sufficient(ctx, whole)
    if reason is None:
        return MarginProperty("calibrated", {"calibrated": True}, "yes", "symbolic",
                              "continuous, bounded below, phi(v) > phi(-v) for v < 0 with liminf_(v→-∞) "
                              "phi(v) - phi(-v) > 0, and C_η'(0+) < 0 for η in (1/2, 1]: H⁻(η) > H(η)")
    return MarginProperty("calibrated", None, "undecided", "symbolic",
                          f"not convex, not symmetric, no counterexample at η = 1, and the sufficient condition "
                          f"is not met: {reason}", True)


def _sufficient(ctx: MarginContext, whole: rl.Infimum) -> str | None:
    """None when the sufficient condition for calibration holds, else the first part that fails."""
    sp = ctx.phi
    if not whole.value.is_finite:
        return "phi is not bounded below"
    for b in sp.breakpoints:
        lv, rv, _, _ = rl.one_sided(sp, b)
        if not (rl.exact_equal(lv, rv) and rl.exact_equal(lv, sp.value(b))):
            return f"phi is discontinuous at {b}"
    o = ctx.odd_part
    for lo, hi, p in o.intervals():
        top = hi if hi != sympy.oo and not rl.exact_less(0, hi) else sympy.Integer(0)
        if rl.exact_less(lo, top) and rl.sign_on(p, V, lo, top) != 1:
            return f"phi(v) - phi(-v) is not positive on ({lo}, {top})"
    if any(rl.exact_less(b, 0) and not o.value(b).is_positive for b in o.breakpoints):
        return "phi(v) - phi(-v) is not positive at a breakpoint below 0"
    tail = sympy.limit(o.pieces[0], V, -sympy.oo)
    if not (tail == sympy.oo or (tail.is_finite and rl.exact_less(0, tail))):
        return f"phi(v) - phi(-v) tends to {tail} as v → -∞"
    _, _, ls, rs = rl.one_sided(sp, 0)
    if not (rl.exact_less(rs, 0) and not rl.exact_less(ls, rs)):
        return f"C_η'(0+) = η phi'(0+) - (1-η) phi'(0-) is not negative on (1/2, 1] (phi'(0-) = {ls}, phi'(0+) = {rs})"
    return None


# ---------------------------------------------------------------- the noisy minimiser
def noisy_minimiser(ctx: MarginContext) -> MarginProperty:
    """Where the noisy conditional risk ``C_eta~(v) = eta~ phi(v) + (1 - eta~) phi(-v)`` is least (attained or
    approached), ``eta~ = (1 - rho_+) eta + rho_- (1 - eta)`` (Natarajan et al. 2013, sec. 2), for the settings
    :data:`NOISY_SETTINGS`; and whether its sign is the clean Bayes sign ``sign(2 eta - 1)``."""
    value, cells, parts = [], [], []
    for label, rp, rn, eta in NOISY_SETTINGS:
        en = tb.noisy_posterior(eta, rp, rn)
        risk = tb.conditional_risk(ctx.loss.phi, ctx.loss.phi.subs(V, -V), en)
        inf = rl.infimum(rl.split(risk, V))
        where = _where(inf)
        ends = [x for iv in inf.intervals for x in iv]
        finite = [e for e in ends if e not in (-sympy.oo, sympy.oo)]
        signs = {_sign(x) for x in inf.at if not any(rl.exact_equal(x, e) for e in finite)}
        signs |= {_sign(x) for x in ends} - {0}  # an interval's end at 0 is the edge of a one-signed interval
        bayes = 1 if eta > sympy.Rational(1, 2) else -1
        keeps = signs == {bayes}
        text = f"{'v* = ' if inf.attained else 'v → '}{' or '.join(where)}"
        value.append({"setting": label, "noisy_eta": str(en), "inf": str(inf.value), "attained": inf.attained,
                      "at": [str(x) for x in inf.at], "interval": [str(x) for x in inf.interval or ()],
                      "intervals": [[str(x) for x in iv] for iv in inf.intervals],
                      "bayes_sign": keeps})
        cells.append(f"{label}: {text} {'✓' if keeps else '✗'}")
        parts.append(f"{label}: η~ = {en}, inf C = {fmt(inf.value)} {'attained' if inf.attained else 'approached'} "
                     f"at {', '.join(where)}; sign of the Bayes classifier {'kept' if keeps else 'lost'}")
    return MarginProperty("noisy_minimiser", value, "; ".join(cells), "symbolic", "; ".join(parts))


def _where(inf: rl.Infimum) -> list[str]:
    """The minimisers for display: points, and each interval with its ends closed where they are minimisers."""
    points = list(inf.at)
    out, ends = [], []
    for lo, hi in inf.intervals:
        ends += [lo, hi]
        left = "[" if any(x == lo for x in points) else "("
        right = "]" if any(x == hi for x in points) else ")"
        out.append(f"{left}{fmt(lo)}, {fmt(hi)}{right}")
    return [fmt(x) for x in points if not any(x == e for e in ends)] + out


def _sign(x: Any) -> int:
    x = sympy.sympify(x)
    return 1 if x == sympy.oo or x.is_positive else -1 if x == -sympy.oo or x.is_negative else 0
