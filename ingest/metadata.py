"""Report metadata from the text: title, agency, statistics year, publication date, the layout
reference (〔2019〕60号 / 〔2021〕30号) and the 信息处理费 sentence."""
from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field

_TITLE = re.compile(r"^(.{0,60}?)((?:19|20)\d{2})\s*年度?(.{0,40}?)政府?信息公开(?:工作)?(?:年度)?(?:报告|年报)")
_STAT_PERIOD = re.compile(r"(?:统计期|统计时限|统计期限|统计区间|数据统计|统计时间)[^。]{0,20}?((?:19|20)\d{2})\s*年\s*1\s*月\s*1\s*日")
_YEAR_WORD = re.compile(r"((?:19|20)\d{2})\s*年")
_PUBLISHED = re.compile(
    r"(?:发布时间|发布日期|成文日期|发文日期|时间|日期)\s*[:]\s*((?:19|20)\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")
_LAYOUT_REF = re.compile(r"[〔\[(【]\s*(2019|2021)\s*[〕\])】]\s*(60|30)\s*号")
_CONTACT = re.compile(r"请与\s*([^\s,;:()。]{3,40}?)\s*联系")
_BODY_AT_WORK = re.compile(r"([\u4e00-\u9fff]{2,15}?(?:省|市|区|县|旗|镇|乡|街道|局|委员会|办公室))(?:人民政府)?(?:的)?政府信息公开工作")
_AGENCY_SUFFIX = re.compile(r"(?:人民政府办公室|人民政府办公厅|人民政府|委员会|管理委员会|办公室|办公厅|[局厅委办署院会部处所站中心政府])$")

FEE_SUBJECT = re.compile(r"信息处理费|(?:信息公开|公开申请)[^。]{0,20}费用|费用[^。]{0,20}信息公开")
_FEE_NONE = re.compile(r"未收取|无收取|没有收取|不收取|未向[^。]{0,20}收取|未产生|未发生|无[^。]{0,6}信息处理费|均未|免收|为零|(?<![\d.,])0(?:\.0+)?\s*元")
_FEE_AMOUNT = re.compile(r"(\d+(?:,\d{3})*(?:\.\d+)?)\s*(万元|元)")
_SENTENCE = re.compile(r"[^。;\n]+")


@dataclass
class Metadata:
    title: str | None = None
    agency: str | None = None
    report_year: int | None = None
    published_at: dt.date | None = None
    layout_reference: str | None = None
    info_fee_yuan: float | None = None
    warnings: list[str] = field(default_factory=list)


def find_title(lines: list[str]) -> tuple[str | None, str | None, int | None]:
    """(title, agency, year) from the first title-like line among the first lines."""
    for line in lines[:40]:
        s = line.strip().strip("|").strip()
        if len(s) > 80:
            continue
        m = _TITLE.match(s)
        if m:
            before, year, after = m.group(1).strip(), int(m.group(2)), m.group(3).strip()
            agency = before or after or None
            if agency:
                agency = agency.strip(" -_:|")
                if not re.search(r"[\u4e00-\u9fff]{2,}", agency):
                    agency = None
            return s, agency, year
    return None, None, None


def find_agency(text: str, lines: list[str]) -> tuple[str | None, str | None]:
    """(agency, warning) from the contact sentence, a signature line, or the narrative's subject."""
    m = _CONTACT.search(text)
    if m and _AGENCY_SUFFIX.search(m.group(1)):
        return m.group(1), None
    # a signature: an agency name on its own line near the end, often followed by the date
    for line in reversed(lines[-30:]):
        s = line.strip()
        if 4 <= len(s) <= 30 and _AGENCY_SUFFIX.search(s) and re.fullmatch(r"[\u4e00-\u9fff()]+", s):
            return s, None
    for m in _BODY_AT_WORK.finditer(text[:3000]):
        if not m.group(1).startswith(("我", "本", "全", "各", "年")):
            return m.group(1), "agency_from_text"
    return None, None


def find_report_year(text: str, title_year: int | None, published: dt.date | None) -> tuple[int | None, str | None]:
    """The year the statistics cover, and where it came from."""
    if title_year:
        return title_year, None
    m = _STAT_PERIOD.search(text)
    if m:
        return int(m.group(1)), None
    years = Counter(int(y) for y in _YEAR_WORD.findall(text) if 2019 <= int(y) <= 2035)
    if years:
        year, _ = years.most_common(1)[0]
        return year, "year_from_text"
    if published:
        return published.year - 1 if published.month <= 6 else published.year, "year_from_published_at"
    return None, None


def find_published_at(text: str) -> dt.date | None:
    for m in _PUBLISHED.finditer(text[:5000]):
        try:
            return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            continue
    return None


def find_layout_reference(text: str) -> str | None:
    m = _LAYOUT_REF.search(text)
    if m and (m.group(1), m.group(2)) in (("2019", "60"), ("2021", "30")):
        return m.group(1)
    return None


def find_info_fee(text: str) -> tuple[float | None, list[str]]:
    """信息处理费 collected in yuan: 0 when the report says none, the amount when it gives one."""
    found: list[float] = []
    for sentence in _SENTENCE.findall(text):
        if not FEE_SUBJECT.search(sentence) or "逾期未按收费通知" in sentence:
            continue
        amounts = [float(a.replace(",", "")) * (10000 if unit == "万元" else 1)
                   for a, unit in _FEE_AMOUNT.findall(sentence)]
        if _FEE_NONE.search(sentence) and not any(amounts):
            found.append(0.0)
        elif len(set(amounts)) == 1:
            found.append(amounts[0])
    if not found:
        return None, []
    if len(set(found)) > 1:
        return None, [f"fee_conflict:{'/'.join(str(f) for f in sorted(set(found)))}"]
    return found[0], []


def extract(text: str, lines: list[str]) -> Metadata:
    md = Metadata()
    md.title, md.agency, title_year = find_title(lines)
    if md.agency is None:
        md.agency, how = find_agency(text, lines)
        if how:
            md.warnings.append(how)
    md.published_at = find_published_at(text)
    md.report_year, how = find_report_year(text, title_year, md.published_at)
    if how:
        md.warnings.append(how)
    md.layout_reference = find_layout_reference(text)
    md.info_fee_yuan, fee_warnings = find_info_fee(text)
    md.warnings.extend(fee_warnings)
    return md
