"""Word (.docx) → Document: paragraphs as lines, each table row a line of ``|``-separated cells.

The XML is read directly (a zip of XML: no Word library needed). Merged cells are expanded to the
grid the way a reader sees them: a cell spanning columns (``gridSpan``) is printed once, a cell
continuing a vertical merge (``vMerge``) is empty, as the rows under an HTML rowspan; a blank
cell among a row's values keeps its place as ``BLANK_CELL``. Text Word does not show (a run with
``w:vanish``) is left out, and digits of a run raised or lowered (``w:vertAlign``: 12¹, a footnote
mark) are superscript or subscript digits, never digits of a value. The body's XML is read only
up to MAX_XML_BYTES decompressed, and without a DTD: a small zip can hold gigabytes of XML.
"""
from __future__ import annotations

import io
import zipfile
import zlib
from xml.etree import ElementTree

from .document import SCRIPT_DIGITS, Document, Unreadable, normalise, row_line

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_BODY_PART = "word/document.xml"
MAX_XML_BYTES = 32 * 2**20  # a report's body is a few MB of XML; more is a zip bomb
_SUPERSCRIPT, _SUBSCRIPT = SCRIPT_DIGITS["sup"], SCRIPT_DIGITS["sub"]
_SCRIPT_CHARS = "⁰¹²³⁴⁵⁶⁷⁸⁹₀₁₂₃₄₅₆₇₈₉"
_PLAIN = str.maketrans(_SCRIPT_CHARS, "0123456789" * 2)


def docx_document(raw: bytes) -> Document:
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as z, z.open(_BODY_PART) as part:
            xml = part.read(MAX_XML_BYTES + 1)  # the size the zip declares may lie: read no further
        if len(xml) > MAX_XML_BYTES:
            raise Unreadable(f"resource_limit:docx_xml_over_{MAX_XML_BYTES >> 20}MB")
        if b"<!DOCTYPE" in xml or b"<!ENTITY" in xml:  # Word writes none: entities only expand
            raise Unreadable("docx_broken:dtd")
        root = ElementTree.fromstring(xml)
    except (zipfile.BadZipFile, KeyError, ElementTree.ParseError, OSError, EOFError, NotImplementedError,
            zlib.error) as e:
        raise Unreadable(f"docx_broken:{type(e).__name__}") from None
    body = root.find(f"{_W}body")
    lines: list[str] = []
    hidden = [0]
    if body is not None:
        _block(body, lines, hidden)
    built = "\n".join(lines)
    return Document(text=normalise(built), original=built, source_format="docx",
                    warnings=[f"hidden_content_dropped:{hidden[0]}"] if hidden[0] else [])


def _block(element: ElementTree.Element, lines: list[str], hidden: list[int]) -> None:
    """Paragraphs and tables of a body or a table cell, in document order."""
    for child in element:
        if child.tag == f"{_W}p":
            text = _paragraph(child, hidden)
            if text.strip():
                lines.append(text)
        elif child.tag == f"{_W}tbl":
            _table(child, lines, hidden)
        elif child.tag == f"{_W}sdt":  # content controls wrap paragraphs and tables
            content = child.find(f"{_W}sdtContent")
            if content is not None:
                _block(content, lines, hidden)


def _table(table: ElementTree.Element, lines: list[str], hidden: list[int]) -> None:
    """Each row a line of cells; a table nested in a cell: its rows after the row's line."""
    for row in table.findall(f"{_W}tr"):
        texts, nested = [], []
        for cell in row.findall(f"{_W}tc"):
            props = cell.find(f"{_W}tcPr")
            merge = props.find(f"{_W}vMerge") if props is not None else None
            if merge is not None and merge.get(f"{_W}val", "continue") == "continue":
                texts.append("")  # the rest of a vertically merged cell: printed in the row above
                continue
            paragraphs = [_paragraph(p, hidden) for p in cell.findall(f"{_W}p")]
            text = " ".join(p.strip() for p in paragraphs if p.strip())
            # a raised number alone in its cell marks nothing: it is the cell's value
            texts.append(text.translate(_PLAIN) if text and not text.strip(_SCRIPT_CHARS + " ") else text)
            for inner in cell.findall(f"{_W}tbl"):
                _table(inner, nested, hidden)
        line = row_line(texts)
        if line is not None:
            lines.append(line)
        lines.extend(nested)


def _paragraph(p: ElementTree.Element, hidden: list[int]) -> str:
    """A paragraph's text, run by run: a hidden run is left out (counted in ``hidden`` when it
    holds a digit), a raised or lowered run's digits are marks."""
    out = []
    for run in p.iter(f"{_W}r"):
        props = run.find(f"{_W}rPr")
        script = None
        if props is not None:
            vanish = props.find(f"{_W}vanish")
            if vanish is not None and vanish.get(f"{_W}val", "true") not in ("0", "false", "off"):
                hidden[0] += any(c.isdigit() for t in run.iter(f"{_W}t") if t.text for c in t.text)
                continue
            align = props.find(f"{_W}vertAlign")
            value = align.get(f"{_W}val") if align is not None else None
            script = _SUPERSCRIPT if value == "superscript" else _SUBSCRIPT if value == "subscript" else None
        for node in run:
            if node.tag == f"{_W}t" and node.text:
                out.append(node.text.translate(script) if script else node.text)
            elif node.tag == f"{_W}tab":
                out.append("\t")
            elif node.tag in (f"{_W}br", f"{_W}cr"):
                out.append(" ")
    return "".join(out)
