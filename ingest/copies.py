"""Files with the same bytes across a run: the first path (in path order) each report_id is at.

A copy of a file keeps its row, with ``duplicate_of:<first path>`` (one, the last of its
warnings), and stages no cells: they are staged once, whichever path they came with. The index is
kept in a private temporary SQLite file: as a dict it took ≈150 bytes a report, and the run's
memory grew with the corpus. Rows are written as they come, in path order, so the first path
seen is the first path; an incremental run writes the rows it reuses before the files it reads,
and when one of those turns out to come first, the index says so (``reordered``) and the
reports are named again at the end of the run (``as_copies``): the same as a full run.
"""
from __future__ import annotations

from collections.abc import Iterable

import polars as pl

from .files import TemporaryDatabase

_LOOKUP_BATCH = 500  # ids asked at once (SQLite limits the parameters of one statement)
DUPLICATE = "duplicate_of:"


class FirstPaths(TemporaryDatabase):
    """report_id → the first path (in path order) its bytes were met at."""

    def __init__(self) -> None:
        super().__init__("create table first_path (report_id text primary key, path text not null) without rowid")
        self.reordered = False  # a path came after a later path of the same bytes was written

    def add(self, pairs: Iterable[tuple[str, str]]) -> None:
        """Remember each (report_id, path); the first in path order stands (text compares as
        UTF-8 bytes here, in code point order as in Python and the file list)."""
        self._db.executemany("insert into first_path values (?, ?) on conflict (report_id) do update "
                             "set path = excluded.path where excluded.path < first_path.path", pairs)

    def of(self, ids: Iterable[str]) -> dict[str, str]:
        """The first path of each of ``ids`` that is known."""
        ids = list(dict.fromkeys(ids))
        found: dict[str, str] = {}
        for i in range(0, len(ids), _LOOKUP_BATCH):
            batch = ids[i:i + _LOOKUP_BATCH]
            found.update(self._db.execute(
                f"select report_id, path from first_path where report_id in ({','.join('?' * len(batch))})", batch))
        return found


def as_copies(reports: pl.DataFrame, first: FirstPaths) -> pl.DataFrame:
    """The reports with ``duplicate_of`` as the index says now: on every row whose path is not its
    bytes' first path, naming that path; on no other row."""
    firsts = first.of(rid for rid in reports["report_id"].unique().to_list() if rid)
    first_path = pl.col("report_id").replace_strict(firsts, default=None, return_dtype=pl.String)
    kept = pl.col("warnings").list.filter(~pl.element().str.starts_with(DUPLICATE))
    copy_of = (first_path != pl.col("source_path")).fill_null(False)
    return reports.with_columns(pl.when(copy_of).then(kept.list.concat(pl.concat_list(DUPLICATE + first_path)))
                                .otherwise(kept).alias("warnings"))


def drop_earlier_copies(tables: dict[str, pl.DataFrame], first: FirstPaths) -> dict[str, pl.DataFrame]:
    """A chunk's files whose bytes earlier rows already staged keep their row, naming the first
    path; their cells are staged once, with those rows."""
    reports = tables["reports"]
    pairs = [(rid, path) for rid, path in reports.select("report_id", "source_path").iter_rows() if rid]
    known = first.of(rid for rid, _ in pairs)
    first.add(pairs)
    if not known:
        return tables
    first.reordered |= any(rid in known and path < known[rid] for rid, path in pairs)
    out = {"reports": as_copies(reports, first)}
    copied = ~pl.col("report_id").is_in(list(known)).fill_null(False)
    for name, table in tables.items():
        if name != "reports":
            out[name] = table.filter(copied)
    return out
