"""Plain text and markdown (web page text, PDF converter output) → Document.

The text is kept as it is, line for line: pipes and tabs already are its cell evidence. Markdown
adds only noise to remove: table rules (``|---|---|``) and emphasis marks.
"""
from __future__ import annotations

import re

from .document import Document

_MD_RULE = re.compile(r"(?m)^[ \t]*\|?(?:[ \t]*:?-{2,}:?[ \t]*\|)+[ \t]*(?::?-{2,}:?)?[ \t]*$|^[ \t]*:?-{3,}:?[ \t]*$")
_EMPHASIS = re.compile(r"\*\*|__")


def text_document(text: str) -> Document:
    """``text`` is already normalised."""
    if "--" in text:
        text = _MD_RULE.sub("", text)
    if "**" in text or "__" in text:
        text = _EMPHASIS.sub("", text)
    return Document(text=text, source_format="text")
