"""The narrative: numbers a report's prose states about its own tables (全年收到政府信息公开申请 75 件,
办结 69 件, 主动公开政府信息 2645 条, 行政复议案件 2 件), each with the clause it is printed in.

The warehouse compares them with the table cells they restate (``seeds/statements.csv``), so a
misread statement would raise a false alarm: a statement is read only where its wording is one
of a few fixed shapes — a keyword, at most a few words, then the number and its unit — and not
when the words around it make it another count (a part: 其中区本级…, a comparison: 同比增加…, an
approximation: 300 余件, another year: 2019 年…, two things at once: 行政复议、行政诉讼 3 件,
予以公开及部分公开 208 件). A code stated with two different numbers is dropped with a warning.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace

# words between a keyword and its number: Chinese characters and spaces only (a digit or a
# punctuation mark ends the clause), a few of them
_GAP = r"(?P<gap>[\u4e00-\u9fff ]{0,14}?)"
_NUMBER = r"(?P<n>\d{1,3}(?:,\d{3})+|\d+) ?"
_REQUESTS = r"(?:政府信息公开|依申请公开|信息公开)?申请"

# code → shapes (regexes with the number as ``n`` and the words before it as ``gap``) and a word
# the gap must hold to say what the number counts
SHAPES: dict[str, list[tuple[str, str | None]]] = {
    "requests_received": [
        (rf"(?:收到|受理|新收|接收|接到){_GAP}{_NUMBER}件", "申请"),
        (rf"(?:收到|受理|新收|接收|接到)了? ?{_NUMBER}件{_REQUESTS}", None),
    ],
    "requests_carried_over": [(rf"上一?年度?结转{_GAP}{_NUMBER}件", None)],
    "requests_concluded": [(rf"办结{_GAP}{_NUMBER}件", None)],
    "requests_carried_forward": [
        (rf"结转(?:至|到)?下一?年度?(?:继续办理)?{_GAP}{_NUMBER}件", None),
        (rf"(?<!\d)(?<!\d,){_NUMBER}件(?:申请)?结转(?:至|到)?下一?年度?", None),
    ],
    "requests_granted": [(rf"(?:予以公开|准予公开|同意公开){_GAP}{_NUMBER}件", None)],
    "requests_partially_granted": [(rf"部分公开{_GAP}{_NUMBER}件", None)],
    "requests_denied": [(rf"不予公开{_GAP}{_NUMBER}件", None)],
    "requests_unavailable": [(rf"无法提供{_GAP}{_NUMBER}件", None)],
    "requests_not_processed": [(rf"不予处理{_GAP}{_NUMBER}件", None)],
    "requests_other": [(rf"其他处理{_GAP}{_NUMBER}件", None)],
    "reviews": [(rf"行政复议{_GAP}{_NUMBER}[件起宗]", None)],
    "lawsuits": [(rf"行政诉讼{_GAP}{_NUMBER}[件起宗]", None)],
    "proactive_items": [(rf"主动公开{_GAP}{_NUMBER}条", "信息")],
}
CODES = tuple(SHAPES)
# codes that count a whole: a clause counting a part of it (其中区本级收到…, (其中…其他应主动公开…))
# is not the whole; the outcomes are usually stated as parts (其中予以公开 11 件)
_WHOLES = {"requests_received", "requests_concluded", "requests_carried_forward", "proactive_items"}

# words that make the number count something else than the code says
_GAP_STOP = re.compile(r"同比|相比|比|较|增|减|累计|平均|占|约|近|余|超|以上|以下|上年|去年|同期|其中|及|和|与|或"
                       r"|复议|诉讼|信访|投诉|举报|建议|提案|热线|信箱|咨询|纠错|纠正|维持|败诉|胜诉|撤销|撤回|确认|结果"
                       r"|审结|尚未|处理|提供|率|次|个|份|篇|期|项|类")
_PART = re.compile(r"其中|其他|另|此外|类|应")
_OTHER_TIME = re.compile(r"上年|去年|上一年|同期|前年")
# the keyword is the second of two things counted together (行政复议、提起行政诉讼 3 件; 予以公开及部分公开 208 件)
_SECOND_OF_TWO = re.compile(r"(?<![件起条宗\d])[及和与、或]\s*(?:提起|被申请|申请|被)?\s*$")
_YEAR = re.compile(r"(\d{4}) ?年")
_CLAUSE_END = re.compile(r"[,;。!?:()|\t]|、(?!\d)|\n\s*\n")
_SENTENCE_END = re.compile(r"[。;!?]|\n\s*\n")
_UNIT_NUMBER = re.compile(r"\d ?[件条起宗]")
_BEFORE, _AFTER = 80, 40  # characters a shape may print before its number's unit, and after it
_COMPILED = [(code, re.compile(shape), needs) for code, shapes in SHAPES.items() for shape, needs in shapes]


@dataclass(frozen=True)
class Statement:
    statement: str
    value: int
    raw: str  # the clause as printed
    line: int  # 1-based line the number is printed on (of the text; of the source, once placed)
    page: int | None = None


def in_source(statements: list[Statement], doc) -> list[Statement]:
    """The statements with the source's line (and page) of the text's line (``ingest.read.Document``)."""
    return [replace(s, line=doc.source_line(s.line), page=doc.page(s.line)) for s in statements]


def read_statements(text: str, original: str, year: int | None) -> tuple[list[Statement], list[str]]:
    """The statements of a document's normalised ``text`` (``original``: the same text as printed,
    character for character), for a report of statistics year ``year``; and warnings."""
    found: dict[str, list[Statement]] = {}
    windows = _windows(text)
    for code, pattern, needs in _COMPILED:
        for m in (m for lo, hi in windows for m in pattern.finditer(text, lo, hi)):
            if _accepted(text, m, code, needs, year):
                line = text.count("\n", 0, m.start("n")) + 1
                # the clause, from the line its keyword is on (a heading before it is not the clause)
                start = max(_clause_start(text, m.start()), text.rfind("\n", 0, m.start()) + 1)
                raw = original[start:m.end()].strip()
                found.setdefault(code, []).append(Statement(code, int(m.group("n").replace(",", "")), raw, line))
    statements, warnings = [], []
    for code in CODES:
        stated = sorted(found.get(code, []), key=lambda s: s.line)
        values = sorted({s.value for s in stated})
        if len(values) == 1:
            statements.append(stated[0])
        elif values:  # two different numbers for one thing: neither is trusted
            warnings.append(f"statement_conflict:{code}:{'/'.join(map(str, values))}")
    return statements, warnings


def _windows(text: str) -> list[tuple[int, int]]:
    """Where statements can be: around each number printed with its unit (every shape ends in one,
    or starts with one: 3 件结转下年度), windows wide enough for the longest shape, merged. The
    shapes are searched there only (a text's tables print numbers without units: most of it)."""
    out: list[tuple[int, int]] = []
    for m in _UNIT_NUMBER.finditer(text):
        lo, hi = max(0, m.start() - _BEFORE), min(len(text), m.end() + _AFTER)
        if out and lo <= out[-1][1]:
            out[-1] = (out[-1][0], hi)
        else:
            out.append((lo, hi))
    return out


def _accepted(text: str, m: re.Match, code: str, needs: str | None, year: int | None) -> bool:
    gap = m.groupdict().get("gap") or ""
    if needs and needs not in gap or _GAP_STOP.search(gap) or text[m.end():m.end() + 1] == "次":
        return False
    if _SECOND_OF_TWO.search(text[max(0, m.start() - 8):m.start()]):
        return False
    clause = text[_clause_start(text, m.start()):m.start()]
    if code != "requests_carried_over" and _OTHER_TIME.search(clause):
        return False
    if code in _WHOLES and (_PART.search(clause) or _inside_part(text, m.start())):
        return False
    years = _YEAR.findall(text[_sentence_start(text, m.start()):m.start()])  # the year the sentence is about by then
    return not years or (year is not None and int(years[-1]) == year)


def _inside_part(text: str, pos: int) -> bool:
    """``pos`` is inside an open parenthesis that lists parts: (其中机构职能类信息 25 条, …"""
    before = text[_sentence_start(text, pos):pos]
    opened = before.rfind("(")
    return opened > before.rfind(")") and before[opened + 1:opened + 3] == "其中"


def _clause_start(text: str, pos: int) -> int:
    ends = [e.end() for e in _CLAUSE_END.finditer(text, max(0, pos - 80), pos)]
    return ends[-1] if ends else max(0, pos - 80)


def _sentence_start(text: str, pos: int) -> int:
    ends = [e.end() for e in _SENTENCE_END.finditer(text, max(0, pos - 200), pos)]
    return ends[-1] if ends else max(0, pos - 200)
