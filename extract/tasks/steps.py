"""The steps of one pipeline run: one function per task of the DAG `news_warehouse_daily`.

Each task of the DAG calls one function here with what Airflow knows of the run
(its `dag_run`, or just its run id); the function reads the settings itself
(`extract.tasks.settings`, from the environment at run time) and does the work,
so the DAG file stays a thin description of the order of things.

A run writes into a build copy of the warehouse (`<warehouse>.building`) and
publishes it with an atomic rename only after the marts pass validation, so
a failed run leaves the last good warehouse in place and a reader never sees
a half-built one. DuckDB allows one writer per file: the steps run one after
another and each closes its connection before the next opens the file.

Every step is keyed on its run: the day it reads comes from the logical date,
its files live under the run's own work folder, and running it again gives
the same result.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import sys
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from extract.clock import utc_now
from extract.tasks.pause import pause_point
from extract.tasks.settings import Settings, load_settings
from extract.warehouse import lock
from extract.warehouse.run_log import run_folder_name

if TYPE_CHECKING:
    from extract.nlp.people import Gazetteer
    from extract.nlp.pipeline import ArticleRows
    from extract.sources.inbox import RawDocument, Rejected

log = logging.getLogger(__name__)

# How long a run may go without renewing its hold on the build: longer than any one step
# (the dbt build is the longest, minutes), short enough that a killed run frees the warehouse soon.
BUILD_LEASE = timedelta(hours=2)


class DagRun(Protocol):
    """What the steps read of Airflow's `dag_run` (a manual run may have no logical date)."""

    run_id: str
    run_type: Any
    logical_date: datetime | None
    run_after: datetime
    start_date: datetime | None


def day_window(logical_date: datetime) -> tuple[datetime, datetime]:
    """The UTC day a run reads, as naive UTC [start, end): the day its logical date falls on.

    For scheduled and backfill runs this is their data interval (the timetable puts the logical
    date at the interval's start); a manual run has no interval of its own worth reading.
    """
    moment = logical_date.astimezone(UTC) if logical_date.tzinfo else logical_date
    start = moment.replace(hour=0, minute=0, second=0, microsecond=0, tzinfo=None)
    return start, start + timedelta(days=1)


def run_window(dag_run: DagRun) -> tuple[datetime, datetime]:
    """The day a run reads: its logical date's, or (a manual run without one) the day it was started for."""
    return day_window(dag_run.logical_date or dag_run.run_after)


def run_work_dir(settings: Settings, run_id: str) -> Path:
    """Where one run keeps its intermediate files (extraction output, dbt's run results)."""
    return settings.work_dir / run_folder_name(run_id)


# ------------------------------------------------------------------ the build lock


def claim_warehouse(run_id: str, run_finished: Callable[[str], bool] | None = None) -> bool:
    """Try to become the one run building the warehouse; True once this run holds it.

    `run_finished` asks Airflow whether another run has ended (its lock is then stale). Under
    `airflow dags test` the lock also records this process, so that the next run takes it over
    as soon as this process is gone (a killed `dags test` run is never marked failed).
    """
    holder = lock.claim(load_settings().lock_path, run_id, utc_now(), BUILD_LEASE, run_finished,
                        run_process=whole_run_process())
    if holder.run_id != run_id:
        log.info("waiting: run %s has been building the warehouse since %s", holder.run_id, holder.acquired_at)
    return holder.run_id == run_id


def whole_run_process(argv: Sequence[str] | None = None, pid: int | None = None) -> int | None:
    """This process's pid when it runs every task of its run, else None.

    That is `airflow dags test` without `--use-executor`: its tasks run inside the command's own
    process. Under a scheduler (or `--use-executor`) each task is a process of its own, which
    ends with its task while the run goes on, so its end says nothing of the run.
    """
    argv = list(sys.argv if argv is None else argv)
    if argv[1:3] == ["dags", "test"] and "--use-executor" not in argv:
        return os.getpid() if pid is None else pid
    return None


def run_has_ended(ti: Any) -> Callable[[str], bool]:
    """Whether Airflow has seen a run of this DAG end, asked through the task instance `ti`.

    A run of another Airflow home is unknown here, so only its lease can make its lock stale.
    """

    def ended(run_id: str) -> bool:
        return ti.get_dr_count(dag_id=ti.dag_id, run_ids=[run_id], states=["success", "failed"]) > 0

    return ended


