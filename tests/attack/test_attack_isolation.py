"""A file costs only itself: a crash, a memory blow-up or a hang in C code kills only its worker
(replaced; the file gets a status), and out-of-range metadata is null with a warning."""
import ctypes
import datetime as dt
import io
import os
import time
from pathlib import Path

import duckdb
import pypdfium2 as pdfium

from conftest import five, staged_state
from ingest import cli
from ingest.cli import run
from pdfs import glyph_to, nested_forms

ROOT = Path(__file__).resolve().parents[2]



def reports(out: Path) -> dict:
    return {p: (s, w) for p, s, w in duckdb.sql(
        f"select source_path, status, warnings from read_parquet('{out}/reports.parquet')").fetchall()}


def without(state: dict, path: str) -> dict:
    """A staged state without one file's row (its report_id's cells are its alone)."""
    rid = next(r[0] for r in state["reports"] if r[1] == path)
    return {name: [r for r in rows if r[0] != rid] for name, rows in state.items()}


def test_pdfium_exhausting_memory_costs_only_its_file(tmp_path):
    raw = five(tmp_path)
    run(raw, tmp_path / "alone", jobs=2, progress=False, memory=400 * 2**20)
    (raw / "001_bomb.pdf").write_bytes(nested_forms())  # between the others: in the middle of their chunk
    assert (raw / "001_bomb.pdf").stat().st_size < 8000
    started = time.perf_counter()
    stats = run(raw, tmp_path / "out", jobs=2, progress=False, memory=400 * 2**20)
    assert time.perf_counter() - started < 30
    assert reports(tmp_path / "out")["001_bomb.pdf"] == ("unreadable", ["unreadable:resource_limit"])
    assert stats["files"] == 6 and stats["status:parsed"] + stats["status:partial"] == 5
    assert without(staged_state(tmp_path / "out"), "001_bomb.pdf") == staged_state(tmp_path / "alone")


def _stuck_in_c(raw_, rel, *args):
    if rel.startswith("002"):
        libc = ctypes.CDLL(None)
        libc.sleep(30)  # C code: no Python signal handler runs in it
    return REAL_PARSE(raw_, rel, *args)


def _crash_in_c(raw_, rel, *args):
    if rel.startswith("002"):
        ctypes.string_at(0)  # a segfault, as a crash in PDFium would be
    return REAL_PARSE(raw_, rel, *args)


def _python_memory(raw_, rel, *args):
    if rel.startswith("002"):
        bytearray(8 * 2**30)  # past the worker's memory budget: MemoryError
    return REAL_PARSE(raw_, rel, *args)


REAL_PARSE = cli.parse_report


def test_a_hang_in_c_code_is_given_up_from_outside(tmp_path, monkeypatch):
    raw = five(tmp_path)
    monkeypatch.setattr(cli, "parse_report", _stuck_in_c)
    started = time.perf_counter()
    run(raw, tmp_path / "out", jobs=1, progress=False, seconds=0.5)
    assert time.perf_counter() - started < 10
    got = reports(tmp_path / "out")
    assert got["002_08e398edbd93b538.txt"] == ("unreadable", ["parser_timeout:0.5s"])
    assert all(s in ("parsed", "partial") for p, (s, _) in got.items() if not p.startswith("002"))


def test_a_crash_in_c_code_costs_only_its_file(tmp_path, monkeypatch):
    raw = five(tmp_path)
    monkeypatch.setattr(cli, "parse_report", _crash_in_c)
    run(raw, tmp_path / "out", jobs=2, progress=False)
    got = reports(tmp_path / "out")
    assert got["002_08e398edbd93b538.txt"] == ("unreadable", ["parser_crash:SIGSEGV"])
    assert len(got) == 5 and all(s in ("parsed", "partial") for p, (s, _) in got.items() if not p.startswith("002"))


def test_memory_past_the_budget_in_python_is_a_status(tmp_path, monkeypatch):
    raw = five(tmp_path)
    monkeypatch.setattr(cli, "parse_report", _python_memory)
    run(raw, tmp_path / "out", jobs=1, progress=False, memory=500 * 2**20)
    assert reports(tmp_path / "out")["002_08e398edbd93b538.txt"] == ("unreadable", ["unreadable:resource_limit"])


def test_out_of_range_metadata_is_null_with_a_warning(tmp_path):
    raw = five(tmp_path)
    future = int(dt.datetime(2300, 1, 1, tzinfo=dt.timezone.utc).timestamp()) * 10**9  # past int64 nanoseconds
    os.utime(raw / "003_1fe9055233aaf28b.txt", ns=(future, future))
    (raw / "surrogate.pdf").write_bytes(glyph_to(b"D800"))
    pages = pdfium.PdfDocument.new()  # a real report after 32,800 empty pages: page numbers past int16
    for _ in range(32800):
        pages.new_page(100, 100).close()
    pages.import_pages(pdfium.PdfDocument(str(ROOT / "tests" / "fixtures" / "word_2021.pdf")))
    buffer = io.BytesIO()
    pages.save(buffer)
    (raw / "pages.pdf").write_bytes(buffer.getvalue())
    run(raw, tmp_path / "out", jobs=2, progress=False)  # each of these used to stop the whole run
    got = reports(tmp_path / "out")
    assert f"mtime_out_of_range:{future}" in got["003_1fe9055233aaf28b.txt"][1]
    assert "code_point_invalid:1" in got["surrogate.pdf"][1]
    assert got["pages.pdf"][0] == "parsed" and "page_out_of_range:32804" in got["pages.pdf"][1]
    cells = duckdb.sql(f"select count(*), count(source_page), count(value) from read_parquet('{tmp_path}/out/applications.parquet') a "
                       f"join read_parquet('{tmp_path}/out/reports.parquet') r using (report_id) where r.source_path = 'pages.pdf'").fetchone()
    assert cells == (175, 0, 175)  # every value read, none with a page number it cannot hold
    mtime = duckdb.sql(f"select mtime_ns from read_parquet('{tmp_path}/out/reports.parquet') "
                       "where source_path = '003_1fe9055233aaf28b.txt'").fetchone()
    assert mtime == (None,)
    run(raw, tmp_path / "out", jobs=1, progress=False)  # and an incremental run over them
    assert reports(tmp_path / "out") == got
