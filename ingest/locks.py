"""One writer at a time: a lock file beside what is written (a staging folder, a warehouse).

``flock`` locks belong to the open file, so a killed process (even by SIGKILL) releases its lock;
the holder's pid is written in the file for the message the next one shows. The lock file is
opened without following a symbolic link and must be a regular file: a link planted in its place
would have the writer truncate whatever it points to.
"""
from __future__ import annotations

import errno
import fcntl
import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


_HELD: set[int] = set()  # lock file descriptors this process holds


class LockError(Exception):
    """The lock cannot be taken; the message says why and what to do."""


class Busy(LockError):
    """Another process holds the lock."""


class NotALock(LockError):
    """The lock file's path holds something else: a symbolic link, a folder, a FIFO."""


def forget_inherited() -> None:
    """In a forked child: close the parent's lock descriptors (the lock stays the parent's, and
    dies with it, not with the last child)."""
    for fd in list(_HELD):
        os.close(fd)
    _HELD.clear()


@contextmanager
def holding(path: Path, what: str, shared: bool = False) -> Iterator[None]:
    """Hold ``path``'s lock (exclusive, or shared with other readers) or raise Busy at once. A
    reader of a read-only folder without a lock file takes none: no one can write there."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = _open(path, what, shared)
    if fd is None:
        yield
        return
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


def _open(path: Path, what: str, shared: bool) -> int | None:
    flags = os.O_CREAT | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC | (os.O_RDONLY if shared else os.O_RDWR)
    try:
        fd = os.open(path, flags, 0o644)
    except OSError as e:
        if e.errno == errno.ELOOP:
            raise NotALock(f"{what}: its lock file {path} is a symbolic link; remove it (nothing was written)") from None
        if e.errno == errno.EISDIR:
            raise NotALock(f"{what}: its lock file {path} is not a regular file; remove it (nothing was written)") from None
        if shared and e.errno in (errno.EACCES, errno.EPERM, errno.EROFS) and not os.path.lexists(path):
            return None
        raise
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise NotALock(f"{what}: its lock file {path} is not a regular file; remove it (nothing was written)")
    return fd
