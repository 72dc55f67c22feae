"""Fetching new articles from the configured feeds into the page store, and reading a window back.

Two entry points for the DAG:

- `fetch_new(config_path, store_dir, now)` reads every enabled feed (conditional
  GET), records the article URLs it lists, fetches those not stored yet and saves
  each page raw with its sidecar. `now` is the run's clock: it becomes every
  stored page's `fetched_at`. Nothing about the network raises: the report lists
  what was fetched, skipped (already stored, not modified, robots.txt, off-host
  entry, deferred, given up) and failed (HTTP 404, timeout, too large, redirect
  off-host, broken feed, ...), each with a reason.
- `documents_in_window(store_dir, start, end)` turns the stored pages whose
  `fetched_at` is in [start, end) into `RawDocument`s for the extraction
  pipeline, from disk only, in a fixed order: a DAG run for a logical date can
  re-process exactly its window, as often as needed, with the same result.

An article URL is fetched once. URLs seen in a feed but not stored yet stay
pending in the store, so an article that failed (or was over the per-run cap)
is tried again on the next run even when its feed answers 304, until it has
failed on `max_failures_per_url` runs.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from collections.abc import Callable, Collection, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import datetime
from itertools import zip_longest
from pathlib import Path
from urllib.parse import urlsplit

from extract.clock import utc_now
from extract.sources.config import ConfigError, FeedSource, FetchConfig, load_config
from extract.sources.feeds import FeedEntry, FeedError, ParsedFeed, parse_feed
from extract.sources.inbox import RawDocument, Rejected, content_hash, decode_document
from extract.sources.page_store import PageStore, StoredPage, format_utc, to_utc_naive, url_key
from extract.sources.web_client import HttpClient, Response, canonical_url, content_type_charset, host_allowed

log = logging.getLogger(__name__)

FEED_ACCEPT = "application/rss+xml,application/atom+xml,application/xml;q=0.9,text/xml;q=0.9,*/*;q=0.5"
HTML_TYPES = ("text/html", "application/xhtml+xml")


@dataclass(frozen=True)
class Outcome:
    """A URL that was skipped or failed, and why. `code` is stable; `detail` is for people."""

    url: str
    source: str
    code: str
    detail: str = ""


@dataclass
class FetchReport:
    started_at: datetime
    fetched: list[StoredPage] = field(default_factory=list)
    skipped: list[Outcome] = field(default_factory=list)
    failed: list[Outcome] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # warnings that are not failures (e.g. repaired feed XML)

    def skip(self, url: str, source: str, code: str, detail: str = "") -> None:
        log.debug("skipped %s (%s): %s %s", url, source, code, detail)
        self.skipped.append(Outcome(url, source, code, detail))

    def fail(self, url: str, source: str, code: str, detail: str = "") -> None:
        log.warning("failed %s (%s): %s", url, source, detail or code)
        self.failed.append(Outcome(url, source, code, detail))

    def counts(self) -> dict[str, int]:
        counts = {"fetched": len(self.fetched), "skipped": len(self.skipped), "failed": len(self.failed)}
        for prefix, items in (("skipped", self.skipped), ("failed", self.failed)):
            for item in items:
                key = f"{prefix}.{item.code}"
                counts[key] = counts.get(key, 0) + 1
        return counts

    def to_dict(self) -> dict[str, object]:
        """JSON-safe (for an Airflow XCom or a log)."""
        return {
            "started_at": format_utc(self.started_at),
            "counts": self.counts(),
            "fetched": [{"url": p.url, "final_url": p.final_url, "source": p.feed, "key": p.key} for p in self.fetched],
            "skipped": [o.__dict__ for o in self.skipped],
            "failed": [o.__dict__ for o in self.failed],
            "notes": list(self.notes),
        }


def fetch_new(config_path: Path | str, store_dir: Path | str, now: datetime, *,
              sources: Collection[str] | None = None, client: HttpClient | None = None,
              config: FetchConfig | None = None, clock: Callable[[], float] = time.monotonic) -> FetchReport:
    """Read the feeds, fetch the article pages not in the store yet, save them; see the module docstring.

    `now` (aware or naive UTC) stamps the pages' `fetched_at`, the
    key `documents_in_window` selects on; the wall clock is kept apart as `retrieved_at`. A DAG run
    for the interval [start, end) passes an instant inside it (e.g. its data_interval_start), so
    the pages it fetches fall in its own window. `sources` restricts the run to some source
    names. `config` overrides reading `config_path`.
    """
    config = config or load_config(config_path)
    stamp = to_utc_naive(now)
    selected = _select(config, sources)
    deadline = clock() + config.max_run_seconds if config.max_run_seconds else None
    report = FetchReport(stamp)
    with ExitStack() as stack:
        if client is None:  # a client made here is closed here; a caller's stays open for the caller
            client = stack.enter_context(HttpClient(config.client))
        store = stack.enter_context(PageStore(store_dir))
        for source in selected:
            if source.min_interval is not None:
                for host in source.allowed_hosts:
                    client.limiter.set_interval(host, source.min_interval)
            _read_source(source, client, store, report, stamp)
        _fetch_pending(config, selected, client, store, report, stamp, deadline, clock)
    log.info("fetch run %s: %s", format_utc(stamp), report.counts())
    return report


def documents_in_window(store_dir: Path | str, start: datetime, end: datetime) -> list[RawDocument | Rejected]:
    """Stored pages with `fetched_at` in [start, end) as html `RawDocument`s, ordered by (fetched_at, url).

    `source_uri` is the article URL, `url` the final URL after redirects, `fetched_at` comes from
    the sidecar (naive UTC). A page missing on disk or changed since it was stored comes back as a
    `Rejected` with the reason.
    """
    root = Path(store_dir)
    if not root.is_dir():
        raise FileNotFoundError(f"no page store at {root} (run fetch_new first)")
    start, end = to_utc_naive(start), to_utc_naive(end)
    if end <= start:
        raise ValueError(f"empty window: end {end} is not after start {start}")
    with PageStore(root) as store:
        return [page_document(store, page) for page in store.pages_between(start, end)]


def page_document(store: PageStore, page: StoredPage) -> RawDocument | Rejected:
    """One stored page as the extraction pipeline's input."""
    try:
        data = store.read_body(page)
    except FileNotFoundError:
        return Rejected(page.url, page.content_hash, f"stored page missing: {store.html_path(page.key)}")
    digest = content_hash(data)
    if digest != page.content_hash:
        return Rejected(page.url, digest, "stored page differs from its sidecar (content hash)")
    return decode_document(page.url, to_utf8(data, page.content_type), "html", page.fetched_at, url=page.final_url)


