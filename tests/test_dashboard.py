"""The dashboard as a person uses it, on a warehouse of a real folder (reports of every status, an
agency no division list places): every page through Streamlit's own app testing, and in a real
headless browser (Chromium from the system packages; skipped with a message without it)."""
import json
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
import pyarrow as pa  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "dashboard" / "app.py"
sys.path.insert(0, str(ROOT / "dashboard"))
import queries  # noqa: E402

STATUSES = {"parsed", "partial", "no_tables", "no_text_layer", "unsupported", "unreadable"}
PAGE_NAMES = {"overview": "总览 Overview", "agency": "机关 Agency", "report": "报告 Report", "ranking": "排名 Ranking",
              "measures": "指标 Measures", "measure_ranking": "指标排名 Measure ranking", "flags": "核查 Flags",
              "about": "说明 About"}


def start(warehouse: Path, monkeypatch, **params) -> AppTest:
    monkeypatch.setenv("GIA_WAREHOUSE", str(warehouse))
    at = AppTest.from_file(str(APP), default_timeout=60)
    for name, value in params.items():
        at.query_params[name] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.fixture
def app(real_warehouse, monkeypatch):
    return start(real_warehouse, monkeypatch)


def _open(at, page):
    at.sidebar.radio[0].set_value(PAGE_NAMES[page])
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _text(at) -> str:
    parts = [e.value for kind in ("header", "subheader", "caption", "markdown", "warning", "info") for e in getattr(at, kind)]
    return " ".join(str(p) for p in parts)


def charts(at) -> list[tuple[dict, "pd.DataFrame"]]:  # noqa: F821
    """Every Altair chart drawn: its Vega-Lite spec and the rows it draws."""
    out = []
    for element in at.main:
        if getattr(element, "type", "") == "vega_lite_chart":
            spec = json.loads(element.proto.spec)
            data = pa.ipc.open_stream(element.proto.datasets[0].data.data).read_all().to_pandas()
            out.append((spec, data))
    return out


def test_the_folder_holds_every_status(real_warehouse):
    with queries.connect(real_warehouse) as con:
        statuses = {s for s, in con.sql("select distinct status from dim_report").fetchall()}
        unplaced = con.sql("select count(*) from dim_agency where province_name is null").fetchone()[0]
    assert statuses == STATUSES and unplaced == 1


def test_every_page_and_every_report_renders(app):
    for page in PAGE_NAMES:
        _open(app, page)
    at = _open(app, "report")
    assert len(at.selectbox[0].options) == 16  # every file of the folder, those without agency or year too
    with queries.connect(os.environ["GIA_WAREHOUSE"]) as con:
        ids = [r for r, in con.sql("select report_id from dim_report").fetchall()]
    for rid in ids:
        at.selectbox[0].set_value(rid).run()
        assert not at.exception, (rid, [e.value for e in at.exception])
        assert at.query_params["report"] == rid  # the URL names the report: a link to share


def test_overview_counts_files_and_draws_years_as_numbers(app):
    assert "总览" in _text(app)
    metrics = {m.label: m.value for m in app.metric}
    # 16 files; 11 with numbers counted (the 10 samples and the unplaced agency's): unreadable,
    # unsupported, no-tables and scanned files are not counted
    assert (metrics["文件 files"], metrics["计入统计 counted"], metrics["已解析 parsed"]) == ("16", "11", "7")
    assert "另有 5 个文件没有年度" in _text(app)  # said, not drawn as a bar of its own
    (spec, data), = charts(app)
    assert spec["encoding"]["x"]["type"] == "quantitative" and spec["encoding"]["x"]["axis"]["format"] == "d"
    assert spec["encoding"]["x"]["axis"]["values"] == list(range(2019, 2026))  # every year, 2024 too
    assert spec["encoding"]["y"]["axis"] == {"format": "d", "tickMinStep": 1}
    assert set(data.layout) == {"2019年版", "2021年版"}  # labels, not codes
    checks = next(df.value for df in app.dataframe if "identity_id" in df.value.columns)
    assert set(checks[checks.failed > 0].identity) == {"行政复议合计", "复议后起诉合计"}


def test_agency_page_shows_missing_values_as_missing(app):
    at = _open(app, "agency")
    at.text_input[0].set_value("湖山乡").run()
    assert "缺失" in _text(at)  # its incomplete rows: said, not drawn as 0
    years = next(df.value for df in at.dataframe if "本年新收申请 new_received" in df.value.columns)
    assert list(years["本年新收申请 new_received"]) == ["（空）"]


def test_agency_over_the_years_on_a_continuous_axis_in_chinese(real_warehouse, monkeypatch):
    with queries.connect(real_warehouse) as con:
        key = con.sql("select agency_key from dim_agency where agency = '平潭综合实验区'").fetchone()[0]
    at = start(real_warehouse, monkeypatch, page="agency", agency=key)  # a shared link opens that agency
    assert at.selectbox[0].value == key
    (spec, data), *_ = charts(at)
    assert spec["encoding"]["x"]["axis"]["values"] == [2019, 2020, 2021, 2022]  # 2020: a gap, not adjacent years
    assert set(data.report_year) == {2019, 2021, 2022}
    assert set(data.measure) <= {"本年新收申请", "办理结果总计", "予以公开", "不予公开", "无法提供"}
    assert "?page=report&report=" in _text(at)  # each year's report, one click away


