# Two commands do everything on a fresh machine: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
UV_VERSION := 0.13.9

export PYTHONPATH := $(CURDIR)
export NEWS_INBOX ?= $(CURDIR)/sample_inbox
export WAREHOUSE_PATH ?= $(CURDIR)/var/warehouse.duckdb
# The Great Expectations context (expectations/context.py); its uncommitted/ holds results and Data Docs.
export GX_CONTEXT_DIR ?= $(CURDIR)/gx
GX_DATA_DOCS = $(GX_CONTEXT_DIR)/uncommitted/data_docs/local_site/index.html
# One Airflow home per purpose, so scratch runs never mix into the served history:
# `make airflow` keeps the real one, `make run` and `make eval` their own (each a SQLite file).
AIRFLOW_HOMES := $(CURDIR)/var/airflow
export AIRFLOW_HOME := $(AIRFLOW_HOMES)/served
export AIRFLOW__CORE__DAGS_FOLDER := $(CURDIR)/dags
export AIRFLOW__CORE__LOAD_EXAMPLES := False
export AIRFLOW__CORE__PARALLELISM := 2
export AIRFLOW__CORE__UNIT_TEST_MODE := False
export AIRFLOW__LOGGING__LOGGING_LEVEL := WARNING
export AIRFLOW__COSMOS__ENABLE_TELEMETRY := False
# Our dbt producer task never retries, so Cosmos need not back every XCom push up to an Airflow Variable.
export AIRFLOW__COSMOS__ENABLE_WATCHER_RELIABLE_RETRY := False
export DO_NOT_TRACK := 1
export SCARF_NO_ANALYTICS := true
export DBT_SEND_ANONYMOUS_USAGE_STATS := false
export NO_COLOR := 1

DAG_ID := news_warehouse_daily
# The dbt manifest Cosmos renders the `dbt` task group from, so the DAG file parses in ~0.4 s.
MANIFEST := dbt_project/target/manifest.json
DBT_PROJECT_FILES := $(shell find dbt_project -path dbt_project/target -prune -o -path dbt_project/logs -prune \
	-o -type f \( -name '*.sql' -o -name '*.yml' -o -name '*.csv' \) -print)

.PHONY: install manifest run test test-crash eval bench lint clean airflow scheduler-smoke check-sources rules-docs gx-suites

$(BIN)/.installed: requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet uv==$(UV_VERSION)
	# Compiled bytecode: this machine sets PYTHONDONTWRITEBYTECODE, and imports are 2x slower without it.
	$(BIN)/uv pip sync --python $(BIN)/python --compile-bytecode requirements.lock
	touch $@

install: $(BIN)/.installed $(MANIFEST)

# `dbt parse` opens no database: DBT_DUCKDB_PATH (read by profiles.yml) only has to be set.
$(MANIFEST): $(BIN)/.installed $(DBT_PROJECT_FILES)
	DBT_DUCKDB_PATH=$(CURDIR)/var/dbt-parse.duckdb $(BIN)/dbt parse --project-dir dbt_project \
		--profiles-dir dbt_project --target-path target --quiet
	touch $@

manifest: $(MANIFEST)

$(AIRFLOW_HOMES)/%/airflow.db: $(BIN)/.installed
	mkdir -p $(@D)
	AIRFLOW_HOME=$(@D) $(BIN)/airflow db migrate > $(@D)/db-migrate.log 2>&1 || (cat $(@D)/db-migrate.log; exit 1)

run: export AIRFLOW_HOME := $(AIRFLOW_HOMES)/run
run: $(AIRFLOW_HOMES)/run/airflow.db $(MANIFEST)
	@echo "inbox: $(NEWS_INBOX)"
	@echo "warehouse: $(WAREHOUSE_PATH)"
	@set -o pipefail; $(BIN)/airflow dags test $(DAG_ID) > $(AIRFLOW_HOME)/last-run.log 2>&1 \
		|| (tail -60 $(AIRFLOW_HOME)/last-run.log; echo "run failed: full log in $(AIRFLOW_HOME)/last-run.log"; exit 1)
	@$(BIN)/python -m extract.warehouse.summary "$(WAREHOUSE_PATH)" "$(GX_DATA_DOCS)"

