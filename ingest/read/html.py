"""HTML → Document: each table row becomes one line of ``|``-separated cells, other blocks a line
of their own.

A blank cell among a row's values keeps its place as ``BLANK_CELL`` (a web page's empty cell has a
known position; a text page's does not). Inline formatting (Word's ``<span>`` soup) carries no cell
structure and is passed over; scripts and styles are dropped.
"""
from __future__ import annotations

import bisect
import functools
import html
import re

from . import css
from .css import attributes
from .document import Document, normalise, row_line

_HTML_SNIFF = re.compile(r"<(?:html|body|table|tr|td|p|div)\b[^>]*>", re.I)
_BLOCK_TAGS = frozenset(
    "p div br h1 h2 h3 h4 h5 h6 li ul ol section article header footer blockquote pre title hr dt dd".split()
)
_SKIP_TAGS = frozenset(("script", "style", "noscript", "template"))
_INLINE_TAGS = frozenset("span font b i u s em strong small big sup sub a o ins del label".split())
_VOID_TAGS = frozenset("area base br col embed hr img input link meta param source track wbr".split())
# Every pattern with ``[^>]*>`` is run only up to the page's last ``>`` (``_tags_end``): past it such
# a pattern fails only after reading to the end, and tried from every ``<`` that is quadratic.
_START_TAG = re.compile(r"<([A-Za-z][A-Za-z0-9:]*)\b[^>]*>")
# the common lowercase inline tags, and the <p> Word wraps a cell's text in, go first in one C-level pass
_COMMON_INLINE = re.compile(r"</?(?:span|font|o:p|strong|b|em|i|u|a)(?:\s[^>]*)?>")
_CELL_PARAGRAPH = re.compile(r"(<t[dh]\b[^>]*>)\s*<p\b[^>]*>|</p>\s*(</t[dh]>)")
_META_TAG = re.compile(r"<meta\s[^>]*>", re.I)
_META_NAME = re.compile(r"""\sname\s*=\s*["']?([\w.:-]+)""", re.I)
_META_CONTENT = re.compile(r"""\scontent\s*=\s*["']([^"'>]*)""", re.I)
_MARKUP_TOKEN = re.compile(r"<!--.*?(?:-->|$)|<(/?)([A-Za-z][A-Za-z0-9]*)\b[^>]*>|<[!?][^>]*>", re.S)
_SCRIPT_TAG = re.compile(rb"<(/?)(su[bp])\b[^>]*>")  # <sup>, <sub>: in the page's folded bytes
_STYLE_OR_SCRIPT = re.compile(rb"<s(?:tyle|u[bp])\b")
_CLASS_OR_ID = re.compile(rb"""\s(class|id)\s*=\s*(?:"([^"]*)|'([^']*)|([^\s>]*))""")
_STYLE_ELEMENT = re.compile(rb"<style\b[^>]*>")
_SUPERSCRIPT = str.maketrans("0123456789\uff10\uff11\uff12\uff13\uff14\uff15\uff16\uff17\uff18\uff19",
                             "⁰¹²³⁴⁵⁶⁷⁸⁹⁰¹²³⁴⁵⁶⁷⁸⁹")
_SUBSCRIPT = str.maketrans("0123456789\uff10\uff11\uff12\uff13\uff14\uff15\uff16\uff17\uff18\uff19",
                           "₀₁₂₃₄₅₆₇₈₉₀₁₂₃₄₅₆₇₈₉")


def looks_like_html(text: str) -> bool:
    head = text[:50000]
    return len(_HTML_SNIFF.findall(head, 0, _tags_end(head))) >= 3


def html_document(text: str) -> Document:
    folded = _folded(text)
    warnings = []
    present = {m.group() for m in _STYLE_OR_SCRIPT.finditer(folded)}  # one pass for both
    sheet = _stylesheet(text, folded) if b"<style" in present else css.Stylesheet()
    text, dropped = _drop_hidden(text, folded, sheet)
    if dropped:
        warnings.append(f"hidden_content_dropped:{dropped}")
    if sheet.not_applied:  # a hiding rule of a selector not followed: what it hides may be read
        warnings.append(f"hidden_css_not_applied:{sheet.not_applied}")
    if present - {b"<style"}:
        text = _script_digits(text)
    text = _sub_in_tags(_COMMON_INLINE, "", text)
    text = _sub_in_tags(_CELL_PARAGRAPH, r"\1\2", text)
    lines = _Lines([m.start() for m in re.finditer("\n", text)])
    _scan(text, lines)
    head = text[: text.find("<body")] if "<body" in text else text[:20000]
    meta = _page_fields(head)
    built = "\n".join(lines.lines)
    return Document(text=normalise(built), original=built, source_format="html", source_lines=lines.numbers,
                    meta={name: normalise(value) for name, value in meta.items()}, warnings=warnings)


