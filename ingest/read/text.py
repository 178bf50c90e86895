"""Plain text and markdown (web page text, PDF converter output) → Document.

The text is kept as it is, line for line: pipes and tabs already are its cell evidence. Where a
blank cell's place is known, it is marked (``BLANK_CELL``): a row of tab-separated cells (a
browser's copy, ``tabs``) and a table drawn with box-drawing characters (``grid``) become a line of
cells per row; a pipe table's empty cells among its value columns and a fixed-width table's empty
columns are marked where its full rows show where the columns are (``columns``). Markdown adds
only noise to remove: table rules (``|---|---|``), emphasis marks, ``<br>`` inside cells.
"""
from __future__ import annotations

import re

from ..form import load_form
from .columns import fill_blank_columns, fill_blank_pipe_cells
from .document import SCRIPT_DIGITS, Document, normalise
from .grid import grid_lines, has_grid
from .html import html_document, looks_like_html
from .tabs import tab_rows

_TAG = re.compile(r"</?[A-Za-z][^<>]*>|<!--.*?-->")
# a raised or lowered run, and the cell edge before it when nothing else is in the cell
_SCRIPT = re.compile(r"(\|[ \t]*)?<(su[bp])>([^<>|\n]{0,40})</\2>", re.I)
_CELL_END = re.compile(r"[ \t]*\|")
_PANDOC_SPAN = re.compile(r"\[([^\[\]\n]*)\](\{[^{}\n]{0,1000}\})")
_SPAN_DEPTH = 4  # spans within spans unwrapped
_HTML_TABLE = re.compile(r"<table\b.*?</table\s*>", re.I | re.S)
_MD_TABLE_RULE = re.compile(r"(?m)^[ \t]*\|?[ \t]*:?-{3,}:?[ \t]*\|")
_MD_RULE = re.compile(r"(?m)^[ \t]*\|?(?:[ \t]*:?-{2,}:?[ \t]*\|)+[ \t]*(?::?-{2,}:?)?[ \t]*$|^[ \t]*:?-{3,}:?[ \t]*$")
# emphasis marks, underscores filling a cell (html2text pads cells with them: |71__|3__|), and the
# line breaks of a wrapped cell (pymupdf4llm: |1.属于<br>国家秘<br>密|)
_EMPHASIS = re.compile(r"\*\*|_{2,}|_(?=[|\n])|<br\s*/?>", re.I)


def text_document(text: str) -> Document:
    if "<su" in text or "<SU" in text:
        text = _SCRIPT.sub(_script, text)
    lines = text.split("\n")
    numbers = None  # the source line of each line, once lines are no longer the file's own
    if looks_like_html(text):  # markdown carrying HTML: its tables read as HTML, its other tags blanks
        lines, numbers = _html_tables(lines)
        lines = [_TAG.sub(_blank, line) for line in lines]
    body = text.rstrip()  # blanks after the last line are no cells (a copy's padding)
    rows = ("\t" in body and tab_rows(lines)) or (has_grid(text) and grid_lines(lines))
    width = len(load_form().applicants)
    if rows:  # a tab-separated or drawn table: a line of cells per row, blank cells kept
        lines = [line for line, _ in rows]
        numbers = [numbers[k] if numbers else k + 1 for _, k in rows]
    elif "|" in text and (filled := fill_blank_pipe_cells(lines, width)):
        lines = filled  # pipe rows: blank cells among the values, line for line
    elif "   " in body and (filled := fill_blank_columns(lines, width)):
        lines = filled  # fixed-width rows: blank cells placed by their columns, line for line
    text = "\n".join(lines)
    if "]{" in text:  # pandoc's spans ([规章]{style="…14pt"}, nested): their text without the markup
        for _ in range(_SPAN_DEPTH):
            text, found = _PANDOC_SPAN.subn(_span_text, text)
            if not found:
                break
    if "--" in text:  # markdown noise blanked in place: positions stay the file's
        text = _MD_RULE.sub(_blank, text)
    if "**" in text or "__" in text or "<br" in text or "<BR" in text:
        text = _EMPHASIS.sub(_blank, text)
    return Document(text=normalise(text), original=text, source_format="text", source_lines=numbers)


def _script(m: re.Match) -> str:
    """A ``<sup>``/``<sub>`` run: the value of a cell it fills alone (a converter's flag for a glyph
    off the baseline, pymupdf4llm: ``|<sup>0</sup>|``: a mark needs something to mark), else a
    footnote mark; its tags blanked in place."""
    kind, content = m.group(2).lower(), m.group(3)
    whole_cell = m.group(1) is not None and _CELL_END.match(m.string, m.end()) is not None
    inner = content if whole_cell else content.translate(SCRIPT_DIGITS[kind])
    return (m.group(1) or "") + inner + " " * (len(m.group(0)) - len(m.group(1) or "") - len(content))


def looks_like_markdown(text: str) -> bool:
    """Markdown that carries some HTML (pandoc writes a table it cannot draw with pipes as HTML):
    a heading first, a pipe table's rule, or pandoc's spans with attributes ([规章]{style="…"})."""
    head = text[:200000]
    return text.lstrip()[:1] == "#" or bool(_MD_TABLE_RULE.search(head)) or bool(_PANDOC_SPAN.search(head))


def _html_tables(lines: list[str]) -> tuple[list[str], list[int]]:
    """The lines with each HTML table in them read as the HTML adapter reads a page's table: a
    line of cells per row (the source line of each)."""
    text = "\n".join(lines)
    out: list[str] = []
    numbers: list[int] = []
    pos, line = 0, 1
    for m in _HTML_TABLE.finditer(text):
        before = text[pos:m.start()].split("\n")
        out += before
        numbers += range(line, line + len(before))
        line += len(before) - 1
        table = html_document(m.group())
        out += table.original.split("\n")
        # (a row past the 65,534th line of its table has no known line)
        numbers += [line + n - 1 if (n := table.source_line(k)) is not None else None
                    for k in range(1, table.original.count("\n") + 2)]
        line += m.group().count("\n")
        pos = m.end()
    rest = text[pos:].split("\n")
    return out + rest, numbers + list(range(line, line + len(rest)))


def _span_text(m: re.Match) -> str:
    return " " + m.group(1) + " " * (1 + len(m.group(2)))


def _blank(m: re.Match) -> str:
    return " " * len(m.group())
