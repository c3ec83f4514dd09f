"""``explore``: a counterexample search for one claim, on its declared domain or a narrowed one."""
from __future__ import annotations

import argparse
import json
import math
import sys
import time
from typing import Any

from tqdm import tqdm

from label_noise_lab.theory.validators import quoted, quoted_path
from paper_checks import work as meter
from paper_checks.commands.arguments import timeout_from_args
from paper_checks.commands.common import OutputError, UsageError, check_output_file, resolve_backend
from paper_checks.commands.show import rerun_command
from paper_checks.context import EXPLORE_STREAM, Context
from paper_checks.deadline import MAX_SECONDS, TimedOut, deadline
from paper_checks.files import atomic_write, is_special
from paper_checks.jsonable import jsonable
from paper_checks.prover import ProofResult, outset, prove
from paper_checks.prover.inputs import proof_work
from paper_checks.prover.outset import OutOfTime
from paper_checks.prover.process import stoppable
from paper_checks.registry import load
from paper_checks.run.isolation import report_progress
from paper_checks.search.loop import MAX_BUDGET, search
from paper_checks.search.params import NarrowingError, range_setting
from paper_checks.search.params.domain import domain_lines, narrower, off_integers, unfolded
from paper_checks.search.result import Outcome
from paper_checks.work import net_for


def explore(args: argparse.Namespace) -> int:
    start = time.monotonic()
    claim_id, budget, seed = args.id, args.budget, args.seed
    resolve_backend(getattr(args, "backend", None), host_only="the search and the prover")  # refused as run refuses
    reg = load()
    if claim_id not in reg:
        raise UsageError(f"unknown claim id {quoted(claim_id)}; 'python -m paper_checks list' shows them")
    c = reg[claim_id]
    if c.space is None:
        explorable = ", ".join(k for k, v in reg.items() if v.space is not None)
        raise UsageError(f"claim {quoted(claim_id)} declares no search domain; explorable claims: {explorable}")
    if budget < 10 or (budget > MAX_BUDGET and not getattr(args, "prove", False)):  # (--prove: boxes, no bound)
        raise UsageError(f"--budget must be from 10 to {MAX_BUDGET:.0e}, got {quoted(budget)}")
    try:
        declared = c.space()
    except (TypeError, ValueError) as exc:  # a SearchSpace refused at its door (proof_work=1e308): one line
        raise UsageError(f"claim {quoted(claim_id)} declares a bad search domain: {exc}") from None
    space, overrides = _override(declared, args.overrides)
    if args.json is not None:  # checked before the search: a search is never lost to a bad path
        check_output_file(args.json, "explore --json")
    if getattr(args, "prove", False):
        return _prove(c, space, overrides, args, start, declared)
    rng = Context(claim_id, seed=seed).rng(EXPLORE_STREAM)
    limit = timeout_from_args(args)
    try:
        with tqdm(total=budget, desc=f"exploring {claim_id}", unit="eval", leave=False, disable=args.quiet) as bar:
            res = search(space, budget, rng, progress=bar.update, time_limit=limit, interruptible=True)
    except ValueError as exc:  # e.g. an override that leaves no point satisfying the constraint
        raise UsageError(str(exc)) from None
    _print_header(c, space, overrides, declared)
    print(f"evaluated {res.evaluated} margins (budget {budget}); smallest floating-point margin {res.worst_margin:.6g}")
    if res.worst:
        print(f"worst case found (floating point): {json.dumps(jsonable(unfolded(space, res.worst)), default=str)}")
    for note in res.notes:
        print(f"note: {note}")
    if args.json is not None:
        _write_json(args, {"claim": c.id, "statement": c.statement, "margin": space.description, "seed": seed,
                           "domain": space.domain(declared), "budget": budget, "overrides": overrides,
                           "result": res.to_json()})
    status = _conclude(res, budget, space)
    if res.stopped:
        print(f"=> stopped early: {res.stopped}; the above is the best found so far", file=sys.stderr)
    return 128 + res.stop_signal if res.stop_signal else status


def _write_json(args: argparse.Namespace, doc: dict) -> None:
    """``--json``: the search result, written whole as JSON (one line and exit 74 when it cannot be)."""
    try:
        if not is_special(args.json):
            args.json.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(args.json, json.dumps(doc, indent=1, default=str) + "\n")
    except OSError as exc:
        raise OutputError(f"cannot write --json {quoted_path(args.json)}: {exc.strerror or exc}") from None
    print(f"wrote {args.json}")