def to_utf8(data: bytes, content_type: str | None) -> bytes:
    """Pages declared in another charset (Content-Type) are re-encoded to UTF-8; others kept as they are."""
    charset = content_type_charset(content_type)
    if not charset or charset.replace("_", "-") in ("utf-8", "utf8", "us-ascii", "ascii"):
        return data
    try:
        return data.decode(charset).encode("utf-8")
    except (LookupError, UnicodeDecodeError):
        return data  # decode_document reports it if it is not UTF-8 either


# -- feeds -----------------------------------------------------------------------


def _select(config: FetchConfig, names: Collection[str] | None) -> list[FeedSource]:
    if names is not None:
        unknown = sorted(set(names) - {s.name for s in config.sources})
        if unknown:
            raise ConfigError(f"unknown sources {unknown}")
    return [s for s in config.sources if s.enabled and (names is None or s.name in names)]


def _read_source(source: FeedSource, client: HttpClient, store: PageStore, report: FetchReport,
                 now: datetime) -> None:
    parsed = _read_feed(source, source.url, client, store, report, now)
    if parsed is None:
        return
    entries: list[FeedEntry] = list(parsed.entries)
    if parsed.kind == "sitemapindex":
        entries = []
        for child in newest_first(parsed.entries)[:source.max_child_sitemaps]:
            sub = _read_feed(source, child.url, client, store, report, now)
            if sub is not None and sub.kind == "sitemapindex":
                report.fail(child.url, source.name, "broken_feed", "nested sitemap index: not followed")
            elif sub is not None:
                entries += sub.entries
    elif _family(parsed.kind) != source.kind:
        report.notes.append(f"{source.name}: configured as {source.kind} but the document is {parsed.kind}")
    accepted: list[tuple[str, str | None, datetime | None]] = []
    for entry in newest_first(entries)[:source.max_entries]:
        url = canonical_url(entry.url)
        host = urlsplit(url).hostname or ""
        if not host_allowed(host, source.allowed_hosts):
            report.skip(url, source.name, "host_not_allowed", f"entry host {host} not in allowed hosts")
        elif store.has_page(url):
            report.skip(url, source.name, "already_stored")
        else:
            accepted.append((url, entry.title, entry.published))
    new = store.remember_entries(source.name, accepted, now)
    log.info("%s: %d entries, %d new URLs", source.name, len(entries), new)


