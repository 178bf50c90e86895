"""Spreadsheets (.xlsx, .xls, .ods) → Document: each sheet's rows as lines of ``|``-separated cells.

python-calamine (Rust; the reader Polars' read_excel uses) gives each cell's value as displayed;
a merged cell is printed once, in its first cell, the cells it covers empty: as an HTML table
with colspan/rowspan reads. Whole numbers stored as floats (12.0) are printed as integers.
"""
from __future__ import annotations

import datetime as dt
import io

from .document import Document, Unreadable, normalise, row_line
from .package import MAX_TOTAL

MAX_CELLS = 2_000_000  # a report's tables are hundreds of cells


def sheet_document(raw: bytes, fmt: str) -> Document:
    import python_calamine as calamine

    if fmt in ("xlsx", "ods") and raw[:4] == b"PK\x03\x04":
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
            for row in sheet.to_python(skip_empty_area=True):
                line = row_line([_text(v) for v in row])
                if line is not None:
                    lines.append(line)
    except calamine.CalamineError:
        raise Unreadable(f"{fmt}_broken") from None
    finally:
        book.close()
    built = "\n".join(lines)
    return Document(text=normalise(built), original=built, source_format=fmt)


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