def _conclude(res: Any, budget: int, space: Any) -> int:
    """Print the search's outcome; the exit status (1: a verified counterexample, 3: the margin mostly raised)."""
    if res.verified:
        return _counterexample(space, res.counterexample, res.exact_margin, res.exact_margin_value)
    if res.outcome == Outcome.RAISED:
        print(f"=> the margin raised at {res.raised} of {res.evaluated} points (first: {res.first_error})"
              + ("; most evaluations raised: the search is an error, not a pass" if res.error else ""))
        return 3 if res.error else 0
    if res.outcome == Outcome.UNVERIFIED:
        print(f"=> no verified counterexample: the floating-point margin reached {res.worst_margin:.3g}, but no point "
              "could be verified in exact arithmetic (see the notes)")
        return 0
    print(f"=> no counterexample found within the {'time limit' if res.stopped else 'budget'} (smallest margin "
          f"{res.worst_margin:.3g})")
    return 0


def _counterexample(space: Any, point: Any, margin: Any, value: float) -> int:
    """Print a verified counterexample; exit 1, or 4 where it lies off the integers at which the statement takes a
    relaxed coordinate (``SearchSpace.relaxed``): a point of the relaxation only, which refutes nothing."""
    off = off_integers(space, point)
    print("=> counterexample" + (" of the real relaxation only" if off else "") + ", verified in exact arithmetic "
          "(shrunk):")
    for k, v in jsonable(unfolded(space, point)).items():
        print(f"   {k} = {v}")
    print(f"   exact margin there: {margin} = {value:.6g}")
    if off:
        print(f"=> undecided: {off} is no integer, and the statement takes it at integers only: no counterexample "
              "of the statement")
        return 4
    return 1


def _override(space: Any, specs: list[str]) -> tuple[Any, dict[str, str]]:
    """``space`` with the ``NAME=LOW..HIGH`` domain overrides applied in turn (``UsageError`` on bad input)."""
    done: dict[str, str] = {}
    for spec in specs:
        try:
            name, rng_ = range_setting(spec)
        except ValueError as exc:
            raise UsageError(f"--set {exc}") from None
        try:
            space = space.narrowed({name: rng_})
        except NarrowingError as exc:
            raise UsageError(f"--set {quoted(spec)}: {exc.reason}") from None
        done[name] = rng_
    return space, done


#: margin evaluations of the counterexample search that ``explore --prove`` runs before branch and bound
PROVE_SEARCH = 2000
#: the share of what ``--timeout`` leaves that the prover may spend before it stops itself (an alarm at the
#: whole of it stops what the prover cannot interrupt: one trace, the search run first, a shrink)
PROVE_SHARE = 0.9


def counters_table(counters: dict[str, dict[str, float]]) -> str:
    """What each closure of a proof cost (``explore --prove --counters``), the costliest first."""
    rows = [f"  {'closure':<24} {'calls':>6} {'work':>9} {'boxes':>6} {'pieces':>6}"]
    for name, c in sorted(counters.items(), key=lambda kc: -kc[1]["work"]):
        rows.append(f"  {name:<24} {c['calls']:>6} {c['work']:>9.4f} {c['boxes_closed']:>6} {c['pieces_closed']:>6}")
    return "closures:\n" + "\n".join(rows)


