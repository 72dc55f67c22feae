"""Writing extracted rows into the warehouse's raw and audit tables.

Loading is keyed by article id: an article's rows are replaced as a whole, so
loading the same batch twice leaves the tables as they were. Every input gets
a row in `audit.input_ledger` (loaded, duplicate or rejected with a reason).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb

log = logging.getLogger(__name__)

SCHEMA_SQL = Path(__file__).with_name("schema.sql")
# Files must stay readable by DuckDB 1.4 clients (analysts' CLIs and BI drivers).
STORAGE_COMPATIBILITY = "v1.4.0"
RAW_TABLES = (
    "articles", "sentences", "article_calls", "article_call_participants", "article_call_evidence",
    "aid_mentions",
)


def connect(path: Path, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    if read_only:
        return duckdb.connect(str(path), read_only=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    return duckdb.connect(str(path), config={"storage_compatibility_version": STORAGE_COMPATIBILITY})


def apply_schema(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(SCHEMA_SQL.read_text(encoding="utf-8"))


@dataclass(frozen=True)
class LedgerEntry:
    source_uri: str
    content_hash: str
    status: str
    reason: str | None
    article_id: str | None


def already_loaded(con: duckdb.DuckDBPyConnection, extractor_version: str) -> set[tuple[str, str]]:
    """Inputs (source_uri, content_hash) a run need not parse again.

    Loaded articles count only when the current extractor made their rows, so a
    new extractor version re-reads everything; rejects and duplicates are final.
    """
    apply_schema(con)
    rows = con.execute(
        """
        select l.source_uri, l.content_hash
        from audit.input_ledger l
        left join raw.articles a on a.article_id = l.article_id
        where l.status <> 'loaded' or a.extractor_version = ?
        """,
        [extractor_version],
    ).fetchall()
    return {(uri, digest) for uri, digest in rows}


@dataclass(frozen=True)
class LoadResult:
    n_inputs: int
    n_loaded: int
    n_duplicates: int
    n_rejected: int
    n_calls: int
    n_aid: int
    n_superseded: int = 0  # earlier versions of a loaded input that its new version replaced


def load_batch(
    con: duckdb.DuckDBPyConnection, articles: list[dict[str, Any]], rejected: list[dict[str, str]],
    run_id: str, now: datetime,
) -> LoadResult:
    """Load one run's extraction output in a single transaction."""
    apply_schema(con)
    ledger: list[LedgerEntry] = [
        LedgerEntry(r["source_uri"], r["content_hash"], "rejected", r["reason"], None) for r in rejected
    ]
    n_calls = n_aid = n_loaded = n_superseded = 0
    con.execute("begin transaction")
    try:
        existing = {
            article_id: (source_uri, first_run)
            for article_id, source_uri, first_run in con.execute(
                "select article_id, source_uri, run_id from raw.articles").fetchall()
        }
        owners = {article_id: source_uri for article_id, (source_uri, _) in existing.items()}
        for article in articles:
            article_id = article["article_id"]
            owner = owners.get(article_id)
            if owner is not None and owner != article["source_uri"]:
                ledger.append(LedgerEntry(article["source_uri"], article["content_hash"], "duplicate",
                                          f"same article as {owner}", article_id))
                continue
            for older in [other for other, uri in owners.items() if uri == article["source_uri"] and other != article_id]:
                # The same input now reads differently (an edited file, or an extractor that cleans
                # pages differently): the new version replaces the old one, or both would be counted.
                log.info("%s: article %s replaces its earlier version %s", article["source_uri"], article_id, older)
                _replace_article(con, older, {})
                del owners[older]
                n_superseded += 1
            owners[article_id] = article["source_uri"]
            for row in article["tables"]["articles"]:
                row["loaded_at"] = now
                if article_id in existing:
                    row["run_id"] = existing[article_id][1]  # the run that first loaded it
            _replace_article(con, article_id, article["tables"])
            ledger.append(LedgerEntry(article["source_uri"], article["content_hash"], "loaded", None, article_id))
            n_loaded += 1
            n_calls += len(article["tables"].get("article_calls", []))
            n_aid += len(article["tables"].get("aid_mentions", []))
        _record_ledger(con, ledger, run_id, now)
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    n_dup = sum(1 for e in ledger if e.status == "duplicate")
    n_rej = sum(1 for e in ledger if e.status == "rejected")
    return LoadResult(len(ledger), n_loaded, n_dup, n_rej, n_calls, n_aid, n_superseded)


def _replace_article(con: duckdb.DuckDBPyConnection, article_id: str, tables: dict[str, list[dict]]) -> None:
    call_ids = [r["article_call_id"] for r in tables.get("article_calls", [])]
    old_calls = [r[0] for r in con.execute(
        "select article_call_id from raw.article_calls where article_id = ?", [article_id]).fetchall()]
    for table in ("article_call_participants",):
        for call_id in set(old_calls) | set(call_ids):
            con.execute(f"delete from raw.{table} where article_call_id = ?", [call_id])
    for table in ("articles", "sentences", "article_calls", "article_call_evidence", "aid_mentions"):
        con.execute(f"delete from raw.{table} where article_id = ?", [article_id])
    for table in RAW_TABLES:
        _insert(con, f"raw.{table}", tables.get(table, []))


def _insert(con: duckdb.DuckDBPyConnection, table: str, rows: Iterable[dict[str, Any]]) -> None:
    rows = list(rows)
    if not rows:
        return
    columns = list(rows[0])
    placeholders = ", ".join("?" for _ in columns)
    con.executemany(
        f"insert into {table} ({', '.join(columns)}) values ({placeholders})",
        [[row[c] for c in columns] for row in rows],
    )


def _record_ledger(con: duckdb.DuckDBPyConnection, ledger: list[LedgerEntry], run_id: str, now: datetime) -> None:
    # First sighting wins: a re-run over the same inbox adds no ledger rows.
    if not ledger:
        return
    con.executemany(
        """
        insert into audit.input_ledger (source_uri, content_hash, status, reason, article_id, first_seen_at, run_id)
        values (?, ?, ?, ?, ?, ?, ?)
        on conflict (source_uri, content_hash) do nothing
        """,
        [[e.source_uri, e.content_hash, e.status, e.reason, e.article_id, now, run_id] for e in ledger],
    )
