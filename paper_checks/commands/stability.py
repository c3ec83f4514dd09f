"""``stability``: the stochastic claims over several seeds, or the merge of earlier runs' tables."""
from __future__ import annotations

import argparse

from tqdm import tqdm

from paper_checks import stability as st
from paper_checks.commands.common import UsageError, check_backend_name
from paper_checks.runner import executor_from_args
from simulate.backend import get_backend


def stability(args: argparse.Namespace) -> int:
    """Exit 0 when every claim gave one verdict on every seed, 1 otherwise."""
    if args.merge:
        return _merge(args)
    check_backend_name(args.backend)
    try:
        seeds = st.parse_seeds(args.seeds)
        claims = st.stochastic_claims(args.claim)
        backend = get_backend(args.backend)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    done: list = []
    position = {c.id: k for k, c in enumerate(claims)}
    bar = tqdm(total=len(claims) * len(seeds), desc="stability", unit="run", leave=False)

    def on_result(cs, seed):
        bar.update(1)
        bar.set_postfix_str(f"{cs.id} seed {seed}")
        if len(cs.verdicts) == len(seeds):
            done.append(cs)
            done.sort(key=lambda row: position[row.id])  # the claims' order, whichever finished first
            if args.md is not None:
                args.md.parent.mkdir(parents=True, exist_ok=True)
                args.md.write_text(st.markdown(done, seeds, args.precision, backend.name) + "\n")
            if args.json is not None:
                st.write_json(done, seeds, args.precision, backend.name, args.json)

    try:
        with executor_from_args(args) as (executor, jobs):
            rows = st.run_stability(claims, seeds, args.precision, backend, on_result=on_result,
                                    jobs=jobs, executor=executor)
    finally:
        bar.close()
    print(st.markdown(rows, seeds, args.precision, backend.name))
    return 0 if all(r.stable for r in rows) else 1


def _merge(args: argparse.Namespace) -> int:
    """``--merge``: run nothing, combine the ``--json`` tables of earlier runs into one."""
    try:
        order = [c.id for c in st.stochastic_claims()]
        rows, seeds, precision, backend_name = st.merge_json(args.merge, order)
    except (OSError, ValueError, KeyError) as exc:
        raise UsageError(f"cannot merge {', '.join(map(str, args.merge))}: {exc}") from None
    text = st.markdown(rows, seeds, precision, backend_name)
    if args.md is not None:
        args.md.parent.mkdir(parents=True, exist_ok=True)
        args.md.write_text(text + "\n")
    if args.json is not None:
        st.write_json(rows, seeds, precision, backend_name, args.json)
    print(text)
    return 0 if all(r.stable for r in rows) else 1
