"""One raw report → one ParsedReport: read → lex → records → align → cells → metadata → status."""
from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal
from dataclasses import dataclass, field

from . import metadata
from .agency import AgencyPlace
from .align import MIN_ROWS, OTHER_ROW, align_applications, align_proactive, find_applications_start, find_proactive_start, \
    find_reviews, form_labels, review_values, tables_span
from .cells import NULL, Cell, TableResult, application_cells, proactive_cells, review_cells
from .form import LAYOUTS, Form, load_form
from .read import Document, NoTextLayer, Unreadable, UnsupportedFormat, read_document, source_format_of
from .labels import label_key
from .records import Record, build_records
from .statements import Statement, in_source, read_statements

PARSED, PARTIAL, NO_TABLES, NO_TEXT_LAYER = "parsed", "partial", "no_tables", "no_text_layer"
UNSUPPORTED, UNREADABLE, TOO_LARGE = "unsupported", "unreadable", "too_large"
STATUSES = (PARSED, PARTIAL, NO_TABLES, NO_TEXT_LAYER, UNSUPPORTED, UNREADABLE, TOO_LARGE)


@dataclass
class ParsedReport:
    report_id: str
    source_path: str
    source_format: str
    status: str
    encoding: str | None = None
    size_bytes: int = 0
    mtime_ns: int | None = None
    ctime_ns: int | None = None
    inode: int | None = None
    title: str | None = None
    agency: str | None = None
    report_year: int | None = None
    layout: str | None = None
    applications_layout: str | None = None  # the form table 三 follows (2019: 其他处理 as one row)
    published_at: dt.date | None = None
    info_fee_yuan: float | None = None  # the contract's double: set only when it holds the fee exactly
    info_fee_fen: int | None = None  # the fee exactly, in fen
    contact_address: str | None = None
    place: AgencyPlace = field(default_factory=AgencyPlace)  # where the agency sits (stage 7, after the manifest)
    warnings: list[str] = field(default_factory=list)
    # cells with the source line (and page) they are printed on
    applications: dict[str, list[Cell]] = field(default_factory=dict)  # row code → cell per applicant
    reviews: dict[str, Cell] = field(default_factory=dict)
    proactive: dict[str, Cell] = field(default_factory=dict)
    statements: list[Statement] = field(default_factory=list)  # numbers the prose states (stage 6)


