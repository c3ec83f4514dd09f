"""What the human formats (Markdown, HTML, LaTeX) share: the claims' order, the counts line, the
provenance rows, the banner of an interrupted run, the claims' anchors and sources, the figures
drawn for this report."""
from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from paper_checks.registry import CATALOGUE, reconstruction_note, tagged_source
from paper_checks.report.citing import commit_text, modules_text
from paper_checks.report.document import documents, paper_citation
from paper_checks.report.tables import fmt_number
from paper_checks.search.params.domain import FOLD_RULE, beside, row_text

#: the verdict tables' mark of a reconstructed claim, and the legend under them
RECONSTRUCTED_MARK = "\N{DAGGER}"
RECONSTRUCTED_LEGEND = ("\N{DAGGER} reconstructed claim: the statement checked is this project's reconstruction "
                        "of the source's (its section says how).")


def ordered(claims: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Mismatches (verdict differs from the recorded one, errors included) first, then the rest, stable."""
    return sorted(claims, key=lambda c: c["verdict"] == c["expected"])


def source_citation(c: Mapping[str, Any] | Any) -> str:
    """The claim's source with each declared document's file name replaced by its tag, the author and year
    (``004_bedc5f2f9c2d4575.txt, Eq. (7)`` -> ``[Zhang & Sabuncu 2018], Eq. (7)``): the one mapping that the
    report and the ``list`` and ``show`` commands share (:func:`paper_checks.registry.tagged_source`).

    ``c`` is a claim of a report (a mapping with ``"source"``) or a registered
    :class:`~paper_checks.registry.Claim`."""
    documents()  # the catalogue's documents declared
    return tagged_source(c["source"] if isinstance(c, Mapping) else c.source)


def source_line(doc: dict[str, Any], c: dict[str, Any]) -> str:
    """The claim's source line: its paper's citation, then where in it (``...; [tag], Eq. (7)``), joined so that
    no ``.;`` appears: the citation's closing full stop gives way to the semicolon."""
    return f"{paper_citation(doc, c).rstrip().rstrip('.')}; {source_citation(c)}"


def reconstructed_note(c: dict[str, Any]) -> str:
    """What the report says of a reconstructed claim (how it was reconstructed), ``""`` for the others; a report
    written before the reasons existed (``reconstructed: true`` alone) reads as 'outline'."""
    if not c.get("reconstructed"):
        return ""
    return reconstruction_note(c.get("reconstruction") or True)


def reconstructed_mark(c: dict[str, Any]) -> str:
    """:data:`RECONSTRUCTED_MARK` after a reconstructed claim's id in the verdict tables, else nothing."""
    return RECONSTRUCTED_MARK if c.get("reconstructed") else ""


def counts(doc: dict[str, Any]) -> str:
    """``N claims (verdict: count, ...); M differ from the recorded verdict``."""
    claims = doc["claims"]
    counted = Counter(c["verdict"] for c in claims)
    mism = sum(c["verdict"] != c["expected"] for c in claims)
    s = ", ".join(f"{k}: {v}" for k, v in sorted(counted.items()))
    return f"{len(claims)} claims ({s}); {mism} differ from the recorded verdict"


def provenance_rows(doc: dict[str, Any]) -> list[tuple[str, str]]:
    """``(key, text)`` of the report's provenance, in a fixed order (the commit always shown)."""
    p = doc.get("provenance") or {}
    keys = ("run_id", "version", "commit", "python", "numpy", "scipy", "sympy", "cupy", "backend", "device", "machine",
            "seed", "precision", "date", "wall_seconds", "command")
    rows = [(k, fmt_number(p.get(k)) if k != "commit" else commit_text(p)) for k in keys
            if k in p and (p.get(k) is not None or k in ("commit",))]
    if p.get("claims_modules"):  # each claims module's path and content hash: which checks gave these verdicts
        rows.append(("claims_modules", claims_modules_text(p["claims_modules"])))
    return rows


def claims_modules_text(mods: list[dict[str, str]]) -> str:
    """The provenance row of the claims modules: a user's files with their full sha256, the catalogue's
    modules counted with one digest over theirs (each one's hash is in report.json), so the row stays short."""
    cat = [m for m in mods if m["module"].startswith(CATALOGUE)]
    user = [m for m in mods if not m["module"].startswith(CATALOGUE)]
    parts = [modules_text(user)] if user else []
    if cat:
        joint = hashlib.sha256("".join(m["sha256"] or "-" for m in cat).encode()).hexdigest()
        parts.append(f"the catalogue ({CATALOGUE}): {len(cat)} modules, sha256 of their sha256s {joint[:16]} "
                     "(each in report.json)")
    return "; ".join(parts)


def incomplete(doc: dict[str, Any]) -> str | None:
    """The banner of an interrupted run's report; ``None`` for a complete one."""
    if doc.get("complete", True):
        return None
    return (f"INCOMPLETE: the run was interrupted; {len(doc['claims'])} of {doc.get('planned', '?')} claims "
            "finished and are reported below.")


def anchor(cid: str) -> str:
    """The in-page anchor of claim ``cid``'s section."""
    return "claim-" + re.sub(r"[^a-z0-9_-]", "-", cid.lower())


def mismatch_flag(c: dict[str, Any]) -> str:
    """`` (recorded: X)`` after a verdict that differs from the recorded one, else nothing."""
    return "" if c["verdict"] == c["expected"] else f" (recorded: {c['expected']})"


def figure_path(out_dir: Path, name: str) -> Path:
    return out_dir / "figures" / f"{name}.png"


def drawn_figure(fig_dir: Path | None, name: str, doc: dict[str, Any]) -> Path | None:
    """The PNG of figure ``name`` in the report folder if it was drawn with this report's seed and
    precision (its caption says so), else ``None``: a figure left from another run is never shown."""
    if fig_dir is None:
        return None
    p = figure_path(fig_dir, name)
    cap = p.with_suffix(".txt")
    if not (p.exists() and cap.exists()):
        return None
    return p if f"Seed {doc['seed']}, precision '{doc['precision']}'" in cap.read_text() else None


def domain_text(c: dict[str, Any]) -> str | None:
    """A claim's declared search domain as the report prints it (report.json's ``domain``:
    :func:`paper_checks.run.runner.declared_domain`): each coordinate's range, the statement's beside it where
    the declared one is narrower, and what a proof there covers; ``None`` for a claim that declares none."""
    d = c.get("domain")
    if not d:
        return None
    rows = d.get("coordinates") or []
    text = "; ".join(row_text(r) + (f" ({beside(r)})" if beside(r) else "") for r in rows)
    if any("folded_onto" in r for r in rows):
        text += f" (a folded point: {FOLD_RULE})"
    if d.get("proved_by"):
        text += f". The statement's own domain, proved by the check: {d['proved_by']}"
        if d.get("premises"):
            text += f" (premises: {d['premises']})"
    elif d.get("reduction"):
        red = d["reduction"]
        text += (". `explore --prove` decides the statement itself on its own domain ("
                 + "; ".join(row_text(r) for r in red.get("statement_domain", [])) + ") through a reduction ("
                 + red.get("theorem", "") + ")" + (": false as written, the qualified statement" if red.get("qualified")
                                                   else "") + " when its steps are proved; this domain is the search's")
    elif d.get("narrower_than_statement"):
        text += (". Narrower than the statement's: `explore --prove` on it proves only the narrower statement, "
                 "not the paper's")
    else:
        text += ". The statement's own domain, as declared"
    if d.get("proof_proves"):
        text += f"; a proof of the margin there proves: {d['proof_proves']}"
    return text + "."
