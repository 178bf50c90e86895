"""Plain text and markdown (web page text, PDF converter output) → Document.

The text is kept as it is, line for line: pipes and tabs already are its cell evidence. Markdown
adds only noise to remove: table rules (``|---|---|``) and emphasis marks.
"""
from __future__ import annotations

import re

from .document import Document, normalise

_MD_RULE = re.compile(r"(?m)^[ \t]*\|?(?:[ \t]*:?-{2,}:?[ \t]*\|)+[ \t]*(?::?-{2,}:?)?[ \t]*$|^[ \t]*:?-{3,}:?[ \t]*$")
_EMPHASIS = re.compile(r"\*\*|__")


def text_document(text: str) -> Document:
    if "--" in text:  # markdown noise blanked in place: positions stay the file's
        text = _MD_RULE.sub(_blank, text)
    if "**" in text or "__" in text:
        text = _EMPHASIS.sub(_blank, text)
    return Document(text=normalise(text), original=text, source_format="text")


def _blank(m: re.Match) -> str:
    return " " * len(m.group())
