"""The claims registry: papers, their claims, and where claims are loaded from.

A paper is declared once, in its own module, with :func:`paper` (its full citation and
source file); its claims are registered with :func:`claim`; the documents its claims quote,
with :func:`document`; the README's curated sentences about them, with :func:`finding`. The
registry names no paper. :func:`load` imports, each once and all in the same way,

1. the built-in catalogue, :data:`CATALOGUE` (the package ``paper_checks.papers``, which lists
   its seed papers), loaded exactly like a user's claims module,
2. the modules advertised by installed packages under the entry-point group
   ``label_noise_lab.claims`` (an entry point may name a module or a callable, which is called),
3. the modules named in the environment variable ``LNL_CLAIMS`` (``os.pathsep``-separated
   file paths or dotted names; how ``pytest`` and ``python -m label_noise_lab.figures`` pick them up),
4. the modules given to :func:`load` (``python -m paper_checks run|list|explore --module``).

Problems in the registrations (an unknown paper, an unknown verdict, a duplicate id) are
collected over everything loaded and reported together (docs/design.md, "Claims").
Each claim records the verdict the project currently expects; the runner (and pytest)
compare computed verdicts against it.
"""
from __future__ import annotations

import dataclasses
import fnmatch
import hashlib
import importlib
import importlib.util
import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

from label_noise_lab.theory.validators import quoted
from paper_checks.context import Context
from paper_checks.evidence import METHODS, VERDICTS, Evidence
from paper_checks.precisions import PRECISIONS, RECORDED_AT
from paper_checks.search.params import SearchSpace

ENTRY_POINT_GROUP = "label_noise_lab.claims"
#: the built-in catalogue of seed papers: a claims module like any user's (docs/design.md, "Claims")
CATALOGUE = "paper_checks.papers"
ENV_VAR = "LNL_CLAIMS"
_ID = re.compile(r"^[a-z][a-z0-9]*$")


class RegistryError(ValueError):
    """Bad registrations or a module that cannot be loaded (the message lists every problem)."""


@dataclass(frozen=True)
class Paper:
    """A paper whose claims are put on trial.

    Attributes
    ----------
    id : the short id that prefixes its claim ids (``gce18`` in ``gce18.eq7_bounds``)
    authors : as the paper lists them (``"Z. Zhang, M. R. Sabuncu"``)
    year : year of publication
    title : the full title
    venue : conference or journal and/or arXiv id (``"NeurIPS 2018; arXiv 1805.07836"``)
    source : the text the claims were read from (a file name or a URL)
    note : how the text was read, if not directly (``"via S. Li's study notes, Robust Losses"``)
    bibtex : a complete BibTeX entry for ``report.bib`` (keyed by the paper id), when the one built from
        the fields above will not do (:func:`paper_checks.report.citing.bibtex_entry`)
    """

    id: str
    authors: str
    year: int
    title: str
    venue: str
    source: str
    note: str = ""
    bibtex: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.id, str) or not _ID.match(self.id):
            raise RegistryError(f"paper id {quoted(self.id)} must be lower-case letters and digits, starting with a "
                                "letter")
        for name in ("authors", "title", "venue", "source"):
            if not str(getattr(self, name)).strip():
                raise RegistryError(f"paper {self.id!r}: {name} is empty")
        if not isinstance(self.year, int) or not 1900 <= self.year <= 2100:
            raise RegistryError(f"paper {self.id!r}: year must be an integer in 1900..2100, got {quoted(self.year)}")

    def cite(self) -> str:
        """One-line citation: ``Authors (year). Title. Venue. [source; note]``."""
        tail = f" Source: {self.source}" + (f" ({self.note})" if self.note else "") + "."
        return f"{self.authors} ({self.year}). {self.title}. {self.venue}.{tail}"


PAPERS: dict[str, Paper] = {}
"""Every declared paper, by id, in declaration order."""


def paper(id: str, *, authors: str, year: int, title: str, venue: str, source: str, note: str = "",
          bibtex: str = "") -> Paper:
    """Declare paper ``id`` (once, in the module of its claims) and return it.

    Declaring the same paper twice with identical fields is harmless (a module imported
    twice); with different fields it is an error.
    """
    p = Paper(id, authors, year, title, venue, source, note, bibtex)
    old = PAPERS.get(id)
    if old is not None and old != p:
        raise RegistryError(f"paper {id!r} is declared twice with different citations")
    PAPERS[id] = p
    return p