def test_an_agency_no_list_places_is_said_to_be_unplaced(app):
    at = _open(app, "agency")
    at.text_input[0].set_value("某某").run()
    caption = _text(at)
    assert "未定位 unplaced" in caption and "nan" not in caption and "None" not in caption


def test_search_text_is_text_not_a_pattern(real_warehouse):
    with queries.connect(real_warehouse) as con:
        assert len(queries.find_agencies(con, "海沧")) == 1
        for pattern in ("%", "_", "%%", "\\", "海_区", "'"):
            assert queries.find_agencies(con, pattern).empty, pattern
        for pattern in ("%", "%%", "\\", "海_区", "'"):
            assert queries.reports(con, pattern).empty, pattern
        assert len(queries.reports(con, "_pingtan_")) == 3  # an underscore printed in a path is one
        assert len(queries.reports(con, "")) == 16


def test_report_page_prints_the_tables_and_the_warnings(real_warehouse, monkeypatch):
    with queries.connect(real_warehouse) as con:
        rid = con.sql("select report_id from dim_report where agency = '洪泽区人民政府'").fetchone()[0]
    at = start(real_warehouse, monkeypatch, page="report", report=rid)
    assert "洪泽区人民政府2023年" in _text(at) and "表三" in _text(at) and "表四" in _text(at)
    assert "版式 2021年版" in _text(at) and "状态 部分解析" in _text(at)
    frames = [df.value for df in at.dataframe]
    table3 = next(f for f in frames if "label_zh" in f.columns and "new_received" in f.index)
    assert table3.loc["new_received"].tolist()[-1] == "21"  # the 总计 column as printed
    warnings = next(f for f in frames if "warning" in f.columns)
    assert "含义" not in warnings.columns and warnings.label_zh.notna().all()  # every warning in words
    assert [b.label for b in at.get("download_button")] == ["下载此表 Download this table (CSV)"]


def test_a_file_without_tables_says_why_and_offers_the_original(real_warehouse, monkeypatch):
    with queries.connect(real_warehouse) as con:
        rid = con.sql("select report_id from dim_report where source_path = 'attachment.rar'").fetchone()[0]
    monkeypatch.setenv("GIA_RAW_DIR", str(real_warehouse.parent / "raw"))
    at = start(real_warehouse, monkeypatch, page="report", report=rid)
    assert "格式不支持" in _text(at) and "转换为 PDF" in _text(at)
    assert [b.label for b in at.get("download_button")] == ["下载原文件 Download the original file"]


def test_the_original_is_offered_only_while_it_holds_the_bytes_read(real_warehouse, tmp_path):
    raw = real_warehouse.parent / "raw"
    with queries.connect(real_warehouse) as con:
        rid, path = con.sql("select report_id, source_path from dim_report where agency = '海沧区'").fetchone()
    assert queries.source_file(raw, rid, path) == raw / path
    shutil.copytree(raw, tmp_path / "raw")
    (tmp_path / "raw" / path).write_text("另一份文件 another file with the same name", encoding="utf-8")
    assert queries.source_file(tmp_path / "raw", rid, path) is None
    assert queries.source_file(raw, "", "../gia.duckdb") is None and (raw / "../gia.duckdb").is_file()
    assert queries.source_file(raw, rid, "../gia.duckdb") is None  # never a file outside the folder
    assert queries.source_url({"source_url": "javascript:alert(1)"}) is None  # only web addresses are links
    assert queries.source_url({"url": "https://www.example.gov.cn/a.html"}) == "https://www.example.gov.cn/a.html"


def test_failing_identities_are_located_cell_by_cell(real_warehouse):
    with queries.connect(real_warehouse) as con:
        rid = con.sql("select report_id from dim_report where agency = '洪泽区人民政府'").fetchone()[0]
        cells = queries.failing_cells(con, rid)
    assert {(t, r) for t, r, _, _ in cells.itertuples(index=False)} >= {("reviews", "review.total"),
                                                                        ("reviews", "review.upheld")}


def test_ranking_one_bar_per_report_never_a_sum_of_rates(app):
    at = _open(app, "ranking")
    at.number_input[0].set_value(1).run()
    ranked = at.dataframe[0].value
    assert {"numerator", "denominator", "rate"} <= set(ranked.columns)
    assert "湖山乡人民政府" not in set(ranked.agency)  # its denominators are null: left out, not ranked as 0
    assert (ranked.rate == (ranked.numerator / ranked.denominator).round(4)).all()
    assert list(ranked.rate) == sorted(ranked.rate, reverse=True)
    assert ranked.agency.duplicated().any()  # 平潭 has several years: each is its own row …
    (spec, bars), = charts(at)
    assert spec["encoding"]["x"]["field"] == "report" and not bars.report.duplicated().any()  # … and its own bar
    assert (bars.rate <= 1).all() and spec["encoding"]["y"]["axis"]["format"] == "%"
    assert set(ranked.level) <= {"县级", "市级", "省级", "乡镇", "街道", "国务院部门", "未知 unknown"}


