"""The day a run reads, from its logical date; which process hosts a whole run."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from extract.tasks.steps import day_window, whole_run_process


def test_a_scheduled_run_reads_the_day_its_logical_date_starts():
    assert day_window(datetime(2026, 11, 21, tzinfo=UTC)) == (datetime(2026, 11, 21), datetime(2026, 11, 22))


def test_a_manual_run_during_the_day_reads_that_whole_utc_day():
    assert day_window(datetime(2026, 11, 22, 15, 40, 5, 123, tzinfo=UTC)) == (datetime(2026, 11, 22), datetime(2026, 11, 23))


def test_the_day_is_a_utc_day_whatever_the_logical_dates_zone():
    hanoi = timezone(timedelta(hours=7))
    # 06:00 on 22 November in Hanoi is still 21 November in UTC.
    assert day_window(datetime(2026, 11, 22, 6, 0, tzinfo=hanoi)) == (datetime(2026, 11, 21), datetime(2026, 11, 22))


def test_a_naive_logical_date_is_taken_as_utc():
    assert day_window(datetime(2026, 11, 22, 23, 59)) == (datetime(2026, 11, 22), datetime(2026, 11, 23))


def test_only_dags_test_running_tasks_in_its_own_process_hosts_a_whole_run():
    assert whole_run_process(["/venv/bin/airflow", "dags", "test", "news_warehouse_daily", "2026-11-21"], pid=42) == 42
    assert whole_run_process(["/venv/bin/airflow", "dags", "test", "news_warehouse_daily"], pid=42) == 42
    # Each task its own process: the claiming process ends with its task, not with the run.
    assert whole_run_process(["/venv/bin/airflow", "dags", "test", "news_warehouse_daily", "--use-executor"],
                             pid=42) is None
    assert whole_run_process(["/venv/bin/airflow", "scheduler"], pid=42) is None
    assert whole_run_process(["/venv/bin/airflow", "tasks", "test", "news_warehouse_daily", "load_raw"], pid=42) is None
    assert whole_run_process(["/venv/bin/pytest"], pid=42) is None
