"""One writer at a time: a lock file beside what is written (a staging folder, a warehouse).

``flock`` locks belong to the open file, so a killed process (even by SIGKILL) releases its lock;
the holder's pid is written in the file for the message the next one shows.
"""
from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


_HELD: set[int] = set()  # lock file descriptors this process holds


class Busy(Exception):
    """Another process holds the lock."""


def forget_inherited() -> None:
    """In a forked child: close the parent's lock descriptors (the lock stays the parent's, and
    dies with it, not with the last child)."""
    for fd in list(_HELD):
        os.close(fd)
    _HELD.clear()


@contextmanager
def holding(path: Path, what: str, shared: bool = False) -> Iterator[None]:
    """Hold ``path``'s lock (exclusive, or shared with other readers) or raise Busy at once."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, (fcntl.LOCK_SH if shared else fcntl.LOCK_EX) | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode(errors="replace").strip() or "another process"
            raise Busy(f"{what} is in use by process {holder}: wait for it to finish, or use another folder") from None
        if not shared:
            os.ftruncate(fd, 0)
            os.pwrite(fd, str(os.getpid()).encode(), 0)
        _HELD.add(fd)
        yield
    finally:
        if fd in _HELD:
            _HELD.discard(fd)
        os.close(fd)  # closing releases the lock
