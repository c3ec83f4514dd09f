"""A reader of MetiTarski's public problems (TPTP ``fof`` conjectures) for the prover's benchmark.

MetiTarski's problem set (Akbarpour & Paulson 2010, "MetiTarski: an automatic theorem prover for
real-valued special functions", J. Automated Reasoning 44(3)) states inequalities over ``exp``, ``ln``,
``sqrt``, ``cbrt``, ``sin``, ``cos``, ``tan``, ``arctan``, ``sinh``, ``cosh``, ``tanh``, ... in TPTP's first-order
syntax: ``fof(name, conjecture, ! [X, Y] : ((0 <= X & X <= 1 & Y : (=0,1=)) => exp(X) >= 1 + X)).``

:func:`convert` reads one file into the prover's question: margins ``m_i`` (SymPy), a box and constraints,
``m_i >= 0`` on every point of the box where the constraints hold. The text is tokenised and parsed by a small
recursive-descent grammar; names are looked up in :data:`FUNCTIONS` and :data:`CONSTANTS` (a whitelist), in the
file's own definitions (``cnf(f1, axiom, (f1(X) = ...))``) and its constants (``fof(a, axiom, a = 6)``); nothing
is ``eval``-ed, and a file outside the fragment below raises :class:`Unsupported` with the reason:

- the conjecture is ``! [vars] : (H => C)`` or ``! [vars] : C`` (nested implications and quantifiers merged); an
  existential (``? [X] : ...``) is out of scope;
- ``H`` a conjunction (nested or not) of relations: a bound of one variable by a constant (``a <= X``, ``X < b``,
  ``X : (=a,b=)``, ``abs(X) < b``, ``X = c``) narrows the box; any other relation (``S^2 = 1 + X``, ``X != 0``,
  ``X < Y``, ``~ X = 1``) is a *constraint* (:attr:`Problem.constraints`, SymPy relationals), as are the file's
  axioms on its lowercase constants (``abs(t) <= a``, ``sq2^2 = 2``);
- ``C`` an inequality, a conjunction of them (one margin each), a disjunction (the ``Max`` of its margins: ``A | B``
  holds exactly where ``max(m_A, m_B) >= 0``) or ``f : (=a,b=)`` (two margins);
- MetiTarski's ``log`` is the decimal logarithm as its axiom ``log(X) = 0.4342945*ln(X)`` (``Axioms/log.ax``) states it,
  a rounded ``1/ln 10``, read exactly so: ``nfm-check-gain-2`` is false by ``5e-9`` near its domain's end with the exact
  ``log10`` (a counterexample at 60 digits) and true with the axiom's constant; ``pow(x, y)`` and ``x^y`` with a
  variable exponent as ``exp(y ln x)`` (``Axioms/pow.ax``);
- a bound that is an exact real number (``pi/2``, ``pi/2 - 10^-6``) is kept exactly: the prover takes irrational
  ends (it scales the coordinate), and a rounded end would change the problem (``tan X`` on ``X < pi/2`` rounded
  up holds the pole ``pi/2``); one that SymPy cannot place on the real line is refused.

The margin of ``l <= r`` / ``l < r`` is ``r - l`` (``l - r`` for ``>=``/``>``), proved ``>= 0``: a strict inequality
is read as its closure (``>= 0``, weaker in strictness; :attr:`Problem.strict` records it so that a table can say
so). A strict bound on a variable (``X < 1``) leaves its end open (a ``sympy.Interval``), so the question asks
exactly the problem's points, not the end where ``1/(1 - X)`` has its pole; where several bounds meet on one side,
their ``Max``/``Min`` is read as closed (more points than the problem's).
The files are read, never copied: pass the directory of the problem set.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sympy


class Unsupported(ValueError):
    """A problem outside the fragment the reader takes (the message says what)."""


def _cbrt(u: sympy.Expr) -> sympy.Expr:
    return u ** sympy.Rational(1, 3)


def _nthroot(n: sympy.Expr, u: sympy.Expr) -> sympy.Expr:
    if not (n.is_Integer and n > 0):
        raise Unsupported(f"nthroot of order {n}")
    return u ** sympy.Rational(1, int(n))


#: MetiTarski's ``log``, its axiom ``log(X) = 0.4342945*ln(X)`` (``Axioms/log.ax``): a rounded ``1/ln 10``
LOG_FACTOR = sympy.Rational("0.4342945")


def _log10(u: sympy.Expr) -> sympy.Expr:
    """MetiTarski's ``log`` as its axiom defines it (module docstring)."""
    return LOG_FACTOR * sympy.log(u)


