"""The official form as data: rows, columns, layouts and identities, read from the dbt seeds.

The ingest and the warehouse share one definition of the form (``seeds/form_rows.csv`` and
``seeds/form_identities.csv``); nothing about the form's labels or codes is written in code.
"""
from __future__ import annotations

import csv
import os
from dataclasses import dataclass
from functools import cache, cached_property, lru_cache
from pathlib import Path

from .labels import label_key

LAYOUTS = ("2019", "2021")
WILDCARD = "*"


def seeds_dir() -> Path:
    """The seeds folder: $GIA_SEEDS_DIR, else the repo's ``seeds/`` beside this package."""
    env = os.environ.get("GIA_SEEDS_DIR")
    return Path(env) if env else Path(__file__).resolve().parent.parent / "seeds"


AMOUNT_UNITS = ("10k_yuan", "as_printed")  # table 二's amounts; every other cell counts something


@dataclass(frozen=True)
class FormRow:
    table: str
    code: str
    layouts: frozenset[str]
    label_zh: str
    label_en: str
    group_code: str
    sort_order: int
    match_zh: str  # the label as printed in a report's row, used for fuzzy matching
    form_row: int | None  # position of the printed row in its table (both layouts share one order)
    form_column: int | None  # position of the value within its printed row / table's columns
    column_zh: str  # the printed column header (table 二 and 四)
    note_zh: str  # words a note printed beside a value may use that name this column, '|'-separated
    unit: str = ""  # what a cell counts (requests, items …) or the amount it is (10k_yuan, as_printed)

    @property
    def is_count(self) -> bool:
        return self.unit not in AMOUNT_UNITS

    @property
    def item(self) -> str:
        """For proactive measures: the printed row (e.g. 规章) the measure is a column of."""
        return self.code.split(".")[0]


@dataclass(frozen=True)
class IdentityTerm:
    identity_id: str
    table: str
    layouts: frozenset[str]
    side: str  # lhs | rhs
    row_code: str  # a code, or WILDCARD: the identity holds for every row
    column_code: str  # an applicant code, WILDCARD (for every column), or '' (reviews)
    sign: int


@dataclass(frozen=True, eq=False)  # identity hash: caches keyed by the form must not hash every row
class Form:
    rows: tuple[FormRow, ...]
    identities: tuple[IdentityTerm, ...]

    @cache
    def table_rows(self, table: str, layout: str | None = None) -> tuple[FormRow, ...]:
        """A table's rows in printed order."""
        return tuple(sorted(
            (r for r in self.rows if r.table == table and (layout is None or layout in r.layouts)),
            key=lambda r: (r.form_row or 0, r.form_column or 0, r.sort_order),
        ))

    @cache
    def application_rows(self, layout: str) -> tuple[str, ...]:
        return tuple(r.code for r in self.table_rows("applications", layout))

    @cached_property
    def applicants(self) -> tuple[str, ...]:
        return tuple(r.code for r in self.table_rows("applicant"))

    @cached_property
    def review_cells(self) -> tuple[str, ...]:
        return tuple(r.code for r in self.table_rows("reviews"))

    @cache
    def proactive_items(self, layout: str) -> tuple[tuple[str, str, tuple[str, ...]], ...]:
        """(item, printed label, measure codes in column order) for each printed row of table 二."""
        items: dict[str, tuple[str, list[str]]] = {}
        for r in self.table_rows("proactive", layout):
            items.setdefault(r.item, (r.match_zh, []))[1].append(r.code)
        return tuple((item, label, tuple(codes)) for item, (label, codes) in items.items())

    @cached_property
    def _layout_markers(self) -> dict[str, frozenset[str]]:
        return {layout: frozenset(self._markers_of(layout)) for layout in LAYOUTS}

    def layout_markers(self, layout: str) -> frozenset[str]:
        return self._layout_markers[layout]

    def _markers_of(self, layout: str) -> set[str]:
        """Printed labels and headers that only this layout has (as match keys): evidence of the
        layout a report's tables follow."""
        def printed(lay: str) -> set[str]:
            return {label_key(s) for r in self.rows if lay in r.layouts and r.table in ("applications", "proactive")
                    for s in (r.match_zh, r.column_zh, r.label_zh) if s}
        own = printed(layout)
        others = set().union(*(printed(lay) for lay in LAYOUTS if lay != layout))
        labels = {label_key(s) for r in self.rows if layout in r.layouts for s in (r.match_zh, r.column_zh) if s}
        return {s for s in labels & own if len(s) >= 4 and not any(s in o for o in others)}

    def identity_terms(self, table: str, layout: str) -> dict[str, list[IdentityTerm]]:
        out: dict[str, list[IdentityTerm]] = {}
        for t in self.identities:
            if t.table == table and layout in t.layouts:
                out.setdefault(t.identity_id, []).append(t)
        return out


def _int(value: str) -> int | None:
    return int(value) if value else None


def _layouts(value: str) -> frozenset[str]:
    return frozenset(v for v in value.split("|") if v)


@lru_cache(maxsize=4)
def load_form(directory: str | None = None) -> Form:
    d = Path(directory) if directory else seeds_dir()
    with open(d / "form_rows.csv", encoding="utf-8", newline="") as f:
        rows = tuple(
            FormRow(
                table=r["table"], code=r["code"], layouts=_layouts(r["layouts"]), label_zh=r["label_zh"],
                label_en=r["label_en"], group_code=r["group_code"], sort_order=int(r["sort_order"]),
                match_zh=r["match_zh"], form_row=_int(r["form_row"]), form_column=_int(r["form_column"]),
                column_zh=r["column_zh"], note_zh=r["note_zh"], unit=r.get("unit") or "",
            )
            for r in csv.DictReader(f)
        )
    with open(d / "form_identities.csv", encoding="utf-8", newline="") as f:
        identities = tuple(
            IdentityTerm(
                identity_id=r["identity_id"], table=r["table"], layouts=_layouts(r["layouts"]), side=r["side"],
                row_code=r["row_code"], column_code=r["column_code"], sign=int(r["sign"]),
            )
            for r in csv.DictReader(f)
        )
    return Form(rows=rows, identities=identities)
