"""Stage 1, decode: raw bytes → normalised text and lines of table cells.

Encodings are detected (BOM, UTF-8, GB18030/GBK, UTF-16); full-width characters are folded
by NFKC; HTML is reduced to lines whose cells are the ``<td>``s of a row, with an explicitly
blank cell kept as ``None`` (a web page's blank cell has a known position, a text page's does not).
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
import bisect
import html

Cells = list  # list[str | None]: one line of cells; None is an explicitly blank HTML cell


class Unreadable(Exception):
    """The file's bytes are not a text document; ``reason`` is a warning code."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass
class Decoded:
    text: str  # the whole document as normalised plain text
    lines: list[Cells] = field(default_factory=list)
    line_numbers: list[int] = field(default_factory=list)  # 1-based source line of each entry in ``lines``
    encoding: str = "utf-8"
    source_format: str = "text"


_BOMS = ((b"\xef\xbb\xbf", "utf-8-sig", "utf-8-sig"), (b"\xff\xfe", "utf-16", "utf-16-le"),
         (b"\xfe\xff", "utf-16", "utf-16-be"))
_META_CHARSET = re.compile(rb"""charset\s*=\s*["']?([A-Za-z0-9_-]+)""", re.I)
_HTML_SNIFF = re.compile(r"<(?:html|body|table|tr|td|p|div)\b[^>]*>", re.I)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffd]")


