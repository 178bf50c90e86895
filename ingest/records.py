"""Stage 2, records: a document's text as one character stream → records, each the label text
printed before a run of values and the values.

Nothing here trusts lines or cells to hold one label or one value: the stream alternates between
label text and values whatever its lines and cells, and a record ends where text follows a value
(``…申请数量640020470二、上年…``: a label, a run, the next label). What the source does keep is
evidence: every value knows the cell it was printed in (cells are separated by ``|``, tabs and
line breaks), its line, and whether a separator came before it; a label keeps its separators.

Not values: page numbers (``- 3 -``, ``— 4 —``, ``第 3 页``), a browser's print header and footer
(the page's address with the page count, the time printed), numbers inside a parenthetical
note (``22（其中修订 16 件）``: 16 is the note's; a note prints one number, so the values of a row
printed inside the parentheses of a label wrapped around them are not a note), a digit at the
start of a line or cell, or after label text, glued to ``.其他法律…`` or on a line of its own before
the label (``不予公开1.属于…``: a list number), and a digit and a period that starts no decimal
(``1. | | 0``: a list number that landed on the values' line of a printed page). A digit a value
came before, glued, may be either (``…00000002.其他法律``), as may one with ``、`` after a space
(``… 0 5、本年度办理结果``); the form decides (see align). A blank is a cell that prints no number:
``—``, ``/``, ``无``… standing alone (not the ``/`` of a header ``本年增 / 减`` split over lines), or
an empty cell of an HTML or Word table.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import NamedTuple

from .labels import MARKER, label_key
from .read import BLANK_CELL, FOOTNOTE, UNCERTAIN

NUMBER, BLANK = "number", "blank"

# what is not label text; everything between these is. (The leading lookahead lets the regex
# engine skip to the characters these can start with: 3x faster than trying each at every position.)
_VALUE = re.compile(
    r"(?=[(（+\-\d—–/\\无N×*空" + BLANK_CELL + UNCERTAIN + r"])(?:"
    r"(?P<note>[(（][^()（）|\d]{0,40}?\d[\d,.]*[^()（）|\d]{0,40}?[)）])"
    r"|(?P<marker>(?:^|(?<=[^\d ]))[1-9](?=[.、](?:[^\s\d|.]|[ \t]*\n[ \t]*[^\s\d|.\-—]))|(?<![\d.])[1-9](?=\.(?![\d.])))"
    r"|(?P<number>[+-]?(?:\d{1,3}(?:,\d{3})+(?![\d,])|\d+)(?:\.\d+)?(?:万元|元|件|个|项|%)?" + FOOTNOTE + "*)"
    r"|(?P<blank>(?:[-—–]{1,3}|/(?!\s{0,3}减)|\\|无|N/?A|×|\*|空|" + BLANK_CELL + "|" + UNCERTAIN + r")(?![^\s|])))")
_PAGE = re.compile(r"(?=[-—–第 \d])(?:(?<![^\s|])(?:[-—–]{1,2} ?\d{1,3} ?[-—–]{1,2}|第 ?\d{1,3} ?页(?: ?[,/]? ?共 ?\d{1,3} ?页)?)"
                   r"(?![^\s|])|(?m:^ *\d{1,3} ?/ ?\d{1,3} *$))"
                   # a browser's print header and footer: the page's address with the page count, the time printed
                   # (file:// with its fi as a PDF's ligature ﬁ, which folding keeps: it is two letters)
                   r"|(?=[hf\ufb01\d])(?:(?:https?|file|\ufb01le)://[^\s|]*(?:[ |]+\d{1,3}/\d{1,3}(?![^\s|]))?"
                   r"|(?<![^\s|])\d{1,2}/\d{1,2}/\d{2,4}, ?\d{1,2}:\d{2}(?: ?[AP]M)?(?![^\s|]))")
# what every page number, address or time above prints (a quick search: most spans print none of them)
_PAGE_HINT = re.compile(r"[-—–] ?\d{1,3} ?[-—–]|第 ?\d{1,3} ?页|/ ?\d|://")
_SEPARATORS = re.compile(r"[\s|]+")
_SENTENCE_END = re.compile(r"[。;！？!?]")
_LEADING_NOTE = re.compile(r"[\s|]*([(（][^()（）]*[)）])")
_UNIT = re.compile(r"(?:万元|元|件|个|项|%)$")


class Token(NamedTuple):
    """A value as printed, with its evidence."""

    kind: str  # NUMBER | BLANK
    raw: str  # the value's characters, normalised (a footnote marker after it dropped)
    line: int  # 1-based line of the document text
    cell: int  # running number of the source cell it was printed in
    spaced: bool  # a separator came before it (False: glued to what was printed before)
    value: int | float | None = None
    printed: str = ""  # as the file printed it, before any normalisation (12¹, １２)

    @property
    def footnote(self) -> bool:
        """A footnote marker was printed after the number (12¹): stripped, not a digit."""
        return len(self.printed) > len(self.raw)

    @property
    def is_digit_run(self) -> bool:
        """Plain digits of two or more: possibly several cells printed without a separator."""
        return self.kind == NUMBER and len(self.raw) > 1 and self.raw.isdigit()


def number_value(raw: str) -> int | float:
    """The number a numeric token prints: ``+8`` → 8, ``1,234`` → 1234, ``251000元`` → 251000."""
    if raw.isdigit():
        return int(raw)
    s = _UNIT.sub("", raw).replace(",", "")
    return float(s) if "." in s else int(s)


class _computed_once:
    """A property computed on first use and kept in the instance (functools.cached_property takes
    a lock on every first use: 5% of the reader's time)."""

    def __init__(self, func):
        self.func, self.name, self.__doc__ = func, func.__name__, func.__doc__

    def __get__(self, obj, owner=None):
        if obj is None:
            return self
        value = obj.__dict__[self.name] = self.func(obj)
        return value


@dataclass
class Record:
    label: str = ""  # the text before the values, as printed (separators included)
    values: list[Token] = field(default_factory=list)

    @_computed_once
    def text(self) -> str:
        """The label without separators."""
        return _SEPARATORS.sub("", self.label)

    @_computed_once
    def pieces(self) -> tuple[str, ...]:
        """The label's pieces after its last sentence end, as match keys (noise and markers dropped)."""
        return label_pieces(self.label)

    @property
    def glued(self) -> bool:
        """The label was printed right after the values before it, no separator between."""
        return bool(self.label) and not _SEPARATORS.match(self.label)

    @property
    def leading_note(self) -> str:
        """A parenthetical note the label starts with (what a converter prints below a value)."""
        m = _LEADING_NOTE.match(self.label)
        return m.group(1) if m else ""


def label_pieces(label: str) -> tuple[str, ...]:
    """A label's pieces (split where the source put a separator, and at list markers) after its
    last sentence end, as match keys. The form's labels recur in every report and are remembered;
    prose between values does not recur, and remembering it made memory grow with the corpus."""
    return _form_label_pieces(label) if len(label) <= REMEMBERED_LABEL_LENGTH else _label_pieces(label)


REMEMBERED_LABEL_LENGTH = 160  # a row label with the header text printed before it


@lru_cache(maxsize=1 << 12)
def _form_label_pieces(label: str) -> tuple[str, ...]:
    return _label_pieces(label)


def _label_pieces(label: str) -> tuple[str, ...]:
    ends = list(_SENTENCE_END.finditer(label))
    if ends:
        label = label[ends[-1].end():]
    out = []
    for chunk in _SEPARATORS.split(label):
        cuts = [m.start() for m in MARKER.finditer(chunk) if m.start() > 0]
        bounds = [0, *cuts, len(chunk)]
        for a, b in zip(bounds, bounds[1:]):
            key = label_key(chunk[a:b])
            if key:
                out.append(key)
    return tuple(out)


def build_records(text: str, start: int = 0, end: int | None = None, original: str | None = None) -> list[Record]:
    """The records of ``text[start:end]``; ``original`` is the text before normalisation (the
    same length), where each value's printed form is read."""
    original = text if original is None else original
    end = len(text) if end is None else end
    span = text[start:end]
    if _PAGE_HINT.search(span):
        span = _PAGE.sub(lambda m: " " * len(m.group()), span)  # page numbers read as separators
    records: list[Record] = []
    new = tuple.__new__
    line = text.count("\n", 0, start) + 1
    cell = 0
    gap = 0  # where the text since the last value starts
    current = Record()
    values = current.values
    for m in _VALUE.finditer(span):
        kind = m.lastgroup
        if kind == "note" or kind == "marker":
            continue  # label text
        at, stop = m.span()
        spaced = at == 0 or span[at - 1] in " \n\t|"
        if kind == "blank" and not spaced:
            continue  # a dash or slash inside label text
        if at > gap:
            between = span[gap:at]
            if between != " ":  # anything but one space between two values
                breaks = between.count("\n")
                line += breaks
                cell += breaks + between.count("|") + between.count("\t")
                if between.strip(" \n\t|"):  # label text: a new record
                    if values or current.label:
                        records.append(current)
                    current = Record(between)
                    values = current.values
        if kind == "number":
            raw = m.group().rstrip(FOOTNOTE)
            values.append(new(Token, (NUMBER, raw, line, cell, spaced, int(raw) if raw.isdigit() else number_value(raw),
                                      original[start + at:start + stop])))
        else:
            values.append(new(Token, (BLANK, m.group(), line, cell, spaced, None, original[start + at:start + stop])))
        gap = stop
    tail = span[gap:]
    if current.values or current.label:
        records.append(current)
    if tail.strip(" \n\t|"):
        records.append(Record(tail))
    return records