def report_id(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()[:16]


def file_report_id(path: str) -> str:
    """report_id of a file, read in blocks (for files too large to hold)."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()[:16]


MAX_FEE_FEN = 10**15  # ten trillion yuan: every fen below it is exact as a double and as an int64


def fee_in_fen(yuan: Decimal | None, warnings: list[str]) -> tuple[int | None, float | None]:
    """A fee as integer fen and as the double yuan the contract stages, both exact; a fee in
    fractions of a fen, or too large to hold, is null with a warning."""
    if yuan is None:
        return None, None
    sign, digits, exponent = yuan.as_tuple()
    fen = Decimal((sign, digits, exponent + 2))  # × 100 exactly (multiplying rounds to 28 digits)
    if fen != fen.to_integral_value() or not 0 <= fen < MAX_FEE_FEN:
        warnings.append(f"fee_out_of_range:{yuan:f}")
        return None, None
    return int(fen), int(fen) / 100


def parse_report(raw: bytes, source_path: str, suffix: str = "", form: Form | None = None) -> ParsedReport:
    form = form or load_form()
    rep = ParsedReport(report_id=report_id(raw), source_path=source_path, source_format=source_format_of(suffix),
                       status=UNREADABLE, size_bytes=len(raw))
    try:
        doc = read_document(raw, suffix)
    except NoTextLayer:
        rep.status = NO_TEXT_LAYER  # a scan: an OCR adapter in front of the reader would read it
        rep.warnings.append(NO_TEXT_LAYER)
        return rep
    except UnsupportedFormat as e:
        rep.status = UNSUPPORTED
        rep.warnings.append(e.reason)
        return rep
    except Unreadable as e:
        rep.warnings.append(f"unreadable:{e.reason}")
        return rep
    rep.encoding, rep.source_format = doc.encoding, doc.source_format
    rep.warnings.extend(doc.warnings)
    md = metadata.extract(doc.text, doc.meta)
    rep.title, rep.agency, rep.report_year = md.title, md.agency, md.report_year
    rep.published_at, rep.contact_address = md.published_at, md.contact_address
    rep.info_fee_fen, rep.info_fee_yuan = fee_in_fen(md.info_fee_yuan, rep.warnings)
    rep.warnings.extend(md.warnings)
    statements, warnings = read_statements(doc.text, doc.original, md.report_year)
    rep.statements = in_source(statements, doc)
    rep.warnings.extend(warnings)
    read_tables(rep, doc, build_records(doc.text, *tables_span(doc.text), doc.original), form, md.layout_reference)
    return rep


@dataclass
class TableSet:
    """The three tables as printed once in a report."""

    layout: str
    applications_layout: str  # the form table 三 follows (2019: 其他处理 as one row)
    applications: TableResult
    proactive: TableResult
    reviews: TableResult
    warnings: list[str]
    end: int  # the record after the set


def read_tables(rep: ParsedReport, doc: Document, records: list[Record], form: Form, reference: str | None) -> None:
    """Tables 二, 三 and 四 of the report into ``rep``, with its layout and status. A report that
    prints its tables twice (a body and an appendix, a page and its print version) is read from
    both: cells the copies agree on stand, cells they print differently are null."""
    sets: list[TableSet] = []
    after = 0
    while len(sets) < MAX_TABLE_SETS and (found := read_table_set(records, after, form, reference, rep.report_year)):
        sets.append(found)
        after = found.end
    if not sets:
        rep.status = NO_TABLES
        rep.warnings.append("no_tables")
        return
    main = sets[0]
    for other in sets[1:]:
        if other.layout != main.layout:  # another year's table, or the other form: keep the year's
            year_layout = None if rep.report_year is None else ("2019" if rep.report_year <= 2020 else "2021")
            main = other if other.layout == year_layout else main
            rep.warnings.append(f"tables_twice:other_layout:{other.layout if main is not other else sets[0].layout}")
            continue
        rep.warnings.append("tables_twice")
        for mine, theirs, name in ((main.applications, other.applications, "applications"),
                                   (main.proactive, other.proactive, "proactive"), (main.reviews, other.reviews, "reviews")):
            merge_copies(mine, theirs, name)
    rep.layout, rep.applications_layout = main.layout, main.applications_layout
    rep.warnings.extend(main.warnings)
    n = len(form.applicants)
    codes = form.application_rows(main.layout)
    apps = main.applications
    printed = [c for c in apps.cells if c not in codes]  # the other shape of 其他处理 than the layout's
    rep.applications = {code: _in_source(doc, apps.cells[code]) if code in apps.cells else [NULL] * n
                        for code in sorted({*codes, *printed}, key=_order(form))}
    rep.reviews = {code: _in_source(doc, cells)[0] for code, cells in main.reviews.cells.items()}
    rep.proactive = {code: _in_source(doc, cells)[0] for code, cells in main.proactive.cells.items()}
    tables = [main.proactive, apps, main.reviews]
    for t in tables:
        rep.warnings.extend(t.warnings)
    complete = all(t.complete() for t in tables) and all(code in apps.cells for code in codes)
    rep.status = PARSED if complete else PARTIAL


MAX_TABLE_SETS = 3  # a report printing its tables more often than this is read from the first three


def read_table_set(records: list[Record], after: int, form: Form, reference: str | None,
                   year: int | None) -> TableSet | None:
    """The tables printed from record ``after`` on, or None when there are none (prose that only
    names the form's rows, a table 三 of a few rows, is not a table)."""
    labels = form_labels(form)
    n = len(form.applicants)
    app_start = find_applications_start(records, labels, n, after)
    reviews_at = find_reviews(records, after if app_start is None else app_start)
    aligned, variant, app_end = align_applications(records, labels, app_start, n, reviews_at)
    if reviews_at is None or reviews_at < app_end:
        reviews_at = find_reviews(records, max(app_end, after))
    pro_start = find_proactive_start(records, app_start, after)
    proactive = {layout: align_proactive(records, labels, form, layout, pro_start, app_start) for layout in LAYOUTS}
    rows_found = sum(tokens is not None for tokens in aligned.rows.values())
    items_found = max(sum(t is not None for t in p.rows.values()) for p in proactive.values())
    if rows_found < MIN_ROWS and not (items_found >= 2 and reviews_at is not None):
        return None
    first = min((j for j in (pro_start, app_start) if j is not None), default=after)
    table_text = label_key("".join(records[j].text for j in range(first, max(app_end, first))))
    layout, how = choose_layout(form, table_text, reference, variant, proactive, year)
    warnings = [how] if how else []
    # table 三's identities follow the shape it printed 其他处理 in, whatever table 二's layout
    applications_layout = "2019" if variant == "one_other_row" else "2021"
    apps = application_cells(aligned, form, applications_layout)
    codes = form.application_rows(layout)
    printed = [c for c in aligned.rows if c not in codes]
    if printed:
        warnings.append(f"layout_mixed:{'other_as_one_row' if OTHER_ROW in printed else 'other_sub_rows'}")
    warnings += [f"row_not_printed:{code}" for code in codes if code not in apps.cells]
    reviews = review_cells(review_values(records, reviews_at, len(form.review_cells), form)
                           if reviews_at is not None else None, form)
    end = max(app_end, (reviews_at + 1) if reviews_at is not None else 0, after + 1)
    return TableSet(layout, applications_layout, apps, proactive_cells(proactive[layout], form, layout), reviews,
                    warnings, end)


def merge_copies(mine: TableResult, theirs: TableResult, table: str) -> None:
    """A table printed twice: a cell one copy leaves null takes the other's; cells the copies
    print differently are null, with a warning."""
    if not theirs.found:
        return
    mine.found = True
    for code, cells in mine.cells.items():
        other = theirs.cells.get(code)
        if other is None:
            continue
        for i, (a, b) in enumerate(zip(cells, other)):
            if a.value is None and b.value is not None:
                cells[i] = b
            elif b.value is not None and a.value != b.value:
                cells[i] = Cell(None, f"{a.raw}/{b.raw}", a.line, a.page)
                mine.warnings.append(f"tables_conflict:{table}:{code}:{i + 1}")


def _order(form: Form):
    position = {r.code: r.sort_order for r in form.table_rows("applications")}
    return lambda code: position[code]


def _in_source(doc: Document, cells: list[Cell]) -> list[Cell]:
    """Cells with the lines of the source (the same as the text's for text files) and pages."""
    if doc.source_lines is None and doc.line_pages is None:
        return cells
    return [c if c.line is None else c._replace(line=doc.source_line(c.line), page=doc.page(c.line)) for c in cells]


def choose_layout(form: Form, table_text: str, reference: str | None, variant: str, proactive: dict,
                  year: int | None) -> tuple[str, str | None]:
    """The form the tables follow: labels and headers only one layout prints, then the printed
    〔2019〕60号 / 〔2021〕30号 reference, then how table 二 fits, then the year."""
    evidence = {layout: sum(m in table_text for m in form.layout_markers(layout)) for layout in LAYOUTS}
    top = max(evidence.values())
    leaders = [lay for lay in LAYOUTS if evidence[lay] == top]
    if top >= 2 and len(leaders) == 1:
        return leaders[0], None
    if reference:
        return reference, None
    fit = {layout: p.score for layout, p in proactive.items()}
    if fit["2019"] != fit["2021"] and max(fit.values()) >= 2:
        return max(fit, key=fit.get), None
    by_year = None if year is None else ("2019" if year <= 2020 else "2021")
    if by_year:
        return by_year, f"layout_from_year:{by_year}"
    return ("2019" if variant == "one_other_row" else "2021"), "layout_from_table_shape"
