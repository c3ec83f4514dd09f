"""Many embedding networks trained at once on the margin loss (the le19 training studies): a thin
caller of :func:`label_noise_lab.simulate.embedding.train.train_loop`, the one embedding training loop.

Replica ``r`` reproduces a single run with ``rng = rngs[r]`` to rounding: its batch order and pairs
come from its own host generator (uploaded explicitly on a device), its parameters and optimiser
state from its slice of the stacked arrays (:class:`label_noise_lab.simulate.training.Optimizer` with a live mask).
"""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from label_noise_lab.simulate.embedding.losses import SAMPLINGS, check_margin
from label_noise_lab.simulate.embedding.train import Objective, check_choice, train_loop
from label_noise_lab.simulate.engine.namespace import dtype_in, namespace_of, to_host
from label_noise_lab.simulate.models import Params, n_layers
from label_noise_lab.simulate.training import Optimizer, TrainConfig
from label_noise_lab.theory.validators import check_int


def train_embeddings(
    Xs: Sequence[Any],
    ys: Sequence[Any],
    params_list: Sequence[Params],
    rngs: Sequence[np.random.Generator],
    *,
    alpha: float | Sequence[float] = 0.2,
    beta: float | Sequence[float] = 1.0,
    sampling: str | Sequence[str] = "balanced",
    normalize: bool = True,
    batch_size: int = 64,
    n_pairs: int | None = None,
    epochs: int = 10,
    lr: float = 0.01,
    optimizer: str = "adam",
    dtype: Any = None,
) -> tuple[list[Params], dict[str, Any]]:
    """Train ``R`` networks on the margin loss at once: replica ``r`` is :func:`train_embedding` on
    ``(Xs[r], ys[r])`` from ``params_list[r]`` with ``rng = rngs[r]`` (``loss="margin"``), to rounding.

    The replicas share nothing but the loop: their parameters are stacked on a leading axis
    (:mod:`label_noise_lab.simulate.models` runs them in one batched product), every replica has its own batch order
    and pairs from its own generator, and its own ``alpha``, ``beta`` and ``sampling`` when sequences
    are given. A replica whose batch has a single class or no positive pair skips that step (its
    parameters and optimiser state stay as they are, and the step is counted in ``history["skipped"]``),
    as in :func:`train_embedding`. Per-step overhead is paid once for all replicas, which is what makes
    the le19 training studies fast on a CPU.

    Parameters
    ----------
    Xs, ys : sequences of R arrays, shapes (n, dim_in) and (n,)
        Inputs and observed labels; every replica has the same ``n``.
    params_list : sequence of R parameter dicts of one architecture
    rngs : sequence of R numpy Generators
    dtype : floating type the networks train in (default ``float64``); ``numpy.float32`` trains the same replicas
        (data, labels, initial weights, batch orders and pairs, rounded) in single precision, about twice as fast
        on a CPU (as :func:`label_noise_lab.simulate.experiments.accuracy_vs_noise`)

    Returns
    -------
    params : list of R dicts
    history : dict
        ``loss`` (epochs + 1, R) mean batch loss per epoch (NaN in row 0), ``skipped`` (epochs + 1, R).
    """
    R = len(params_list)
    if not (len(Xs) == len(ys) == len(rngs) == R) or R < 1:
        raise ValueError(f"need one X, y, params and rng per replica, got {len(Xs)}, {len(ys)}, {R}, {len(rngs)}")
    alphas = np.broadcast_to(np.asarray(alpha, dtype=float), (R,)).copy()
    betas = np.broadcast_to(np.asarray(beta, dtype=float), (R,)).copy()
    modes = [sampling] * R if isinstance(sampling, str) else list(sampling)
    for a in alphas:
        check_margin(float(a))
    if not np.all(np.isfinite(betas)):
        raise ValueError(f"beta must be finite, got {betas}")
    if len(modes) != R:
        raise ValueError(f"need one sampling mode per replica, got {len(modes)} for {R}")
    for md in modes:
        check_choice("sampling", md, SAMPLINGS)
    check_choice("optimizer", optimizer, ("adam", "sgd"))
    batch_size = check_int("batch_size", batch_size, 2)
    xp = namespace_of(params_list[0]["W0"])
    dt = xp.float64 if dtype is None else dtype_in(xp, dtype)
    if not xp.isdtype(dt, "real floating"):
        raise ValueError(f"dtype must be a real floating type, got {dtype!r}")
    X = xp.stack([xp.asarray(x, dtype=dt) for x in Xs])
    y = xp.stack([xp.asarray(v) for v in ys])
    if X.ndim != 3 or y.shape != X.shape[:2] or not namespace_of(y).isdtype(y.dtype, "integral"):
        raise ValueError(f"Xs must be (n, dim_in) arrays of one shape and ys integer (n,), got {X.shape} {y.shape}")
    if not bool(xp.all(xp.isfinite(X))):
        raise ValueError("X contains NaN or infinite values")
    for r in range(R):
        cts = np.bincount(to_host(y[r]))
        if int(xp.sum((cts > 0))) < 2 or int(xp.max(cts)) < 2:
            raise ValueError(f"replica {r}: y_observed needs two classes and a class with two members")
    keys = list(params_list[0])
    P = {k: xp.stack([xp.asarray(p[k], dtype=dt) for p in params_list]) for k in keys}
    n_layers(P)
    m = batch_size if n_pairs is None else check_int("n_pairs", n_pairs, 1)
    opt = Optimizer(TrainConfig(epochs=epochs, lr=lr, batch_size=batch_size, optimizer=optimizer), P)
    obj = Objective("margin", alphas, betas, tuple(modes), n_pairs=m, normalize=normalize)
    hist = train_loop(X, y, P, rngs, obj, opt, batch_size=batch_size, epochs=epochs)
    out = [{k: v[r].copy() for k, v in P.items()} for r in range(R)]
    return out, {"loss": hist["loss"], "skipped": hist["skipped"], "epoch": np.arange(epochs + 1)}
