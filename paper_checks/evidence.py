"""Verdicts and the evidence a check returns (docs/design.md, "Verdicts").

Two mappings are shared by every check, so that no check hand-writes them:

- :meth:`Evidence.from_search` turns a :class:`paper_checks.search.loop.SearchResult` into evidence
  (``refuted`` with the verified counterexample, ``inconclusive`` when the floating-point
  margin was negative but nothing verified or when the margin raised, ``confirmed`` when
  nothing failed; never ``proved``, which only a derivation on the stated domain gives);
- :func:`effect_ladder` turns effect sizes with their standard errors (``Estimate``) into
  ``confirmed`` / ``refuted`` / ``qualified`` / ``inconclusive``, deciding each effect's
  significance with the estimate's own :meth:`label_noise_lab.simulate.engine.estimate.Estimate.sign`.

:func:`jsonable` lives in :mod:`paper_checks.jsonable` (imported here, so
``paper_checks.evidence.jsonable`` keeps working).
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from label_noise_lab.theory.validators import quoted
from paper_checks.jsonable import exact_values, inexact, jsonable
from paper_checks.search.params.domain import narrower, row_text
from paper_checks.search.result import Outcome

if TYPE_CHECKING:  # pragma: no cover  (types only: the search modules never import this one)
    from label_noise_lab.simulate.engine.estimate import Estimate
    from paper_checks.prover import ProofResult
    from paper_checks.search.loop import SearchResult

VERDICTS = ("proved", "confirmed", "refuted", "qualified", "inconclusive")
METHODS = ("symbolic", "exact", "mc", "search", "sim", "prover")
#: methods whose evidence is a sample, not a derivation: they never give ``proved``
SAMPLED_METHODS = ("mc", "sim", "search")


@dataclass
class Evidence:
    """What a check computed.

    Attributes
    ----------
    verdict : one of ``VERDICTS``
    method : one of ``METHODS`` (the main kind of evidence; ``numbers`` may hold more)
    summary : one sentence a reader can quote
    numbers : the figures that back the verdict (JSON-serialisable)
    counterexample : for ``refuted`` (and ``qualified`` where one shows the missing
        condition): the failing values, verified exactly or in high precision
    condition : for ``qualified``: the extra condition under which the claim holds
    figures : names of figures drawn from this computation
    """

    verdict: str
    method: str
    summary: str
    numbers: dict[str, Any] = field(default_factory=dict)
    counterexample: dict[str, Any] | None = None
    condition: str | None = None
    figures: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        for name in ("verdict", "method", "summary"):
            v = getattr(self, name)
            if not isinstance(v, str):
                raise TypeError(f"Evidence: {name} must be a string, got {type(v).__name__} {quoted(v)}")
        if self.condition is not None and not isinstance(self.condition, str):
            raise TypeError(f"Evidence: condition must be a string or None, got {type(self.condition).__name__}")
        if not isinstance(self.numbers, Mapping):
            raise TypeError(f"Evidence: numbers must be a dict of the figures that back the verdict, got "
                            f"{type(self.numbers).__name__} {quoted(self.numbers)}")
        if self.counterexample is not None and not isinstance(self.counterexample, Mapping):
            raise TypeError(f"Evidence: counterexample must be a dict of the failing values (or None), got "
                            f"{type(self.counterexample).__name__} {quoted(self.counterexample)}")
        if isinstance(self.figures, str) or not isinstance(self.figures, (list, tuple)) \
                or not all(isinstance(f, str) for f in self.figures):
            raise TypeError(f"Evidence: figures must be a list of figure names (strings), got "
                            f"{type(self.figures).__name__} {quoted(self.figures)}")
        if self.verdict not in VERDICTS:
            raise ValueError(f"unknown verdict {quoted(self.verdict)}; choose one of {VERDICTS}")
        if self.method not in METHODS:
            raise ValueError(f"unknown method {quoted(self.method)}; choose one of {METHODS}")
        if self.verdict == "proved" and self.method in SAMPLED_METHODS:
            raise ValueError(f"a {self.method!r} method samples the domain and cannot prove; 'proved' needs a "
                             "derivation or a certificate (Evidence.from_certificate)")
        if self.verdict == "refuted" and not self.counterexample:
            raise ValueError("a 'refuted' verdict needs a verified counterexample")
        if self.verdict == "qualified" and not self.condition:
            raise ValueError("a 'qualified' verdict must state its condition")
        if not self.summary.strip():
            raise ValueError("evidence needs a one-sentence summary")

    @classmethod
    def from_search(
        cls,
        result: SearchResult,
        *,
        fails: str,
        holds: str,
        numbers: dict[str, Any] | None = None,
        key: str = "search",
        figures: list[str] | None = None,
    ) -> Evidence:
        """The evidence a search alone gives (the one mapping from a search to a verdict).

        Parameters
        ----------
        result : the search's result
        fails : what a failing point shows, e.g. ``"Eq. 11 fails"`` (the ``refuted`` summary reads
            ``Counterexample (Eq. 11 fails): at ...``)
        holds : what the search looked for, e.g. ``"no violation of Eq. 11"`` (the ``confirmed``
            summary reads ``Search: no violation of Eq. 11 in ...``). Both are quoted as given,
            never re-cased (``l~`` stays ``l~``).
        numbers : the check's other numbers; the search's JSON is added under ``key``
        figures : figure names

        Returns
        -------
        ``refuted`` with the shrunk, exactly verified point (``counterexample``: the point,
        its exact margin and value); ``inconclusive`` when the margin was negative in
        floating point but nothing could be verified, or when the margin raised (stating
        the count and the first error) or when it stopped before its budget was spent (a time
        limit, Ctrl-C) with nothing found; ``confirmed`` when no point failed in the whole budget,
        stating the evaluations, the budget and the smallest margin. A search never proves a claim.

        Raises
        ------
        RuntimeError
            When the margin raised at more than half of the evaluated points: the check is
            broken, and the runner reports the error.
        """
        nums = dict(numbers or {})
        nums.setdefault(key, result.to_json())
        figs = list(figures or [])
        budget = f"{result.evaluated} margin evaluations (budget {result.budget})"
        if result.verified and _inexact_point(result) is not None:  # never "exactly verified" at floats
            return cls("inconclusive", "search", f"The search's counterexample ({fails}) is not exact: "
                       f"{_inexact_point(result)}; an exact point would decide.", nums, figures=figs)
        if result.verified:
            return cls("refuted", "search", f"Counterexample ({fails}): at {jsonable(result.counterexample)} the exact "
                       "margin is "
                       f"{_short(result.exact_margin)} = {result.exact_margin_value:.4g} < 0 (shrunk in "
                       f"{result.shrink_steps} exactly verified steps; {result.evaluated} margin evaluations, budget "
                       f"{result.budget}).", nums, counterexample=search_counterexample(result), figures=figs)
        if result.outcome == Outcome.RAISED:
            if result.error:
                raise RuntimeError(f"the search's margin raised at {result.raised} of {result.evaluated} points; "
                                   f"first: {result.first_error}")
            return cls("inconclusive", "search", f"The margin raised at {result.raised} of {result.evaluated} points "
                       f"(first: {result.first_error}), so the claim is unchecked there; {holds} elsewhere. "
                       "A margin defined on the whole domain would decide.", nums, figures=figs)
        if result.outcome == Outcome.UNVERIFIED:
            why = "; ".join(result.notes) or "no exact verification"
            return cls("inconclusive", "search", f"The floating-point margin reached {result.worst_margin:.3g} but no "
                       f"point was verified in exact arithmetic ({why}); an exact evaluation there would decide.",
                       nums, figures=figs)
        if result.stopped:  # the claim's own budget was not spent: its stated search did not run to the end
            return cls("inconclusive", "search", f"The search stopped early ({result.stopped}) after {budget}: "
                       f"{holds} so far, smallest margin {result.worst_margin:.3g}; the whole budget would decide.",
                       nums, figures=figs)
        dips = sum(c.get("status") == "artefact" for c in result.candidates)
        if dips and result.worst_margin < 0:  # negative floats only where the exact margin is >= 0: rounding
            return cls("confirmed", "search", f"Search: {holds} in {budget}; the floating-point margin dipped to "
                       f"{result.worst_margin:.3g}, and at the {dips} such points verified exactly the exact margin is "
                       ">= 0: rounding.", nums, figures=figs)
        return cls("confirmed", "search", f"Search: {holds} in {budget}; smallest margin {result.worst_margin:.3g}.",
                   nums, figures=figs)

    @classmethod
    def from_certificate(
        cls,
        result: ProofResult,
        *,
        holds: str,
        numbers: dict[str, Any] | None = None,
        key: str = "proof",
        figures: list[str] | None = None,
        space: Any = None,
    ) -> Evidence:
        """The evidence of a finished proof (the one road from a certificate to ``proved``).

        Parameters
        ----------
        result : what :func:`paper_checks.prover.prove` returned; its outcome must be ``proved``
            (a counterexample goes through the search's road, undecided decides nothing)
        holds : what was proved, e.g. ``"Eq. 7's bounds hold for c = 2..8"``
        numbers : the check's other numbers; the proof's JSON is added under ``key``
        figures : figure names
        space : the :class:`~paper_checks.search.params.SearchSpace` proved on, where given: the summary names its
            domain, and one narrower than the statement's (its ``statement_domain``) as a proof of that narrower
            statement; its rows go into ``numbers["domain"]``

        Returns
        -------
        ``proved`` with method ``prover``, stating the boxes, the smallest rigorous lower bound
        and how many boundaries where the margin is exactly 0 were closed.

        Raises
        ------
        ValueError
            When ``result`` is not a finished proof with a certificate.
        """
        cert = getattr(result, "certificate", None)
        if getattr(result, "outcome", None) != "proved" or cert is None:
            raise ValueError(f"from_certificate needs a proved result with a certificate, got outcome "
                             f"{getattr(result, 'outcome', result)!r}")
        nums = dict(numbers or {})
        nums.setdefault(key, result.to_json())
        tight = cert.to_json()["tight_boundaries"]
        how = ", ".join(f"{m} {n}" for m, n in sorted(cert.methods().items()))
        where = "on the whole declared domain"
        if space is not None:
            rows = nums.setdefault("domain", space.domain())
            smaller = narrower(rows)
            where = (f"only on a domain narrower than the statement's ({smaller}), a proof of that narrower "
                     "statement" if smaller else f"on {', '.join(row_text(r) for r in rows)}")
        return cls("proved", "prover", f"Proved: {holds} {where}, over {len(cert.records)} "
                   f"closures ({how}; {len(cert.pieces)} pieces; smallest rigorous lower bound "
                   f"{cert.smallest_lower:.3g}; {tight} closed at points where the margin is exactly 0).",
                   nums, figures=list(figures or []))

    @classmethod
    def from_proof(
        cls,
        result: ProofResult,
        *,
        holds: str,
        fails: str | None = None,
        numbers: dict[str, Any] | None = None,
        key: str = "proof",
        figures: list[str] | None = None,
        space: Any = None,
    ) -> Evidence:
        """The evidence of any prover result (:func:`paper_checks.prover.prove`), whatever its outcome.

        Parameters
        ----------
        result : a ``ProofResult``
        holds : what the margin ``>= 0`` says, e.g. ``"Eq. 7's bounds hold for c = 2..8"``
        fails : what a counterexample shows (default: ``"<holds> fails"``)
        numbers : the check's other numbers; the result's JSON is added under ``key``
        figures : figure names
        space : the space proved on, where given (see :meth:`from_certificate`)

        Returns
        -------
        ``proved`` (method ``prover``) with the certificate's summary for ``proved``
        (:meth:`from_certificate`); ``refuted`` with the exact, shrunk counterexample (the point, its
        exact margin and value) for ``counterexample``; ``inconclusive`` with the prover's reason and what
        is left for ``undecided``, and with the exact point where the margin is not real for ``undefined``.
        """
        outcome = getattr(result, "outcome", None)
        if outcome not in ("proved", "counterexample", "undefined", "undecided"):
            raise ValueError(f"from_proof needs a ProofResult, got {result!r}")
        if outcome == "proved":
            return cls.from_certificate(result, holds=holds, numbers=numbers, key=key, figures=figures, space=space)
        nums = dict(numbers or {})
        nums.setdefault(key, result.to_json())
        figs = list(figures or [])
        if outcome == "counterexample" and _inexact_point(result) is not None:  # never "verified exactly" at floats
            return cls("inconclusive", "prover", f"The prover's counterexample ({fails or holds + ' fails'}) is not "
                       f"exact: {_inexact_point(result)}; an exact point would decide.", nums, figures=figs)
        if outcome == "counterexample":
            cx = {"point": jsonable(result.counterexample), "exact_margin": result.exact_margin,
                  "exact_margin_value": result.exact_margin_value}
            value = result.exact_margin_value
            shown = f"{value:.4g}" if isinstance(value, float) else str(value)
            return cls("refuted", "prover", f"Counterexample ({fails or holds + ' fails'}): at "
                       f"{_short(jsonable(result.counterexample))} the exact margin is {_short(result.exact_margin)} "
                       f"= {shown} < 0 (verified exactly, shrunk in {result.shrink_steps} steps).", nums,
                       counterexample=cx, figures=figs)
        if outcome == "undefined":  # the margin is not real at an exact point of the domain: no proof exists there
            return cls("inconclusive", "prover", f"The margin of '{holds}' is undefined on part of its domain: "
                       f"{_short(result.reason, 400)}", nums, figures=figs)
        return cls("inconclusive", "prover", f"The prover did not decide whether {holds} after {result.boxes} "
                   f"boxes in {result.seconds:.3g} s: {_short(result.reason, 400)}", nums, figures=figs)

    def to_json(self) -> dict[str, Any]:
        return {
            "verdict": self.verdict,
            "method": self.method,
            "summary": self.summary,
            "numbers": jsonable(self.numbers),
            "counterexample": exact_values(self.counterexample),
            "condition": self.condition,
            "figures": list(self.figures),
        }

    def _repr_html_(self) -> str:
        """Rich display in notebooks: the verdict and the report's evidence block (``report.display``)."""
        # imported here: the package paper_checks.report imports the runner, which imports this module
        from paper_checks.report.display import evidence_html_page

        return evidence_html_page(self)

    def _repr_markdown_(self) -> str:
        from paper_checks.report.display import evidence_markdown  # imported here: see _repr_html_

        return evidence_markdown(self)


def _short(text: str | None, n: int = 120) -> str:
    t = str(text)
    return t if len(t) <= n else t[: n - 3] + "..."


def _inexact_point(result: Any) -> str | None:
    """What makes a search's or a proof's counterexample inexact (:func:`paper_checks.jsonable.inexact`, the
    exactness rule: a float in its point), or ``None`` for an exact one. (An exact margin that holds a ``Float`` is
    refused where it is evaluated, :func:`paper_checks.search.exact.evaluate`: such a point is never verified.)"""
    at = inexact(getattr(result, "counterexample", None))
    return None if at is None else f"its point holds the floating-point value {_short(at, 40)}"


def search_counterexample(result: SearchResult) -> dict[str, Any] | None:
    """The counterexample of a verified search as evidence carries it: the point, its exact margin."""
    if not result.verified:
        return None
    return {"point": jsonable(result.counterexample), "exact_margin": result.exact_margin,
            "exact_margin_value": result.exact_margin_value}


# ------------------------------------------------------------------ effects with standard errors
@dataclass(frozen=True)
class Ladder:
    """How a set of effects (each an ``Estimate`` that should be positive) decides a verdict.

    Attributes
    ----------
    verdict : ``confirmed``, ``refuted``, ``qualified`` or ``inconclusive``
    signs : each effect's ``Estimate.sign(z)``: +1 significantly positive, -1 significantly
        negative, 0 not significant
    held, reversed, undecided : effect names by sign
    guards_reversed : names of the guard effects that are significantly negative
    """

    verdict: str
    signs: dict[str, int]
    held: list[str]
    reversed: list[str]
    undecided: list[str]
    guards_reversed: list[str]


def effect_ladder(
    effects: Mapping[str, Estimate],
    z: float,
    *,
    confirm: str = "all",
    refute: str | Callable[[dict[str, int]], bool] = "any",
    guards: Mapping[str, Estimate] | None = None,
) -> Ladder:
    """The verdict of effects that the claim says are positive, from their standard errors.

    Significance is each estimate's own ``est.sign(z)`` (so a change in how ``Estimate``
    decides significance, e.g. a t distribution, applies here unchanged).

    Parameters
    ----------
    effects : name -> estimate of an effect the claim says is positive
    z : the significance threshold in standard errors (docs/design.md: 5 unless stated)
    confirm : ``"all"`` (every effect significantly positive) or ``"majority"`` (more than
        half); either way none may be significantly negative
    refute : ``"any"`` (some effect significantly negative and none positive), ``"all"``
        (every effect significantly negative), ``"majority"`` (more than half negative, or
        some negative and none positive), or a function of the signs
    guards : effects that must not be significantly negative for ``confirmed`` (e.g. per
        setting, where the claim is decided on a pooled effect); a reversed guard turns
        ``confirmed`` into ``qualified``

    Returns
    -------
    Ladder: ``confirmed`` when ``confirm`` holds and no effect or guard is reversed;
    else ``refuted`` when ``refute`` holds; else ``qualified`` when some effect holds;
    else ``inconclusive``.
    """
    if confirm not in ("all", "majority"):
        raise ValueError(f"confirm must be 'all' or 'majority', got {confirm!r}")
    if not callable(refute) and refute not in ("any", "all", "majority"):
        raise ValueError(f"refute must be 'any', 'all', 'majority' or a function, got {refute!r}")
    if not effects:
        raise ValueError("effect_ladder needs at least one effect")
    signs = {k: int(e.sign(z)) for k, e in effects.items()}
    held = [k for k, s in signs.items() if s > 0]
    rev = [k for k, s in signs.items() if s < 0]
    und = [k for k, s in signs.items() if s == 0]
    g_rev = [k for k, e in (guards or {}).items() if int(e.sign(z)) < 0]
    n = len(signs)
    enough = len(held) == n if confirm == "all" else 2 * len(held) > n
    if callable(refute):
        refuted = bool(refute(dict(signs)))
    elif refute == "all":
        refuted = len(rev) == n
    elif refute == "majority":
        refuted = 2 * len(rev) > n or (bool(rev) and not held)
    else:
        refuted = bool(rev) and not held
    if enough and not rev and not g_rev:
        verdict = "confirmed"
    elif refuted:
        verdict = "refuted"
    elif held:
        verdict = "qualified"
    else:
        verdict = "inconclusive"
    return Ladder(verdict, signs, held, rev, und, g_rev)
