"""Stage 2, cells: lines of cells → a flat stream of typed tokens.

A token is a piece of label text, a number, or a blank (a cell that is there but holds no number:
an empty HTML cell, or a null marker such as ``—`` or ``/``). Cells run together by a page's text
extraction (``…申请数量10430000107``) come out as a label token and a digit-run token.
"""
from __future__ import annotations

import re
from typing import NamedTuple

from .decode import Cells

TEXT, NUMBER, BLANK = "text", "number", "blank"

# a number as printed: signs, thousands separators, decimals, and a unit some reports put in the cell
_NUMBER = re.compile(r"^([+-]?)(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(?:万元|元|件|个|项)?$")
_NULL_MARKERS = frozenset({"-", "--", "—", "——", "–", "/", "\\", "无", "n/a", "N/A", "NA", "null", "空", "×", "*"})
_TRAILING_DIGITS = re.compile(r"^(.*[^\d\s.,+\-/:%A-Za-z])(\d+(?:\.\d+)?)$")
_PAGE_FOOTER = re.compile(r"^(?:[-—–]+\s*\d{1,3}\s*[-—–]+|第\s*\d{1,3}\s*页(?:\s*[,/]?\s*共\s*\d{1,3}\s*页)?|\d{1,3}\s*/\s*\d{1,3})$")
_MARKUP = re.compile(r"^#+\s*|\*\*|__")


class Token(NamedTuple):
    kind: str  # TEXT | NUMBER | BLANK
    raw: str  # the text as printed (after normalisation)
    value: float | None = None
    line: int = 0  # 1-based source line
    cell: int = 0  # running cell number: tokens sharing it came from one cell

    @property
    def is_digit_run(self) -> bool:
        """A plain run of digits, which may be several cells run together."""
        return self.kind == NUMBER and self.raw.isdigit()


def parse_number(raw: str) -> float | None:
    """The number a cell prints (``+8`` → 8, ``1,234`` → 1234, ``251000元`` → 251000), else None."""
    m = _NUMBER.match(raw.replace(" ", ""))
    if not m:
        return None
    sign, digits, frac = m.groups()
    v = float(digits.replace(",", "") + (frac or ""))
    return -v if sign == "-" else v


def is_page_footer(line: str) -> bool:
    return len(line) <= 24 and bool(_PAGE_FOOTER.match(line.strip()))


def tokenize(lines: list[Cells], line_numbers: list[int]) -> list[Token]:
    tokens: list[Token] = []
    cell_no = 0
    for cells, line in zip(lines, line_numbers):
        if len(cells) == 1 and cells[0] is not None and is_page_footer(cells[0]):
            continue
        for cell in cells:
            cell_no += 1
            if cell is None:
                tokens.append(Token(BLANK, "", None, line, cell_no))
                continue
            if "*" in cell or "#" in cell or "_" in cell:
                cell = _MARKUP.sub("", cell).strip()
            if not cell:
                continue
            if cell in _NULL_MARKERS:
                tokens.append(Token(BLANK, cell, None, line, cell_no))
                continue
            tokens.extend(_cell_tokens(cell, line, cell_no))
    return tokens


_HAS_DIGIT = re.compile(r"\d")


def _cell_tokens(cell: str, line: int, cell_no: int) -> list[Token]:
    if cell.isdigit():
        return [Token(NUMBER, cell, float(cell), line, cell_no)]
    if "。" in cell or not _HAS_DIGIT.search(cell):  # a sentence holds no cell values
        return [Token(TEXT, "".join(cell.split()), None, line, cell_no)]
    out: list[Token] = []
    text: list[str] = []

    def flush_text() -> None:
        if text:
            s = "".join(text)
            m = _TRAILING_DIGITS.match(s)
            if m and _is_label_like(m.group(1)):
                out.append(Token(TEXT, m.group(1), None, line, cell_no))
                out.append(Token(NUMBER, m.group(2), float(m.group(2)), line, cell_no))  # may be a digit run
            else:
                out.append(Token(TEXT, s, None, line, cell_no))
            text.clear()

    for word in cell.split():
        v = parse_number(word)
        if v is None:
            text.append(word)
        else:
            flush_text()
            out.append(Token(NUMBER, word, v, line, cell_no))
    flush_text()
    return out


def _is_label_like(s: str) -> bool:
    """Label text that digits may have run into: mostly CJK, not a sentence or a date."""
    if s.endswith(("年", "月", "日", "第", "共", "号", ":", "为")) or "。" in s:
        return False
    cjk = sum(1 for ch in s if "\u4e00" <= ch <= "\u9fff")
    return cjk >= 2 and cjk * 2 >= len(s)