def hold_build(settings: Settings, run_id: str) -> None:
    """Renew this run's hold on the build, or stop it (LockLost) if another run has taken the build over."""
    lock.renew(settings.lock_path, run_id, utc_now(), BUILD_LEASE)


def release_build(run_id: str) -> bool:
    """Free the warehouse for the next run (publish, and the DAG's failure callback); True if this run held it."""
    settings = load_settings()
    released = lock.release(settings.lock_path, run_id)
    if released:
        log.info("run %s released %s", run_id, settings.lock_path)
    return released


def note_task_failure(run_id: str, task_id: str, error: BaseException | str | None) -> Path:
    """Keep the first line of a task's final error beside the run's work files, for `record_failure`."""
    first_line = next((line.strip() for line in str(error or "").splitlines() if line.strip()), "")
    text = f"{type(error).__name__}: {first_line}" if isinstance(error, BaseException) else first_line
    note = run_work_dir(load_settings(), run_id) / "failures" / f"{run_folder_name(task_id)}.txt"
    note.parent.mkdir(parents=True, exist_ok=True)
    note.write_text(text or "no error message", encoding="utf-8")
    return note


def record_failure(run_id: str, failed_task: str | None, dag_run: DagRun | None = None,
                   airflow_reason: str | None = None) -> bool:
    """Log a failed run in the published warehouse's audit.run_log with why it failed, then free the build.

    Called by the DAG's failure callback. The build is not published. The row is
    written only while this run holds the build lock (it still does, or takes it
    if free): True when written. A run whose lock another run has taken over
    cannot write without racing that run's publish, so it only logs why not.
    """
    from extract.warehouse.load import connect
    from extract.warehouse.run_log import failed_expectations, load_counts, record_failed_run, validation_status

    settings = load_settings()
    finished = utc_now()
    if not claim_warehouse(run_id):
        log.warning("run %s failed (%s) but cannot log it: another run builds the warehouse", run_id, failed_task)
        return False
    counts: dict[str, int] = {}
    failed_checks: list[str] = []
    validation = None
    if settings.build_path.exists():
        con = connect(settings.build_path, read_only=True)
        try:
            counts = load_counts(con, run_id)
            failed_checks = failed_expectations(con, run_id)
            validation = validation_status(con, run_id) if failed_checks else None
        finally:
            con.close()
    reason = failure_reason(settings, run_id, failed_task, failed_checks, airflow_reason)
    started = (dag_run.start_date if dag_run is not None else None) or finished
    try:
        record_failed_run(settings.warehouse_path, run_id, dag_run.logical_date if dag_run is not None else None,
                          started, finished, reason, counts, validation)
    finally:
        release_build(run_id)
    return True


def failure_reason(settings: Settings, run_id: str, failed_task: str | None, failed_checks: list[str],
                   airflow_reason: str | None = None) -> str:
    """In plain words: which task failed, and why (the failed critical expectations, or its error's first line)."""
    task = failed_task or "a task"
    if failed_checks:
        return f"{task} failed: critical expectations failed: {'; '.join(failed_checks)}"
    notes = run_work_dir(settings, run_id) / "failures"
    note = notes / f"{run_folder_name(failed_task)}.txt" if failed_task else None
    if note is None or not note.exists():
        note = min(notes.glob("*.txt"), default=None, key=lambda path: path.stat().st_mtime_ns) \
            if notes.is_dir() else None
    if note is not None:
        return f"{task} failed: {note.read_text(encoding='utf-8')}"
    return f"{task} failed ({airflow_reason or 'no error recorded'}): see the task's log"


# ------------------------------------------------------------------ the tasks, in order


def prepare_build(run_id: str) -> str:
    """Start the build file from the published warehouse, so history carries over; returns its path."""
    from extract.warehouse.load import apply_schema, connect

    settings = load_settings()
    hold_build(settings, run_id)
    build = settings.build_path
    build.unlink(missing_ok=True)
    Path(str(build) + ".wal").unlink(missing_ok=True)
    if settings.warehouse_path.exists():
        shutil.copy2(settings.warehouse_path, build)
    con = connect(build)
    try:
        apply_schema(con)
    finally:
        con.close()
    return str(build)


