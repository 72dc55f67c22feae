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
    before_dbt = ["claim_warehouse", "prepare_build", "fetch_news", "extract_articles", "load_raw", "validate_raw"]
    after_dbt = ["validate_marts", "publish"]
    dbt_tasks = [t for t in dag.task_ids if t.startswith("dbt.")]
    assert set(dag.task_ids) == set(before_dbt + after_dbt + dbt_tasks)
    for upstream, downstream in zip(before_dbt, before_dbt[1:], strict=False):
        assert downstream in dag.get_task(upstream).downstream_task_ids
    # dbt: one producer runs `dbt build` after validate_raw; every per-model task runs after it,
    # never beside it (one DuckDB writer); validate_marts waits for the whole group.
    producer = dag.get_task("dbt.dbt_producer_watcher")
    assert producer.upstream_task_ids == {"validate_raw"}
    for task_id in dbt_tasks:
        if task_id != producer.task_id:
            assert producer.task_id in dag.get_task(task_id).get_flat_relative_ids(upstream=True), task_id
    assert "dbt.dbt_producer_watcher_done" in dag.get_task("validate_marts").upstream_task_ids
    assert "validate_marts" in dag.get_task("publish").upstream_task_ids
    for task in dag.tasks:
        if task.task_id.startswith("dbt.") and task.task_id != "dbt.dbt_producer_watcher_done":
            assert task.retries == 0, task.task_id  # the watcher producer refuses Airflow retries
        else:
            assert task.retries >= 1, task.task_id


def test_runs_wait_for_the_build_lock_without_holding_a_worker(dagbag):
    dag = dagbag.dags["news_warehouse_daily"]
    claim = dag.get_task("claim_warehouse")
    assert claim.upstream_task_ids == set()
    assert claim.mode == "reschedule"
    assert claim.timeout <= dag.dagrun_timeout.total_seconds()
    assert dag.has_on_failure_callback  # a failed run releases the lock


def test_the_scheduled_run_for_a_day_reads_that_day_once_it_is_over(dagbag):
    from datetime import UTC, datetime, timedelta

    from airflow.timetables.base import DataInterval, TimeRestriction

    from extract.tasks.steps import day_window

    dag = dagbag.dags["news_warehouse_daily"]
    previous = DataInterval(datetime(2026, 11, 20, tzinfo=UTC), datetime(2026, 11, 21, tzinfo=UTC))
    # catchup=True: the run after a given interval is the next day, whatever day the test runs on
    # (with catchup=False the answer is "the latest complete day", which moves with the wall clock).
    scheduled = dag.timetable.next_dagrun_info(
        last_automated_data_interval=previous, restriction=TimeRestriction(earliest=None, latest=None, catchup=True))
    day = datetime(2026, 11, 21, tzinfo=UTC)
    assert scheduled.logical_date == day
    assert (scheduled.data_interval.start, scheduled.data_interval.end) == (day, day + timedelta(days=1))
    assert scheduled.run_after == day + timedelta(days=1)
    window = day_window(scheduled.logical_date)
    assert window == (scheduled.data_interval.start.replace(tzinfo=None), scheduled.data_interval.end.replace(tzinfo=None))


def test_every_dbt_model_has_its_own_task(dagbag):
    import json

    from extract.tasks.dbt_group import manifest_path
    from extract.tasks.settings import load_settings

    dag = dagbag.dags["news_warehouse_daily"]
    nodes = json.loads(manifest_path(load_settings().dbt_project_dir).read_text(encoding="utf-8"))["nodes"]
    models = {n["name"] for n in nodes.values() if n["resource_type"] == "model"}
    assert models
    for model in models:
        assert f"dbt.{model}.run" in dag.task_ids


def test_dag_file_parses_fast(dagbag):
    assert dagbag.parse_seconds < 5  # manifest load mode: ~0.4 s on this machine; `dbt ls` would take 7-12 s


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


def test_a_red_dbt_task_names_its_failing_nodes(dagbag):
    dag = dagbag.dags["news_warehouse_daily"]
    producer = dag.get_task("dbt.dbt_producer_watcher")
    assert producer.callback.__name__ == "after_dbt_command"  # keeps run_results.json for the callbacks
    for task in dag.tasks:
        if task.task_id.startswith("dbt.") and task.task_id.endswith((".run", ".test")):
            assert task.on_failure_callback, task.task_id


def test_the_dag_does_not_change_with_where_the_data_lives(monkeypatch, tmp_path):
    """Paths are read when a task runs: another warehouse or inbox is no new DAG version."""
    from airflow.dag_processing.dagbag import DagBag

    def fingerprint() -> list:
        dag = DagBag(dag_folder=str(DAGS_DIR)).dags["news_warehouse_daily"]
        return [(task.task_id, type(task).__name__, sorted(task.upstream_task_ids),
                 [repr(getattr(task, field, None)) for field in task.template_fields])
                for task in sorted(dag.tasks, key=lambda t: t.task_id)] + [repr(dag.params), dag.timetable.summary]

    first = fingerprint()
    monkeypatch.setenv("WAREHOUSE_PATH", str(tmp_path / "elsewhere.duckdb"))
    monkeypatch.setenv("NEWS_INBOX", str(tmp_path / "inbox"))
    monkeypatch.setenv("PIPELINE_WORK_DIR", str(tmp_path / "runs"))
    assert fingerprint() == first
