"""A reader of MetiTarski's public problems (TPTP ``fof`` conjectures) for the prover's benchmark.

MetiTarski's problem set (Akbarpour & Paulson 2010, "MetiTarski: an automatic theorem prover for
real-valued special functions", J. Automated Reasoning 44(3)) states inequalities over ``exp``, ``ln``,
``sqrt``, ``cbrt``, ``sin``, ``cos``, ``tan``, ``arctan``, ``sinh``, ``cosh``, ``tanh``, ... in TPTP's first-order
syntax: ``fof(name, conjecture, ! [X, Y] : ((0 <= X & X <= 1 & Y : (=0,1=)) => exp(X) >= 1 + X)).``

:func:`convert` reads one file into the prover's question: a margin ``m`` (SymPy) and a box, ``m >= 0`` on
the box. The text is tokenised and parsed by a small recursive-descent grammar; names are looked up in
:data:`FUNCTIONS` and :data:`CONSTANTS` (a whitelist); nothing is ``eval``-ed, and a file outside the
fragment below raises :class:`Unsupported` with the reason:

- the conjecture is ``! [vars] : (H => C)`` or ``! [vars] : C``; ``H`` a conjunction of bounds on single
  variables by constants (``a <= X``, ``X < b``, ``X : (=a,b=)`` and its open forms, ``a <= X <= b`` as two
  atoms), ``C`` one inequality (``<``, ``<=``, ``>``, ``>=``);
- a bound that is an exact real number (``pi/2``, ``pi/2 - 10^-6``) is kept exactly: the prover takes irrational
  ends (it scales the coordinate), and a rounded end would change the problem (``tan X`` on ``X < pi/2`` rounded
  up holds the pole ``pi/2``); one that SymPy cannot place on the real line is refused;
- every variable bounded on both sides (:attr:`Problem.unbounded` lists those that are not: the reader
  still returns them, with an infinite end, for a prover that takes half-lines).

The margin of ``l <= r`` / ``l < r`` is ``r - l`` (``l - r`` for ``>=``/``>``), proved ``>= 0`` on the box: a
strict inequality is read as its closure (``>= 0``, weaker in strictness; :attr:`Problem.strict` records it so
that a table can say so). A strict bound on a variable (``X < 1``) leaves its end open (a ``sympy.Interval``, as
:func:`paper_checks.prover.prove_expr.prove_expr` takes it), so the question asks exactly the problem's points,
not the end where ``1/(1 - X)`` has its pole; where several bounds meet on one side, their ``Max``/``Min`` is read
as closed (more points than the problem's).
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


#: the functions a problem may call (TPTP name -> SymPy), and how many arguments each takes
FUNCTIONS: dict[str, tuple[Any, int]] = {
    "exp": (sympy.exp, 1), "ln": (sympy.log, 1), "log": (sympy.log, 1), "sqrt": (sympy.sqrt, 1),
    "cbrt": (_cbrt, 1), "nthrt": (_nthroot, 2), "nthroot": (_nthroot, 2), "abs": (sympy.Abs, 1),
    "sin": (sympy.sin, 1), "cos": (sympy.cos, 1), "tan": (sympy.tan, 1),
    "arctan": (sympy.atan, 1), "atan": (sympy.atan, 1), "arcsin": (sympy.asin, 1), "asin": (sympy.asin, 1),
    "arccos": (sympy.acos, 1), "acos": (sympy.acos, 1),
    "sinh": (sympy.sinh, 1), "cosh": (sympy.cosh, 1), "tanh": (sympy.tanh, 1),
    "max": (sympy.Max, 2), "min": (sympy.Min, 2),
}
CONSTANTS = {"pi": sympy.pi}

#: the classes of the benchmark table, by the functions a margin holds (the first that matches)
CLASSES = (
    ("arctan", (sympy.atan,)), ("arcsin, arccos", (sympy.asin, sympy.acos)),
    ("sin, cos, tan", (sympy.sin, sympy.cos, sympy.tan)), ("sinh, cosh, tanh", (sympy.sinh, sympy.cosh, sympy.tanh)),
    ("log", (sympy.log,)), ("exp", (sympy.exp,)),
)

_TOKEN = re.compile(r"\s*(?:(?P<num>\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)|(?P<name>[A-Za-z_][A-Za-z0-9_]*)"
                    r"|(?P<op><=>|=>|<=|>=|!=|\(=|=\)|[!\[\]:(),&|~<>=+\-*/^]))")


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
    """One problem: ``margin >= 0`` for every point of ``domain`` (symbol -> closed ``(low, high)``, or a
    ``sympy.Interval`` with an open end; an end ``-oo``/``oo`` where the file bounds the variable on one side
    only)."""

    name: str
    margin: sympy.Expr
    domain: dict[sympy.Symbol, Any]
    strict: bool
    unbounded: list[str] = field(default_factory=list)

    @property
    def klass(self) -> str:
        return classify(self.margin)


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


class _Parser:
    def __init__(self, toks: list[str]) -> None:
        self.toks, self.i = toks, 0
        self.vars: dict[str, sympy.Symbol] = {}

    def peek(self) -> str | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def take(self, want: str | None = None) -> str:
        t = self.peek()
        if t is None or (want is not None and t != want):
            raise Unsupported(f"expected {want or 'more'}, found {t!r}")
        self.i += 1
        return t

    # formulas: implication > disjunction > conjunction > atom
    def formula(self) -> Any:
        if self.peek() == "!":
            self.take("!")
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
        left = self.conj()
        if self.peek() == "=>":
            self.take("=>")
            return ("=>", left, self.formula())
        if self.peek() in ("|", "<=>"):
            raise Unsupported(f"the connective {self.peek()}")
        return left

    def conj(self) -> Any:
        parts = [self.atom()]
        while self.peek() == "&":
            self.take("&")
            parts.append(self.atom())
        return parts[0] if len(parts) == 1 else ("&", *parts)

    def atom(self) -> Any:
        if self.peek() == "~":
            raise Unsupported("negation")
        if self.peek() == "(":  # a parenthesised formula or term: try the formula first
            save = self.i
            self.take("(")
            first: Unsupported | None = None
            try:
                f = self.formula()
                self.take(")")
                if isinstance(f, tuple) and self.peek() not in ("<", "<=", ">", ">=", "=", "!=", ":",
                                                                 "+", "-", "*", "/", "^"):
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
        if op not in ("<", "<=", ">", ">=", "=", "!="):
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
            ex = self.unary()  # 10^-5, X^(1/2); right-associative
            if not ex.is_number:
                raise Unsupported("a variable exponent")
            return base ** ex
        return base

    def primary(self) -> sympy.Expr:
        t = self.take()
        if t == "(":
            e = self.term()
            self.take(")")
            return e
        if re.fullmatch(r"\d+(\.\d+)?([eE][-+]?\d+)?", t):
            return sympy.Rational(t)  # exact: 0.067 is 67/1000
        if t in self.vars:
            return self.vars[t]
        if t in CONSTANTS:
            return CONSTANTS[t]
        if t in FUNCTIONS:
            fn, arity = FUNCTIONS[t]
            self.take("(")
            args = [self.term()]
            while self.peek() == ",":
                self.take(",")
                args.append(self.term())
            self.take(")")
            if len(args) != arity:
                raise Unsupported(f"{t} with {len(args)} arguments")
            return fn(*args)
        raise Unsupported(f"the name {t!r} is not in the whitelist")


def conjecture_text(text: str) -> tuple[str, str]:
    """``(name, formula)`` of the one ``fof(name, conjecture, formula).`` of a TPTP file (comments dropped)."""
    body = "\n".join(line.split("%", 1)[0] for line in text.splitlines())
    found = []
    for m in re.finditer(r"fof\(\s*'?([\w-]+)'?\s*,\s*conjecture\s*,", body):
        depth, j = 1, m.end()
        while j < len(body) and depth:
            depth += {"(": 1, ")": -1}.get(body[j], 0)
            j += 1
        found.append((m.group(1), body[m.end():j - 1]))
    if len(found) != 1:
        raise Unsupported(f"{len(found)} conjectures")
    return found[0]


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
    if op not in ("<", "<=", ">", ">="):
        return False
    _, a, b = atom
    if op in (">", ">="):
        a, b = b, a  # a <= b
    strict = op in ("<", ">")
    if a.is_Symbol and b.is_number:
        bounds[a][1].append((b, strict))
        return True
    if b.is_Symbol and a.is_number:
        bounds[b][0].append((a, strict))
        return True
    return False


def _side(found: list[tuple[Any, bool]], low: bool) -> tuple[Any, bool]:
    """One side's bound (None: none) and whether it is strict: the tightest of several is their ``Max``/``Min``,
    read as closed (a superset of the problem's domain)."""
    if not found:
        return None, False
    if len(found) == 1:
        return found[0]
    return (sympy.Max if low else sympy.Min)(*[b for b, _ in found]), False


def _exact_end(v: sympy.Expr) -> sympy.Expr:
    """``v`` as the box's end: an exact real number (``pi/2 - 10^-6`` stays as it is, see the module docstring)."""
    if not (v.is_number and v.is_real and v.is_finite):
        raise Unsupported(f"the bound {v} is not a finite real number")
    return v


def convert(text: str, name: str = "") -> Problem:
    """The prover's question of one TPTP problem (see the module docstring); :class:`Unsupported` if outside."""
    fname, formula = conjecture_text(text)
    p = _Parser(_tokens(formula))
    tree = p.formula()
    if p.peek() is not None:
        raise Unsupported(f"unread text from {p.peek()!r}")
    hyps: list[Any] = []
    if isinstance(tree, tuple) and tree[0] == "=>":
        _, h, tree = tree
        hyps = list(h[1:]) if h[0] == "&" else [h]
    if not (isinstance(tree, tuple) and tree[0] in ("<", "<=", ">", ">=")):
        raise Unsupported("the conclusion is not one inequality")
    op, a, b = tree
    margin = b - a if op in ("<", "<=") else a - b
    bounds: dict[sympy.Symbol, list[list[tuple[Any, bool]]]] = {v: [[], []] for v in p.vars.values()}
    for h in hyps:
        if isinstance(h, tuple) and h[0] == "&":
            raise Unsupported("a nested conjunction in the hypotheses")
        if not _bound(h, bounds):
            raise Unsupported("a hypothesis that is not a constant bound on one variable")
    free = margin.free_symbols
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
            raise Unsupported(f"the bounds of {v} are empty")
        domain[v] = sympy.Interval(lo, hi, lo_open, hi_open) if lo_open or hi_open else (lo, hi)
    return Problem(name or fname, margin, domain, op in ("<", ">"), unbounded)


def read_dir(directory: str | Path) -> list[tuple[str, Problem | str]]:
    """Every ``*.tptp`` of ``directory`` (sorted by name): its problem, or why it was not read."""
    out: list[tuple[str, Problem | str]] = []
    for path in sorted(Path(directory).glob("*.tptp")):
        try:
            out.append((path.name, convert(path.read_text(errors="replace"), path.stem)))
        except (Unsupported, sympy.SympifyError, TypeError, ZeroDivisionError, RecursionError) as exc:
            out.append((path.name, f"{type(exc).__name__}: {exc}"))
    return out
