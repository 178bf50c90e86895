"""Stage 1, read: a file's bytes → a Document, by one adapter per format."""
from __future__ import annotations

from .document import BLANK_CELL, Document, Unreadable, normalise
from .encoding import decode_text
from .html import html_document, looks_like_html
from .text import text_document

__all__ = ["BLANK_CELL", "Document", "Unreadable", "normalise", "read_document", "source_format_of"]

HTML_SUFFIXES = (".html", ".htm")


def source_format_of(suffix: str) -> str:
    return "html" if suffix.lower() in HTML_SUFFIXES else "text"


def read_document(raw: bytes, suffix: str = "") -> Document:
    """The Document of a file's bytes; raises Unreadable when they are not one."""
    text, encoding = decode_text(raw)
    text = normalise(text)
    # a page saved as .txt is read as the HTML it is
    doc = html_document(text) if source_format_of(suffix) == "html" or looks_like_html(text) else text_document(text)
    doc.encoding = encoding
    return doc
