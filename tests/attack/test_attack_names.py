"""Names and paths are data, never SQL; exports are safe to open; the same staging always builds
the same warehouse. One hostile folder, ingested and published once (and again, for determinism):
folders with quotes, a file named like a formula, two names that read alike in GBK and UTF-8, a
manifest whose columns collide with the warehouse's own, repeat, or hold quotes."""
import csv
import hashlib
import os
import shutil
import subprocess
import sys

import duckdb
import pytest

from conftest import ENV, ROOT, publish
from ingest.cli import run
from ingest.export import export, safe_text

SAMPLES = ROOT / "samples" / "raw"
FORMULA_NAME = '=HYPERLINK("https:evil.example","x").txt'  # a file name holds no /


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    home = tmp_path_factory.mktemp("names") / "o'hostile \"dir\""
    raw = home / "raw"
    raw.mkdir(parents=True)
    for f in SAMPLES.glob("00[0-4]_*.txt"):
        shutil.copy(f, raw)
    text = (SAMPLES / "000_b871b4d2c0ca5613.txt").read_text(encoding="utf-8")
    (raw / "000_again.txt").write_text(text + "\n附件", encoding="utf-8")  # the same report in other bytes: an alternate
    (raw / FORMULA_NAME).write_text(text + "\n附", encoding="utf-8")
    gbk = os.path.join(os.fsencode(raw), "报告".encode("gbk") + b".txt")
    with open(gbk, "wb") as f:
        f.write((SAMPLES / "002_08e398edbd93b538.txt").read_bytes())
    (raw / "报告.txt").write_bytes((SAMPLES / "002_08e398edbd93b538.txt").read_bytes())  # the same name in UTF-8
    manifest = home / "m.csv"
    manifest.write_text(
        'path,report_role,COPIES,url,URL,"bad""name",is_canonical,title\n'
        "000_b871b4d2c0ca5613.txt,canonical,99,http://a,http://b,x,true,\n"  # the reverse of the warehouse's roles
        "000_again.txt,alternate,99,http://c,http://d,y,false,=1+1\x07\n", encoding="utf-8")
    staging = home / "staging"
    stats = run(raw, staging, manifest=manifest, jobs=2, progress=False)
    warehouse = home / "wh" / "gia's \"wh\".duckdb"
    done = publish(staging, warehouse)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return home, staging, warehouse, stats


@pytest.fixture
def con(hostile):
    with duckdb.connect(str(hostile[2]), read_only=True) as c:
        yield c


def test_quotes_in_folders_and_names_publish(con, hostile):
    assert hostile[3]["files"] == 9
    assert con.sql("select count(*) from dim_report").fetchone() == (7,)  # 9 files, 7 distinct reports
    assert con.execute("select count(*) from dim_report where source_path = ?", [FORMULA_NAME]).fetchone() == (1,)


def test_names_that_read_alike_in_gbk_and_utf8_are_two_paths(con):
    """报告.txt in GBK bytes and in UTF-8: two files (here copies of one report), two paths."""
    paths = con.sql("select source_paths from dim_report where source_path = '002_08e398edbd93b538.txt'").fetchone()[0]
    assert paths == ["002_08e398edbd93b538.txt", "\\xb1\\xa8\\xb8\\xe6.txt", "报告.txt"]  # the GBK name's bytes shown


def test_manifest_columns_never_stand_in_for_the_warehouses(con, hostile):
    columns = {c for c, in con.sql("select column_name from duckdb_columns() where table_name = 'dim_report'").fetchall()}
    assert {"manifest_report_role", "manifest_COPIES", "manifest_is_canonical", "url"} <= columns
    assert not {"bad\"name", "URL"} & columns  # a quote in a name, a name given twice: not kept
    roles = dict(con.sql("select source_path, report_role from dim_report where source_path like '000%'").fetchall())
    assert roles == {"000_again.txt": "canonical", "000_b871b4d2c0ca5613.txt": "alternate"}  # not the manifest's
    assert con.sql("select copies, manifest_COPIES from dim_report where source_path = '000_again.txt'").fetchone() == (1, "99")
    counted = con.sql("select count(distinct report_id) from fct_applications").fetchone()[0]
    assert counted == con.sql("select count(*) from dim_report where is_canonical and layout is not null").fetchone()[0]
    problems = sorted(k for k in hostile[3] if k.startswith("manifest:column"))
    assert problems == ["manifest:column 5: 'URL' is a name column 4 already gives (not kept)",
                        "manifest:column 6: 'bad\"name' holds a quote or a control character (not kept)"]


