"""One escaping rule per format, used by every writer of it (issue 66, item 2): any text a claim, a paper or a
report.json brings (a title, a source, a statement, a summary, a figure's caption) reads as the text it is.

- Markdown (``report.md``, ``_repr_markdown_``): :func:`md_text`: every line break folded into a space (a newline
  in a paper's title started a heading of its own), Markdown's inline marks backslash-escaped (no link, image,
  emphasis, code span or table cell comes from data), raw HTML and entities neutralised (``<script>`` shows as
  text), and a mark that would open a block at the start of a line escaped; :func:`md_code` for a code span,
  :func:`md_fence` for a fenced block (a traceback).
- HTML (``report.html``, ``_repr_html_``): :func:`html_text`, :func:`html.escape` with quotes.
- CSV (``report.csv``, the figures' data): :func:`paper_checks.files.csv_cell`, OWASP's rule against CSV
  injection, inside :func:`paper_checks.files.records_csv` (the one CSV writer, below the report so that the
  figures' CSV files share it).
- LaTeX (``report.tex``, ``report.bib``): :func:`paper_checks.report.latex_csv.tex_text` and
  :func:`paper_checks.report.citing.bib_text`.
"""
from __future__ import annotations

import html
import re
from typing import Any

#: every character a Markdown renderer (CommonMark, GitHub's, Python-Markdown) may take as a line break
LINE_BREAKS = re.compile(r"\r\n|[\r\n\v\f\x1c\x1d\x1e\x85\u2028\u2029]")
#: Markdown's inline marks that data could turn into markup: an escape, a code span, emphasis by ``*``, a table
#: cell's end (``_`` is left alone: inside a word, as in ``eq7_bounds``, it never emphasises)
_INLINE = re.compile(r"([\\`*|])")
#: the ``]`` that closes a link's or an image's text before its target (``[x](javascript:...)``, ``![x](http://...)``)
#: or its reference (``[x][r]``); a lone ``[tag]`` (``[Zhang & Sabuncu 2018]``) stays as written
_LINK = re.compile(r"\](?=[(\[])")
#: a ``<`` that opens raw HTML, a comment or an autolink (``<a``, ``</``, ``<!``, ``<?``); ``x <= 1`` stays
_TAG_OPEN = re.compile(r"<(?=[A-Za-z/!?])")
#: a ``&`` that starts an entity (``&lt;``, ``&#60;``): kept as the characters written
_ENTITY = re.compile(r"&(?=#?[A-Za-z0-9]+;)")
#: marks that open a block (heading, quote, list item, setext underline, HTML block) at the start of a line
_BLOCK_START = re.compile(r"^(\s*)([#>+=-])")


def md_text(s: Any) -> str:
    """``s`` as Markdown text that renders as written, on one line: line breaks folded into spaces, Markdown's
    marks backslash-escaped, raw HTML and entities neutralised, a block mark at its start escaped.

    >>> print(md_text("Title\\n# Owned <img src=x onerror=alert(1)> [click](javascript:x) a|b"))
    Title # Owned &lt;img src=x onerror=alert(1)> [click\\](javascript:x) a\\|b
    """
    t = LINE_BREAKS.sub(" ", str(s))
    t = _ENTITY.sub("&amp;", t)
    t = _INLINE.sub(r"\\\1", t)
    t = _LINK.sub(r"\\]", t)
    t = _TAG_OPEN.sub("&lt;", t)
    return _BLOCK_START.sub(r"\1\\\2", t)


def md_code(s: Any) -> str:
    """``s`` as a Markdown code span on one line: fenced by more backticks than any run inside it, line breaks
    folded, ``|`` escaped (a table cell ends at a bare ``|`` even inside a code span)."""
    t = LINE_BREAKS.sub(" ", str(s)).replace("|", "\\|")
    fence = "`" * (max((len(r) for r in re.findall(r"`+", t)), default=0) + 1)
    pad = " " if t.startswith("`") or t.endswith("`") else ""
    return f"{fence}{pad}{t}{pad}{fence}"


def md_fence(s: Any) -> list[str]:
    """``s`` as a fenced Markdown block (its lines kept): the fence longer than any run of backticks inside it, so
    that no line of ``s`` closes it."""
    t = str(s).rstrip()
    fence = "`" * max(3, max((len(r) for r in re.findall(r"`+", t)), default=0) + 1)
    return [fence, t, fence]


def html_text(s: Any) -> str:
    """``s`` as HTML text (``<``, ``>``, ``&`` and both quotes escaped)."""
    return html.escape(str(s), quote=True)
