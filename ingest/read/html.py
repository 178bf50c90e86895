"""HTML → Document: each table row becomes one line of ``|``-separated cells, other blocks a line
of their own.

A blank cell among a row's values keeps its place as ``BLANK_CELL`` (a web page's empty cell has a
known position; a text page's does not). Inline formatting (Word's ``<span>`` soup) carries no cell
structure and is passed over; scripts and styles are dropped.
"""
from __future__ import annotations

import bisect
import html
import re

from .document import Document, normalise, row_line

_HTML_SNIFF = re.compile(r"<(?:html|body|table|tr|td|p|div)\b[^>]*>", re.I)
_BLOCK_TAGS = frozenset(
    "p div br h1 h2 h3 h4 h5 h6 li ul ol section article header footer blockquote pre title hr dt dd".split()
)
_SKIP_TAGS = frozenset(("script", "style", "noscript", "template"))
_INLINE_TAGS = frozenset("span font b i u s em strong small big sup sub a o ins del label".split())
# the common lowercase inline tags, and the <p> Word wraps a cell's text in, go first in one C-level pass
# an element the page does not show (display:none, visibility:hidden, hidden): its text is not the report's
_HIDDEN = re.compile(r"""\sstyle\s*=\s*["'][^"']*(?:display\s*:\s*none|visibility\s*:\s*hidden)|\shidden(?:[\s>=/]|$)""", re.I)
_START_TAG = re.compile(r"<([A-Za-z][A-Za-z0-9:]*)\b[^>]*>")
_COMMON_INLINE = re.compile(r"</?(?:span|font|o:p|strong|b|em|i|u|a)(?:\s[^>]*)?>")
_CELL_PARAGRAPH = re.compile(r"(<t[dh]\b[^>]*>)\s*<p\b[^>]*>|</p>\s*(</t[dh]>)")
_META = re.compile(r"<meta\s[^>]*?\bname\s*=\s*[\"']?([\w.:-]+)[^>]*?\bcontent\s*=\s*[\"']([^\"'>]*)", re.I)
_MARKUP_TOKEN = re.compile(r"<!--.*?(?:-->|$)|<(/?)([A-Za-z][A-Za-z0-9]*)\b[^>]*>|<[!?][^>]*>", re.S)


def looks_like_html(text: str) -> bool:
    return len(_HTML_SNIFF.findall(text[:50000])) >= 3


def html_document(text: str) -> Document:
    text = _drop_hidden(text)
    text = _CELL_PARAGRAPH.sub(r"\1\2", _COMMON_INLINE.sub("", text))
    lines = _Lines([m.start() for m in re.finditer("\n", text)])
    _scan(text, lines)
    head = text[: text.find("<body")] if "<body" in text else text[:20000]
    meta = {name: html.unescape(content).strip() for name, content in _META.findall(head) if content.strip()}
    built = "\n".join(lines.lines)
    return Document(text=normalise(built), original=built, source_format="html", source_lines=lines.numbers,
                    meta={name: normalise(value) for name, value in meta.items()})


class _Table:
    """One open ``<table>``: its current row and cell."""

    __slots__ = ("row", "row_line", "cell")

    def __init__(self) -> None:
        self.row: list[str] | None = None
        self.row_line = 0
        self.cell: list[str] | None = None


class _Lines:
    """Collects the output lines; each ``<tr>`` becomes one (nested tables: the innermost rows)."""

    def __init__(self, newlines: list[int]) -> None:
        self.offset = 0  # where in the source the scan is
        self._newlines = newlines
        self.lines: list[str] = []
        self.numbers: list[int] = []
        self._text: list[str] = []  # text outside any table
        self._tables: list[_Table] = []

    @property
    def line(self) -> int:
        return bisect.bisect_right(self._newlines, self.offset) + 1

    def _add(self, line: str, number: int) -> None:
        self.lines.append(line)
        self.numbers.append(number)

    def _flush_text(self) -> None:
        s = " ".join("".join(self._text).split())
        self._text = []
        if s:
            self._add(s, self.line)

    def _close_cell(self, t: _Table) -> None:
        if t.cell is not None:
            if t.row is None:
                t.row, t.row_line = [], self.line
            t.row.append(" ".join("".join(t.cell).split()))
            t.cell = None

    def _close_row(self, t: _Table) -> None:
        self._close_cell(t)
        texts, t.row = t.row or [], None
        line = row_line(texts)
        if line is not None:
            self._add(line, t.row_line)

    def _break(self) -> None:
        t = self._tables[-1] if self._tables else None
        if t is not None and t.cell is not None:
            t.cell.append(" ")
        elif t is None:
            self._flush_text()

    def start(self, tag: str) -> None:
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

    def end(self, tag: str) -> None:
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

    def data(self, data: str) -> None:
        t = self._tables[-1] if self._tables else None
        if t is None:
            self._text.append(data)
        elif t.cell is not None:
            t.cell.append(data)
        elif data.strip():  # stray text between cells: a cell of its own
            t.cell = [data]
            self._close_cell(t)

    def close(self) -> None:
        while self._tables:
            self._close_row(self._tables.pop())
        self._flush_text()


