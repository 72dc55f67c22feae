"""Running the real DAG (`airflow dags test`) in a scratch Airflow home."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from extract.settings import PROJECT_ROOT

SHARED = PROJECT_ROOT.parent / "shared"
DAG_ID = "news_warehouse_daily"


def airflow_env(tmp: Path, inbox: Path, warehouse: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update({
        "PYTHONPATH": str(PROJECT_ROOT),
        "AIRFLOW_HOME": str(tmp / "airflow"),
        "AIRFLOW__CORE__DAGS_FOLDER": str(PROJECT_ROOT / "dags"),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__CORE__PARALLELISM": "2",
        "AIRFLOW__CORE__UNIT_TEST_MODE": "False",
        "DO_NOT_TRACK": "1", "SCARF_NO_ANALYTICS": "true", "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        "NEWS_INBOX": str(inbox), "WAREHOUSE_PATH": str(warehouse),
        "PIPELINE_WORK_DIR": str(tmp / "work"),
    })
    return env


def run_airflow(env: dict[str, str], *args: str, check: bool = True) -> subprocess.CompletedProcess:
    airflow = Path(sys.executable).with_name("airflow")
    result = subprocess.run([str(airflow), *args], env=env, capture_output=True, text=True, timeout=900)
    if check and result.returncode != 0:
        raise AssertionError(f"airflow {' '.join(args)} failed:\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}")
    return result


class DagRunner:
    """One scratch Airflow home; `run()` runs the DAG once over an inbox into a warehouse."""

    def __init__(self, tmp: Path):
        self.tmp = tmp
        self.migrated = False

    def run(self, inbox: Path, warehouse: Path, logical_date: str | None = None, check: bool = True,
            **extra_env: str) -> subprocess.CompletedProcess:
        env = airflow_env(self.tmp, inbox, warehouse)
        env.update(extra_env)
        if not self.migrated:
            run_airflow(env, "db", "migrate")
            self.migrated = True
        args = ["dags", "test", DAG_ID] + ([logical_date] if logical_date else [])
        return run_airflow(env, *args, check=check)


@pytest.fixture(scope="session")
def dag_runner(tmp_path_factory) -> DagRunner:
    return DagRunner(tmp_path_factory.mktemp("airflow-e2e"))


@pytest.fixture(scope="session")
def fingerprints():
    return table_fingerprints


def table_fingerprints(warehouse: Path, schema: str) -> dict[str, str]:
    """A content hash per table of `schema`, independent of row order."""
    import duckdb

    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        tables = [r[0] for r in con.execute(
            "select table_name from information_schema.tables where table_schema = ? order by 1", [schema]).fetchall()]
        out = {}
        for table in tables:
            rows = con.execute(f"select * from {schema}.{table}").fetchall()
            digest = hashlib.sha256("\n".join(sorted(map(repr, rows))).encode()).hexdigest()
            out[table] = f"{len(rows)}:{digest}"
        return out
    finally:
        con.close()
