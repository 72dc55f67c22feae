"""The dashboard's data layer: read-only, one connection per query, and it
follows a new warehouse published by atomic rename over WAREHOUSE_PATH."""

from __future__ import annotations

import os
from datetime import date

import duckdb
import pytest

from dashboard import charts, data
from dashboard import queries as q


def make_warehouse(path, n_calls: int) -> None:
    con = duckdb.connect(str(path))
    try:
        con.execute("create schema marts")
        con.execute("create table marts.fct_call as select 'c' || i as call_id from range(?) t(i)", [n_calls])
    finally:
        con.close()


def test_each_query_sees_the_file_published_last(tmp_path):
    published = tmp_path / "warehouse.duckdb"
    make_warehouse(published, 2)
    assert data.query(published, "select count(*) as n from marts.fct_call")["n"][0] == 2
    version = data.file_version(published)

    building = tmp_path / "warehouse.duckdb.building"
    make_warehouse(building, 5)
    os.replace(building, published)  # what the DAG's publish task does

    assert data.file_version(published) != version
    assert data.query(published, "select count(*) as n from marts.fct_call")["n"][0] == 5


def test_queries_open_the_file_read_only(tmp_path):
    published = tmp_path / "warehouse.duckdb"
    make_warehouse(published, 1)
    with pytest.raises(duckdb.Error, match="read-only"):
        data.query(published, "create table marts.oops (x int)")
    # no connection is left open: a writer can take the file right away
    con = duckdb.connect(str(published))
    con.execute("drop table marts.fct_call")
    con.close()


def test_a_missing_or_old_warehouse_is_explained(tmp_path):
    assert "make run" in data.problem(tmp_path / "absent.duckdb")
    old = tmp_path / "old.duckdb"
    make_warehouse(old, 1)
    assert "rpt_fact_evidence" in data.problem(old)


def test_filters_become_parameters_not_sql_text():
    f = q.Filters(date_from=date(2022, 1, 1), countries=("USA", "RUS'; drop table x; --"), actors=("lloyd-austin",))
    query = q.call_summary(f)
    assert "drop table" not in query.sql
    assert set(query.params.values()) >= {date(2022, 1, 1), "USA", "RUS'; drop table x; --", "lloyd-austin"}


def test_network_layout_is_deterministic_and_inside_the_frame():
    nodes = ["a", "b", "c", "d", "e"]
    edges = [("a", "b", 2.0), ("b", "c", 1.0), ("d", "e", 1.0)]
    first = charts.spring_layout(nodes, edges)
    assert first == charts.spring_layout(nodes, edges)
    assert set(first) == set(nodes)
    assert all(-1.0 <= x <= 1.0 and -1.0 <= y <= 1.0 for x, y in first.values())
    assert len(set(first.values())) == len(nodes)


def test_the_status_line_says_a_failed_last_run_and_the_last_good_publication(tmp_path):
    from datetime import datetime

    from extract.warehouse.load import apply_schema, connect
    from extract.warehouse.run_log import record_failed_run, record_run

    path = tmp_path / "warehouse.duckdb"
    make_warehouse(path, 2)
    assert data.last_run_status(path) is None  # no audit tables: the marts still show
    con = connect(path)
    apply_schema(con)
    record_run(con, "run-good", None, datetime(2026, 11, 21, 0, 1), datetime(2026, 11, 21, 0, 5), {})
    con.close()
    assert data.last_run_status(path) == "Last run: 2026-11-21 00:05 UTC, published, validation passed"
    record_failed_run(path, "run-bad", None, datetime(2026, 11, 22, 0, 1), datetime(2026, 11, 22, 0, 5),
                      "validate_raw failed: critical expectations failed: article_calls.raw mode_known (1 rows)")
    assert data.last_run_status(path) == (
        "Last run: 2026-11-22 00:05 UTC, FAILED: validate_raw failed: critical expectations failed: "
        "article_calls.raw mode_known (1 rows). Last good publication: 2026-11-21 00:05 UTC (run run-good); "
        "the data shown is from it.")


def test_a_warehouse_that_only_logged_a_failed_run_says_so(tmp_path):
    from datetime import datetime

    from extract.warehouse.run_log import record_failed_run

    path = tmp_path / "warehouse.duckdb"
    record_failed_run(path, "run-1", None, datetime(2026, 11, 22), datetime(2026, 11, 22, 0, 5), "load_raw failed: x")
    assert data.problem(path) == (f"`{path}` holds no marts yet. Last run: 2026-11-22 00:05 UTC, FAILED: "
                                  "load_raw failed: x. No run has published yet.")
