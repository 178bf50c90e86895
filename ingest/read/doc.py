"""Word 97–2003 binary (.doc) and Kingsoft WPS (.wps, the same format) → Document: paragraphs as
lines, each table row a line of its cells.

olefile opens the OLE container. The WordDocument stream's FIB says which table stream holds the
piece table (Clx): the text is the pieces in order (8-bit cp1252 or UTF-16). In the text a cell
ends with ``\\x07``; a row ends with a ``\\x07`` too, the row mark, which only the paragraph's
properties tell apart from a cell's end (sprmPFTtp in the PAPX of its paragraph, found through
the bin table PlcBtePapx). Fields print their result, not their code. A vertically merged cell
prints as an empty cell, as under an HTML rowspan.
"""
from __future__ import annotations

import bisect
import io
import struct

from .document import Document, Unreadable, normalise, row_line

_CELL, _PARAGRAPH = "\x07", "\r"
_FIELD_BEGIN, _FIELD_SEPARATOR, _FIELD_END = "\x13", "\x14", "\x15"
_TTP = (0x2417, 0x244C)  # sprmPFTtp, sprmPFInnerTtp: this paragraph mark ends a table row
_IN_TABLE = (0x2416, 0x664A)  # sprmPFInTable, sprmPItap: this paragraph is in a table cell
_HUGE_PAPX = 0x6646  # sprmPHugePapx: the paragraph's properties are in the Data stream
_DROPPED = dict.fromkeys(map(ord, "\x01\x02\x03\x04\x05\x08\x1f"), None)  # pictures, drawn objects, soft hyphens
_SPACED = {ord("\x0b"): " ", ord("\x0c"): "\r", ord("\x1e"): "-", ord("\xa0"): " "}
MAX_CHARS = 20_000_000


def doc_document(raw: bytes, fmt: str = "doc") -> Document:
    import olefile

    try:
        ole = olefile.OleFileIO(io.BytesIO(raw))
    except (OSError, ValueError, struct.error, IndexError):
        raise Unreadable(f"{fmt}_broken:not_ole") from None
    try:
        if not ole.exists("WordDocument"):
            raise Unreadable(f"{fmt}_broken:no_word_document")
        word = ole.openstream("WordDocument").read()
        text, row_marks = _text(ole, word, fmt)
    except (struct.error, IndexError, OSError, ValueError) as e:
        raise Unreadable(f"{fmt}_broken:{type(e).__name__}") from None
    finally:
        ole.close()
    lines = _lines(text, row_marks)
    built = "\n".join(lines)
    return Document(text=normalise(built), original=built, source_format=fmt)


def _text(ole, word: bytes, fmt: str) -> tuple[str, set[int]]:
    """The main document's text and the positions in it of the row marks."""
    ident, _, _, _, _, flags = struct.unpack_from("<HHHHHH", word, 0)
    if ident != 0xA5EC:
        raise Unreadable(f"{fmt}_broken:not_word97")
    if flags & 0x0100:
        raise Unreadable(f"{fmt}_encrypted")
    table_name = "1Table" if flags & 0x0200 else "0Table"
    if not ole.exists(table_name):
        raise Unreadable(f"{fmt}_broken:no_table_stream")
    table = ole.openstream(table_name).read()
    pos = 32
    csw = struct.unpack_from("<H", word, pos)[0]
    pos += 2 + 2 * csw
    cslw = struct.unpack_from("<H", word, pos)[0]
    lw = pos + 2
    ccp_text = struct.unpack_from("<i", word, lw + 12)[0]  # FibRgLw97.ccpText
    pos = lw + 4 * cslw
    blob = pos + 2  # FibRgFcLcb97
    fc_clx, lcb_clx = struct.unpack_from("<II", word, blob + 33 * 8)
    fc_papx, lcb_papx = struct.unpack_from("<II", word, blob + 13 * 8)
    pieces = _pieces(table[fc_clx:fc_clx + lcb_clx])
    chars, fcs = [], []  # the text, and where each piece starts in the stream
    cp_total = 0
    for cp0, cp1, fc, compressed in pieces:
        if cp_total >= ccp_text or cp_total > MAX_CHARS:
            break
        n = min(cp1 - cp0, ccp_text - cp_total)
        if compressed:
            chunk = word[fc:fc + n].decode("cp1252", "replace")
        else:
            chunk = word[fc:fc + 2 * n].decode("utf-16-le", "replace")
        chars.append(chunk)
        fcs.append((cp_total, fc, 1 if compressed else 2))
        cp_total += len(chunk)
    text = "".join(chars)
    data = ole.openstream("Data").read() if ole.exists("Data") else b""
    row_runs, table_runs = _paragraph_runs(word, table[fc_papx:fc_papx + lcb_papx], data)
    marks = set()  # positions of row marks (\x07 ending a row) and of paragraph ends inside a cell
    starts = [f[0] for f in fcs]
    for i, ch in enumerate(text):
        if ch == _CELL or ch == _PARAGRAPH:
            k = bisect.bisect_right(starts, i) - 1
            cp0, fc, width = fcs[k]
            if _in_runs(row_runs if ch == _CELL else table_runs, fc + (i - cp0) * width):
                marks.add(i)
    return text, marks


