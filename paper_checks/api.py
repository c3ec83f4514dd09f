"""The public Python API: what a claims file needs, and what the command line does, for notebooks and scripts.

One import serves a claims author (docs/extending.md) and a notebook (docs/api.md)::

    from paper_checks.api import Context, Evidence, SearchSpace, Real, claim, paper, search

- declaring: :func:`paper`, :func:`claim`, :func:`document`, :func:`finding`;
- evidence: :class:`Evidence` (and :func:`effect_ladder`), computed in a :class:`Context`;
- search: :class:`SearchSpace` over :class:`Real`, :class:`Integer`, :class:`SimplexPoint` and
  :class:`StochasticMatrix` parameters, :func:`search`;
- numbers: :func:`mc_mean` (a Monte Carlo mean with its standard error), :class:`TransitionMatrix`
  with :func:`uniform_noise`, :func:`pair_flip` and :func:`sample_noisy_labels`;
- binary labels ``y`` in ``{-1, +1}`` and margin losses ``phi(y t)``: the :class:`Sign` parameter,
  :func:`binary_noise` and :func:`symmetric_binary_noise` (a :class:`BinaryNoise`),
  :func:`sample_binary_labels`, :func:`binary_noisy_risk`, Natarajan et al. 2013's
  :func:`unbiased_margin_loss` and :func:`alpha_weighted_margin_loss` (their exact forms
  :func:`unbiased_loss`, :func:`alpha_weighted_loss`, :func:`alpha_weighted_01_risk`,
  :func:`noisy_expectation`, :func:`noisy_posterior`, :func:`conditional_risk` take SymPy or
  NumPy values), the margin-loss zoo (:func:`margin_loss`, :func:`margin_losses`) and its trial
  (:func:`margin_trial`);
- figures: :func:`figure_data` (a check's computation shared with its figures), :func:`figure`,
  :class:`Drawn` and the house style ``figure_style`` (:mod:`label_noise_lab.figures.registry` and
  :mod:`label_noise_lab.figures.style`, imported only when asked for: the instrument does not import the figure
  machinery);
- a "for every parameter" claim's evidence in one call: :func:`search_then_prove` (a search, then the prover);
- running: :func:`claims`, :func:`check`, :func:`run`, :func:`explore`, :func:`write_report`, thin
  layers over the registry, the runner, the search and the report. Each takes the claims modules
  of its caller (``modules``: file paths or dotted names, as ``--module`` does), so a user's own
  claims are on trial exactly like the built-in ones. Nothing here prints.

>>> from paper_checks import api
>>> api.check("gce18.eq7_bounds", precision="quick").verdict
'proved'
"""
from __future__ import annotations

import dataclasses
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Mapping, Sequence

from label_noise_lab.simulate.binary import (
    BinaryNoise,
    alpha_weighted_margin_loss,
    binary_noise,
    binary_noisy_risk,
    sample_binary_labels,
    symmetric_binary_noise,
    unbiased_margin_loss,
)
from label_noise_lab.simulate.engine.devices import get_backend
from label_noise_lab.simulate.engine.estimate import mc_mean
from label_noise_lab.simulate.noise import TransitionMatrix, pair_flip, sample_noisy_labels, uniform_noise
from label_noise_lab.theory.binary import (
    alpha_weighted_01_risk,
    alpha_weighted_loss,
    conditional_risk,
    noisy_expectation,
    noisy_posterior,
    unbiased_loss,
)
from label_noise_lab.theory.margin import MarginLoss, margin_loss
from label_noise_lab.theory.validators import quoted, real_number
from paper_checks import report
from paper_checks import work as work_meter
from paper_checks.context import EXPLORE_STREAM, PRECISIONS, Context
from paper_checks.deadline import limit_seconds
from paper_checks.evidence import Evidence, effect_ladder
from paper_checks.figdata import figure_data
from paper_checks.jsonable import jsonable
from paper_checks.prover import Certificate, ProofResult, prove, prove_expr, recheck
from paper_checks.prover import inputs as prover_inputs
from paper_checks.prover.inputs import whole
from paper_checks.prover.process import stoppable
from paper_checks.prover.prove import MAX_BOXES
from paper_checks.registry import Claim, NoMatch, claim, document, expand_patterns, finding, load, paper, select
from paper_checks.run.memory import check_machine, memory_limit
from paper_checks.run.runner import Result, run_all, run_claim
from paper_checks.search.loop import SearchResult, search, search_budget
from paper_checks.search.params import Integer, Real, SearchSpace, Sign, SimplexPoint, StochasticMatrix, range_setting
from paper_checks.search.params.reduction import (
    VERTICES,
    VERTICES_SOURCE,
    Premise,
    Reduction,
    Step,
    separable_sum_bounds,
)
from paper_checks.trials.margin import MarginTrial, margin_losses
from paper_checks.trials.margin import trial as margin_trial
from paper_checks.work import units as work_units

