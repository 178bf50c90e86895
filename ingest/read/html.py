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
from .document import SCRIPT_DIGITS, Document, Unreadable, normalise, row_line

_HTML_SNIFF = re.compile(r"<(?:html|body|table|tr|td|p|div)\b[^>]*>", re.I)
_BLOCK_TAGS = frozenset(
    "p div br h1 h2 h3 h4 h5 h6 li ul ol section article header footer blockquote pre title hr dt dd".split()
)
_SKIP_TAGS = frozenset(("script", "style", "noscript", "template"))
_LAST_COUNTED_LINE = 65535  # libxml2 keeps a line number in 16 bits: this one means "here or later"
_ODD_LETTERS = "\u017f\u0130\u0131\u212a"  # ſ İ ı K: css.fold takes them for s i i k
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
    hidden = hidden_elements(root, sheet, text)
    mark_scripts(root)
    lines, numbers, dropped = page_lines(root, hidden)
    if dropped:
        warnings.append(f"hidden_content_dropped:{dropped}")
    if sheet.not_applied:  # a hiding rule of a selector not followed: what it hides may be read
        warnings.append(f"hidden_css_not_applied:{sheet.not_applied}")
    built = "\n".join(lines)
    return Document(text=normalise(built), original=built, source_format="html", source_lines=numbers,
                    meta={name: normalise(value) for name, value in page_fields(root).items()}, warnings=warnings)


def parse(data: bytes) -> etree._Element | None:
    """The tree of a page's UTF-8 bytes (None for a page of blanks). A page nested deeper than the
    parser follows is refused whole: libxml2 stops there, and a part of a page read as the whole
    would lose rows."""
    # comments and processing instructions are not built; the bytes are UTF-8 whatever the page's
    # <meta charset> says (the reader decoded them); no size limit but libxml2's depth (2,048);
    # a parser per page (2 µs): its error log is the page's, whatever thread reads it
    parser = etree.HTMLParser(remove_comments=True, remove_pis=True, huge_tree=True, no_network=True, encoding="utf-8")
    root = etree.fromstring(data, parser)
    if any(e.type_name == "ERR_RESOURCE_LIMIT" for e in parser.error_log):
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


def hidden_elements(root: etree._Element, sheet: css.Stylesheet, text: str) -> set[etree._Element]:
    """The elements the page does not show (some inside others: the walk passes over the outer
    one). ``text``: the page (whether its words need css.fold to compare, or only lowercasing:
    10x cheaper)."""
    fold = css.fold if any(odd in text for odd in _ODD_LETTERS) else str.lower
    verdicts: dict = {}  # a page repeats its styles: (tag, attributes) judged once
    hidden = set()
    for element, attributes in _candidates(root, sheet.hiding(), fold):
        key = (element.tag if sheet.rules else None, *attributes.items())
        if (verdict := verdicts.get(key)) is None:
            verdict = verdicts[key] = css.hidden(element.tag, attributes, sheet)
        if verdict:
            hidden.add(element)
    return hidden


def _candidates(root: etree._Element, rules: list[css.Rule], fold) -> list[tuple[etree._Element, dict]]:
    """The elements that could hide, in document order, with the attributes css.hidden reads:
    those with a ``hidden`` attribute or a style holding a hiding word, and those a hiding rule
    of the sheet names (by id, class or tag; ``*``: every element). The parser lowers the ASCII
    letters of attribute names; a page printing letters css.fold takes for ASCII ones has its
    names folded too."""
    if not rules and fold is str.lower and not _WITH_HIDDEN(root):
        # the common page, where only styles can hide: their values in one call (each element has
        # one style at most: the i-th value is the i-th styled element's), the elements if one may
        styles = _STYLES(root)
        hiding = [i for i, style in enumerate(styles) if _may_hide(style.lower())]
        styled = _STYLED(root) if hiding else []
        return [(styled[i], {"style": styles[i]}) for i in hiding]
    return list(_named(root, rules, fold))


_STYLES = etree.XPath("descendant-or-self::*/@style", smart_strings=False)
_STYLED = etree.XPath("descendant-or-self::*[@style]")
_WITH_HIDDEN = etree.XPath("descendant-or-self::*[@hidden]")


def _named(root: etree._Element, rules: list[css.Rule], fold) -> Iterator[tuple[etree._Element, dict]]:
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


def mark_scripts(root: etree._Element) -> None:
    """Digits in ``<sup>`` and ``<sub>`` as superscript and subscript digits: a footnote mark
    printed after a number is not one of its digits (normalise makes them footnote markers). One
    that fills its table cell alone marks nothing: it is the cell's value, printed raised."""
    for script in root.iter("sup", "sub"):
        cell = next(script.iterancestors("td", "th"), None)
        if cell is not None and "".join(cell.itertext()).strip() == "".join(script.itertext()).strip():
            continue
        table = SCRIPT_DIGITS[script.tag]
        if script.text:
            script.text = script.text.translate(table)
        for inner in script.iterdescendants():
            if inner.text:
                inner.text = inner.text.translate(table)
            if inner.tail:
                inner.tail = inner.tail.translate(table)