def _decode_bytes(raw: bytes) -> tuple[str, str]:
    if not raw.strip():
        raise Unreadable("empty")
    for bom, codec, name in _BOMS:
        if raw.startswith(bom):
            try:
                return raw.decode(codec), name
            except UnicodeDecodeError:
                raise Unreadable(f"undecodable:{name}") from None
    head = raw[:4096]
    if b"\x00" in head:
        # UTF-16 without a BOM, or binary: only text decodes to (almost) nothing but text characters
        for enc in ("utf-16-le", "utf-16-be"):
            try:
                text = raw[: len(raw) // 2 * 2].decode(enc)
            except UnicodeDecodeError:
                continue
            if _looks_like_text(text[:4000]):
                return text, enc
        raise Unreadable("binary")
    candidates = ["utf-8", "gb18030"]
    declared = _META_CHARSET.search(raw[:4096])
    if declared:
        name = declared.group(1).decode("ascii").lower()
        if name in ("gbk", "gb2312", "gb18030", "x-gbk"):
            candidates = ["gb18030", "utf-8"]
    for enc in candidates:
        try:
            return raw.decode(enc), enc
        except UnicodeDecodeError:
            continue
    raise Unreadable("undecodable")


def _looks_like_text(text: str) -> bool:
    plausible = sum(1 for ch in text if ch.isprintable() or ch in "\n\r\t")
    cjk_or_ascii = sum(1 for ch in text if ch < "\x7f" or "\u3000" <= ch <= "\u9fff" or "\uff00" <= ch <= "\uffef")
    return bool(text) and plausible >= 0.98 * len(text) and cjk_or_ascii >= 0.9 * len(text)


def normalise(text: str) -> str:
    """Fold full-width digits/punctuation and compatibility forms; unify line ends."""
    text = unicodedata.normalize("NFKC", text)
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2212", "-")


def decode(raw: bytes, suffix: str = "") -> Decoded:
    text, encoding = _decode_bytes(raw)
    if len(_CONTROL.findall(text[:20000])) > max(8, len(text[:20000]) // 100):
        raise Unreadable("binary")
    text = normalise(text)
    is_html = suffix.lower() in (".html", ".htm") or len(_HTML_SNIFF.findall(text[:50000])) >= 3
    if is_html:
        doc = html_to_lines(text)
        doc.encoding = encoding
        return doc
    lines, numbers = [], []
    for i, line in enumerate(text.split("\n"), start=1):
        cells = split_text_line(line)
        if cells:
            lines.append(cells)
            numbers.append(i)
    return Decoded(text=text, lines=lines, line_numbers=numbers, encoding=encoding, source_format="text")


_MD_RULE = re.compile(r"^:?-{2,}:?$")


def split_text_line(line: str) -> Cells:
    """A text line → its cells. Pipes and tabs separate cells; empty pipe cells are merged-cell gaps."""
    line = line.strip()
    if not line:
        return []
    if "|" not in line and "\t" not in line:
        return [] if _MD_RULE.match(line) else [line]
    if "|" in line:
        parts = line.split("|")
    elif "\t" in line:
        parts = line.split("\t")
    else:
        parts = [line]
    cells = []
    for p in parts:
        p = p.strip()
        if p and not _MD_RULE.match(p):
            cells.append(p)
    return cells


_BLOCK_TAGS = frozenset(
    "p div br h1 h2 h3 h4 h5 h6 li ul ol section article header footer blockquote pre title hr dt dd".split()
)
_SKIP_TAGS = frozenset(("script", "style", "noscript", "template"))


class _Table:
    """One open ``<table>``: its current row and cell."""

    __slots__ = ("row", "row_line", "cell")

    def __init__(self) -> None:
        self.row: list[str] | None = None
        self.row_line = 0
        self.cell: list[str] | None = None


class _TableText:
    """Collects text lines; each ``<tr>`` becomes one line of cells (nested tables: innermost rows)."""

    def __init__(self, newlines: list[int]) -> None:
        self.offset = 0  # where in the document the scan is
        self._newlines = newlines
        self.lines: list[Cells] = []
        self.numbers: list[int] = []
        self.plain: list[str] = []
        self._text: list[str] = []  # text outside any cell
        self._tables: list[_Table] = []

    @property
    def line(self) -> int:
        return bisect.bisect_right(self._newlines, self.offset) + 1

    def _flush_text(self) -> None:
        s = " ".join("".join(self._text).split())
        self._text = []
        if s:
            self._add([s], self.line, s)

    def _add(self, cells: Cells, line: int, plain: str) -> None:
        self.lines.append(cells)
        self.numbers.append(line)
        self.plain.append(plain)

    def _close_cell(self, t: _Table) -> None:
        if t.cell is not None:
            if t.row is None:
                t.row, t.row_line = [], self.line
            t.row.append(" ".join("".join(t.cell).split()))
            t.cell = None

    def _close_row(self, t: _Table) -> None:
        self._close_cell(t)
        texts, t.row = t.row or [], None
        if not any(texts):
            return
        has_number = any(s[:1].isdigit() or (s[:1] in "+-" and s[1:2].isdigit()) for s in texts)
        if has_number:  # blank cells only matter as positions among a row's values (a blank 总计 too)
            first = next(i for i, s in enumerate(texts) if s)
            cells: Cells = [s or None for s in texts[first:]]
        else:
            cells = [s for s in texts if s]
        self._add(cells, t.row_line, " | ".join(s for s in texts if s))

    def _break(self) -> None:
        t = self._tables[-1] if self._tables else None
        if t is not None and t.cell is not None:
            t.cell.append(" ")
        elif t is None:
            self._flush_text()

    def handle_starttag(self, tag: str) -> None:
        t = self._tables[-1] if self._tables else None
        if tag == "table":
            if t is None:
                self._flush_text()
            else:  # a table nested in a cell: what the outer row held so far is its own line
                self._close_row(t)
            self._tables.append(_Table())
        elif t is None:
            if tag in _BLOCK_TAGS:
                self._flush_text()
        elif tag == "tr":
            self._close_row(t)
            t.row, t.row_line = [], self.line
        elif tag in ("td", "th"):
            self._close_cell(t)
            t.cell = []
        elif tag in _BLOCK_TAGS:
            self._break()

    def handle_endtag(self, tag: str) -> None:
        t = self._tables[-1] if self._tables else None
        if t is None:
            if tag in _BLOCK_TAGS:
                self._flush_text()
        elif tag in ("td", "th"):
            self._close_cell(t)
        elif tag == "tr":
            self._close_row(t)
        elif tag == "table":
            self._close_row(t)
            self._tables.pop()
        elif tag in _BLOCK_TAGS:
            self._break()

    def handle_data(self, data: str) -> None:
        t = self._tables[-1] if self._tables else None
        if t is None:
            self._text.append(data)
        elif t.cell is not None:
            t.cell.append(data)
        elif data.strip():  # stray text between cells: keep it as a cell of its own
            t.cell = [data]
            self._close_cell(t)

    def close(self) -> None:
        while self._tables:
            self._close_row(self._tables.pop())
        self._flush_text()


# inline formatting (Word's <span> soup) carries no cell structure: the scan passes over it, and
# its common lowercase forms, with the <p> Word wraps a cell's text in, go first in one C-level pass
_INLINE_TAGS = frozenset("span font b i u s em strong small big sup sub a o ins del label".split())
_COMMON_INLINE = re.compile(r"</?(?:span|font|o:p|strong|b|em|i|u|a)(?:\s[^>]*)?>")
_CELL_PARAGRAPH = re.compile(r"(<t[dh]\b[^>]*>)\s*<p\b[^>]*>|</p>\s*(</t[dh]>)")
_MARKUP_TOKEN = re.compile(r"<!--.*?(?:-->|$)|<(/?)([A-Za-z][A-Za-z0-9]*)\b[^>]*>|<[!?][^>]*>", re.S)


def _scan(html_text: str, parser: _TableText) -> None:
    """Feed tags and text to ``parser`` in document order (a regex scan: HTMLParser is 5x slower)."""
    pos = 0
    for m in _MARKUP_TOKEN.finditer(html_text):
        start = m.start()
        if start < pos:  # inside a skipped script/style body
            continue
        if start > pos:
            chunk = html_text[pos:start]
            if not chunk.isspace():
                parser.offset = pos
                parser.handle_data(_unescape(chunk))
        pos = m.end()
        tag = m.group(2)
        if not tag:
            continue
        tag = tag.lower()
        if tag in _INLINE_TAGS:
            continue
        parser.offset = start
        if m.group(1):
            parser.handle_endtag(tag)
        elif tag in _SKIP_TAGS:
            end = re.compile(rf"</{tag}\s*>", re.I).search(html_text, pos)
            pos = end.end() if end else len(html_text)
        else:
            parser.handle_starttag(tag)
    if pos < len(html_text):
        parser.offset = pos
        parser.handle_data(_unescape(html_text[pos:]))
    parser.close()


def _unescape(chunk: str) -> str:
    """Entities decoded and folded like the rest of the text (&#65297; is a full-width 1)."""
    return normalise(html.unescape(chunk)) if "&" in chunk else chunk


def html_to_lines(text: str) -> Decoded:
    """``text`` is already normalised; inline tags go, then rows become lines of cells."""
    text = _CELL_PARAGRAPH.sub(lambda m: m.group(1) or m.group(2), _COMMON_INLINE.sub("", text))
    parser = _TableText([m.start() for m in re.finditer("\n", text)])
    _scan(text, parser)
    return Decoded(text="\n".join(parser.plain), lines=parser.lines, line_numbers=parser.numbers, source_format="html")
