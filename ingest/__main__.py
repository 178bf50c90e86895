"""``python -m ingest`` and ``gia-ingest``: the options are read before the reader loads (see
``ingest.options``), so ``--help`` and a usage error answer at once."""
import sys

from .options import parse


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    from .cli import execute  # the reader and the Parquet writer: only for a run
    return execute(args)


if __name__ == "__main__":
    sys.exit(main())
