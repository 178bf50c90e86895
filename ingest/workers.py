"""Worker processes that parse, where one file's crash, memory blow-up or hang costs only itself.

Each worker is a forked process with an address-space limit (``RLIMIT_AS``: what it held when it
started, plus the per-file budget) that the kernel enforces whatever code runs, C included; the
run's own process watches the clock of the file each worker is on (written into shared memory
before each file) and kills a worker whose file is over the time budget. A worker that dies
(killed, aborted by PDFium out of memory, a segfault) is replaced, and the chunk it was on is
given to the next worker again with the file it died on settled without parsing:
``parser_timeout``, or ``unreadable:resource_limit`` when it died near its memory budget, or
``parser_crash:SIGNAL``. The files before it are parsed again, the same way: the output does not
depend on what died where. (A death between files, building the chunk's tables, is retried
once; after a second, the chunk's files are all settled with it, and the run still completes.)

Each worker holds the next chunk while it parses one, and sends its tables from a thread of its
own: it never waits for the run's process, which meanwhile writes what came before.
"""
from __future__ import annotations

import ctypes
import faulthandler
import gc
import mmap
import os
import queue
import resource
import signal
import sys
import threading
import time
import traceback
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from multiprocessing import Pipe
from multiprocessing.connection import Connection, wait

WATCH_SECONDS = 0.1  # how often the watchdog looks at the workers' clocks
NEAR_BUDGET = 0.5  # a worker that died with its peak memory past this share of the budget ran out of it
CHUNK = -1  # the file index of a worker between files (building the chunk's tables)
HELD = 2  # chunks a worker holds at a time: the one it parses and the next
SLOT = 3  # doubles per worker in the shared clocks: the chunk's number, the file's index, when it started
MAX_RETRIES = 3  # a chunk given back this often without a file to blame is settled whole

_SLOT: ctypes.Array | None = None  # in a worker: its place in the shared clocks
_NUMBER = [0]  # in a worker: the number of the chunk it is on


def parsing(index: int | None) -> None:
    """In a worker: the file ``index`` of its chunk is being parsed from now (None: none is)."""
    if _SLOT is not None:
        _SLOT[0], _SLOT[1] = _NUMBER[0], CHUNK if index is None else index
        _SLOT[2] = 0.0 if index is None else time.monotonic()


def more_time(seconds: float) -> None:
    """In a worker: the file being parsed may take ``seconds`` more (OCR's pages, which take seconds each)."""
    if _SLOT is not None and _SLOT[2]:
        _SLOT[2] += seconds


@dataclass
class _Task:
    number: int
    chunk: list
    settled: dict[int, str] = field(default_factory=dict)  # file index → the warning it is settled with
    failed_between: int = 0  # deaths (or errors) outside any one file
    given_back: int = 0  # times handed back unparsed by a worker that died on another chunk

    def settle(self, index: int, warning: str) -> "_Task":
        """The task again, the file ``index`` settled (CHUNK: a failure between files, retried
        once, then every file of the chunk not yet settled is, so that the run completes)."""
        if index != CHUNK:
            return _Task(self.number, self.chunk, {**self.settled, index: warning}, self.failed_between)
        if self.failed_between == 0:
            return _Task(self.number, self.chunk, self.settled, 1)
        if self.failed_between == 1:
            return _Task(self.number, self.chunk, {i: self.settled.get(i, warning) for i in range(len(self.chunk))}, 2)
        raise RuntimeError(f"a worker died building the tables of settled files ({warning})")

    def again(self, warning: str) -> "_Task":
        """The task handed back by a worker that died on another: as it was, until it is handed
        back too often (then as a failure between its files)."""
        if self.given_back + 1 >= MAX_RETRIES:
            return self.settle(CHUNK, warning)
        return _Task(self.number, self.chunk, self.settled, self.failed_between, self.given_back + 1)


@dataclass
class _Worker:
    slot: int
    pid: int
    conn: Connection
    tasks: deque = field(default_factory=deque)  # the chunks handed to it and not yet answered, in order
    killed: tuple[int, int] | None = None  # (chunk number, file index) the watchdog killed it on


