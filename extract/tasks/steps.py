"""The steps of one pipeline run, as plain functions the DAG's tasks call.

A run writes into a build copy of the warehouse (`<warehouse>.building`) and
publishes it with an atomic rename only after the marts pass validation, so
a failed run leaves the last good warehouse in place and a reader never sees
a half-built one. DuckDB allows one writer per file: the steps run one after
another and each closes its connection before the next opens the file.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from extract.clock import utc_now
from extract.tasks.settings import Settings
from extract.warehouse import lock

log = logging.getLogger(__name__)

# How long a run may go without renewing its hold on the build: longer than any one step
# (the dbt build is the longest, minutes), short enough that a killed run frees the warehouse soon.
BUILD_LEASE = timedelta(hours=2)


def day_window(logical_date: datetime) -> tuple[datetime, datetime]:
    """The UTC day a run reads, as naive UTC [start, end): the day its logical date falls on.

    For scheduled and backfill runs this is their data interval (the timetable puts the logical
    date at the interval's start); a manual run has no interval of its own worth reading.
    """
    moment = logical_date.astimezone(UTC) if logical_date.tzinfo else logical_date
    start = moment.replace(hour=0, minute=0, second=0, microsecond=0, tzinfo=None)
    return start, start + timedelta(days=1)


def claim_build(settings: Settings, run_id: str,
                run_finished: Callable[[str], bool] | None = None) -> lock.Holder:
    """Try to become the one run building the warehouse; returns whoever holds it now."""
    holder = lock.claim(settings.lock_path, run_id, utc_now(), BUILD_LEASE, run_finished)
    if holder.run_id != run_id:
        log.info("waiting: run %s has been building the warehouse since %s", holder.run_id, holder.acquired_at)
    return holder


def hold_build(settings: Settings, run_id: str) -> None:
    """Renew this run's hold on the build, or stop it if another run has taken the build over."""
    lock.renew(settings.lock_path, run_id, utc_now(), BUILD_LEASE)


def release_build(settings: Settings, run_id: str) -> bool:
    released = lock.release(settings.lock_path, run_id)
    if released:
        log.info("run %s released %s", run_id, settings.lock_path)
    return released


def prepare_build(settings: Settings, run_id: str) -> Path:
    """Start the build file from the published warehouse, so history carries over."""
    hold_build(settings, run_id)
    build = settings.build_path
    build.unlink(missing_ok=True)
    Path(str(build) + ".wal").unlink(missing_ok=True)
    if settings.warehouse_path.exists():
        shutil.copy2(settings.warehouse_path, build)
    from extract.warehouse.load import apply_schema, connect

    con = connect(build)
    try:
        apply_schema(con)
    finally:
        con.close()
    return build


def fetch_news(settings: Settings, window_start: datetime) -> dict[str, Any]:
    """Fetch new articles from the configured feeds into the page store.

    Pages are stamped with the run's window start, so each page belongs to the
    run that fetched it and a re-run of that day finds the same pages.
    """
    if settings.sources_config is None:
        return {"skipped": "NEWS_SOURCES is not set: the inbox is the only source"}
    from extract.sources.fetch import fetch_new

    report = fetch_new(settings.sources_config, settings.page_store, now=window_start)
    log.info("fetch: %s", report.counts())
    return report.to_dict()


def extract_inputs(settings: Settings, run_id: str, window_start: datetime, window_end: datetime,
                   reprocess: bool = False) -> Path:
    """Parse the inbox and the pages fetched in this run's window; write rows for the load step.

    Inputs the warehouse already holds with the same content (and, for articles,
    the same extractor version) are skipped, so a re-run does no work and changes
    nothing; `reprocess` parses everything again.
    """
    from extract.nlp.people import Gazetteer
    from extract.nlp.pipeline import process_document
    from extract.nlp.reference import load_reference
    from extract.nlp.version import extractor_version
    from extract.sources.inbox import Rejected, read_inbox
    from extract.warehouse.load import already_loaded, connect

    con = connect(settings.build_path)
    try:
        known = set() if reprocess else already_loaded(con, extractor_version())
    finally:
        con.close()
    gaz = Gazetteer(load_reference(settings.seeds_dir))
    articles: list[dict[str, Any]] = []
    rejected: list[dict[str, str]] = []
    unchanged: list[str] = []
    inputs: list[Any] = list(read_inbox(settings.inbox))
    if settings.page_store.exists():
        from extract.sources.fetch import documents_in_window

        inputs += documents_in_window(settings.page_store, window_start, window_end)
    for item in inputs:
        if (item.source_uri, item.content_hash) in known:
            unchanged.append(item.source_uri)
            continue
        result = item if isinstance(item, Rejected) else process_document(item, gaz, run_id)
        if isinstance(result, Rejected):
            log.warning("rejected %s: %s", result.source_uri, result.reason)
            rejected.append({"source_uri": result.source_uri, "content_hash": result.content_hash,
                             "reason": result.reason})
        else:
            articles.append({"article_id": result.article_id, "source_uri": result.source_uri,
                             "content_hash": result.content_hash, "tables": result.tables})
    out = run_work_dir(settings, run_id) / "extracted.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    payload = {"articles": articles, "rejected": rejected, "unchanged": unchanged}
    out.write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
    log.info("extracted %d articles, rejected %d, unchanged %d -> %s", len(articles), len(rejected), len(unchanged), out)
    return out


def load_extracted(settings: Settings, extracted: Path, run_id: str) -> dict[str, int]:
    from extract.warehouse.load import connect, load_batch

    payload = json.loads(extracted.read_text(encoding="utf-8"))
    con = connect(settings.build_path)
    try:
        result = load_batch(con, payload["articles"], payload["rejected"], run_id, utc_now())
    finally:
        con.close()
    counts = dict(result.__dict__)
    counts["n_unchanged"] = len(payload.get("unchanged", []))
    counts["n_inputs"] += counts["n_unchanged"]
    return counts


def validate(settings: Settings, stage: str, run_id: str, as_of: datetime) -> dict[str, Any]:
    from expectations.validate import validate_stage

    result = validate_stage(settings.build_path, stage, run_id, settings.reports_dir / _safe(run_id), as_of=as_of,
                            max_held_back_share=settings.max_held_back_share)
    return {"stage": stage, "status": result.status, "report": str(result.report_path)}


def publish(settings: Settings, run: dict[str, Any]) -> None:
    """Record the run, swap the build file in with one atomic rename, and free the build for the next run."""
    from extract.warehouse.load import connect, record_run

    hold_build(settings, run["run_id"])
    con = connect(settings.build_path)
    try:
        record_run(con, run)
        con.execute("checkpoint")
    finally:
        con.close()
    os.replace(settings.build_path, settings.warehouse_path)
    log.info("published %s", settings.warehouse_path)
    release_build(settings, run["run_id"])


def summary(warehouse: Path) -> str:
    """The short report `make run` prints at the end."""
    from extract.warehouse.load import connect

    con = connect(warehouse, read_only=True)
    try:
        run = con.execute(
            "select run_id, n_inputs, n_loaded, n_duplicates, n_rejected, validation_status "
            "from audit.run_log order by finished_at desc limit 1").fetchone()
        calls = con.execute("select count(*) from marts.fct_call").fetchone()[0]
        aid = con.execute("select count(*) from marts.fct_aid").fetchone()[0]
        rejected = con.execute(
            "select source_uri, reason from audit.input_ledger where status = 'rejected' order by source_uri").fetchall()
        held_back = []
        if con.execute("select count(*) from information_schema.tables "
                       "where table_schema = 'audit' and table_name = 'quarantine'").fetchone()[0]:
            held_back = con.execute("select fact_type, rule, count(*) from audit.quarantine "
                                    "group by all order by 3 desc, 1, 2").fetchall()
    finally:
        con.close()
    if run is None:
        return f"No run recorded in {warehouse}."
    run_id, n_inputs, n_loaded, n_dup, n_rej, status = run
    lines = [
        f"run {run_id}",
        f"  articles read: {n_inputs} (loaded {n_loaded}, duplicates {n_dup}, rejected {n_rej})",
        f"  calls in marts.fct_call: {calls}",
        f"  aid rows in marts.fct_aid: {aid}",
        f"  held back in audit.quarantine: {sum(n for *_, n in held_back)}"
        + "".join(f"\n    {fact_type}: {rule} ({n})" for fact_type, rule, n in held_back),
        f"  validation: {status}",
        f"  warehouse: {warehouse}",
        f"  validation report: {warehouse.parent / 'reports' / _safe(run_id)}",
    ]
    lines += [f"  rejected: {uri}: {reason}" for uri, reason in rejected]
    return "\n".join(lines)


def run_work_dir(settings: Settings, run_id: str) -> Path:
    """Where one run keeps its intermediate files (extraction output, dbt's run results)."""
    return settings.work_dir / _safe(run_id)


def _safe(run_id: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in run_id)
