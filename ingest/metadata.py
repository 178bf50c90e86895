"""Stage 6, metadata: title, agency, statistics year, publication date, the layout reference
(〔2019〕60号 / 〔2021〕30号) and the 信息处理费 sentence, from the text and the page's own
metadata (``<meta name="ArticleTitle">``, ``PubDate``; a crawler's ``标题:`` / ``发布时间:`` header).
"""
from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from collections import Counter
from dataclasses import dataclass, field

HEAD_CHARS = 6000  # titles, dates and crawler headers are printed before this
_TITLE_YEAR = re.compile(r"(?:19|20)\d{2}(?=\s*年)")
_TITLE_TAIL = re.compile(r"\s*年\s*度?\s*(?P<after>[\u4e00-\u9fff()（）]{0,40}?)"
                         r"\s*政\s*府\s*信\s*息\s*公\s*开\s*(?:工\s*作\s*)?(?:年\s*度\s*)?(?:报\s*告|年\s*报)")
_TITLE_CHAR = re.compile(r"[\u4e00-\u9fff()（）]")
# a crawler's or CMS's field names before the title, and page chrome words before the agency
_FIELD_PREFIX = re.compile(r"^(?:标题|题目|名称|文章标题|信息名称|当前位置|首页|现公布|现发布|关于|发布|公布)+")
_STAT_PERIOD = re.compile(r"(?:统计期|统计时限|统计期限|统计区间|数据统计|统计时间)[^。]{0,20}?((?:19|20)\d{2})\s*年\s*1\s*月\s*1\s*日")
_YEAR_WORD = re.compile(r"((?:19|20)\d{2})\s*年")
# a date is the publication date when one of these labels is printed just before it: the labels
# that say so first (the page's 发布日期 beats the date a document was written), a bare 时间/日期
# only in the head of the text and not a crawler's (抓取时间, 采集日期 …)
_DATE_PATTERN = r"((?:19|20)\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})"
_LABELLED_DATES = tuple(re.compile(rf"(?:{labels})\s*:\s*{_DATE_PATTERN}") for labels in (
    "发布日期|发布时间|公开日期|公开时间|发表日期|发表时间|上网日期|上网时间",
    "成文日期|成文时间|发文日期|印发日期|签发日期|生成日期"))
_WEAK_DATE_LABEL = re.compile(r"(?<!统计)(?<!截止)(?<!抓取)(?<!采集)(?<!爬取)(?<!下载)(?<!访问)(?<!获取)(?<!保存)(?<!更新)"
                              r"(?<!入库)(?<!修改)(?<!浏览)(?:时间|日期)\s*:\s*$")
_DATE = re.compile(_DATE_PATTERN)
_LAYOUT_REF = re.compile(r"[〔\[(【]\s*(2019|2021)\s*[〕\])】]\s*(60|30)\s*号")
_CONTACT = re.compile(r"请与\s*([^\s,;:()。]{3,40}?)\s*联系")
_BODY_AT_WORK = re.compile(r"([\u4e00-\u9fff]{2,15}?(?:省|市|区|县|旗|镇|乡|街道|局|委员会|办公室))(?:人民政府)?(?:的)?政府信息公开工作")
_AGENCY_SUFFIX = re.compile(r"(?:人民政府办公室|人民政府办公厅|人民政府|委员会|管理委员会|办公室|办公厅|实验区|开发区|新区"
                            r"|[局厅委办署院会部处所站中心政府])$")
_DIVISION_SUFFIX = re.compile(r"(?:省|自治区|市|自治州|州|地区|盟|区|县|旗|镇|乡|街道)$")
_PAGE_TITLE_KEYS = ("ArticleTitle", "title", "Title")
_PAGE_DATE_KEYS = ("PubDate", "pubdate", "publishdate", "PublishDate", "firstpublishedtime", "publishtime")

