"""A citable report: BibTeX of the cited papers and of the report itself (``report.bib``), the claims
modules' paths and content hashes for the provenance, and the "how to cite this report" text.

A paper's BibTeX entry is the one its registration gives (``paper(..., bibtex=...)``) or one built from
its fields: the key is the paper id (``\\cite{gce18}``), ``@inproceedings`` for a conference venue
(``"NeurIPS 2018; arXiv 1805.07836"``), ``@misc`` with the arXiv eprint otherwise.
"""
from __future__ import annotations

import hashlib
import re
import sys
from pathlib import Path
from typing import Any, Iterable

from paper_checks import registry

#: the full names of the conferences the catalogue's venues abbreviate (BibTeX ``booktitle``)
BOOKTITLES = {
    "NeurIPS": "Advances in Neural Information Processing Systems (NeurIPS)",
    "NIPS": "Advances in Neural Information Processing Systems (NIPS)",
    "ICML": "Proceedings of the International Conference on Machine Learning (ICML)",
    "ICLR": "International Conference on Learning Representations (ICLR)",
    "CVPR": "Proceedings of the IEEE Conference on Computer Vision and Pattern Recognition (CVPR)",
    "ICCV": "Proceedings of the IEEE International Conference on Computer Vision (ICCV)",
    "AAAI": "Proceedings of the AAAI Conference on Artificial Intelligence (AAAI)",
}
_ARXIV = re.compile(r"arXiv[:\s]*(\d{4}\.\d{4,5})(v\d+)?", re.IGNORECASE)
_ROOT = Path(registry.__file__).resolve().parents[1]  # the folder holding the packages


#: how every format words a report without a commit (run outside a git checkout, or without git)
NO_COMMIT = "not a git checkout"


def commit_text(prov: dict[str, Any] | None) -> str:
    """The provenance's commit, or :data:`NO_COMMIT`: one wording in every format."""
    return (prov or {}).get("commit") or NO_COMMIT


def _bib(s: Any) -> str:
    """A BibTeX field's text: TeX's special characters escaped, braces as ``\\textbraceleft{}`` and
    ``\\textbraceright{}`` (BibTeX counts the brace of ``\\{`` too, so a ``}`` escaped that way would still close
    the field and let the rest of the text make entries of its own), line breaks as spaces."""
    rep = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_",
           "{": r"\textbraceleft{}", "}": r"\textbraceright{}", "~": r"\textasciitilde{}",
           "^": r"\textasciicircum{}", "\n": " ", "\r": " "}
    return "".join(rep.get(ch, ch) for ch in str(s))


def _key(s: Any) -> str:
    """A BibTeX key: letters, digits and ``-_.:`` only."""
    return re.sub(r"[^A-Za-z0-9_.:-]", "-", str(s)) or "unknown"


def _author(name: str) -> str:
    """``"M. R. Sabuncu"`` -> ``"Sabuncu, M. R."`` (the last word is the family name)."""
    parts = name.strip().split()
    return name.strip() if len(parts) < 2 or "," in name else f"{parts[-1]}, {' '.join(parts[:-1])}"


def bibtex_entry(p: Any) -> str:
    """The BibTeX entry of a registered paper (:class:`paper_checks.registry.Paper`), keyed by its id."""
    given = str(getattr(p, "bibtex", "") or "").strip()
    if given:
        return given
    sep = " and " if " and " in p.authors else ","
    authors = " and ".join(_bib(_author(a)) for a in p.authors.split(sep) if a.strip())
    segments = [s.strip() for s in str(p.venue).split(";") if s.strip()]
    arxiv = next((m.group(1) for s in segments if (m := _ARXIV.search(s))), None)
    conference = next((s for s in segments if not _ARXIV.search(s)), None)
    fields = [("author", authors), ("title", "{" + _bib(p.title) + "}"), ("year", _bib(p.year))]
    if conference is not None:
        acronym = re.sub(r"\s*\d{4}$", "", conference)
        fields.append(("booktitle", _bib(BOOKTITLES.get(acronym, conference))))
        kind = "inproceedings"
    else:
        kind = "misc"
    if arxiv is not None:
        fields += [("eprint", arxiv), ("archivePrefix", "arXiv"), ("url", f"https://arxiv.org/abs/{arxiv}")]
    elif conference is None:
        fields.append(("howpublished", _bib(p.venue)))
    body = ",\n".join(f"  {k} = {{{v}}}" for k, v in fields)
    return f"@{kind}{{{_key(p.id)},\n{body}\n}}"


