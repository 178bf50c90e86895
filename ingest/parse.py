"""One raw report → one ParsedReport: decode → cells → records → align → metadata → status."""
from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field

from . import metadata
from .align import Cell, TableResult, find_applications_start, find_proactive_start, label_index, \
    parse_applications, parse_proactive, parse_reviews, record_scores, window_end
from .cells import tokenize
from .decode import Unreadable, decode
from .form import LAYOUTS, Form, load_form
from .records import build_records

PARSED, PARTIAL, NO_TABLES, UNREADABLE, TOO_LARGE = "parsed", "partial", "no_tables", "unreadable", "too_large"
STATUSES = (PARSED, PARTIAL, NO_TABLES, UNREADABLE, TOO_LARGE)
EVIDENCE_WEIGHT = 30  # per layout-only label or header printed in the tables: outweighs any cell count
REFERENCE_WEIGHT = 20


@dataclass
class ParsedReport:
    report_id: str
    source_path: str
    source_format: str
    status: str
    encoding: str | None = None
    size_bytes: int = 0
    mtime_ns: int | None = None
    title: str | None = None
    agency: str | None = None
    report_year: int | None = None
    layout: str | None = None
    published_at: dt.date | None = None
    info_fee_yuan: float | None = None
    warnings: list[str] = field(default_factory=list)
    applications: dict[str, list[Cell]] = field(default_factory=dict)  # row code → cell per applicant
    reviews: dict[str, Cell] = field(default_factory=dict)
    proactive: dict[str, Cell] = field(default_factory=dict)


def report_id(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()[:16]


def file_report_id(path: str) -> str:
    """report_id of a file, read in blocks (for files too large to hold)."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()[:16]


def source_format_of(suffix: str) -> str:
    return "html" if suffix.lower() in (".html", ".htm") else "text"


def parse_report(raw: bytes, source_path: str, suffix: str = "", form: Form | None = None) -> ParsedReport:
    form = form or load_form()
    rep = ParsedReport(report_id=report_id(raw), source_path=source_path, source_format=source_format_of(suffix),
                       status=UNREADABLE, size_bytes=len(raw))
    try:
        doc = decode(raw, suffix)
    except Unreadable as e:
        rep.warnings.append(f"unreadable:{e.reason}")
        return rep
    rep.encoding, rep.source_format = doc.encoding, doc.source_format

    records = build_records(tokenize(doc.lines, doc.line_numbers))
    index = label_index(form)
    scores = [record_scores(r, index) for r in records]  # every record against every form label
    app_start = find_applications_start(records, scores, form)
    pro_start = find_proactive_start(records)

    md = metadata.extract(doc.text, doc.text.split("\n"))
    # the layout: printed evidence first (labels and headers only one layout has, inside the tables),
    # then the 〔2019〕60号/〔2021〕30号 reference, then how well each layout's rows fit the records
    table_text = "".join(records[j].label for s in (pro_start, app_start) if s is not None
                         for j in range(s, window_end(records, s)))
    evidence = {layout: sum(marker in table_text for marker in form.layout_markers(layout)) for layout in LAYOUTS}
    decisive = max(evidence.values())
    # labels only one layout prints settle it; otherwise every layout is tried and the best fit wins
    layouts = [lay for lay in LAYOUTS if evidence[lay] == decisive] if decisive >= 2 else list(LAYOUTS)
    candidates = []
    for layout in layouts:
        apps, app_end = parse_applications(records, scores, form, layout, app_start)
        pro = parse_proactive(records, scores, form, layout, pro_start, app_start)
        score = EVIDENCE_WEIGHT * evidence[layout] + REFERENCE_WEIGHT * (md.layout_reference == layout) \
            + apps.score + pro.score
        candidates.append((score, layout, apps, pro, app_end))
    best = max(c[0] for c in candidates)
    tied = [c for c in candidates if c[0] == best]
    preferred = _layout_for_year(md.report_year)
    _, layout, apps, pro, app_end = next((c for c in tied if c[1] == preferred), tied[0])
    reviews = parse_reviews(records, form, layout, app_end)

    tables: list[TableResult] = [pro, apps, reviews]
    found = [t for t in tables if t.found]
    rep.title, rep.agency, rep.report_year = md.title, md.agency, md.report_year
    rep.published_at, rep.info_fee_yuan = md.published_at, md.info_fee_yuan
    rep.warnings.extend(md.warnings)
    if not found:
        rep.status = NO_TABLES
        rep.warnings.append("no_tables")
        return rep
    rep.layout = layout
    if len(tied) > 1:
        rep.warnings.append(f"layout_from_year:{layout}")
    for t in tables:
        rep.warnings.extend(t.warnings)
    rep.applications = apps.cells
    rep.reviews = {code: cells[0] for code, cells in reviews.cells.items()}
    rep.proactive = {code: cells[0] for code, cells in pro.cells.items()}
    rep.status = PARSED if all(t.complete() for t in tables) else PARTIAL
    return rep


def _layout_for_year(year: int | None) -> str | None:
    if year is None:
        return None
    return "2019" if year <= 2020 else "2021"
