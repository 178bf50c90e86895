# `make` lists the targets. One warehouse everywhere: every target, the dashboard, the DuckDB CLI line
# and dbt's profile use warehouse/gia.duckdb built from staging/ unless given WAREHOUSE= / STAGING=,
# and `make demo` builds exactly those from the bundled samples.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
DBT := $(VENV)/bin/dbt
RAW ?= samples/raw
STAGING ?= staging
WAREHOUSE ?= warehouse/gia.duckdb
FORMAT ?= csv
PORT ?= 8501
# unit and parser tests: no dbt build, no subprocess pools (make test runs everything)
FAST_TESTS := tests/unit tests/test_parse.py tests/test_shapes.py tests/test_samples.py tests/test_formats.py \
              tests/test_properties.py tests/test_synth.py tests/test_incremental.py
export DO_NOT_TRACK := 1
export DBT_PROFILES_DIR := $(CURDIR)
export GIA_STAGING_DIR := $(abspath $(STAGING))
export GIA_WAREHOUSE := $(abspath $(WAREHOUSE))

.DEFAULT_GOAL := help
.PHONY: help demo test test-fast ingest build summary export app docs shell bench clean

help:
	@echo "make demo                 set up .venv, ingest samples/raw into $(STAGING)/, build $(WAREHOUSE), print a summary"
	@echo "make ingest RAW=DIR       read a folder of reports into $(STAGING)/ (incremental: re-run after adding files)"
	@echo "make build                dbt build from $(STAGING)/ into $(WAREHOUSE) (swapped in only when it succeeds)"
	@echo "make summary              print what the warehouse holds"
	@echo "make shell                the DuckDB CLI on the warehouse, read-only"
	@echo "make export [FORMAT=csv|xlsx|parquet]   every mart as files in export/"
	@echo "make app [PORT=8501]      the dashboard at http://localhost:8501"
	@echo "make docs                 the data dictionary as one page: target/static_index.html"
	@echo "make test                 every test, a test file per core; make test-fast: unit and parser tests (16 s)"
	@echo "make bench [QUICK=1]      benchmarks (BENCHMARKS.md); QUICK=1: small corpora in a temporary folder"
	@echo "make clean [ALL=1]        remove what make demo made (ALL=1: also your staging/, warehouse/, export/)"
	@echo "Variables: RAW (default samples/raw), STAGING (staging), WAREHOUSE (warehouse/gia.duckdb), FORMAT, PORT"

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -e '.[dev,app]'
	touch $@

demo: $(VENV)/.installed
	@$(PY) -m ingest.workspace demo-check $(STAGING) $(WAREHOUSE)
	$(MAKE) --no-print-directory ingest RAW=samples/raw
	$(MAKE) --no-print-directory build
	@$(PY) -m ingest.workspace demo-mark $(STAGING) $(WAREHOUSE)
	$(MAKE) --no-print-directory summary

ingest: $(VENV)/.installed
	$(PY) -m ingest $(RAW) --out $(STAGING)

# dbt build from STAGING into a new file, swapped in only when it succeeds (readers keep the old one)
build: $(VENV)/.installed
	@test -f $(STAGING)/reports.parquet || { echo "no staging in $(STAGING)/: run make ingest RAW=… first" >&2; exit 2; }
	$(PY) -m ingest.publish --warehouse $(WAREHOUSE) --staging $(STAGING) -- --quiet

summary: $(VENV)/.installed
	@$(PY) -m ingest.summary --warehouse $(WAREHOUSE)

shell: $(VENV)/.installed
	@$(PY) -m ingest.workspace check $(WAREHOUSE)
	$(VENV)/bin/duckdb -readonly $(WAREHOUSE)

export: $(VENV)/.installed
	@$(PY) -m ingest.export --warehouse $(WAREHOUSE) --format $(FORMAT) --out export

app: $(VENV)/.installed
	@$(PY) -m ingest.workspace check $(WAREHOUSE)
	$(VENV)/bin/streamlit run dashboard/app.py --server.headless true --server.port $(PORT) \
	    --browser.gatherUsageStats false -- --warehouse $(WAREHOUSE) --raw $(RAW)

# the catalog is read from the built file (dbt parse compiles nothing, so staging is not needed)
docs: $(VENV)/.installed
	@$(PY) -m ingest.workspace check $(WAREHOUSE)
	$(DBT) parse --quiet
	$(DBT) docs generate --static --no-compile --quiet
	@echo "open target/static_index.html in a browser"

# the full run writes BENCHMARKS.md (about 45 minutes, several GB under bench/data); QUICK=1 measures
# small corpora in a temporary folder it removes and prints the report (a few minutes)
bench: $(VENV)/.installed
	$(PY) bench/run.py $(if $(QUICK),--quick) $(if $(AGAINST),--against $(AGAINST))

# every test file on its own core (pytest-xdist; a file's tests stay together, sharing its fixtures)
test: $(VENV)/.installed
	$(PY) -m pytest -q -n auto --dist loadfile

# in one process: spreading 20 seconds of tests over workers costs more than it saves
test-fast: $(VENV)/.installed
	$(PY) -m pytest -q $(FAST_TESTS)

clean:
	@$(if $(wildcard $(PY)),$(PY),$(PYTHON)) -m ingest.workspace clean $(if $(ALL),--all)