def _tags_end(text: str) -> int:
    """Just past the last ``>``: no tag ends after it."""
    return text.rfind(">") + 1


def _sub_in_tags(pattern: re.Pattern, replacement: str, text: str) -> str:
    """``pattern.sub`` up to the page's last ``>`` (the rest, with no ``<``, as a whole: no copy)."""
    end = _tags_end(text)
    if "<" not in text[end:]:
        return pattern.sub(replacement, text)
    return pattern.sub(replacement, text[:end]) + text[end:]


def _folded(text: str) -> bytes:
    """The page's ASCII letters lowercased, one byte a character (others ``?``), with the letters
    ``re.I`` also takes for them (ſ for s; İ, ı for i): tags and words found in it are at the same
    positions in the page (a case-insensitive regex scans a page at 20 ns a character)."""
    for letter, ascii_letter in _LIKE_ASCII:
        if letter in text:
            text = text.replace(letter, ascii_letter)
    return text.encode("ascii", "replace").lower()


def _page_fields(head: str) -> dict[str, str]:
    """The page's own fields: ``<meta name=… content=…>``, a tag at a time (a pattern reaching from
    ``name`` to ``content`` over the page was cubic in unclosed tags; within one tag it is bounded)."""
    fields = {}
    for tag in _META_TAG.finditer(head, 0, _tags_end(head)):
        name, content = _META_NAME.search(tag.group()), _META_CONTENT.search(tag.group())
        if name and content and (value := html.unescape(content.group(1)).strip()):
            fields[name.group(1)] = value
    return fields




def _script_digits(text: str) -> str:
    """Digits in ``<sup>`` and ``<sub>`` as superscript and subscript digits (a footnote mark
    printed after a number is not one of its digits: normalise makes them footnote markers); the
    tags go, their line breaks stay."""
    out, pos, depth, kind, inside_at = [], 0, 0, None, 0
    for m in _SCRIPT_TAG.finditer(_folded(text), 0, _tags_end(text)):
        closing, name = m.group(1), m.group(2)
        if not closing:
            if depth == 0:
                out.append(text[pos:m.start()])
                kind, inside_at = name, m.end()
            else:
                out.append(text[inside_at:m.start()].translate(_SUPERSCRIPT if kind == b"sup" else _SUBSCRIPT))
                inside_at = m.end()
            out.append("\n" * text.count("\n", m.start(), m.end()))
            depth += 1
        elif depth:
            out.append(text[inside_at:m.start()].translate(_SUPERSCRIPT if kind == b"sup" else _SUBSCRIPT))
            out.append("\n" * text.count("\n", m.start(), m.end()))
            depth -= 1
            pos = inside_at = m.end()
    if depth:  # an unclosed <sup>: to the end, as a browser shows it
        out.append(text[inside_at:].translate(_SUPERSCRIPT if kind == b"sup" else _SUBSCRIPT))
    else:
        out.append(text[pos:])
    return "".join(out)


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
    for m in _MARKUP_TOKEN.finditer(source, 0, _tags_end(source)):
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
    tail = source[pos:]
    if "<!--" in tail:  # an unclosed comment: to the end
        tail = tail[:tail.index("<!--")]
    if tail:
        out.offset = pos
        out.data(_unescape(tail))
    out.close()


def _drop_hidden(text: str, folded: bytes, sheet: css.Stylesheet) -> tuple[str, int]:
    """The page without the elements it does not show (their line breaks kept: lines stay the
    file's), and how many of them held a number among Chinese text. Only start tags that could hide are looked at:
    around the words ``display``, ``hidden`` and ``visibility`` or a numeric character reference, or
    naming a class, id or tag a rule of the page's sheets hides. Judged with its attributes decoded
    (``style=&#100;isplay:none`` hides)."""
    # a numeric character reference in a tag may spell a hiding word (no named one spells a letter)
    candidates = _hiding_words(folded) + _numeric_references(folded)
    candidates += _sheet_targets(folded, sheet)
    if not candidates:
        return text, 0
    last_gt = _tags_end(text) - 1
    out, pos, dropped = [], 0, 0
    scanned = 0  # up to here no tag is open: every candidate before it is judged or in no tag
    for at in sorted(set(candidates)):
        if at < max(pos, scanned) or at >= last_gt:
            continue  # inside an element already dropped, a tag already judged, or after every tag
        tag, scanned = _start_tag_around(text, at, scanned)
        if tag is None:
            continue
        name = tag.group(1).lower()
        if not (sheet.rules or _MAY_HIDE.search(folded, tag.start(), tag.end())) \
                or not css.hidden(name, css.attributes(tag.group()), sheet):
            continue
        end = tag.end() if name in _VOID_TAGS or tag.group().endswith("/>") else _element_end(text, folded, name, tag.end())
        dropped += _reads_as_report(_visible_text(text[tag.end():end]))
        out += [text[pos:tag.start()], "\n" * text.count("\n", tag.start(), end)]
        pos = end
    return ("".join(out) + text[pos:] if out else text), dropped


