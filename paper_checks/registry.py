"""The claims registry: one registered check per claim id of ``claims.md``.

A paper module registers its checks with :func:`claim`; :func:`load` imports every
paper module once. Each claim records the verdict the project currently expects;
the runner (and pytest) compare computed verdicts against it.
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Callable

from paper_checks.context import Context
from paper_checks.evidence import METHODS, VERDICTS, Evidence
from paper_checks.search import SearchSpace

PAPERS = {
    "ghosh17": "Ghosh, Kumar & Sastry 2017, symmetric losses (via Li's notes 003 and Zhang & Sabuncu 004 sec. 3.1)",
    "gce18": "Zhang & Sabuncu 2018, generalized cross entropy (004; also 003)",
    "patrini17": "Patrini et al. 2017, loss correction (002)",
    "imae19": "Wang et al. 2019, IMAE: gradient magnitude as example weight (via Li's notes 003)",
    "sce19": "Wang et al. 2019, symmetric cross entropy (via Li's notes 003)",
    "dmi19": "Xu et al. 2019, L_DMI: determinant-based mutual information (via Li's notes 003)",
    "le19": "Le & Odobez 2019, embedding losses under label noise (000; reconstructed from the abstract)",
    "xu22": "Xu et al. 2022, hard negative mining and collapse (001; reconstructed from the abstract)",
}
# modules that register claims, imported by load(); a paper may span several
MODULES = (
    "paper_checks.ghosh17",
    "paper_checks.gce18",
    "paper_checks.ghosh17_sim",
    "paper_checks.gce18_sim",
    "paper_checks.patrini17",
    "paper_checks.patrini17_sim",
    "paper_checks.patrini17_hessian",
    "paper_checks.imae19",
    "paper_checks.sce19",
    "paper_checks.dmi19",
    "paper_checks.le19",
    "paper_checks.xu22",
)

CheckFn = Callable[[Context], Evidence]


@dataclass(frozen=True)
class Claim:
    """A claim of a paper and the check that puts it on trial."""

    id: str
    paper: str
    source: str
    statement: str
    expected: str
    method: str
    check: CheckFn
    reconstructed: bool = False
    space: Callable[[], SearchSpace] | None = None
    figures: tuple[str, ...] = ()


REGISTRY: dict[str, Claim] = {}


def claim(
    id: str,
    *,
    source: str,
    statement: str,
    expected: str,
    method: str,
    reconstructed: bool = False,
    space: Callable[[], SearchSpace] | None = None,
    figures: tuple[str, ...] = (),
) -> Callable[[CheckFn], CheckFn]:
    """Register the decorated function as the check of claim ``id``.

    ``space`` (a factory of :class:`SearchSpace`) makes the claim explorable with
    ``python -m paper_checks explore ID``. ``figures`` names the figures of
    ``python -m figures`` drawn from the same computation (listed in the report).
    """
    paper = id.split(".", 1)[0]
    if paper not in PAPERS:
        raise ValueError(f"claim {id!r}: unknown paper {paper!r}")
    if expected not in VERDICTS:
        raise ValueError(f"claim {id!r}: unknown expected verdict {expected!r}")
    if method not in METHODS:
        raise ValueError(f"claim {id!r}: unknown method {method!r}")

    def deco(fn: CheckFn) -> CheckFn:
        if id in REGISTRY:
            raise ValueError(f"claim {id!r} is registered twice")
        REGISTRY[id] = Claim(id, paper, source, statement, expected, method, fn, reconstructed, space,
                             tuple(figures))
        return fn

    return deco


_loaded = False


def load() -> dict[str, Claim]:
    """Import every paper module and return the registry, ordered as registered."""
    global _loaded
    if not _loaded:
        for m in MODULES:
            importlib.import_module(m)
        _loaded = True
    return REGISTRY


def select(papers: list[str] | None = None, ids: list[str] | None = None) -> list[Claim]:
    """Claims of the given papers and ids (all when both are empty), in registry order.

    Raises ``ValueError`` naming any unknown paper or claim id.
    """
    reg = load()
    for p in papers or []:
        if p not in PAPERS:
            raise ValueError(f"unknown paper {p!r}; known papers: {', '.join(PAPERS)}")
    for i in ids or []:
        if i not in reg:
            raise ValueError(f"unknown claim id {i!r}; 'python -m paper_checks list' shows them")
    if not papers and not ids:
        return list(reg.values())
    return [c for c in reg.values() if (papers and c.paper in papers) or (ids and c.id in ids)]
