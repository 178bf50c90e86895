"""OpenDocument text (.odt) → Document: paragraphs as lines, each table row a line of cells.

content.xml is read (hardened: see package). A cell spanning columns is printed once and the
covered cells after it skipped; a cell covered from the row above (a vertical merge) is an empty
cell, as under an HTML rowspan; a blank cell among a row's values keeps its place.
"""
from __future__ import annotations

from xml.etree import ElementTree

from .document import Document, normalise, row_line
from .package import local, open_zip, parse_xml, read_member

_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
_SPANNED = f"{{{_TABLE}}}number-columns-spanned"
_REPEATED = f"{{{_TABLE}}}number-columns-repeated"
_SPACES = f"{{{_TEXT}}}c"
MAX_REPEAT = 64  # a repeated empty cell (Calc-style) counts as a few, not a million


def odt_document(raw: bytes, fmt: str = "odt") -> Document:
    """An OpenDocument text (``odt``) or spreadsheet (``ods``, its sheets' tables read the same way)."""
    z = open_zip(raw, fmt)
    root = parse_xml(read_member(z, "content.xml", fmt), fmt)
    lines: list[str] = []
    body = root.find(f"{{{_OFFICE}}}body/{{{_OFFICE}}}{'spreadsheet' if fmt == 'ods' else 'text'}")
    _block(root if body is None else body, lines, sheet=fmt == "ods")
    built = "\n".join(lines)
    return Document(text=normalise(built), original=built, source_format=fmt)


def _block(element: ElementTree.Element, lines: list[str], sheet: bool = False) -> None:
    for child in element:
        name = local(child.tag)
        if name in ("p", "h"):
            text = _paragraph(child)
            if text.strip():
                lines.append(text)
        elif name == "table":
            _table(child, lines, sheet)
        elif name in ("list", "list-item", "section", "list-header"):
            _block(child, lines)


def _rows(element: ElementTree.Element):
    """The table's own rows (in header-rows, row-groups …), not a nested table's."""
    for child in element:
        name = local(child.tag)
        if name == "table-row":
            yield child
        elif name in ("table-header-rows", "table-rows", "table-row-group"):
            yield from _rows(child)


def _table(table: ElementTree.Element, lines: list[str], sheet: bool = False) -> None:
    """Each row a line of cells (a sheet's rows without the empty cells after its last)."""
    for row in _rows(table):
        texts, nested, skip = [], [], 0
        for cell in row:
            name = local(cell.tag)
            repeat = min(int(cell.get(_REPEATED, "1")), MAX_REPEAT)
            if name == "covered-table-cell":
                for _ in range(repeat):
                    if skip:
                        skip -= 1  # covered by a cell spanning columns: printed once
                    else:
                        texts.append("")  # covered from the row above
                continue
            if name != "table-cell":
                continue
            paragraphs = []
            for child in cell:
                if local(child.tag) in ("p", "h", "list"):
                    paragraphs += [_paragraph(p) for p in ([child] if local(child.tag) != "list" else child.iter(f"{{{_TEXT}}}p"))]
                elif local(child.tag) == "table":
                    _table(child, nested)
            text = " ".join(p.strip() for p in paragraphs if p.strip())
            texts += [text] * repeat if text else [""] * repeat
            skip = int(cell.get(_SPANNED, "1")) - 1
        while sheet and texts and not texts[-1]:
            texts.pop()
        line = row_line(texts)
        if line is not None:
            lines.append(line)
        lines.extend(nested)


def _paragraph(p: ElementTree.Element) -> str:
    out = [p.text or ""]
    for child in p:
        name = local(child.tag)
        if name == "s":
            out.append(" " * int(child.get(_SPACES, "1")))
        elif name == "tab":
            out.append("\t")
        elif name == "line-break":
            out.append(" ")
        elif name not in ("note", "annotation", "bookmark", "bookmark-start", "bookmark-end", "soft-page-break"):
            out.append(_paragraph(child))
        out.append(child.tail or "")
    return "".join(out)
