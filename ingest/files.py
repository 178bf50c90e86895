"""What is under RAW_DIR, and reading one file safely: every path gets a row, none can stop a run.

Files are listed by their bytes (a name in any encoding: a GBK name from a Windows zip is shown as
the characters it spells); a symlink is followed only to a file inside RAW_DIR; FIFOs, devices and
sockets are never opened for reading (a FIFO would block the run forever, /dev/zero would fill the
memory); a file that vanished or changed between listing and reading is a status, not a crash.
"""
from __future__ import annotations

import os
import stat
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


def list_files(raw_dir: Path) -> list[Entry]:
    """Every path under raw_dir that is not a folder, in path order."""
    root = os.fsencode(raw_dir)
    real_root = os.path.realpath(root)
    found = []
    for folder, folders, names in os.walk(root):
        for name in names + [d for d in folders if os.path.islink(os.path.join(folder, d))]:
            path = os.path.join(folder, name)
            rel = display_name(os.path.relpath(path, root)).replace(os.sep, "/")
            found.append(Entry(path, rel, _problem(path, real_root)))
    return sorted(found, key=lambda e: e.rel)


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
