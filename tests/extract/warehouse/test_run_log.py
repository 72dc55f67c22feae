"""audit.run_log: the row of a published run, built from what the build file holds, and of a failed run."""

import os
from datetime import UTC, datetime

from extract.warehouse.load import apply_schema, connect
from extract.warehouse.run_log import failed_expectations, load_counts, record_failed_run, record_run, run_folder_name
from extract.warehouse.summary import summary

COUNTS = {"n_inputs": 3, "n_loaded": 2, "n_duplicates": 0, "n_rejected": 1, "n_calls": 4, "n_aid": 1,
          "n_unchanged": 0, "n_superseded": 0}
STARTED = datetime(2026, 11, 22, 0, 5, 7, 123456, tzinfo=UTC)
FINISHED = datetime(2026, 11, 22, 0, 9)


def _validation(con, run_id: str, severity: str, success: bool) -> None:
    con.execute("insert into audit.validation_results (run_id, suite_name, expectation, severity, success, validated_at) "
                "values (?, 'fct_call.marts', 'x', ?, ?, ?)", [run_id, severity, success, FINISHED])


def test_the_row_takes_its_status_from_the_runs_validation_and_a_rerun_replaces_it(tmp_path):
    con = connect(tmp_path / "w.duckdb")
    apply_schema(con)
    _validation(con, "run-1", "critical", True)
    _validation(con, "run-1", "warning", False)
    _validation(con, "run-0", "critical", False)  # another run's failure is not this run's
    row = record_run(con, "run-1", datetime(2026, 11, 21, tzinfo=UTC), STARTED, FINISHED, COUNTS)
    assert row["validation_status"] == "warned"
    assert row["started_at"] == datetime(2026, 11, 22, 0, 5, 7) and row["logical_date"] == datetime(2026, 11, 21)
    assert row["n_quarantined"] is None  # dbt never built audit.quarantine here
    assert row["n_calls_published"] is None and row["n_aid_published"] is None  # nor the marts
    record_run(con, "run-1", None, STARTED, FINISHED, COUNTS | {"n_loaded": 3})
    assert con.execute("select count(*), max(n_loaded), max(validation_status) from audit.run_log").fetchone() == (1, 3, "warned")
    con.close()


def test_a_run_id_becomes_one_folder_name():
    assert run_folder_name("manual__2026-12-03T08:57:50.864018+00:00") == "manual__2026-12-03T08_57_50.864018_00_00"


def test_the_summary_reads_the_last_run(tmp_path):
    path = tmp_path / "w.duckdb"
    con = connect(path)
    apply_schema(con)
    con.execute("create schema if not exists marts; create table marts.fct_call (call_id varchar); "
                "create table marts.fct_aid (aid_id varchar)")
    record_run(con, "run-1", None, STARTED, FINISHED, COUNTS)
    con.close()
    text = summary(path)
    assert "run run-1" in text and "articles read: 3 (loaded 2, duplicates 0, rejected 1)" in text
    assert "validation: passed" in text and str(tmp_path / "reports" / "run-1") in text
    assert "data docs" not in text  # only when the caller says where the site is
    docs = tmp_path / "gx" / "uncommitted" / "data_docs" / "local_site" / "index.html"
    assert summary(path, docs).splitlines()[-1] == f"  data docs: {docs}"


def test_the_row_keeps_the_sizes_of_the_published_marts_not_the_loaded_counts(tmp_path):
    con = connect(tmp_path / "w.duckdb")
    apply_schema(con)
    con.execute("create schema if not exists marts; create table marts.fct_call (call_id varchar); "
                "create table marts.fct_aid (aid_id varchar); "
                "insert into marts.fct_call values ('c1'), ('c2'), ('c3'); insert into marts.fct_aid values ('a1')")
    # a day that loaded nothing new still publishes the marts history built
    row = record_run(con, "run-2", None, STARTED, FINISHED, COUNTS | {"n_calls": 0, "n_aid": 0})
    assert (row["n_calls_published"], row["n_aid_published"], row["status"]) == (3, 1, "published")
    assert con.execute("select n_calls_published, n_aid_published from audit.run_log").fetchone() == (3, 1)
    # n_calls counts calls, not the article-level reports loaded: six reports of three calls are three
    row = record_run(con, "run-3", None, STARTED, FINISHED, COUNTS | {"n_calls": 6, "n_aid": 2})
    assert (row["n_calls"], row["n_aid"]) == (3, 1)
    con.close()