if TYPE_CHECKING:  # for readers and type checkers only: at run time __getattr__ below imports them on first use
    from label_noise_lab.figures import style as figure_style
    from label_noise_lab.figures.registry import Drawn, figure

__all__ = [
    # declaring claims
    "paper", "claim", "document", "finding", "Claim",
    # evidence and context
    "Context", "Evidence", "effect_ladder",
    # search
    "SearchSpace", "Real", "Integer", "SimplexPoint", "StochasticMatrix", "search", "SearchResult",
    "Premise", "Reduction", "Step", "separable_sum_bounds", "VERTICES", "VERTICES_SOURCE",
    # numbers
    "mc_mean", "TransitionMatrix", "uniform_noise", "pair_flip", "sample_noisy_labels",
    # figures
    "figure_data", "figure", "Drawn", "figure_style",
    # running
    "claims", "check", "run", "explore", "write_report", "Result", "EXPLORE_STREAM",
    # proving
    "prove", "prove_expr", "prove_claim", "claim_domain", "search_then_prove", "recheck", "ProofResult",
    "Certificate",
    # binary labels y in {-1, +1} and margin losses phi(y t)
    "Sign", "BinaryNoise", "binary_noise", "symmetric_binary_noise", "sample_binary_labels", "binary_noisy_risk",
    "unbiased_margin_loss", "alpha_weighted_margin_loss", "unbiased_loss", "alpha_weighted_loss",
    "alpha_weighted_01_risk", "noisy_expectation", "noisy_posterior", "conditional_risk",
    "MarginLoss", "margin_loss", "margin_losses", "margin_trial", "MarginTrial",
]

_FIGURE_NAMES = ("figure", "Drawn")


def __getattr__(name: str) -> Any:
    """:func:`figure` and :class:`Drawn` (:mod:`label_noise_lab.figures.registry`) and ``figure_style``
    (:mod:`label_noise_lab.figures.style`: ``new``, ``grid``, ``setting``, ``stamp``, ``se``) are imported on first
    use (PEP 562): the figure machinery sits above the instrument, which never imports it when
    claims run."""
    if name in _FIGURE_NAMES:
        from label_noise_lab.figures import registry as _figures

        return getattr(_figures, name)
    if name == "figure_style":
        from label_noise_lab.figures import style

        return style
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def claims(modules: Iterable[str] = ()) -> dict[str, Claim]:
    """Every registered claim by id (the package's, the installed entry points', ``$LNL_CLAIMS``'s and
    ``modules``'), papers by year. Raises :class:`~paper_checks.registry.RegistryError` listing every
    registration problem."""
    return load(_names("modules", modules))


def _precision(precision: str) -> str:
    if not isinstance(precision, str) or precision not in PRECISIONS:
        raise ValueError(f"unknown precision {precision!r}; choose one of {', '.join(PRECISIONS)}")
    return precision


def _seed(seed: Any) -> int:
    """A seed: a whole number >= 0 (NumPy's ``SeedSequence`` refuses negatives with a message of its own)."""
    return whole("seed", seed, 0)


def _timeout(timeout: Any) -> float | None:
    """A time limit: ``None`` (no limit) or seconds by :func:`~paper_checks.deadline.limit_seconds`."""
    return None if timeout is None else limit_seconds("timeout", timeout)


