"""audit.run_log: the row of a published run, built from what the build file holds."""

from datetime import UTC, datetime

from extract.warehouse.load import apply_schema, connect
from extract.warehouse.run_log import record_run, run_folder_name
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


def test_the_row_keeps_the_sizes_of_the_published_marts_not_the_loaded_counts(tmp_path):
    con = connect(tmp_path / "w.duckdb")
    apply_schema(con)
    con.execute("create schema if not exists marts; create table marts.fct_call (call_id varchar); "
                "create table marts.fct_aid (aid_id varchar); "
                "insert into marts.fct_call values ('c1'), ('c2'), ('c3'); insert into marts.fct_aid values ('a1')")
    # a day that loaded nothing new still publishes the marts history built
    row = record_run(con, "run-2", None, STARTED, FINISHED, COUNTS | {"n_calls": 0, "n_aid": 0})
    assert (row["n_calls"], row["n_aid"], row["n_calls_published"], row["n_aid_published"]) == (0, 0, 3, 1)
    assert con.execute("select n_calls_published, n_aid_published from audit.run_log").fetchone() == (3, 1)
    con.close()
