"""Reading a user's formula without running it: a whitelist walk of Python's syntax tree.

A loss written as text (``"(1 - p**0.5)/0.5"``, :func:`label_noise_lab.theory.user_losses.from_expression`) and a
loss parameter written as text (``"gce:q=0.7"``, :func:`label_noise_lab.theory.losses.parse_spec`) are read by
:func:`parse_expression` and :func:`parse_number`. Nothing is evaluated by Python: the text is
parsed with :func:`ast.parse`, every node is checked against the grammar below, and the SymPy
expression is then built node by node. ``eval``, ``sympify`` and ``parse_expr`` never see the text.

The grammar (docs/extending.md, "Loss expressions"):

- numbers: integer and decimal literals (``2``, ``0.7``, ``1e-3``; decimals become exact rationals);
- names: ``p`` (the labelled probability; expressions only), ``pi``, ``E``, and the index of a
  ``Sum`` inside that ``Sum``;
- operators: ``+ - * / **`` and unary ``-``/``+``, parentheses;
- functions: ``log`` (``ln``; a second argument is the base), ``exp``, ``sqrt``, ``Abs`` (``abs``),
  ``Min``, ``Max``, ``Heaviside``, ``sign``, ``tanh``, ``sinh``, ``cosh``, ``atan`` (``arctan``), ``asinh``,
  ``erf``, ``erfc``, ``factorial`` (of a whole number up to :data:`MAX_FACTORIAL`)
  and ``Sum(term, (k, a, b))`` with whole-number bounds, expanded into its terms.

Anything else (attributes, subscripts, strings, lambdas, comprehensions, keywords, comparisons,
other names or calls) is refused with one ``ExpressionError`` line quoting the text and the
offending piece. Sizes are capped so that no step runs away: the text's length, the number of
nodes, the nesting depth, the digits of a literal, the bits of any exact number built, numeric
exponents, the argument of ``exp`` when numeric, ``factorial`` and the terms of ``Sum``.
"""
from __future__ import annotations

import ast
import decimal
import re
import time
from typing import Any, Callable, TypeGuard, cast

import mpmath
import sympy

from label_noise_lab.theory.validators import quoted

MAX_LENGTH = 2000
"""Characters of a formula."""
MAX_NODES = 500
"""Nodes of its syntax tree."""
MAX_DEPTH = 100
"""Nesting depth of its syntax tree."""
MAX_DIGITS = 40
"""Significant digits of a numeric literal; a decimal's exponent is at most 300 in size."""
MAX_BITS = 4096
"""Bits of the numerator and denominator of any exact number built along the way."""
MAX_EXPONENT = 1000
"""Largest ``|x|`` of a numeric exponent ``y**x``; a rational exponent's denominator too."""
MAX_EXP_ARG = 1000
"""Largest ``|x|`` of a numeric argument of ``exp``."""
MAX_FACTORIAL = 170
"""Largest argument of ``factorial``."""
MAX_SUM_TERMS = 1000
"""Terms that the ``Sum`` of one formula may expand into, all of them together."""
MAX_MIN_MAX_ARGS = 12
"""Arguments of ``Min`` and ``Max``, all calls together (SymPy compares them pairwise)."""
MAX_BUILT = 20_000
"""Nodes built, ``Sum`` expansions included."""
MAX_SECONDS = 5.0
"""Seconds that building one formula may take (checked at every node)."""
MAX_MAG = 1 << 20
"""Bits of the magnitude of any value met when a formula is evaluated at a point (:func:`value_at`)."""

P = sympy.Symbol("p", positive=True)
"""``p``: the symbol of an expression (the labelled probability in :mod:`label_noise_lab.theory.losses`)."""

CONSTANTS: dict[str, sympy.Expr] = {"pi": sympy.pi, "E": sympy.E}
_ELEMENTARY: dict[str, Any] = {
    "log": sympy.log, "ln": sympy.log, "exp": sympy.exp, "sqrt": sympy.sqrt, "Abs": sympy.Abs, "abs": sympy.Abs,
    "Min": sympy.Min, "Max": sympy.Max, "min": sympy.Min, "max": sympy.Max, "Heaviside": sympy.Heaviside,
    "sign": sympy.sign, "tanh": sympy.tanh, "sinh": sympy.sinh, "cosh": sympy.cosh, "atan": sympy.atan,
    "arctan": sympy.atan, "asinh": sympy.asinh, "erf": sympy.erf, "erfc": sympy.erfc,
}
"""The functions of one argument (two for ``log``, several for ``Min``/``Max``) and the SymPy function each
builds: those of the published losses (the tangent loss's ``atan``, Masnadi-Shirazi et al. 2010; the probit
loss's ``erf``; log-cosh's ``cosh``)."""
FUNCTIONS = (*_ELEMENTARY, "factorial", "Sum")

