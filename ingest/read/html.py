"""HTML → Document, through a real HTML parser (libxml2's, by lxml): each table row becomes one
line of ``|``-separated cells, other blocks a line of their own.

Stages, each over the parsed tree: drop the elements the page hides (``css``: the ``hidden``
attribute, inline styles, the rules of its ``<style>`` sheets), turn the digits of ``<sup>`` and
``<sub>`` into footnote marks, then walk the tree into lines. The parser decodes entities (in text
and in attributes), closes what the page leaves open and drops comments; scripts and styles are
passed over. A blank cell among a row's values keeps its place as ``BLANK_CELL`` (a web page's
empty cell has a known position; a text page's does not). Inline formatting (Word's ``<span>``
soup) carries no cell structure: its text joins its neighbours'. Each line keeps the source line
of the element it starts in (the parser counts lines up to 65,534; past that the line is unknown).
"""
from __future__ import annotations

import re
from collections.abc import Iterator

from lxml import etree

from . import css
from .document import Document, Unreadable, normalise, row_line

_HTML_SNIFF = re.compile(r"<(?:html|body|table|tr|td|p|div)\b[^>]*>", re.I)
_BLOCK_TAGS = frozenset(
    "p div br h1 h2 h3 h4 h5 h6 li ul ol section article header footer blockquote pre title hr dt dd".split()
)
_SKIP_TAGS = frozenset(("script", "style", "noscript", "template"))
# comments and processing instructions are not built; the page's bytes are UTF-8 whatever its
# <meta charset> says (the reader decoded them); no nesting limit but libxml2's own (2,048 deep)
_PARSER = etree.HTMLParser(remove_comments=True, remove_pis=True, huge_tree=True, no_network=True, encoding="utf-8")
_LAST_COUNTED_LINE = 65535  # libxml2 keeps a line number in 16 bits: this one means "here or later"
_ODD_LETTERS = "\u017f\u0130\u0131\u212a"  # ſ İ ı K: css.fold takes them for s i i k
_SUPERSCRIPT = str.maketrans("0123456789\uff10\uff11\uff12\uff13\uff14\uff15\uff16\uff17\uff18\uff19",
                             "⁰¹²³⁴⁵⁶⁷⁸⁹⁰¹²³⁴⁵⁶⁷⁸⁹")
_SUBSCRIPT = str.maketrans("0123456789\uff10\uff11\uff12\uff13\uff14\uff15\uff16\uff17\uff18\uff19",
                           "₀₁₂₃₄₅₆₇₈₉₀₁₂₃₄₅₆₇₈₉")
_DIGIT = re.compile(r"\d")
_CJK = re.compile(r"[\u4e00-\u9fff]")


def looks_like_html(text: str) -> bool:
    head = text[:50000]
    return len(_HTML_SNIFF.findall(head, 0, head.rfind(">") + 1)) >= 3


def html_document(text: str) -> Document:
    data = text.encode("utf-8", "replace")
    root = parse(data)
    warnings = []
    if root is None:  # nothing but blanks
        return Document(text="", original="", source_format="html", source_lines=[], warnings=warnings)
    sheet = stylesheet(root)
    dropped = drop_hidden(root, sheet, text)
    if dropped:
        warnings.append(f"hidden_content_dropped:{dropped}")
    if sheet.not_applied:  # a hiding rule of a selector not followed: what it hides may be read
        warnings.append(f"hidden_css_not_applied:{sheet.not_applied}")
    mark_scripts(root)
    lines, numbers = page_lines(root)
    built = "\n".join(lines)
    return Document(text=normalise(built), original=built, source_format="html", source_lines=numbers,
                    meta={name: normalise(value) for name, value in page_fields(root).items()}, warnings=warnings)


def parse(data: bytes) -> etree._Element | None:
    """The tree of a page's UTF-8 bytes (None for a page of blanks). A page nested deeper than the
    parser follows is refused whole: libxml2 stops there, and a part of a page read as the whole
    would lose rows."""
    root = etree.fromstring(data, _PARSER)
    if any(e.type_name == "ERR_RESOURCE_LIMIT" for e in _PARSER.error_log):
        raise Unreadable("html_too_deep")
    return root


