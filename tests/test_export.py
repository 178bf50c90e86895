"""`make export`: files people open in Excel, read back as Excel and pandas would."""
import csv

import duckdb
import pytest

from ingest.export import export


def _mart_rows(warehouse) -> dict[str, int]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return {t: con.sql(f'select count(*) from main."{t}"').fetchone()[0]
                for t, in con.sql("select table_name from duckdb_tables() where schema_name = 'main'").fetchall()}


def test_csv_opens_with_chinese_intact(sample_warehouse, tmp_path):
    counts = _mart_rows(sample_warehouse)
    written = export(sample_warehouse, tmp_path, "csv")
    assert sorted(p.stem for p in written) == sorted(counts)
    for path in written:
        raw = path.read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs
        with open(path, encoding="utf-8-sig", newline="") as f:
            rows = list(csv.reader(f))
        assert len(rows) - 1 == counts[path.stem], path.stem
    with open(tmp_path / "dim_report.csv", encoding="utf-8-sig", newline="") as f:
        reports = list(csv.DictReader(f))
    assert "海沧区" in {r["agency"] for r in reports}
    warned = [r["warnings"] for r in reports if r["warnings"]]
    assert warned and all("[" not in w for w in warned)  # lists as `a; b` text


def test_xlsx_has_a_sheet_per_mart_and_the_column_descriptions(sample_warehouse, tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    counts = _mart_rows(sample_warehouse)
    path, = export(sample_warehouse, tmp_path, "xlsx")
    book = openpyxl.load_workbook(path, read_only=True)
    for name, rows in counts.items():
        assert sum(1 for _ in book[name[:31]].iter_rows()) - 1 == rows, name
    described = list(book["columns 列说明"].iter_rows(values_only=True))[1:]
    report_year = next(row for row in described if row[:2] == ("dim_report", "report_year"))
    assert "统计年度" in report_year[3] and "Statistics year" in report_year[3]
    summary = list(book["fct_report_summary"].iter_rows(values_only=True))
    header = summary[0]
    hongze = next(r for r in summary[1:] if r[header.index("agency")] == "洪泽区人民政府")
    assert hongze[header.index("new_received")] == 21 and hongze[header.index("review")] == 11


def test_parquet_as_before(sample_warehouse, tmp_path):
    counts = _mart_rows(sample_warehouse)
    for path in export(sample_warehouse, tmp_path, "parquet"):
        assert duckdb.sql(f"select count(*) from '{path}'").fetchone()[0] == counts[path.stem]


def test_the_wide_table_is_null_where_a_needed_cell_is(sample_warehouse):
    with duckdb.connect(str(sample_warehouse), read_only=True) as con:
        row = con.sql("""select new_received, processed, null_cells from fct_report_summary
                         where agency = '湖山乡人民政府'""").fetchone()
        complete = con.sql("""select new_received + carried_over - processed - carried_forward from fct_report_summary
                              where agency = '海沧区'""").fetchone()
    assert row[0] is None and row[1] is None and row[2] > 0  # incomplete rows: null, not a partial sum
    assert complete == (0,)  # intake balance on a report whose arithmetic holds
