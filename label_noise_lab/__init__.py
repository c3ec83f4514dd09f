"""The import namespace of label-noise-lab: ``label_noise_lab.theory``, ``label_noise_lab.simulate`` and
``label_noise_lab.figures`` (the repository's ``theory/``, ``simulate/`` and ``figures/``), names of its own that a
user's ``theory.py``, ``simulate.py`` or ``figures.py``, or another distribution's package, cannot shadow (issue 67).

Installed, setup.py's ``package_dir`` puts the three directories inside this package. In a checkout that is not
installed (``python -m paper_checks`` or ``python -m pytest`` from the repository root) they are the repository's
top-level directories: the repository root is added to this package's path, so that the same names import the
checkout's one copy.
"""
import os

_here = os.path.dirname(os.path.abspath(__file__))
if not os.path.isdir(os.path.join(_here, "theory")):  # a checkout: the subpackages are the root's directories
    __path__.append(os.path.dirname(_here))  # type: ignore[name-defined]  # noqa: F821
