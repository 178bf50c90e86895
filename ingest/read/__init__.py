"""Stage 1, read: a file's bytes → a Document, by one adapter per format."""
from __future__ import annotations

from .docx import docx_document
from .document import BLANK_CELL, FOOTNOTE, Document, Unreadable, build_tables, normalise
from .encoding import decode_text
from .html import html_document, looks_like_html
from .pdf import NoTextLayer, pdf_document
from .text import looks_like_markdown, text_document

__all__ = ["BLANK_CELL", "FOOTNOTE", "Document", "NoTextLayer", "Unreadable", "UnsupportedFormat", "build_tables",
           "normalise", "read_document", "source_format_of", "SUFFIXES"]

FORMATS = {".txt": "text", ".md": "text", ".markdown": "text", ".html": "html", ".htm": "html", ".shtml": "html",
           ".pdf": "pdf", ".docx": "docx"}
SUFFIXES = tuple(FORMATS)  # what is read; any other file is given the status unsupported
# formats met in scrapes that are not read (yet): named in the status, so a user knows what is missing
OTHER_FORMATS = {".doc": "doc", ".wps": "wps", ".ofd": "ofd", ".xls": "xls", ".xlsx": "xlsx", ".et": "et",
                 ".jpg": "image", ".jpeg": "image", ".png": "image", ".gif": "image", ".bmp": "image", ".tif": "image",
                 ".tiff": "image", ".zip": "zip", ".rar": "rar"}


class UnsupportedFormat(Unreadable):
    """A file in a format the reader does not read."""


def source_format_of(suffix: str) -> str:
    """text, html, pdf or docx for what is read (a file without a suffix is read as text); the
    format's name otherwise."""
    suffix = suffix.lower()
    return FORMATS.get(suffix) or OTHER_FORMATS.get(suffix) or suffix.lstrip(".") or "text"


def read_document(raw: bytes, suffix: str = "") -> Document:
    """The Document of a file's bytes; raises Unreadable when they are not one (NoTextLayer for a
    scanned PDF, UnsupportedFormat for a format not read)."""
    fmt = source_format_of(suffix)
    if fmt == "pdf" or raw[:5] == b"%PDF-":
        return pdf_document(raw)
    if fmt == "docx":
        return docx_document(raw)
    if fmt not in ("text", "html"):
        raise UnsupportedFormat(f"unsupported:{fmt}")
    text, encoding, errors = decode_text(raw)
    # a page saved as .txt is read as the HTML it is
    html = fmt == "html" or (looks_like_html(text) and not looks_like_markdown(text))
    doc = html_document(text) if html else text_document(text)
    doc.encoding = encoding
    if errors:
        doc.warnings.append(f"encoding_errors:{errors}")
    return doc
