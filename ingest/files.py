"""What is under RAW_DIR, and reading one file safely: every path gets a row, none can stop a run.

Files are listed by their bytes (a name in any encoding: a GBK name from a Windows zip is shown as
the characters it spells); a symlink is followed only to a file inside RAW_DIR; FIFOs, devices and
sockets are never opened for reading (a FIFO would block the run forever, /dev/zero would fill the
memory); a file that vanished or changed between listing and reading is a status, not a crash.
"""
from __future__ import annotations

import os
import sqlite3
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

READ_BLOCK = 1 << 20


@dataclass(frozen=True, slots=True)  # one per file of the corpus, all held at once: no __dict__ each
class Entry:
    path: bytes  # the file system path, as bytes
    rel: str  # the path relative to RAW_DIR, as shown and staged
    problem: str | None = None  # why it is not read: not_a_file, dangling_symlink, symlink_outside_raw, …

    @property
    def suffix(self) -> str:
        return os.path.splitext(self.rel)[1]


def display_name(name: bytes) -> str:
    """A file name's bytes as text: UTF-8, else GB18030 (names from Chinese Windows zips), else
    with the bytes escaped; the same bytes always give the same text."""
    for encoding in ("utf-8", "gb18030"):
        try:
            return name.decode(encoding)
        except UnicodeDecodeError:
            continue
    return name.decode("utf-8", "backslashreplace")


def list_files(raw_dir: Path) -> "FileList":
    """Every path under raw_dir that is not a folder, in path order, each shown as a path no
    other has (see FileList.disambiguate)."""
    root = os.fsencode(raw_dir)
    real_root = os.path.realpath(root)
    found = FileList()
    found.add(_entry(path, root, real_root) for path in _paths(root))
    found.disambiguate(root)
    return found


def _paths(root: bytes) -> Iterator[bytes]:
    """Every path under root that is not a folder (a symlink to one is a path), one at a time: a
    folder's names are not held as a list (os.walk's; a folder of a million reports is 70 MB)."""
    folders = [root]
    while folders:
        try:
            with os.scandir(folders.pop()) as listing:
                for item in listing:
                    if item.is_dir(follow_symlinks=False):
                        folders.append(item.path)
                    else:
                        yield item.path
        except OSError:  # a folder that cannot be listed (or vanished) has no paths, as with os.walk
            continue


def _entry(path: bytes, root: bytes, real_root: bytes) -> Entry:
    rel = display_name(os.path.relpath(path, root)).replace(os.sep, "/")
    return Entry(path, rel, _problem(path, real_root))


def _is_utf8(name: bytes) -> bool:
    try:
        name.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


class TemporaryDatabase:
    """A private temporary SQLite database on disk with one table, deleted when closed (``with``
    closes it): what a run would otherwise hold in memory once per file of the corpus."""

    def __init__(self, table: str) -> None:
        self._db = sqlite3.connect("")  # "": a temporary database on disk, deleted when closed
        self._db.execute(table)

    def close(self) -> None:
        self._db.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class FileList(TemporaryDatabase):
    """Entries kept on disk and given back in path order: a run holds the chunk it reads, not the
    corpus's list (as Python objects ≈270 bytes a file, so the run's memory grew with the corpus)."""

    def __init__(self) -> None:
        super().__init__("create table entry (rel text not null, path blob not null, problem text)")
        self._count = 0

    def add(self, entries: Iterable[Entry]) -> None:
        before = self._db.total_changes
        self._db.executemany("insert into entry values (?, ?, ?)", ((e.rel, e.path, e.problem) for e in entries))
        self._count += self._db.total_changes - before

    def __len__(self) -> int:
        return self._count

    def disambiguate(self, root: bytes) -> None:
        """Two names whose bytes differ but read as the same text (报告.txt in GBK and in UTF-8)
        are two files: the UTF-8 one keeps the text, the other is shown with its bytes escaped
        (a path staged twice stopped every publish). Decided by the names alone: the same
        folder always gives the same paths."""
        for (rel,) in self._db.execute("select rel from entry group by rel having count(*) > 1").fetchall():
            rows = self._db.execute("select rowid, path from entry where rel = ? order by path", (rel,)).fetchall()
            kept = next((rowid for rowid, path in rows if _is_utf8(path)), rows[0][0])
            for rowid, path in rows:
                if rowid == kept:
                    continue
                shown = os.path.relpath(path, root).decode("utf-8", "backslashreplace").replace(os.sep, "/")
                candidate, n = shown, 1
                while self._db.execute("select 1 from entry where rel = ?", (candidate,)).fetchone():
                    n += 1
                    candidate = f"{shown}~{n}"
                self._db.execute("update entry set rel = ? where rowid = ?", (candidate, rowid))

    def __iter__(self) -> Iterator[Entry]:
        # text compares as UTF-8 bytes, the order of code points (Python's); rowid keeps the order
        # entries with the same shown path were added in (a stable sort)
        for rel, path, problem in self._db.execute("select rel, path, problem from entry order by rel, rowid"):
            yield Entry(path, rel, problem)


def _problem(path: bytes, real_root: bytes) -> str | None:
    try:
        st = os.lstat(path)
    except OSError:
        return "vanished"
    if stat.S_ISLNK(st.st_mode):
        target = os.path.realpath(path)
        if not os.path.exists(target):
            return "dangling_symlink"
        if os.path.commonpath([real_root, target]) != real_root:
            return "symlink_outside_raw"
        if os.path.isdir(target):
            return "symlinked_folder"  # its files are listed under their own path inside RAW_DIR
        st = os.stat(target)
    return None if stat.S_ISREG(st.st_mode) else "not_a_file"


def stamp(ns: int) -> int | None:
    """A file time in nanoseconds as staged (int64), or None past what it holds (a year 2300 mtime)."""
    return ns if -2**63 <= ns < 2**63 else None


def file_stamp(st: os.stat_result) -> tuple[int, int | None, int | None, int]:
    """What tells that a file is still the one staged: its size, mtime, ctime (set by any rewrite,
    even one that puts the mtime back: cp -p, rsync -t, tar) and inode (another file in its place)."""
    return st.st_size, stamp(st.st_mtime_ns), stamp(st.st_ctime_ns), st.st_ino


class NotRead(Exception):
    """The file could not be read as a regular file: ``reason`` is the warning."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def read_file(entry: Entry, max_bytes: int) -> tuple[bytes | None, os.stat_result]:
    """The file's bytes and the stat of what was read; None for the bytes when it is larger than
    max_bytes (it is then not read at all). Opened without blocking and checked to be a regular
    file once open (a path that became a FIFO since it was listed)."""
    try:
        fd = os.open(entry.path, os.O_RDONLY | os.O_NONBLOCK)
    except FileNotFoundError:
        raise NotRead("vanished") from None
    except OSError as e:
        raise NotRead(f"os_error:{e.strerror}") from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise NotRead("not_a_file")
        if st.st_size > max_bytes:
            return None, st
        chunks, size = [], 0
        while size <= max_bytes and (block := os.read(fd, READ_BLOCK)):  # a file still growing stops at the cap
            chunks.append(block)
            size += len(block)
        return (b"".join(chunks) if size <= max_bytes else None), st
    except OSError as e:
        raise NotRead(f"os_error:{e.strerror}") from None
    finally:
        os.close(fd)