def _power(base: sympy.Expr, ex: sympy.Expr) -> sympy.Expr:
    """``base^ex``: a number exponent as a power, a variable one as ``exp(ex ln base)`` (``base > 0`` there)."""
    return base ** ex if ex.is_number else sympy.exp(ex * sympy.log(base))


#: the functions a problem may call (TPTP name -> SymPy), and how many arguments each takes
FUNCTIONS: dict[str, tuple[Any, int]] = {
    "exp": (sympy.exp, 1), "ln": (sympy.log, 1), "log": (_log10, 1), "sqrt": (sympy.sqrt, 1),
    "cbrt": (_cbrt, 1), "nthrt": (_nthroot, 2), "nthroot": (_nthroot, 2), "abs": (sympy.Abs, 1),
    "sin": (sympy.sin, 1), "cos": (sympy.cos, 1), "tan": (sympy.tan, 1),
    "arctan": (sympy.atan, 1), "atan": (sympy.atan, 1), "arcsin": (sympy.asin, 1), "asin": (sympy.asin, 1),
    "arccos": (sympy.acos, 1), "acos": (sympy.acos, 1),
    "sinh": (sympy.sinh, 1), "cosh": (sympy.cosh, 1), "tanh": (sympy.tanh, 1),
    "max": (sympy.Max, 2), "min": (sympy.Min, 2), "pow": (_power, 2), "besselJ": (sympy.besselj, 2),
}
CONSTANTS = {"pi": sympy.pi}

#: the classes of the benchmark table, by the functions a margin holds (the first that matches)
CLASSES = (
    ("arctan", (sympy.atan,)), ("arcsin, arccos", (sympy.asin, sympy.acos)),
    ("sin, cos, tan", (sympy.sin, sympy.cos, sympy.tan)), ("sinh, cosh, tanh", (sympy.sinh, sympy.cosh, sympy.tanh)),
    ("log", (sympy.log,)), ("exp", (sympy.exp,)),
)
_RELATIONS = ("<", "<=", ">", ">=", "=", "!=")
_NEGATED = {"<": ">=", "<=": ">", ">": "<=", ">=": "<", "=": "!=", "!=": "="}
_SYMPY_REL = {"<": sympy.Lt, "<=": sympy.Le, ">": sympy.Gt, ">=": sympy.Ge, "=": sympy.Eq, "!=": sympy.Ne}

_TOKEN = re.compile(r"\s*(?:(?P<num>(?:\d+(?:\.\d+)?|\.\d+)(?:[eE][-+]?\d+)?)|(?P<name>[A-Za-z_][A-Za-z0-9_]*)"
                    r"|(?P<op><=>|=>|<=|>=|!=|\(=|=\)|[!?\[\]:(),&|~<>=+\-*/^]))")


def _tokens(text: str) -> list[str]:
    out, pos = [], 0
    text = text.strip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None or m.end() == pos:
            raise Unsupported(f"cannot read {text[pos:pos + 20]!r}")
        out.append(m.group(m.lastgroup))
        pos = m.end()
        while pos < len(text) and text[pos].isspace():
            pos += 1
    return out


