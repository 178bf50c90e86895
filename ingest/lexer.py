"""Stage 2, lex: a document's text as one character stream → tokens: label text, numbers, blanks.

Nothing here trusts lines or cells to hold one label or one value: digits glued to a label
(``…申请数量640020470二、上年…``) split off it, and a digit standing alone before ``.其他法律…``
is that label's list number. What the source does keep is evidence: every
token knows the cell it was printed in (cells are separated by ``|``, tabs and line breaks) and
whether a space separated it from the token before.

Not values: page numbers (``- 3 -``, ``— 4 —``, ``第 3 页``), and numbers inside a parenthetical
note (``22（其中修订 16 件）``: 16 is the note's). A blank is a cell that prints no number:
``—``, ``/``, ``无``… standing alone, or an empty cell of an HTML or Word table.
"""
from __future__ import annotations

import re
from typing import NamedTuple

from .read import BLANK_CELL

TEXT, NUMBER, BLANK = "text", "number", "blank"

_LEX = re.compile(
    r"(?P<sep>[\s|]+)"
    r"|(?P<page>(?<![^\s|])(?:[-—–]{1,2} ?\d{1,3} ?[-—–]{1,2}|第 ?\d{1,3} ?页(?: ?[,/]? ?共 ?\d{1,3} ?页)?)(?![^\s|])"
    r"|(?m:^ *\d{1,3} ?/ ?\d{1,3} *$))"
    r"|(?P<note>[(（][^()（）|]{0,40}?\d[^()（）|]{0,40}?[)）])"
    r"|(?P<number>[+-]?(?:\d{1,3}(?:,\d{3})+(?![\d,])|\d+)(?:\.\d+)?(?:万元|元|件|个|项|%)?)"
    rf"|(?P<blank>(?<![^\s|])(?:[-—–]{{1,3}}|/|\\|无|N/?A|n/?a|×|\*|空|{BLANK_CELL})(?![^\s|]))"
    r"|(?P<text>(?:[^\s|\d(（+-]|[+-](?!\d))+|[(（])"
)
_CELL_BREAK = re.compile(r"[|\t\n]")
_UNIT = re.compile(r"(?:万元|元|件|个|项|%)$")


class Token(NamedTuple):
    kind: str  # TEXT | NUMBER | BLANK
    raw: str  # as printed (after normalisation)
    start: int  # offset in the document text
    end: int
    cell: int  # running number of the source cell the token was printed in
    spaced: bool  # a separator came before it (False: glued to the token before)
    value: int | float | None = None

    @property
    def is_digit_run(self) -> bool:
        """Plain digits of two or more: possibly several cells printed without a separator."""
        return self.kind == NUMBER and len(self.raw) > 1 and self.raw.isdigit()


def number_value(raw: str) -> int | float:
    """The number a numeric token prints: ``+8`` → 8, ``1,234`` → 1234, ``251000元`` → 251000."""
    s = _UNIT.sub("", raw).replace(",", "")
    return float(s) if "." in s else int(s)


def lex(text: str, start: int = 0, end: int | None = None) -> list[Token]:
    tokens: list[Token] = []
    cell = 0
    spaced = True
    for m in _LEX.finditer(text, start, len(text) if end is None else end):
        kind = m.lastgroup
        if kind == "sep":
            if _CELL_BREAK.search(m.group()):
                cell += 1
            spaced = True
            continue
        if kind == "page":
            cell += 1
            spaced = True
            continue
        raw, pos = m.group(), m.start()
        if kind == "note":
            kind = TEXT
        if kind == TEXT and not spaced and raw[0] in ".、" and len(raw) > 1 and tokens and tokens[-1].kind == NUMBER \
                and len(tokens[-1].raw) == 1 and tokens[-1].raw != "0":
            # a digit on its own glued to ".其他…": a list number (one glued to the end of a longer run
            # is told apart from the run's last cell by the form, see align.give_back_list_numbers)
            prev = tokens.pop()
            raw, pos, spaced, cell = prev.raw + raw, prev.start, prev.spaced, prev.cell
        tokens.append(Token(kind, raw, pos, m.end(), cell, spaced, number_value(raw) if kind == NUMBER else None))
        spaced = False
    return tokens
