"""Stage 7, the agency: where a reporting body sits and what it is, from its name, the title, the
contact address and the manifest, resolved against the administrative divisions
(``seeds/divisions.csv``, GB/T 2260 codes in force at the end of 2024; ``seeds/division_changes.csv``,
names and codes retired since 2018 with the code each went to) and hand-kept names
(``seeds/agency_aliases.csv``).

A name is read as a chain of places from its start (province, prefecture, county, each a child of
the one before; short forms such as 广东 or 凉山州 only when a child follows), then a township
(…乡/镇/街道) and the body (人民政府, 教育局, …). A place name that several divisions share
(市中区, 鼓楼区) is settled by the title, address or manifest when one of them points at exactly
one; otherwise it stays ``ambiguous`` with no code: never a guess.

``agency_key`` names one body across years and files: ``division code|township|body``
(广东省教育厅 ``440000||教育厅``, 湖南省教育厅 ``430000||教育厅``); a body that cannot be placed
gets ``?|…`` with its whole name, which the cross-year checks leave out. A former name (沙县, in
use until 2021) places a report of a year it was in use under the code its area has now (沙县区
350405), so the agency keeps one key across the change; ``division_vintage`` says which list
placed it (2024: the current one; 2020: the list of the last year the former name was in force).
"""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .form import seeds_dir

MAPPED, AMBIGUOUS, UNKNOWN, CENTRAL = "mapped", "ambiguous", "unknown", "central"
CURRENT_VINTAGE = "2024"  # the year of the division list seeds/divisions.csv holds
TOWNSHIP_VINTAGE = "2023"  # … and of the township list seeds/townships.csv holds

_PUNCT = re.compile(r"[\s\u3000()（）《》“”\"'、，,。.:：;；·\-—_/]+")
_GOVERNMENT = re.compile(r"(?:人民政府|政府)$")
_GOVERNMENT_BODIES = ("", "人民政府", "政府", "办事处", "街道办事处", "人民政府办事处")
_GOVERNS = re.compile(r"(?:人民政府|政府|办事处|省|市|区|县|旗|州|盟|乡|镇|街道)$")  # a place's own government
_ZONE = re.compile(r"开发区|实验区|试验区|示范区|新区|园区|保税区|自贸区|合作区|管理委员会|管委会")
_TOWNSHIP = re.compile(r"([\u4e00-\u9fff]{1,8}?(?:街道|镇|乡|苏木))(?=(?:人民政府|政府|街道办事处|办事处)?$)")
_CENTRAL = re.compile(r"^(?:国务院|国家|中华人民共和国|中国|最高人民)|(?:部|总署)$")
# a national system's local office: 国家税务总局泸州市税务局 is placed where its place name says
_NATIONAL_PREFIX = re.compile(r"^(?:国家|中国)[\u4e00-\u9fff]{1,12}?(?:总局|局|银行|委员会)")
_LEADING_YEAR = re.compile(r"^[\s\d年度]+")  # 2025 年上海市人民政府办公厅…
_MINORITY = ("蒙古|回|藏|维吾尔|苗|彝|壮|布依|朝鲜|满|侗|瑶|白|土家|哈尼|哈萨克|傣|黎|傈僳|佤|畲|拉祜|水|东乡|纳西"
             "|景颇|柯尔克孜|土|达斡尔|仫佬|羌|布朗|撒拉|毛南|仡佬|锡伯|阿昌|普米|塔吉克|怒|乌孜别克|俄罗斯|鄂温克"
             "|德昂|保安|裕固|京|塔塔尔|独龙|鄂伦春|赫哲|门巴|珞巴|基诺")
_AUTONOMOUS = re.compile(rf"^(.{{2,}}?)(?:(?:{_MINORITY})族)+自治(州|县|旗)$")


@dataclass(frozen=True)
class Division:
    code: str
    name: str
    level: str  # province | prefecture | county
    changed_in: int | None = None  # a former division: the year it was renamed, merged or re-coded
    successor: str | None = None  # … and the code in force now that its area went to

    @property
    def key(self) -> str:
        """Former divisions share codes with current ones (桥东区 → 襄都区 kept 130502): their own key."""
        return f"{self.code}~{self.changed_in}" if self.changed_in else self.code


@dataclass
class AgencyPlace:
    division_code: str | None = None
    division_status: str = UNKNOWN  # mapped | ambiguous | unknown | central
    division_source: str | None = None  # name | title | address | manifest | alias
    division_candidates: list[str] | None = None  # the codes an ambiguous name may be
    township: str | None = None
    agency_level: str | None = None  # central | province | prefecture | county | township | subdistrict
    agency_kind: str | None = None  # government | department | zone
    agency_key: str | None = None
    division_vintage: str | None = None  # the division list that placed it: 2024, or a former name's last year


