"""Rich Text Format (.rtf) → Document: paragraphs as lines, each table row (``\\row``) a line of its
cells (``\\cell``).

Text is decoded as RTF says: ``\\uN`` (with ``\\ucN`` fallback characters skipped) and ``\\'hh``
bytes in the document's code page (``\\ansicpg936``: GBK). Destinations that are not the body's
text (font and colour tables, styles, pictures, ``{\\*…}`` groups such as field instructions,
headers and footers) are skipped. A vertically merged cell (``\\clvmrg``) prints as an empty cell,
as under an HTML rowspan.
"""
from __future__ import annotations

import re

from .document import Document, Unreadable, normalise, row_line

_TOKEN = re.compile(rb"\\([a-zA-Z]{1,32})(-?\d{1,10})? ?|\\'([0-9a-fA-F]{2})|\\(.)|([{}])|([^\\{}\r\n]+)|[\r\n]+", re.S)
_SKIPPED = frozenset(b"fonttbl colortbl stylesheet info pict object header footer headerl headerr headerf footerl "
                     b"footerr footerf xmlnstbl listtable listoverridetable rsidtbl generator themedata "
                     b"colorschememapping datastore latentstyles pgdsctbl revtbl fldinst bkmkstart bkmkend".split())
_CODEPAGES = {936: "gb18030", 950: "big5", 65001: "utf-8", 1252: "cp1252", 54936: "gb18030"}
_SPECIAL = {b"tab": "\t", b"emdash": "—", b"endash": "–", b"lquote": "‘", b"rquote": "’", b"ldblquote": "“",
            b"rdblquote": "”", b"bullet": "•", b"line": " ", b"~": " ", b"_": "-"}


def rtf_document(raw: bytes) -> Document:
    if not raw.lstrip()[:5] == b"{\\rtf":
        raise Unreadable("rtf_broken:not_rtf")
    codepage = "cp1252"
    lines: list[str] = []
    row: list[str] = []
    text: list[str] = []  # the paragraph or cell being read
    pending = bytearray()  # \'hh bytes not yet decoded (a GBK character is two)
    stack: list[tuple[bool, int]] = []
    skipping, uc, skip_chars = False, 1, 0
    in_table = False

    def flush_bytes() -> None:
        if pending:
            text.append(pending.decode(codepage, "replace"))
            pending.clear()

    def end_paragraph() -> None:
        flush_bytes()
        line = "".join(text).strip()
        text.clear()
        if line:
            lines.append(line)

    for m in _TOKEN.finditer(raw):
        word, arg, hexbyte, symbol, brace, chunk = m.groups()
        if hexbyte is not None:
            if skip_chars:
                skip_chars -= 1
            elif not skipping:
                pending.append(int(hexbyte, 16))
            continue
        if word is None and symbol is None and brace is None and chunk is None:
            continue  # a line break in the file: not text
        if pending and not (word is None and chunk is None and symbol is None and brace is None):
            flush_bytes()
        if brace == b"{":
            stack.append((skipping, uc))
            continue
        if brace == b"}":
            flush_bytes()
            if stack:
                skipping, uc = stack.pop()
            continue
        if symbol is not None:
            if symbol == b"*":
                skipping = True
            elif not skipping and symbol in (b"\\", b"{", b"}"):
                flush_bytes()
                text.append(symbol.decode())
            elif not skipping and symbol in _SPECIAL:
                text.append(_SPECIAL[symbol])
            continue
        if chunk is not None:
            if skipping:
                continue
            if skip_chars:
                cut = min(skip_chars, len(chunk))
                chunk, skip_chars = chunk[cut:], skip_chars - cut
            flush_bytes()
            text.append(chunk.decode(codepage, "replace"))
            continue
        # a control word
        if word in _SKIPPED:
            skipping = True
        elif word == b"ansicpg" and arg:
            codepage = _CODEPAGES.get(int(arg), f"cp{int(arg)}")
            try:
                "".encode(codepage)
            except LookupError:
                codepage = "cp1252"
        elif skipping:
            continue
        elif word == b"uc":
            uc = int(arg or 1)
        elif word == b"u" and arg:
            flush_bytes()
            text.append(chr(int(arg) % 65536))
            skip_chars = uc
        elif word in (b"par", b"sect", b"page"):
            if not in_table:
                end_paragraph()
            else:
                flush_bytes()
                text.append(" ")
        elif word == b"intbl":
            in_table = True
        elif word == b"pard":
            in_table = False
        elif word in (b"cell", b"nestcell"):
            flush_bytes()
            row.append(" ".join("".join(text).split()))
            text.clear()
        elif word == b"row":
            line = row_line(row)
            if line is not None:
                lines.append(line)
            row.clear()
            in_table = False
        elif word in _SPECIAL:
            text.append(_SPECIAL[word])
    end_paragraph()
    built = "\n".join(lines)
    return Document(text=normalise(built), original=built, source_format="rtf")
