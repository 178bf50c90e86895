"""``--executor dask``: the ingest's unit of work (a chunk of files → staging tables) on a Dask
cluster, for corpora past one machine (OCR of a province's scans is tens of CPU-hours).

The driver lists the files, sends chunks and writes what comes back in the order sent, exactly as
with local worker processes: the staging is the same bytes. Workers read the raw files by their
paths, so RAW_DIR must be at the same path on every worker (a shared folder). Dask is an optional
extra (``pip install '.[dask]'``).
"""
from __future__ import annotations

import os

from . import cli


class DaskPool:
    """What cli._in_order needs of a pool (``submit(fn, item)`` → a future with ``result()``), on a
    Dask client: the scheduler at ``address``, or a LocalCluster of ``jobs`` worker processes."""

    def __init__(self, address: str | None, jobs: int | None, settings: tuple):
        try:
            from distributed import Client, LocalCluster
        except ImportError:
            raise SystemExit("--executor dask needs the dask extra: pip install '.[dask]'") from None
        self.settings = settings
        self._cluster = None
        if address is None:
            self._cluster = LocalCluster(n_workers=jobs or os.cpu_count() or 1, threads_per_worker=1, processes=True,
                                         dashboard_address=None)
            address = self._cluster.scheduler_address
        self.client = Client(address)
        self.workers = max(1, sum(w.get("nthreads", 1) for w in self.client.scheduler_info()["workers"].values()))

    def submit(self, fn, item):
        return self.client.submit(_on_worker, self.settings, fn, item, pure=False)

    def __enter__(self) -> "DaskPool":
        return self

    def __exit__(self, *exc) -> None:
        self.client.close()
        if self._cluster is not None:
            self._cluster.close()


def _on_worker(settings: tuple, fn, item):
    """``fn(item)`` in a Dask worker, its state (the form, the settings) made once per process."""
    if cli._WORKER.get("settings") != settings:
        cli._init_worker(*settings)
    return fn(item)