def _memory(memory: Any) -> int | str | None:
    """A memory limit as the API takes it, checked at the door: ``"auto"`` (the default share of the machine,
    :func:`paper_checks.run.memory.default_limit`), ``None`` (none), a number of bytes, or a size (``"2G"``)
    given back as bytes. A one-line ``TypeError``/``ValueError`` otherwise."""
    if isinstance(memory, str) and memory.strip().lower() == "auto":
        return "auto"
    limit = memory_limit("memory", memory)
    check_machine(limit)  # at the door: 1T on a 23 GiB machine bounds nothing
    return limit


def _names(name: str, v: Any, what: str = "strings") -> list[str]:
    """``v`` as a list of strings (claims modules, claim ids, paper ids, report formats: ``what``): a ``TypeError``
    naming ``name`` for a lone string (whose characters would be taken one by one), something not iterable, or
    an item not a string."""
    if isinstance(v, str):
        raise TypeError(f"{name} must be a list of {what}, got the string {v!r}; write [{v!r}]")
    try:
        items = list(v)
    except TypeError:
        raise TypeError(f"{name} must be a list of {what}, got {type(v).__name__} {v!r}") from None
    bad = [x for x in items if not isinstance(x, str)]
    if bad:
        raise TypeError(f"{name} must be a list of {what}, got the item {bad[0]!r} ({type(bad[0]).__name__})")
    return items


def _as_list(name: str, v: Any) -> list[Any]:
    try:
        return list(v)
    except TypeError:
        raise TypeError(f"{name} must be a list, got {type(v).__name__} {str(v)[:60]!r}") from None


def _formats(formats: Any) -> list[str]:
    """Report formats: a list of names from :data:`paper_checks.report.FORMATS` (``KeyError: 'pdf'`` before)."""
    got = _names("formats", formats, "format names")
    bad: list[str | list[str]] = [f for f in got if f not in report.FORMATS]  # quoted below, or got itself
    if bad or not got:
        raise ValueError(f"unknown report format {(bad or [got])[0]!r} in formats; choose from "
                         f"{', '.join(report.FORMATS)}")
    return list(dict.fromkeys(got))


def _claim(claim_id: str, modules: Iterable[str]) -> Claim:
    reg = load(_names("modules", modules))
    if claim_id not in reg:
        raise ValueError(f"unknown claim id {claim_id!r}; api.claims() lists them")
    return reg[claim_id]


def check(claim_id: str, *, precision: str = "standard", seed: int = 0, backend: str | None = None,
          modules: Iterable[str] = (), timeout: float | None = None, memory: int | str | None = "auto") -> Evidence:
    """Run one claim's check, as ``python -m paper_checks run --claim ID`` does, and return its evidence.

    ``timeout`` (seconds; default ``None``, no limit, the check runs in this process) runs the check in a
    worker process stopped after that long (its evidence's numbers then come back as plain JSON values).
    ``memory`` is that worker's memory limit (:func:`_memory`): a number of bytes or a size (``"2G"``, ``"512M"``)
    runs the check in a worker process with that limit, even without ``timeout``; ``"auto"`` (default) is the
    command line's default share of the machine wherever the check runs in a worker; ``None`` no limit.

    Raises
    ------
    ValueError
        For an unknown claim id or precision.
    RuntimeError
        When the check itself raised, timed out or ended its process (the message ends with its traceback).
    """
    seed, timeout, memory = _seed(seed), _timeout(timeout), _memory(memory)
    c = _claim(claim_id, modules)
    if timeout is not None or memory not in ("auto", None):
        r = run_all([c], _precision(precision), seed, get_backend(backend), show_progress=False, timeout=timeout,
                    memory=memory, isolate=True)[0]
    else:
        r = run_claim(c, _precision(precision), seed, get_backend(backend))
    if r.evidence is None:
        raise RuntimeError(f"the check of {claim_id} raised: {r.error}\n{r.traceback}")
    return r.evidence


def _expand(ids: Sequence[str], modules: Iterable[str]) -> list[str]:
    """Claim ids for ``ids``: exact ids, or glob patterns (``"gce18.eq1*"``) as ``run --claim`` takes them."""
    if isinstance(ids, str):
        raise TypeError(f"ids must be a list of claim ids or patterns, got the string {ids!r}; write [{ids!r}]")
    try:
        return expand_patterns(_names("ids", ids), load(modules))
    except NoMatch as exc:
        raise ValueError(f"{exc}; api.claims() lists them") from None


