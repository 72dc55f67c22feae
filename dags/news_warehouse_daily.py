"""
### News warehouse, daily

Reads Vietnamese news articles from `NEWS_INBOX`, extracts calls between
officials and aid amounts, loads them into the DuckDB warehouse at
`WAREHOUSE_PATH`, builds the dbt marts and validates raw data and marts with
Great Expectations.

The run writes into a build copy of the warehouse and publishes it with an
atomic rename only when the marts pass validation: a failed run leaves the
last good warehouse in place. Re-running a day gives the same rows.

Each run reads the inbox folder and the pages fetched for its own data
interval from the feeds in `NEWS_SOURCES` (when set); inputs already loaded
unchanged are skipped, so re-running a day or backfilling a range is safe.

The run for logical date D processes day D (UTC): the scheduled run for D
starts at D+1 00:00, once the day is over, and its data interval is that day.
Pages a run fetches are stamped with the start of its day, so a backfill or a
re-run of D reads the same pages from the page store. A manual run processes
the day its logical date falls on.

One run at a time builds the warehouse: `claim_warehouse` waits (rescheduling
itself) until the build lock beside the warehouse is free, so a backfill and
the daily run, or a `make run` beside the scheduler, queue up instead of
writing the same build file. `publish` releases the lock, and so does a failed run.

Tasks: `claim_warehouse` → `prepare_build` → `fetch_news` → `extract_articles` →
`load_raw` → `validate_raw` → `dbt` → `validate_marts` → `publish`.

`dbt` is an astronomer-cosmos task group in watcher mode: `dbt.dbt_producer_watcher`
runs `dbt build` once (seeds, models, tests) on the build file, and one task per model
(`dbt.<model>.run`, `dbt.<model>.test`) reports that model's result, so a failing model
or test is red under its own name. It is rendered from `dbt_project/target/manifest.json`
(`make manifest`).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from airflow.sdk import Param, PokeReturnValue, dag, get_current_context, task
from airflow.timetables.interval import CronDataIntervalTimetable

DEFAULT_ARGS = {
    "owner": "news-warehouse",
    "retries": 2,
    "retry_delay": timedelta(seconds=30),
}


def release_build_lock(context) -> None:
    """A failed run frees the warehouse for the next one (a run killed outright is freed by its lease)."""
    from extract.tasks.settings import load_settings
    from extract.tasks.steps import release_build

    release_build(load_settings(), context["dag_run"].run_id)


@dag(
    dag_id="news_warehouse_daily",
    # Airflow 2's @daily: a run's logical date is the day it reads, and it runs once that day is over,
    # so `backfill create --from-date D` reads day D. Airflow 3's "@daily" gives an empty interval.
    schedule=CronDataIntervalTimetable("0 0 * * *", timezone="UTC"),
    start_date=datetime(2026, 1, 1),
    catchup=False,
    max_active_runs=1,  # DuckDB has one writer: runs must not overlap (backfills too: see claim_warehouse)
    dagrun_timeout=timedelta(hours=6),
    on_failure_callback=release_build_lock,
    default_args=DEFAULT_ARGS,
    doc_md=__doc__,
    tags=["news", "warehouse"],
    params={
        "reprocess": Param(False, type="boolean",
                           description="Parse every input again, even those already loaded unchanged."),
    },
)
def news_warehouse_daily():
    @task.sensor(poke_interval=15, timeout=timedelta(hours=6).total_seconds(), mode="reschedule")
    def claim_warehouse() -> PokeReturnValue:
        from extract.tasks.settings import load_settings
        from extract.tasks.steps import claim_build

        context = get_current_context()
        holder = claim_build(load_settings(), context["run_id"], _run_finished(context))
        return PokeReturnValue(is_done=holder.run_id == context["run_id"], xcom_value=holder.run_id)

    @task
    def prepare_build(lock_holder: str) -> str:
        from extract.tasks.settings import load_settings
        from extract.tasks.steps import prepare_build as prepare

        # claim_warehouse succeeds only once this run holds the lock; its value just orders the tasks.
        return str(prepare(load_settings(), get_current_context()["run_id"]))

    @task
    def fetch_news(build_path: str) -> dict:
        from extract.tasks.settings import load_settings
        from extract.tasks.steps import fetch_news as fetch

        context = get_current_context()
        _hold(context)
        if str(context["dag_run"].run_type).endswith("backfill"):
            return {"skipped": "backfill: past days are re-processed from the page store"}
        start, _ = _window(context)
        return fetch(load_settings(), start)

    @task
    def extract_articles(fetched: dict) -> str:
        from extract.tasks.settings import load_settings
        from extract.tasks.steps import extract_inputs

        context = get_current_context()
        _hold(context)
        start, end = _window(context)
        return str(extract_inputs(load_settings(), context["run_id"], start, end, bool(context["params"]["reprocess"])))

    @task
    def load_raw(extracted: str) -> dict:
        from pathlib import Path

        from extract.tasks.settings import load_settings
        from extract.tasks.steps import load_extracted

        context = get_current_context()
        _hold(context)
        return load_extracted(load_settings(), Path(extracted), context["run_id"])

    @task
    def validate_raw(counts: dict) -> dict:
        return _validate("raw")

    @task
    def validate_marts() -> dict:
        return _validate("marts")

    @task
    def publish(counts: dict, raw_validation: dict, marts_validation: dict) -> str:
        from extract.clock import utc_now
        from extract.tasks.settings import load_settings
        from extract.tasks.steps import publish as publish_build
        from extract.tasks.steps import summary

        context = get_current_context()
        settings = load_settings()
        statuses = {raw_validation["status"], marts_validation["status"]}
        run = {
            "run_id": context["run_id"],
            "logical_date": context["logical_date"].replace(tzinfo=None) if context.get("logical_date") else None,
            "started_at": context["dag_run"].start_date.replace(tzinfo=None, microsecond=0),
            "finished_at": utc_now(),
            "n_inputs": counts["n_inputs"], "n_loaded": counts["n_loaded"],
            "n_duplicates": counts["n_duplicates"], "n_rejected": counts["n_rejected"],
            "n_calls": counts["n_calls"], "n_aid": counts["n_aid"], "n_unchanged": counts["n_unchanged"],
            "n_superseded": counts["n_superseded"],
            "validation_status": "warned" if "warned" in statuses else "passed",
        }
        publish_build(settings, run)
        return summary(settings.warehouse_path)

    def _window(context) -> tuple[datetime, datetime]:
        from extract.tasks.steps import day_window

        return day_window(context.get("logical_date") or context["dag_run"].run_after)

    def _hold(context) -> None:
        from extract.tasks.settings import load_settings
        from extract.tasks.steps import hold_build

        hold_build(load_settings(), context["run_id"])

    def _run_finished(context):
        """Whether Airflow has seen a run of this DAG end (a run of another Airflow home: no)."""

        def finished(run_id: str) -> bool:
            ended = context["ti"].get_dr_count(dag_id=context["dag"].dag_id, run_ids=[run_id], states=["success", "failed"])
            return ended > 0

        return finished

    def _validate(stage: str) -> dict:
        from airflow.sdk.exceptions import AirflowFailException

        from extract.clock import utc_now
        from extract.tasks.settings import load_settings
        from extract.tasks.steps import validate

        context = get_current_context()
        _hold(context)
        result = validate(load_settings(), stage, context["run_id"], as_of=utc_now())
        if result["status"] == "failed":
            # A data problem: retrying cannot fix it, and the build must not be published.
            raise AirflowFailException(f"critical expectations failed in stage {stage}: see {result['report']}")
        return result

    build = prepare_build(claim_warehouse())
    fetched = fetch_news(build)
    extracted = extract_articles(fetched)
    counts = load_raw(extracted)
    raw_ok = validate_raw(counts)
    from extract.tasks.dbt_group import dbt_task_group

    marts_ok = validate_marts()
    raw_ok >> dbt_task_group("dbt") >> marts_ok
    publish(counts, raw_ok, marts_ok)


news_warehouse_daily()
