"""Two runs started together on one warehouse take turns instead of writing the same build file.

This is `make run` (or a backfill) beside the scheduler's daily run: two Airflow
homes, so Airflow's own `max_active_runs` cannot hold either back. Only the
build lock beside the warehouse does.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from extract.tasks.settings import PROJECT_ROOT
from tests.e2e.conftest import DagRunner

INBOX = PROJECT_ROOT / "sample_inbox"


def test_runs_started_together_take_turns_and_both_publish(tmp_path_factory):
    warehouse = tmp_path_factory.mktemp("shared-warehouse") / "warehouse.duckdb"
    daily = DagRunner(tmp_path_factory.mktemp("airflow-daily"))
    backfill = DagRunner(tmp_path_factory.mktemp("airflow-backfill"))
    # Pages stay in each home's own store; the inbox is what both read.
    runs = [daily.start(INBOX, warehouse, "2026-11-21"), backfill.start(INBOX, warehouse, "2026-11-01")]
    outputs = [run.communicate(timeout=900)[0] for run in runs]
    for run, output in zip(runs, outputs, strict=True):
        assert run.returncode == 0, output[-4000:]

    waited = [output for output in outputs if "claim_warehouse" in output and "up_for_reschedule" in output]
    assert len(waited) == 1, "exactly one run should have waited for the other's build"
    assert not Path(str(warehouse) + ".lock").exists(), "the lock outlived both runs"
    assert not Path(str(warehouse) + ".building").exists()

    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        logged = con.execute("select logical_date::date::varchar from audit.run_log order by 1").fetchall()
        ledger = con.execute("select status, count(*) from audit.input_ledger group by 1 order by 1").fetchall()
    finally:
        con.close()
    assert logged == [("2026-11-01",), ("2026-11-21",)]
    n_inbox = len([p for p in INBOX.iterdir() if p.is_file() and not p.name.startswith(".")])
    assert sum(n for _, n in ledger) == n_inbox, ledger  # the second run found every input already loaded
