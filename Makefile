# Two commands do everything on a fresh machine: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
UV_VERSION := 0.13.9

export PYTHONPATH := $(CURDIR)
export NEWS_INBOX ?= $(CURDIR)/sample_inbox
export WAREHOUSE_PATH ?= $(CURDIR)/var/warehouse.duckdb
export AIRFLOW_HOME := $(CURDIR)/var/airflow
export AIRFLOW__CORE__DAGS_FOLDER := $(CURDIR)/dags
export AIRFLOW__CORE__LOAD_EXAMPLES := False
export AIRFLOW__CORE__PARALLELISM := 2
export AIRFLOW__CORE__UNIT_TEST_MODE := False
export AIRFLOW__LOGGING__LOGGING_LEVEL := WARNING
export AIRFLOW__COSMOS__ENABLE_TELEMETRY := False
export DO_NOT_TRACK := 1
export SCARF_NO_ANALYTICS := true
export DBT_SEND_ANONYMOUS_USAGE_STATS := false
export NO_COLOR := 1

DAG_ID := news_warehouse_daily

.PHONY: install run test eval lint clean

$(BIN)/.installed: requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet uv==$(UV_VERSION)
	# Compiled bytecode: this machine sets PYTHONDONTWRITEBYTECODE, and imports are 2x slower without it.
	$(BIN)/uv pip sync --python $(BIN)/python --compile-bytecode requirements.lock
	touch $@

install: $(BIN)/.installed

$(AIRFLOW_HOME)/airflow.db: $(BIN)/.installed
	mkdir -p $(AIRFLOW_HOME)
	$(BIN)/airflow db migrate > $(AIRFLOW_HOME)/db-migrate.log 2>&1 || (cat $(AIRFLOW_HOME)/db-migrate.log; exit 1)

run: $(AIRFLOW_HOME)/airflow.db
	@echo "inbox: $(NEWS_INBOX)"
	@echo "warehouse: $(WAREHOUSE_PATH)"
	@set -o pipefail; $(BIN)/airflow dags test $(DAG_ID) > $(AIRFLOW_HOME)/last-run.log 2>&1 \
		|| (tail -60 $(AIRFLOW_HOME)/last-run.log; echo "run failed: full log in $(AIRFLOW_HOME)/last-run.log"; exit 1)
	@$(BIN)/python -m extract.summary "$(WAREHOUSE_PATH)"

# Scores extraction against gold facts: the seeds and the dev set beside the repo.
SHARED ?= $(CURDIR)/../shared
EVAL_SETS ?= seeds:$(SHARED)/seeds:$(SHARED)/gold/seeds_gold.json dev:$(SHARED)/dev/articles:$(SHARED)/dev/gold.json

eval: $(AIRFLOW_HOME)/airflow.db
	@mkdir -p var/eval
	@set -e; for spec in $(EVAL_SETS); do \
		IFS=: read -r name inbox gold <<< "$$spec"; \
		rm -f var/eval/$$name.duckdb; \
		NEWS_INBOX=$$inbox WAREHOUSE_PATH=$(CURDIR)/var/eval/$$name.duckdb \
			$(BIN)/airflow dags test $(DAG_ID) > var/eval/$$name.log 2>&1 \
			|| (tail -40 var/eval/$$name.log; exit 1); \
		$(BIN)/python -m extract.evaluate --warehouse var/eval/$$name.duckdb --gold $$gold \
			--label $$name --json var/eval/$$name.json; \
	done

test: $(BIN)/.installed
	$(BIN)/python -m pytest

lint: $(BIN)/.installed
	$(BIN)/ruff check extract expectations dags tests

clean:
	rm -rf var