@dataclass(frozen=True)
class Document:
    """A source document that claims quote by file name (``source="004_bedc5f2f9c2d4575.txt, Eq. (7)"``).

    The report replaces the file name by ``[tag]`` in each claim's source and lists the documents
    its claims quote, with ``description``, at the end of the bibliography.
    """

    file: str
    tag: str
    description: str


DOCUMENTS: dict[str, Document] = {}
"""Every declared source document, by file name, in declaration order."""


def tagged_source(source: str) -> str:
    """A claim's ``source`` as the report shows it: each declared document's file name replaced by ``[tag]``."""
    for d in DOCUMENTS.values():
        source = source.replace(d.file, f"[{d.tag}]")
    return source


def document(file: str, *, tag: str, description: str) -> Document:
    """Declare a source document quoted in claims' sources (harmless twice with identical fields)."""
    d = Document(str(file), str(tag), str(description))
    if not d.file.strip() or not d.tag.strip() or not d.description.strip():
        raise RegistryError(f"document {file!r}: file, tag and description must not be empty")
    old = DOCUMENTS.get(d.file)
    if old is not None and old != d:
        raise RegistryError(f"document {file!r} is declared twice with different fields")
    DOCUMENTS[d.file] = d
    return d


FINDINGS: dict[str, tuple[str, str]] = {}
"""Curated README sentences: claim id -> (the verdict the sentence describes, the sentence).

``python -m paper_checks readme`` prints a sentence only while the report's verdict is the one it
was written for (otherwise the report's own summary), so the README never states a verdict the
report does not have. Numbers in these sentences are exact (derived, not sampled)."""


def finding(claim_id: str, verdict: str, sentence: str) -> None:
    """Record the curated README sentence about ``claim_id`` when its verdict is ``verdict``."""
    if verdict not in VERDICTS:
        choices = ", ".join(VERDICTS)
        raise RegistryError(f"finding for {claim_id!r}: unknown verdict {verdict!r}; choose one of {choices}")
    old = FINDINGS.get(claim_id)
    if old is not None and old != (verdict, sentence):
        raise RegistryError(f"finding for {claim_id!r} is recorded twice with different sentences")
    FINDINGS[claim_id] = (verdict, sentence)


CheckFn = Callable[[Context], Evidence]


@dataclass(frozen=True)
class Claim:
    """A claim of a paper and the check that puts it on trial."""

    id: str
    paper: str
    source: str
    statement: str
    expected: str
    method: str
    check: CheckFn
    reconstructed: bool = False
    space: Callable[[], SearchSpace] | None = None
    figures: tuple[str, ...] = ()
    #: where the check was loaded from: a dotted module name, or the absolute path of a
    #: claims file given to ``--module`` (so a worker process can load it again)
    origin: str = ""
    #: how a reconstructed claim was reconstructed: a kind of :data:`RECONSTRUCTIONS` or free text
    #: (``""`` when not reconstructed); see :func:`reconstruction`
    reconstruction: str = ""
    #: the precision ``expected`` was recorded at (:data:`paper_checks.precisions.RECORDED_AT` unless the
    #: registration says ``expected_at=``): ``run`` and ``pytest --claims`` check the claim there by default
    expected_at: str = RECORDED_AT

    def __post_init__(self) -> None:
        _check_types(self.id, source=self.source, statement=self.statement, expected=self.expected,
                     method=self.method, space=self.space, figures=self.figures)
        if not callable(self.check):
            raise TypeError(f"claim {self.id!r}: check must be a function of a Context, got "
                            f"{type(self.check).__name__} {quoted(self.check)}")

    def __reduce_ex__(self, protocol: Any) -> Any:
        """A registered claim travels to worker processes (or Dask workers) by reference: its
        id and origin. The worker loads the origin and takes the claim from its registry, so
        checks from a claims file, and search-space factories that are lambdas, need not
        pickle. An unregistered claim (a test's) pickles field by field, without its space."""
        if REGISTRY.get(self.id) is self:
            return _registered, (self.id, self.origin)
        fields = [getattr(self, f.name) for f in dataclasses.fields(self)]
        fields[[f.name for f in dataclasses.fields(self)].index("space")] = None
        return Claim, tuple(fields)


