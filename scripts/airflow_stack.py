"""Airflow for real on this machine: api-server + scheduler + dag-processor (+ triggerer).

Everything listens on 127.0.0.1 only: the api-server gets `--host 127.0.0.1`, and the
scheduler and triggerer run with `--skip-serve-logs` (their log servers would bind every
interface; the api-server reads task logs from the local log folder instead).
Metadata in SQLite under AIRFLOW_HOME, LocalExecutor, low parallelism, telemetry off,
and the simple auth manager with every visitor an admin (local use only).

    python scripts/airflow_stack.py serve [--home var/airflow] [--port 8080]

`serve` runs until Ctrl-C (or SIGTERM) and then stops every process it started.
`scripts/scheduler_smoke.py` uses the same `AirflowStack` for a one-run check.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DAG_ID = "news_warehouse_daily"
COMPONENTS = {
    "api-server": ["api-server", "--host", "127.0.0.1", "--port", "{port}", "--workers", "1"],
    "scheduler": ["scheduler", "--skip-serve-logs"],
    "dag-processor": ["dag-processor"],
    "triggerer": ["triggerer", "--skip-serve-logs"],
}


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def airflow_env(home: Path, port: int, extra: dict[str, str] | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env.update({
        "AIRFLOW_HOME": str(home),
        "PYTHONPATH": str(REPO),
        "AIRFLOW__CORE__DAGS_FOLDER": str(REPO / "dags"),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__CORE__EXECUTOR": "LocalExecutor",
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{home / 'airflow.db'}",
        "AIRFLOW__CORE__PARALLELISM": env.get("AIRFLOW__CORE__PARALLELISM", "4"),
        "AIRFLOW__CORE__UNIT_TEST_MODE": "False",
        "AIRFLOW__API__BASE_URL": f"http://127.0.0.1:{port}",
        "AIRFLOW__API__HOST": "127.0.0.1",
        "AIRFLOW__API__PORT": str(port),
        "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"http://127.0.0.1:{port}/execution/",
        "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_ALL_ADMINS": env.get("AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_ALL_ADMINS", "True"),
        "AIRFLOW__DAG_PROCESSOR__REFRESH_INTERVAL": "30",
        "AIRFLOW__DAG_PROCESSOR__PARSING_PROCESSES": "1",
        "AIRFLOW__SCHEDULER__ENABLE_HEALTH_CHECK": "False",
        "AIRFLOW__LOGGING__LOGGING_LEVEL": env.get("AIRFLOW__LOGGING__LOGGING_LEVEL", "WARNING"),
        # Telemetry off: Airflow, Scarf, dbt, Cosmos.
        "AIRFLOW__USAGE_DATA_COLLECTION__ENABLED": "False",
        "SCARF_NO_ANALYTICS": "true",
        "DO_NOT_TRACK": "1",
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        "AIRFLOW__COSMOS__ENABLE_TELEMETRY": "False",
        # Our producer task never retries, so Cosmos need not back up every XCom to a Variable.
        "AIRFLOW__COSMOS__ENABLE_WATCHER_RELIABLE_RETRY": "False",
        "NO_COLOR": "1",
    })
    env.update(extra or {})
    return env


class AirflowStack:
    def __init__(self, home: Path, port: int | None = None, extra_env: dict[str, str] | None = None,
                 components: tuple[str, ...] = ("api-server", "scheduler", "dag-processor", "triggerer")):
        self.home = home.resolve()
        self.port = port or free_port()
        self.env = airflow_env(self.home, self.port, extra_env)
        self.components = components
        self.procs: dict[str, subprocess.Popen] = {}
        self.airflow = str(Path(sys.executable).with_name("airflow"))

    def cli(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run([self.airflow, *args], env=self.env, capture_output=True, text=True, check=check)

    def migrate(self) -> None:
        self.home.mkdir(parents=True, exist_ok=True)
        result = self.cli("db", "migrate", check=False)
        (self.home / "db-migrate.log").write_text(result.stdout + result.stderr)
        if result.returncode:
            raise RuntimeError(f"airflow db migrate failed: see {self.home / 'db-migrate.log'}")

    def start(self) -> None:
        logs = self.home / "stack-logs"
        logs.mkdir(parents=True, exist_ok=True)
        for name in self.components:
            args = [a.format(port=self.port) for a in COMPONENTS[name]]
            out = open(logs / f"{name}.log", "ab")
            # A session of its own: stop() signals the component's whole process group.
            self.procs[name] = subprocess.Popen([self.airflow, *args], env=self.env, stdout=out, stderr=subprocess.STDOUT,
                                                start_new_session=True, cwd=str(REPO))

    def check_alive(self) -> None:
        dead = {n: p.returncode for n, p in self.procs.items() if p.poll() is not None}
        if dead:
            raise RuntimeError(f"Airflow components exited: {dead}; see {self.home / 'stack-logs'}")

    def wait_http(self, timeout: float = 120) -> None:
        import urllib.request

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.check_alive()
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/api/v2/monitor/health", timeout=2) as r:
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(1)
        raise TimeoutError(f"api-server did not answer on 127.0.0.1:{self.port} within {timeout:.0f}s")

    def stop(self, grace: float = 30) -> None:
        for proc in self.procs.values():
            if proc.poll() is None:
                try:
                    os.killpg(proc.pid, signal.SIGTERM)
                except ProcessLookupError:
                    pass
        deadline = time.monotonic() + grace
        for name, proc in self.procs.items():
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                print(f"{name} did not stop in {grace:.0f}s: killing its process group", file=sys.stderr)
                try:
                    os.killpg(proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                proc.wait()
        self.procs.clear()


def serve(args: argparse.Namespace) -> int:
    stack = AirflowStack(Path(args.home), args.port)
    stack.migrate()
    stack.start()
    stop = {"now": False}

    def on_signal(signum, _frame):
        stop["now"] = True

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    try:
        stack.wait_http()
        print(f"Airflow UI: http://127.0.0.1:{stack.port}  (simple auth manager, everyone is admin)")
        print(f"DAG {DAG_ID} is scheduled @daily; it starts paused: unpause it in the UI or with")
        print(f"  AIRFLOW_HOME={stack.home} {stack.airflow} dags unpause {DAG_ID}")
        print(f"logs: {stack.home / 'stack-logs'}  ·  Ctrl-C stops everything")
        while not stop["now"]:
            stack.check_alive()
            time.sleep(1)
    finally:
        stack.stop()
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("serve", help="run Airflow until Ctrl-C")
    p.add_argument("--home", default=os.environ.get("AIRFLOW_HOME", str(REPO / "var" / "airflow")))
    p.add_argument("--port", type=int, default=int(os.environ.get("AIRFLOW_PORT", "8080")))
    args = parser.parse_args()
    return serve(args)


if __name__ == "__main__":
    sys.exit(main())
