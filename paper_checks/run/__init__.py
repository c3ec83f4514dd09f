"""The run machinery: claims in isolated worker processes under one time limit.

One room of the instrument (docs/design.md, "The flow"): :mod:`~paper_checks.run.runner` (running claims,
:class:`~paper_checks.run.runner.Result`), :mod:`~paper_checks.run.isolation` (worker processes, stops and
signals), :mod:`~paper_checks.run.deadline` (the one in-process ``SIGALRM`` time limit) and
:mod:`~paper_checks.run.stability` (claims over several seeds). Nothing is imported here, so that a module of
another room can take :mod:`~paper_checks.run.deadline` without loading the runner.
"""