@dataclass
class Problem:
    """One problem: every margin ``>= 0`` at every point of ``domain`` (symbol -> closed ``(low, high)``, or a
    ``sympy.Interval`` with an open end; an end ``-oo``/``oo`` where the file bounds the variable on one side only)
    where every constraint holds."""

    name: str
    margins: list[sympy.Expr]
    domain: dict[sympy.Symbol, Any]
    strict: bool
    unbounded: list[str] = field(default_factory=list)
    constraints: list[sympy.Basic] = field(default_factory=list)
    cases: list[Problem] = field(default_factory=list)  # several: each proved on its own (a disjunctive hypothesis)
    vacuous: str = ""  # why the hypotheses never hold (then there is nothing to prove)

    @property
    def margin(self) -> sympy.Expr:
        """The one margin: the ``Min`` of several (``>= 0`` exactly where each is)."""
        return self.margins[0] if len(self.margins) == 1 else sympy.Min(*self.margins)

    @property
    def klass(self) -> str:
        return classify(self.margin)

    @property
    def kind(self) -> str:
        """``bounded``, ``unbounded`` (a half-line or the line), ``constrained`` (relations beyond the box), ``cases``
        (a disjunctive hypothesis) or ``vacuous``."""
        if self.vacuous:
            return "vacuous"
        if self.cases:
            return "cases"
        return "constrained" if self.constraints else "unbounded" if self.unbounded else "bounded"


def classify(expr: sympy.Expr) -> str:
    """The benchmark class of a margin (:data:`CLASSES`; else cube and n-th roots, sqrt, or algebraic)."""
    for name, fns in CLASSES:
        if any(expr.has(f) for f in fns):
            return name
    exps = {p.exp for p in expr.atoms(sympy.Pow)}
    if any(e.is_Rational and not e.is_Integer and e.q > 2 for e in exps):
        return "cube and n-th roots"
    if any(e.is_Rational and not e.is_Integer for e in exps):
        return "sqrt"
    return "algebraic"


@dataclass
class _Definitions:
    """What a file's axioms define: constants with a value (``a = 6``), named constants bounded by axioms
    (``abs(t) <= a``: symbols), and functions (``f1(X) = ...``: parameters and body tokens)."""

    values: dict[str, sympy.Expr] = field(default_factory=dict)
    symbols: dict[str, sympy.Symbol] = field(default_factory=dict)
    functions: dict[str, tuple[list[str], list[str]]] = field(default_factory=dict)


