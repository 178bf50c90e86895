"""`python -m ingest`: a run over a folder, bad files included."""
import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from conftest import SAMPLE_COUNT
from ingest.cli import CHUNK_FILES, main, run
from ingest.copies import FirstPaths
from ingest.files import Entry, FileList, list_files
from ingest.staging import LOCK_FILE

ROOT = Path(__file__).resolve().parent.parent
RAW = ROOT / "samples" / "raw"
SPEC_COLUMNS = {
    "reports": {"report_id", "source_path", "source_format", "title", "agency", "report_year", "layout",
                "published_at", "info_fee_yuan", "status", "warnings"},
    "applications": {"report_id", "row_code", "applicant_type", "value"},
    "reviews": {"report_id", "cell", "value"},
    "proactive": {"report_id", "measure", "value", "raw"},
}


@pytest.fixture
def messy(tmp_path):
    raw = tmp_path / "raw"
    (raw / "nested" / "deeper").mkdir(parents=True)
    for f in RAW.glob("00[0-4]_*.txt"):  # the five text pages
        shutil.copy(f, raw)
    shutil.copy(RAW / "002_08e398edbd93b538.txt", raw / "nested" / "deeper" / "copy_of_002.txt")
    (raw / "empty.txt").write_bytes(b"")
    (raw / "binary.html").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)
    (raw / "nested" / "gbk.txt").write_bytes((RAW / "004_e91101857bf848ba.txt").read_text(encoding="utf-8").encode("gb18030"))
    (raw / "old_2017.md").write_text("某县2017年政府信息公开工作年度报告\n全年主动公开信息100条。", encoding="utf-8")
    (raw / "notes.pdf").write_bytes(b"%PDF-1.4 not read")
    return raw


def read(out, name, sql="select *"):
    return duckdb.sql(f"{sql} from read_parquet('{out / name}.parquet')").fetchall()


def test_a_messy_folder_is_read_whole(messy, tmp_path, capsys):
    out = tmp_path / "staging"
    assert main([str(messy), "--out", str(out), "--jobs", "2", "--no-progress"]) == 0
    printed = capsys.readouterr().out
    assert "11 files" in printed
    assert "parsed 6, partial 1, no_tables 1, no_text_layer 0, unsupported 0, unreadable 3" in printed
    status = dict(read(out, "reports", "select source_path, status"))
    assert status == {
        "000_b871b4d2c0ca5613.txt": "parsed", "001_5a46c2b8c80e9869.txt": "parsed", "002_08e398edbd93b538.txt": "parsed",
        "003_1fe9055233aaf28b.txt": "partial", "004_e91101857bf848ba.txt": "parsed", "binary.html": "unreadable",
        "empty.txt": "unreadable", "nested/deeper/copy_of_002.txt": "parsed", "nested/gbk.txt": "parsed",
        "old_2017.md": "no_tables", "notes.pdf": "unreadable",
    }
    warnings = dict(read(out, "reports", "select source_path, warnings"))
    assert warnings["empty.txt"] == ["unreadable:empty"] and warnings["binary.html"] == ["unreadable:binary"]
    assert warnings["notes.pdf"] == ["unreadable:pdf_broken"]
    assert "duplicate_of:002_08e398edbd93b538.txt" in warnings["nested/deeper/copy_of_002.txt"]
    assert dict(read(out, "reports", "select source_path, encoding"))["nested/gbk.txt"] == "gb18030"
    # the copy's cells are staged once; the GBK file's cells are the UTF-8 original's
    assert read(out, "applications", "select count(*)")[0][0] == 25 * 7 * 4 + 23 * 7 * 2
    per_report = duckdb.sql(f"select count(*) as n from read_parquet('{out}/applications.parquet') group by report_id order by n").fetchall()
    assert [n for (n,) in per_report] == [161, 161, 175, 175, 175, 175]


def test_staging_contract(messy, tmp_path):
    out = tmp_path / "staging"
    run(messy, out, jobs=1, progress=False)
    for name, columns in SPEC_COLUMNS.items():
        have = {r[0] for r in duckdb.sql(f"describe select * from read_parquet('{out / name}.parquet')").fetchall()}
        assert columns <= have, name
    types = dict(duckdb.sql(f"select column_name, column_type from (describe select * from read_parquet('{out}/reports.parquet'))").fetchall())
    assert (types["report_year"], types["published_at"], types["warnings"]) == ("SMALLINT", "DATE", "VARCHAR[]")
    rid = read(out, "reports", "select report_id, source_path")
    expected = hashlib.sha256((messy / "000_b871b4d2c0ca5613.txt").read_bytes()).hexdigest()[:16]
    assert (expected, "000_b871b4d2c0ca5613.txt") in rid
    codes = {r[0] for r in read(out, "applications", "select distinct row_code")}
    assert codes == {r.code for r in __import__("ingest.form", fromlist=["x"]).load_form().table_rows("applications")}
    assert not list(out.glob(".*tmp"))