def _counted(line: int | None) -> int | None:
    return None if line is None or line >= _LAST_COUNTED_LINE else line


def _text_starts(element: etree._Element, piece: str, tail: bool) -> int | None:
    """The source line where a piece of text starts printing: after its element's start tag
    (``tail`` False; the parser gives the line where a start tag ends), or, for the text after an
    element, before the next element's start tag."""
    lead = len(piece) - len(piece.lstrip())
    if not tail:
        line = element.sourceline
        return _counted(line + piece.count("\n", 0, lead) if line else None)
    after = element.getnext()
    line = after.sourceline if after is not None else None
    if line is None or line >= _LAST_COUNTED_LINE:  # the last text of its parent: its element's line
        return _counted(element.sourceline)
    return max(_counted(element.sourceline) or 1, line - piece.count("\n", lead))


class _Table:
    """One open ``<table>``: its current row (cell texts), the row's source line, its current cell."""

    __slots__ = ("row", "row_line", "cell")

    def __init__(self) -> None:
        self.row: list[str] | None = None
        self.row_line: int | None = None
        self.cell: list[str] | None = None


_STRUCTURE = _BLOCK_TAGS | {"table", "tr", "td", "th"} | _SKIP_TAGS


def page_lines(root: etree._Element, hidden: set) -> tuple[list[str], list[int | None], int]:
    """The page's lines in document order, and the source line of each: a line per table row
    (nested tables: the innermost rows; what an outer row held before a nested table is a line of
    its own), a line per block of text outside tables; inside a cell a block is a space. Inline
    elements only carry text: their events pass with a set lookup (most of a page's elements).
    The ``hidden`` elements are passed over (the text after each is read); also returned: how
    many held a number among Chinese text (a label and a value: worth a warning; a widget's
    markup is not)."""
    dropped = 0
    lines: list[str] = []
    numbers: list[int | None] = []
    text: list[str] = []  # text outside any table
    text_line = None
    tables: list[_Table] = []
    t = None  # the innermost open table

    def flush_text() -> None:
        nonlocal text
        joined = " ".join("".join(text).split())
        text = []
        if joined:
            lines.append(joined)
            numbers.append(text_line)

    def close_cell(t: _Table, element: etree._Element) -> None:
        if t.cell is not None:
            if t.row is None:
                t.row, t.row_line = [], _counted(element.sourceline)
            t.row.append(" ".join("".join(t.cell).split()))
            t.cell = None

    def close_row(t: _Table, element: etree._Element) -> None:
        close_cell(t, element)
        texts, t.row = t.row or [], None
        line = row_line(texts)
        if line is not None:
            lines.append(line)
            numbers.append(t.row_line)

    walk = etree.iterwalk(root, events=("start", "end"))
    for event, element in walk:
        tag = element.tag
        tail = event == "end"
        if hidden and element in hidden:
            if not tail:
                walk.skip_subtree()
                fragment = "".join(element.itertext())
                dropped += _DIGIT.search(fragment) is not None and _CJK.search(fragment) is not None
                continue
            piece = element.tail  # its end: only the text after it
        else:
            if tag in _STRUCTURE:
                if tag in _SKIP_TAGS:
                    if not tail:
                        walk.skip_subtree()
                        continue
                elif not tail:
                    if tag == "table":
                        if t is None:
                            if text:
                                flush_text()
                        else:
                            close_row(t, element)
                        t = _Table()
                        tables.append(t)
                    elif t is None:
                        if text:
                            flush_text()  # a block tag
                    elif tag == "tr":
                        close_row(t, element)
                        t.row, t.row_line = [], _counted(element.sourceline)
                    elif tag == "td" or tag == "th":
                        close_cell(t, element)
                        t.cell = []
                    elif t.cell is not None:  # a block inside a cell
                        t.cell.append(" ")
                elif t is None:
                    if text and tag in _BLOCK_TAGS:
                        flush_text()
                elif tag == "td" or tag == "th":
                    close_cell(t, element)
                elif tag == "tr":
                    close_row(t, element)
                elif tag == "table":
                    close_row(t, element)
                    tables.pop()
                    t = tables[-1] if tables else None
                elif t.cell is not None:
                    t.cell.append(" ")
            piece = element.tail if tail else element.text
        if not piece:
            continue
        if t is None:
            if text:
                text.append(piece)
            elif not piece.isspace():
                text_line = _text_starts(element, piece, tail)
                text.append(piece)
        elif t.cell is not None:
            t.cell.append(piece)
        elif not piece.isspace():  # stray text between cells: a cell of its own
            t.cell = [piece]
            close_cell(t, element)
    while tables:
        close_row(tables.pop(), root)
    flush_text()
    return lines, numbers, dropped
