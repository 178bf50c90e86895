"""Word's single-file web page (.mht, .mhtml: MIME multipart/related) → its HTML part → the HTML
adapter. The part's transfer encoding (quoted-printable, base64) and charset (GB2312, UTF-8 …) are
undone by the MIME parser; a part whose charset is missing or wrong is decoded as a text file is."""
from __future__ import annotations

import email
import email.policy

from .document import Document, Unreadable
from .encoding import decode_text
from .html import html_document


def mht_document(raw: bytes) -> Document:
    message = email.message_from_bytes(raw, policy=email.policy.compat32)
    part = next((p for p in message.walk() if p.get_content_type() == "text/html"), None)
    if part is None:
        raise Unreadable("mht_broken:no_html_part")
    data = part.get_payload(decode=True) or b""
    charset = part.get_content_charset()
    text = encoding = None
    if charset:
        try:
            text, encoding = data.decode("gb18030" if charset.lower() in ("gb2312", "gbk") else charset), charset.lower()
        except (LookupError, UnicodeDecodeError):
            text = None
    errors = 0
    if text is None:
        text, encoding, errors = decode_text(data)
    doc = html_document(text)
    doc.source_format, doc.encoding = "mht", encoding
    if errors:
        doc.warnings.append(f"encoding_errors:{errors}")
    return doc
