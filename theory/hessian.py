"""Exact Hessians of cross-entropy over the parameters of tiny networks (Patrini et al. 2017, Thm 4).

Patrini et al. 2017, sec. 4.4, Thm 4: "Assume that all activation functions are ReLUs. Then, the Hessian
of ``l`` does not change under noise. Moreover, the Hessians of ``l_backward`` and ``l`` are
the same for any ``T``." Its proof writes the cross-entropy at label ``i`` as
``-z_i + A`` with logits ``z = W^(n) x^(n-1) + b^(n)`` and the log-partition
``A = log sum_k e^{z_k}``, and argues that ``z_i`` is "piece-wise linear [in] the model
parameters", so the label enters the Hessian not at all.

The first step is right and exact: ``l(z, i) - l(z, j) = z_j - z_i`` for any logits
(:func:`label_part_identity`), so every label (or label mixture) changes the Hessian only
by the Hessian of a combination of logits. The second is not: with a hidden layer,
``z = relu(x W0 + b0) W1 + b1`` is linear in ``(W1, b1)`` for fixed ``(W0, b0)`` and
vice versa (for a fixed activation pattern), i.e. *bilinear*: its mixed second derivatives
``d^2 z_k / dW0[i, j] dW1[j, k] = relu'(a_j) x_i`` do not vanish and depend on the label
``k``. What does vanish is every within-layer block (:func:`logit_hessian_blocks`).

The networks are written as in :mod:`label_noise_lab.simulate.models`: layer ``l`` maps ``h`` to
``h W_l + b_l`` with ``W_l`` of shape ``(in, out)``, ReLU (resolved at the evaluation
point into its active/inactive linear piece) or sigmoid hidden units, logits at the end.
Parameters are flattened ``W0, b0, W1, b1, ...`` with ``W`` row-major, as in
:mod:`label_noise_lab.simulate.hessian`. At points whose logits are all equal the softmax is uniform and
every Hessian is a rational matrix, so the counterexamples are checked in exact rationals.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Sequence

import sympy

from label_noise_lab.theory.transition import check_stochastic

ACTIVATIONS = ("relu", "sigmoid")
R = sympy.Rational


# ---------------------------------------------------------------- networks and symbols
@dataclass(frozen=True)
class ExactNetwork:
    """A network with exact parameter values.

    Attributes
    ----------
    weights : tuple of sympy.Matrix
        ``W_l`` of shape ``(in_l, out_l)``.
    biases : tuple of sympy.Matrix
        ``b_l`` of shape ``(1, out_l)``.
    activation : {"relu", "sigmoid"}
        Of every hidden layer.
    """

    weights: tuple[sympy.Matrix, ...]
    biases: tuple[sympy.Matrix, ...]
    activation: str = "relu"

    def __post_init__(self) -> None:
        if self.activation not in ACTIVATIONS:
            raise ValueError(f"unknown activation {self.activation!r}; choose one of {ACTIVATIONS}")
        if not self.weights or len(self.weights) != len(self.biases):
            raise ValueError(f"need one bias per weight matrix and at least one layer, got {len(self.weights)} "
                             f"weights and {len(self.biases)} biases")
        for layer, (W, b) in enumerate(zip(self.weights, self.biases)):
            if b.shape != (1, W.shape[1]):
                raise ValueError(f"b{layer} must have shape (1, {W.shape[1]}), got {b.shape}")
            if layer and W.shape[0] != self.weights[layer - 1].shape[1]:
                raise ValueError(f"W{layer} has {W.shape[0]} inputs but layer {layer - 1} has "
                                 f"{self.weights[layer - 1].shape[1]} outputs")

    @classmethod
    def from_lists(cls, weights: Sequence[Sequence[Sequence[Any]]], biases: Sequence[Sequence[Any]],
                   activation: str = "relu") -> "ExactNetwork":
        """From nested lists of numbers (``sympify``-ed; floats are converted exactly)."""
        Ws = tuple(sympy.Matrix([[sympy.nsimplify(v, rational=True) if isinstance(v, float) else sympy.sympify(v)
                                  for v in row] for row in W]) for W in weights)
        bs = tuple(sympy.Matrix([[sympy.nsimplify(v, rational=True) if isinstance(v, float) else sympy.sympify(v)
                                  for v in b]]) for b in biases)
        return cls(Ws, bs, activation)

    @property
    def sizes(self) -> tuple[int, ...]:
        """``(dim, hidden..., c)``."""
        return (self.weights[0].shape[0], *[W.shape[1] for W in self.weights])

    @property
    def c(self) -> int:
        return self.weights[-1].shape[1]


@dataclass(frozen=True)
class Parameters:
    """Symbols of every parameter, in the flat order ``W0, b0, W1, b1, ...``.

    Attributes
    ----------
    weights, biases : symbol matrices of the layer shapes
    flat : the symbols in flat order
    blocks : ``(name, layer, start, stop)`` of every parameter array
    """

    weights: tuple[sympy.Matrix, ...]
    biases: tuple[sympy.Matrix, ...]
    flat: tuple[sympy.Symbol, ...]
    blocks: tuple[tuple[str, int, int, int], ...]

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(str(s) for s in self.flat)

    def layer_ranges(self) -> tuple[tuple[int, int], ...]:
        """``(start, stop)`` of layer ``l`` (its ``W_l`` and ``b_l``)."""
        L = len(self.weights)
        return tuple((self.blocks[2 * layer][2], self.blocks[2 * layer + 1][3]) for layer in range(L))


def check_sizes(sizes: Sequence[int]) -> tuple[int, ...]:
    """``(dim, hidden..., c)`` with every entry a positive integer and ``c >= 2``."""
    sizes = tuple(sizes)
    if len(sizes) < 2 or any(not isinstance(s, int) or isinstance(s, bool) or s < 1 for s in sizes) or sizes[-1] < 2:
        raise ValueError(f"sizes must be (dim, hidden..., c) of positive integers with c >= 2, got {sizes!r}")
    return sizes


def parameter_symbols(sizes: Sequence[int]) -> Parameters:
    """Real symbols ``W{l}[i,j]`` and ``b{l}[j]`` for a network of the given sizes."""
    sizes = check_sizes(sizes)
    Ws: list[sympy.Matrix] = []
    bs: list[sympy.Matrix] = []
    flat: list[sympy.Symbol] = []
    blocks: list[tuple[str, int, int, int]] = []
    for layer, (din, dout) in enumerate(zip(sizes[:-1], sizes[1:])):
        W = sympy.Matrix(din, dout, lambda i, j: sympy.Symbol(f"W{layer}[{i},{j}]", real=True))
        b = sympy.Matrix(1, dout, lambda _, j: sympy.Symbol(f"b{layer}[{j}]", real=True))
        for name, M in ((f"W{layer}", W), (f"b{layer}", b)):
            start = len(flat)
            flat.extend(list(M))  # row-major, as numpy's ravel
            blocks.append((name, layer, start, len(flat)))
        Ws.append(W)
        bs.append(b)
    return Parameters(tuple(Ws), tuple(bs), tuple(flat), tuple(blocks))


def parameter_values(net: ExactNetwork, syms: Parameters) -> dict[sympy.Symbol, Any]:
    """The substitution ``symbol -> value`` of ``net``."""
    if tuple(W.shape for W in net.weights) != tuple(W.shape for W in syms.weights):
        raise ValueError(f"network sizes {net.sizes} differ from the symbols' sizes")
    out: dict[sympy.Symbol, Any] = {}
    for Ms, Mv in zip((*syms.weights, *syms.biases), (*net.weights, *net.biases)):
        out.update(zip(list(Ms), list(Mv)))
    return out


def _point(x: Sequence[Any], dim: int) -> sympy.Matrix:
    x = [sympy.sympify(v) for v in x]
    if len(x) != dim:
        raise ValueError(f"the input must have {dim} coordinates, got {len(x)}: {x}")
    return sympy.Matrix([x])


def activation_pattern(net: ExactNetwork, x: Sequence[Any]) -> tuple[tuple[int, ...], ...]:
    """``1[a > 0]`` for every hidden ReLU at input ``x``, evaluated exactly.

    Raises
    ------
    ValueError
        When a pre-activation is exactly 0: the ReLU network is not twice differentiable there.
    """
    h = _point(x, net.sizes[0])
    pattern = []
    for layer in range(len(net.weights) - 1):
        a = h * net.weights[layer] + net.biases[layer]
        for j, v in enumerate(a):
            if v == 0:
                raise ValueError(f"hidden unit {j} of layer {layer} sits on the ReLU kink (pre-activation 0) "
                                 f"at x = {list(x)}")
        pattern.append(tuple(int(bool(v > 0)) for v in a))
        h = a.applyfunc(lambda v: v if v > 0 else sympy.Integer(0)) if net.activation == "relu" else \
            a.applyfunc(lambda v: 1 / (1 + sympy.exp(-v)))
    return tuple(pattern)


def symbolic_logits(syms: Parameters, x: Sequence[Any], activation: str = "relu",
                    pattern: Sequence[Sequence[Any]] | None = None) -> list[sympy.Expr]:
    """Logits as expressions in the parameter symbols at input ``x``.

    ReLU units are replaced by their linear piece ``d_j a_j`` with ``d = pattern[l][j]``
    (0 or 1 from :func:`activation_pattern`, or a symbol to keep every pattern at once);
    sigmoid units by ``1 / (1 + exp(-a))``.
    """
    if activation not in ACTIVATIONS:
        raise ValueError(f"unknown activation {activation!r}; choose one of {ACTIVATIONS}")
    L = len(syms.weights)
    if activation == "relu" and L > 1 and (pattern is None or len(pattern) != L - 1):
        raise ValueError(f"a ReLU network with {L - 1} hidden layers needs one activation pattern per hidden layer")
    h = _point(x, syms.weights[0].shape[0])
    for layer in range(L):
        a = h * syms.weights[layer] + syms.biases[layer]
        if layer == L - 1:
            return list(a)
        if activation == "relu":
            assert pattern is not None  # checked above: a hidden layer here means L > 1, which needs a pattern
            d = list(pattern[layer])
            if len(d) != a.shape[1]:
                raise ValueError(f"pattern of layer {layer} has {len(d)} entries, the layer has {a.shape[1]} units")
            h = sympy.Matrix([[d[j] * a[j] for j in range(a.shape[1])]])
        else:
            h = a.applyfunc(lambda v: 1 / (1 + sympy.exp(-v)))
    raise AssertionError("unreachable")  # pragma: no cover


def logits_at(net: ExactNetwork, x: Sequence[Any]) -> list[sympy.Expr]:
    """The exact logits of ``net`` at ``x``."""
    syms = parameter_symbols(net.sizes)
    pattern = activation_pattern(net, x) if net.activation == "relu" else None
    z = symbolic_logits(syms, x, net.activation, pattern)
    vals = parameter_values(net, syms)
    return [sympy.simplify(v.subs(vals)) for v in z]


# ---------------------------------------------------------------- losses
def cross_entropy(z: Sequence[Any], y: int) -> sympy.Expr:
    """``-log softmax(z)_y``, written literally (Patrini et al. 2017, sec. 4.4, proof of Thm 4).

    References
    ----------
    .. [1] G. Patrini, A. Rozza, A. K. Menon, R. Nock and L. Qu, "Making Deep Neural Networks Robust to Label
       Noise: a Loss Correction Approach", CVPR 2017, sec. 4.4, proof of Thm 4.

    Examples
    --------
    >>> from label_noise_lab.theory.hessian import cross_entropy
    >>> cross_entropy([0, 0], 0)
    log(2)
    """
    _check_label(y, len(z))
    S = sympy.Add(*[sympy.exp(v) for v in z])
    return -sympy.log(sympy.exp(z[y]) / S)


def forward_cross_entropy(z: Sequence[Any], T: sympy.Matrix, y: int) -> sympy.Expr:
    """``-log (T^T softmax(z))_y``: the forward-corrected cross-entropy (Patrini et al. 2017, sec. 4.2, Eqs. 3-5).

    References
    ----------
    .. [1] G. Patrini, A. Rozza, A. K. Menon, R. Nock and L. Qu, "Making Deep Neural Networks Robust to Label
       Noise: a Loss Correction Approach", CVPR 2017, sec. 4.2, Eqs. 3-5 and Table 1 (forward row).
    """
    c = len(z)
    _check_label(y, c)
    T = check_transition(T, c)
    S = sympy.Add(*[sympy.exp(v) for v in z])
    return -sympy.log(sympy.Add(*[sympy.exp(z[i]) / S * T[i, y] for i in range(c)]))


def label_part_identity(c: int = 3) -> bool:
    """True when ``l(z, i) - l(z, j) = z_j - z_i`` for symbolic logits and every ``i != j``.

    The exact step of the proof of Thm 4: the log-partition cancels between labels.

    References
    ----------
    .. [1] G. Patrini, A. Rozza, A. K. Menon, R. Nock and L. Qu, "Making Deep Neural Networks Robust to Label
       Noise: a Loss Correction Approach", CVPR 2017, sec. 4.4, proof of Thm 4 (the log-partition does not depend on the
       label).
    """
    z = sympy.symbols(f"z0:{c}", real=True)
    return all(sympy.simplify(sympy.expand_log(cross_entropy(z, i) - cross_entropy(z, j), force=True)
                              - (z[j] - z[i])) == 0 for i in range(c) for j in range(c) if i != j)


def _check_label(y: int, c: int) -> None:
    if not isinstance(y, int) or isinstance(y, bool) or not 0 <= y < c:
        raise ValueError(f"label must be an integer in [0, {c - 1}], got {y!r}")


def check_transition(T: Any, c: int) -> sympy.Matrix:
    """An exact ``c x c`` row-stochastic matrix; ``ValueError`` quoting the bad size or row."""
    T = sympy.Matrix(T)
    if T.shape != (c, c):
        raise ValueError(f"T must be {c} x {c} for c = {c} classes, got shape {T.shape}")
    check_stochastic(T, symbolic_rows=False)
    return T


# ---------------------------------------------------------------- Hessians at a point
def _hessian_at(expr: sympy.Expr, syms: Parameters, vals: dict[sympy.Symbol, Any]) -> sympy.Matrix:
    """Hessian of ``expr`` over the flat parameters, evaluated at ``vals`` exactly.

    A polynomial (a ReLU network's logits on one linear piece) is differentiated monomial by
    monomial, which is far faster than differentiating the expression tree; anything else
    goes through :func:`sympy.hessian`.
    """
    P = len(syms.flat)
    if expr.is_polynomial(*syms.flat):
        index = {s: i for i, s in enumerate(syms.flat)}
        H = sympy.zeros(P, P)
        for term in sympy.Add.make_args(sympy.expand(expr)):
            coeff, powers = sympy.Integer(1), {}
            for base, e in term.as_powers_dict().items():
                if base in index:
                    powers[index[base]] = int(e)
                else:
                    coeff *= base ** e
            for i in powers:
                for j in powers:
                    if j < i or (i == j and powers[i] < 2):
                        continue
                    rest = dict(powers)
                    factor = rest[i] if i != j else rest[i] * (rest[i] - 1)
                    if i != j:
                        factor *= rest[j]
                        rest[j] -= 1
                    rest[i] -= 1 if i != j else 2
                    v = coeff * factor * sympy.Mul(*[vals[syms.flat[k]] ** p for k, p in rest.items() if p])
                    H[i, j] += v
                    if i != j:
                        H[j, i] += v
        return H
    H = sympy.hessian(expr, syms.flat)

    def at(e: sympy.Expr) -> sympy.Expr:
        v = e.xreplace(vals)
        return v if v.is_Rational else sympy.simplify(v)

    return H.applyfunc(at)


def _setup(net: ExactNetwork, x: Sequence[Any]) -> tuple[Parameters, list[sympy.Expr], dict[sympy.Symbol, Any]]:
    syms = parameter_symbols(net.sizes)
    pattern = activation_pattern(net, x) if net.activation == "relu" else None
    return syms, symbolic_logits(syms, x, net.activation, pattern), parameter_values(net, syms)


def loss_hessian(net: ExactNetwork, x: Sequence[Any], weights: Sequence[Any], T: Any = None) -> sympy.Matrix:
    """Exact Hessian over all parameters of ``sum_j w_j l(z(x), j)`` at ``net``.

    ``l`` is :func:`cross_entropy` (``T=None``) or :func:`forward_cross_entropy`. The loss is
    differentiated as written (log of a softmax), so nothing of Thm 4's proof is assumed.
    Rational when the logits at ``x`` are all equal (uniform softmax).

    References
    ----------
    .. [1] G. Patrini, A. Rozza, A. K. Menon, R. Nock and L. Qu, "Making Deep Neural Networks Robust to Label
       Noise: a Loss Correction Approach", CVPR 2017, sec. 4.4, Thm 4.
    """
    syms, z, vals = _setup(net, x)
    w = _weights(weights, net.c)
    Tm = None if T is None else check_transition(T, net.c)
    loss = sympy.Add(*[w[j] * (cross_entropy(z, j) if Tm is None else forward_cross_entropy(z, Tm, j))
                       for j in range(net.c) if w[j] != 0])
    return _hessian_at(loss, syms, vals)


def label_difference_hessian(net: ExactNetwork, x: Sequence[Any], weights: Sequence[Any],
                             reference: Sequence[Any]) -> sympy.Matrix:
    """Exact Hessian of ``sum_j (w_j - w'_j) l(z(x), j)`` for cross-entropy, with ``sum w = sum w'``.

    By :func:`label_part_identity` it equals the Hessian of ``-sum_j (w_j - w'_j) z_j``, a
    polynomial in the parameters for ReLU networks: exact and rational at rational points,
    whatever the logits.
    """
    syms, z, vals = _setup(net, x)
    w, r = _weights(weights, net.c), _weights(reference, net.c)
    if sympy.simplify(sum(w) - sum(r)) != 0:
        raise ValueError(f"the label weights must have equal sums for the log-partition to cancel: {w} vs {r}")
    return _hessian_at(-sympy.Add(*[(w[j] - r[j]) * z[j] for j in range(net.c)]), syms, vals)


def _weights(w: Sequence[Any], c: int) -> list[sympy.Expr]:
    w = [sympy.sympify(v) for v in w]
    if len(w) != c:
        raise ValueError(f"need one label weight per class (c = {c}), got {len(w)}: {w}")
    return w


def onehot(y: int, c: int) -> list[sympy.Integer]:
    _check_label(y, c)
    return [sympy.Integer(int(j == y)) for j in range(c)]


def nonzero_layer_blocks(D: sympy.Matrix, syms: Parameters) -> list[tuple[int, int]]:
    """Layer pairs ``(a, b)``, ``a <= b``, whose block of ``D`` has a non-zero entry (exactly)."""
    ranges = syms.layer_ranges()
    out = []
    for a, (sa, ea) in enumerate(ranges):
        for b, (sb, eb) in enumerate(ranges):
            if a <= b and any(D[i, j] != 0 for i in range(sa, ea) for j in range(sb, eb)):
                out.append((a, b))
    return out


def nonzero_entries(D: sympy.Matrix, names: Sequence[str]) -> dict[str, sympy.Expr]:
    """``{"p, q": D[p, q]}`` over the upper triangle's non-zero entries."""
    return {f"{names[i]}, {names[j]}": D[i, j] for i in range(D.rows) for j in range(i, D.cols) if D[i, j] != 0}


# ---------------------------------------------------------------- structure for every parameter value
def logit_hessian_blocks(sizes: Sequence[int]) -> dict[tuple[int, int], bool]:
    """For a ReLU network of ``sizes``, which layer blocks of ``d^2 z_k / d theta^2`` can be non-zero.

    Parameters, input and the activation pattern are all symbols (``relu(a_j) = d_j a_j`` on
    each linear piece), so the answer holds for every parameter value and input away from the
    kinks. Returns ``{(a, b): True}`` when the block of layers ``a <= b`` is not identically
    zero for some logit ``k``, ``False`` when it vanishes identically for every ``k``.
    """
    sizes = check_sizes(sizes)
    syms = parameter_symbols(sizes)
    x = sympy.symbols(f"x0:{sizes[0]}", real=True)
    pattern = [[sympy.Symbol(f"d{layer}[{j}]") for j in range(w)] for layer, w in enumerate(sizes[1:-1])]
    z = symbolic_logits(syms, x, "relu", pattern)
    ranges = syms.layer_ranges()
    out = {}
    Hs = [sympy.hessian(zk, syms.flat) for zk in z]
    for a, (sa, ea) in enumerate(ranges):
        for b, (sb, eb) in enumerate(ranges):
            if a <= b:
                out[(a, b)] = any(sympy.expand(H[i, j]) != 0 for H in Hs for i in range(sa, ea) for j in range(sb, eb))
    return out


# ---------------------------------------------------------------- the exact examples
@dataclass(frozen=True)
class HessianExample:
    """Exact Hessians of one network at one input, and their differences.

    Attributes
    ----------
    description : what the example shows
    network, x : the model and input (exact)
    label : the clean label ``y``
    T : the exact transition matrix
    names : flat parameter names
    hessian : exact Hessian of the clean ``l(z, y)`` (or ``None`` when not rational)
    differences : name -> exact difference matrix; keys among ``label`` (``H[l(y')] - H[l(y)]``),
        ``noise`` (``sum_j T[y, j] H[l(j)] - H[l(y)]``), ``backward`` (``H[(T^-1 l)_y] - H[l(y)]``),
        ``forward`` (``H[l_forward(y)] - H[l(y)]``), ``forward_noise``
    nonzero_blocks : name -> layer pairs with a non-zero entry
    """

    description: str
    network: ExactNetwork
    x: tuple[Any, ...]
    label: int
    T: sympy.Matrix
    names: tuple[str, ...]
    hessian: sympy.Matrix | None
    differences: dict[str, sympy.Matrix]
    nonzero_blocks: dict[str, list[tuple[int, int]]] = field(default_factory=dict)

    def nonzero(self, comparisons: Sequence[str] | None = None) -> list[str]:
        """The comparisons (all, or those given) whose difference has an exactly non-zero entry."""
        keys = self.differences if comparisons is None else [k for k in comparisons if k in self.differences]
        return [k for k in keys if any(v != 0 for v in self.differences[k])]

    @property
    def is_counterexample(self) -> bool:
        """True when some difference has an exactly non-zero entry."""
        return bool(self.nonzero())

    def to_json(self) -> dict[str, Any]:
        return {
            "description": self.description,
            "sizes": list(self.network.sizes),
            "activation": self.network.activation,
            "weights": [[[str(v) for v in W.row(i)] for i in range(W.rows)] for W in self.network.weights],
            "biases": [[str(v) for v in b] for b in self.network.biases],
            "x": [str(v) for v in self.x],
            "label": self.label,
            "T": [[str(v) for v in self.T.row(i)] for i in range(self.T.rows)],
            "parameters": list(self.names),
            "clean_hessian": None if self.hessian is None else
            [[str(v) for v in self.hessian.row(i)] for i in range(self.hessian.rows)],
            "differences_nonzero_entries": {k: {e: str(v) for e, v in nonzero_entries(D, self.names).items()}
                                            for k, D in self.differences.items()},
            "nonzero_layer_blocks": {k: [list(p) for p in v] for k, v in self.nonzero_blocks.items()},
        }


def hessian_example(net: ExactNetwork, x: Sequence[Any], y: int, T: Any, description: str = "", *,
                    comparisons: Sequence[str] = ("label", "noise", "backward"), full: bool = True) -> HessianExample:
    """Exact Hessian differences of :class:`HessianExample` for ``net`` at ``x``, label ``y``.

    ``label``, ``noise`` and ``backward`` are computed with :func:`label_difference_hessian`
    (exact at any rational point); ``forward`` and ``forward_noise`` with
    :func:`loss_hessian` of the literal losses, and ``full`` adds the clean Hessian: both need
    equal logits at ``x`` to stay rational.
    """
    c = net.c
    _check_label(y, c)
    Tm = check_transition(T, c)
    ey = onehot(y, c)
    D: dict[str, sympy.Matrix] = {}
    for cmp in comparisons:
        if cmp == "label":
            D[cmp] = label_difference_hessian(net, x, onehot((y + 1) % c, c), ey)
        elif cmp == "noise":
            D[cmp] = label_difference_hessian(net, x, list(Tm.row(y)), ey)
        elif cmp == "backward":
            if Tm.det() == 0:
                raise ValueError(f"T is singular, backward correction is undefined: {Tm.tolist()}")
            D[cmp] = label_difference_hessian(net, x, list(Tm.inv().row(y)), ey)
        elif cmp in ("forward", "forward_noise"):
            H0 = loss_hessian(net, x, ey)
            w = ey if cmp == "forward" else list(Tm.row(y))
            D[cmp] = (loss_hessian(net, x, w, Tm) - H0).applyfunc(sympy.simplify)
        else:
            raise ValueError(f"unknown comparison {cmp!r}")
    syms = parameter_symbols(net.sizes)
    H = loss_hessian(net, x, ey) if full else None
    blocks = {k: nonzero_layer_blocks(M, syms) for k, M in D.items()}
    return HessianExample(description, net, tuple(sympy.sympify(v) for v in x), y, Tm, syms.names, H, D, blocks)


FLIP_QUARTER = sympy.Matrix([[R(3, 4), R(1, 4)], [R(1, 4), R(3, 4)]])
"""Binary symmetric noise of rate 1/4: ``T^-1 = [[3/2, -1/2], [-1/2, 3/2]]``."""


def relu_counterexample() -> HessianExample:
    """The smallest ReLU network with a hidden layer: 1 input, 1 hidden unit, 2 classes.

    ``x = 1``, ``W0 = 1``, ``b0 = 0`` (pre-activation 1: the ReLU is 1 unit from its
    kink), ``W1 = 0``, ``b1 = 0`` (logits 0, softmax (1/2, 1/2), so every Hessian is
    rational), ``T`` = symmetric flips of rate 1/4. The logits are
    ``z_k = relu(W0 x + b0) W1[0, k] + b1[k]``, whose mixed derivatives
    ``d^2 z_k / dW0 dW1[0, k] = x`` and ``d^2 z_k / db0 dW1[0, k] = 1`` depend on ``k``.
    """
    net = ExactNetwork.from_lists([[[1]], [[0, 0]]], [[0], [0, 0]], "relu")
    return hessian_example(net, (1,), 0, FLIP_QUARTER,
                           "1-1-2 ReLU network at x = 1, W0 = 1, b0 = 0, W1 = 0, b1 = 0, label 0, flips of rate 1/4")


def sigmoid_counterexample() -> HessianExample:
    """The same shape with a sigmoid unit: here even the hidden layer's own block depends on the label.

    ``x = 1``, ``W0 = 0``, ``b0 = log 3`` (so ``sigmoid = 3/4``, ``sigmoid'' = -3/32``),
    ``W1 = (1, 0)``, ``b1 = (0, 3/4)`` (logits equal: rational Hessians).
    """
    net = ExactNetwork.from_lists([[[0]], [[1, 0]]], [[sympy.log(3)], [0, R(3, 4)]], "sigmoid")
    return hessian_example(net, (1,), 0, FLIP_QUARTER,
                           "1-1-2 sigmoid network at x = 1, W0 = 0, b0 = log 3, W1 = (1, 0), b1 = (0, 3/4), label 0")


def linear_example() -> HessianExample:
    """The linear softmax model (no hidden layer), 1 input, 2 classes, at ``x = 1``, zero weights.

    Every label difference vanishes (``d^2 z = 0``); the forward correction's does not.
    """
    net = ExactNetwork.from_lists([[[0, 0]]], [[0, 0]], "relu")
    return hessian_example(net, (1,), 0, FLIP_QUARTER, "linear softmax model, 1 input, 2 classes, x = 1, W = 0, b = 0",
                           comparisons=("label", "noise", "backward", "forward", "forward_noise"))
