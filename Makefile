# make demo: set up, ingest the bundled sample reports, build the demo warehouse, print a summary.
# make test: every test (unit, sample corpus, end to end).
# Your own reports: make ingest RAW=path/to/reports [STAGING=staging]  then  make build [WAREHOUSE=…]
# (build publishes what STAGING holds; it never reads RAW). `make help` lists every target.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
DBT := $(VENV)/bin/dbt
RAW ?= samples/raw
STAGING ?= staging
WAREHOUSE ?= warehouse/gia.duckdb
DEMO_STAGING := demo/staging
DEMO_WAREHOUSE := demo/gia.duckdb
export DO_NOT_TRACK := 1
export DBT_PROFILES_DIR := $(CURDIR)
export GIA_STAGING_DIR := $(abspath $(STAGING))
export GIA_WAREHOUSE := $(abspath $(WAREHOUSE))

.PHONY: help demo test ingest build summary export app docs bench clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -e '.[dev,app]'
	touch $@

help:
	@echo "make demo                        set up, ingest samples/raw into $(DEMO_STAGING), build $(DEMO_WAREHOUSE), summary"
	@echo "make ingest RAW=DIR [STAGING=DIR] read a folder of reports into staging Parquet (incremental)"
	@echo "make build [STAGING=DIR] [WAREHOUSE=FILE]  dbt build from STAGING into WAREHOUSE (swapped in when green)"
	@echo "make summary [WAREHOUSE=FILE]    print what the warehouse holds"
	@echo "make export [FORMAT=csv|xlsx|parquet] [WAREHOUSE=FILE]  the marts as files in export/"
	@echo "make app [WAREHOUSE=FILE]        the dashboard at http://localhost:8501 (try WAREHOUSE=demo/gia.duckdb)"
	@echo "make docs | make bench | make test | make clean"

ingest: $(VENV)/.installed
	$(PY) -m ingest $(RAW) --out $(STAGING)

# dbt build from STAGING into a new file, swapped in only when it succeeds (readers keep the old one)
build: $(VENV)/.installed
	@test -f $(STAGING)/reports.parquet || { echo "no staging in $(STAGING): run make ingest RAW=… STAGING=$(STAGING) first"; exit 2; }
	$(PY) -m ingest.publish --warehouse $(WAREHOUSE) --staging $(STAGING) -- --quiet

summary: $(VENV)/.installed
	$(PY) -m ingest.summary --warehouse $(WAREHOUSE)

demo: $(VENV)/.installed
	$(MAKE) --no-print-directory ingest RAW=samples/raw STAGING=$(DEMO_STAGING)
	$(MAKE) --no-print-directory build STAGING=$(DEMO_STAGING) WAREHOUSE=$(DEMO_WAREHOUSE)
	$(MAKE) --no-print-directory summary WAREHOUSE=$(DEMO_WAREHOUSE)

# the marts as files people open: FORMAT=csv (UTF-8 with BOM, for Excel) | xlsx | parquet, into export/
FORMAT ?= csv
export: $(VENV)/.installed
	$(PY) -m ingest.export --warehouse $(WAREHOUSE) --format $(FORMAT) --out export

# the dashboard (Streamlit) on WAREHOUSE, read-only, at http://localhost:8501
app: $(VENV)/.installed
	$(VENV)/bin/streamlit run dashboard/app.py --server.headless true --browser.gatherUsageStats false -- --warehouse $(WAREHOUSE)

# browse the documentation: open target/static_index.html, or run `.venv/bin/dbt docs serve`
docs: $(VENV)/.installed
	$(DBT) docs generate --static

# 1k, 10k and 100k generated reports: ingest, dbt build, analyses; writes BENCHMARKS.md (~15 min)
bench: $(VENV)/.installed
	$(PY) bench/run.py $(if $(AGAINST),--against $(AGAINST))

test: $(VENV)/.installed
	$(PY) -m pytest -q

clean:
	rm -rf $(STAGING) demo warehouse target logs export
