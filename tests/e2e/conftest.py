"""Running the real DAG (`airflow dags test`) in a scratch Airflow home."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import pytest

from extract.tasks.settings import PROJECT_ROOT
from tests.airflow_runner import DAG_ID, airflow_env, run_airflow

SHARED = PROJECT_ROOT.parent / "shared"


class DagRunner:
    """One scratch Airflow home; `run()` runs the DAG once over an inbox into a warehouse."""

    def __init__(self, tmp: Path):
        self.tmp = tmp
        self.migrated = False

    def run(self, inbox: Path, warehouse: Path, logical_date: str | None = None, check: bool = True,
            **extra_env: str) -> subprocess.CompletedProcess:
        env = self._env(inbox, warehouse, extra_env)
        args = ["dags", "test", DAG_ID] + ([logical_date] if logical_date else [])
        return run_airflow(env, *args, check=check)

    def start(self, inbox: Path, warehouse: Path, logical_date: str, output: Path | None = None,
              **extra_env: str) -> subprocess.Popen:
        """Start a run in the background; the caller waits for it.

        With `output`, the run's output goes to that file and the run is the leader of its own
        process group, so that a test can kill it and everything it started (`os.killpg`).
        """
        env = self._env(inbox, warehouse, extra_env)
        airflow = Path(sys.executable).with_name("airflow")
        command = [str(airflow), "dags", "test", DAG_ID, logical_date]
        if output is not None:
            with output.open("w", encoding="utf-8") as sink:
                return subprocess.Popen(command, env=env, stdout=sink, stderr=subprocess.STDOUT, text=True,
                                        start_new_session=True)
        return subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)

    def _env(self, inbox: Path, warehouse: Path, extra_env: dict[str, str]) -> dict[str, str]:
        env = airflow_env(self.tmp, inbox, warehouse)
        env.update(extra_env)
        if not self.migrated:
            run_airflow(env, "db", "migrate")
            self.migrated = True
        return env


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
