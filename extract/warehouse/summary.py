"""What the last run did, read from a published warehouse: the short report `make run` prints.

`python -m extract.warehouse.summary WAREHOUSE [DATA_DOCS_INDEX]` prints it; the DAG's `publish` task
returns it.
A failed last run is said so, with its reason, together with the last good publication the
marts still hold.
"""

from __future__ import annotations

import sys
from pathlib import Path

import duckdb

from extract.warehouse.load import connect
from extract.warehouse.run_log import run_folder_name

# Rows written before runs had a status (and every published run) count as published.
RUN_STATUS = "coalesce(status, 'published')"


def summary(warehouse: Path, data_docs: Path | None = None) -> str:
    """The last run of `audit.run_log`, the marts' sizes, held-back facts and rejected inputs.

    `data_docs` is the Great Expectations Data Docs index (every validation of every run), shown
    when given: where it lives is the task settings' business, not the warehouse's.
    """
    con = connect(warehouse, read_only=True)
    try:
        has_status = _has_column(con, "audit", "run_log", "status")
        status_sql, reason_sql = (RUN_STATUS, "reason") if has_status else ("'published'", "null")
        last = (f"select run_id, n_inputs, n_loaded, n_duplicates, n_rejected, validation_status, {status_sql}, "
                f"{reason_sql}, finished_at from audit.run_log")
        run = con.execute(f"{last} order by finished_at desc nulls last limit 1").fetchone()
        good = con.execute(f"{last} where {status_sql} = 'published' order by finished_at desc nulls last limit 1"
                           ).fetchone()
        calls = _count(con, "marts", "fct_call")
        aid = _count(con, "marts", "fct_aid")
        rejected = con.execute(
            "select source_uri, reason from audit.input_ledger where status = 'rejected' order by source_uri").fetchall()
        held_back = []
        if _has_table(con, "audit", "quarantine"):
            held_back = con.execute("select fact_type, rule, count(*) from audit.quarantine "
                                    "group by all order by 3 desc, 1, 2").fetchall()
    finally:
        con.close()
    if run is None:
        return f"No run recorded in {warehouse}."
    run_id, n_inputs, n_loaded, n_dup, n_rej, validation, status, reason, _ = run
    lines = [f"run {run_id}"]
    if status == "failed":
        lines += [f"  status: FAILED, nothing published: {reason}",
                  "  last good publication: " + (f"run {good[0]} (finished {good[8]:%Y-%m-%d %H:%M} UTC)"
                                                 if good else "none: the marts are empty")]
    lines += [
        f"  articles read: {_n(n_inputs)} (loaded {_n(n_loaded)}, duplicates {_n(n_dup)}, rejected {_n(n_rej)})",
        f"  calls in marts.fct_call: {_n(calls)}",
        f"  aid rows in marts.fct_aid: {_n(aid)}",
        f"  held back in audit.quarantine: {sum(n for *_, n in held_back)}"
        + "".join(f"\n    {fact_type}: {rule} ({n})" for fact_type, rule, n in held_back),
        f"  validation: {validation or 'not reached'}",
        f"  warehouse: {warehouse}",
        f"  validation report: {warehouse.parent / 'reports' / run_folder_name(run_id)}",
    ]
    if data_docs is not None:
        lines.append(f"  data docs: {data_docs}")
    lines += [f"  rejected: {uri}: {why}" for uri, why in rejected]
    return "\n".join(lines)


def _n(value: int | None) -> str:
    return "-" if value is None else str(value)


def _has_table(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> bool:
    return con.execute("select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
                       [schema, table]).fetchone()[0] > 0


def _has_column(con: duckdb.DuckDBPyConnection, schema: str, table: str, column: str) -> bool:
    return con.execute("select count(*) from information_schema.columns "
                       "where table_schema = ? and table_name = ? and column_name = ?",
                       [schema, table, column]).fetchone()[0] > 0


def _count(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> int | None:
    """Rows of a mart; None when no run ever published one (a warehouse holding only failed runs)."""
    if not _has_table(con, schema, table):
        return None
    return con.execute(f"select count(*) from {schema}.{table}").fetchone()[0]


if __name__ == "__main__":
    print(summary(Path(sys.argv[1]), Path(sys.argv[2]) if len(sys.argv) > 2 else None))  # the command's output, not a log line
