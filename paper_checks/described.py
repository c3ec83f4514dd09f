"""An enumeration of outcomes whose members are strings with a description, in the manner of hypothesis'
``ExitReason``: the search's (:class:`paper_checks.search.result.Outcome`) and the prover's
(:class:`paper_checks.prover.result.ProofOutcome`). A member equals its value (``ProofOutcome.PROVED ==
"proved"``), which is what JSON and the reports hold."""
from __future__ import annotations

from enum import Enum


class Described(str, Enum):
    """Members are ``NAME = (value, description)``; each is the string ``value`` with a ``description``."""

    description: str

    def __new__(cls, value: str, description: str) -> Described:
        member = str.__new__(cls, value)
        member._value_ = value
        member.description = description
        return member

    def __str__(self) -> str:
        return self.value

    __format__ = str.__format__
