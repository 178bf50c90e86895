"""Every pattern over a page's text runs in time linear in the page: each page-field pattern (and
the reader's tag and record patterns) fed 100 KB of near-misses. A pattern that backtracks over
what it read was quadratic or cubic here (8 KB of unclosed ``<meta name=`` took 90 s, 100 KB of
digits after 信息处理费 took 580 s); linear, each case is milliseconds, so the bound below only
catches a blow-up, not a slow machine."""
import time

import pytest

from ingest import metadata
from ingest.read import Unreadable, read_document
from ingest.read.encoding import decode_text
from ingest.read.html import html_document, looks_like_html
from ingest.records import build_records

SIZE = 100_000
BOUND_SECONDS = 5  # linear: well under 0.5 s here; quadratic: minutes


def near_misses(piece: str, before: str = "", after: str = "") -> str:
    return before + (piece * (SIZE // len(piece) + 1))[:SIZE] + after


def _read_or_refused_as_too_deep(text: str) -> None:
    """Elements nested deeper than the HTML parser follows (2,048): the page is refused, named."""
    try:
        html_document(text)
    except Unreadable as e:
        assert e.reason == "html_too_deep"


CASES = {
    # the page's own fields (<meta name=… content=…>): unclosed, repeated, half-written
    "meta unclosed": (html_document, near_misses("<meta name=x content=")),
    "meta names": (html_document, near_misses(" name=a", before="<meta ")),
    "meta quotes": (html_document, near_misses('<meta name="a" content="', after=">")),
    # the metadata of the text: title, dates, year, layout, fee, contact, agency
    "title year": (metadata.find_title, near_misses("2021 年")),
    "title tail": (metadata.find_title, near_misses("2021年度 政 府 信 息 公 开 工 作")),
    "date label": (metadata.find_published_at, near_misses("发布时间: 2021-1")),
    "date digits": (metadata.find_published_at, near_misses("2021 ")),
    "statistics period": (lambda t: metadata.find_report_year(t, None, None), near_misses("统计期2021年1")),
    "layout reference": (metadata.find_layout_reference, near_misses("〔2019〕 ")),
    "fee digits": (metadata.find_info_fee, near_misses("1", before="信息处理费")),
    "fee thousands": (metadata.find_info_fee, near_misses(",000", before="信息处理费1")),
    "fee sentence": (metadata.find_info_fee, near_misses("信息处理费1,000")),
    "fee none": (metadata.find_info_fee, near_misses("未向", before="信息处理费")),
    "contact address": (metadata.find_contact_address, near_misses("地址:")),
    "contact sentence": (metadata.find_agency, near_misses("请与 ")),
    "body at work": (metadata.find_agency, near_misses("政府信息公开工作")),
    "charset": (lambda t: decode_text(t.encode()), near_misses("charset=")),
    # the reader: tags, hidden elements, marks, records, markdown
    "unclosed tags": (html_document, near_misses("<a ")),
    "cell paragraphs": (html_document, near_misses("<td <p ")),
    "unclosed sup": (html_document, near_misses("<sup 1")),
    "stylesheet": (html_document, near_misses(".a{display:none}", before="<style>")),
    "hidden classes": (html_document, near_misses('<p class="a b" ', before="<style>.a{display:none}</style>")),
    "class attributes": (html_document, near_misses(' class="', before="<style>.a{display:none}</style><p>")),
    "hiding words": (html_document, near_misses("<1 display ", before="<p>")),
    "entities in a tag": (html_document, near_misses("&#1", before="<p x=")),
    "nested hidden": (_read_or_refused_as_too_deep, near_misses("<div hidden>")),
    "sniff": (looks_like_html, near_misses("<p ")),
    "notes": (build_records, near_misses("（1")),
    "page numbers": (build_records, near_misses("- 1 ")),
    "markdown rules": (lambda t: read_document(t.encode(), ".md"), near_misses("|--")),
}


@pytest.mark.parametrize("name", CASES)
def test_each_pattern_is_linear_in_the_page(name):
    function, text = CASES[name]
    started = time.perf_counter()
    function(text)
    assert time.perf_counter() - started < BOUND_SECONDS, name