def _check_types(id: Any, **fields: Any) -> None:
    """The types of a claim's fields (:func:`claim` and :class:`Claim`): ``id``, ``source``, ``statement``,
    ``expected`` and ``method`` strings, ``space`` ``None`` or a callable, ``figures`` a tuple or list of strings.
    A one-line ``TypeError`` naming the field and quoting the value (``claim(None, ...)`` was an
    ``AttributeError``; ``expected=5`` went on to an error at :func:`load`). The values themselves (a known
    verdict, an id ``paper.name``) are checked by :func:`claim`, which collects every problem for :func:`load`."""
    if not isinstance(id, str):
        raise TypeError(f"a claim id must be a string 'paper.name', got {type(id).__name__} {quoted(id)}")
    for name in ("source", "statement", "expected", "method"):
        v = fields[name]
        if not isinstance(v, str):
            raise TypeError(f"claim {quoted(id)}: {name} must be a string, got {type(v).__name__} {quoted(v)}")
    space, figures = fields["space"], fields["figures"]
    if space is not None and not callable(space):
        raise TypeError(f"claim {quoted(id)}: space must be None or a function returning a SearchSpace, got "
                        f"{type(space).__name__} {quoted(space)}")
    if not isinstance(figures, (tuple, list)) or not all(isinstance(f, str) for f in figures):
        raise TypeError(f"claim {quoted(id)}: figures must be a tuple of figure names (strings), got "
                        f"{type(figures).__name__} {quoted(figures)}")


def _registered(claim_id: str, origin: str) -> "Claim":
    """The registered claim ``claim_id``, loading ``origin`` first (the unpickling side of a claim)."""
    reg = load([origin] if origin else [])
    if claim_id not in reg:
        raise RegistryError(f"claim {claim_id!r} is not registered in this process (origin {origin!r})")
    return reg[claim_id]


#: the kinds of reconstruction :func:`claim` names, and what the report says of each
RECONSTRUCTIONS: dict[str, str] = {
    "outline": "the source states it only in outline; the statement below is this project's precise reading of it, "
               "and is what was checked.",
    "weakened": "the statement below is deliberately weaker than the source's, and is what was checked: a "
                "counterexample to it refutes the source's too, a proof of it does not prove the source's.",
    "negated": "the statement below is the negation of the source's (a doubt put on trial), and is what was checked: "
               "'proved' or 'confirmed' here speak against the source, 'refuted' for it.",
}


def reconstruction(value: bool | str) -> str:
    """How a claim was reconstructed, from :func:`claim`'s ``reconstructed=``: ``""`` for ``False`` (not
    reconstructed), ``"outline"`` for ``True`` (the meaning it always had), a kind of :data:`RECONSTRUCTIONS`
    or free text as given (stripped).

    Raises
    ------
    TypeError
        For anything but a bool or a string.
    ValueError
        For an empty string (say ``False``, or how the claim was reconstructed).
    """
    if isinstance(value, bool):
        return "outline" if value else ""
    if not isinstance(value, str):
        raise TypeError(f"reconstructed must be True/False or a string saying how (one of "
                        f"{', '.join(RECONSTRUCTIONS)}, or free text), got {quoted(value)}")
    if not value.strip():
        raise ValueError("reconstructed='' says nothing: pass False, or how the claim was reconstructed (one of "
                         f"{', '.join(RECONSTRUCTIONS)}, or free text)")
    return value.strip()


def reconstruction_note(value: bool | str) -> str:
    """What the report says of a claim reconstructed as ``value`` (:func:`reconstruction`; a report written
    before reasons existed carries ``True``): the kind's sentence, or the free text followed by
    "the statement below is what was checked"; ``""`` for a claim that is not reconstructed."""
    how = reconstruction(value)
    if not how:
        return ""
    if how in RECONSTRUCTIONS:
        return RECONSTRUCTIONS[how]
    return f"{how.rstrip('.; ')}; the statement below is what was checked."


