"""``python -m ingest.export``: the marts as files people open: CSV (UTF-8 with a BOM, so Excel reads
Chinese), one XLSX workbook (a sheet per mart and a sheet of column descriptions), or Parquet.

The warehouse is opened read-only; list columns (warnings, paths) are written as ``a; b`` text in
CSV and XLSX. A mart longer than an Excel sheet (1,048,576 rows) is left out of the workbook, and
the contents sheet says so: take it as CSV or Parquet.
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import duckdb

from .workspace import default_warehouse, missing

FORMATS = ("csv", "xlsx", "parquet")
EXCEL_ROWS = 1_048_575  # a sheet's rows, less the header


def marts(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    """(name, description) of every mart, in the schema users start from."""
    return con.sql("select table_name, coalesce(comment, '') from duckdb_tables() "
                   "where schema_name = 'main' and not internal order by table_name").fetchall()


def _flat(con: duckdb.DuckDBPyConnection, name: str) -> str:
    """A select of the mart with list columns joined as text (CSV and Excel have no lists)."""
    columns = con.sql(f"select column_name, data_type from duckdb_columns() where schema_name = 'main' "
                      f"and table_name = '{name}' order by column_index").fetchall()
    parts = [f"array_to_string(\"{c}\", '; ') as \"{c}\"" if t.endswith("[]") else f'"{c}"' for c, t in columns]
    return f"select {', '.join(parts)} from main.\"{name}\""


def export(warehouse: Path, out_dir: Path, fmt: str) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(warehouse), read_only=True) as con:
        tables = marts(con)
        if fmt == "parquet":
            written = []
            for name, _ in tables:
                path = out_dir / f"{name}.parquet"
                con.sql(f"copy main.\"{name}\" to '{path}' (format parquet, compression zstd)")
                written.append(path)
            return written
        if fmt == "csv":
            written = []
            for name, _ in tables:
                path = out_dir / f"{name}.csv"
                tmp = path.with_suffix(".csv.tmp")
                con.sql(f"copy ({_flat(con, name)}) to '{tmp}' (header, delimiter ',')")
                with open(path, "wb") as f:  # the BOM Excel needs to read UTF-8, then DuckDB's bytes
                    f.write(b"\xef\xbb\xbf")
                    with open(tmp, "rb") as src:
                        while block := src.read(1 << 20):
                            f.write(block)
                tmp.unlink()
                written.append(path)
            return written
        return [_workbook(con, tables, out_dir / "gia_marts.xlsx")]


def _workbook(con: duckdb.DuckDBPyConnection, tables: list[tuple[str, str]], path: Path) -> Path:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    contents = wb.create_sheet("contents 目录")
    contents.append(["sheet 表", "rows 行数", "description 说明"])
    described = wb.create_sheet("columns 列说明")
    described.append(["table 表", "column 列", "type 类型", "description 说明"])
    for table, column, dtype, comment in con.sql(
            "select table_name, column_name, data_type, coalesce(comment, '') from duckdb_columns() "
            "where schema_name = 'main' and not internal order by table_name, column_index").fetchall():
        described.append([table, column, dtype, comment])
    for name, description in tables:
        rows = con.sql(f'select count(*) from main."{name}"').fetchone()[0]
        if rows > EXCEL_ROWS:
            contents.append([name, rows, "too long for one sheet: use CSV or Parquet / 行数超过 Excel 上限，请用 CSV 或 Parquet"])
            continue
        contents.append([name, rows, description])
        sheet = wb.create_sheet(name[:31])
        result = con.sql(_flat(con, name))
        sheet.append(result.columns)
        while batch := result.fetchmany(10_000):
            for row in batch:
                sheet.append(list(row))
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