def run(ids: Sequence[str] = (), papers: Sequence[str] = (), *, precision: str = "standard", seed: int = 0,
        backend: str | None = None, jobs: int = 1, modules: Iterable[str] = (),
        timeout: float | None = None, memory: int | str | None = "auto") -> list[Result]:
    """Run the claims named by ``ids`` and the claims of ``papers`` (all claims when both are empty), as
    ``python -m paper_checks run --claim ID --paper PAPER`` does; results in registry order.

    ``ids`` are claim ids or glob patterns (``["gce18.eq1*", "ghosh17.*"]``, as ``--claim`` takes them;
    a pattern matching nothing is an error); ``papers`` are paper ids (``["gce18"]``, as ``--paper``).
    Each :class:`~paper_checks.run.runner.Result` has the claim, its evidence (or the error its check
    raised), its time, its precision and seed, and ``matches`` (computed verdict equals the recorded
    one). ``jobs`` > 1 runs them on a process pool (:func:`paper_checks.run.runner.run_all` also takes any
    executor). ``timeout`` (seconds per claim; default ``None``, no limit) runs them in worker processes,
    even with ``jobs=1``: a claim over it, or one that calls ``sys.exit``, is that claim's error.
    ``memory`` is each worker's memory limit, as in :func:`check` (a claim over it is that claim's error, the
    others run on); a number of bytes or a size runs the claims in worker processes even with ``jobs=1``.
    """
    seed, timeout, jobs, memory = _seed(seed), _timeout(timeout), whole("jobs", jobs, 1), _memory(memory)
    modules, papers = _names("modules", modules), _names("papers", papers)
    chosen = select(papers, _expand(ids, modules), modules)
    return run_all(chosen, _precision(precision), seed, get_backend(backend), show_progress=False, jobs=jobs,
                   timeout=timeout, memory=memory)


def explore(claim_id: str, *, budget: int = 4000, seed: int = 0, set: Sequence[str] | Mapping[str, Any] = (),
            modules: Iterable[str] = (), timeout: float | None = None) -> SearchResult:
    """The counterexample search of a claim that declares a domain, as ``explore ID --set ...`` runs it
    (the same stream for the same seed).

    ``set`` narrows the declared domain like ``--set``: ``["q=0.1..0.5", "c=3"]`` or
    ``{"q": (0.1, 0.5), "c": 3}`` (Real and Integer parameters; only inside the declared domain; ``"q=0.5"``
    pins a Real to that one value).
    The result's ``counterexample`` holds exact values as strings (``{"p": ["1/5", "2/5", "2/5"]}``),
    the form of ``Evidence.counterexample["point"]`` and ``report.json``; ``sympy.Rational(s)`` gives a
    number back. ``timeout`` (seconds; default ``None``, no limit): when it is up, the best found so far,
    with ``stopped`` saying so. Raises ``ValueError`` for a claim without a domain or a bad override.
    """
    budget, seed = search_budget("explore: budget", budget), whole("explore: seed", seed, 0)
    timeout = None if timeout is None else limit_seconds("explore: timeout", _real("explore: timeout", timeout))
    c = _claim(claim_id, modules)
    if c.space is None:
        raise ValueError(f"claim {claim_id!r} declares no search domain")
    space = _narrowed(c.space(), set)
    res = search(space, budget, Context(claim_id, seed=seed).rng(EXPLORE_STREAM), time_limit=timeout)
    return dataclasses.replace(res, counterexample=jsonable(res.counterexample))


def _narrowed(space: SearchSpace, set: Sequence[str] | Mapping[str, Any]) -> SearchSpace:
    """``space`` narrowed as ``--set`` does, by a mapping (:meth:`SearchSpace.narrowed`) or, in turn, by
    ``"NAME=LOW..HIGH"`` texts; a one-line ``ValueError`` on bad input."""
    if isinstance(set, Mapping):
        return space.narrowed(set)
    for spec in [set] if isinstance(set, str) else set:
        space = space.narrowed(dict([range_setting(str(spec))]))
    return space


