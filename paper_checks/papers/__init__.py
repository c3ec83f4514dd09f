"""The built-in catalogue: the seed papers whose claims the project puts on trial.

A client of the instrument like any user's claims file (docs/extending.md): each paper is one
package here holding its declaration, claims, simulations, figure data and figures, and importing
only the public surface :mod:`paper_checks.api` of the instrument (plus ``theory`` and
``simulate``). The registry loads this package as it loads ``--module``; the list below is the
catalogue.
"""
from paper_checks.papers import (  # noqa: F401
    dmi19,
    documents,
    gce18,
    ghosh17,
    imae19,
    le19,
    patrini17,
    sce19,
    xu22,
)