FEE_SUBJECT = re.compile(r"信息(?:公开)?处理费|(?:信息公开|公开申请)[^。]{0,20}费用|费用[^。]{0,20}信息公开")
_FEE_NONE = re.compile(r"未收取|无收取|没有收取|不收取|未向[^。]{0,20}收取|未产生|未发生|无[^。]{0,6}信息处理费|均未|免收|为零"
                       r"|(?<![\d.,])0(?:\.0+)?\s*元")
# (a number starts where no digit is before it: tried inside a run of digits, this was quadratic)
_FEE_AMOUNT = re.compile(r"(?<![\d.,])(\d+(?:,\d{3})*(?:\.\d+)?)\s*(万元|元)")
_ADDRESS = re.compile(r"(?:联系地址|通讯地址|办公地址|地址)\s*[:：][\s|]*([^\n;；,，。)）|]{4,60})")
# a sentence, over the line breaks of a wrapped paragraph (a break between two characters of one)
_SOFT_BREAK = r"(?<=[\u4e00-\u9fff,])\n(?=[\u4e00-\u9fff])"
_SENTENCE_AT = re.compile(rf"(?:[^。;\n]|{_SOFT_BREAK})+")
_SOFT_BREAK_AT = re.compile(_SOFT_BREAK)


@dataclass
class Metadata:
    title: str | None = None
    agency: str | None = None
    report_year: int | None = None
    published_at: dt.date | None = None
    layout_reference: str | None = None
    contact_address: str | None = None
    info_fee_yuan: Decimal | None = None  # exact: a 20-digit fee through a float is another number
    warnings: list[str] = field(default_factory=list)


def find_title(text: str, page_meta: dict[str, str] | None = None) -> tuple[str | None, str | None, int | None]:
    """(title, agency, year): the page's own title field, else the first title in the head of the
    text (it may wrap over lines)."""
    for source in [v for k in _PAGE_TITLE_KEYS if (v := (page_meta or {}).get(k))] + [text[:HEAD_CHARS]]:
        for year in _TITLE_YEAR.finditer(source):
            tail = _TITLE_TAIL.match(source, year.end())
            if not tail:
                continue
            start = year.start()  # the agency printed before the year (a space between), on the same line
            if start > 0 and source[start - 1] == " ":
                start -= 1
            while start > 0 and year.start() - start < 40 and _TITLE_CHAR.match(source[start - 1]):
                start -= 1
            before = _agency_name(source[start:year.start()])
            if not before and start > 0 and source[start - 1] == "\n":  # a title wrapped before its year
                line_start = source.rfind("\n", 0, start - 1) + 1
                before = _agency_name(source[line_start:start - 1]) if start - 1 - line_start <= 40 else None
                start = line_start if before else start
            if not before:
                start = year.start()
            title = " ".join(source[start:tail.end()].replace("\n", "").split())  # a line break in a title is a wrap
            return title.lstrip("()（）"), before or _agency_name(tail.group("after")), int(year.group())
    return None, None, None


def _agency_name(text: str) -> str | None:
    """The text before or after a title's year, when it names a body (not 正文, 标题 or site chrome)."""
    name = _FIELD_PREFIX.sub("", text.strip("()（） "))
    return name if _AGENCY_SUFFIX.search(name) or _DIVISION_SUFFIX.search(name) else None


def find_agency(text: str) -> tuple[str | None, str | None]:
    """(agency, warning) from the contact sentence, a signature line, or the narrative's subject."""
    m = _CONTACT.search(text)
    if m and _AGENCY_SUFFIX.search(m.group(1)):
        return m.group(1), None
    lines = text.rstrip().split("\n")
    for line in reversed(lines[-30:]):  # a signature: the agency on its own line near the end
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