def report_key(doc: dict[str, Any]) -> str:
    """The BibTeX key of the report itself."""
    return _key(f"lnl-report-{(doc.get('provenance') or {}).get('run_id') or 'unknown'}")


def report_entry(doc: dict[str, Any]) -> str:
    """The BibTeX entry of the report: version, commit, run id, precision, seed, date."""
    p = doc.get("provenance") or {}
    year = _bib(str(p.get("date") or "")[:4] or "n.d.")
    note = (f"label-noise-lab {doc['version']}, commit {_bib(commit_text(p))}, run {p.get('run_id')}, "
            f"precision {doc['precision']}, seed {doc['seed']}, {len(doc['claims'])} claims")
    return (f"@misc{{{report_key(doc)},\n  author = {{{{label-noise-lab}}}},\n"
            f"  title = {{{{Verdicts on published claims about noise-robust losses}}}},\n  year = {{{year}}},\n"
            f"  note = {{{_bib(note)}}}\n}}")


def bibtex(doc: dict[str, Any]) -> str:
    """``report.bib``: the report's own entry, then every paper its claims cite (registry order)."""
    cited = list(dict.fromkeys(c["paper"] for c in doc["claims"]))
    entries = [report_entry(doc)]
    entries += [bibtex_entry(registry.PAPERS[pid]) for pid in cited if pid in registry.PAPERS]
    missing = [pid for pid in cited if pid not in registry.PAPERS]
    n = len(cited)
    head = f"% label-noise-lab {doc['version']}: the report and the {n} paper{'s' if n != 1 else ''} its claims cite"
    if missing:  # a report read back without the claims modules that declared these papers
        head += f"\n% not declared in this process (load their claims modules): {', '.join(missing)}"
    return head + "\n\n" + "\n\n".join(entries) + "\n"


# --------------------------------------------------------------------------- the claims modules
def _module_file(origin: str) -> Path | None:
    if Path(origin).is_absolute():
        return Path(origin)
    mod = sys.modules.get(origin)
    f = getattr(mod, "__file__", None)
    return Path(f) if f else None


def claims_modules(claims: Iterable[Any], extra: Iterable[str] = ()) -> list[dict[str, str]]:
    """``{"module", "path", "sha256"}`` of every claims module that registered one of ``claims`` (and of the
    ``extra`` files or module names): the package's by their path in it, a user's file by its absolute path."""
    origins = list(dict.fromkeys([*(c.origin for c in claims if c.origin), *extra]))
    out = []
    for origin in origins:
        if registry.is_path(origin) and not Path(origin).is_absolute():
            origin = str(Path(origin).expanduser().resolve())
        f = _module_file(origin)
        if f is None or not f.is_file():
            out.append({"module": origin, "path": "", "sha256": ""})
            continue
        f = f.resolve()
        shown = str(f.relative_to(_ROOT)) if f.is_relative_to(_ROOT) else str(f)
        name = f.stem if Path(origin).is_absolute() else origin
        out.append({"module": name, "path": shown, "sha256": hashlib.sha256(f.read_bytes()).hexdigest()})
    return out


def shown_path(path: str) -> str:
    """A claims file as a write-up names it: relative to the working directory when inside it, else its file name
    alone (never a path of the machine; report.json keeps the full path, which ``show`` reads)."""
    f = Path(path)
    if not f.is_absolute():
        return path
    try:
        return str(f.relative_to(Path.cwd().resolve()))
    except (ValueError, OSError):
        return f.name


def modules_text(mods: list[dict[str, str]]) -> str:
    """The claims modules in one line: ``path (sha256 HASH); ...``, each path as :func:`shown_path` gives it."""
    return "; ".join(f"{shown_path(m['path']) if m['path'] else m['module']} (sha256 {m['sha256'] or 'unavailable'})"
                     for m in mods)


def how_to_cite(doc: dict[str, Any]) -> str:
    """The "how to cite this report" paragraph (the same text in Markdown, HTML and LaTeX)."""
    p = doc.get("provenance") or {}
    user = [m for m in p.get("claims_modules") or [] if not m["module"].startswith(registry.CATALOGUE)]
    mods = f"; claims files: {modules_text(user)}" if user else ""
    return (f"label-noise-lab {doc['version']} (commit {commit_text(p)}), report {p.get('run_id')} "
            f"of {p.get('date')}, precision {doc['precision']}, seed {doc['seed']}{mods}. BibTeX: report.bib, key "
            f"{report_key(doc)}, with the cited papers under their ids. The provenance (report.json) lists every "
            "claims module with its sha256, so a reader can check that the same checks produced these verdicts.")
