"""Read-only access to the published warehouse.

A pipeline run publishes a new warehouse by atomically renaming a finished
file over `WAREHOUSE_PATH`. The dashboard therefore never keeps a connection:
every query opens the file read-only, runs and closes, so the next query sees
the newly published file and no reader ever holds a file a writer needs.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_WAREHOUSE = PROJECT_ROOT / "var" / "warehouse.duckdb"

# What the dashboard reads; a warehouse built before the reporting models lacks some.
REQUIRED_TABLES = (
    "fct_call", "fct_aid", "dim_country", "bridge_call_participant", "rpt_call_participants", "rpt_fact_evidence",
)

Params = Mapping[str, Any] | Sequence[Any] | None


def warehouse_path() -> Path:
    return Path(os.environ.get("WAREHOUSE_PATH") or DEFAULT_WAREHOUSE).expanduser().resolve()


def file_version(path: Path) -> tuple[int, int, int] | None:
    """Identity of the file now at `path` (inode, mtime, size): it changes when a run publishes."""
    try:
        stat = os.stat(path)
    except FileNotFoundError:
        return None
    return (stat.st_ino, stat.st_mtime_ns, stat.st_size)


def query(path: Path, sql: str, params: Params = None) -> pd.DataFrame:
    """Run one query on a fresh read-only connection and close it."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(sql, params if params is not None else []).df()
    finally:
        con.close()


def missing_tables(path: Path) -> list[str]:
    found = set(query(path, "select table_name from information_schema.tables where table_schema = 'marts'")["table_name"])
    return [name for name in REQUIRED_TABLES if name not in found]


def has_table(path: Path, schema: str, table: str) -> bool:
    return not query(path, "select 1 from information_schema.tables where table_schema = ? and table_name = ?",
                     [schema, table]).empty


def columns(path: Path, schema: str, table: str) -> set[str]:
    return set(query(path, "select column_name from information_schema.columns where table_schema = ? and table_name = ?",
                     [schema, table])["column_name"])


def last_run_status(path: Path) -> str | None:
    """The sidebar's status line: the last run as it ended, and, when it failed, the last good publication.

    None for a warehouse without a run log (one built before the audit tables).
    """
    if not has_table(path, "audit", "run_log"):
        return None
    have = columns(path, "audit", "run_log")
    status = "coalesce(status, 'published')" if "status" in have else "'published'"
    reason = "reason" if "reason" in have else "null"
    runs = query(path, f"""
        select run_id, finished_at, validation_status, {status} as status, {reason} as reason
        from audit.run_log order by finished_at desc nulls last""")
    if runs.empty:
        return None
    last = runs.iloc[0]
    if last.status != "failed":
        return f"Last run: {_when(last.finished_at)}, published, validation {last.validation_status}"
    good = runs[runs.status == "published"]
    since = (f"Last good publication: {_when(good.iloc[0].finished_at)} (run {good.iloc[0].run_id})"
             if not good.empty else "No run has published yet")
    return f"Last run: {_when(last.finished_at)}, FAILED: {last.reason}. {since}; the data shown is from it."


def _when(moment: Any) -> str:
    return "unknown time" if pd.isna(moment) else f"{moment:%Y-%m-%d %H:%M} UTC"


def problem(path: Path) -> str | None:
    """Why the dashboard cannot show this warehouse, or None when it can."""
    if file_version(path) is None:
        return f"No warehouse at `{path}`. Build one with `make run`, or set `WAREHOUSE_PATH`."
    try:
        missing = missing_tables(path)
    except duckdb.Error as error:
        return f"Cannot open `{path}` read-only: {error}"
    if missing:
        status = last_run_status(path)
        if status and "FAILED" in status and "No run has published yet" in status:
            return f"`{path}` holds no marts yet. {status.replace('; the data shown is from it.', '.')}"
        return (f"`{path}` has no table(s) {', '.join('marts.' + m for m in missing)}: "
                "it was built before the reporting models. Run `make run` again.")
    return None