def _prove(c: Any, space: Any, overrides: dict[str, str], args: argparse.Namespace, start: float,
           declared: Any = None) -> int:
    """``explore ID --prove``: the prover on the (narrowed) domain; exit 0 proved, 1 counterexample, 4 undecided
    or undefined.
    ``--timeout`` (counted from ``start``) bounds the whole command; ``--prove-seconds`` is finite and positive."""
    # the one rule of every door (api.prove_claim gives the same): the precision's budget, or the larger one the
    # domain declares its proof needs
    args.prove_work = proof_work(getattr(args, "prove_work", None), precision="standard",
                                 declared=getattr(space, "proof_work", 0.0))
    if getattr(args, "prove_seconds", None) is None:  # a net, never what decides: ten times the budget's time
        args.prove_seconds = net_for(args.prove_work)
    if not (math.isfinite(args.prove_seconds) and 0 < args.prove_seconds <= MAX_SECONDS):
        raise UsageError(f"--prove-seconds must be a finite, positive number of seconds up to {MAX_SECONDS:g}, "
                         f"got {args.prove_seconds}")
    left = timeout_from_args(args)
    if left is not None:
        left -= time.monotonic() - start
        if not left > 0:
            raise UsageError(f"--timeout ran out before the prover started ({timeout_from_args(args):g} s)")
    # --prove-seconds is the prover's one net, counted from the prover's own start (not the command's: imports and
    # loading the claims are not the proof's); --timeout bounds the whole command, from this handler's start
    seconds = args.prove_seconds if left is None else min(args.prove_seconds, PROVE_SHARE * left)
    reduce = space.reduction is not None and not overrides
    finished: list[ProofResult] = []  # a reduction's steps, as each finishes in the child: kept on a stop

    def keep(message: Any) -> None:
        if isinstance(message, ProofResult):
            finished.append(message)

    try:  # in a child process that the net (or --timeout, SIGTERM, Ctrl-C) ends at once, whatever it runs
        with deadline(left):
            out = stoppable(lambda: _proofs(space, args, seconds, reduce), seconds, args.budget, args.prove_work,
                            netted_here=False, progress=keep)
    except KeyboardInterrupt:  # SIGTERM, SIGINT: the child is ended; what finished is said, then the stop goes on
        _print_finished(space, finished)
        raise
    except TimedOut:
        _print_header(c, space, overrides, declared)
        print(f"=> undecided: explore's --timeout of {timeout_from_args(args):g} s ran out (the prover's process was "
              "ended)")
        return 4
    steps, res = ([], out) if isinstance(out, ProofResult) else out  # ended past its net: no step came back
    fallback = None
    if reduce and steps:
        done, fallback = _prove_reduction(c, space, args, steps)
        if done is not None:
            return done
    assert res is not None  # every step proved returned above
    _print_header(c, space, overrides, declared)
    if fallback:
        print(fallback)
    print(f"prover: {res.boxes} boxes (budget {args.budget}), work {res.work:.3f} of {res.work_budget:g} units, "
          f"{res.seconds:.2f} s")
    if args.counters:
        print(counters_table(res.counters))
    for note in res.notes:
        print(f"note: {note}")
    if args.json is not None:
        _write_json(args, {"claim": c.id, "statement": c.statement, "margin": space.description,
                           "margin_proves": space.proves or c.statement, "budget": args.budget,
                           "overrides": overrides, "domain": space.domain(declared),
                           "narrower_than_statement": narrower(space.domain(declared)),
                           "counterexample_off_integers": off_integers(space, res.counterexample) or None,
                           "reduction_not_proved": fallback,
                           "proof": _with_domain(res.to_json(boxes=True), space.domain(declared))})
    if res.outcome == "proved":
        print(proved_line(c, space, overrides, res.certificate.to_json(), declared))
        return 0
    if res.outcome == "counterexample":
        return _counterexample(space, res.counterexample, res.exact_margin, res.exact_margin_value)
    if res.outcome == "undefined":  # not proved, not refuted: the margin is not real at an exact point
        print(f"=> undefined: {res.reason}")
        return 4
    print(f"=> undecided: {res.reason}")
    rem = res.remaining
    if rem.get("lowest"):
        print(f"   open boxes: {rem['open_boxes']}, smallest lower bound {rem['smallest_lower_bound']}; lowest: "
              f"{json.dumps(rem['lowest'][0], default=str)}")
    return 4


def _proofs(space: Any, args: argparse.Namespace, seconds: float, reduce: bool
            ) -> tuple[list[ProofResult], ProofResult | None]:
    """The proofs of ``explore --prove``, under one net of ``seconds`` (in the child process of
    :func:`~paper_checks.prover.process.stoppable`): with ``reduce``, each step of the space's reduction on its own
    box with an equal share of the work budget, up to the first not proved; then, unless every step was, the searched
    domain's proof. Returns the steps' results and the domain's (``None`` where every step was proved). A net that
    comes keeps the steps that finished before it; the one it cut short is interrupted."""
    steps: list[ProofResult] = []
    red = space.reduction
    n = len(red.steps) if reduce else 0
    at = {"counted": meter.now(), "begun": time.monotonic()}
    res: ProofResult | None = None
    with outset.net(seconds) as net:
        try:
            for step in red.steps if reduce else ():
                at["counted"], at["begun"] = meter.now(), time.monotonic()
                done = prove(step.space(), args.budget, None, work=args.prove_work / n, search_first=PROVE_SEARCH,
                             seed=args.seed)
                if net.fired:  # the net came in this step (and something swallowed its raise): no answer
                    break
                steps.append(done)
                report_progress(done)  # to the parent as it finishes (kept there if a stop ends this process)
                if done.outcome != "proved":
                    break
            if not (reduce and len(steps) == n and all(r.outcome == "proved" for r in steps)) and not net.fired:
                at["counted"], at["begun"] = meter.now(), time.monotonic()
                res = prove(space, args.budget, None, work=args.prove_work, search_first=PROVE_SEARCH, seed=args.seed)
        except OutOfTime:
            if not net.own:
                raise
    if net.fired:  # the steps that finished before the net are kept; the one it came in gives no answer
        res = ProofResult.by_the_net(args.budget, time.monotonic() - at["begun"], meter.now() - at["counted"],
                                     args.prove_work, seconds)
    return steps, res


