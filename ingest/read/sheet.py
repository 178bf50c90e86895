"""Spreadsheets (.xlsx, .xls, .ods) → Document: each sheet's rows as lines of ``|``-separated cells.

python-calamine (Rust; the reader Polars' read_excel uses) gives each cell's value as displayed;
a merged cell is printed once, in its first cell: the cells beside it are not cells of the row,
those below it empty cells, as an HTML table with colspan/rowspan reads. (.ods is read as ODF XML
by the odt adapter: calamine does not give its merged ranges.) Whole numbers stored as floats (12.0) are printed as integers.
"""
from __future__ import annotations

import datetime as dt
import io

from .document import Document, Unreadable, normalise, row_line
from .package import MAX_TOTAL

MAX_CELLS = 2_000_000  # a report's tables are hundreds of cells


def sheet_document(raw: bytes, fmt: str) -> Document:
    import python_calamine as calamine

    if fmt == "xlsx" and raw[:4] == b"PK\x03\x04":
        from .package import open_zip
        open_zip(raw, fmt)  # bounded sizes and no encryption before the reader inflates anything
    try:
        book = calamine.CalamineWorkbook.from_filelike(io.BytesIO(raw))
    except calamine.PasswordError:
        raise Unreadable(f"{fmt}_encrypted") from None
    except Exception as e:  # noqa: BLE001 (calamine raises its own errors and ValueError/OSError)
        reason = "encrypted" if "password" in str(e).lower() or "encrypt" in str(e).lower() else "broken"
        raise Unreadable(f"{fmt}_{reason}") from None
    lines: list[str] = []
    cells = 0
    try:
        for meta in book.sheets_metadata:
            if str(meta.visible).lower().endswith("hidden"):
                continue  # a sheet the reader does not see
            sheet = book.get_sheet_by_name(meta.name)
            cells += sheet.height * sheet.width
            if cells > MAX_CELLS or cells * 16 > MAX_TOTAL:
                raise Unreadable(f"{fmt}_too_large")
            covered = _covered(sheet.merged_cell_ranges or ())
            for r, row in enumerate(sheet.to_python(skip_empty_area=False)):
                texts = [_text(v) if (r, c) not in covered else "" for c, v in enumerate(row)
                         if covered.get((r, c)) != _BESIDE]
                while texts and not texts[-1]:
                    texts.pop()  # a sheet's rows run to its widest: no cells of the table
                line = row_line(texts)
                if line is not None:
                    lines.append(line)
    except calamine.CalamineError:
        raise Unreadable(f"{fmt}_broken") from None
    finally:
        book.close()
    built = "\n".join(lines)
    return Document(text=normalise(built), original=built, source_format=fmt)


_BESIDE, _BELOW = "beside", "below"


def _covered(ranges) -> dict[tuple[int, int], str]:
    """The cells a merged range covers: those beside its first cell are not cells of the printed
    row (it is printed once); those below it are an empty cell, as under an HTML rowspan."""
    covered: dict[tuple[int, int], str] = {}
    for (r0, c0), (r1, c1) in ranges:
        if (r1 - r0 + 1) * (c1 - c0 + 1) > MAX_CELLS:
            raise Unreadable("sheet_too_large")
        for r in range(r0, r1 + 1):
            for c in range(c0, c1 + 1):
                if (r, c) != (r0, c0):
                    covered[(r, c)] = _BELOW if c == c0 else _BESIDE
    return covered


def _text(value) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime) and not (value.hour or value.minute or value.second):
        return value.date().isoformat()
    return " ".join(str(value).split())
