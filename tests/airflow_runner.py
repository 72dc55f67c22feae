"""Running the real DAG (`airflow dags test`) from tests, in a scratch Airflow home.

Everything a run writes (Airflow's SQLite DB, work files, the page store, the
warehouse) stays under the caller's temp folder, and no feed is fetched unless
a test sets NEWS_SOURCES itself.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from extract.tasks.settings import PROJECT_ROOT

DAG_ID = "news_warehouse_daily"


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
        "AIRFLOW__COSMOS__ENABLE_TELEMETRY": "False",
        # As the Makefile: the dbt producer never retries, so no Variable backs its XCom pushes.
        "AIRFLOW__COSMOS__ENABLE_WATCHER_RELIABLE_RETRY": "False",
        "NEWS_INBOX": str(inbox), "WAREHOUSE_PATH": str(warehouse),
        "PIPELINE_WORK_DIR": str(home / "work"), "PAGE_STORE": str(home / "pages"),
        # The run's own GX context: never the project's gx/, never another test's results.
        "GX_CONTEXT_DIR": str(home / "gx"),
    })
    env.pop("NEWS_SOURCES", None)
    return env


def run_airflow(env: dict[str, str], *args: str, check: bool = True) -> subprocess.CompletedProcess:
    airflow = Path(sys.executable).with_name("airflow")
    result = subprocess.run([str(airflow), *args], env=env, capture_output=True, text=True, timeout=900)
    if check and result.returncode != 0:
        raise AssertionError(f"airflow {' '.join(args)} failed:\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}")
    return result