def page_fields(root: etree._Element) -> dict[str, str]:
    """The page's own fields: ``<meta name=… content=…>`` of its head (the last of a name wins)."""
    head = root.find("head")
    fields = {}
    for tag in (head if head is not None else root).iter("meta"):
        name, content = (tag.get("name") or "").strip(), (tag.get("content") or "").strip()
        if name and content:
            fields[name] = content
    return fields


def stylesheet(root: etree._Element) -> css.Stylesheet:
    """The rules of the page's ``<style>`` elements."""
    sheet = css.Stylesheet()
    for style in root.iter("style"):
        if style.text:
            sheet.add(style.text)
    return sheet


def drop_hidden(root: etree._Element, sheet: css.Stylesheet, text: str) -> int:
    """Remove the elements the page does not show (the text after each stays); how many of them
    held a number among Chinese text (a label and a value: worth a warning, a widget's markup is
    not). ``text``: the page (whether its words need css.fold to compare, or only lowercasing:
    10x cheaper)."""
    fold = css.fold if any(odd in text for odd in _ODD_LETTERS) else str.lower
    dropped = 0
    attached = {root}  # elements known to be still in the page (an element inside a dropped one is gone)
    for element, attributes in list(_candidates(root, sheet.hiding(), fold)):  # judged before any is removed
        if not _attached(element, attached) or not css.hidden(element.tag, attributes, sheet):
            continue
        fragment = "".join(element.itertext())
        dropped += _DIGIT.search(fragment) is not None and _CJK.search(fragment) is not None
        attached.discard(element)
        _remove(element)
    return dropped


def _candidates(root: etree._Element, rules: list[css.Rule], fold) -> Iterator[tuple[etree._Element, dict]]:
    """The elements that could hide, in document order, with the attributes css.hidden reads:
    those with a ``hidden`` attribute or a style holding a hiding word, and those a hiding rule
    of the sheet names (by id, class or tag; ``*``: every element). The parser lowers the ASCII
    letters of attribute names; a page printing letters css.fold takes for ASCII ones has its
    names folded too."""
    ids = {r.id for r in rules if r.id}
    classes = {c for r in rules for c in r.classes}
    tags = {r.tag for r in rules if r.tag}
    if any(r.tag is None and r.id is None and not r.classes for r in rules) or fold is not str.lower \
            or not all(re.fullmatch(r"[a-z][\w-]*", tag, re.A) for tag in tags):
        elements = root.iter(etree.Element)
    else:  # the attributes a hiding rule or a hiding attribute reads, or the tags a rule names
        tests = ["@style", "@hidden"] + ["@class"] * bool(classes) + ["@id"] * bool(ids) + [f"self::{t}" for t in tags]
        elements = root.xpath(f"descendant-or-self::*[{' or '.join(tests)}]")
    every = any(r.tag is None and r.id is None and not r.classes for r in rules)
    for element in elements:
        if fold is str.lower:
            style = element.get("style")
            if not (every or tags or classes or ids) and element.get("hidden") is None \
                    and not (style and _may_hide(style.lower())):
                continue  # the common case: a style that does not hide
            attributes = {name: value for name in _JUDGED if (value := element.get(name)) is not None}
        else:
            attributes = {}
            for name, value in element.attrib.items():
                attributes.setdefault(css.fold(name), value)
        if every or "hidden" in attributes or element.tag in tags \
                or ("style" in attributes and _may_hide(fold(attributes["style"]))) \
                or (classes and "class" in attributes and not classes.isdisjoint(fold(attributes["class"]).split())) \
                or (ids and "id" in attributes and fold(attributes["id"].strip()) in ids):
            yield element, attributes


_JUDGED = ("hidden", "style", "class", "id")  # the attributes css.hidden reads


def _may_hide(style: str) -> bool:
    """A folded style holding a hiding word, or a CSS escape that could spell one."""
    return "none" in style or "hidden" in style or "collapse" in style or "\\" in style


