"""The measures pages (指标, 指标排名, 核查) as a person uses them: through Streamlit's app testing,
and in a real headless browser (Chromium from the system packages; skipped without it)."""
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


def test_an_agencys_measure_over_the_years_says_what_is_not_rated(app):
    at = _open(app, "指标 Measures")
    at.text_input[0].set_value("平潭").run()
    at.selectbox[1].set_value("disclosure_rate").run()
    assert "公式" in _text(at) and "办结申请数" in _text(at)  # 公开率 = 予以公开 ÷ 办结申请数
    years = next(df.value for df in at.dataframe if "national_percentile" in df.value.columns)
    assert list(years.report_year) == ["2019", "2021", "2022"]
    assert list(years.rated) == ["False", "True", "True"]  # 2019: 23 requests decided, under 30
    assert "未评级" in _text(at) and "2019" in _text(at)


def test_the_measure_ranking_leaves_out_unrated_values_and_shows_counts(app):
    at = _open(app, "指标排名 Measure ranking")
    at.selectbox[0].set_value("disclosure_rate").run()
    ranked = at.dataframe[0].value
    assert {"numerator", "denominator", "value"} <= set(ranked.columns)
    assert (ranked.denominator >= 30).all() and list(ranked.value) == sorted(ranked.value, reverse=True)
    assert "海沧区" in set(ranked.agency) and "泸州市纳溪区" not in set(ranked.agency)  # 13 requests: not rated
    assert "未评级 6 份报告不参加排名" in _text(at)


def test_the_flags_page_lists_what_to_check_with_links_to_the_report(app, sample_warehouse):
    at = _open(app, "核查 Flags")
    counts = at.dataframe[0].value
    assert dict(zip(counts.flag_code, counts.findings)) == {"narrative_mismatch": 2, "identity_failed": 2}
    listed = at.dataframe[1].value
    assert "正文与表格不符" in set(listed.flag) and listed.report.str.startswith("/?page=report&report=").all()
    rid = listed.report_id[listed.flag_code == "narrative_mismatch"].iloc[0]
    at.query_params["page"], at.query_params["report"] = "report", rid  # what the link opens
    at.sidebar.radio[0].set_value("报告 Report")
    at.run()
    assert not at.exception and "表三" in _text(at)


def test_the_measures_pages_render_chinese_and_data_in_a_browser(sample_warehouse):
    browser = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if not browser:
        pytest.skip("no Chromium: apt-get install chromium to run the browser test")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", "streamlit", "run", str(APP), "--server.headless", "true",
                               "--server.port", str(port), "--browser.gatherUsageStats", "false", "--",
                               "--warehouse", str(sample_warehouse)], cwd=ROOT,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.2)
        expected = {"measures": ["指标", "予以公开 ÷ 办结申请数", "同级四分位区间", "未评级"], "measure_ranking": ["指标排名", "海沧区", "未评级"],
                    "flags": ["核查", "正文与表格不符", "株洲市芦淞区人民政府"]}
        for page, words in expected.items():
            command = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--virtual-time-budget=20000",
                       "--dump-dom", f"http://127.0.0.1:{port}/?page={page}"]
            for _ in range(6):  # the first load of a cold server can outlast the browser's budget
                dom = subprocess.run(command, capture_output=True, text=True, timeout=120).stdout
                text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", dom))
                if all(word in text for word in words):
                    break
                time.sleep(2)
            assert all(word in text for word in words), (page, text[:2000])
            assert "Traceback" not in text
    finally:
        server.terminate()
        server.wait(timeout=10)
