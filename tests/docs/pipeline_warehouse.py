"""A warehouse built by the real pipeline, once per test session.

`airflow dags test news_warehouse_daily` over the repo's `sample_inbox/`
into a scratch Airflow home and a scratch WAREHOUSE_PATH (the same pattern
as `tests/e2e/conftest.py`). The docs and dashboard tests share it: the
first one to ask builds it under pytest's session temp dir, the others
reuse the file. Tests only ever open it read-only.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from extract.settings import PROJECT_ROOT

DAG_ID = "news_warehouse_daily"
SAMPLE_INBOX = PROJECT_ROOT / "sample_inbox"


def airflow_env(home: Path, inbox: Path, warehouse: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update({
        "PYTHONPATH": str(PROJECT_ROOT),
        "AIRFLOW_HOME": str(home / "airflow"),
        "AIRFLOW__CORE__DAGS_FOLDER": str(PROJECT_ROOT / "dags"),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__CORE__PARALLELISM": "2",
        "AIRFLOW__CORE__UNIT_TEST_MODE": "False",
        "AIRFLOW__LOGGING__LOGGING_LEVEL": "WARNING",
        "DO_NOT_TRACK": "1", "SCARF_NO_ANALYTICS": "true", "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        "NEWS_INBOX": str(inbox), "WAREHOUSE_PATH": str(warehouse),
        "PIPELINE_WORK_DIR": str(home / "work"), "PAGE_STORE": str(home / "pages"),
    })
    env.pop("NEWS_SOURCES", None)  # the inbox only: no fetching in tests
    return env


def _airflow(env: dict[str, str], *args: str) -> None:
    airflow = Path(sys.executable).with_name("airflow")
    result = subprocess.run([str(airflow), *args], env=env, capture_output=True, text=True, timeout=900)
    if result.returncode != 0:
        raise AssertionError(f"airflow {' '.join(args)} failed:\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}")


def build_pipeline_warehouse(tmp_path_factory, inbox: Path = SAMPLE_INBOX) -> Path:
    """The published warehouse of one DAG run over `inbox` (built on first use in this session)."""
    home = tmp_path_factory.getbasetemp() / f"pipeline-warehouse-{inbox.name}"
    warehouse = home / "warehouse.duckdb"
    if warehouse.exists():
        return warehouse
    home.mkdir(parents=True, exist_ok=True)
    env = airflow_env(home, inbox, warehouse)
    _airflow(env, "db", "migrate")
    _airflow(env, "dags", "test", DAG_ID)
    assert warehouse.exists(), f"the DAG run published nothing at {warehouse}"
    return warehouse