def _print_finished(space: Any, finished: list[ProofResult]) -> None:
    """What finished before a stop (SIGTERM, Ctrl-C) ended the prover's process: each step of the reduction."""
    red = space.reduction
    for step, res in zip(red.steps if red is not None else (), finished):
        print(f"step {step.name} (finished before the stop): {res.outcome}, work {res.work:.3f} of "
              f"{res.work_budget:g} units")


def _prove_reduction(c: Any, space: Any, args: argparse.Namespace, steps: list[ProofResult]
                     ) -> tuple[int | None, str]:
    """``explore --prove`` on a space that declares a :class:`~paper_checks.search.params.reduction.Reduction` of the
    statement on its own domain, given its steps' results (:func:`_proofs`: each step proved on its own box, with an
    equal share of the work budget). Where every step is proved, prints the statement's own domain as proved, each
    step's certificate summarised (whole in ``--json``), and returns ``(0, "")``; else ``(None, why)``: the caller
    prints the searched domain's proof instead and ``why`` (a step's counterexample is none of the statement's)."""
    red = space.reduction
    n = len(red.steps)
    done = []
    for step, res in zip(red.steps, steps):
        sub = step.space()
        done.append((step, sub, res))
        if res.outcome != "proved":
            why = (f"the reduction ({red.theorem.split(':')[0]}) was not proved: its step {quoted(step.name)} "
                   f"({step.shows}) is {res.outcome}" + (f" ({res.reason})" if res.reason else "")
                   + "; what follows is the searched domain's proof, which covers that domain only")
            return None, why
    if len(done) < n:
        return None, "the reduction was not proved: the net came before its last step"
    statuses = red.premise_statuses()  # the premises' proofs run here, each time (never a recorded answer)
    refuted = red.refuted_as_written()  # and a counterexample of the statement as written is verified again
    decided = red.decides_statement(statuses, refuted)
    rows = red.rows(decided)
    print(f"claim: {c.id}\nstatement: {c.statement}")
    smaller = narrower(rows)
    print("domain proved: " + ("narrower than the statement's where a line says so" if smaller else
                               "the statement's own") + ", through a reduction to sub-proofs on boxes:")
    for row in rows:
        print(f"  {row['name']}: {row['range']}" + (f"   (statement: {row['statement']})" if "statement" in row
                                                     else ""))
    print(f"reduction: {red.theorem}\n  ({red.source})")
    for premise, status in zip(red.premises, statuses):
        print(f"premise ({_PREMISE_WHOSE[status]}): {premise.text(status)}")
    work = sum(r.work for _, _, r in done)
    for step, sub, res in done:
        cert = res.certificate.to_json()
        ranges = ", ".join(domain_lines(sub.domain())).replace("  ", "")
        print(f"step {step.name} (the prover's): {step.shows}; margin {sub.description} on {ranges}: proved "
              f"({res.boxes} boxes, work {res.work:.3f} of {res.work_budget:g} units, {res.seconds:.2f} s; methods "
              f"{cert['methods']})")
    print(f"prover: {n} sub-proofs, work {work:.3f} of {args.prove_work:g} units, "
          f"{sum(r.seconds for _, _, r in done):.2f} s")
    weaker = red.weaker(statuses, refuted)
    if args.json is not None:
        _write_json(args, {"claim": c.id, "statement": c.statement, "margin": space.description,
                           "margin_proves": red.proves or c.statement, "budget": args.budget, "overrides": {},
                           "domain": rows, "narrower_than_statement": "; ".join(x for x in (smaller, weaker) if x),
                           "statement_decided": decided and (not smaller or refuted is not None),
                           "refuted_as_written": refuted, "reduction": red.to_json(statuses, refuted),
                           "proof": {"outcome": "proved", "work": work, "work_budget": args.prove_work,
                                     "steps": [{"name": step.name, "shows": step.shows, "margin": sub.description,
                                                **_with_domain(res.to_json(boxes=True), sub.domain())}
                                               for step, sub, res in done]}})
    where = (f"only on a domain narrower than the statement's ({smaller}): a proof of that narrower statement, not "
             "of the paper's" if smaller else "on the statement's own domain (above)")
    if decided and refuted is not None:
        print("=> qualified: the statement as written is false (verified exactly: "
              + "; ".join(f"{k}: {v}" for k, v in refuted.items()) + f"); proved instead, on the domain above: "
              f"{red.proves}, every step of the reduction proved by the prover and every premise "
              f"{_premises_held(statuses)}; the claim's verdict is run's, recorded as {c.expected} "
              f"({rerun_command(c)})")
    elif decided:
        print(f"=> proved: the statement, {where}, every step of the reduction proved by the prover and every premise "
              f"{_premises_held(statuses)}; the claim's verdict is run's, recorded as {c.expected} "
              f"({rerun_command(c)})")
    else:
        print(f"=> proved: {red.proves or 'the steps'}, {where}, every step of the reduction proved, but not the "
              f"statement itself ({weaker}); this is what the reduction proves, not the statement above: the "
              f"claim's verdict is run's, recorded as {c.expected} ({rerun_command(c)})")
    return 0, ""