REGISTRY: dict[str, Claim] = {}
_FILES: dict[str, str] = {}  # module name -> absolute path, for claims files loaded by path
_PROBLEMS: list[str] = []
_CLAIM_ID = re.compile(r"^[a-z][a-z0-9]*\.[A-Za-z0-9_]+$")


def claim(
    id: str,
    *,
    source: str,
    statement: str,
    expected: str,
    method: str,
    reconstructed: bool | str = False,
    space: Callable[[], SearchSpace] | None = None,
    figures: tuple[str, ...] = (),
    expected_at: str = RECORDED_AT,
) -> Callable[[CheckFn], CheckFn]:
    """Register the decorated function as the check of claim ``id`` (``paper.name``).

    ``expected`` is the verdict the project expects at the precision ``expected_at`` (default ``"standard"``,
    ``run``'s): ``python -m paper_checks run`` and ``pytest --claims`` run the claim at that precision unless told
    otherwise, so one recorded verdict means one thing everywhere; ``pytest --claims --claims-update`` writes it
    beside the verdict it records when it ran at another.

    ``reconstructed`` marks a statement that is not a sentence of the source, and says how it was
    made (:func:`reconstruction`): ``"outline"`` (the source states it only in outline; ``True``
    means this, as before), ``"weakened"`` (deliberately weaker than the source's), ``"negated"``
    (the source's statement negated, a doubt put on trial), or free text saying how.

    ``space`` (a factory of :class:`SearchSpace`) makes the claim explorable with
    ``python -m paper_checks explore ID``. ``figures`` names the figures of
    ``python -m label_noise_lab.figures`` drawn from the same computation (listed in the report).

    The paper (the part of ``id`` before the dot) may be declared with :func:`paper` in any
    module loaded by :func:`load`; problems are collected and reported by :func:`load`
    all together rather than one at a time.
    """
    _check_types(id, source=source, statement=statement, expected=expected, method=method, space=space,
                 figures=figures)
    paper_id = id.split(".", 1)[0]
    problems = []
    if not _CLAIM_ID.match(id):
        problems.append(f"claim {quoted(id)}: an id is 'paper.name' (lower-case paper id, then letters, digits, _)")
    if expected not in VERDICTS:
        problems.append(f"claim {id!r}: unknown expected verdict {quoted(expected)}; choose one of "
                        f"{', '.join(VERDICTS)}")
    if expected_at not in PRECISIONS:
        problems.append(f"claim {id!r}: unknown expected_at precision {quoted(expected_at)}; choose one of "
                        f"{', '.join(PRECISIONS)}")
    if method not in METHODS:
        problems.append(f"claim {id!r}: unknown method {quoted(method)}; choose one of {', '.join(METHODS)}")
    if not source.strip() or not statement.strip():
        problems.append(f"claim {id!r}: source and statement must not be empty")
    try:
        how = reconstruction(reconstructed)
    except (TypeError, ValueError) as exc:
        problems.append(f"claim {id!r}: {exc}")
        how = ""

    def deco(fn: CheckFn) -> CheckFn:
        if problems:
            _PROBLEMS.extend(problems)
            return fn
        old = REGISTRY.get(id)
        if old is not None and (getattr(old.check, "__module__", None), getattr(old.check, "__qualname__", None)) != (
                getattr(fn, "__module__", None), getattr(fn, "__qualname__", None)):
            _PROBLEMS.append(f"claim {id!r} is registered twice ({old.check.__module__} and {fn.__module__})")
            return fn
        module = getattr(fn, "__module__", "") or ""
        REGISTRY[id] = Claim(id, paper_id, source, statement, expected, method, fn, bool(how), space,
                             tuple(figures), _FILES.get(module, module), how, expected_at)
        return fn

    return deco


# ---------------------------------------------------------------- loading
def is_path(spec: str) -> bool:
    return spec.endswith(".py") or os.sep in spec or "/" in spec