_OPS: dict[type, Callable[[Any, Any], Any]] = {
    ast.Add: lambda a, b: a + b, ast.Sub: lambda a, b: a - b, ast.Mult: lambda a, b: a * b,
    ast.Div: lambda a, b: a / b,
}
_WORDS = {
    ast.Attribute: "attribute access", ast.Subscript: "subscripts", ast.Lambda: "lambda",
    ast.ListComp: "comprehensions", ast.SetComp: "comprehensions", ast.DictComp: "comprehensions",
    ast.GeneratorExp: "comprehensions", ast.Compare: "comparisons", ast.BoolOp: "and/or",
    ast.IfExp: "if/else", ast.Starred: "starred arguments", ast.JoinedStr: "strings", ast.List: "lists",
    ast.Dict: "dicts", ast.Set: "sets", ast.NamedExpr: "assignments", ast.Await: "await", ast.Slice: "slices",
    ast.Yield: "yield", ast.YieldFrom: "yield", ast.FormattedValue: "strings",
}
_ALLOWED = (ast.Expression, ast.BinOp, ast.UnaryOp, ast.Constant, ast.Name, ast.Load, ast.Call, ast.Tuple,
            ast.Add, ast.Sub, ast.Mult, ast.Div, ast.Pow, ast.USub, ast.UAdd)


class ExpressionError(ValueError):
    """A formula outside the grammar or over a size cap (one line, quoting the text); ``why`` is the reason
    alone."""

    def __init__(self, message: str, why: str = ""):
        super().__init__(message)
        self.why = why or message


#: a literal of the grammar: decimal digits, an optional point and exponent (Python's 0x10, 0o7, 0b1 and 1_0
#: are not numbers here)
_DECIMAL = re.compile(r"(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")


def _short(text: str, n: int = 120) -> str:
    """``text`` quoted, cut to ``n`` characters as written (:func:`label_noise_lab.theory.validators.quoted`: after
    ``repr``, so a
    megabyte of zero-width spaces, each written ``\\u200b``, stays short)."""
    return quoted(text, n)