def _reads_as_report(fragment: str) -> bool:
    """Hidden text worth a warning: a number among Chinese text (a label and a value), not a
    widget's markup."""
    return _DIGIT.search(fragment) is not None and _CJK.search(fragment) is not None


_DIGIT = re.compile(r"\d")
_CJK = re.compile(r"[\u4e00-\u9fff]")


def _visible_text(fragment: str) -> str:
    end = _tags_end(fragment)
    return _ANY_TAG.sub("", fragment[:end]) + fragment[end:] if "<" in fragment else fragment


_ANY_TAG = re.compile(r"<[^>]*>")


def _stylesheet(text: str, folded: bytes) -> css.Stylesheet:
    """The rules of the page's ``<style>`` elements."""
    sheet = css.Stylesheet()
    for m in _STYLE_ELEMENT.finditer(folded, 0, _tags_end(text)):
        close = folded.find(b"</style", m.end())
        sheet.add(text[m.end():close if close >= 0 else len(text)])
    return sheet


def _sheet_targets(folded: bytes, sheet: css.Stylesheet) -> list[int]:
    """Where a start tag names a class, id or tag a hiding rule of the sheet selects."""
    rules = sheet.hiding()
    if not rules:
        return []
    names = {r.tag for r in rules}
    at = []
    if any(r.tag is None and not r.classes and not r.id for r in rules):  # *: every element
        return [m.start() + 1 for m in re.finditer(rb"<[a-z]", folded)]
    for name in names - {None}:
        at += [m.start() + 1 for m in re.finditer(rb"<" + re.escape(name.encode("ascii", "replace")) + rb"[\s/>]", folded)]
    classes = {c for r in rules for c in r.classes}
    ids = {r.id for r in rules if r.id}
    for m in _CLASS_OR_ID.finditer(folded):
        value = next(v for v in m.group(2, 3, 4) if v is not None)
        words = value.split() if m.group(1) == b"class" else [value.strip()]
        if any(w.decode("ascii", "replace") in (classes if m.group(1) == b"class" else ids) for w in words):
            at.append(m.start())
    return at


def _start_tag_around(text: str, at: int, scanned: int) -> tuple[re.Match | None, int]:
    """The start tag position ``at`` is printed in, as a scan of the page's start tags from its
    beginning finds them: the first ``<`` after the last ``>`` before ``at`` that starts one; and
    how far the page is now judged (the tag's end, or ``at``: candidates in the stretch already
    looked through are not looked through again)."""
    gt = text.rfind(">", scanned, at)
    lt = text.find("<", gt + 1 if gt >= 0 else scanned, at)
    while lt >= 0:
        if tag := _START_TAG.match(text, lt):
            return tag, tag.end()
        lt = text.find("<", lt + 1, at)
    return None, at


def _hiding_words(folded: bytes) -> list[int]:
    """Where ``display``, ``hidden`` or ``visibility`` is printed, in any case."""
    return [at for word in (b"display", b"hidden", b"visibility") for at in _places(folded, word)]


def _numeric_references(folded: bytes) -> list[int]:
    """Where ``&#`` is printed (found from each ``&``: a search for the pair is 10x slower here)."""
    places = []
    at = folded.find(b"&")
    while at >= 0:
        if folded[at + 1:at + 2] == b"#":
            places.append(at)
        at = folded.find(b"&", at + 1)
    return places


def _places(folded: bytes, word: bytes) -> list[int]:
    places = []
    at = folded.find(word)
    while at >= 0:
        places.append(at)
        at = folded.find(word, at + 1)
    return places


# what a tag that hides by itself holds (in the folded page): the words of a hiding value, the
# hidden attribute, or what could spell them (a character reference, a CSS escape)
_MAY_HIDE = re.compile(rb"none|hidden|collapse|&#|\\")
_LIKE_ASCII = (("\u017f", "s"), ("\u0130", "i"), ("\u0131", "i"))


def _element_end(source: str, folded: bytes, tag: str, pos: int) -> int:
    """Where the element whose start tag ends at ``pos`` ends (after its end tag; nested elements
    of the same name counted)."""
    depth = 1
    pattern = _tag_pattern(tag.encode("ascii", "replace"))
    for m in pattern.finditer(folded, pos, _tags_end(source)):
        depth += -1 if m.group(1) else (0 if m.group().endswith(b"/>") else 1)
        if depth == 0:
            return m.end()
    return len(source)


@functools.cache
def _tag_pattern(tag: bytes) -> re.Pattern:
    return re.compile(rb"<(/?)" + re.escape(tag) + rb"\b[^>]*>")


def _unescape(chunk: str) -> str:
    return html.unescape(chunk) if "&" in chunk else chunk