def load_module(spec: str) -> str:
    """Import a claims module given as a file path (``my_claims.py``) or a dotted name; return its module name.

    Raises
    ------
    RegistryError
        One line naming the module when the file does not exist or the import fails.
    """
    spec = str(spec).strip()
    if not spec:
        raise RegistryError("empty claims module name")
    if is_path(spec):
        try:
            path = Path(spec).expanduser().resolve()
            kind = "dir" if path.is_dir() else "file" if path.is_file() else None
        except (OSError, ValueError) as exc:  # a name over 255 bytes, a NUL byte: one line, not a traceback
            raise RegistryError(f"claims module {quoted(spec)}: {getattr(exc, 'strerror', None) or exc}") from None
        if kind == "dir":
            raise RegistryError(f"claims module {quoted(spec)} is a directory; give a .py file or a dotted module name")
        if kind is None:
            raise RegistryError(f"claims module {quoted(spec)}: no such file")
        name = "lnl_claims_" + re.sub(r"\W", "_", path.stem) + "_" + hashlib.sha256(str(path).encode()).hexdigest()[:8]
        if name in sys.modules:
            return name
        _FILES[name] = str(path)
        parent = str(path.parent)
        if parent not in sys.path:
            sys.path.insert(0, parent)  # so the module can import its neighbours
        mspec = importlib.util.spec_from_file_location(name, path)
        if mspec is None or mspec.loader is None:
            raise RegistryError(f"claims module {quoted(spec)}: not a Python file")
        module = importlib.util.module_from_spec(mspec)
        sys.modules[name] = module
        try:
            mspec.loader.exec_module(module)
        except (Exception, SystemExit) as exc:  # sys.exit at import is the module's failure, not the caller's end
            del sys.modules[name]
            raise RegistryError(f"claims module {quoted(spec)} failed to import: {_import_failure(exc)}") from None
        return name
    try:
        importlib.import_module(spec)
    except (Exception, SystemExit) as exc:
        raise RegistryError(f"claims module {quoted(spec)} failed to import: {_import_failure(exc)}") from None
    return spec


def _import_failure(exc: BaseException) -> str:
    """What went wrong in an import, on one line (``sys.exit`` called at import is named as such)."""
    if isinstance(exc, SystemExit):
        return f"it called sys.exit({exc.code!r})"
    return " ".join(f"{type(exc).__name__}: {exc}".split())


def entry_point_modules() -> list[tuple[str, Callable[[], object]]]:
    """``(name, load)`` for each entry point of the group ``label_noise_lab.claims``."""
    from importlib.metadata import entry_points

    return [(ep.name, ep.load) for ep in entry_points(group=ENTRY_POINT_GROUP)]


def env_modules() -> list[str]:
    """The claims modules named in ``$LNL_CLAIMS`` (``os.pathsep``-separated)."""
    return [s for s in os.environ.get(ENV_VAR, "").split(os.pathsep) if s.strip()]


_builtin_loaded = False
_ENTRY_POINTS_SCANNED = False  # the installed packages' entry points are read once per process


