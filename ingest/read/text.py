"""Plain text and markdown (web page text, PDF converter output) → Document.

The text is kept as it is, line for line: pipes and tabs already are its cell evidence. A table
drawn with box-drawing characters becomes a line per row (``grid``); in a fixed-width table, a row's
blank cells are placed by the columns of the rows around it (``columns``). Markdown adds only noise to
remove: table rules (``|---|---|``) and emphasis marks.
"""
from __future__ import annotations

import re

from ..form import load_form
from .columns import fill_blank_columns
from .document import Document, normalise
from .grid import grid_lines, has_grid

_MD_RULE = re.compile(r"(?m)^[ \t]*\|?(?:[ \t]*:?-{2,}:?[ \t]*\|)+[ \t]*(?::?-{2,}:?)?[ \t]*$|^[ \t]*:?-{3,}:?[ \t]*$")
# emphasis marks, underscores filling a cell (html2text pads cells with them: |71__|3__|), and the
# line breaks of a wrapped cell (pymupdf4llm: |1.属于<br>国家秘<br>密|)
_EMPHASIS = re.compile(r"\*\*|_{2,}|_(?=[|\n])|<br\s*/?>", re.I)


def text_document(text: str) -> Document:
    source_lines = None
    if has_grid(text) and (rows := grid_lines(text.split("\n"))):  # a drawn table: a line per row
        text = "\n".join(line for line, _ in rows)
        source_lines = [k + 1 for _, k in rows]
    elif "   " in text and (filled := fill_blank_columns(text.split("\n"), len(load_form().applicants))):
        text = "\n".join(filled)  # fixed-width rows: blank cells placed by their columns, line for line
    if "--" in text:  # markdown noise blanked in place: positions stay the file's
        text = _MD_RULE.sub(_blank, text)
    if "**" in text or "__" in text or "<br" in text or "<BR" in text:
        text = _EMPHASIS.sub(_blank, text)
    return Document(text=normalise(text), original=text, source_format="text", source_lines=source_lines)


def _blank(m: re.Match) -> str:
    return " " * len(m.group())