def _read_feed(source: FeedSource, url: str, client: HttpClient, store: PageStore, report: FetchReport,
               now: datetime) -> ParsedFeed | None:
    """A feed by conditional GET; None (and a report line) when there is nothing to read."""
    etag, last_modified = store.validators(url)
    response = client.get(url, allowed_hosts=source.allowed_hosts, etag=etag, last_modified=last_modified,
                          accept=FEED_ACCEPT)
    if response.outcome == "not_modified":
        report.skip(url, source.name, "not_modified", "feed unchanged since the last run (HTTP 304)")
        return None
    if response.outcome == "disallowed":
        report.skip(url, source.name, "robots", response.detail)
        return None
    if response.outcome == "failed":
        report.fail(url, source.name, response.error or "failed", f"feed: {response.detail}")
        return None
    try:
        parsed = parse_feed(response.body, response.final_url)
    except FeedError as err:
        # No validators stored: the next run reads the whole feed again.
        report.fail(url, source.name, "broken_feed", f"broken feed: {err}")
        return None
    if parsed.repaired:
        report.notes.append(f"{source.name}: {url} was not well-formed XML and was repaired")
    store.set_validators(url, response.etag, response.last_modified, now)
    return parsed


def newest_first(entries: Sequence[FeedEntry]) -> list[FeedEntry]:
    """Dated entries newest first, then undated ones in document order."""
    dated = sorted((e for e in entries if e.published), key=lambda e: e.published, reverse=True)  # type: ignore[arg-type,return-value]
    return dated + [e for e in entries if not e.published]


def _family(kind: str) -> str:
    return "sitemap" if kind == "sitemapindex" else kind


# -- articles --------------------------------------------------------------------


def _fetch_pending(config: FetchConfig, selected: list[FeedSource], client: HttpClient, store: PageStore,
                   report: FetchReport, now: datetime, deadline: float | None, clock: Callable[[], float]) -> None:
    by_name = {s.name: s for s in selected}
    queue: list[tuple[str, FeedSource, str | None, datetime | None]] = []
    for url, name, title, published in store.pending_entries():
        source = by_name.get(name)
        if source is None:
            continue
        failures = store.failure_count(url)
        if failures >= config.max_failures_per_url:
            report.skip(url, name, "gave_up", f"failed on {failures} runs")
            continue
        queue.append((url, source, title, published))
    for index, (url, source, title, published) in enumerate(interleave_by_host(queue)):
        if index >= config.max_articles_per_run:
            report.skip(url, source.name, "deferred", f"over max_articles_per_run={config.max_articles_per_run}")
        elif deadline is not None and clock() > deadline:
            report.skip(url, source.name, "deferred", f"over max_run_seconds={config.max_run_seconds}")
        else:
            _fetch_article(url, source, title, published, client, store, report, now)


def interleave_by_host(queue: list[tuple[str, FeedSource, str | None, datetime | None]],
                       ) -> list[tuple[str, FeedSource, str | None, datetime | None]]:
    """Round-robin over hosts, so waiting for one host's rate limit overlaps with the others."""
    by_host: dict[str, list[tuple[str, FeedSource, str | None, datetime | None]]] = {}
    for item in queue:
        by_host.setdefault(urlsplit(item[0]).hostname or "", []).append(item)
    return [item for group in zip_longest(*by_host.values()) for item in group if item is not None]


def _fetch_article(url: str, source: FeedSource, title: str | None, published: datetime | None,
                   client: HttpClient, store: PageStore, report: FetchReport, now: datetime) -> None:
    response = client.get(url, allowed_hosts=source.allowed_hosts)
    if response.outcome == "disallowed":
        report.skip(url, source.name, "robots", response.detail)
        return
    if response.outcome != "ok":
        code, detail = response.error or response.outcome, response.detail
    elif not _is_html(response):
        code, detail = "not_html", f"content type {response.content_type!r} is not HTML"
    else:
        page = StoredPage(
            key=url_key(url), url=url, final_url=response.final_url, fetched_at=now,
            retrieved_at=utc_now(), status=response.status or 200, etag=response.etag,
            last_modified=response.last_modified, content_type=response.content_type,
            content_hash=content_hash(response.body), size=len(response.body), feed=source.name,
            feed_url=source.url, published=to_utc_naive(published) if published else None, title=title,
            redirects=response.redirects)
        report.fetched.append(store.save_page(page, response.body))
        log.debug("stored %s -> %s", url, store.html_path(page.key))
        return
    attempts = store.record_failure(url, source.name, code, detail, now)
    report.fail(url, source.name, code, f"{detail} (failed runs: {attempts})")


def _is_html(response: Response) -> bool:
    if response.content_type:
        return response.content_type.split(";")[0].strip().lower() in HTML_TYPES
    return response.body.lstrip()[:1] == b"<"


# -- command line ----------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Fetch new articles from the configured feeds into a page store.")
    parser.add_argument("--config", default="config/sources.toml")
    parser.add_argument("--store", default="var/pages")
    parser.add_argument("--source", action="append", help="only this source (repeatable)")
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    # The command line is where a fetch run takes its time from: the moment it was started.
    report = fetch_new(args.config, args.store, utc_now(), sources=args.source)
    json.dump(report.to_dict(), sys.stdout, ensure_ascii=False, indent=1)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