class Divisions:
    """The divisions seed as lookups: full names and short forms → codes."""

    def __init__(self, rows: list[Division], aliases: list[dict[str, str]]):
        self.by_code = {d.key: d for d in rows}
        self.full: dict[str, list[str]] = {}
        self.short: dict[str, list[str]] = {}
        for d in rows:
            self.full.setdefault(d.name, []).append(d.key)
            for short in _short_forms(d):  # 凉山州 stands alone; 凉山, 广东, 泸州 only before a child
                table = self.full if short[-1] in "州县旗" else self.short
                table.setdefault(short, []).append(d.key)
        self.aliases = {_normalise(a["alias"]): a for a in aliases}
        self.longest = max(map(len, [*self.full, *self.short, *self.aliases]))

    def under(self, code: str, parent: str) -> bool:
        """``code`` lies inside ``parent`` (not equal)."""
        level = self.by_code[parent].level
        return code != parent and (level == "province" and code[:2] == parent[:2]
                                   or level == "prefecture" and code[:4] == parent[:4])

    def in_force(self, code: str, year: int | None) -> bool:
        """A former division is a candidate for a report of a year it was still in force (or of no known year)."""
        changed = self.by_code[code].changed_in
        return changed is None or year is None or year <= changed

    def chain(self, text: str, start: int = 0, year: int | None = None) -> tuple[list[str], int]:
        """The deepest place named from ``start`` (its candidate codes) and where the places end."""
        candidates: list[str] = []
        pos = start
        while step := self._next(text, pos, candidates, year):
            candidates, pos = step
        return candidates, pos

    def _next(self, text: str, pos: int, parents: list[str], year: int | None, full_only: bool = False):
        for table in (self.full,) if full_only else (self.full, self.short):
            for end in range(min(len(text), pos + self.longest), pos + 1, -1):
                codes = table.get(text[pos:end])
                if not codes:
                    continue
                codes = [c for c in codes if self.in_force(c, year) and (not parents or any(self.under(c, p) for p in parents))]
                if codes and (table is self.full or self._next(text, end, codes, year, full_only=True)):
                    return codes, end
        return None

    def current(self, codes: list[str]) -> list[str]:
        """Candidate codes as codes in force now (a former division's successor), without repeats."""
        return list(dict.fromkeys(self.by_code[c].successor or self.by_code[c].code for c in codes))


def _short_forms(d: Division) -> list[str]:
    """How the name is also printed: 广东 (广东省), 广西 (广西壮族自治区), 凉山州 and 凉山 (凉山彝族自治州),
    石柱县 (石柱土家族自治县), 泸州 (泸州市)."""
    out = []
    if m := _AUTONOMOUS.match(d.name):
        out += [m.group(1) + m.group(2), m.group(1)]
    elif d.level == "province":
        out.append(re.sub(r"(?:省|市|(?:壮族|回族|维吾尔)?自治区|特别行政区)$", "", d.name))
    elif d.level == "prefecture" and len(d.name) > 2:
        out.append(re.sub(r"(?:市|地区|盟)$", "", d.name))
    return [s for s in out if len(s) >= 2 and s != d.name]


def _normalise(name: str) -> str:
    return _PUNCT.sub("", name)


@lru_cache(maxsize=4)
def load(directory: str | None = None) -> Divisions:
    d = Path(directory) if directory else seeds_dir()
    with open(d / "divisions.csv", encoding="utf-8", newline="") as f:
        rows = [Division(r["division_code"], r["division_name"], r["division_level"]) for r in csv.DictReader(f)]
    with open(d / "division_changes.csv", encoding="utf-8", newline="") as f:
        rows += [Division(r["former_code"], r["former_name"], r["division_level"], int(r["changed_in"]), r["division_code"])
                 for r in csv.DictReader(f)]
    with open(d / "agency_aliases.csv", encoding="utf-8", newline="") as f:
        aliases = list(csv.DictReader(f))
    return Divisions(rows, aliases)


