"""The figure registry.

``@figure(name, claim=ID)`` marks a function ``fn(ctx) -> Drawn``. ``ctx`` is the
:class:`paper_checks.context.Context` of the claim ``ID`` (its random stream, seed and precision),
so a figure that calls the claim's data function plots the very numbers the report quotes.
:func:`build` saves the figure, its data as CSV and its caption as text, side by side.
"""
from __future__ import annotations

import inspect
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

from label_noise_lab.figures.style import pyplot
from label_noise_lab.simulate.engine.blas import pinned_blas
from paper_checks.context import Context
from paper_checks.files import atomic_write, records_csv
from paper_checks.registry import load as load_claims

FORMATS = ("png", "pdf", "svg")


@dataclass
class Drawn:
    """A drawn figure: the matplotlib ``Figure``, the plotted numbers and a caption.

    ``data`` is a list of records (one dict per plotted point, bar, cell or line end) with the
    same keys, written as CSV beside the figure; ``caption`` is one paragraph saying what is
    shown, with seeds, precision and what error bars mean.
    """

    figure: Any
    data: list[dict[str, Any]]
    caption: str

    def _repr_html_(self) -> str:
        """Rich display in notebooks: the figure inline and its caption (:mod:`paper_checks.report.display`)."""
        from paper_checks.report.display import drawn_html  # imported here: the report package is heavy (SymPy, SciPy)

        return drawn_html(self)

    def _repr_markdown_(self) -> str:
        from paper_checks.report.display import drawn_markdown  # imported here: see _repr_html_

        return drawn_markdown(self)


@dataclass(frozen=True)
class FigureSpec:
    """A registered figure: its function and the claim whose computation (and stream) it draws.

    ``legacy`` marks a function of the earlier form ``fn(out, fmt, precision) -> Path`` that saves
    itself: :func:`build` still runs it, but it has no data, no caption and ignores the seed.
    """

    name: str
    fn: Callable[..., Any]
    claim: str | None = None
    doc: str = field(default="", compare=False)
    legacy: bool = False


FIGURES: dict[str, FigureSpec] = {}


def figure(name: str, claim: str | None = None) -> Callable[[Callable[[Any], Drawn]], Callable[[Any], Drawn]]:
    """Register ``fn(ctx) -> Drawn`` as figure ``name``, drawn in the random stream of ``claim``."""

    def deco(fn: Callable[[Any], Drawn]) -> Callable[[Any], Drawn]:
        if name in FIGURES:
            raise ValueError(f"figure {name!r} is registered twice")
        legacy = len(inspect.signature(fn).parameters) == 3
        FIGURES[name] = FigureSpec(name, fn, claim, (fn.__doc__ or "").strip(), legacy)
        return fn

    return deco


def load(modules: Iterable[str] = ()) -> dict[str, FigureSpec]:
    """Every registered figure: the loss zoo's (:mod:`label_noise_lab.figures.zoo`, registered when :mod:`figures` is
    imported)
    and those registered by claims modules beside their claims (the built-in catalogue, ``modules``,
    ``$LNL_CLAIMS``, the ``label_noise_lab.claims`` entry points; see :func:`paper_checks.registry.load`).
    """
    load_claims(modules)
    return FIGURES


def context(name: str, precision: str = "standard", seed: int = 0) -> Any:
    """The context figure ``name`` is drawn in: its claim's stream (host NumPy), ``precision`` and ``seed``."""
    spec = load()[name]
    return Context(spec.claim or f"figure.{name}", precision=precision, seed=seed)


def draw(name: str, precision: str = "standard", seed: int = 0, modules: Iterable[str] = ()) -> Drawn:
    """Draw figure ``name`` and return it (not saved): restyle it in a notebook, or :func:`save` it.

    A figure registered beside a user's claims is found once its claims module is loaded (by
    ``api.check``/``api.run``/``api.claims`` with ``modules=``, ``$LNL_CLAIMS``, or ``modules`` here).
    """
    figs = load(modules)
    if name not in figs:
        raise ValueError(f"unknown figure {name!r}; known: {', '.join(figs)}. A figure of your own claims file: "
                         "draw(name, modules=['my_claims.py']) (or set LNL_CLAIMS=my_claims.py)")
    if figs[name].legacy:
        raise TypeError(f"figure {name!r} has the old form fn(out, fmt, precision) -> Path and returns no Figure")
    with pinned_blas():  # the same numbers as the claim's check computes
        return figs[name].fn(context(name, precision, seed))


def save(drawn: Drawn, out: Path, name: str, fmt: str = "png") -> Path:
    """Write ``out/name.fmt``, ``out/name.csv`` (the plotted numbers) and ``out/name.txt`` (the caption).

    Each file is written whole (temporary file and ``os.replace``); the figure is closed.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown figure format {fmt!r}; choose one of {', '.join(FORMATS)}")
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"{name}.{fmt}"
    image = io.BytesIO()
    drawn.figure.savefig(image, format=fmt)
    atomic_write(path, image.getvalue())
    atomic_write(out / f"{name}.csv", records_csv(drawn.data))
    atomic_write(out / f"{name}.txt", drawn.caption.strip() + "\n")
    pyplot().close(drawn.figure)
    return path


def build(name: str, out: Path, fmt: str = "png", precision: str = "standard", seed: int = 0) -> Path:
    """Draw figure ``name`` and save it with its CSV data and caption; returns the figure's path."""
    spec = load().get(name)
    if spec is not None and spec.legacy:
        Path(out).mkdir(parents=True, exist_ok=True)
        return spec.fn(Path(out), fmt, precision)
    return save(draw(name, precision, seed), out, name, fmt)