# Scores extraction against gold facts: the seeds and the dev set beside the repo.
SHARED ?= $(CURDIR)/../shared
EVAL_SETS ?= seeds:$(SHARED)/seeds:$(SHARED)/gold/seeds_gold.json dev:$(SHARED)/dev/articles:$(SHARED)/dev/gold.json \
	dev2:$(SHARED)/dev2/articles:$(SHARED)/dev2/gold.json \
	holdout:$(CURDIR)/tests/fixtures/holdout/articles:$(CURDIR)/tests/fixtures/holdout/gold.json \
	holdout2:$(CURDIR)/tests/fixtures/holdout2/articles:$(CURDIR)/tests/fixtures/holdout2/gold.json \
	holdout3:$(CURDIR)/tests/fixtures/holdout3/articles:$(CURDIR)/tests/fixtures/holdout3/gold.json \
	holdout4:$(CURDIR)/tests/fixtures/holdout4/articles:$(CURDIR)/tests/fixtures/holdout4/gold.json \
	holdout5:$(CURDIR)/tests/fixtures/holdout5/articles:$(CURDIR)/tests/fixtures/holdout5/gold.json

eval: export AIRFLOW_HOME := $(AIRFLOW_HOMES)/eval
eval: $(AIRFLOW_HOMES)/eval/airflow.db $(MANIFEST)
	@mkdir -p var/eval
	@set -e; for spec in $(EVAL_SETS); do \
		IFS=: read -r name inbox gold <<< "$$spec"; \
		rm -f var/eval/$$name.duckdb var/eval/$$name.duckdb.lock; \
		NEWS_INBOX=$$inbox WAREHOUSE_PATH=$(CURDIR)/var/eval/$$name.duckdb \
			$(BIN)/airflow dags test $(DAG_ID) > var/eval/$$name.log 2>&1 \
			|| (tail -40 var/eval/$$name.log; exit 1); \
		$(BIN)/python -m extract.scoring.evaluate --warehouse var/eval/$$name.duckdb --gold $$gold \
			--label $$name --json var/eval/$$name.json; \
	done

# The in-process tests run twice more with the clock moved a year ahead and a year behind
# (tests/conftest.py --clock): a test that passes today must pass in a year. The tests that start
# Airflow or dbt as subprocesses pin their logical dates and file times instead.
CLOCK_DAYS ?= 2027-12-31 2026-01-02
CLOCK_TESTS ?= tests/extract tests/expectations tests/dags
test: $(BIN)/.installed $(MANIFEST)
	$(BIN)/python -m pytest --durations=12 -m "not crash"
	@set -e; for day in $(CLOCK_DAYS); do \
		echo "== the date-sensitive tests under a clock set to $$day"; \
		$(BIN)/python -m pytest -q -p no:cacheprovider --clock $$day $(CLOCK_TESTS); \
	done

# Extraction throughput and peak memory (a benchmark prints figures; no test times anything).
bench: $(BIN)/.installed
	$(BIN)/python scripts/benchmark_extraction.py

# docs/rules.md is written from the rule files (extract/nlp/rules/*.yaml); a test fails while it is stale.
rules-docs: $(BIN)/.installed
	$(BIN)/python -m extract.nlp.rulebook > docs/rules.md

lint: $(BIN)/.installed
	$(BIN)/ruff check extract expectations dags tests scripts dashboard
	cd dbt_project && ../$(BIN)/sqlfluff lint models tests

clean:
	rm -rf var $(GX_CONTEXT_DIR)/uncommitted

# Saves the suites of expectations/suites.py, their validation definitions and checkpoints into gx/ (commit them).
gx-suites: $(BIN)/.installed
	$(BIN)/python -m expectations.context "$(GX_CONTEXT_DIR)"

# Airflow for real on 127.0.0.1: api-server + scheduler + dag-processor + triggerer, LocalExecutor,
# SQLite in $(AIRFLOW_HOME), every visitor an admin (simple auth manager), until Ctrl-C.
# 4 slots: the per-model dbt tasks only read XCom; DuckDB's one writer is kept by the DAG's shape.
AIRFLOW_PORT ?= 8080
airflow: $(AIRFLOW_HOMES)/served/airflow.db $(MANIFEST)
	AIRFLOW__CORE__PARALLELISM=4 $(BIN)/python scripts/airflow_stack.py serve --home $(AIRFLOW_HOME) --port $(AIRFLOW_PORT)

# Reads each feed in config/sources.toml once (nothing stored) and says which answer and list articles.
SOURCES ?= config/sources.toml
check-sources: $(BIN)/.installed
	$(BIN)/python -m extract.sources.check --config $(SOURCES)