def test_exports_neither_run_formulas_nor_fail_on_control_characters(hostile, tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    warehouse = hostile[2]
    export(warehouse, tmp_path, "csv")
    with open(tmp_path / "dim_report.csv", encoding="utf-8-sig", newline="") as f:
        rows = {r["source_path"]: r for r in csv.DictReader(f)}
    assert "'" + FORMULA_NAME in rows and FORMULA_NAME not in rows
    assert rows["000_again.txt"]["title"] == "'=1+1\ufffd"  # a manifest title: a formula and a control character
    assert rows["000_b871b4d2c0ca5613.txt"]["title"].startswith("泸州")
    path, = export(warehouse, tmp_path, "xlsx")  # a control character used to fail the whole workbook
    sheet = openpyxl.load_workbook(path)["dim_report"]
    header = [c.value for c in sheet[1]]
    cells = [row[header.index("source_path")] for row in sheet.iter_rows(min_row=2)]
    formula = next(c for c in cells if c.value.startswith("=HYPERLINK"))
    assert formula.data_type == "s" and formula.value == FORMULA_NAME  # text, shown as printed, never run
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)


@pytest.mark.parametrize("value, written", [
    ("=SUM(A1)", "'=SUM(A1)"), ("+cmd|'/C calc'!A0", "'+cmd|'/C calc'!A0"), ("-2+3+cmd", "'-2+3+cmd"),
    ("@SUM(1)", "'@SUM(1)"), ("\t=1", "'\t=1"), ("\r=1", "'\r=1"), ("-3", "-3"), ("+8", "+8"), ("-", "-"),
    ("a\x00b\x1fc", "a\ufffdb\ufffdc"), ("泸州市", "泸州市"),
])
def test_csv_cells_are_neutralised_as_owasp_recommends(value, written):
    assert safe_text(value) == written


def test_the_same_staging_always_builds_the_same_warehouse(hostile, con):
    """Published again with more DuckDB threads: every mart, every row, byte for byte."""
    home, staging, warehouse, _ = hostile
    again = home / "wh2" / "gia.duckdb"
    done = subprocess.run([sys.executable, "-m", "ingest.publish", "--warehouse", str(again), "--staging", str(staging),
                           "--", "--quiet"], cwd=ROOT, env={**ENV, "GIA_DUCKDB_THREADS": "4"}, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    with duckdb.connect(str(again), read_only=True) as other:
        marts = [t for t, in con.sql("select table_name from duckdb_tables() where schema_name = 'main' order by 1").fetchall()]
        assert len(marts) >= 15
        for mart in marts:
            query = f'select * from main."{mart}" order by all'
            first = hashlib.sha256(repr(con.sql(query).fetchall()).encode()).hexdigest()
            second = hashlib.sha256(repr(other.sql(query).fetchall()).encode()).hexdigest()
            assert first == second, mart


def _calls(sql: str, function: str) -> list[str]:
    """The argument text of every call of ``function`` in ``sql`` (balanced parentheses)."""
    found, at = [], 0
    while (at := sql.find(function + "(", at)) >= 0:
        if at and (sql[at - 1].isalnum() or sql[at - 1] == "_"):
            at += 1
            continue
        depth, end = 0, at + len(function)
        for end in range(at + len(function), len(sql)):
            depth += {"(": 1, ")": -1}.get(sql[end], 0)
            if depth == 0:
                break
        found.append(sql[at + len(function) + 1:end])
        at = end
    return found


def test_every_aggregate_that_could_pick_an_order_is_given_one():
    """list/array_agg/string_agg ordered, mode with a tie-break, any_value/first/last ordered: the
    warehouse does not depend on how DuckDB's threads met the rows."""
    loose = []
    for path in [*(ROOT / "models").rglob("*.sql"), *(ROOT / "macros").glob("*.sql")]:
        sql = path.read_text(encoding="utf-8").lower()
        for function in ("list", "array_agg", "string_agg", "group_concat", "mode", "first", "last", "any_value"):
            loose += [f"{path.name}: {function}({args})" for args in _calls(sql, function) if "order by" not in args]
    assert loose == []


def test_every_staged_column_is_one_a_manifest_column_cannot_take():
    """A staging column missing from the reserved names would let a manifest column of that name
    replace it (and the warehouse would take it for a manifest column)."""
    import re
    from ingest.manifest import FIELDS, RESERVED
    from ingest.staging import schemas
    staged = set(schemas()["reports"])
    assert staged <= set(RESERVED) | set(FIELDS)
    macro = (ROOT / "macros" / "manifest_columns.sql").read_text(encoding="utf-8")
    listed = set(re.findall(r"'(\w+)'", macro.split("staging_report_columns")[1].split("endmacro")[0]))
    assert staged | {"warning_count"} == listed
