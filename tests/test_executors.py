"""The ingest's chunks run on a Dask cluster (``--executor dask``) give the staging the local
worker processes give: the same rows, the same bytes of every column."""
from pathlib import Path

import polars as pl
import pytest

from ingest.cli import main, run
from ingest.staging import RUN_KEY, STAGED_FILES

DEV = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "dev" / "raw"
SAMPLES = Path(__file__).resolve().parents[1] / "samples" / "raw"


def _contents(staging: Path) -> dict:
    """Each staged table and its file metadata, the run's own fingerprint apart."""
    out = {}
    for name in STAGED_FILES:
        path = staging / f"{name}.parquet"
        meta = {k: v for k, v in pl.read_parquet_metadata(path).items() if k != RUN_KEY}
        out[name] = (pl.read_parquet(path), meta)
    return out


def test_a_dask_local_cluster_of_two_workers_stages_what_the_local_run_does(tmp_path):
    raw = DEV if DEV.is_dir() else SAMPLES
    local = run(raw, tmp_path / "local", jobs=2, progress=False)
    dask = run(raw, tmp_path / "dask", jobs=2, progress=False, executor="dask")
    assert local == dask and local["files"] == len(list(raw.iterdir()))
    a, b = _contents(tmp_path / "local"), _contents(tmp_path / "dask")
    for name in STAGED_FILES:
        assert a[name][0].equals(b[name][0]), name
        assert a[name][1] == b[name][1], name
        assert a[name][0].height > 0


def test_a_scheduler_address_needs_the_dask_executor(tmp_path, capsys):
    with pytest.raises(SystemExit) as stopped:
        main([str(SAMPLES), "--out", str(tmp_path / "s"), "--scheduler", "tcp://127.0.0.1:8786"])
    assert stopped.value.code == 2
    assert "--scheduler needs --executor dask" in capsys.readouterr().err
