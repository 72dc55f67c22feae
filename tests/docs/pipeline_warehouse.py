"""A warehouse built by the real pipeline, once per test session.

`airflow dags test news_warehouse_daily` over the repo's `sample_inbox/`
into a scratch Airflow home and a scratch WAREHOUSE_PATH (through
`tests/airflow_runner.py`, as the e2e tests). The docs and dashboard tests share it: the
first one to ask builds it under pytest's session temp dir, the others
reuse the file. Tests only ever open it read-only.
"""

from __future__ import annotations

from pathlib import Path

from extract.tasks.settings import PROJECT_ROOT
from tests.airflow_runner import DAG_ID, airflow_env, run_airflow

SAMPLE_INBOX = PROJECT_ROOT / "sample_inbox"


def build_pipeline_warehouse(tmp_path_factory, inbox: Path = SAMPLE_INBOX) -> Path:
    """The published warehouse of one DAG run over `inbox` (built on first use in this session)."""
    home = tmp_path_factory.getbasetemp() / f"pipeline-warehouse-{inbox.name}"
    warehouse = home / "warehouse.duckdb"
    if warehouse.exists():
        return warehouse
    home.mkdir(parents=True, exist_ok=True)
    env = airflow_env(home, inbox, warehouse)
    run_airflow(env, "db", "migrate")
    run_airflow(env, "dags", "test", DAG_ID)
    assert warehouse.exists(), f"the DAG run published nothing at {warehouse}"
    return warehouse
