"""The reader's input: a document's normalised text with the cell evidence its format gave.

Every format adapter (text, HTML, PDF, Word) produces one ``Document``. Its ``text`` is what the
table reader scans as one character stream: ``|`` and tab mark cell boundaries the source kept
(HTML cells, pipes, PDF column gaps), a newline a line break, and ``BLANK_CELL`` a cell the source
printed empty. Lines of ``text`` map back to the source's lines (and pages, for PDF).
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

BLANK_CELL = "\u2205"  # an explicitly empty cell (HTML ``<td></td>``, a Word table's empty cell)


class Unreadable(Exception):
    """The file is not a document the reader can read; ``reason`` is the warning code."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def row_line(texts: list[str]) -> str | None:
    """A table row (HTML, Word) as a line of ``|``-separated cells. In a row of values, a blank
    cell is a position (a blank 总计 too), from the first printed cell on: ``BLANK_CELL``."""
    if not any(texts):
        return None
    if any(t[:1].isdigit() or (t[:1] in "+-" and t[1:2].isdigit()) for t in texts):
        first = next(i for i, t in enumerate(texts) if t)
        return " | ".join(t or BLANK_CELL for t in texts[first:])
    return " | ".join(t for t in texts if t)


def normalise(text: str) -> str:
    """Fold full-width digits and punctuation (NFKC), unify line ends and minus signs."""
    text = unicodedata.normalize("NFKC", text)
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2212", "-")


@dataclass
class Document:
    text: str
    source_format: str = "text"
    encoding: str | None = None
    # where each line of ``text`` came from: the source line of text line i+1 (None: line i+1 itself)
    source_lines: list[int] | None = None
    # the page of each line of ``text`` (None: the format has no pages)
    line_pages: list[int] | None = None
    meta: dict[str, str] = field(default_factory=dict)  # the page's own fields (<meta name=… content=…>)

    def source_line(self, line: int) -> int:
        """The source line of line ``line`` (1-based) of the text."""
        return self.source_lines[line - 1] if self.source_lines else line

    def page(self, line: int) -> int | None:
        """The page line ``line`` (1-based) of the text is printed on (None for formats without pages)."""
        return self.line_pages[line - 1] if self.line_pages else None
