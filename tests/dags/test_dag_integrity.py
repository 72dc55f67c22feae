"""The DAG folder imports cleanly, fast, and the daily DAG has the expected shape."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

DAGS_DIR = Path(__file__).resolve().parents[2] / "dags"


@pytest.fixture(scope="module")
def dagbag():
    from airflow.dag_processing.dagbag import DagBag

    started = time.perf_counter()
    bag = DagBag(dag_folder=str(DAGS_DIR))
    bag.parse_seconds = time.perf_counter() - started
    return bag


def test_dags_import_without_errors(dagbag):
    assert dagbag.import_errors == {}
    assert "news_warehouse_daily" in dagbag.dags


def test_daily_dag_shape(dagbag):
    dag = dagbag.dags["news_warehouse_daily"]
    assert dag.doc_md and "Tasks:" in dag.doc_md
    assert dag.max_active_runs == 1
    expected_order = [
        "prepare_build", "fetch_news", "extract_articles", "load_raw", "validate_raw", "dbt_build", "validate_marts", "publish",
    ]
    assert set(dag.task_ids) == set(expected_order)
    for upstream, downstream in zip(expected_order, expected_order[1:], strict=False):
        assert downstream in dag.get_task(upstream).downstream_task_ids
    for task in dag.tasks:
        assert task.retries >= 1, task.task_id


def test_dag_has_no_cycles(dagbag):
    dag = dagbag.dags["news_warehouse_daily"]
    seen: set[str] = set()
    stack: set[str] = set()

    def visit(task_id: str) -> None:
        assert task_id not in stack, f"cycle through {task_id}"
        if task_id in seen:
            return
        stack.add(task_id)
        for child in dag.get_task(task_id).downstream_task_ids:
            visit(child)
        stack.discard(task_id)
        seen.add(task_id)

    for root in dag.roots:
        visit(root.task_id)
    assert seen == set(dag.task_ids)


def test_dag_file_does_no_work_at_parse_time():
    source = (DAGS_DIR / "news_warehouse_daily.py").read_text(encoding="utf-8")
    top_level_imports = [line for line in source.splitlines() if line.startswith(("import ", "from "))]
    assert all(("extract" not in line and "duckdb" not in line and "dbt" not in line) for line in top_level_imports)
