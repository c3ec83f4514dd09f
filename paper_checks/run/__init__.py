"""The run machinery: claims in isolated worker processes under one time limit.

One room of the instrument (docs/design.md, "The flow"): :mod:`~paper_checks.run.runner` (running claims,
:class:`~paper_checks.run.runner.Result`), :mod:`~paper_checks.run.isolation` (worker processes, stops and
signals) and :mod:`~paper_checks.run.stability` (claims over several seeds). The one in-process time limit,
:mod:`paper_checks.deadline`, is in the core beside it: every room takes it (the search, the prover, the trials),
so it belongs to none of them.
"""
