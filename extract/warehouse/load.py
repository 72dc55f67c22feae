"""Writing extracted rows into the warehouse's raw and audit tables.

Loading is keyed by article id: an article's rows are replaced as a whole, so
loading the same batch twice leaves the tables as they were. Every input gets
a row in `audit.input_ledger` (loaded, duplicate or rejected with a reason).
"""

from __future__ import annotations

import logging
import tempfile
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
    """Load extraction output held in memory (article dicts with their `tables`), as `load_parts` loads parts."""
    with tempfile.TemporaryDirectory(prefix="load-batch-") as folder:
        inputs = [{**r, "seq": -1, "article_id": None} for r in rejected]
        inputs += write_part(Path(folder) / "part-00000", [{**a, "seq": i} for i, a in enumerate(articles)])
        return load_parts(con, Path(folder), inputs, run_id, now)


# Columns of the Parquet parts that are not the raw tables' own: the input an article came from
# (its place in the run's inputs), the row's place among that article's rows, and its article.
PART_SEQ, PART_ROW, PART_ARTICLE = "_seq", "_row", "_article_id"


def _arrow_type(kinds: set[type]) -> str:
    """The Arrow type of a column whose values have the Python types `kinds` (the insert casts it after)."""
    if kinds == {bool}:
        return "bool_"
    if kinds and kinds <= {int, float}:
        return "float64" if float in kinds else "int64"
    return "string"  # text, dates and times as text, and anything mixed


