"""One raw report → one ParsedReport: read → lex → records → align → cells → metadata → status."""
from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal
from dataclasses import dataclass, field

from . import metadata
from .agency import AgencyPlace
from .align import MIN_ROWS, OTHER_ROW, align_applications, align_by_form_order, align_proactive, find_applications_start, find_proactive_start, \
    find_reviews, form_labels, layout_by_labels, review_values, tables_span
from .cells import NULL, Cell, TableResult, application_cells, proactive_cells, review_cells
from .digits import identity_instances
from .fast import read_clean
from .form import LAYOUTS, Form, load_form
from .read import Document, NoTextLayer, Unreadable, UnsupportedFormat, read_document, source_format_of
from .labels import label_key
from .records import Record, build_records
from .statements import Statement, in_source, read_statements

PARSED, PARTIAL, NO_TABLES, NO_TEXT_LAYER = "parsed", "partial", "no_tables", "no_text_layer"
UNSUPPORTED, UNREADABLE, TOO_LARGE = "unsupported", "unreadable", "too_large"
STATUSES = (PARSED, PARTIAL, NO_TABLES, NO_TEXT_LAYER, UNSUPPORTED, UNREADABLE, TOO_LARGE)
FAST, FULL = "fast", "full"  # which reader read the tables (see ingest/fast.py)


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
    ocr_pages: int = 0  # pages read by OCR
    place: AgencyPlace = field(default_factory=AgencyPlace)  # where the agency sits (stage 7, after the manifest)
    warnings: list[str] = field(default_factory=list)
    read_path: str | None = None  # FAST or FULL: which reader read the tables (None: the file was not read)
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


def parse_report(raw: bytes, source_path: str, suffix: str = "", form: Form | None = None,
                 ocr: bool = True, fast: bool = True) -> ParsedReport:
    """The report a file's bytes hold. ``ocr``: scans and page images are read by OCR (off: status
    no_text_layer). ``fast``: tables printed cleanly are read by the fast path (``ingest.fast``: the
    same result, sooner); off, the full reader reads every report."""
    form = form or load_form()
    rep = ParsedReport(report_id=report_id(raw), source_path=source_path, source_format=source_format_of(suffix),
                       status=UNREADABLE, size_bytes=len(raw))
    try:
        doc = read_document(raw, suffix, ocr)
    except NoTextLayer:
        rep.status = NO_TEXT_LAYER  # a scan read with OCR off (--no-ocr), or pages with nothing on them
        rep.warnings.append(NO_TEXT_LAYER)
        return rep
    except UnsupportedFormat as e:
        rep.status = UNSUPPORTED
        rep.warnings.append(e.reason)
        return rep
    except Unreadable as e:
        rep.warnings.append(f"unreadable:{e.reason}")
        return rep
    rep.encoding, rep.source_format, rep.ocr_pages = doc.encoding, doc.source_format, doc.ocr_pages
    rep.warnings.extend(doc.warnings)
    md = metadata.extract(doc.text, doc.meta)
    rep.title, rep.agency, rep.report_year = md.title, md.agency, md.report_year
    rep.published_at, rep.contact_address = md.published_at, md.contact_address
    rep.info_fee_fen, rep.info_fee_yuan = fee_in_fen(md.info_fee_yuan, rep.warnings)
    rep.warnings.extend(md.warnings)
    statements, warnings = read_statements(doc.text, doc.original, md.report_year)
    rep.statements = in_source(statements, doc)
    rep.warnings.extend(warnings)
    read_tables(rep, doc, build_records(doc.text, *tables_span(doc.text), doc.original), form, md.layout_reference,
                fast)
    if doc.ocr_pages and rep.layout:
        distrust_broken_identities(rep, form)
    return rep


