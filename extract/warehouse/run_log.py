"""`audit.run_log`: one row per run, `published` or `failed`.

A run that publishes writes its row into the build file just before the
rename (`record_run`). Its counts come from the load step, its validation
status from the run's rows in `audit.validation_results`, its held-back count
from `audit.quarantine` (built by dbt), and the sizes of the marts it publishes
from `marts.fct_call` and `marts.fct_aid` (the next run's `mart_not_emptied`
check compares with them). `n_calls` and `n_aid` are those published sizes too:
the load step counts article-level reports, and several reports are one call.

A run that fails never publishes its build, so the DAG's failure callback
writes its row straight into the published warehouse (`record_failed_run`),
with the reason, while the run still holds the build lock: a copy of the
published file gets the row and replaces it with one atomic rename, as a
publish does, so readers never see a half-written file and never block it.
Re-running a run replaces its row.
"""

from __future__ import annotations

import logging
import os
import shutil
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from extract.warehouse.load import apply_schema, connect

log = logging.getLogger(__name__)

# Counts of the load step (extract.tasks.steps.load_raw) that the row keeps.
LOAD_COUNTS = ("n_inputs", "n_loaded", "n_duplicates", "n_rejected", "n_calls", "n_aid", "n_unchanged", "n_superseded")


def run_folder_name(run_id: str) -> str:
    """A run id as a folder name: its work files and validation reports live under it."""
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in run_id)


def validation_status(con: duckdb.DuckDBPyConnection, run_id: str) -> str:
    """`failed` if a critical expectation of the run failed, `warned` if only warnings did, else `passed`."""
    critical, warning = con.execute(
        """
        select count(*) filter (where not success and severity = 'critical'),
               count(*) filter (where not success and severity = 'warning')
        from audit.validation_results where run_id = ?
        """, [run_id]).fetchone()
    return "failed" if critical else ("warned" if warning else "passed")


def record_run(con: duckdb.DuckDBPyConnection, run_id: str, logical_date: datetime | None, started_at: datetime,
               finished_at: datetime, counts: Mapping[str, int]) -> dict[str, object]:
    """Write (or rewrite) the run's row of `audit.run_log`; returns the row.

    Times are naive UTC; `logical_date` is None for a manual run that has none.
    """
    apply_schema(con)
    row: dict[str, object] = {
        "run_id": run_id,
        "logical_date": _naive_utc(logical_date),
        "started_at": _naive_utc(started_at).replace(microsecond=0),
        "finished_at": finished_at,
        **{name: int(counts.get(name, 0)) for name in LOAD_COUNTS},
        "validation_status": validation_status(con, run_id),
        "n_quarantined": _n_quarantined(con),
        "n_calls_published": _n_rows(con, "marts", "fct_call"),
        "n_aid_published": _n_rows(con, "marts", "fct_aid"),
        "status": "published",
        "reason": None,
    }
    # Calls, not article-level reports: several reports of one call are one row of the mart.
    for loaded, published in (("n_calls", "n_calls_published"), ("n_aid", "n_aid_published")):
        if row[published] is not None:
            row[loaded] = row[published]
    _write_row(con, row)
    return row


def failed_expectations(con: duckdb.DuckDBPyConnection, run_id: str) -> list[str]:
    """The run's failed critical expectations, as `<suite> <expectation> (<n> rows)`, in a stable order."""
    if not _table_exists(con, "audit", "validation_results"):
        return []
    rows = con.execute(
        """
        select suite_name, expectation, column_name, unexpected_count
        from audit.validation_results
        where run_id = ? and severity = 'critical' and not success
        order by suite_name, expectation, column_name
        """, [run_id]).fetchall()
    return [f"{suite} {expectation}" + (f" on {column}" if column else "")
            + (f" ({n} rows)" if n is not None else "") for suite, expectation, column, n in rows]


def load_counts(con: duckdb.DuckDBPyConnection, run_id: str) -> dict[str, int]:
    """What a run first saw, from the ledger of its build: inputs, loaded, duplicates, rejected."""
    if not _table_exists(con, "audit", "input_ledger"):
        return {}
    n_inputs, n_loaded, n_dup, n_rej = con.execute(
        """
        select count(*), count(*) filter (where status = 'loaded'), count(*) filter (where status = 'duplicate'),
               count(*) filter (where status = 'rejected')
        from audit.input_ledger where run_id = ?
        """, [run_id]).fetchone()
    return {"n_inputs": n_inputs, "n_loaded": n_loaded, "n_duplicates": n_dup, "n_rejected": n_rej}


def record_failed_run(warehouse: Path, run_id: str, logical_date: datetime | None, started_at: datetime,
                      finished_at: datetime, reason: str, counts: Mapping[str, int] | None = None,
                      validation: str | None = None) -> dict[str, object]:
    """Write (or rewrite) a failed run's row into the published warehouse; returns the row.

    The caller holds the build lock, so no run builds or publishes meanwhile. The
    row goes into a copy of the published file (a new file with the schema only
    when nothing was ever published), which replaces it with one atomic rename.
    The marts stay as they were: `n_calls_published` / `n_aid_published` are
    their sizes, still the last good publication's; `n_calls` / `n_aid` are
    null, as the run published nothing.
    """
    partial = Path(f"{warehouse}.failed-run")
    partial.unlink(missing_ok=True)
    Path(f"{partial}.wal").unlink(missing_ok=True)
    if warehouse.exists():
        shutil.copy2(warehouse, partial)
    con = connect(partial)
    try:
        apply_schema(con)
        counts = counts or {}
        row: dict[str, object] = {
            "run_id": run_id,
            "logical_date": _naive_utc(logical_date),
            "started_at": _naive_utc(started_at).replace(microsecond=0),
            "finished_at": finished_at,
            **{name: (int(counts[name]) if name in counts else None) for name in LOAD_COUNTS},
            "n_calls": None,
            "n_aid": None,
            "validation_status": validation,
            "n_quarantined": None,
            "n_calls_published": _n_rows(con, "marts", "fct_call"),
            "n_aid_published": _n_rows(con, "marts", "fct_aid"),
            "status": "failed",
            "reason": reason,
        }
        _write_row(con, row)
        con.execute("checkpoint")
    finally:
        con.close()
    os.replace(partial, warehouse)
    log.info("run %s recorded as failed in %s: %s", run_id, warehouse, reason)
    return row


def _write_row(con: duckdb.DuckDBPyConnection, row: Mapping[str, object]) -> None:
    con.execute("delete from audit.run_log where run_id = ?", [row["run_id"]])
    con.execute(f"insert into audit.run_log ({', '.join(row)}) values ({', '.join('?' for _ in row)})", list(row.values()))


def _table_exists(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> bool:
    return con.execute("select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
                       [schema, table]).fetchone()[0] > 0


def _n_quarantined(con: duckdb.DuckDBPyConnection) -> int | None:
    if not _table_exists(con, "audit", "quarantine"):  # dbt builds it; a warehouse that never reached dbt has none
        return None
    return con.execute("select count(distinct (fact_type, fact_key)) from audit.quarantine").fetchone()[0]


def _n_rows(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> int | None:
    """Rows of a mart dbt builds; None when the warehouse has no such table."""
    if not _table_exists(con, schema, table):
        return None
    return con.execute(f"select count(*) from {schema}.{table}").fetchone()[0]


def _naive_utc(moment: datetime | None) -> datetime | None:
    if moment is None or moment.tzinfo is None:
        return moment
    return moment.astimezone(UTC).replace(tzinfo=None)