def test_rerun_gives_identical_files(messy, tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    run(messy, a, jobs=2, progress=False)
    run(messy, b, jobs=1, progress=False)
    for name in SPEC_COLUMNS:
        assert (a / f"{name}.parquet").read_bytes() == (b / f"{name}.parquet").read_bytes(), name


def test_many_chunks_in_flight_give_the_same_files_as_one_process(tmp_path):
    """More chunks than the run lets out to its workers at a time: written in input order all the same."""
    raw = tmp_path / "raw"
    raw.mkdir()
    sources = sorted(RAW.glob("00[0-6]_*.txt"))
    for i in range(CHUNK_FILES * 8 + 5):  # distinct bytes (spaces after the report): each its own report
        src = sources[i % len(sources)]
        (raw / f"{i:04d}_{src.name}").write_bytes(src.read_bytes() + b"\n" + b" " * i)
    a, b = tmp_path / "a", tmp_path / "b"
    run(raw, a, jobs=2, progress=False)
    run(raw, b, jobs=1, progress=False)
    for name in SPEC_COLUMNS:
        assert (a / f"{name}.parquet").read_bytes() == (b / f"{name}.parquet").read_bytes(), name
    assert duckdb.sql(f"select count(distinct report_id) from '{a}/reports.parquet'").fetchone()[0] == CHUNK_FILES * 8 + 5


def test_copies_in_different_chunks_keep_their_row_and_stage_cells_once(tmp_path):
    """The first path of every report_id is held across chunks (on disk, not in a dict)."""
    raw = tmp_path / "raw"
    raw.mkdir()
    source = (RAW / "002_08e398edbd93b538.txt").read_bytes()
    for i in range(CHUNK_FILES * 3):
        (raw / f"{i:04d}.txt").write_bytes(source if i in (5, CHUNK_FILES + 7, CHUNK_FILES * 2 + 9) else source + b" " * (i + 1))
    out = tmp_path / "staging"
    run(raw, out, jobs=2, progress=False)
    warnings = dict(read(out, "reports", "select source_path, warnings"))
    first = f"{5:04d}.txt"
    assert "duplicate_of" not in " ".join(warnings[first])
    for copy in (CHUNK_FILES + 7, CHUNK_FILES * 2 + 9):
        assert f"duplicate_of:{first}" in warnings[f"{copy:04d}.txt"]
    assert sum("duplicate_of" in " ".join(w) for w in warnings.values()) == 2
    rid = hashlib.sha256(source).hexdigest()[:16]
    per_copy = read(out, "applications", f"select count(*) filter (where report_id = '{rid}'), count(distinct report_id)")
    assert per_copy[0] == (175, CHUNK_FILES * 3 - 2)


@pytest.mark.parametrize("names", [
    ["b.txt", "a.txt", "A.txt", "10.txt", "9.txt"],
    ["平潭/2022.html", "平潭/2019.txt", "上海/x.md", "z/a.txt", "z.txt", "z-/a.txt"],
    ["é.txt", "e.txt", "\U0001f600.txt", "ｅ.txt", "e/\u00e9.txt"],
])
def test_file_list_gives_entries_in_the_order_of_python_strings(names, tmp_path):
    with FileList() as files:
        entries = [Entry(os.fsencode(tmp_path / n), n) for n in names]
        files.add(entries)
        assert len(files) == len(names)
        assert list(files) == sorted(entries, key=lambda e: e.rel)


def test_file_list_keeps_bytes_names_problems_and_the_order_of_equal_names(tmp_path):
    entries = [Entry(b"/r/\xd5\xe2.txt", "这.txt"), Entry(b"/r/\xe8\xbf\x99.txt", "这.txt", "dangling_symlink"),
               Entry(b"/r/a", "a", "not_a_file")]
    with FileList() as files:
        files.add(entries)
        assert list(files) == [entries[2], entries[0], entries[1]]
    (tmp_path / "sub").mkdir()
    for name in ("b.txt", "sub/a.txt", "a.txt"):
        (tmp_path / name).write_bytes(b"x")
    with list_files(tmp_path) as listed:
        assert [e.rel for e in listed] == ["a.txt", "b.txt", "sub/a.txt"]


def test_first_paths_keep_the_first_path_of_each_id():
    with FirstPaths() as first:
        first.add([("a", "1.txt"), ("b", "2.txt"), ("a", "3.txt")])
        first.add((f"id{i}", f"{i}.txt") for i in range(1200))  # more ids than one lookup asks
        assert first.of(["a", "b", "c"]) == {"a": "1.txt", "b": "2.txt"}
        found = first.of(f"id{i}" for i in range(0, 1300, 1))
        assert len(found) == 1200 and found["id1199"] == "1199.txt"


def test_manifest_fills_and_overrides_metadata_and_keeps_extra_columns(messy, tmp_path):
    manifest = tmp_path / "manifest.csv"
    manifest.write_text("path,agency,url,published_at,status\n"
                        "002_08e398edbd93b538.txt,厦门市海沧区人民政府,https://example.org/a,2024-01-20,scraped\n"
                        "nested/gbk.txt,,https://example.org/b,,\n", encoding="utf-8")
    out = tmp_path / "staging"
    run(messy, out, manifest=manifest, jobs=1, progress=False)
    rows = {r[0]: r[1:] for r in read(out, "reports", "select source_path, agency, url, cast(published_at as varchar), manifest_status, status")}
    assert rows["002_08e398edbd93b538.txt"] == ("厦门市海沧区人民政府", "https://example.org/a", "2024-01-20", "scraped", "parsed")
    assert rows["nested/gbk.txt"][:3] == ("株洲市芦淞区人民政府", "https://example.org/b", "2024-02-04")
    assert rows["empty.txt"][1] is None


def test_a_crashed_run_leaves_the_last_good_files(messy, tmp_path, monkeypatch):
    out = tmp_path / "staging"
    run(messy, out, jobs=1, progress=False)
    before = (out / "reports.parquet").read_bytes()
    import ingest.staging as staging

    def boom(self, *a, **k):
        raise KeyboardInterrupt

    monkeypatch.setattr(staging.StagingWriter, "flush", boom)
    with pytest.raises(KeyboardInterrupt):
        run(messy, out, jobs=1, progress=False, full=True)
    assert (out / "reports.parquet").read_bytes() == before
    assert sorted(p.name for p in out.iterdir() if p.name != LOCK_FILE) == ["applications.parquet", "proactive.parquet",
                                                                          "reports.parquet", "reviews.parquet", "statements.parquet"]


def test_console_entry_points(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    help_text = subprocess.run([sys.executable, "-m", "ingest", "--help"], capture_output=True, text=True, env=env, check=True).stdout
    assert "RAW_DIR" in help_text and "--manifest" in help_text and "--out" in help_text
    bad = subprocess.run([sys.executable, "-m", "ingest", str(tmp_path / "missing")], capture_output=True, text=True, env=env)
    assert bad.returncode == 2 and "is not a folder" in bad.stderr
    script = Path(sys.executable).parent / "gia-ingest"
    if script.exists():
        done = subprocess.run([str(script), str(RAW), "--out", str(tmp_path / "s"), "--progress"], capture_output=True, text=True, env=env)
        assert done.returncode == 0 and f"{SAMPLE_COUNT} files" in done.stdout and "ingest:" in done.stderr  # the bar went to stderr


def test_a_parser_crash_costs_one_file(messy, tmp_path, monkeypatch):
    import ingest.cli as cli

    real = cli.parse_report

    def flaky(raw, rel, suffix, form=None, ocr=True):
        if rel.endswith("001_5a46c2b8c80e9869.txt"):
            raise ValueError("boom")
        return real(raw, rel, suffix, form, ocr)

    monkeypatch.setattr(cli, "parse_report", flaky)
    out = tmp_path / "staging"
    stats = run(messy, out, jobs=1, progress=False)
    assert stats["files"] == 11 and stats["status:unreadable"] == 4
    row = read(out, "reports", "select status, warnings, report_id")
    assert ("unreadable", ["parser_error:ValueError:boom"]) in [(s, w) for s, w, _ in row]
    assert all(rid for _, _, rid in row)  # still identified by its bytes