def _published_warehouse(path):
    con = connect(path)
    apply_schema(con)
    con.execute("create schema if not exists marts; create table marts.fct_call (call_id varchar); "
                "create table marts.fct_aid (aid_id varchar); "
                "insert into marts.fct_call values ('c1'), ('c2'); insert into marts.fct_aid values ('a1')")
    record_run(con, "run-good", None, STARTED, FINISHED, COUNTS)
    con.close()


def test_a_failed_run_gets_its_row_in_the_published_warehouse_and_the_marts_stay(tmp_path):
    path = tmp_path / "w.duckdb"
    _published_warehouse(path)
    inode = os.stat(path).st_ino
    later = datetime(2026, 11, 23, 0, 9)
    reason = "validate_raw failed: critical expectations failed: article_calls.raw mode_known on mode (1 rows)"
    row = record_failed_run(path, "run-bad", datetime(2026, 11, 22, tzinfo=UTC), STARTED, later, reason,
                            {"n_inputs": 2, "n_loaded": 2}, "failed")
    assert os.stat(path).st_ino != inode, "the row must arrive by an atomic rename, as a publish does"
    assert not (tmp_path / "w.duckdb.failed-run").exists()
    assert (row["status"], row["n_calls"], row["n_calls_published"], row["n_aid_published"]) == ("failed", None, 2, 1)
    con = connect(path, read_only=True)
    rows = con.execute("select run_id, status, reason, validation_status, n_inputs, n_rejected from audit.run_log "
                       "order by finished_at").fetchall()
    assert con.execute("select count(*) from marts.fct_call").fetchone() == (2,)
    con.close()
    assert rows == [("run-good", "published", None, "passed", 3, 1), ("run-bad", "failed", reason, "failed", 2, None)]
    text = summary(path)
    assert "run run-bad" in text and f"status: FAILED, nothing published: {reason}" in text
    assert "last good publication: run run-good (finished 2026-11-22 00:09 UTC)" in text
    assert "calls in marts.fct_call: 2" in text and "validation: failed" in text
    # a re-run that fails again replaces its row
    record_failed_run(path, "run-bad", None, STARTED, later, "load_raw failed: OSError: disk full")
    con = connect(path, read_only=True)
    assert con.execute("select count(*), max(reason) from audit.run_log where run_id = 'run-bad'").fetchone() == (
        1, "load_raw failed: OSError: disk full")
    con.close()


def test_a_failed_first_run_creates_a_warehouse_with_the_schema_only(tmp_path):
    path = tmp_path / "w.duckdb"
    record_failed_run(path, "run-1", None, STARTED, FINISHED, "prepare_build failed: OSError: no space")
    con = connect(path, read_only=True)
    assert con.execute("select status, n_calls_published from audit.run_log").fetchall() == [("failed", None)]
    assert con.execute("select count(*) from information_schema.tables where table_schema = 'marts'").fetchone() == (0,)
    con.close()
    text = summary(path)
    assert "last good publication: none" in text and "calls in marts.fct_call: -" in text


def test_the_reason_names_the_failed_critical_expectations_and_the_counts_come_from_the_ledger(tmp_path):
    con = connect(tmp_path / "build.duckdb")
    apply_schema(con)
    _validation(con, "run-1", "critical", False)
    _validation(con, "run-1", "warning", False)  # a warning is not why a run failed
    _validation(con, "run-0", "critical", False)
    con.execute("insert into audit.input_ledger (source_uri, content_hash, status, first_seen_at, run_id) values "
                "('a', 'h1', 'loaded', ?, 'run-1'), ('b', 'h2', 'rejected', ?, 'run-1'), ('c', 'h3', 'loaded', ?, 'run-0')",
                [FINISHED] * 3)
    assert failed_expectations(con, "run-1") == ["fct_call.marts x"]
    assert load_counts(con, "run-1") == {"n_inputs": 2, "n_loaded": 1, "n_duplicates": 0, "n_rejected": 1}
    con.close()