def _setting(results: list[Result], name: str, given: Any) -> Any:
    """The precision or seed of ``results`` (``given`` when not ``None``); one value, or a ``ValueError``."""
    if given is not None:
        return given
    found: set[Any] = {getattr(r, name, None) for r in results} - {None}
    if len(found) > 1:
        raise ValueError(f"the results ran with different {name}s {sorted(found)}; give {name}= to label the report")
    if not found:
        raise ValueError(f"the results do not say their {name}; give {name}= (api.run records it)")
    return found.pop()


def prove_claim(claim_id: str, *, budget: int = 20000, seconds: float | None = None, search_first: int = 2000,
                seed: int = 0, set: Sequence[str] | Mapping[str, Any] = (),
                modules: Iterable[str] = (), work: float | None = None) -> ProofResult:
    """The prover on a claim's declared domain, as ``explore ID --prove`` runs it (a counterexample search of
    ``search_first`` evaluations first, then :func:`paper_checks.prover.prove`: ``proved`` with a certificate,
    ``counterexample``, ``undefined`` or ``undecided``). ``set`` narrows the domain as in :func:`explore`
    (``["b=2"]`` pins a Real, which the prover substitutes exactly). ``work`` is the work budget (units of
    :mod:`paper_checks.work`, counted the same on every machine); default the one rule of every door,
    :func:`paper_checks.prover.inputs.proof_work`: the standard precision's (:data:`paper_checks.context.PROVE_WORK`)
    or the larger budget the claim's domain declares its proof needs, as ``explore --prove`` gives it. ``seconds`` is
    the wall-clock net, counted from the prover's start (default :func:`paper_checks.work.net_for` the work budget:
    ten times what it takes on a quiet 2-core machine); the proof runs in a child process that the net stops, and a
    net that comes makes the result ``undecided`` and ``interrupted``, never another answer."""
    who = "prove_claim: "  # every argument checked here, before any work, naming this function (not prove:)
    seed = whole(f"{who}seed", seed, 0)
    budget = _boxes(who, budget)
    seconds = None if seconds is None else limit_seconds(f"{who}seconds", _real(f"{who}seconds", seconds))
    if whole(f"{who}search_first", search_first, 0):  # 0: no search; else the search's own bound (10**400 was an
        search_budget(f"{who}search_first", search_first)  # OverflowError inside the search)
    work = None if work is None else work_units(f"{who}work", _real(f"{who}work", work))
    c = _claim(claim_id, modules)
    if c.space is None:
        raise ValueError(f"claim {claim_id!r} declares no search domain")
    space = _narrowed(c.space(), set)
    units = prover_inputs.proof_work(work, precision="standard", declared=space.proof_work)
    net = work_meter.net_for(units) if seconds is None else float(seconds)
    return stoppable(lambda: prove(space, budget, net, work=units, search_first=search_first, seed=seed), net,
                     budget, units)


