import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
SAMPLE_COUNT = len(list((SAMPLES / "raw").iterdir()))  # the bundled real reports


@pytest.fixture(scope="session")
def form():
    from ingest.form import load_form
    return load_form()


def load_gold(name: str) -> dict:
    return json.loads((SAMPLES / "gold" / name).read_text(encoding="utf-8"))
