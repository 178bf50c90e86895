"""``python -m ingest.export``: the marts as files people open: CSV (UTF-8 with a BOM, so Excel reads
Chinese), one XLSX workbook (a sheet per mart and a sheet of column descriptions), or Parquet.

The warehouse is opened read-only; list columns (warnings, paths) are written as ``a; b`` text in
CSV and XLSX. A mart longer than an Excel sheet (1,048,576 rows) is left out of the workbook, and
the contents sheet says so: take it as CSV or Parquet.

Files are safe to open: a text cell a spreadsheet would run as a formula (beginning with ``=``,
``+``, ``-``, ``@``, a tab or a carriage return, as a title or a file name can) is written with a
``'`` before it in CSV, as OWASP recommends (a signed number, ``-3``, stays as it is), and as a
plain string cell, never a formula, in XLSX; a control character a sheet cannot hold is written
as U+FFFD. Names of marts and columns, and paths, are quoted, never spliced into SQL.
"""
from __future__ import annotations

import argparse
import os
import re
import sys
from pathlib import Path

import duckdb

from .workspace import default_warehouse, missing

FORMATS = ("csv", "xlsx", "parquet")
EXCEL_ROWS = 1_048_575  # a sheet's rows, less the header
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_FORMULA = re.compile(r"[=+\-@\t\r]")
_SIGNED_NUMBER = re.compile(r"[+-][0-9.,]*")
# the same rules as DuckDB SQL over a text column (RE2)
_SQL_CONTROL = r"[\x{00}-\x{08}\x{0b}\x{0c}\x{0e}-\x{1f}\x{7f}]"
_SQL_FORMULA = r"^[=+\-@\t\r]"
_SQL_SIGNED_NUMBER = r"^[+-][0-9.,]*$"


def ident(name: str) -> str:
    """A name as a quoted SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def literal(text: str | os.PathLike) -> str:
    """Text (a path) as a quoted SQL string literal."""
    return "'" + str(text).replace("'", "''") + "'"


def safe_text(value: str) -> str:
    """A text cell as written to CSV: control characters as U+FFFD, a would-be formula after a ``'``."""
    value = _CONTROL.sub("\ufffd", value)
    if _FORMULA.match(value) and not _SIGNED_NUMBER.fullmatch(value):
        return "'" + value
    return value


def _safe_sql(expression: str) -> str:
    """``safe_text`` as SQL over a text expression."""
    cleaned = f"regexp_replace({expression}, {literal(_SQL_CONTROL)}, {literal(chr(0xFFFD))}, 'g')"
    quote = literal("'")
    return (f"case when regexp_matches({expression}, {literal(_SQL_FORMULA)}) and not "
            f"regexp_matches({expression}, {literal(_SQL_SIGNED_NUMBER)}) then {quote} || {cleaned} else {cleaned} end")


def marts(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    """(name, description) of every mart, in the schema users start from."""
    return con.sql("select table_name, coalesce(comment, '') from duckdb_tables() "
                   "where schema_name = 'main' and not internal order by table_name").fetchall()


def _flat(con: duckdb.DuckDBPyConnection, name: str, safe: bool = False) -> str:
    """A select of the mart with list columns joined as text (CSV and Excel have no lists); with
    ``safe``, every text made ``safe_text``."""
    columns = con.execute("select column_name, data_type from duckdb_columns() where schema_name = 'main' "
                          "and table_name = ? order by column_index", [name]).fetchall()
    parts = []
    for column, dtype in columns:
        value = f"array_to_string({ident(column)}, '; ')" if dtype.endswith("[]") else ident(column)
        if safe and (dtype.endswith("[]") or dtype == "VARCHAR"):
            value = _safe_sql(value)
        parts.append(f"{value} as {ident(safe_text(column) if safe else column)}")  # the header too
    return f"select {', '.join(parts)} from main.{ident(name)}"


def export(warehouse: Path, out_dir: Path, fmt: str) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(warehouse), read_only=True) as con:
        tables = marts(con)
        if fmt == "parquet":
            written = []
            for name, _ in tables:
                path = out_dir / f"{name}.parquet"
                con.sql(f"copy main.{ident(name)} to {literal(path)} (format parquet, compression zstd)")
                written.append(path)
            return written
        if fmt == "csv":
            written = []
            for name, _ in tables:
                path = out_dir / f"{name}.csv"
                tmp = path.with_suffix(".csv.tmp")
                con.sql(f"copy ({_flat(con, name, safe=True)}) to {literal(tmp)} (header, delimiter ',')")
                with open(path, "wb") as f:  # the BOM Excel needs to read UTF-8, then DuckDB's bytes
                    f.write(b"\xef\xbb\xbf")
                    with open(tmp, "rb") as src:
                        while block := src.read(1 << 20):
                            f.write(block)
                tmp.unlink()
                written.append(path)
            return written
        return [_workbook(con, tables, out_dir / "gia_marts.xlsx")]


def _xlsx_row(sheet, values) -> list:
    """A row's text cells as strings, never formulas (openpyxl makes any text beginning with ``=``
    one), without the control characters a sheet cannot hold."""
    from openpyxl.cell import WriteOnlyCell

    row = []
    for value in values:
        if isinstance(value, str):
            value = WriteOnlyCell(sheet, _CONTROL.sub("\ufffd", value))
            value.data_type = "s"
        row.append(value)
    return row


def _workbook(con: duckdb.DuckDBPyConnection, tables: list[tuple[str, str]], path: Path) -> Path:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    contents = wb.create_sheet("contents 目录")
    contents.append(["sheet 表", "rows 行数", "description 说明"])
    described = wb.create_sheet("columns 列说明")
    described.append(["table 表", "column 列", "type 类型", "description 说明"])
    for row in con.sql(
            "select table_name, column_name, data_type, coalesce(comment, '') from duckdb_columns() "
            "where schema_name = 'main' and not internal order by table_name, column_index").fetchall():
        described.append(_xlsx_row(described, row))
    for name, description in tables:
        rows = con.sql(f"select count(*) from main.{ident(name)}").fetchone()[0]
        if rows > EXCEL_ROWS:
            contents.append([name, rows, "too long for one sheet: use CSV or Parquet / 行数超过 Excel 上限，请用 CSV 或 Parquet"])
            continue
        contents.append([name, rows, description])
        sheet = wb.create_sheet(name[:31])
        result = con.sql(_flat(con, name))
        sheet.append(_xlsx_row(sheet, result.columns))
        while batch := result.fetchmany(10_000):
            for row in batch:
                sheet.append(_xlsx_row(sheet, row))
    tmp = path.with_suffix(".xlsx.tmp")
    wb.save(tmp)
    os.replace(tmp, path)
    return path


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m ingest.export", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--warehouse", type=Path, default=Path(default_warehouse()),
                    help="the DuckDB file (default: $GIA_WAREHOUSE or warehouse/gia.duckdb)")
    ap.add_argument("--format", choices=FORMATS, default="csv", help="csv (default), xlsx or parquet")
    ap.add_argument("--out", type=Path, default=Path("export"), help="folder to write (default: export)")
    args = ap.parse_args(argv)
    if problem := missing(args.warehouse):
        print(problem, file=sys.stderr)
        return 2
    for path in export(args.warehouse, args.out, args.format):
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