class Workers:
    """``jobs`` worker processes running ``work(chunk, settled)`` on chunks, results in order.

    ``work`` gets the chunk and the files of it settled by earlier deaths ({index: warning}); it
    calls ``parsing(i)`` before each file and ``parsing(None)`` after the last."""

    def __init__(self, jobs: int, work: Callable, initializer: Callable, initargs: tuple,
                 memory_bytes: int, seconds: float) -> None:
        self.work, self.initializer, self.initargs = work, initializer, initargs
        self.memory_bytes, self.seconds = memory_bytes, seconds
        self._clocks_map = mmap.mmap(-1, 8 * SLOT * jobs)  # shared with every worker (MAP_SHARED)
        self._clocks = (ctypes.c_double * (SLOT * jobs)).from_buffer(self._clocks_map)
        self._workers: list[_Worker | None] = [None] * jobs
        self._lock = threading.Lock()
        self._closing = threading.Event()
        for slot in range(jobs):
            self._start(slot)
        self._watchdog = threading.Thread(target=self._watch, name="gia-watchdog", daemon=True)
        self._watchdog.start()

    # --- the run's side ---------------------------------------------------------------------

    def map(self, chunks: Iterable[list], ahead: int) -> Iterator:
        """``work`` over ``chunks``, the results in the chunks' order, at most ``ahead`` chunks out."""
        chunks = iter(chunks)
        pending: deque[_Task] = deque()  # to hand out (given back ones first)
        done: dict[int, object] = {}
        taken = yielded = 0
        exhausted = False
        while True:
            while not exhausted and taken - yielded < ahead:
                chunk = next(chunks, None)
                if chunk is None:
                    exhausted = True
                    break
                pending.append(_Task(taken, chunk))
                taken += 1
            for worker in self._workers:
                while pending and worker is not None and len(worker.tasks) < HELD:
                    self._hand(worker, pending.popleft())
            if yielded in done:
                yield done.pop(yielded)
                yielded += 1
                continue
            if exhausted and yielded == taken:
                return
            busy = [w for w in self._workers if w is not None and w.tasks]
            for conn in wait([w.conn for w in busy], timeout=1.0):
                worker = next(w for w in busy if w.conn is conn)
                try:
                    number, outcome, value = conn.recv()
                except (EOFError, OSError):
                    pending.extendleft(reversed(self._died(worker)))
                    continue
                task = worker.tasks.popleft()
                assert task.number == number, (task.number, number)
                if outcome == "ok":
                    done[number] = value
                else:  # a Python error outside any one file
                    pending.appendleft(task.settle(CHUNK, f"parser_error:{value}"))

    def _hand(self, worker: _Worker, task: _Task) -> None:
        worker.tasks.append(task)
        try:
            worker.conn.send((task.number, task.chunk, task.settled))
        except OSError:  # it died before taking it: noticed when its connection closes
            pass

    def _died(self, worker: _Worker) -> list[_Task]:
        """A worker died: replace it, and give back its chunks, the one it died on with the file
        it died on settled."""
        base = SLOT * worker.slot
        with self._lock:
            number, index, started = int(self._clocks[base]), int(self._clocks[base + 1]), self._clocks[base + 2]
            _, status, usage = os.wait4(worker.pid, 0)
            self._workers[worker.slot] = None
        worker.conn.close()
        if worker.killed is not None:
            (number, index), started = worker.killed, 1.0
            warning = f"parser_timeout:{self.seconds:g}s"
        elif self.memory_bytes > 0 and usage.ru_maxrss * 1024 >= NEAR_BUDGET * self.memory_bytes:
            warning = "unreadable:resource_limit"
        elif os.WIFSIGNALED(status):
            warning = f"parser_crash:{signal.Signals(os.WTERMSIG(status)).name}"
        else:
            warning = f"parser_crash:exit_{os.WEXITSTATUS(status)}"
        self._start(worker.slot)
        return [task.settle(index if started else CHUNK, warning) if task.number == number else task.again(warning)
                for task in worker.tasks]

    def _watch(self) -> None:
        """Kill the worker whose file has been parsing longer than the time budget."""
        while not self._closing.wait(WATCH_SECONDS):
            if self.seconds <= 0:
                continue
            now = time.monotonic()
            with self._lock:
                for worker in self._workers:
                    if worker is None or worker.killed is not None:
                        continue
                    base = SLOT * worker.slot
                    started = self._clocks[base + 2]
                    if started and now - started > self.seconds:
                        worker.killed = (int(self._clocks[base]), int(self._clocks[base + 1]))
                        os.kill(worker.pid, signal.SIGKILL)

    def _start(self, slot: int) -> None:
        base = SLOT * slot
        self._clocks[base], self._clocks[base + 1], self._clocks[base + 2] = -1, CHUNK, 0.0
        ours, theirs = Pipe()
        pid = os.fork()
        if pid == 0:  # the worker
            try:
                ours.close()
                for other in self._workers:
                    if other is not None:
                        other.conn.close()
                self._serve(slot, theirs)
            finally:
                os._exit(0)
        theirs.close()
        self._workers[slot] = _Worker(slot, pid, ours)

    def _serve(self, slot: int, conn: Connection) -> None:
        global _SLOT
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # ^C is the run's to handle: it ends the workers
        faulthandler.disable()  # a crash is the file's status, not a traceback (pytest enables it)
        if sys.platform == "linux":
            ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG: it dies with the run
        _SLOT = (ctypes.c_double * SLOT).from_buffer(self._clocks_map, 8 * SLOT * slot)
        self.initializer(*self.initargs)
        gc.disable()  # the work collects the young generations itself, after each chunk
        if self.memory_bytes > 0:
            limit = _address_space() + self.memory_bytes
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        replies: queue.SimpleQueue = queue.SimpleQueue()
        sender = threading.Thread(target=_send, args=(conn, replies), daemon=True)
        sender.start()
        while True:
            try:
                number, chunk, settled = conn.recv()
            except (EOFError, OSError):
                break
            _NUMBER[0] = number
            try:
                reply = (number, "ok", self.work(chunk, settled))
            except Exception as e:  # a bug outside any one file: the run retries, then settles the chunk
                reply = (number, "error", f"{type(e).__name__}:{e}")
                traceback.print_exc(limit=-3, file=sys.stderr)
            parsing(None)
            replies.put(reply)
        replies.put(None)
        sender.join()

    def close(self) -> None:
        self._closing.set()
        self._watchdog.join()
        for worker in self._workers:
            if worker is None:
                continue
            worker.conn.close()  # it reads EOF and exits
        for worker in self._workers:
            if worker is None:
                continue
            try:
                os.kill(worker.pid, signal.SIGKILL)
                os.waitpid(worker.pid, 0)
            except (ProcessLookupError, ChildProcessError):
                pass
        self._workers = []
        del self._clocks
        self._clocks_map.close()


def _send(conn: Connection, replies: queue.SimpleQueue) -> None:
    """In a worker: send the chunks' tables as they are done (the next chunk is parsed meanwhile)."""
    while (reply := replies.get()) is not None:
        try:
            conn.send(reply)
        except (OSError, ValueError):
            return


def _address_space() -> int:
    """The worker's address space now (what its imports and the run's tables already reserved)."""
    with open("/proc/self/statm") as f:
        return int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