#: whose a premise is, by its status (:data:`~paper_checks.search.params.reduction.PREMISE_STATUSES`)
_PREMISE_WHOSE = {"proved": "SymPy's, on symbols", "cited": "a cited theorem", "hypothesis": "the statement's",
                  "checked at points": "not proved"}


def _premises_held(statuses: list[str]) -> str:
    """How the premises stand, said once: proved by SymPy for every ``c``, cited, the statement's hypothesis."""
    said = {"proved": "proved by SymPy on symbols", "cited": "a cited theorem",
            "hypothesis": "the statement's hypothesis"}
    return ("held (" + ", ".join(f"{statuses.count(k)} {v}" for k, v in said.items() if statuses.count(k)) + ")"
            if statuses else "held (none taken)")


def _with_domain(proof: dict[str, Any], rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The proof's JSON with the domain it covers written into its certificate too (the prover's certificate
    names its pieces and boxes, not the ranges they split), so that a certificate read alone says where it holds."""
    if proof.get("certificate") is not None:
        proof["certificate"] = {"domain": rows, **proof["certificate"]}
    return proof


def proved_line(c: Any, space: Any, overrides: dict[str, Any], cert: dict[str, Any], declared: Any = None) -> str:
    """The verdict line of ``explore --prove`` on a proof: what ``margin >= 0`` on the (narrowed) domain proved.
    Where the claim's margin declares that this is not its statement (``SearchSpace.proves``: a weaker one, or
    the negation of an existence claim), the line states that and no more, and points to ``run``'s verdict. A
    domain narrower than the statement's (declared so, or narrowed by ``--set`` from ``declared``) is named in
    the line: the proof is one of that narrower statement, never the paper's."""
    details = (f"({cert['boxes']} boxes, {cert['pieces']} pieces, smallest rigorous lower bound "
               f"{cert['smallest_lower_bound']:.6g}, {cert['tight_boundaries']} boxes closed where the margin is "
               f"exactly 0; methods {cert['methods']})")
    smaller = narrower(space.domain(declared))
    where = (f"only on a domain narrower than the statement's ({smaller}): a proof of that narrower statement, not "
             "of the paper's") if smaller else "on the whole declared domain (above)"
    if not space.proves:
        return f"=> proved: the margin is >= 0 {where} {details}"
    return (f"=> proved: {space.proves}, {where}; this is what the margin says, not the statement above: the "
            f"claim's verdict is run's, recorded as {c.expected} ({rerun_command(c)}) {details}")


def _print_header(c: Any, space: Any, overrides: dict[str, Any], declared: Any = None) -> None:
    """What ``explore`` and ``explore --prove`` print first: the claim, its margin (and, where a proof of it would
    not prove the statement, what it would prove), the domain searched, each coordinate's range beside the
    statement's where they differ, and the overrides."""
    print(f"claim: {c.id}\nstatement: {c.statement}")
    if space.description:
        print(f"margin: {space.description}" + ("" if space.proves else " (negative where the claim fails)"))
    if space.proves:
        print(f"margin >= 0 on the whole domain would prove only: {space.proves}")
    rows = space.domain(declared)
    print("domain" + (" (narrower than the statement's where a line says so):" if narrower(rows) else ":"))
    for line in domain_lines(rows):
        print(line)
    if overrides:
        print("domain overrides: " + ", ".join(f"{k} = {v}" for k, v in overrides.items()))