class _Reader:
    """One formula's walk: ``what`` names it in errors, ``names`` are the symbols it may use."""

    def __init__(self, text: str, what: str, names: dict[str, sympy.Expr]):
        self.text, self.what, self.names = text, what, dict(names)
        self.sum_terms = self.built = 0
        self.deadline = time.monotonic() + MAX_SECONDS

    def fail(self, why: str, node: ast.AST | None = None) -> ExpressionError:
        piece = ast.get_source_segment(self.text, node) if node is not None and hasattr(node, "lineno") else None
        where = f" (at {_short(piece, 60)})" if piece and piece.strip() != self.text.strip() else ""
        return ExpressionError(f"cannot parse the {self.what} {_short(self.text)}: {why}{where}", f"{why}{where}")

    # ------------------------------------------------------------ the syntax check, before anything is built
    def check_tree(self, tree: ast.AST) -> None:
        nodes, stack = 0, [(tree, 0)]
        sums = [n for n in ast.walk(tree) if _is_sum(n)]
        sum_indices = {_sum_parts(n)[0].id for n in sums}
        bounds = {id(n.args[1]) for n in sums}
        allowed_names = set(self.names) | set(CONSTANTS) | sum_indices
        min_max = sum(len(n.args) for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)
                      and n.func.id in ("Min", "Max", "min", "max"))
        if min_max > MAX_MIN_MAX_ARGS:
            raise self.fail(f"Min and Max take at most {MAX_MIN_MAX_ARGS} arguments in all")
        while stack:
            node, depth = stack.pop()
            nodes += 1
            if nodes > MAX_NODES:
                raise self.fail(f"more than {MAX_NODES} syntax nodes")
            if depth > MAX_DEPTH:
                raise self.fail(f"nested deeper than {MAX_DEPTH} levels", node)
            if not isinstance(node, _ALLOWED):
                word = _WORDS.get(type(node)) or _op_word(node)
                raise self.fail(f"{word} not allowed", node)
            if isinstance(node, ast.Tuple) and id(node) not in bounds:
                raise self.fail("tuples are allowed only as the bounds of Sum(term, (k, a, b))", node)
            if isinstance(node, ast.Constant) and (isinstance(node.value, bool) or
                                                   not isinstance(node.value, (int, float))):
                raise self.fail(f"only real numbers are allowed as literals, not {type(node.value).__name__}", node)
            if isinstance(node, ast.Constant) and not _DECIMAL.fullmatch(ast.get_source_segment(self.text, node) or ""):
                raise self.fail("numbers are written in decimal (1.5, 2e-3), without 0x/0o/0b or '_'", node)
            if isinstance(node, ast.Name) and node.id not in allowed_names and node.id not in FUNCTIONS:
                raise self.fail(f"unknown name {node.id!r}: {self._names_hint()}", node)
            if isinstance(node, ast.Call):
                self._check_call(node)
            stack.extend((child, depth + (child is not getattr(node, "left", None) or not _chained(node, child)))
                         for child in ast.iter_child_nodes(node))

    def _names_hint(self) -> str:
        symbols = ", ".join(self.names)
        what = f"only the symbol {symbols}" if len(self.names) == 1 else "only numbers"
        return f"it may use {what}, the constants pi and E and the functions {', '.join(FUNCTIONS)}"

    def _check_call(self, node: ast.Call) -> None:
        if not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS:
            raise self.fail(f"calls only of {', '.join(FUNCTIONS)} are allowed", node)
        if node.keywords:
            raise self.fail("keyword arguments not allowed", node)
        name, n = node.func.id, len(node.args)
        many = (1, MAX_MIN_MAX_ARGS)
        arity = {"log": (1, 2), "ln": (1, 2), "Min": many, "Max": many, "min": many, "max": many,
                 "Sum": (2, 2)}.get(name, (1, 1))
        if not arity[0] <= n <= arity[1]:
            raise self.fail(f"{name} takes {arity[0]}" + (f" to {arity[1]}" if arity[1] != arity[0] else "")
                            + f" argument{'s' if arity[1] > 1 else ''}, got {n}", node)
        if name == "Sum" and not _is_sum(node):
            raise self.fail("write a sum as Sum(term, (k, a, b)) with a one-letter index k", node)

    # ------------------------------------------------------------ building the SymPy expression
    def build(self, node: ast.AST) -> sympy.Expr:
        self.built += 1
        if self.built > MAX_BUILT:
            raise self.fail(f"it builds more than {MAX_BUILT} nodes")
        if time.monotonic() > self.deadline:
            raise self.fail(f"building it took longer than {MAX_SECONDS:g} s")
        if isinstance(node, ast.Expression):
            return self.build(node.body)
        if isinstance(node, ast.Constant):
            return self.literal(node)
        if isinstance(node, ast.Name):
            if node.id in self.names:
                return self.names[node.id]
            if node.id in CONSTANTS:
                return CONSTANTS[node.id]
            raise self.fail(f"{node.id!r} is not defined here", node)
        if isinstance(node, ast.UnaryOp):
            v = self.build(node.operand)
            return self.bounded(-v if isinstance(node.op, ast.USub) else v, node)
        if isinstance(node, ast.BinOp):
            a, b = self.build(node.left), self.build(node.right)
            if isinstance(node.op, ast.Pow):
                return self.power(a, b, node)
            return self.bounded(_OPS[type(node.op)](a, b), node)
        if isinstance(node, ast.Call):
            return self.call(node)
        raise self.fail(f"{type(node).__name__} not allowed", node)

    def literal(self, node: ast.Constant) -> sympy.Expr:
        if isinstance(node.value, int):
            if len(str(abs(node.value))) > MAX_DIGITS:
                raise self.fail(f"a literal of more than {MAX_DIGITS} digits", node)
            return sympy.Integer(node.value)
        text = (ast.get_source_segment(self.text, node) or repr(node.value)).replace("_", "")
        try:
            d = decimal.Decimal(text)
        except decimal.InvalidOperation:
            d = decimal.Decimal(repr(node.value))
        if not d.is_finite() or abs(d.adjusted()) > 300 or len(d.as_tuple().digits) > MAX_DIGITS:
            raise self.fail(f"a number over the caps ({MAX_DIGITS} digits, exponent at most 300)", node)
        return sympy.Rational(*d.as_integer_ratio())

    def bounded(self, e: sympy.Expr, node: ast.AST) -> sympy.Expr:
        """``e``, unless it is an exact number of more than :data:`MAX_BITS` bits."""
        if isinstance(e, sympy.Rational) and max(abs(e.p).bit_length(), e.q.bit_length()) > MAX_BITS:
            raise self.fail(f"a number of more than {MAX_BITS} bits", node)
        return e

    def power(self, base: sympy.Expr, ex: sympy.Expr, node: ast.AST) -> sympy.Expr:
        if ex.is_number:
            if not ex.is_real or not (abs(sympy.N(ex, 15)) <= MAX_EXPONENT):
                raise self.fail(f"a numeric exponent must be real with size at most {MAX_EXPONENT}", node)
            if isinstance(ex, sympy.Rational) and ex.q > MAX_EXPONENT:
                raise self.fail(f"an exponent's denominator must be at most {MAX_EXPONENT}", node)
            if isinstance(base, sympy.Rational) and isinstance(ex, sympy.Rational):
                bits = max(abs(base.p).bit_length(), base.q.bit_length())
                if bits * abs(ex) > MAX_BITS:
                    raise self.fail(f"a number of more than {MAX_BITS} bits", node)
        return self.bounded(base**ex, node)

    def call(self, node: ast.Call) -> sympy.Expr:
        name = cast(ast.Name, node.func).id  # check_tree admitted calls of plain names only
        if name == "Sum":
            return self.sum(node)
        args = [self.build(a) for a in node.args]
        if name == "exp" and args[0].is_number and not (abs(sympy.N(args[0], 15)) <= MAX_EXP_ARG):
            raise self.fail(f"a numeric argument of exp must have size at most {MAX_EXP_ARG}", node)
        if name == "factorial":
            a = args[0]
            if not (isinstance(a, sympy.Integer) and 0 <= a <= MAX_FACTORIAL):
                raise self.fail(f"factorial takes a whole number from 0 to {MAX_FACTORIAL}", node)
            return sympy.factorial(a)
        fn = _ELEMENTARY[name]
        return self.bounded(fn(*args), node)

    def sum(self, node: ast.Call) -> sympy.Expr:
        k, lo_node, hi_node = _sum_parts(node)
        if k.id in self.names or k.id in CONSTANTS or k.id in FUNCTIONS:
            raise self.fail(f"the index of Sum must be a new one-letter name, not {k.id!r}", node)
        lo, hi = self.build(lo_node), self.build(hi_node)
        if not (isinstance(lo, sympy.Integer) and isinstance(hi, sympy.Integer)):
            raise self.fail("the bounds of Sum must be whole numbers", node)
        n = max(int(hi) - int(lo) + 1, 0)
        self.sum_terms += n
        if self.sum_terms > MAX_SUM_TERMS:
            raise self.fail(f"Sum expands into more than {MAX_SUM_TERMS} terms", node)
        terms = []  # k is a new name here (checked above): bound for the term, unbound after
        for i in range(int(lo), int(hi) + 1):
            self.names[k.id] = sympy.Integer(i)
            terms.append(self.build(node.args[0]))
        self.names.pop(k.id, None)
        return sympy.Add(*terms)


