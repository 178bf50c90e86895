"""The dashboard as a person uses it: every page through Streamlit's own app testing, and in a real
headless browser (Chromium from the system packages; skipped with a message without it)."""
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytest.importorskip("streamlit", reason="the app extra: pip install -e '.[app]'")
from streamlit.testing.v1 import AppTest  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "dashboard" / "app.py"
sys.path.insert(0, str(ROOT / "dashboard"))
import queries  # noqa: E402


@pytest.fixture
def app(sample_warehouse, monkeypatch):
    monkeypatch.setenv("GIA_WAREHOUSE", str(sample_warehouse))
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.run()
    assert not at.exception, at.exception
    return at


def _open(at, page):
    at.sidebar.radio[0].set_value(page)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _text(at) -> str:
    parts = [e.value for kind in ("header", "subheader", "caption", "markdown", "warning", "info") for e in getattr(at, kind)]
    return " ".join(str(p) for p in parts)


def test_overview_counts_every_report(app):
    assert "总览" in _text(app)
    metrics = {m.label: m.value for m in app.metric}
    assert metrics["报告 reports"] == "10" and metrics["已解析 parsed"] == "6"
    checks = next(df.value for df in app.dataframe if "identity_id" in df.value.columns)
    assert set(checks[checks.failed > 0].identity_id) == {"review_total", "litigation_after_review_total"}


def test_agency_page_shows_missing_values_as_missing(app):
    at = _open(app, "机关 Agency")
    at.text_input[0].set_value("湖山乡").run()
    assert "缺失" in _text(at)  # its incomplete rows: said, not drawn as 0
    years = next(df.value for df in at.dataframe if "new_received" in df.value.columns)
    assert list(years.new_received) == ["（空）"]


def test_report_page_prints_the_tables_and_the_warnings(app):
    at = _open(app, "报告 Report")
    at.text_input[0].set_value("hongze").run()
    assert "洪泽区人民政府2023年" in _text(at) and "表三" in _text(at) and "表四" in _text(at)
    frames = [df.value for df in at.dataframe]
    table3 = next(f for f in frames if "label_zh" in f.columns and "new_received" in f.index)
    assert table3.loc["new_received"].tolist()[-1] == "21"  # the 总计 column as printed
    warnings = next(f for f in frames if "warning" in f.columns)
    assert "含义" not in warnings.columns and warnings.label_zh.notna().all()  # every warning in words


def test_failing_identities_are_located_cell_by_cell(sample_warehouse):
    with queries.connect(str(sample_warehouse)) as con:
        rid = con.sql("select report_id from dim_report where agency = '洪泽区人民政府'").fetchone()[0]
        cells = queries.failing_cells(con, rid)
    assert {(t, r) for t, r, _, _ in cells.itertuples(index=False)} >= {("reviews", "review.total"),
                                                                        ("reviews", "review.upheld")}


def test_ranking_counts_beside_rates_and_leaves_out_nulls(app):
    at = _open(app, "排名 Ranking")
    at.number_input[0].set_value(1).run()
    ranked = at.dataframe[0].value
    assert {"numerator", "denominator", "rate"} <= set(ranked.columns)
    assert "湖山乡人民政府" not in set(ranked.agency)  # its denominators are null: left out, not ranked as 0
    assert (ranked.rate == (ranked.numerator / ranked.denominator).round(4)).all()
    assert list(ranked.rate) == sorted(ranked.rate, reverse=True)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_pages_render_in_a_real_browser(sample_warehouse, tmp_path):
    browser = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if not browser:
        pytest.skip("no Chromium: apt-get install chromium to run the screenshot test")
    port = _free_port()
    server = subprocess.Popen([sys.executable, "-m", "streamlit", "run", str(APP), "--server.headless", "true",
                               "--server.port", str(port), "--browser.gatherUsageStats", "false", "--",
                               "--warehouse", str(sample_warehouse)], cwd=ROOT, env={**os.environ},
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.2)
        expected = {"overview": ["总览", "覆盖"], "agency": ["机关", "申请与办理结果"],
                    "report": ["报告", "表三", "一、本年新收政府信息公开申请数量"], "ranking": ["排名", "分母"]}
        for page, words in expected.items():
            url = f"http://127.0.0.1:{port}/?page={page}"
            common = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                      "--window-size=1400,1100", "--virtual-time-budget=20000"]
            for _ in range(6):  # the first load of a cold server can outlast the browser's budget
                dom = subprocess.run([*common, "--dump-dom", url], capture_output=True, text=True, timeout=120).stdout
                text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", dom))
                if all(word in text for word in words):
                    break
                time.sleep(2)
            assert all(word in text for word in words), (page, text[:2000])
            assert "Traceback" not in text and "Error" not in text.split("Deploy", 1)[-1]
            shot = tmp_path / f"{page}.png"
            for _ in range(4):  # each browser run is a new session: the app may still be drawing it
                subprocess.run([*common, f"--screenshot={shot}", url], capture_output=True, timeout=120)
                if shot.exists() and shot.stat().st_size > 30_000:
                    break
            assert shot.stat().st_size > 30_000  # a page drawn with content, not a blank one
    finally:
        server.terminate()
        server.wait(timeout=10)
