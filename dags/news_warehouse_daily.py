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

Tasks: `prepare_build` → `fetch_news` → `extract_articles` → `load_raw` →
`validate_raw` → `dbt` → `validate_marts` → `publish`.

`dbt` is an astronomer-cosmos task group in watcher mode: `dbt.dbt_producer_watcher`
runs `dbt build` once (seeds, models, tests) on the build file, and one task per model
(`dbt.<model>.run`, `dbt.<model>.test`) reports that model's result, so a failing model
or test is red under its own name. It is rendered from `dbt_project/target/manifest.json`
(`make manifest`).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from airflow.sdk import Param, dag, get_current_context, task

DEFAULT_ARGS = {
    "owner": "news-warehouse",
    "retries": 2,
    "retry_delay": timedelta(seconds=30),
}


@dag(
    dag_id="news_warehouse_daily",
    schedule="@daily",
    start_date=datetime(2026, 1, 1),
    catchup=False,
    max_active_runs=1,  # DuckDB has one writer: runs must not overlap
    default_args=DEFAULT_ARGS,
    doc_md=__doc__,
    tags=["news", "warehouse"],
    params={
        "reprocess": Param(False, type="boolean",
                           description="Parse every input again, even those already loaded unchanged."),
    },
)
def news_warehouse_daily():
    @task
    def prepare_build() -> str:
        from extract.run import prepare_build as prepare
        from extract.settings import load_settings

        return str(prepare(load_settings()))

    @task
    def fetch_news(build_path: str) -> dict:
        from extract.run import fetch_news as fetch
        from extract.settings import load_settings

        context = get_current_context()
        if str(context["dag_run"].run_type).endswith("backfill"):
            return {"skipped": "backfill: past days are re-processed from the page store"}
        start, _ = _window(context)
        return fetch(load_settings(), start)

    @task
    def extract_articles(fetched: dict) -> str:
        from extract.run import extract_inputs
        from extract.settings import load_settings

        context = get_current_context()
        start, end = _window(context)
        return str(extract_inputs(load_settings(), context["run_id"], start, end, bool(context["params"]["reprocess"])))

    @task
    def load_raw(extracted: str) -> dict:
        from pathlib import Path

        from extract.run import load_extracted
        from extract.settings import load_settings

        return load_extracted(load_settings(), Path(extracted), get_current_context()["run_id"])

    @task
    def validate_raw(counts: dict) -> dict:
        return _validate("raw")

    @task
    def validate_marts() -> dict:
        return _validate("marts")

    @task
    def publish(counts: dict, raw_validation: dict, marts_validation: dict) -> str:
        from extract.run import publish as publish_build
        from extract.run import summary, utc_now
        from extract.settings import load_settings

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
            "validation_status": "warned" if "warned" in statuses else "passed",
        }
        publish_build(settings, run)
        return summary(settings.warehouse_path)

    def _window(context) -> tuple[datetime, datetime]:
        """The run's data interval as naive UTC; a manual run's empty interval counts as one day."""
        start = context["data_interval_start"].replace(tzinfo=None)
        end = context["data_interval_end"].replace(tzinfo=None)
        return start, end if end > start else start + timedelta(days=1)

    def _validate(stage: str) -> dict:
        from airflow.sdk.exceptions import AirflowFailException

        from extract.run import validate
        from extract.settings import load_settings

        result = validate(load_settings(), stage, get_current_context()["run_id"])
        if result["status"] == "failed":
            # A data problem: retrying cannot fix it, and the build must not be published.
            raise AirflowFailException(f"critical expectations failed in stage {stage}: see {result['report']}")
        return result

    build = prepare_build()
    fetched = fetch_news(build)
    extracted = extract_articles(fetched)
    counts = load_raw(extracted)
    raw_ok = validate_raw(counts)
    from extract.dbt_cosmos import dbt_task_group

    marts_ok = validate_marts()
    raw_ok >> dbt_task_group("dbt") >> marts_ok
    publish(counts, raw_ok, marts_ok)


news_warehouse_daily()