def _scan(source: str, out: _Lines) -> None:
    """Feed tags and text to ``out`` in document order (a regex scan: HTMLParser is 5x slower)."""
    pos = 0
    for m in _MARKUP_TOKEN.finditer(source):
        start = m.start()
        if start < pos:  # inside a skipped script/style body
            continue
        if start > pos:
            chunk = source[pos:start]
            if not chunk.isspace():
                out.offset = pos
                out.data(_unescape(chunk))
        pos = m.end()
        tag = m.group(2)
        if not tag:
            continue
        tag = tag.lower()
        if tag in _INLINE_TAGS:
            continue
        out.offset = start
        if m.group(1):
            out.end(tag)
        elif tag in _SKIP_TAGS:
            end = re.compile(rf"</{tag}\s*>", re.I).search(source, pos)
            pos = end.end() if end else len(source)
        else:
            out.start(tag)
    if pos < len(source):
        out.offset = pos
        out.data(_unescape(source[pos:]))
    out.close()


def _drop_hidden(text: str) -> str:
    """The page without the elements it does not show (their line breaks kept: lines stay the
    file's). A tag that hides says so: only the start tags around ``display`` and ``hidden`` are
    looked at."""
    out, pos = [], 0
    for word in _hiding_words(text):
        if word < pos:
            continue  # inside an element already dropped
        tag = _start_tag_around(text, word)
        if tag is None or tag.start() < pos or not _HIDDEN.search(tag.group()) or tag.group().endswith("/>"):
            continue
        end = _element_end(text, tag.group(1), tag.end())
        out += [text[pos:tag.start()], "\n" * text.count("\n", tag.start(), end)]
        pos = end
    return "".join(out) + text[pos:] if out else text


def _start_tag_around(text: str, at: int) -> re.Match | None:
    """The start tag position ``at`` is printed in, as a scan of the page's start tags from its
    beginning finds them: the first ``<`` after the last ``>`` before ``at`` that starts one."""
    lt = text.find("<", text.rfind(">", 0, at) + 1, at)
    while lt >= 0:
        if tag := _START_TAG.match(text, lt):
            return tag
        lt = text.find("<", lt + 1, at)
    return None


def _hiding_words(text: str) -> list[int]:
    """Where ``display`` or ``hidden`` is printed, in any case (a case-insensitive regex scans a page
    at 20 ns a character): found in the page's ASCII letters lowercased, one byte a character, with
    the letters ``re.I`` also takes for them (ſ for s; İ, ı for i)."""
    for letter, ascii_letter in _LIKE_ASCII:
        if letter in text:
            text = text.replace(letter, ascii_letter)
    letters = text.encode("ascii", "replace").lower()
    places = []
    for word in (b"display", b"hidden"):
        at = letters.find(word)
        while at >= 0:
            places.append(at)
            at = letters.find(word, at + 1)
    return sorted(places)


_LIKE_ASCII = (("\u017f", "s"), ("\u0130", "i"), ("\u0131", "i"))


def _element_end(source: str, tag: str, pos: int) -> int:
    """Where the element whose start tag ends at ``pos`` ends (after its end tag; nested elements
    of the same name counted)."""
    depth = 1
    for m in re.finditer(rf"<(/?){tag}\b[^>]*>", source[pos:], re.I):
        depth += -1 if m.group(1) else (0 if m.group().endswith("/>") else 1)
        if depth == 0:
            return pos + m.end()
    return len(source)


def _unescape(chunk: str) -> str:
    return html.unescape(chunk) if "&" in chunk else chunk
