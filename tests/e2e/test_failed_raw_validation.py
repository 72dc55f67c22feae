"""A run whose raw data fails a critical expectation stops at validate_raw, promptly, and publishes nothing.

The per-model dbt tasks run after the producer whatever its outcome (so that a failed build
reports per model); when the producer never ran, they must skip rather than wait for it.
"""

from __future__ import annotations

import os
import sqlite3
import textwrap
from datetime import UTC, datetime
from pathlib import Path

from tests.e2e.conftest import DagRunner

# Dated 2031 by its own date line, in a file last written in 2026 (its mtime is its fetch time):
# "published after it was fetched" is a critical raw expectation, on any day the test runs.
FUTURE_ARTICLE = textwrap.dedent("""\
    Thủ tướng Nhật Bản điện đàm với Thủ tướng Australia

    20/05/2031 08:00 GMT+7

    Chiều 19/5, Thủ tướng Nhật Bản đã điện đàm với Thủ tướng Australia về hợp tác an ninh khu vực.
    Hai nhà lãnh đạo nhất trí tăng cường trao đổi đoàn và phối hợp tại các diễn đàn đa phương.
""")


def test_a_critical_raw_failure_stops_the_run_without_running_dbt(tmp_path_factory):
    home = tmp_path_factory.mktemp("airflow-raw-failure")
    inbox = home / "inbox"
    inbox.mkdir()
    article = inbox / "tuong-lai.txt"
    article.write_text(FUTURE_ARTICLE, encoding="utf-8")
    fetched = datetime(2026, 11, 20, 9, 0, tzinfo=UTC).timestamp()
    os.utime(article, (fetched, fetched))
    warehouse = home / "warehouse.duckdb"
    runner = DagRunner(home)
    run = runner.start(inbox, warehouse, "2026-11-20")
    output = run.communicate(timeout=300)[0]  # waiting per-model tasks would hang here
    assert run.returncode != 0, output[-3000:]

    assert not warehouse.exists(), "a failed first run published a warehouse"
    assert not Path(f"{warehouse}.lock").exists(), "the failed run kept the build lock"
    con = sqlite3.connect(home / "airflow" / "airflow.db")
    try:
        states = dict(con.execute("select task_id, state from task_instance").fetchall())
    finally:
        con.close()
    assert states["validate_raw"] == "failed"
    assert states["dbt.dbt_producer_watcher"] == "upstream_failed"
    per_model = {task: state for task, state in states.items() if task.endswith((".run", ".test"))}
    assert per_model and set(per_model.values()) == {"skipped"}, per_model
    assert states["publish"] == "upstream_failed"