def _chained(node: ast.AST, left: ast.AST) -> bool:
    """Whether ``left`` continues the flat chain ``a + b - c + ...`` (or ``a * b / c ...``) of ``node``: a sum
    of 101 terms is one level deep for the depth cap, not 101."""
    kinds = ((ast.Add, ast.Sub), (ast.Mult, ast.Div))
    return isinstance(node, ast.BinOp) and isinstance(left, ast.BinOp) and any(
        isinstance(node.op, k) and isinstance(left.op, k) for k in kinds)


def _is_sum(node: ast.AST) -> TypeGuard[ast.Call]:
    """``Sum(term, (k, a, b))`` with a plain name ``k``."""
    return (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "Sum"
            and len(node.args) == 2 and not node.keywords and isinstance(node.args[1], ast.Tuple)
            and len(node.args[1].elts) == 3 and isinstance(node.args[1].elts[0], ast.Name)
            and len(node.args[1].elts[0].id) == 1)


def _sum_parts(node: ast.Call) -> tuple[ast.Name, ast.expr, ast.expr]:
    """The index ``k`` and the bounds ``a``, ``b`` of a ``Sum(term, (k, a, b))`` that :func:`_is_sum` accepted."""
    k, lo, hi = cast(ast.Tuple, node.args[1]).elts
    return cast(ast.Name, k), lo, hi