def load(modules: Iterable[str] = ()) -> dict[str, Claim]:
    """Load every claim and return the registry: papers by year, then id; claims in the order
    their modules registered them.

    The built-in catalogue (:data:`CATALOGUE`), the entry points of the group
    ``label_noise_lab.claims``, the modules of ``$LNL_CLAIMS`` and ``modules`` (file paths
    or dotted names). Each is imported once.

    Raises
    ------
    RegistryError
        Listing every problem found: a module that fails to import, a claim of an
        undeclared paper, a bad verdict or method, a duplicate id. What the failing call
        registered is taken back, so a corrected file can be loaded again.
    """
    global _builtin_loaded, _ENTRY_POINTS_SCANNED
    claims_before, papers_before, mark = set(REGISTRY), set(PAPERS), len(_PROBLEMS)
    documents_before, findings_before = set(DOCUMENTS), set(FINDINGS)
    files_before, modules = set(_FILES), list(modules)
    imported_before = {m for m in modules if m in sys.modules}
    try:
        if not _builtin_loaded:
            load_module(CATALOGUE)
            _builtin_loaded = True
        for name, ep_load in entry_point_modules() if not _ENTRY_POINTS_SCANNED else ():
            try:
                obj = ep_load()  # imports the module it names, which registers its claims
                if callable(obj):  # or a function that registers them
                    obj()
            except Exception as exc:
                raise RegistryError(f"entry point {name!r} of {ENTRY_POINT_GROUP} failed: "
                                    f"{type(exc).__name__}: {exc}") from None
        _ENTRY_POINTS_SCANNED = True
        # loaded once and for good: a failing module of the user's (the first load of a notebook) must not take
        # back the catalogue or the entry points' claims, whose modules would never register them again
        claims_before, papers_before = set(REGISTRY), set(PAPERS)
        documents_before, findings_before = set(DOCUMENTS), set(FINDINGS)
        for spec in env_modules():
            load_module(spec)
        for spec in modules:
            load_module(spec)
        problems = list(dict.fromkeys(_PROBLEMS[mark:]))
        for c in REGISTRY.values():
            if c.paper not in PAPERS:
                problems.append(f"claim {c.id!r}: paper {c.paper!r} is not declared; add "
                                f"paper({c.paper!r}, authors=..., year=..., title=..., venue=..., source=...) "
                                "to its module")
        if problems:
            raise RegistryError(f"{len(problems)} registration problem(s): " + "; ".join(problems))
    except RegistryError:
        for cid in set(REGISTRY) - claims_before:
            del REGISTRY[cid]
        for pid in set(PAPERS) - papers_before:
            del PAPERS[pid]
        for f in set(DOCUMENTS) - documents_before:
            del DOCUMENTS[f]
        for cid in set(FINDINGS) - findings_before:
            del FINDINGS[cid]
        del _PROBLEMS[mark:]
        for name in set(_FILES) - files_before:
            sys.modules.pop(name, None)
            del _FILES[name]
        for m in set(modules) - imported_before:  # dotted modules: importable again once fixed
            sys.modules.pop(m, None)
        raise
    _sort()
    return REGISTRY


def _sort() -> None:
    """Papers by (year, id); claims by paper, then in registration order (in place: others hold these dicts)."""
    papers = sorted(PAPERS.values(), key=lambda p: (p.year, p.id))
    rank = {p.id: k for k, p in enumerate(papers)}
    claims = sorted(REGISTRY.values(), key=lambda c: rank.get(c.paper, len(rank)))  # stable: keeps registration order
    PAPERS.clear()
    PAPERS.update((p.id, p) for p in papers)
    REGISTRY.clear()
    REGISTRY.update((c.id, c) for c in claims)


class NoMatch(ValueError):
    """A glob pattern of claim ids that matches no registered claim (``pattern`` is the pattern)."""

    def __init__(self, pattern: str):
        super().__init__(f"claim pattern {quoted(pattern)} matches no claim")
        self.pattern = pattern


def expand_patterns(patterns: Iterable[str], known: Iterable[str]) -> list[str]:
    """Claim ids for ``patterns``: an exact id is kept as given, a glob pattern (``gce18.eq1*``, with ``*?[``)
    becomes the ``known`` ids it matches, in their order; no id twice. :class:`NoMatch` for a pattern that
    matches none (the one rule behind ``run --claim`` and ``api.run``)."""
    known = list(known)
    out: list[str] = []
    for p in patterns:
        if any(ch in p for ch in "*?["):
            hit = [i for i in known if fnmatch.fnmatchcase(i, p)]
            if not hit:
                raise NoMatch(p)
            out += hit
        else:
            out.append(p)
    return list(dict.fromkeys(out))


def select(papers: Sequence[str] | None = None, ids: Sequence[str] | None = None,
           modules: Iterable[str] = ()) -> list[Claim]:
    """Claims of the given papers and ids (all when both are empty), in registry order.

    ``modules`` are loaded first (see :func:`load`). Raises ``ValueError`` naming any
    unknown paper or claim id.
    """
    reg = load(modules)
    for p in papers or []:
        if p not in PAPERS:
            raise ValueError(f"unknown paper {quoted(p)}; known papers: {', '.join(PAPERS)}")
    for i in ids or []:
        if i not in reg:
            raise ValueError(f"unknown claim id {quoted(i)}; 'python -m paper_checks list' shows them")
    if not papers and not ids:
        return list(reg.values())
    return [c for c in reg.values() if (papers and c.paper in papers) or (ids and c.id in ids)]