def fetch_news(dag_run: DagRun) -> dict[str, Any]:
    """Fetch new articles from the configured feeds into the page store.

    Pages are stamped with the start of the run's day, so each page belongs to the
    run that fetched it and a re-run of that day finds the same pages. A backfill
    fetches nothing: past days are re-processed from the page store.
    """
    settings = load_settings()
    hold_build(settings, dag_run.run_id)
    if str(dag_run.run_type).endswith("backfill"):
        return {"skipped": "backfill: past days are re-processed from the page store"}
    if settings.sources_config is None:
        return {"skipped": "NEWS_SOURCES is not set: the inbox is the only source"}
    from extract.sources.fetch import fetch_new

    report = fetch_new(settings.sources_config, settings.page_store, now=run_window(dag_run)[0])
    log.info("fetch: %s", report.counts())
    return report.to_dict()


def extract_articles(dag_run: DagRun, reprocess: bool = False) -> str:
    """Parse the inbox and the pages fetched on the run's day; write rows for `load_raw`.

    Inputs the warehouse already holds with the same content (and, for articles,
    the same extractor version) are skipped, so a re-run does no work and changes
    nothing; `reprocess` parses everything again. Returns the folder written (Parquet parts, manifest).
    """
    settings = load_settings()
    hold_build(settings, dag_run.run_id)
    start, end = run_window(dag_run)
    written = _extract(settings, dag_run.run_id, start, end, reprocess)
    pause_point("extract_articles")
    return str(written)


def load_raw(run_id: str) -> dict[str, int]:
    """Load what `extract_articles` wrote for this run into raw.* and the ledger; returns the counts."""
    from extract.warehouse.load import connect, load_parts

    settings = load_settings()
    hold_build(settings, run_id)
    parts = _extracted_path(settings, run_id)
    payload = json.loads((parts / MANIFEST).read_text(encoding="utf-8"))
    con = connect(settings.build_path)
    try:
        result = load_parts(con, parts, payload["inputs"], run_id, utc_now())
        pause_point("load_raw")  # the new rows are in the build (its WAL), not yet checkpointed
    finally:
        con.close()
    counts = dict(result.__dict__)
    counts["n_unchanged"] = len(payload.get("unchanged", []))
    counts["n_inputs"] += counts["n_unchanged"]
    return counts


def validate_raw(run_id: str) -> dict[str, str]:
    """The `<asset>.raw` suites on the build file; a failed critical expectation fails the task for good."""
    return _validate("raw", run_id)


def validate_marts(run_id: str) -> dict[str, str]:
    """The `<asset>.marts` suites on the build file, after dbt."""
    return _validate("marts", run_id)


def publish(dag_run: DagRun, counts: dict[str, int]) -> str:
    """Record the run in audit.run_log, swap the build in with one atomic rename, free the build.

    Returns the run's summary. A retry after the rename finds the build already published.
    """
    from extract.warehouse.load import connect
    from extract.warehouse.run_log import record_run
    from extract.warehouse.summary import summary

    settings = load_settings()
    hold_build(settings, dag_run.run_id)
    if not settings.build_path.exists():
        # Without this check a retry would open (and so create) an empty build file and publish it.
        if not _published(settings, dag_run.run_id):
            raise FileNotFoundError(f"{settings.build_path} is missing and run {dag_run.run_id} was not published: "
                                    "run the DAG again from prepare_build")
        log.info("run %s was already published", dag_run.run_id)
    else:
        con = connect(settings.build_path)
        try:
            record_run(con, dag_run.run_id, dag_run.logical_date, dag_run.start_date or utc_now(), utc_now(), counts)
            con.execute("checkpoint")
        finally:
            con.close()
        pause_point("publish.recorded")
        os.replace(settings.build_path, settings.warehouse_path)
        log.info("published %s", settings.warehouse_path)
        pause_point("publish.renamed")
    release_build(dag_run.run_id)
    return summary(settings.warehouse_path, settings.data_docs_index)


# ------------------------------------------------------------------ helpers


# What extract_articles hands to load_raw: a folder of Parquet parts, one per batch and raw table,
# and the manifest of what became of each input (the ledger's rows), in the run's order.
MANIFEST = "manifest.json"


def _extracted_path(settings: Settings, run_id: str) -> Path:
    return run_work_dir(settings, run_id) / "extracted"


