"""The page store: raw article pages on disk, so any article can be re-parsed without fetching again.

Layout under the store folder (given by the caller, e.g. `var/pages`):

    pages/ab/<sha256 of the URL>.html   the page exactly as received (gzip decoded)
    pages/ab/<sha256 of the URL>.json   its sidecar: url, final_url, fetched_at (UTC), status,
                                        etag, last_modified, content_type, content_hash, feed,
                                        published (from the feed), title (from the feed)
    state.sqlite                        HTTP cache state and the index of the sidecars:
        http_cache  ETag / Last-Modified per feed URL
        entries     every article URL seen in a feed (the "seen URLs"), pending until stored
        pages       one row per stored page (rebuilt from the sidecars if the file is lost)
        failures    failed fetches per URL, so a URL is given up after a few runs

The sidecar is written after the page and the index row after the sidecar,
each file through a temporary name and an atomic rename: a page is in the
store once its sidecar exists. The state file is not the warehouse: the
DuckDB file keeps its single writer.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import sqlite3
from collections.abc import Iterable
from dataclasses import asdict, dataclass, fields
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType

log = logging.getLogger(__name__)

STORE_VERSION = 1
_SCHEMA = """
create table if not exists http_cache (
    url text primary key, etag text, last_modified text, checked_at text not null);
create table if not exists entries (
    url text primary key, source text not null, title text, published text, first_seen text not null);
create table if not exists pages (
    key text primary key, url text not null unique, final_url text not null, fetched_at text not null,
    content_hash text not null, source text, sidecar text not null);
create index if not exists pages_by_fetched_at on pages (fetched_at, url);
create table if not exists failures (
    url text primary key, source text, attempts integer not null, last_error text not null,
    last_detail text not null, last_at text not null);
