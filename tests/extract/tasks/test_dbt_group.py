"""A red dbt task says which of its nodes failed, from the run results the producer kept."""

from __future__ import annotations

import json
import logging
import os

import pytest

from extract.tasks.dbt_group import (
    StaleManifest,
    after_dbt_command,
    check_manifest,
    dbt_results_path,
    failed_nodes,
    report_failed_nodes,
)

RUN_RESULTS = {"results": [
    {"unique_id": "model.news_warehouse.fct_call", "status": "success", "message": "OK"},
    {"unique_id": "test.news_warehouse.not_null_fct_call_call_date.1a2b", "status": "fail",
     "message": "Got 3 results, configured to fail if != 0"},
    {"unique_id": "test.news_warehouse.unique_fct_call_call_id.3c4d", "status": "pass", "message": None},
    {"unique_id": "test.news_warehouse.relationships_fct_aid_article_id.5e6f", "status": "error",
     "message": "Binder Error: column not found"},
]}
FCT_CALL_TESTS = ["test.news_warehouse.not_null_fct_call_call_date.1a2b", "test.news_warehouse.unique_fct_call_call_id.3c4d"]


def test_failed_nodes_are_named_with_dbts_message():
    assert failed_nodes(RUN_RESULTS, FCT_CALL_TESTS) == [
        ("not_null_fct_call_call_date", "fail", "Got 3 results, configured to fail if != 0")]
    assert failed_nodes(RUN_RESULTS, ["model.news_warehouse.fct_call"]) == []


def test_the_producers_results_reach_the_failing_tasks_log(tmp_path, monkeypatch, caplog):
    monkeypatch.setenv("PIPELINE_WORK_DIR", str(tmp_path / "runs"))
    project = tmp_path / "cosmos-tmp-project"
    (project / "target").mkdir(parents=True)
    (project / "target" / "run_results.json").write_text(json.dumps(RUN_RESULTS), encoding="utf-8")
    context = {"run_id": "scheduled__2026-11-22T00:00:00+00:00"}

    after_dbt_command(str(project), context=context)
    assert json.loads(dbt_results_path(context["run_id"]).read_text(encoding="utf-8")) == RUN_RESULTS

    with caplog.at_level(logging.ERROR, logger="extract.tasks.dbt_group"):
        report_failed_nodes(FCT_CALL_TESTS)(context)
    assert "dbt fail: not_null_fct_call_call_date: Got 3 results" in caplog.text
    assert "unique_fct_call_call_id" not in caplog.text and "relationships_fct_aid" not in caplog.text


def test_a_manifest_older_than_the_dbt_project_stops_the_dag_with_what_to_do(tmp_path):
    project = tmp_path / "dbt_project"
    (project / "models").mkdir(parents=True)
    (project / "target").mkdir()
    model = project / "models" / "fct_call.sql"
    model.write_text("select 1", encoding="utf-8")
    with pytest.raises(FileNotFoundError, match="make manifest"):
        check_manifest(project)
    manifest = project / "target" / "manifest.json"
    manifest.write_text("{}", encoding="utf-8")
    os.utime(model, (1_000_000, 1_000_000))
    os.utime(manifest, (2_000_000, 2_000_000))
    (project / "target" / "run_results.json").write_text("{}", encoding="utf-8")  # dbt's output is not a source
    os.utime(project / "target" / "run_results.json", (3_000_000, 3_000_000))
    assert check_manifest(project) == manifest
    os.utime(model, (3_000_000, 3_000_000))
    with pytest.raises(StaleManifest, match=r"older than .*fct_call.sql: run `make manifest`"):
        check_manifest(project)
