"""Stage 1, read: a file's bytes → a Document, by one adapter per format."""
from __future__ import annotations

from .doc import doc_document
from .docx import docx_document
from .document import BLANK_CELL, FOOTNOTE, UNCERTAIN, Document, Unreadable, build_tables, normalise
from .encoding import decode_text
from .html import html_document, looks_like_html
from .mht import mht_document
from .ocr import image_document
from .odt import odt_document
from .ofd import ofd_document
from .pdf import NoTextLayer, pdf_document
from .rtf import rtf_document
from .sheet import sheet_document
from .text import looks_like_markdown, text_document

__all__ = ["BLANK_CELL", "FOOTNOTE", "UNCERTAIN", "Document", "NoTextLayer", "Unreadable", "UnsupportedFormat", "build_tables",
           "normalise", "read_document", "source_format_of", "SUFFIXES"]

FORMATS = {".txt": "text", ".md": "text", ".markdown": "text", ".html": "html", ".htm": "html", ".shtml": "html",
           ".pdf": "pdf", ".docx": "docx", ".png": "image", ".jpg": "image", ".jpeg": "image", ".tif": "image",
           ".tiff": "image", ".bmp": "image", ".webp": "image", ".doc": "doc", ".wps": "wps", ".rtf": "rtf",
           ".odt": "odt", ".mht": "mht", ".mhtml": "mht", ".xls": "xls", ".xlsx": "xlsx", ".ods": "ods", ".ofd": "ofd"}
SUFFIXES = tuple(FORMATS)  # what is read; any other file is given the status unsupported
# formats met in scrapes that are not read (yet): named in the status, so a user knows what is missing
OTHER_FORMATS = {".et": "et", ".gif": "image", ".zip": "zip", ".rar": "rar", ".dps": "dps", ".ppt": "ppt",
                 ".pptx": "pptx"}


class UnsupportedFormat(Unreadable):
    """A file in a format the reader does not read."""


def source_format_of(suffix: str) -> str:
    """text, html, pdf or docx for what is read (a file without a suffix is read as text); the
    format's name otherwise."""
    suffix = suffix.lower()
    return FORMATS.get(suffix) or OTHER_FORMATS.get(suffix) or suffix.lstrip(".") or "text"


def read_document(raw: bytes, suffix: str = "", ocr: bool = True) -> Document:
    """The Document of a file's bytes; raises Unreadable when they are not one (NoTextLayer for a
    scan when ``ocr`` is off, UnsupportedFormat for a format not read)."""
    fmt = source_format_of(suffix)
    if fmt == "pdf" or raw[:5] == b"%PDF-":
        return pdf_document(raw, ocr)
    if fmt == "image" and suffix.lower() != ".gif":
        return image_document(raw, ocr)
    if fmt == "docx":
        return docx_document(raw)
    if fmt in ("doc", "wps"):
        if raw[:4] == b"PK\x03\x04":  # a .docx saved under the old name
            return docx_document(raw)
        if raw.lstrip()[:5] == b"{\\rtf":  # Word's RTF saved as .doc
            return rtf_document(raw)
        return doc_document(raw, fmt)
    if fmt == "rtf":
        return rtf_document(raw)
    if fmt in ("odt", "ods"):
        return odt_document(raw, fmt)
    if fmt == "mht":
        return mht_document(raw)
    if fmt in ("xls", "xlsx"):
        return sheet_document(raw, fmt)
    if fmt == "ofd":
        return ofd_document(raw)
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