def search_then_prove(space: SearchSpace, ctx: Context, *, holds: str, fails: str | None = None,
                      evaluations: int | None = None, boxes: int = 20000, seconds: float | None = None,
                      work: float | None = None, numbers: Mapping[str, Any] | None = None,
                      figures: Sequence[str] = ()) -> Evidence:
    """The evidence of a "for every parameter" claim: search for a counterexample, and if there is none, prove.

    The counterexample search (:func:`search`, ``evaluations`` margins, default ``ctx.pick(2000, 4000, 20000)``, in
    the claim's stream ``ctx.rng("search")``) runs first; where it verifies no counterexample the prover
    (:func:`paper_checks.prover.prove`, at most ``boxes`` boxes, the work budget ``work``, default the one rule of
    every door, :func:`paper_checks.prover.inputs.proof_work`: the precision's ``ctx.prove_work`` or the larger budget
    the space declares its proof needs, the same on every machine; and the wall-clock net ``seconds``, default
    :func:`paper_checks.work.net_for` the budget, counted from the prover's start, in a child process it stops)
    decides the whole domain:

    * ``refuted`` with the exact, shrunk counterexample, the search's or the prover's (:meth:`Evidence.from_search`,
      :meth:`Evidence.from_proof`);
    * ``proved`` (method ``prover``) with the certificate, the search's numbers kept
      (:meth:`Evidence.from_certificate`);
    * otherwise the search's evidence (``confirmed`` with its budget, or ``inconclusive``) with the prover's reason
      and its work budget in the summary and under ``numbers["proof"]`` (outcome, reason, work spent of its
      budget, boxes), so that the report shows why the claim was not proved.

    ``holds`` says what the margin ``>= 0`` means (``"GCE <= CCE for p, q in (0, 1]"``), ``fails`` what a
    counterexample shows (default ``"<holds> fails"``); ``numbers`` and ``figures`` are the check's own.

    Examples
    --------
    >>> import sympy
    >>> from paper_checks.api import Context, Real, SearchSpace, search_then_prove
    >>> space = SearchSpace((Real("x", 0, 1),), lambda pt: pt["x"] * (1 - pt["x"]),
    ...                     lambda pt: pt["x"] * (1 - pt["x"]), description="x (1 - x)")
    >>> search_then_prove(space, Context("doc.x", precision="quick"), holds="x (1 - x) >= 0 on [0, 1]").verdict
    'proved'
    """
    fails, evaluations, boxes, seconds, given, nums, figs = _then_prove_arguments(
        space, ctx, holds, fails, evaluations, boxes, seconds, work, numbers, figures)
    work = prover_inputs.proof_work(given, precision=ctx.precision, declared=space.proof_work)
    net = work_meter.net_for(work) if seconds is None else float(seconds)
    found = search(space, evaluations, ctx.rng("search"))
    if found.verified:
        return Evidence.from_search(found, fails=fails, holds=holds, numbers=nums, figures=figs)
    proof = stoppable(lambda: prove(space, boxes, net, work=work), net, boxes, work)
    if proof.outcome in ("proved", "counterexample"):
        return Evidence.from_proof(proof, holds=holds, fails=fails, numbers={**nums, "search": found.to_json()},
                                   figures=figs)
    searched = Evidence.from_search(found, fails=fails, holds=holds, numbers=nums, figures=figs)
    why, outcome = " ".join(str(proof.reason).split()), str(getattr(proof.outcome, "value", proof.outcome))
    searched.numbers["proof"] = {"outcome": outcome, "reason": why,
                                 "work": round(proof.work, 4), "work_budget": proof.work_budget,
                                 "boxes": proof.boxes, "box_budget": proof.budget}
    searched.summary = (f"{searched.summary.rstrip()} The prover did not prove it ({outcome}, work "
                        f"{proof.work:.3g} of {proof.work_budget:g} units, {proof.boxes} boxes): {why}")
    return searched


def _then_prove_arguments(space: Any, ctx: Any, holds: Any, fails: Any, evaluations: Any, boxes: Any, seconds: Any,
                          work: Any, numbers: Any, figures: Any) -> tuple[str, int, int, float | None, float | None,
                                                                          dict[str, Any], list[str]]:
    """Every argument of :func:`search_then_prove`, checked before any work (``work='lots'`` was refused only
    after the whole search had run), each error one line beginning ``search_then_prove:``; numbers read by the
    doors' one rule (:func:`label_noise_lab.theory.validators.real_number`). Returns ``fails`` (its default filled in),
    the
    evaluations, boxes, seconds and work, and the check's numbers and figures as a dict and a list."""
    who = "search_then_prove: "
    if not isinstance(space, SearchSpace):
        raise TypeError(f"{who}space must be a SearchSpace, got {type(space).__name__} {quoted(space)}")
    if not isinstance(ctx, Context):
        raise TypeError(f"{who}ctx must be the check's Context, got {type(ctx).__name__} {str(ctx)[:60]!r}")
    if not isinstance(holds, str) or not holds.strip():
        raise ValueError(f"{who}holds must say what the margin >= 0 means, got {quoted(holds)}")
    if fails is not None and (not isinstance(fails, str) or not fails.strip()):
        raise TypeError(f"{who}fails must say what a counterexample shows (a string) or be None, got "
                        f"{type(fails).__name__} {quoted(fails)}")
    evaluations = search_budget(f"{who}evaluations", ctx.pick(2000, 4000, 20000) if evaluations is None
                                else evaluations)
    boxes = _boxes(who, boxes, "boxes")
    seconds = None if seconds is None else limit_seconds(f"{who}seconds", _real(f"{who}seconds", seconds))
    work = None if work is None else work_units(f"{who}work", _real(f"{who}work", work))
    if numbers is not None and not isinstance(numbers, Mapping):
        raise TypeError(f"{who}numbers must be a dict of the check's own numbers or None, got "
                        f"{type(numbers).__name__} {quoted(numbers)}")
    if isinstance(figures, (str, bytes)) or not isinstance(figures, (list, tuple)) or \
            not all(isinstance(f, str) for f in figures):
        raise TypeError(f"{who}figures must be a list of figure names (strings), got {type(figures).__name__} "
                        f"{quoted(figures)}")
    return (fails if fails is not None else f"{holds} fails", evaluations, boxes, seconds, work, dict(numbers or {}),
            list(figures))