def find_published_at(text: str, page_meta: dict[str, str] | None = None) -> dt.date | None:
    """The page's own publication date field, else the first date the text labels as published
    (then as written), else the first date labelled 时间/日期 in the head of the text."""
    for key in _PAGE_DATE_KEYS:
        m = _DATE.search((page_meta or {}).get(key, ""))
        if m and (date := _date(m)):
            return date
    for labelled in _LABELLED_DATES:
        for m in labelled.finditer(text):
            if date := _date(m):
                return date
    head = text[:_head_end(text)]
    for m in _DATE.finditer(head):
        if _WEAK_DATE_LABEL.search(head, max(0, m.start() - 12), m.start()) and (date := _date(m)):
            return date
    return None


def _head_end(text: str) -> int:
    """Where the head of the text ends: after HEAD_CHARS characters that are not blanks (a page's
    markup blanked out takes no room)."""
    end = HEAD_CHARS
    while end < len(text):
        blanks = text.count(" ", 0, end) + text.count("\n", 0, end) + text.count("\t", 0, end)
        if end - blanks >= HEAD_CHARS:
            break
        end = HEAD_CHARS + blanks
    return min(end, len(text))


def _date(m: re.Match) -> dt.date | None:
    try:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def find_layout_reference(text: str) -> str | None:
    m = _LAYOUT_REF.search(text)
    if m and (m.group(1), m.group(2)) in (("2019", "60"), ("2021", "30")):
        return m.group(1)
    return None


def find_info_fee(text: str) -> tuple[Decimal | None, list[str]]:
    """信息处理费 collected in yuan, exactly: 0 when the report says none, the amount when it gives one."""
    found: list[Decimal] = []
    read_to = 0  # the sentences before this are read: a search back never goes past it (it was quadratic)
    at = text.find("费")
    while at >= 0:  # only the sentences that say 费, each once
        m = _SENTENCE_AT.search(text, max(read_to, text.rfind("。", read_to, at), text.rfind(";", read_to, at),
                                          _line_start(text, at, read_to)))
        read_to = m.end() if m else at + 1
        at = text.find("费", read_to)
        if m is None:
            continue
        sentence = m.group()
        if not FEE_SUBJECT.search(sentence) or "逾期未按收费通知" in sentence:
            continue
        amounts = [Decimal(a.replace(",", "") + ("E4" if unit == "万元" else ""))  # exact, at any length
                   for a, unit in _FEE_AMOUNT.findall(sentence)]
        if _FEE_NONE.search(sentence) and not any(amounts):
            found.append(Decimal(0))
        elif len(set(amounts)) == 1:
            found.append(amounts[0])
    if not found:
        return None, []
    if len(set(found)) > 1:
        return None, [f"fee_conflict:{'/'.join(str(float(f)) for f in sorted(set(found)))}"]
    return found[0], []


def _line_start(text: str, at: int, lo: int) -> int:
    """The line break after ``lo`` that starts the paragraph ``at`` is in (a break inside a wrapped
    sentence, between two of its characters, does not)."""
    pos = text.rfind("\n", lo, at)
    while pos > lo and _SOFT_BREAK_AT.match(text, pos):
        pos = text.rfind("\n", lo, pos)
    return pos


def find_contact_address(text: str) -> str | None:
    """The address printed for questions (地址:纳溪区云溪西路一段99号): it places an agency whose
    name does not say where it is."""
    m = _ADDRESS.search(text)
    return m.group(1).strip() if m else None


def extract(text: str, page_meta: dict[str, str] | None = None) -> Metadata:
    md = Metadata()
    md.title, md.agency, title_year = find_title(text, page_meta)
    if md.agency is None:
        md.agency, how = find_agency(text)
        if how:
            md.warnings.append(how)
    md.published_at = find_published_at(text, page_meta)
    md.report_year, how = find_report_year(text, title_year, md.published_at)
    if how:
        md.warnings.append(how)
    md.layout_reference = find_layout_reference(text)
    md.contact_address = find_contact_address(text)
    md.info_fee_yuan, fee_warnings = find_info_fee(text)
    md.warnings.extend(fee_warnings)
    return md
