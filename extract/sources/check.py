"""Check the configured feeds answer and list articles, without storing anything.

Outlets move their feeds now and then. Before pointing the daily run at
`config/sources.toml` (or after a fetch report shows a feed failing), run

    .venv/bin/python -m extract.sources.check [--config config/sources.toml] [--source NAME ...]

(or `make check-sources`). Each enabled source's feed is read once with the same polite
client the daily run uses (User-Agent, robots.txt, rate limit, size cap, redirects only to
allowed hosts). A sitemap index is followed to its newest child sitemap. The table shows
whether the feed answered, how many entries it lists, how many of them are on the source's
allowed hosts, and the newest entry's date. The exit status is 1 when any source is not usable.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

from extract.sources.config import FeedSource, load_config
from extract.sources.feeds import FeedEntry, FeedError, parse_feed
from extract.sources.fetch import FEED_ACCEPT
from extract.sources.web_client import HttpClient, canonical_url, host_allowed

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SourceCheck:
    source: str
    url: str
    usable: bool
    problem: str | None = None  # a short code: http_error, timeout, robots, broken_feed, no_entries, ...
    detail: str = ""
    http_status: int | None = None
    kind: str | None = None  # what the document is: rss, atom, sitemap, sitemapindex
    n_entries: int = 0
    n_on_allowed_hosts: int = 0
    newest: datetime | None = None


def check_sources(config_path: Path | str, sources: Collection[str] | None = None,
                  client: HttpClient | None = None) -> list[SourceCheck]:
    config = load_config(config_path)
    selected = [s for s in config.sources if s.enabled and (sources is None or s.name in sources)]
    unknown = sorted(set(sources or ()) - {s.name for s in config.sources})
    if unknown:
        raise ValueError(f"unknown sources {unknown}")
    if client is not None:
        return [check_source(source, client) for source in selected]
    with HttpClient(config.client) as own:
        return [check_source(source, own) for source in selected]


def check_source(source: FeedSource, client: HttpClient) -> SourceCheck:
    response = client.get(source.url, allowed_hosts=source.allowed_hosts, accept=FEED_ACCEPT)
    if not response.ok:
        problem = "robots" if response.outcome == "disallowed" else response.error or response.outcome
        return SourceCheck(source.name, source.url, False, problem, response.detail, response.status)
    try:
        parsed = parse_feed(response.body, response.final_url)
    except FeedError as err:
        return SourceCheck(source.name, source.url, False, "broken_feed", str(err), response.status)
    entries: list[FeedEntry] = list(parsed.entries)
    if parsed.kind == "sitemapindex":
        newest_child = _newest(parsed.entries)
        if newest_child is None:
            return SourceCheck(source.name, source.url, False, "no_entries", "empty sitemap index",
                               response.status, parsed.kind)
        child = check_source(_child(source, newest_child.url), client)
        return SourceCheck(source.name, source.url, child.usable, child.problem,
                           f"newest child sitemap {newest_child.url}" + (f": {child.detail}" if child.detail else ""),
                           response.status, parsed.kind, child.n_entries, child.n_on_allowed_hosts, child.newest)
    on_hosts = [e for e in entries if host_allowed(urlsplit(canonical_url(e.url)).hostname or "", source.allowed_hosts)]
    newest = _newest(entries)
    problem, detail = None, ""
    if not on_hosts:
        problem, detail = "no_entries", f"{len(entries)} entries, none on {list(source.allowed_hosts)}"
    elif parsed.kind.replace("index", "") != source.kind:
        detail = f"configured as {source.kind} but the document is {parsed.kind}"
    return SourceCheck(source.name, source.url, problem is None, problem, detail, response.status, parsed.kind,
                       len(entries), len(on_hosts), newest.published if newest else None)


def _newest(entries: Sequence[FeedEntry]) -> FeedEntry | None:
    dated = [e for e in entries if e.published]
    if dated:
        return max(dated, key=lambda e: e.published)  # type: ignore[arg-type,return-value]
    return entries[0] if entries else None


def _child(source: FeedSource, url: str) -> FeedSource:
    return replace(source, url=url, kind="sitemap")


def format_table(checks: Sequence[SourceCheck]) -> str:
    lines = [f"{'source':28} {'ok':3} {'http':4} {'kind':12} {'entries':>7} {'on host':>7}  {'newest':19}  problem"]
    for c in checks:
        newest = c.newest.isoformat(sep=" ", timespec="minutes") if c.newest else "-"
        problem = f"{c.problem}: {c.detail}" if c.problem else c.detail
        lines.append(f"{c.source:28} {'yes' if c.usable else 'NO':3} {c.http_status or '-'!s:4} {c.kind or '-':12} "
                     f"{c.n_entries:>7} {c.n_on_allowed_hosts:>7}  {newest:19}  {problem}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Check that the configured feeds answer and list articles.")
    parser.add_argument("--config", default="config/sources.toml")
    parser.add_argument("--source", action="append", help="only this source (repeatable)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    checks = check_sources(args.config, args.source)
    sys.stdout.write(format_table(checks) + "\n")
    return 0 if all(c.usable for c in checks) else 1


if __name__ == "__main__":
    raise SystemExit(main())