class _Parser:
    def __init__(self, toks: list[str], defs: _Definitions | None = None,
                 bound: dict[str, sympy.Expr] | None = None) -> None:
        self.toks, self.i = toks, 0
        self.defs = defs or _Definitions()
        self.vars: dict[str, sympy.Expr] = dict(bound or {})
        self.exists = False

    def peek(self) -> str | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def take(self, want: str | None = None) -> str:
        t = self.peek()
        if t is None or (want is not None and t != want):
            raise Unsupported(f"expected {want or 'more'}, found {t!r}")
        self.i += 1
        return t

    # formulas: quantifier > implication > disjunction > conjunction > negation > atom
    def formula(self) -> Any:
        if self.peek() in ("!", "?"):
            if self.take() == "?":
                self.exists = True
            self.take("[")
            while True:
                name = self.take()
                if not re.fullmatch(r"[A-Z][A-Za-z0-9_]*", name):
                    raise Unsupported(f"bad variable {name!r}")
                self.vars[name] = sympy.Symbol(name, real=True)
                if self.peek() == ",":
                    self.take(",")
                    continue
                break
            self.take("]")
            self.take(":")
            return self.formula()
        left = self.disj()
        if self.peek() == "=>":
            self.take("=>")
            return ("=>", left, self.formula())
        if self.peek() == "<=>":
            raise Unsupported("the connective <=>")
        return left

    def disj(self) -> Any:
        parts = [self.conj()]
        while self.peek() == "|":
            self.take("|")
            parts.append(self.conj())
        return parts[0] if len(parts) == 1 else ("|", *parts)

    def conj(self) -> Any:
        parts = [self.atom()]
        while self.peek() == "&":
            self.take("&")
            parts.append(self.atom())
        return parts[0] if len(parts) == 1 else ("&", *parts)

    def atom(self) -> Any:
        if self.peek() == "~":
            self.take("~")
            return ("~", self.atom())
        if self.peek() in ("!", "?"):
            return self.formula()
        if self.peek() == "(":  # a parenthesised formula or term: try the formula first
            save = self.i
            self.take("(")
            first: Unsupported | None = None
            try:
                f = self.formula()
                self.take(")")
                if isinstance(f, tuple) and self.peek() not in (*_RELATIONS, ":", "+", "-", "*", "/", "^"):
                    return f
            except Unsupported as exc:
                first = exc
            self.i = save
            try:
                return self._comparison()
            except Unsupported:
                raise (first or Unsupported("cannot read a parenthesised formula")) from None
        return self._comparison()

    def _comparison(self) -> Any:
        left = self.term()
        op = self.peek()
        if op == ":":
            self.take(":")
            return ("in", left, *self.range_())
        if op not in _RELATIONS:
            raise Unsupported(f"expected a comparison, found {op!r}")
        self.take()
        return (op, left, self.term())

    def range_(self) -> tuple[Any, bool, Any, bool]:
        first = self.take()
        if first not in ("(", "(=", "["):
            raise Unsupported(f"bad interval {first!r}")
        lo = self.term()
        self.take(",")
        hi = self.term()
        last = self.take()
        if last not in (")", "=)", "]"):
            raise Unsupported(f"bad interval end {last!r}")
        return lo, first == "(", hi, last == ")"

    # terms: sum > product > unary minus > power > primary
    def term(self) -> sympy.Expr:
        out = self.product()
        while self.peek() in ("+", "-"):
            op = self.take()
            r = self.product()
            out = out + r if op == "+" else out - r
        return out

    def product(self) -> sympy.Expr:
        out = self.unary()
        while self.peek() in ("*", "/"):
            op = self.take()
            r = self.unary()
            out = out * r if op == "*" else out / r
        return out

    def unary(self) -> sympy.Expr:
        if self.peek() == "-":
            self.take("-")
            return -self.unary()
        return self.power()

    def power(self) -> sympy.Expr:
        base = self.primary()
        if self.peek() == "^":
            self.take("^")
            return _power(base, self.unary())  # 10^-5, X^(1/2); right-associative
        return base

    def _args(self) -> list[sympy.Expr]:
        self.take("(")
        args = [self.term()]
        while self.peek() == ",":
            self.take(",")
            args.append(self.term())
        self.take(")")
        return args

    def primary(self) -> sympy.Expr:
        t = self.take()
        if t == "(":
            e = self.term()
            self.take(")")
            return e
        if re.fullmatch(r"(\d+(\.\d+)?|\.\d+)([eE][-+]?\d+)?", t):
            return sympy.Rational(t if t[0] != "." else "0" + t)  # exact: 0.067 is 67/1000
        if t in self.vars:
            return self.vars[t]
        if t in CONSTANTS:
            return CONSTANTS[t]
        if t in self.defs.values:
            return self.defs.values[t]
        if t in self.defs.functions:
            params, body = self.defs.functions[t]
            args = self._args()
            if len(args) != len(params):
                raise Unsupported(f"{t} with {len(args)} arguments")
            sub = _Parser(body, self.defs, dict(zip(params, args)))
            out = sub.term()
            if sub.peek() is not None:
                raise Unsupported(f"unread text in the definition of {t}")
            return out
        if t in FUNCTIONS:
            fn, arity = FUNCTIONS[t]
            args = self._args()
            if len(args) != arity:
                raise Unsupported(f"{t} with {len(args)} arguments")
            return fn(*args)
        if t in self.defs.symbols:
            return self.defs.symbols[t]
        raise Unsupported(f"the name {t!r} is not in the whitelist")


def _statements(text: str) -> list[tuple[str, str, str, str]]:
    """``(language, name, role, formula)`` of each ``fof``/``cnf`` statement of a TPTP file (comments dropped)."""
    body = "\n".join(line.split("%", 1)[0] for line in text.splitlines())
    found = []
    for m in re.finditer(r"\b(fof|cnf)\(\s*'?([\w-]+)'?\s*,\s*(\w+)\s*,", body):
        depth, j = 1, m.end()
        while j < len(body) and depth:
            depth += {"(": 1, ")": -1}.get(body[j], 0)
            j += 1
        found.append((m.group(1), m.group(2), m.group(3), body[m.end():j - 1]))
    return found