def test_about_page_explains_every_status_and_identity(app):
    at = _open(app, "about")
    text = _text(at)
    assert "说明" in text and "空值不是0" in text and "勾稽关系" in text
    frames = [df.value for df in at.dataframe]
    assert set(frames[0]["代码 code"]) >= STATUSES
    identities = next(f for f in frames if "intake_balance" in set(f["代码 code"]))
    assert "收支平衡" in set(identities["名称"])


# --- many readers at once (issue 19): each answer its own, and the replaced file read again --------

def test_concurrent_readers_each_get_their_own_answers(real_warehouse):
    from concurrent.futures import ThreadPoolExecutor
    warehouse = queries.Warehouse(real_warehouse)
    with warehouse.cursor() as con:
        ids = [r for r, in con.sql("select report_id from dim_report order by 1").fetchall()]
        expected = {rid: (queries.report(con, rid)["source_path"], len(queries.report_warnings(con, rid)),
                          len(queries.report_applications(con, rid))) for rid in ids}

    def reader(k: int) -> list[bool]:
        con = warehouse.cursor()
        try:
            answers = []
            for i in range(40):
                rid = ids[(k * 7 + i) % len(ids)]
                got = (queries.report(con, rid)["source_path"], len(queries.report_warnings(con, rid)),
                       len(queries.report_applications(con, rid)))
                answers.append(got == expected[rid])
            return answers
        finally:
            con.close()

    with ThreadPoolExecutor(8) as pool:
        answers = [a for batch in pool.map(reader, range(8)) for a in batch]
    assert len(answers) == 320 and all(answers)


def test_a_replaced_warehouse_is_read_again(real_warehouse, tmp_path):
    import duckdb
    path = tmp_path / "gia.duckdb"
    shutil.copy(real_warehouse, path)
    warehouse = queries.Warehouse(path)
    held = warehouse.cursor()  # a session still reading the old file
    assert held.sql("select count(*) from dim_report").fetchone()[0] == 16
    new = tmp_path / "new.duckdb"
    shutil.copy(real_warehouse, new)
    with duckdb.connect(str(new)) as con:
        con.execute("delete from dim_report where status not in ('parsed', 'partial')")
    os.replace(new, path)  # what publish does
    with warehouse.cursor() as con:
        assert con.sql("select count(*) from dim_report").fetchone()[0] == 11
    assert held.sql("select count(*) from dim_report").fetchone()[0] == 16  # it finishes on the file it began
    held.close()


# --- a real browser ----------------------------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_pages_render_in_a_real_browser(real_warehouse, tmp_path):
    browser = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if not browser:
        pytest.skip("no Chromium: apt-get install chromium to run the screenshot test")
    with queries.connect(real_warehouse) as con:
        unreadable = con.sql("select report_id from dim_report where source_path = 'locked.pdf'").fetchone()[0]
    port = _free_port()
    server = subprocess.Popen([sys.executable, "-m", "streamlit", "run", str(APP), "--server.headless", "true",
                               "--server.port", str(port), "--browser.gatherUsageStats", "false", "--",
                               "--warehouse", str(real_warehouse)], cwd=ROOT, env={**os.environ},
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.2)
        expected = {"page=overview": ["总览", "覆盖"], "page=agency": ["机关", "申请与办理结果"],
                    "page=report": ["报告", "表三", "一、本年新收政府信息公开申请数量"], "page=ranking": ["排名", "分母"],
                    "page=about": ["说明", "勾稽关系", "收支平衡"],
                    f"page=report&report={unreadable}": ["locked.pdf", "无法读取"]}
        common = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                  "--window-size=1400,1100", "--virtual-time-budget=20000"]
        for query, words in expected.items():
            url = f"http://127.0.0.1:{port}/?{query}"
            for _ in range(6):  # the first load of a cold server can outlast the browser's budget
                dom = subprocess.run([*common, "--dump-dom", url], capture_output=True, text=True, timeout=120).stdout
                text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", dom))
                if all(word in text for word in words):
                    break
                time.sleep(2)
            assert all(word in text for word in words), (query, text[:2000])
            assert "Traceback" not in text and "Error" not in text.split("Deploy", 1)[-1]
        shot = tmp_path / "overview.png"
        for _ in range(4):  # each browser run is a new session: the app may still be drawing it
            subprocess.run([*common, f"--screenshot={shot}", f"http://127.0.0.1:{port}/?page=overview"],
                           capture_output=True, timeout=120)
            if shot.exists() and shot.stat().st_size > 30_000:
                break
        assert shot.stat().st_size > 30_000  # a page drawn with content, not a blank one
    finally:
        server.terminate()
        server.wait(timeout=10)