def _boxes(who: str, v: Any, name: str = "budget") -> int:
    """A proof's budget of boxes: a whole number from 1 to the prover's most, :data:`MAX_BOXES` (``10**400`` was
    taken, and silently cut to it)."""
    n = whole(f"{who}{name}", v, 1)
    if n > MAX_BOXES:
        raise ValueError(f"{who}{name} must be at most {MAX_BOXES} boxes (the most one proof processes), got "
                         f"{quoted(n)}")
    return n


def _real(name: str, v: Any) -> Any:
    """``v`` by the doors' one rule (:func:`label_noise_lab.theory.validators.real_number`) where it is a ``Decimal``
    (its exact
    ``Fraction``; ``Decimal('NaN')`` a one-line ``ValueError``, not ``decimal.InvalidOperation``); anything else is
    left to the check that follows, which names the range it wants."""
    return real_number(name, v) if isinstance(v, Decimal) else v


def claim_domain(claim_id: str, *, set: Sequence[str] | Mapping[str, Any] = (),
                 modules: Iterable[str] = ()) -> list[dict[str, Any]]:
    """Where :func:`explore` searches and :func:`prove_claim` proves a claim, with ``set`` as they take it: each
    coordinate's range and open ends, the statement's own range beside a narrower one (``"statement"``), the
    declared range beside one ``set`` narrowed (``"declared"``) and how a folded point is folded
    (:meth:`SearchSpace.domain`). A proof is a proof on this domain: where a row has ``"statement"`` or
    ``"declared"``, it is one of that narrower statement. Raises ``ValueError`` for a claim without a domain or a
    bad override."""
    c = _claim(claim_id, modules)
    if c.space is None:
        raise ValueError(f"claim {claim_id!r} declares no search domain")
    declared = c.space()
    return _narrowed(declared, set).domain(declared)


def write_report(results: list[Result], out: str | Path, formats: Sequence[str] = ("md", "html", "json"), *,
                 precision: str | None = None, seed: int | None = None, backend: str = "numpy",
                 modules: Iterable[str] = ()) -> tuple[Path, ...]:
    """Write the report of ``results`` (from :func:`run`) into the folder ``out``, in ``formats``
    (``md``, ``html``, ``json``, ``latex``, ``csv``, ``bib``); returns the paths written.

    The precision and seed are the results' own (a quick run is labelled ``quick``); ``precision`` and
    ``seed`` override them. The provenance lists every claims module with its path and sha256,
    ``modules`` (the user's claims files) included.
    """
    formats = _formats(formats)
    if isinstance(results, (str, bytes)) or not all(isinstance(r, Result) for r in _as_list("results", results)):
        raise TypeError(f"results must be a list of Result (from api.run), got {type(results).__name__} "
                        f"{str(results)[:60]!r}")
    if precision is not None:
        _precision(precision)
    if seed is not None:
        _seed(seed)
    precision, seed = _setting(results, "precision", precision), _setting(results, "seed", seed)
    prov = report.provenance(backend=backend, seed=seed, precision=precision,
                             wall_seconds=sum(r.seconds for r in results), argv=["paper_checks.api"])
    doc = report.to_json(results, backend=backend, seed=seed, precision=precision, prov=prov, complete=True,
                         planned=len(results))
    return report.write(doc, Path(out), None, list(formats))