def conjecture_text(text: str) -> tuple[str, str]:
    """``(name, formula)`` of the one ``fof(name, conjecture, formula).`` of a TPTP file (comments dropped)."""
    found = [(name, f) for lang, name, role, f in _statements(text) if lang == "fof" and role == "conjecture"]
    if len(found) != 1:
        raise Unsupported(f"{len(found)} conjectures")
    return found[0]


def _definitions(text: str) -> tuple[_Definitions, list[str]]:
    """The file's definitions (:class:`_Definitions`) and the formulas of its ``fof`` axioms on its constants
    (hypotheses of the problem). A ``cnf`` axiom that is not a definition ``f(X, ...) = term`` of a name outside the
    whitelist is one of MetiTarski's own bounds (``sqrt_lower_bound_1_scaled``): not part of the problem, left out."""
    defs, hyps = _Definitions(), []
    for lang, _name, role, f in _statements(text):
        if role != "axiom":
            continue
        toks = _tokens(f)
        while len(toks) > 2 and toks[0] == "(" and toks[-1] == ")":
            toks = toks[1:-1]
        if lang == "cnf":
            m = re.fullmatch(r"([a-z]\w*)\(([A-Z]\w*(?:,[A-Z]\w*)*)\)=(.*)", "".join(toks))
            if m and m.group(1) not in FUNCTIONS:
                params = m.group(2).split(",")
                eq = toks.index("=")
                defs.functions[m.group(1)] = (params, toks[eq + 1:])
            continue
        if len(toks) == 3 and toks[1] == "=" and re.fullmatch(r"[a-z]\w*", toks[0]):
            try:
                defs.values[toks[0]] = sympy.Rational(toks[2])
                continue
            except (TypeError, ValueError):
                pass
        hyps.append(f)
    for f in hyps:  # the lowercase names the axioms bound are the problem's constants: symbols
        for t in _tokens(f):
            if re.fullmatch(r"[a-z]\w*", t) and t not in FUNCTIONS and t not in CONSTANTS and t not in defs.values:
                defs.symbols.setdefault(t, sympy.Symbol(t, real=True))
    return defs, hyps


def _relation(op: str, a: sympy.Expr, b: sympy.Expr) -> sympy.Basic:
    return _SYMPY_REL[op](a, b, evaluate=False)


def _bound(atom: Any, bounds: dict[sympy.Symbol, list[list[tuple[Any, bool]]]]) -> bool:
    """Record a bound of one variable by a constant (its value, and whether it is strict); False when ``atom`` is no
    such bound."""
    op = atom[0]
    if op == "in":
        _, v, lo, lo_open, hi, hi_open = atom
        if not (v.is_Symbol and lo.is_number and hi.is_number):
            return False
        bounds[v][0].append((lo, lo_open))
        bounds[v][1].append((hi, hi_open))
        return True
    if op not in ("<", "<=", ">", ">=", "="):
        return False
    _, a, b = atom
    if op == "=":
        if a.is_Symbol and b.is_number or b.is_Symbol and a.is_number:
            v, c = (a, b) if a.is_Symbol else (b, a)
            bounds[v][0].append((c, False))
            bounds[v][1].append((c, False))
            return True
        return False
    if op in (">", ">="):
        a, b = b, a  # a <= b
    strict = op in ("<", ">")
    if isinstance(a, sympy.Abs) and a.args[0].is_Symbol and b.is_number:  # abs(X) < c: -c < X < c
        bounds[a.args[0]][0].append((-b, strict))
        bounds[a.args[0]][1].append((b, strict))
        return True
    if a.is_Symbol and b.is_number:
        bounds[a][1].append((b, strict))
        return True
    if b.is_Symbol and a.is_number:
        bounds[b][0].append((a, strict))
        return True
    return False


#: the most cases a disjunction among the hypotheses splits a problem into
MAX_CASES = 16


