# make demo: set up, ingest the bundled sample reports, build the warehouse, print a summary.
# make test: every test (unit, sample corpus, end to end).
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
DBT := $(VENV)/bin/dbt
RAW ?= samples/raw
STAGING ?= staging
WAREHOUSE ?= warehouse/gia.duckdb
export DO_NOT_TRACK := 1
export DBT_PROFILES_DIR := $(CURDIR)
export GIA_STAGING_DIR := $(abspath $(STAGING))
export GIA_WAREHOUSE := $(abspath $(WAREHOUSE))

.PHONY: demo test ingest build summary export docs bench clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $@

ingest: $(VENV)/.installed
	$(PY) -m ingest $(RAW) --out $(STAGING)

# dbt build into a new file, swapped in only when it succeeds (readers keep the old one)
build: ingest
	$(PY) -m ingest.publish --warehouse $(WAREHOUSE) --staging $(STAGING) -- --quiet

summary: $(VENV)/.installed
	$(PY) -m ingest.summary

demo: build summary

# the marts as Parquet, for tools that read files
export: $(VENV)/.installed
	mkdir -p export
	$(DBT) run-operation export_marts --args '{path: export}'

# browse the documentation: open target/static_index.html, or run `.venv/bin/dbt docs serve`
docs: $(VENV)/.installed
	$(DBT) docs generate --static

# 1k, 10k and 100k generated reports: ingest, dbt build, analyses; writes BENCHMARKS.md (~15 min)
bench: $(VENV)/.installed
	$(PY) bench/run.py

test: $(VENV)/.installed
	$(PY) -m pytest -q

clean:
	rm -rf $(STAGING) warehouse target logs export
