"""A run whose raw data fails a critical expectation stops at validate_raw, promptly, and publishes nothing,
but logs itself in the published audit.run_log as failed, with the expectation that failed.

The per-model dbt tasks run after the producer whatever its outcome (so that a failed build
reports per model); when the producer never ran, they must skip rather than wait for it.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from extract.warehouse.load import apply_schema, connect
from extract.warehouse.summary import summary
from tests.e2e.conftest import DagRunner, table_fingerprints

# A row no extractor writes: a call by letter. A malformed raw row is a broken schema, a
# critical raw expectation (mode_known), not a wrong fact that dbt could quarantine. It sits
# in the published warehouse, which every run starts its build from.
BROKEN_ROWS = """
insert into raw.articles (article_id, source_uri, fetched_at, body_text, content_hash, n_sentences,
                          extractor_version, run_id, loaded_at)
values ('broken-article', '/inbox/thu.txt', timestamp '2026-11-19 09:00', 'Thư.', 'h', 1, 'old', 'run-0',
        timestamp '2026-11-19 09:00');
insert into raw.article_calls (article_call_id, article_id, sentence_index, evidence_text, call_date,
                               date_precision, mode, confidence)
values ('broken-call', 'broken-article', 0, 'Thư.', date '2024-01-02', 'day', 'letter', 0.9);
"""


def test_a_critical_raw_failure_stops_the_run_without_running_dbt(tmp_path_factory):
    home = tmp_path_factory.mktemp("airflow-raw-failure")
    inbox = home / "inbox"
    inbox.mkdir()
    warehouse = home / "warehouse.duckdb"
    con = connect(warehouse)
    try:
        apply_schema(con)
        con.execute(BROKEN_ROWS)
    finally:
        con.close()
    published = {schema: table_fingerprints(warehouse, schema) for schema in ("raw", "marts")}
    runner = DagRunner(home)
    run = runner.start(inbox, warehouse, "2026-11-20")
    output = run.communicate(timeout=300)[0]  # waiting per-model tasks would hang here
    assert run.returncode != 0, output[-3000:]

    # nothing of the build is published: only the run's own row is new
    assert {schema: table_fingerprints(warehouse, schema) for schema in ("raw", "marts")} == published
    assert not Path(f"{warehouse}.lock").exists(), "the failed run kept the build lock"
    con = connect(warehouse, read_only=True)
    try:
        rows = con.execute("select run_id, status, reason, validation_status, n_calls from audit.run_log").fetchall()
    finally:
        con.close()
    assert len(rows) == 1, rows
    run_id, status, reason, validation, n_calls = rows[0]
    assert (status, validation, n_calls) == ("failed", "failed", None)
    assert reason.startswith("validate_raw failed: critical expectations failed: ") and "mode_known" in reason, reason
    text = summary(warehouse)
    assert f"run {run_id}" in text and "status: FAILED, nothing published: validate_raw failed" in text, text
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
