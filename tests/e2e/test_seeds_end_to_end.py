"""The real DAG over the user's five example articles, checked against the gold facts."""

from __future__ import annotations

import json

import duckdb
import pytest

from extract.scoring.evaluate import evaluate, load_predictions
from extract.tasks.settings import PROJECT_ROOT

SHARED = PROJECT_ROOT.parent / "shared"

pytestmark = pytest.mark.skipif(not (SHARED / "seeds").is_dir(), reason="../shared/seeds is not beside the repo")


@pytest.fixture(scope="module")
def seeds_warehouse(dag_runner, fingerprints, tmp_path_factory):
    warehouse = tmp_path_factory.mktemp("seeds") / "warehouse.duckdb"
    dag_runner.run(SHARED / "seeds", warehouse)
    first = fingerprints(warehouse, "marts")
    dag_runner.run(SHARED / "seeds", warehouse)
    return warehouse, first


def test_every_gold_fact_is_found_and_nothing_extra(seeds_warehouse):
    warehouse, _ = seeds_warehouse
    gold = json.loads((SHARED / "gold" / "seeds_gold.json").read_text(encoding="utf-8"))
    report = evaluate(load_predictions(warehouse), gold)
    assert report.misses == []
    assert (report.calls.fn, report.calls.fp, report.aid.fn, report.aid.fp) == (0, 0, 0, 0)
    assert report.duplicate_call_rows == 0


def test_one_call_reported_twice_is_one_row(seeds_warehouse):
    warehouse, _ = seeds_warehouse
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        rows = con.execute(
            "select participant_countries, n_articles, n_publishers, initiator_country_iso3 "
            "from marts.fct_call where call_date = date '2024-06-25'").fetchall()
    finally:
        con.close()
    assert rows == [("RUS|USA", 2, 2, "USA")]


def test_a_second_run_changes_no_row(seeds_warehouse, fingerprints):
    warehouse, first = seeds_warehouse
    assert fingerprints(warehouse, "marts") == first


def test_every_input_is_accounted_for_and_validation_ran(seeds_warehouse):
    warehouse, _ = seeds_warehouse
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        ledger = con.execute("select status, count(*) from audit.input_ledger group by 1").fetchall()
        runs = con.execute(
            "select validation_status, n_inputs, n_loaded, n_unchanged from audit.run_log order by started_at").fetchall()
        suites = con.execute("select distinct suite_name from audit.validation_results order by 1").fetchall()
    finally:
        con.close()
    assert dict(ledger) == {"loaded": 5}
    # The second run finds every input already loaded, unchanged, and parses nothing.
    assert runs == [("passed", 5, 5, 0), ("passed", 5, 0, 5)]
    assert any(s[0].endswith(".raw") for s in suites) and any(s[0].endswith(".marts") for s in suites)


def test_the_published_file_opens_in_duckdb_1_4(seeds_warehouse):
    warehouse, _ = seeds_warehouse
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        (version,) = con.execute(
            "select tags['storage_version'] from duckdb_databases() where database_name = ?", [warehouse.stem]).fetchone()
    finally:
        con.close()
    assert version.startswith("v1.4")


def test_each_run_is_in_the_great_expectations_data_docs(seeds_warehouse, dag_runner):
    warehouse, _ = seeds_warehouse
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        run_ids = [r[0] for r in con.execute("select run_id from audit.run_log order by started_at").fetchall()]
    finally:
        con.close()
    context = dag_runner.tmp / "gx"  # the runs' own context (tests.airflow_runner), not the project's gx/
    index = context / "uncommitted" / "data_docs" / "local_site" / "index.html"
    listing = index.read_text(encoding="utf-8")
    for run_id in run_ids:
        for suite in ("raw_articles.raw", "fct_call.marts", "quarantine.marts"):
            asset, stage = suite.split(".")
            assert list((context / "uncommitted" / "validations" / asset / stage / run_id).rglob("*.json")), (suite, run_id)
        assert run_id in listing
    assert "fct_call.marts" in listing and "raw_articles.raw" in listing
