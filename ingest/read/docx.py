"""Word (.docx) → Document: paragraphs as lines, each table row a line of ``|``-separated cells.

The XML is read directly (a zip of XML: no Word library needed). Merged cells are expanded to the
grid the way a reader sees them: a cell spanning columns (``gridSpan``) is printed once, a cell
continuing a vertical merge (``vMerge``) is empty, as the rows under an HTML rowspan; a blank
cell among a row's values keeps its place as ``BLANK_CELL``.
"""
from __future__ import annotations

import io
import zipfile
from xml.etree import ElementTree

from .document import Document, Unreadable, normalise, row_line

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_BODY_PART = "word/document.xml"


def docx_document(raw: bytes) -> Document:
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as z:
            xml = z.read(_BODY_PART)
        root = ElementTree.fromstring(xml)
    except (zipfile.BadZipFile, KeyError, ElementTree.ParseError, OSError) as e:
        raise Unreadable(f"docx_broken:{type(e).__name__}") from None
    body = root.find(f"{_W}body")
    lines: list[str] = []
    if body is not None:
        _block(body, lines)
    built = "\n".join(lines)
    return Document(text=normalise(built), original=built, source_format="docx")


def _block(element: ElementTree.Element, lines: list[str]) -> None:
    """Paragraphs and tables of a body or a table cell, in document order."""
    for child in element:
        if child.tag == f"{_W}p":
            text = _paragraph(child)
            if text.strip():
                lines.append(text)
        elif child.tag == f"{_W}tbl":
            _table(child, lines)
        elif child.tag == f"{_W}sdt":  # content controls wrap paragraphs and tables
            content = child.find(f"{_W}sdtContent")
            if content is not None:
                _block(content, lines)


def _table(table: ElementTree.Element, lines: list[str]) -> None:
    """Each row a line of cells; a table nested in a cell: its rows after the row's line."""
    for row in table.findall(f"{_W}tr"):
        texts, nested = [], []
        for cell in row.findall(f"{_W}tc"):
            props = cell.find(f"{_W}tcPr")
            merge = props.find(f"{_W}vMerge") if props is not None else None
            if merge is not None and merge.get(f"{_W}val", "continue") == "continue":
                texts.append("")  # the rest of a vertically merged cell: printed in the row above
                continue
            paragraphs = [_paragraph(p) for p in cell.findall(f"{_W}p")]
            texts.append(" ".join(p.strip() for p in paragraphs if p.strip()))
            for inner in cell.findall(f"{_W}tbl"):
                _table(inner, nested)
        line = row_line(texts)
        if line is not None:
            lines.append(line)
        lines.extend(nested)


def _paragraph(p: ElementTree.Element) -> str:
    out = []
    for node in p.iter():
        if node.tag == f"{_W}t" and node.text:
            out.append(node.text)
        elif node.tag == f"{_W}tab":
            out.append("\t")
        elif node.tag in (f"{_W}br", f"{_W}cr"):
            out.append(" ")
    return "".join(out)
