"""`audit.run_log`: one row per published run, built from what the build file holds.

The row is written into the build file just before it is published, so the
published warehouse only ever lists runs that published. Its counts come from
the load step, its validation status from the run's rows in
`audit.validation_results`, its held-back count from `audit.quarantine`
(built by dbt), and the sizes of the marts it publishes from `marts.fct_call` and
`marts.fct_aid` (the next run's `mart_not_emptied` check compares with them).
Re-running a run replaces its row.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime

import duckdb

from extract.warehouse.load import apply_schema

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
    }
    con.execute("delete from audit.run_log where run_id = ?", [run_id])
    con.execute(f"insert into audit.run_log ({', '.join(row)}) values ({', '.join('?' for _ in row)})", list(row.values()))
    return row


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