def _op_word(node: ast.AST) -> str:
    if isinstance(node, ast.BitXor):
        return "^ (write ** for a power)"
    if isinstance(node, (ast.operator, ast.unaryop)):
        return f"the operator {type(node).__name__}"
    return type(node).__name__


def _read(text: Any, what: str, names: dict[str, sympy.Expr]) -> sympy.Expr:
    if not isinstance(text, str):
        raise TypeError(f"the {what} must be a string, got {type(text).__name__} {text!r}")
    reader = _Reader(text, what, names)
    if len(text) > MAX_LENGTH:
        raise reader.fail(f"longer than {MAX_LENGTH} characters")
    if not text.strip():
        raise reader.fail("it is empty")
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except (SyntaxError, ValueError, RecursionError, MemoryError) as exc:
        raise reader.fail(f"not a formula ({type(exc).__name__}: {getattr(exc, 'msg', exc)})") from None
    reader.text = text.strip()
    reader.check_tree(tree)
    try:
        return reader.build(tree)
    except ExpressionError:
        raise
    except (ArithmeticError, TypeError, ValueError, RecursionError) as exc:
        raise reader.fail(f"{type(exc).__name__}: {exc}") from None


def parse_expression(text: str, symbol: sympy.Symbol = P, what: str = "loss") -> sympy.Expr:
    """The SymPy expression of ``text``, a formula in ``symbol`` (default ``p``), by the module's grammar.

    Raises :class:`ExpressionError` (a ``ValueError``; one line quoting ``text``) for anything outside
    the grammar or over a cap, ``TypeError`` when ``text`` is not a string.

    References
    ----------
    .. [1] Z. Zhang and M. R. Sabuncu, "Generalized Cross Entropy Loss for Training Deep Neural Networks with
       Noisy Labels", NeurIPS 2018, sec. 3.2, Eq. 6 (the kind of formula in ``p`` it reads).

    Examples
    --------
    >>> from label_noise_lab.theory.expressions import parse_expression
    >>> parse_expression("(1 - p**0.5)/0.5")
    2 - 2*sqrt(p)
    >>> parse_expression("__import__('os')")
    Traceback (most recent call last):
    ...
    label_noise_lab.theory.expressions.ExpressionError: cannot parse the loss "__import__('os')": calls only of ...
    """
    return _read(text, what, {symbol.name: symbol})


def parse_number(text: str, what: str = "number") -> sympy.Expr:
    """The exact SymPy number of ``text``: the grammar without symbols (``"0.7"`` -> ``7/10``, ``"1/3"``,
    ``"-4"``, ``"sqrt(2)/2"``). ``ExpressionError`` (a ``ValueError``) otherwise."""
    return _read(text, what, {})


def parse_formula(text: str, symbols: Any, what: str = "formula") -> sympy.Expr:
    """The SymPy expression of ``text`` in the given SymPy ``symbols`` (each used by its name, with its
    assumptions), by the module's grammar: :func:`parse_expression` for several symbols. Raises
    :class:`ExpressionError` (one line quoting ``text``) or ``TypeError`` as it does."""
    return _read(text, what, {s.name: s for s in symbols})


def to_sympy(v: Any, what: str = "value") -> sympy.Expr:
    """``v`` as a SymPy object, reading a string by :func:`parse_number`: the safe ``sympify`` for values
    that may come from a user (a string is never evaluated)."""
    if isinstance(v, str):
        return parse_number(v, what)
    return sympy.sympify(v, strict=True)


# ---------------------------------------------------------------- evaluating a formula at a point, bounded
_MP = mpmath.MPContext()  # a context of its own: 53 bits whatever precision other code sets mpmath.mp to
_MP.prec = 53


def value_at(e: sympy.Expr, x: sympy.Rational, symbol: sympy.Symbol = P) -> Any:
    """``e`` at ``symbol = x`` in 53-bit ``mpmath`` arithmetic (complex where a ``log`` or a root takes a
    negative number), refusing with :class:`ExpressionError` any value met on the way whose magnitude has
    more than :data:`MAX_MAG` bits (``exp(exp(exp(exp(exp(p)))))``), before it is computed where it can be.

    A screen for what SymPy's ``N`` would otherwise spend without limit on; it handles the node types that
    :func:`parse_expression` builds.
    """
    return _mp(e, {symbol: _MP.mpf(int(x.p)) / int(x.q)})


