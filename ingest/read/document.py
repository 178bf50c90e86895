"""The reader's input: a document's normalised text with the cell evidence its format gave.

Every format adapter (text, HTML, PDF, Word) produces one ``Document``. Its ``text`` is what the
table reader scans as one character stream: ``|`` and tab mark cell boundaries the source kept
(HTML cells, pipes, PDF column gaps), a newline a line break, and ``BLANK_CELL`` a cell the source
printed empty. ``original`` is the same text before normalisation, character for character, so
every value keeps what was printed. Lines of ``text`` map back to the source's lines (and pages).
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from functools import cache

import numpy as np

BLANK_CELL = "\u2205"  # an explicitly empty cell (HTML ``<td></td>``, a Word table's empty cell)
FOOTNOTE = "\ue001"  # a superscript or subscript digit: a footnote marker, never a digit of a value
# digits printed raised or lowered (<sup>, <sub>) as the script digits normalise folds to FOOTNOTE
SCRIPT_DIGITS = {kind: str.maketrans("0123456789\uff10\uff11\uff12\uff13\uff14\uff15\uff16\uff17\uff18\uff19", digits * 2)
                 for kind, digits in (("sup", "⁰¹²³⁴⁵⁶⁷⁸⁹"), ("sub", "₀₁₂₃₄₅₆₇₈₉"))}
SYMBOL = "\ue002"  # a character whose compatibility form holds digits (①, ⑴, ½): a list marker, not a value
UNCERTAIN = "\ue003"  # a cell whose number OCR could not read with confidence: null with a warning, never a guess


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
    if any((p := normalise(t[:2]))[:1].isdigit() or (p[:1] in "+-" and p[1:2].isdigit()) for t in texts):
        first = next(i for i, t in enumerate(texts) if t)
        return " | ".join(t or BLANK_CELL for t in texts[first:])
    return " | ".join(t for t in texts if t)


def normalise(text: str) -> str:
    """Fold full-width digits and punctuation, compatibility ideographs and odd spaces (what NFKC
    folds one character to one), unify line ends and minus signs: character for character, so a
    position in the result is the same position in ``text``. A footnote marker (``12¹``) and a
    circled number do not become digits (NFKC would make 12¹ the number 121)."""
    text = text.replace("\r\n", " \n")
    if len(text) < 512:  # a cell, a field: str.translate (a dict lookup per character) is cheaper to start
        return text.translate(_folding())
    # a document: one table lookup over the code points (str.translate costs 80 ns a character here)
    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    table = _folding_table()
    folded = table[np.minimum(codes, len(table) - 1)]
    if codes.max() >= len(table):  # beyond the planes with compatibility characters: unchanged
        folded = np.where(codes >= len(table), codes, folded)
    return folded.tobytes().decode("utf-32-le", "surrogatepass")


@cache
def _folding() -> dict[int, str]:
    table = {ord("\r"): "\n", ord("\u2212"): "-", 0xFFFD: " "}  # a character lost in decoding: nothing
    for code in range(_FOLDED_PLANES):  # the planes with compatibility characters that matter here
        ch = chr(code)
        folded = unicodedata.normalize("NFKC", ch)
        if folded == ch:
            continue
        has_digit = any(c.isdigit() for c in folded)
        if has_digit and unicodedata.category(ch) == "No" and len(folded) == 1 and ch in _SCRIPT_DIGITS:
            table[code] = FOOTNOTE
        elif has_digit and not ("\uff10" <= ch <= "\uff19" or "\U0001d7ce" <= ch <= "\U0001d7ff"):
            table[code] = SYMBOL
        elif len(folded) == 1:
            table[code] = folded
    table.update((ord(radical), character) for radical, character in _RADICALS.items())
    return table


# CJK radicals a PDF's text layer uses for whole characters (wkhtmltopdf: ⻓ for 长): NFKC folds the
# Kangxi radicals (⼀ ⼆ ⽇) but not these; their equivalent characters, as Unicode lists them
_RADICALS = dict(zip(
    "⺁⺇⺌⺎⺐⺒⺓⺕⺜⺝⺟⺠⺢⺣⺩⺪⺫⺬⺮⺯⺰⺶⺷⺹⺻⺼⺽⻁⻄⻅⻆⻈⻉⻋⻏⻐⻑⻓⻔⻖⻗⻘⻙⻚⻛⻜⻝⻟⻠⻢⻣⻤⻥⻦⻧⻨⻩⻪⻫⻬⻭⻮⻯⻰⻱⻲⻳",
    "厂几小兀尢巳幺彐日月母民氺灬王疋罒示竹糸纟羊羊耂聿月臼虎西见角讠贝车阝钅長长门阝雨青韦页风飞食飠饣马骨鬼鱼鸟卤麦黄黾斉齐歯齿竜龙龜亀龟"))


def build_tables() -> None:
    """Build the folding tables now (0.06 s): before worker processes fork, they then share them."""
    _folding_table()


@cache
def _folding_table() -> np.ndarray:
    """``_folding`` as an array indexed by code point."""
    table = np.arange(_FOLDED_PLANES, dtype=np.uint32)
    for code, folded in _folding().items():
        table[code] = ord(folded)
    return table


_FOLDED_PLANES = 0x20000
_SCRIPT_DIGITS = "⁰¹²³⁴⁵⁶⁷⁸⁹₀₁₂₃₄₅₆₇₈₉"


@dataclass
class Document:
    text: str  # normalised (see ``normalise``)
    original: str  # the same text as the format gave it, before normalisation: what values print as
    source_format: str = "text"
    encoding: str | None = None
    # where each line of ``text`` came from: the source line of text line i+1 (None: line i+1 itself)
    source_lines: list[int] | None = None
    # the page of each line of ``text`` (None: the format has no pages)
    line_pages: list[int] | None = None
    meta: dict[str, str] = field(default_factory=dict)  # the page's own fields (<meta name=… content=…>)
    ocr_pages: int = 0  # pages read by OCR (scans, page images)
    warnings: list[str] = field(default_factory=list)  # what reading the format met or left out (encoding_errors:N, hidden text …)

    def source_line(self, line: int) -> int:
        """The source line of line ``line`` (1-based) of the text."""
        return self.source_lines[line - 1] if self.source_lines else line

    def page(self, line: int) -> int | None:
        """The page line ``line`` (1-based) of the text is printed on (None for formats without pages)."""
        return self.line_pages[line - 1] if self.line_pages else None
