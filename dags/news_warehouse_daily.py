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
writing the same build file. `publish` releases the lock, and so does a failed run, after
logging itself in the published `audit.run_log` (status `failed`, with the task and its error).

Tasks: `claim_warehouse` → `prepare_build` → `fetch_news` → `extract_articles` →
`load_raw` → `validate_raw` → `dbt` → `validate_marts` → `publish`.

`dbt` is an astronomer-cosmos task group in watcher mode: `dbt.dbt_producer_watcher`
runs `dbt build` once (seeds, models, tests) on the build file `prepare_build` returned,
and one task per model (`dbt.<model>.run`, `dbt.<model>.test`) reports that model's
result, so a failing model or test is red under its own name. It is rendered from
`dbt_project/target/manifest.json` (`make manifest`; a stale one stops the DAG from loading).

Each task calls one function of `extract.tasks.steps`, which reads the settings
(`WAREHOUSE_PATH`, `NEWS_INBOX`, ...) when the task runs.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from airflow.sdk import Param, PokeReturnValue, dag, task
from airflow.timetables.interval import CronDataIntervalTimetable


def note_task_failure(context) -> None:
    """A task's final failure: keep its error's first line for the run's failure callback."""
    from extract.tasks import steps

    steps.note_task_failure(context["run_id"], context["ti"].task_id, context.get("exception"))


def log_failed_run(context) -> None:
    """A failed run: its row in the published audit.run_log (status failed, with why), then the warehouse is freed.

    The build is not published. A run killed outright has no row; the next run takes its lock over (see
    extract/warehouse/lock.py: a gone `dags test` process at once, else Airflow or the lease).
    """
    from extract.tasks import steps

    ti = context.get("ti")  # the task that failed; absent when Airflow gives only a minimal context
    steps.record_failure(context["run_id"], ti.task_id if ti is not None else None, context.get("dag_run"),
                         context.get("reason"))


@dag(
    dag_id="news_warehouse_daily",
    # Airflow 2's @daily: a run's logical date is the day it reads, and it runs once that day is over,
    # so `backfill create --from-date D` reads day D. Airflow 3's "@daily" gives an empty interval.
    schedule=CronDataIntervalTimetable("0 0 * * *", timezone="UTC"),
    start_date=datetime(2026, 1, 1),
    catchup=False,
    max_active_runs=1,  # DuckDB has one writer: runs must not overlap (backfills too: see claim_warehouse)
    dagrun_timeout=timedelta(hours=6),
    on_failure_callback=log_failed_run,
    default_args={"owner": "news-warehouse", "retries": 2, "retry_delay": timedelta(seconds=30),
                  "on_failure_callback": note_task_failure},
    doc_md=__doc__,
    tags=["news", "warehouse"],
    params={
        "reprocess": Param(False, type="boolean",
                           description="Parse every input again, even those already loaded unchanged."),
    },
)
def news_warehouse_daily():
    # Waits without holding a worker slot while another run (a backfill, another Airflow home) builds.
    @task.sensor(poke_interval=15, timeout=timedelta(hours=6).total_seconds(), mode="reschedule")
    def claim_warehouse(ti=None) -> PokeReturnValue:
        from extract.tasks import steps

        return PokeReturnValue(is_done=steps.claim_warehouse(ti.run_id, steps.run_has_ended(ti)))

    @task
    def prepare_build(run_id=None) -> str:
        from extract.tasks import steps

        return steps.prepare_build(run_id)

    @task
    def fetch_news(dag_run=None) -> dict:
        from extract.tasks import steps

        return steps.fetch_news(dag_run)

    @task
    def extract_articles(dag_run=None, params=None) -> str:
        from extract.tasks import steps

        return steps.extract_articles(dag_run, reprocess=bool(params["reprocess"]))

    @task
    def load_raw(run_id=None) -> dict:
        from extract.tasks import steps

        return steps.load_raw(run_id)

    @task
    def validate_raw(run_id=None) -> dict:
        from extract.tasks import steps

        return steps.validate_raw(run_id)

    @task
    def validate_marts(run_id=None) -> dict:
        from extract.tasks import steps

        return steps.validate_marts(run_id)

    @task
    def publish(counts: dict, dag_run=None) -> str:
        from extract.tasks import steps

        return steps.publish(dag_run, counts)

    # Cosmos renders the group when the DAG is parsed (from the manifest: no dbt run, no DuckDB).
    from extract.tasks.dbt_group import dbt_task_group

    dbt = dbt_task_group("dbt", build_path="{{ ti.xcom_pull(task_ids='prepare_build') }}")
    counts = load_raw()
    claim_warehouse() >> prepare_build() >> fetch_news() >> extract_articles() >> counts
    counts >> validate_raw() >> dbt >> validate_marts() >> publish(counts)


news_warehouse_daily()