def undefined_at(e: sympy.Expr, x: sympy.Rational, symbol: sympy.Symbol = P) -> str | None:
    """``None`` where ``e`` at ``symbol = x`` is a real, finite number; else its value as text (complex, nan
    or inf): the definedness check of a user's formula, in time bounded by the formula's size
    (:func:`value_at`, never SymPy's ``N``, whose time grows without limit on towers such as
    ``log(log(...(p)))``). An imaginary part within rounding of 0 at 53 bits is decided again at 256 bits,
    where only one within rounding of 0 there is taken for 0. Raises :class:`ExpressionError` as
    :func:`value_at` does.
    """
    v = value_at(e, x, symbol)
    if isinstance(v, _MP.mpc) and abs(v.imag) <= 2.0**-40 * max(1, abs(v)):
        prec = _MP.prec
        _MP.prec = 256
        try:
            v = value_at(e, x, symbol)
        finally:
            _MP.prec = prec
        if isinstance(v, _MP.mpc) and abs(v.imag) <= _MP.mpf(2) ** -200 * max(1, abs(v)):
            v = v.real
    return None if isinstance(v, _MP.mpf) and _MP.isfinite(v) else _MP.nstr(v, 12)


def _too_large(e: sympy.Expr) -> ExpressionError:
    return ExpressionError(f"{_short(str(e), 60)} has a size beyond 2**(+-{MAX_MAG}) there", "too large")


def _checked(v: Any, e: sympy.Expr) -> Any:
    if v != 0 and _MP.isfinite(v) and abs(_MP.mag(v)) > MAX_MAG:
        raise _too_large(e)
    return v


def _mp(e: sympy.Expr, env: dict[sympy.Symbol, Any]) -> Any:
    if e in env:
        return env[e]
    if e.is_Atom:
        if e.is_Rational:
            return _MP.mpf(int(e.p)) / int(e.q)
        if not e.is_finite:  # zoo, oo, nan
            return _MP.nan
        return _MP.mpmathify(e.evalf(_MP.dps + 5))  # pi, E, I
    args = [_mp(a, env) for a in e.args]
    if e.is_Add:
        return _checked(_MP.fsum(args), e)
    if e.is_Mul:
        return _checked(_MP.fprod(args), e)
    if e.is_Pow:
        b, x = args
        if b != 0 and _MP.isfinite(b) and _MP.isfinite(x) and abs(x) * (abs(_MP.mag(b)) + 1) > MAX_MAG:
            raise _too_large(e)
        if b == 0:
            return _MP.mpf(0) if _MP.re(x) > 0 else _MP.mpf(1) if x == 0 else _MP.inf
        return _checked(_MP.power(b, x), e)
    if isinstance(e, sympy.exp):
        if _MP.isfinite(args[0]) and abs(_MP.re(args[0])) > MAX_MAG:
            raise _too_large(e)
        return _checked(_MP.exp(args[0]), e)
    if isinstance(e, sympy.log):
        return _MP.log(args[0]) if args[0] != 0 else -_MP.inf
    if isinstance(e, sympy.Abs):
        return abs(args[0])
    if isinstance(e, (sympy.Min, sympy.Max, sympy.Heaviside)):
        if any(not isinstance(a, _MP.mpf) or _MP.isnan(a) for a in args):
            return _MP.nan
        if isinstance(e, sympy.Heaviside):
            h0 = args[1] if len(args) > 1 else _MP.mpf(0.5)
            return _MP.mpf(1) if args[0] > 0 else _MP.mpf(0) if args[0] < 0 else h0
        return min(args) if isinstance(e, sympy.Min) else max(args)
    if isinstance(e, sympy.sign):
        a = args[0]
        return _MP.nan if not isinstance(a, _MP.mpf) or _MP.isnan(a) else _MP.mpf((a > 0) - (a < 0))
    if isinstance(e, (sympy.sinh, sympy.cosh)):  # grow like exp: the same screen
        if _MP.isfinite(args[0]) and abs(_MP.re(args[0])) > MAX_MAG:
            raise _too_large(e)
        return _checked((_MP.sinh if isinstance(e, sympy.sinh) else _MP.cosh)(args[0]), e)
    slow = {sympy.tanh: _MP.tanh, sympy.atan: _MP.atan, sympy.asinh: _MP.asinh, sympy.erf: _MP.erf,
            sympy.erfc: _MP.erfc}  # bounded, or growing like a logarithm: nothing to screen
    if type(e) in slow:
        return slow[type(e)](args[0])
    raise ExpressionError(f"{type(e).__name__} cannot be evaluated here", "not evaluable")