def _cases(tree: Any, negate: bool = False) -> list[list[Any]]:
    """The hypotheses ``tree`` (negated where ``negate``) in disjunctive normal form: a list of cases, each a list of
    relations that all hold (a negated relation is its opposite; ``P => Q`` is ``~P | Q``)."""
    if not isinstance(tree, tuple):
        raise Unsupported("a hypothesis that is not a relation")
    op = tree[0]
    if op == "~":
        return _cases(tree[1], not negate)
    if op == "=>":
        return _cases(("|", ("~", tree[1]), tree[2]), negate)
    if op in ("&", "|"):
        parts = [_cases(part, negate) for part in tree[1:]]
        if (op == "|") != negate:  # a disjunction: the union of the parts' cases
            out = [case for cs in parts for case in cs]
        else:  # a conjunction: one case of each part, every combination
            out = [[]]
            for cs in parts:
                out = [a + b for a in out for b in cs]
                if len(out) > MAX_CASES:
                    raise Unsupported(f"the hypotheses split into more than {MAX_CASES} cases")
        if len(out) > MAX_CASES:
            raise Unsupported(f"the hypotheses split into more than {MAX_CASES} cases")
        return out
    if not negate:
        return [[tree]]
    if op == "in":  # not in [lo, hi]: below it, or above it
        _, v, lo, lo_open, hi, hi_open = tree
        return [[(">=" if lo_open else ">", lo, v)], [(">=" if hi_open else ">", v, hi)]]
    if op in _NEGATED:
        return [[(_NEGATED[op], tree[1], tree[2])]]
    raise Unsupported(f"a hypothesis {op!r}")


def _constraint(atom: Any) -> list[sympy.Basic]:
    """A hypothesis that is no constant bound, as SymPy relations (``lo <= f <= hi`` as two)."""
    if atom[0] == "in":
        _, v, lo, lo_open, hi, hi_open = atom
        return [_relation("<" if lo_open else "<=", lo, v), _relation("<" if hi_open else "<=", v, hi)]
    if atom[0] in _SYMPY_REL:
        return [_relation(*atom)]
    raise Unsupported(f"a hypothesis {atom[0]!r}")


def _margins(tree: Any) -> tuple[list[sympy.Expr], bool]:
    """The margins of a conclusion (each ``>= 0``) and whether any of its inequalities is strict."""
    if isinstance(tree, tuple) and tree[0] == "~" and isinstance(tree[1], tuple) and tree[1][0] in _NEGATED:
        tree = (_NEGATED[tree[1][0]], tree[1][1], tree[1][2])
    if not isinstance(tree, tuple):
        raise Unsupported("the conclusion is not a relation")
    op = tree[0]
    if op == "&":
        got = [_margins(part) for part in tree[1:]]
        return [m for ms, _ in got for m in ms], any(s for _, s in got)
    if op == "|":
        got = [_margins(part) for part in tree[1:]]
        return [sympy.Max(*[ms[0] if len(ms) == 1 else sympy.Min(*ms) for ms, _ in got])], any(s for _, s in got)
    if op == "in":
        _, v, lo, lo_open, hi, hi_open = tree
        return [v - lo, hi - v], lo_open or hi_open
    if op in ("<", "<="):
        return [tree[2] - tree[1]], op == "<"
    if op in (">", ">="):
        return [tree[1] - tree[2]], op == ">"
    if op == "=":
        return [tree[1] - tree[2], tree[2] - tree[1]], False
    raise Unsupported(f"the conclusion {op!r} is not an inequality")


def _side(found: list[tuple[Any, bool]], low: bool) -> tuple[Any, bool]:
    """One side's bound (None: none) and whether it is strict: the tightest of several is their ``Max``/``Min``,
    read as closed (a superset of the problem's domain) unless one number is the tightest."""
    if not found:
        return None, False
    if len(found) == 1:
        return found[0]
    values = [b for b, _ in found]
    best = (sympy.Max if low else sympy.Min)(*values)
    strict = [s for b, s in found if b == best]
    return best, bool(strict) and all(strict)


def _exact_end(v: sympy.Expr) -> sympy.Expr:
    """``v`` as the box's end: an exact real number (``pi/2 - 10^-6`` stays as it is, see the module docstring)."""
    if not (v.is_number and v.is_real and v.is_finite):
        raise Unsupported(f"the bound {v} is not a finite real number")
    return v