def _pieces(clx: bytes) -> list[tuple[int, int, int, bool]]:
    """(first cp, end cp, stream offset, 8-bit) of every piece of the piece table."""
    pos = 0
    while pos < len(clx) and clx[pos] == 0x01:  # Prc: formatting, skipped
        pos += 3 + struct.unpack_from("<h", clx, pos + 1)[0]
    if pos >= len(clx) or clx[pos] != 0x02:
        raise ValueError("no piece table")
    lcb = struct.unpack_from("<I", clx, pos + 1)[0]
    plc = clx[pos + 5:pos + 5 + lcb]
    n = (lcb - 4) // 12
    cps = struct.unpack_from(f"<{n + 1}i", plc, 0)
    out = []
    for k in range(n):
        fc_value = struct.unpack_from("<I", plc, 4 * (n + 1) + 8 * k + 2)[0]
        compressed = bool(fc_value & 0x40000000)
        fc = fc_value & 0x3FFFFFFF
        out.append((cps[k], cps[k + 1], fc // 2 if compressed else fc, compressed))
    return out


def _paragraph_runs(word: bytes, plc: bytes, data: bytes) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """(start, end) stream offsets of the paragraphs that end a table row, and of those in a table
    (properties too large for their page are in the Data stream: sprmPHugePapx)."""
    if len(plc) < 8:
        return [], []
    n = (len(plc) - 4) // 8
    rows, cells = [], []
    for k in range(n):
        page = struct.unpack_from("<I", plc, 4 * (n + 1) + 4 * k)[0] & 0x3FFFFF
        fkp = word[page * 512:(page + 1) * 512]
        if len(fkp) < 512:
            continue
        crun = fkp[511]
        fcs = struct.unpack_from(f"<{crun + 1}I", fkp, 0)
        for i in range(crun):
            offset = fkp[4 * (crun + 1) + 13 * i] * 2
            sprms = _sprms_on(_grpprl(fkp, offset), data) if offset else set()
            if sprms & set(_TTP):
                rows.append((fcs[i], fcs[i + 1]))
            elif sprms & set(_IN_TABLE):
                cells.append((fcs[i], fcs[i + 1]))
    return sorted(rows), sorted(cells)


def _grpprl(fkp: bytes, offset: int) -> bytes:
    """The sprms of the PapxInFkp at ``offset`` (after its style index)."""
    cb = fkp[offset]
    if cb:
        start, size = offset + 1, 2 * cb - 1
    else:
        start, size = offset + 2, 2 * fkp[offset + 1]
    return fkp[start + 2:start + size]


def _sprms_on(grpprl: bytes, data: bytes = b"") -> set[int]:
    """The sprms whose operand starts with a value of 1 or more (a flag set on)."""
    found = set()
    pos = 0
    while pos + 2 <= len(grpprl):
        sprm = struct.unpack_from("<H", grpprl, pos)[0]
        pos += 2
        spra = sprm >> 13
        if spra in (0, 1):
            size_operand = 1
        elif spra in (2, 4, 5):
            size_operand = 2
        elif spra == 3:
            size_operand = 4
        elif spra == 7:
            size_operand = 3
        elif sprm == 0xD608 and pos + 2 <= len(grpprl):  # sprmTDefTable: a two-byte size
            size_operand = struct.unpack_from("<H", grpprl, pos)[0] + 1
        elif pos < len(grpprl):
            size_operand = grpprl[pos] + 1
        else:
            break
        if sprm == _HUGE_PAPX and data and pos + 4 <= len(grpprl):
            at = struct.unpack_from("<I", grpprl, pos)[0]
            if at + 2 <= len(data):
                found |= _sprms_on(data[at + 2:at + 2 + struct.unpack_from("<H", data, at)[0]])
        elif pos < len(grpprl) and grpprl[pos] >= 1:
            found.add(sprm)
        pos += size_operand
    return found


def _in_runs(runs: list[tuple[int, int]], fc: int) -> bool:
    k = bisect.bisect_right(runs, (fc, float("inf"))) - 1
    return k >= 0 and runs[k][0] <= fc < runs[k][1]


def _lines(text: str, row_marks: set[int]) -> list[str]:
    """Paragraphs as lines; a table row's cells (ended by \\x07, the row by its row mark) as one."""
    lines: list[str] = []
    cells: list[str] = []
    current: list[str] = []
    field_depth, hidden = 0, []  # inside a field: its code is hidden until the separator
    for i, ch in enumerate(text):
        if ch == _FIELD_BEGIN:
            field_depth += 1
            hidden.append(True)
            continue
        if ch == _FIELD_SEPARATOR:
            if hidden:
                hidden[-1] = False
            continue
        if ch == _FIELD_END:
            field_depth = max(0, field_depth - 1)
            if hidden:
                hidden.pop()
            continue
        if any(hidden):
            continue
        if ch == _CELL:
            if i in row_marks:  # the row's end
                line = row_line(cells)
                if line is not None:
                    lines.append(line)
                cells = []
            else:
                cells.append(_clean(current))
            current = []
        elif ch == _PARAGRAPH:
            if i in row_marks:
                current.append(" ")  # a paragraph inside a cell
            else:
                line = _clean(current)
                if line:
                    lines.append(line)
                current = []
        else:
            current.append(ch)
    if current:
        line = _clean(current)
        if line:
            lines.append(line)
    return lines


def _clean(chars: list[str]) -> str:
    return " ".join("".join(chars).translate(_DROPPED).translate(_SPACED).replace("\r", " ").split())