def distrust_broken_identities(rep: ParsedReport, form: Form) -> None:
    """Cells OCR read are checked by the identities. Where one does not hold, a digit of it may be
    misread and which one is unknowable: every cell of it is null (``ocr_identity_broken``; a
    printed report's own arithmetic stands as printed, a scan's cannot be told from a misreading).
    Where a row of it was not found (no label matched it) or was read with cells of other rows
    (more than one cell short, or too many), the rows around may hold a neighbour's values (a
    label read apart from its row) and nothing can check their place: null too
    (``ocr_identity_unverified``). A row read one cell short (a digit OCR did not see) keeps its
    neighbours."""
    applicants = list(form.applicants)
    apps = rep.applications
    unplaced = ("row_missing:", "row_not_printed:", "row_no_values:")
    missing = {w.split(":")[1] for w in rep.warnings if w.startswith(unplaced)
               or (w.startswith(("row_incomplete:", "row_overfull:")) and not _one_cell_lost(w))}
    distrusted: set[tuple[str, str, str]] = set()
    tables = (("applications", rep.applications_layout or rep.layout, list(apps), applicants,
               lambda row, col: apps[row][applicants.index(col)] if row in apps else None),
              ("reviews", rep.layout, [], [], lambda code, _: rep.reviews.get(code)))
    for table, layout, rows, columns, cell in tables:
        for name, equation in identity_instances(form, table, layout, rows, columns):
            cells = [(sign, cell(*key)) for sign, key in equation]
            if table == "applications" and any(key[0] in missing or key[0] not in apps for _, key in equation):
                reason = "ocr_identity_unverified"
            elif all(c is not None and c.value is not None for _, c in cells) \
                    and sum(sign * c.value for sign, c in cells) != 0:
                reason = "ocr_identity_broken"
            else:
                continue
            if any(c is not None and c.value is not None for _, c in cells):
                rep.warnings.append(f"{reason}:{name}")
                distrusted.update((table, *key) for _, key in equation)
    for table, row, col in distrusted:
        if table == "applications" and row in apps:
            i = applicants.index(col)
            apps[row][i] = apps[row][i]._replace(value=None)
        elif table == "reviews" and row in rep.reviews:
            rep.reviews[row] = rep.reviews[row]._replace(value=None)
    if distrusted and rep.status == PARSED:
        rep.status = PARTIAL


def _one_cell_lost(warning: str) -> bool:
    """``row_incomplete:<row>:6/7``: the row was read but for one cell."""
    read, _, of = warning.rsplit(":", 1)[1].partition("/")
    return warning.startswith("row_incomplete:") and read.isdigit() and of.isdigit() and int(read) == int(of) - 1


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


def read_tables(rep: ParsedReport, doc: Document, records: list[Record], form: Form, reference: str | None,
                fast: bool = True) -> None:
    """Tables 二, 三 and 四 of the report into ``rep``, with its layout and status. A report that
    prints its tables twice (a body and an appendix, a page and its print version) is read from
    both: cells the copies agree on stand, cells they print differently are null."""
    clean = read_clean(records, form, reference) if fast else None
    if clean is not None and read_table_set(records, clean.end, form, reference, rep.report_year) is None:
        sets, rep.read_path = [TableSet(*clean)], FAST  # printed once, cleanly: what the full reader reads
    else:
        sets, rep.read_path = full_table_sets(records, form, reference, rep.report_year), FULL
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


def full_table_sets(records: list[Record], form: Form, reference: str | None, year: int | None) -> list[TableSet]:
    """Every table set the full reader finds, in printed order."""
    sets: list[TableSet] = []
    after = 0
    while len(sets) < MAX_TABLE_SETS and (found := read_table_set(records, after, form, reference, year)):
        sets.append(found)
        after = found.end
    return sets


def read_table_set(records: list[Record], after: int, form: Form, reference: str | None,
                   year: int | None) -> TableSet | None:
    """The tables printed from record ``after`` on, or None when there are none (prose that only
    names the form's rows, a table 三 of a few rows, is not a table)."""
    labels = form_labels(form)
    n = len(form.applicants)
    app_start = find_applications_start(records, labels, n, after)
    by_order = align_by_form_order(records, form, labels, n, after) if app_start is None else None
    reviews_at = find_reviews(records, after if app_start is None else app_start)
    aligned, variant, app_end = by_order or align_applications(records, labels, app_start, n, reviews_at)
    if reviews_at is None or reviews_at < app_end:
        reviews_at = find_reviews(records, max(app_end, after))
    pro_start = find_proactive_start(records, app_start, after)
    rows_found = sum(tokens is not None for tokens in aligned.rows.values())
    first = min((j for j in (pro_start, app_start) if j is not None), default=after)
    table_text = label_key("".join(records[j].text for j in range(first, max(app_end, first))))
    # table 二 is aligned in both layouts only where how it fits decides between them (or tells a table)
    known = (layout_by_labels(form, table_text) or reference) if rows_found >= MIN_ROWS else None
    proactive = {layout: align_proactive(records, labels, form, layout, pro_start, app_start)
                 for layout in ((known,) if known else LAYOUTS)}
    items_found = max(sum(t is not None for t in p.rows.values()) for p in proactive.values())
    if rows_found < MIN_ROWS and not (items_found >= 2 and reviews_at is not None):
        return None
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
    by_labels = layout_by_labels(form, table_text)
    if by_labels:
        return by_labels, None
    if reference:
        return reference, None
    fit = {layout: p.score for layout, p in proactive.items()}
    if fit["2019"] != fit["2021"] and max(fit.values()) >= 2:
        return max(fit, key=fit.get), None
    by_year = None if year is None else ("2019" if year <= 2020 else "2021")
    if by_year:
        return by_year, f"layout_from_year:{by_year}"
    return ("2019" if variant == "one_other_row" else "2021"), "layout_from_table_shape"