def write_part(prefix: Path, articles: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Write the rows of `articles` as one Parquet file per raw table (`<prefix>.<table>.parquet`).

    Each article is a dict with `seq` (its input's place in the run), `source_uri`,
    `content_hash`, `article_id` and `tables`. Returns what the ledger needs of each, in order.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    prefix.parent.mkdir(parents=True, exist_ok=True)
    for table in RAW_TABLES:
        rows = [{**row, PART_SEQ: a["seq"], PART_ROW: i, PART_ARTICLE: a["article_id"]}
                for a in articles for i, row in enumerate(a["tables"].get(table, []))]
        if not rows:
            continue
        columns = list(dict.fromkeys(c for row in rows for c in row))
        kinds = {c: {type(row[c]) for row in rows if row.get(c) is not None} for c in columns}
        arrow = {c: _arrow_type(k) for c, k in kinds.items()}
        values = [{c: (str(v) if v is not None and arrow[c] == "string" else v) for c, v in row.items()}
                  for row in rows]
        fields = [pa.field(c, getattr(pa, arrow[c])()) for c in columns]
        pq.write_table(pa.Table.from_pylist(values, schema=pa.schema(fields)), f"{prefix}.{table}.parquet")
    return [{"seq": a["seq"], "source_uri": a["source_uri"], "content_hash": a["content_hash"],
             "article_id": a["article_id"], "reason": None,
             "n_calls": len(a["tables"].get("article_calls", [])),
             "n_aid": len(a["tables"].get("aid_mentions", []))} for a in articles]


def load_parts(
    con: duckdb.DuckDBPyConnection, parts: Path, inputs: list[dict[str, Any]], run_id: str, now: datetime,
) -> LoadResult:
    """Load one run's extraction output, written as Parquet parts in `parts`, in a single transaction.

    `inputs` says, in the run's order, what became of each input: rejected (no `article_id`, a
    `reason`) or parsed (its `article_id` and `seq`, the key of its rows in the parts). Which
    articles load is decided here, input by input: an article another input already holds is a
    duplicate, and an input that now reads as another article replaces its earlier version.
    Then the rows are deleted and inserted table by table, in bulk, straight from the parts.
    """
    apply_schema(con)
    ledger: list[LedgerEntry] = [
        LedgerEntry(i["source_uri"], i["content_hash"], "rejected", i["reason"], None)
        for i in inputs if i["article_id"] is None
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
        keep: dict[str, int] = {}  # article id -> the input (seq) whose rows it gets
        gone: set[str] = set()     # article ids whose rows in the warehouse go
        for entry in (i for i in inputs if i["article_id"] is not None):
            article_id, source_uri = entry["article_id"], entry["source_uri"]
            owner = owners.get(article_id)
            if owner is not None and owner != source_uri:
                ledger.append(LedgerEntry(source_uri, entry["content_hash"], "duplicate",
                                          f"same article as {owner}", article_id))
                continue
            for older in [other for other, uri in owners.items() if uri == source_uri and other != article_id]:
                # The same input now reads differently (an edited file, or an extractor that cleans
                # pages differently): the new version replaces the old one, or both would be counted.
                log.info("%s: article %s replaces its earlier version %s", source_uri, article_id, older)
                gone.add(older)
                keep.pop(older, None)
                del owners[older]
                n_superseded += 1
            owners[article_id] = source_uri
            keep[article_id] = entry["seq"]
            gone.add(article_id)
            ledger.append(LedgerEntry(source_uri, entry["content_hash"], "loaded", None, article_id))
            n_loaded += 1
            n_calls += entry["n_calls"]
            n_aid += entry["n_aid"]
        first_runs = {article_id: existing[article_id][1] for article_id in keep if article_id in existing}
        _replace_articles(con, parts, gone, keep, first_runs, now)
        _record_ledger(con, ledger, run_id, now)
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    n_dup = sum(1 for e in ledger if e.status == "duplicate")
    n_rej = sum(1 for e in ledger if e.status == "rejected")
    return LoadResult(len(ledger), n_loaded, n_dup, n_rej, n_calls, n_aid, n_superseded)


def _replace_articles(con: duckdb.DuckDBPyConnection, parts: Path, gone: set[str], keep: dict[str, int],
                      first_runs: dict[str, str], now: datetime) -> None:
    """Delete the rows of the articles in `gone`, then insert those of `keep` from the parts, in input order."""
    import pyarrow as pa

    con.register("_gone", pa.table({"article_id": pa.array(sorted(gone), pa.string())}))
    kept = sorted(keep)
    con.register("_keep", pa.table({
        "article_id": pa.array(kept, pa.string()), "seq": pa.array([keep[a] for a in kept], pa.int64()),
        "first_run": pa.array([first_runs.get(a) for a in kept], pa.string())}))
    try:
        files = {table: sorted(str(p) for p in parts.glob(f"*.{table}.parquet")) for table in RAW_TABLES}

        new_calls = "select null::varchar as article_call_id"
        params: list[Any] = []
        if files["article_calls"]:
            # The participants of the calls about to be inserted go too (as each article's reload did).
            new_calls = (f"select p.article_call_id from read_parquet(?, union_by_name = true) p join _keep k "
                         f"on k.article_id = p.{PART_ARTICLE} and k.seq = p.{PART_SEQ}")
            params = [files["article_calls"]]
        con.execute(
            "delete from raw.article_call_participants where article_call_id in (select article_call_id "
            f"from raw.article_calls where article_id in (select article_id from _gone)) or article_call_id in "
            f"({new_calls})", params)
        for table in ("articles", "sentences", "article_calls", "article_call_evidence", "aid_mentions"):
            con.execute(f"delete from raw.{table} where article_id in (select article_id from _gone)")
        for table in RAW_TABLES:
            if files[table]:
                _insert_part(con, table, files[table], now)
    finally:
        con.unregister("_gone")
        con.unregister("_keep")


def _insert_part(con: duckdb.DuckDBPyConnection, table: str, files: list[str], now: datetime) -> None:
    types = dict(con.execute("select column_name, data_type from information_schema.columns "
                             "where table_schema = 'raw' and table_name = ?", [table]).fetchall())
    columns = [c for c, in con.execute("select column_name from (describe select * from "
                                       "read_parquet(?, union_by_name = true))", [files]).fetchall()
               if not c.startswith("_")]
    values = {c: f"cast(p.{c} as {types[c]})" for c in columns}
    params: list[Any] = [files]
    if table == "articles":
        # The run that first loaded an article stays its run; every (re)load is stamped.
        values["run_id"] = "coalesce(k.first_run, p.run_id)"
        values["loaded_at"] = "cast(? as timestamp)"
        params.insert(0, now)
    con.execute(
        f"insert into raw.{table} ({', '.join(values)}) select {', '.join(values.values())} "
        f"from read_parquet(?, union_by_name = true) p join _keep k "
        f"on k.article_id = p.{PART_ARTICLE} and k.seq = p.{PART_SEQ} order by p.{PART_SEQ}, p.{PART_ROW}",
        params)


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