"""


@dataclass(frozen=True)
class StoredPage:
    key: str
    url: str  # the article URL as listed in the feed (canonical form)
    final_url: str  # after redirects
    fetched_at: datetime  # naive UTC: the fetch run's clock
    retrieved_at: datetime  # naive UTC: the wall clock when the body arrived
    status: int
    etag: str | None
    last_modified: str | None
    content_type: str | None
    content_hash: str  # sha256 of the stored bytes
    size: int
    feed: str | None  # the source name from config/sources.toml
    feed_url: str | None
    published: datetime | None  # naive UTC, from the feed entry
    title: str | None  # from the feed entry
    redirects: tuple[str, ...] = ()
    store_version: int = STORE_VERSION

    def to_json(self) -> dict[str, object]:
        data = asdict(self)
        for name in ("fetched_at", "retrieved_at", "published"):
            data[name] = format_utc(data[name]) if data[name] else None
        data["redirects"] = list(self.redirects)
        return data

    @classmethod
    def from_json(cls, data: dict[str, object]) -> StoredPage:
        values = dict(data)
        for name in ("fetched_at", "retrieved_at", "published"):
            values[name] = parse_utc(str(values[name])) if values.get(name) else None
        values["redirects"] = tuple(values.get("redirects") or ())  # type: ignore[arg-type]
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in values.items() if k in known})  # type: ignore[arg-type]


def url_key(url: str) -> str:
    return hashlib.sha256(url.encode("utf-8")).hexdigest()


def to_utc_naive(moment: datetime) -> datetime:
    """Aware → UTC without tzinfo; naive is taken as UTC already (the warehouse convention)."""
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment


def format_utc(moment: datetime) -> str:
    """ISO 8601 with a Z; fixed width (microseconds always) so that strings sort as times do."""
    return to_utc_naive(moment).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_utc(text: str) -> datetime:
    return to_utc_naive(datetime.fromisoformat(text))


class PageStore:
    """Open with `with PageStore(path) as store:`; the folder is created if needed."""

    def __init__(self, root: Path | str) -> None:
        self.root = Path(root)
        self.pages_dir = self.root / "pages"
        self.pages_dir.mkdir(parents=True, exist_ok=True)
        state = self.root / "state.sqlite"
        fresh = not state.exists()
        self._con = sqlite3.connect(state, timeout=30)
        self._con.executescript(_SCHEMA)
        if fresh and any(self.pages_dir.glob("*/*.json")):
            log.warning("state file %s was missing: rebuilding the page index from the sidecars", state)
            self.reindex()

    def __enter__(self) -> PageStore:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        self._con.close()

    # -- pages -------------------------------------------------------------------

    def html_path(self, key: str) -> Path:
        return self.pages_dir / key[:2] / f"{key}.html"

    def sidecar_path(self, key: str) -> Path:
        return self.pages_dir / key[:2] / f"{key}.json"

    def has_page(self, url: str) -> bool:
        return self._con.execute("select 1 from pages where key = ?", (url_key(url),)).fetchone() is not None

    def save_page(self, page: StoredPage, body: bytes) -> StoredPage:
        if page.key != url_key(page.url):
            raise ValueError(f"page key {page.key} is not the hash of {page.url}")
        _write_atomic(self.html_path(page.key), body)
        sidecar = self.sidecar_path(page.key)
        _write_atomic(sidecar, json.dumps(page.to_json(), ensure_ascii=False, indent=1).encode("utf-8"))
        self._index(page, sidecar)
        self._con.execute("delete from failures where url = ?", (page.url,))
        self._con.commit()
        return page

    def read_body(self, page: StoredPage) -> bytes:
        return self.html_path(page.key).read_bytes()

    def pages_between(self, start: datetime, end: datetime) -> list[StoredPage]:
        """Pages whose fetched_at is in [start, end), in (fetched_at, url) order."""
        rows = self._con.execute(
            "select sidecar from pages where fetched_at >= ? and fetched_at < ? order by fetched_at, url",
            (format_utc(start), format_utc(end))).fetchall()
        pages = []
        for (sidecar,) in rows:
            path = self.pages_dir / sidecar
            pages.append(StoredPage.from_json(json.loads(path.read_text(encoding="utf-8"))))
        return pages

    def reindex(self) -> int:
        """Rebuild the `pages` table from the sidecars on disk."""
        count = 0
        with self._con:
            self._con.execute("delete from pages")
            for sidecar in sorted(self.pages_dir.glob("*/*.json")):
                page = StoredPage.from_json(json.loads(sidecar.read_text(encoding="utf-8")))
                self._index(page, sidecar)
                count += 1
        log.info("page index rebuilt: %d pages", count)
        return count

    def _index(self, page: StoredPage, sidecar: Path) -> None:
        self._con.execute(
            "insert or replace into pages (key, url, final_url, fetched_at, content_hash, source, sidecar) "
            "values (?, ?, ?, ?, ?, ?, ?)",
            (page.key, page.url, page.final_url, format_utc(page.fetched_at), page.content_hash, page.feed,
             str(sidecar.relative_to(self.pages_dir))))

    # -- conditional GET state ---------------------------------------------------

    def validators(self, url: str) -> tuple[str | None, str | None]:
        row = self._con.execute("select etag, last_modified from http_cache where url = ?", (url,)).fetchone()
        return (row[0], row[1]) if row else (None, None)

    def set_validators(self, url: str, etag: str | None, last_modified: str | None, now: datetime) -> None:
        with self._con:
            self._con.execute(
                "insert or replace into http_cache (url, etag, last_modified, checked_at) values (?, ?, ?, ?)",
                (url, etag, last_modified, format_utc(now)))

    # -- seen URLs and failures --------------------------------------------------

    def remember_entries(self, source: str, entries: Iterable[tuple[str, str | None, datetime | None]],
                         now: datetime) -> int:
        """Record article URLs seen in a feed (first sighting wins); returns how many were new."""
        with self._con:
            before = self._con.total_changes
            self._con.executemany(
                "insert or ignore into entries (url, source, title, published, first_seen) values (?, ?, ?, ?, ?)",
                [(url, source, title, format_utc(published) if published else None, format_utc(now))
                 for url, title, published in entries])
            return self._con.total_changes - before

    def pending_entries(self) -> list[tuple[str, str, str | None, datetime | None]]:
        """Seen in a feed, not stored yet: (url, source, title, published).

        Oldest sighting first (a backlog is not starved), then newest publication first.
        """
        rows = self._con.execute(
            "select e.url, e.source, e.title, e.published from entries e "
            "where not exists (select 1 from pages p where p.url = e.url) "
            "order by e.first_seen, e.published is null, e.published desc, e.url").fetchall()
        return [(url, source, title, parse_utc(published) if published else None)
                for url, source, title, published in rows]

    def failure_count(self, url: str) -> int:
        row = self._con.execute("select attempts from failures where url = ?", (url,)).fetchone()
        return int(row[0]) if row else 0

    def record_failure(self, url: str, source: str, error: str, detail: str, now: datetime) -> int:
        with self._con:
            self._con.execute(
                "insert into failures (url, source, attempts, last_error, last_detail, last_at) values (?, ?, 1, ?, ?, ?) "
                "on conflict (url) do update set attempts = attempts + 1, last_error = excluded.last_error, "
                "last_detail = excluded.last_detail, last_at = excluded.last_at",
                (url, source, error, detail, format_utc(now)))
        return self.failure_count(url)


def _write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)