def _attached(element: etree._Element, attached: set) -> bool:
    path = []
    while element is not None and element not in attached:
        path.append(element)
        element = element.getparent()
    if element is None:
        return False
    attached.update(path)
    return True


def _remove(element: etree._Element) -> None:
    """Take an element out of the page, the text after it kept where it was."""
    parent = element.getparent()
    if parent is None:  # the page itself is hidden
        element.clear()
        return
    if element.tail:
        previous = element.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + element.tail
        else:
            parent.text = (parent.text or "") + element.tail
    parent.remove(element)


def mark_scripts(root: etree._Element) -> None:
    """Digits in ``<sup>`` and ``<sub>`` as superscript and subscript digits: a footnote mark
    printed after a number is not one of its digits (normalise makes them footnote markers)."""
    for script in root.iter("sup", "sub"):
        table = _SUPERSCRIPT if script.tag == "sup" else _SUBSCRIPT
        if script.text:
            script.text = script.text.translate(table)
        for inner in script.iterdescendants():
            if inner.text:
                inner.text = inner.text.translate(table)
            if inner.tail:
                inner.tail = inner.tail.translate(table)


def _counted(line: int | None) -> int | None:
    return None if line is None or line >= _LAST_COUNTED_LINE else line


class _Table:
    """One open ``<table>``: its current row and cell."""

    __slots__ = ("row", "row_line", "cell")

    def __init__(self) -> None:
        self.row: list[str] | None = None
        self.row_line: int | None = None
        self.cell: list[str] | None = None


class _Lines:
    """Collects the output lines; each ``<tr>`` becomes one (nested tables: the innermost rows)."""

    def __init__(self) -> None:
        self.element: etree._Element | None = None  # the element whose start or end the walk is at
        self.lines: list[str] = []
        self.numbers: list[int | None] = []
        self._text: list[str] = []  # text outside any table
        self._text_line: int | None = None
        self._tables: list[_Table] = []

    @property
    def line(self) -> int | None:
        """The source line of the element the walk is at (where its start tag ends)."""
        return _counted(self.element.sourceline)

    def _text_starts(self, data: str, tail: bool) -> int | None:
        """The source line where a piece of text starts printing: after its element's start tag
        (``tail`` False), or, for the text after an element, before the next element's start."""
        lead = len(data) - len(data.lstrip())
        if not tail:
            line = self.element.sourceline
            return _counted(line + data.count("\n", 0, lead) if line else None)
        after = self.element.getnext()
        line = after.sourceline if after is not None else None
        if line is None or line >= _LAST_COUNTED_LINE:  # the last text of its parent: its element's line
            return self.line
        return max(_counted(self.element.sourceline) or 1, line - data.count("\n", lead))

    def _add(self, line: str, number: int | None) -> None:
        self.lines.append(line)
        self.numbers.append(number)

    def _flush_text(self) -> None:
        s = " ".join("".join(self._text).split())
        self._text = []
        if s:
            self._add(s, self._text_line)

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

    def data(self, data: str, tail: bool) -> None:
        t = self._tables[-1] if self._tables else None
        if t is None:
            if not self._text and not data.isspace():
                self._text_line = self._text_starts(data, tail)
            if self._text or not data.isspace():
                self._text.append(data)
        elif t.cell is not None:
            t.cell.append(data)
        elif not data.isspace():  # stray text between cells: a cell of its own
            t.cell = [data]
            self._close_cell(t)

    def close(self) -> None:
        while self._tables:
            self._close_row(self._tables.pop())
        self._flush_text()


def page_lines(root: etree._Element) -> tuple[list[str], list[int | None]]:
    """The page's lines in document order, and the source line of each."""
    out = _Lines()
    walk = etree.iterwalk(root, events=("start", "end"))
    for event, element in walk:
        out.element = element
        tag = element.tag
        if event == "start":
            if tag in _SKIP_TAGS:
                walk.skip_subtree()
                continue
            out.start(tag)
            if element.text:
                out.data(element.text, False)
        else:
            if tag not in _SKIP_TAGS:
                out.end(tag)
            if element.tail:
                out.data(element.tail, True)
    out.close()
    return out.lines, out.numbers