def resolve(agency: str | None, title: str | None = None, address: str | None = None,
            manifest: dict[str, str | None] | None = None, divisions: Divisions | None = None,
            year: int | None = None) -> AgencyPlace:
    """Place, level, kind and key of the body that published a report of statistics year ``year``."""
    divs = divisions or load()
    name = _normalise(agency or "")
    if not name:
        return AgencyPlace()
    manifest = manifest or {}
    place = AgencyPlace()
    codes, rest, source = _places(name, divs, year)
    alias = divs.aliases.get(name) or divs.aliases.get(_GOVERNMENT.sub("", name))
    if not codes and alias:
        codes, rest, source = [alias["division_code"]], "", "alias"
    township = _TOWNSHIP.match(rest)
    body = rest[township.end():] if township else rest
    context = [c for text in _context_texts(title, address, manifest) for c in divs.chain(_normalise(text), 0, year)[0]]
    if (code := (manifest.get("division_code") or "").strip()) in divs.by_code:
        codes, source = [code], "manifest"
    elif len(codes) > 1:  # 市中区: the title, address or manifest may say which
        fits = [c for c in codes if any(c == x or divs.under(x, c) or divs.under(c, x) for x in context)]
        codes = fits if len(fits) == 1 else codes
    elif not codes and context and not _CENTRAL.search(name):
        deepest = context[0] if len(set(context)) == 1 else _deepest_agreeing(context, divs)
        if deepest and body.endswith("厅"):  # a 厅 is a province's department, wherever its office is
            deepest = deepest[:2] + "0000"
        codes, source = ([deepest], "address") if deepest else ([], None)
    if township and source != "manifest" and (len(codes) != 1 or divs.by_code[codes[0]].level != "county"):
        if found := _township_division(township.group(1), codes, divs):  # 永宁街道 lies in one county
            codes, source = [found], "township"  # only, of those the name or the context say

    place.township = township.group(1) if township else None
    governs = body in _GOVERNMENT_BODIES if codes or township else bool(_GOVERNS.search(name))
    body = "" if body in _GOVERNMENT_BODIES else body
    place.agency_kind = ("zone" if (alias and alias.get("agency_kind") == "zone") or _ZONE.search(body if codes else name)
                         else "government" if governs else "department")
    vintages = {str(divs.by_code[c].changed_in - 1) if divs.by_code[c].changed_in else CURRENT_VINTAGE for c in codes}
    if source == "township":
        vintages = {TOWNSHIP_VINTAGE}
    codes = divs.current(codes)
    if len(codes) == 1:
        place.division_code, place.division_status, place.division_source = codes[0], MAPPED, source
        place.agency_level = divs.by_code[codes[0]].level
        place.agency_key = f"{codes[0]}|{place.township or ''}|{body}"
        place.division_vintage = min(vintages)
    elif not codes and _CENTRAL.search(name) and not township:
        place.division_status, place.division_source, place.agency_level = CENTRAL, "name", "central"
        place.agency_key = f"central||{name}"
    else:
        place.division_status = AMBIGUOUS if codes else UNKNOWN
        place.division_candidates = sorted(codes) or None
        place.agency_key = f"?|{_GOVERNMENT.sub('', name)}"
    if township:
        place.agency_level = "subdistrict" if township.group(1).endswith("街道") else "township"
    return place


@lru_cache(maxsize=1)
def townships(directory: str | None = None) -> dict[str, list[str]]:
    """Township name → the divisions (seeds/townships.csv) holding a township of that name."""
    d = Path(directory) if directory else seeds_dir()
    out: dict[str, list[str]] = {}
    with open(d / "townships.csv", encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f):
            out.setdefault(r["township_name"], []).append(r["division_code"])
    return out


def _township_division(township: str, around: list[str], divs: Divisions) -> str | None:
    """The one division holding a township of this name within the places ``around`` it (several
    counties a name may be, or a prefecture or province; anywhere when none), or None when none or
    several do."""
    held = set(townships().get(township, ()))
    if around:
        current = divs.current(around)
        held = {c for c in held if any(c == p or divs.under(c, p) for p in current)}
    return held.pop() if len(held) == 1 else None


def _places(name: str, divs: Divisions, year: int | None) -> tuple[list[str], str, str | None]:
    """The places the name starts with, what follows them, and whether any were found."""
    codes, end = divs.chain(name, 0, year)
    if not codes and (prefix := _NATIONAL_PREFIX.match(name)):
        codes, end = divs.chain(name, prefix.end(), year)
        if codes:  # the body keeps the system's name: 国家税务总局|泸州市|税务局 → 国家税务总局税务局
            return codes, prefix.group() + name[end:], "name"
    return codes, name[end:], "name" if codes else None


def _context_texts(title, address, manifest) -> list[str]:
    parts = [manifest.get(k) for k in ("province", "city", "county")]
    texts = ["".join(p for p in parts if p)] if any(parts) else []
    return [_LEADING_YEAR.sub("", t) for t in (title, address, *texts) if t]


def _deepest_agreeing(codes: list[str], divs: Divisions) -> str | None:
    """The most specific of several context places when they lie on one line (厦门市 and 海沧区)."""
    ordered = sorted(set(codes), key=lambda c: ("province", "prefecture", "county").index(divs.by_code[c].level))
    for upper, lower in zip(ordered, ordered[1:]):
        if not divs.under(lower, upper):
            return None
    return ordered[-1]
