"""The sources file (`config/sources.toml`): global fetch settings, feed sources, the inbox folder.

    [fetch]                     global settings (all optional but user_agent)
    [inbox]                     the inbox folder source (kind = "inbox", path, path_env)
    [[sources]]                 one table per feed: name, kind (rss|atom|sitemap), url,
                                allowed_hosts, and optional min_interval_seconds,
                                max_entries, max_child_sitemaps, enabled

Unknown keys are errors, so a typo never silently falls back to a default.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from extract.sources.web_client import ClientSettings, host_allowed

FEED_KINDS = ("rss", "atom", "sitemap")

_FETCH_KEYS = {
    "user_agent": ("user_agent", str),
    "timeout_seconds": ("timeout", float),
    "total_timeout_seconds": ("total_timeout", float),
    "max_bytes": ("max_bytes", int),
    "max_redirects": ("max_redirects", int),
    "min_interval_seconds": ("min_interval", float),
    "retries": ("retries", int),
    "backoff_seconds": ("backoff", float),
    "backoff_max_seconds": ("backoff_max", float),
    "max_crawl_delay_seconds": ("max_crawl_delay", float),
    "respect_robots": ("respect_robots", bool),
    "use_env_proxy": ("use_env_proxy", bool),
    "allow_private_addresses": ("allow_private_addresses", bool),
}
_RUN_KEYS = {"max_articles_per_run": int, "max_failures_per_url": int, "max_run_seconds": float}
_SOURCE_KEYS = {"name", "kind", "url", "allowed_hosts", "min_interval_seconds", "max_entries",
                "max_child_sitemaps", "enabled"}
_INBOX_KEYS = {"name", "kind", "path", "path_env"}


class ConfigError(ValueError):
    pass


@dataclass(frozen=True)
class FeedSource:
    name: str
    kind: str  # rss | atom | sitemap (a sitemap may be a sitemap index)
    url: str
    allowed_hosts: tuple[str, ...]
    min_interval: float | None = None  # seconds; raises the global per-host interval for these hosts
    max_entries: int = 200  # newest entries taken from one feed per run
    max_child_sitemaps: int = 3  # for a sitemap index: how many child sitemaps (newest lastmod first)
    enabled: bool = True


@dataclass(frozen=True)
class InboxSource:
    name: str
    path: Path


@dataclass(frozen=True)
class FetchConfig:
    client: ClientSettings
    sources: tuple[FeedSource, ...]
    inbox: InboxSource | None = None
    max_articles_per_run: int = 300
    max_failures_per_url: int = 3
    max_run_seconds: float | None = None

    def source(self, name: str) -> FeedSource:
        for source in self.sources:
            if source.name == name:
                return source
        raise KeyError(name)


def load_config(path: Path | str, *, project_root: Path | None = None,
                environ: Mapping[str, str] = os.environ) -> FetchConfig:
    path = Path(path)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as err:
        raise ConfigError(f"{path}: not valid TOML: {err}") from err
    return parse_config(raw, project_root=project_root or path.resolve().parent.parent, environ=environ,
                        origin=str(path))


def parse_config(raw: Mapping[str, Any], *, project_root: Path, environ: Mapping[str, str] = os.environ,
                 origin: str = "config") -> FetchConfig:
    _no_unknown(raw, {"fetch", "inbox", "sources"}, origin)
    fetch = dict(raw.get("fetch", {}))
    _no_unknown(fetch, set(_FETCH_KEYS) | set(_RUN_KEYS), f"{origin} [fetch]")
    if not str(fetch.get("user_agent", "")).strip():
        raise ConfigError(f"{origin} [fetch]: user_agent is required")
    client = ClientSettings(**{attr: _typed(fetch[key], kind, f"{origin} [fetch] {key}")
                               for key, (attr, kind) in _FETCH_KEYS.items() if key in fetch})
    run = {key: _typed(fetch[key], kind, f"{origin} [fetch] {key}") for key, kind in _RUN_KEYS.items() if key in fetch}
    sources = tuple(_source(entry, f"{origin} [[sources]] #{i + 1}") for i, entry in enumerate(raw.get("sources", [])))
    names = [s.name for s in sources]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise ConfigError(f"{origin}: duplicate source names {duplicates}")
    inbox = _inbox(raw["inbox"], project_root, environ, f"{origin} [inbox]") if "inbox" in raw else None
    return FetchConfig(client, sources, inbox, **run)


def _source(entry: Mapping[str, Any], where: str) -> FeedSource:
    _no_unknown(entry, _SOURCE_KEYS, where)
    for key in ("name", "kind", "url"):
        if not str(entry.get(key, "")).strip():
            raise ConfigError(f"{where}: '{key}' is required")
    name, kind, url = str(entry["name"]), str(entry["kind"]), str(entry["url"])
    if kind not in FEED_KINDS:
        raise ConfigError(f"{where} ({name}): kind '{kind}' is not one of {', '.join(FEED_KINDS)}")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(f"{where} ({name}): url '{url}' is not an http(s) URL")
    hosts = entry.get("allowed_hosts", [parts.hostname])
    if not isinstance(hosts, list) or not hosts or not all(isinstance(h, str) and h for h in hosts):
        raise ConfigError(f"{where} ({name}): allowed_hosts must be a non-empty list of host names")
    if not host_allowed(parts.hostname, hosts):
        raise ConfigError(f"{where} ({name}): the feed host {parts.hostname} is not in allowed_hosts {hosts}")
    interval = entry.get("min_interval_seconds")
    return FeedSource(
        name=name, kind=kind, url=url, allowed_hosts=tuple(h.lower() for h in hosts),
        min_interval=_typed(interval, float, f"{where} min_interval_seconds") if interval is not None else None,
        max_entries=_typed(entry.get("max_entries", 200), int, f"{where} max_entries"),
        max_child_sitemaps=_typed(entry.get("max_child_sitemaps", 3), int, f"{where} max_child_sitemaps"),
        enabled=_typed(entry.get("enabled", True), bool, f"{where} enabled"),
    )


def _inbox(entry: Mapping[str, Any], project_root: Path, environ: Mapping[str, str], where: str) -> InboxSource:
    _no_unknown(entry, _INBOX_KEYS, where)
    if entry.get("kind", "inbox") != "inbox":
        raise ConfigError(f"{where}: kind must be 'inbox'")
    env_name = entry.get("path_env")
    value = (environ.get(env_name) if env_name else None) or entry.get("path")
    if not value:
        raise ConfigError(f"{where}: 'path' is required (or set {env_name})")
    path = Path(value)
    return InboxSource(str(entry.get("name", "inbox")), (path if path.is_absolute() else project_root / path).resolve())


def _typed(value: Any, kind: type, where: str) -> Any:
    if kind is float and isinstance(value, int | float) and not isinstance(value, bool):
        value = float(value)
    elif not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise ConfigError(f"{where}: expected {kind.__name__}, got {value!r}")
    if kind in (int, float) and value < 0:
        raise ConfigError(f"{where}: must not be negative")
    return value


def _no_unknown(table: Mapping[str, Any], known: set[str], where: str) -> None:
    unknown = sorted(set(table) - known)
    if unknown:
        raise ConfigError(f"{where}: unknown keys {unknown}")
