"""The result of a counterexample search (:func:`paper_checks.search.loop.search`): :class:`SearchResult` and
its four outcomes, :class:`Outcome` (each with its meaning; also the docstring of :mod:`paper_checks.search.loop`)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from paper_checks.described import Described
from paper_checks.jsonable import jsonable
from paper_checks.search.params import Point


class Outcome(Described):
    """How a search ended, each member with its ``description`` (in the manner of hypothesis' ``ExitReason``).
    A ``str``: a member equals its value (``Outcome.RAISED == "raised"``), which is what JSON and reports hold."""

    COUNTEREXAMPLE = ("counterexample", "a point where the margin is negative, verified in exact arithmetic")
    UNVERIFIED = ("unverified", "the floating-point margin was negative, but no such point could be verified "
                                "in exact arithmetic")
    NO_FAILURE = ("no_failure", "no negative margin (or only floating-point artefacts, non-negative when "
                                "evaluated exactly)")
    RAISED = ("raised", "the margin raised, or returned NaN, at some of the points evaluated")


#: the four outcome values, in the order of :class:`Outcome`
OUTCOMES = tuple(o.value for o in Outcome)


@dataclass
class SearchResult:
    """The outcome of a search (see the module docstring for the four outcomes)."""

    worst: Point
    worst_margin: float
    evaluated: int
    counterexample: Point | None = None
    exact_margin: str | None = None
    exact_margin_value: float | None = None
    verified: bool = False
    notes: list[str] = field(default_factory=list)
    outcome: str = Outcome.NO_FAILURE
    budget: int = 0
    raised: int = 0
    first_error: str | None = None
    candidates: list[dict[str, Any]] = field(default_factory=list)
    shrink_steps: int = 0
    #: why the search stopped before its budget was spent (``None``: it was not), e.g. "timed out after 5 s"
    stopped: str | None = None
    #: the signal that stopped it (Ctrl-C: 2), for the command line's exit status
    stop_signal: int | None = field(default=None, repr=False)

    @property
    def failed(self) -> bool:
        """True when a counterexample was found and verified exactly."""
        return self.verified

    @property
    def error(self) -> bool:
        """True when the margin raised at more than half of the evaluated points."""
        return self.raised * 2 > max(self.evaluated, 1)

    def to_json(self) -> dict[str, Any]:
        """The result as JSON; ``stopped`` only for a search that stopped early."""
        out = {
            "outcome": str(self.outcome),
            "worst": jsonable(self.worst),
            "worst_margin": self.worst_margin,
            "evaluated": self.evaluated,
            "budget": self.budget,
            "raised": self.raised,
            "first_error": self.first_error,
            "counterexample": jsonable(self.counterexample),
            "exact_margin": self.exact_margin,
            "exact_margin_value": self.exact_margin_value,
            "verified": self.verified,
            "shrink_steps": self.shrink_steps,
            "candidates": jsonable(self.candidates),
            "notes": list(self.notes),
        }
        if self.stopped:
            out["stopped"] = self.stopped
        return out

    def _repr_html_(self) -> str:
        """Rich display in notebooks: the outcome and the exact counterexample (:mod:`paper_checks.report.display`)."""
        # imported here: the package paper_checks.report imports the runner, which imports this module
        from paper_checks.report.display import search_html

        return search_html(self)

    def _repr_markdown_(self) -> str:
        from paper_checks.report.display import search_markdown  # imported here: see _repr_html_

        return search_markdown(self)