def _extract(settings: Settings, run_id: str, window_start: datetime, window_end: datetime, reprocess: bool) -> Path:
    from extract.nlp.version import extractor_version
    from extract.sources.inbox import Rejected, read_inbox
    from extract.tasks.parse import parse_documents
    from extract.warehouse.load import already_loaded, connect

    con = connect(settings.build_path)
    try:
        known = set() if reprocess else already_loaded(con, extractor_version())
    finally:
        con.close()
    unchanged: list[str] = []
    inputs: list[Any] = list(read_inbox(settings.inbox))
    if settings.page_store.exists():
        from extract.sources.fetch import documents_in_window

        inputs += documents_in_window(settings.page_store, window_start, window_end)
    to_parse: list[RawDocument] = []
    for item in inputs:
        if (item.source_uri, item.content_hash) in known:
            unchanged.append(item.source_uri)
        elif not isinstance(item, Rejected):
            to_parse.append(item)
    out = _extracted_path(settings, run_id)
    if out.exists():
        shutil.rmtree(out)  # a retry writes its parts afresh
    # Each batch writes its rows as Parquet parts in `out` and hands back only what the ledger needs.
    parsed = (entry for batch in parse_documents(to_parse, settings.seeds_dir, run_id, settings.article_time_budget,
                                                 settings.extract_workers, parts=out)
              for entry in batch)
    entries: list[dict[str, Any]] = []
    for item in inputs:
        if (item.source_uri, item.content_hash) in known:
            continue
        # The parsed results come in the order of `to_parse`, which is the order of `inputs`.
        if isinstance(item, Rejected):
            entry = {"seq": -1, "source_uri": item.source_uri, "content_hash": item.content_hash,
                     "article_id": None, "reason": item.reason, "n_calls": 0, "n_aid": 0}
        else:
            entry = next(parsed)
        if entry["article_id"] is None:
            log.warning("rejected %s: %s", entry["source_uri"], entry["reason"])
        entries.append(entry)
    if next(parsed, None) is not None:  # also lets the workers finish before the manifest is written
        raise RuntimeError("the parser gave more results than there were inputs to parse")
    out.mkdir(parents=True, exist_ok=True)
    manifest = {"inputs": entries, "unchanged": unchanged}
    (out / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    n_rejected = sum(1 for e in entries if e["article_id"] is None)
    log.info("extracted %d articles, rejected %d, unchanged %d -> %s", len(entries) - n_rejected, n_rejected,
             len(unchanged), out)
    return out


def _process(doc: RawDocument, gaz: Gazetteer, run_id: str, budget: float) -> ArticleRows | Rejected:
    """One article through the NLP pipeline within its time budget; over it, rejected with the reason."""
    from extract.nlp.pipeline import process_document
    from extract.sources.inbox import Rejected
    from extract.tasks.budget import OverBudget, within_budget

    try:
        return within_budget(budget, lambda: process_document(doc, gaz, run_id))
    except OverBudget as over:
        return Rejected(doc.source_uri, doc.content_hash,
                        f"processing {over} of CPU time: given up so that the run goes on")


def _validate(stage: str, run_id: str) -> dict[str, str]:
    """Validate one stage of the build; its status, report and Great Expectations Data Docs index."""
    from airflow.sdk.exceptions import AirflowFailException

    from expectations.suites import currencies_with_rates
    from expectations.validate import validate_stage

    settings = load_settings()
    hold_build(settings, run_id)
    result = validate_stage(settings.build_path, stage, run_id, settings.reports_dir / run_folder_name(run_id),
                            context_dir=settings.gx_context_dir, as_of=utc_now(),
                            allowed_currencies=currencies_with_rates(settings.seeds_dir),
                            max_held_back_share=settings.max_held_back_share)
    pause_point(f"validate_{stage}")  # the results are written to the build
    if result.status == "failed":
        # A data problem: retrying cannot fix it, and the build must not be published.
        raise AirflowFailException(f"critical expectations failed in stage {stage}: see {result.report_path}")
    return {"stage": stage, "status": result.status, "report": str(result.report_path),
            "data_docs": str(result.data_docs_path)}


def _published(settings: Settings, run_id: str) -> bool:
    from extract.warehouse.load import connect

    if not settings.warehouse_path.exists():
        return False
    con = connect(settings.warehouse_path, read_only=True)
    try:
        return con.execute("select count(*) from audit.run_log where run_id = ? and coalesce(status, 'published') "
                           "= 'published'", [run_id]).fetchone()[0] > 0
    finally:
        con.close()
