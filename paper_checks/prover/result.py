"""What a proof ends in: :class:`ProofOutcome`, one of four, and :class:`ProofResult`, the outcome with what backs it
(:func:`paper_checks.prover.prove.prove` returns one)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from paper_checks.described import Described
from paper_checks.jsonable import jsonable
from paper_checks.prover.certificate import Certificate
from paper_checks.prover.tracing.defined import Undefined
from paper_checks.search.params import Point


class ProofOutcome(Described):
    """How a proof ended, each member with its ``description`` (a ``str``: ``ProofOutcome.PROVED == "proved"``)."""

    PROVED = ("proved", "every box of every piece closed, the guards' too; the certificate says how")
    COUNTEREXAMPLE = ("counterexample", "an exact point of the domain where the margin is negative, shrunk")
    UNDEFINED = ("undefined", "an exact point of the domain where a node of the margin is not real or not "
                              "defined: no proof exists on this domain")
    UNDECIDED = ("undecided", "the budget of boxes or the time ran out, the margin could not be traced, or boxes "
                              "too narrow to split stayed open; the reason says which and where")


#: the four outcome values, in the order of :class:`ProofOutcome`
OUTCOMES = tuple(o.value for o in ProofOutcome)


@dataclass
class ProofResult:
    """What :func:`~paper_checks.prover.prove.prove` found: its ``outcome`` (:class:`ProofOutcome`; a string given is
    read as one) and what backs it."""

    outcome: ProofOutcome
    boxes: int
    budget: int
    seconds: float
    certificate: Certificate | None = None
    counterexample: Point | None = None
    exact_margin: str | None = None
    exact_margin_value: float | None = None
    shrink_steps: int = 0
    reason: str = ""
    remaining: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    undefined: Undefined | None = None  # outcome ``undefined``: the exact point where a node is not real
    work: float = 0.0  # the work units spent (paper_checks.work): the same on every machine
    work_budget: float = 0.0  # the work budget it had
    counters: dict[str, dict[str, float]] = field(default_factory=dict)  # per closure: calls, work, boxes, proofs
    #: the call's wall-clock net came before its work budget was spent: no answer (``undecided``), the one result
    #: that depends on the machine, and the first words of ``reason`` say so
    interrupted: bool = False

    def __post_init__(self) -> None:
        self.outcome = ProofOutcome(self.outcome)  # type: ignore[call-arg]  # ValueError for a value that is not an outcome

    @classmethod
    def by_the_net(cls, budget: int, seconds: float, spent: float | None, work_budget: float,
                   net: float | None) -> ProofResult:
        """The result of a call whose wall-clock net came (``net`` seconds) at work ``spent`` of ``work_budget``:
        ``undecided`` and :attr:`interrupted`, whatever the proof had found so far (a route the net may have cut
        short is no answer)."""
        from paper_checks.prover.outset import interrupted_text

        spent = None if spent is None else max(spent, 0.0)
        return cls(ProofOutcome.UNDECIDED, 0, budget, seconds, work=0.0 if spent is None else round(spent, 6),
                   work_budget=work_budget,
                   reason=interrupted_text(net, spent, work_budget), interrupted=True)

    @property
    def proved(self) -> bool:
        return self.outcome == ProofOutcome.PROVED

    def to_json(self, boxes: bool = False) -> dict[str, Any]:
        """The result as JSON; ``boxes``: the certificate lists every closed box (its piece, split path,
        method, lower bound and faces), not only the summary."""
        return {"outcome": self.outcome.value, "boxes": self.boxes, "budget": self.budget,
                "seconds": round(self.seconds, 3), "interrupted": self.interrupted,
                "work": self.work, "work_budget": self.work_budget,
                "counters": {k: dict(v) for k, v in self.counters.items()},
                "certificate": self.certificate.to_json(boxes) if self.certificate else None,
                "counterexample": jsonable(self.counterexample), "exact_margin": self.exact_margin,
                "exact_margin_value": self.exact_margin_value, "shrink_steps": self.shrink_steps,
                "reason": self.reason, "remaining": jsonable(self.remaining), "notes": list(self.notes),
                "undefined": None if self.undefined is None else
                {"point": jsonable(self.undefined.point), "node": self.undefined.node, "why": self.undefined.why}}