# One daily run under the real scheduler in a scratch AIRFLOW_HOME, then everything stops.
# SMOKE_ARGS="--mode backfill --date 2026-11-10": a backfill run beside the daily one (they take turns).
SMOKE_ARGS ?=
scheduler-smoke: $(BIN)/.installed $(MANIFEST)
	AIRFLOW__CORE__PARALLELISM=4 $(BIN)/python scripts/scheduler_smoke.py $(SMOKE_ARGS)

# ---------------------------------------------------------------------------
# For analysts and dashboards: dbt docs, source freshness, the dashboard, and
# the browser the dashboard's test drives. All read a published warehouse
# (built by `make run` when missing) and never write to it.
DASHBOARD_PORT ?= 8501
DOCS_DIR ?= $(CURDIR)/var/docs

.PHONY: docs freshness dashboard browser-deps

$(WAREHOUSE_PATH):
	$(MAKE) run

# dbt reads the catalog from a scratch copy (same file name, so relations read
# `warehouse.marts.<table>`), and a running DAG or dashboard is never blocked.
DOCS_COPY = $(DOCS_DIR)/.build/$(notdir $(WAREHOUSE_PATH))
docs: $(BIN)/.installed $(WAREHOUSE_PATH)
	@mkdir -p "$(DOCS_DIR)/.build"
	@cp "$(WAREHOUSE_PATH)" "$(DOCS_COPY)"
	@set -o pipefail; DBT_DUCKDB_PATH="$(DOCS_COPY)" $(BIN)/dbt docs generate --static \
		--project-dir dbt_project --profiles-dir dbt_project --target-path "$(DOCS_DIR)" \
		--log-path "$(DOCS_DIR)/.build/logs" > "$(DOCS_DIR)/.build/dbt-docs.log" 2>&1 \
		|| (rm -f "$(DOCS_COPY)"; tail -30 "$(DOCS_DIR)/.build/dbt-docs.log"; exit 1)
	@rm -f "$(DOCS_COPY)" "$(DOCS_COPY).wal"
	@echo "dbt docs (one self-contained file, opens offline): $(DOCS_DIR)/static_index.html"
	@echo "or serve them: $(BIN)/dbt docs serve --project-dir dbt_project --profiles-dir dbt_project --target-path $(DOCS_DIR) --host 127.0.0.1 --port 8080 --no-browser"

# Warn-only freshness of the raw and audit sources (newest article fetched, last run finished).
freshness: $(BIN)/.installed $(WAREHOUSE_PATH)
	@mkdir -p "$(DOCS_DIR)/.build"
	@cp "$(WAREHOUSE_PATH)" "$(DOCS_DIR)/.build/freshness.duckdb"
	@DBT_DUCKDB_PATH="$(DOCS_DIR)/.build/freshness.duckdb" $(BIN)/dbt source freshness \
		--project-dir dbt_project --profiles-dir dbt_project --target-path "$(DOCS_DIR)/.build/freshness" \
		--log-path "$(DOCS_DIR)/.build/logs"; status=$$?; \
		rm -f "$(DOCS_DIR)/.build/freshness.duckdb" "$(DOCS_DIR)/.build/freshness.duckdb.wal"; exit $$status

dashboard: $(BIN)/.installed $(WAREHOUSE_PATH)
	@echo "dashboard on http://127.0.0.1:$(DASHBOARD_PORT) reading $(WAREHOUSE_PATH) (read-only)"
	$(BIN)/streamlit run dashboard/app.py --server.address 127.0.0.1 --server.port $(DASHBOARD_PORT) \
		--server.headless true --server.fileWatcherType none --browser.gatherUsageStats false \
		--client.toolbarMode viewer

# Debian's chromium + chromium-driver for tests/dashboard/test_dashboard_browser.py
# (no browser downloads); without root or apt the browser test skips and says why.
browser-deps:
	@if command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1; then :; \
	elif ! command -v apt-get >/dev/null 2>&1; then \
		echo "browser-deps: no apt-get; install chromium and chromedriver to run the browser test"; \
	else \
		if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO="sudo -n"; fi; \
		echo "browser-deps: apt-get install chromium chromium-driver"; \
		mkdir -p var; \
		( $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium chromium-driver ) \
			> var/browser-deps.log 2>&1 \
			|| echo "browser-deps: could not install chromium (var/browser-deps.log): the browser test will skip"; \
	fi

test: browser-deps

# tests/e2e/test_crash_safety.py: a run killed in each task, then run again (about 15 min; CI runs it after make test).
test-crash: $(BIN)/.installed $(MANIFEST)
	$(BIN)/python -m pytest -q -p no:cacheprovider tests/e2e/test_crash_safety.py