def _problem(name: str, margins: list[sympy.Expr], strict: bool, variables: list[sympy.Symbol],
             hyps: list[Any]) -> Problem | None:
    """The problem of one case of the hypotheses (None: a case whose bounds are empty, which holds vacuously)."""
    bounds: dict[sympy.Symbol, list[list[tuple[Any, bool]]]] = {v: [[], []] for v in variables}
    constraints: list[sympy.Basic] = []
    for h in hyps:
        if not _bound(h, bounds):
            for c in _constraint(h):
                if c is sympy.true or (not c.free_symbols and bool(c.func(*c.args)) is True):
                    continue
                if c is sympy.false or not c.free_symbols:
                    return None
                constraints.append(c)
    free = set().union(*(m.free_symbols for m in margins), *(c.free_symbols for c in constraints))
    domain, unbounded = {}, []
    for v, (lows, highs) in bounds.items():
        if v not in free:
            continue
        (lo, lo_open), (hi, hi_open) = _side(lows, True), _side(highs, False)
        if lo is None or hi is None:
            unbounded.append(str(v))
        lo = -sympy.oo if lo is None else _exact_end(sympy.sympify(lo))
        hi = sympy.oo if hi is None else _exact_end(sympy.sympify(hi))
        if lo.is_number and hi.is_number and (bool(lo > hi) or (lo == hi and (lo_open or hi_open))):
            return None
        domain[v] = sympy.Interval(lo, hi, lo_open, hi_open) if lo_open or hi_open else (lo, hi)
    return Problem(name, margins, domain, strict, unbounded, constraints)


def convert(text: str, name: str = "") -> Problem:
    """The prover's question of one TPTP problem (see the module docstring); :class:`Unsupported` if outside. A
    disjunction among the hypotheses splits the problem into cases (:attr:`Problem.cases`, each proved on its own);
    a problem whose every case has empty bounds holds vacuously (:attr:`Problem.vacuous`)."""
    fname, formula = conjecture_text(text)
    defs, axioms = _definitions(text)
    p = _Parser(_tokens(formula), defs)
    tree = p.formula()
    if p.peek() is not None:
        raise Unsupported(f"unread text from {p.peek()!r}")
    if p.exists:
        raise Unsupported("an existential conjecture (? [X] : ...)")
    hyp_trees: list[Any] = []
    for ax in axioms:
        hyp_trees.append(_Parser(_tokens(ax), defs).formula())
    while isinstance(tree, tuple) and tree[0] == "=>":
        _, h, tree = tree
        hyp_trees.append(h)
    margins, strict = _margins(tree)
    cases = _cases(("&", *hyp_trees)) if hyp_trees else [[]]
    variables = list({**defs.symbols, **{k: v for k, v in p.vars.items() if isinstance(v, sympy.Symbol)}}.values())
    name = name or fname
    got = [_problem(name, margins, strict, variables, case) for case in cases]
    kept = [g for g in got if g is not None]
    if not kept:
        out = Problem(name, margins, {}, strict)
        out.vacuous = "the hypotheses never hold (every case's bounds are empty)"
        return out
    if len(kept) == 1:
        return kept[0]
    first = kept[0]
    return Problem(name, margins, first.domain, strict, sorted({u for g in kept for u in g.unbounded}),
                   [c for g in kept for c in g.constraints], cases=kept)


def read_dir(directory: str | Path) -> list[tuple[str, Problem | str]]:
    """Every ``*.tptp`` of ``directory`` (sorted by name): its problem, or why it was not read."""
    out: list[tuple[str, Problem | str]] = []
    for path in sorted(Path(directory).glob("*.tptp")):
        try:
            out.append((path.name, convert(path.read_text(errors="replace"), path.stem)))
        except (Unsupported, sympy.SympifyError, TypeError, ZeroDivisionError, RecursionError) as exc:
            out.append((path.name, f"{type(exc).__name__}: {exc}"))
    return out
