"""The counterexample search: declared domains, the sampling loop, shrinking and exact verification.

One room of the instrument (docs/design.md, "Counterexamples"): :mod:`~paper_checks.search.params` (the
parameters and :class:`SearchSpace`), :mod:`~paper_checks.search.loop` (the loop, :func:`search`),
:mod:`~paper_checks.search.result` (:class:`SearchResult` and its outcomes), :mod:`~paper_checks.search.shrinker`,
:mod:`~paper_checks.search.scores`, :mod:`~paper_checks.search.exact` (exact re-evaluation) and
:mod:`~paper_checks.search.rationals`. Every name that ``from paper_checks.search import ...``
gave when the search was one module (``search``, ``SearchResult``, ``OUTCOMES``, the parameters, ...) it still
gives.
"""
from paper_checks.search import loop as _loop
from paper_checks.search.loop import *  # noqa: F403 (the names the one-module search exported)

__all__ = list(_loop.__all__)
