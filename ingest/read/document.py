"""The reader's input: a document's normalised text with the cell evidence its format gave.

Every format adapter (text, HTML, PDF, Word) produces one ``Document``. Its ``text`` is what the
table reader scans as one character stream: ``|`` and tab mark cell boundaries the source kept
(HTML cells, pipes, PDF column gaps), a newline a line break, and ``BLANK_CELL`` a cell the source
printed empty. Positions in ``text`` map back to the source's line (and page, for PDF).
"""
from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass, field

BLANK_CELL = "\u2205"  # an explicitly empty cell (HTML ``<td></td>``, a Word table's empty cell)
_NEWLINE = re.compile("\n")


class Unreadable(Exception):
    """The file is not a document the reader can read; ``reason`` is the warning code."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def normalise(text: str) -> str:
    """Fold full-width digits and punctuation (NFKC), unify line ends and minus signs."""
    text = unicodedata.normalize("NFKC", text)
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2212", "-")


@dataclass
class Document:
    text: str
    source_format: str = "text"
    encoding: str | None = None
    # where each line of ``text`` came from: the source line of text line i (None: line i+1 itself)
    source_lines: list[int] | None = None
    # offsets in ``text`` where page 2, 3, … start (PDF); None when the format has no pages
    page_starts: list[int] | None = None
    meta: dict[str, str] = field(default_factory=dict)  # the page's own fields (<meta name=… content=…>)
    _line_starts: list[int] | None = field(default=None, repr=False)

    def line_at(self, offset: int) -> int:
        """The 1-based source line of the character at ``offset``."""
        if self._line_starts is None:
            self._line_starts = [m.end() for m in _NEWLINE.finditer(self.text)]
        i = bisect.bisect_right(self._line_starts, offset)
        return self.source_lines[i] if self.source_lines else i + 1

    def page_at(self, offset: int) -> int | None:
        """The 1-based page of the character at ``offset`` (None for formats without pages)."""
        if self.page_starts is None:
            return None
        return bisect.bisect_right(self.page_starts, offset) + 1
