"""The sources file (`config/sources.toml`): global fetch settings, feed sources, the inbox folder.

    [fetch]                     global settings (all optional but user_agent)
    [inbox]                     the inbox folder source (kind = "inbox", path, path_env)
    [[sources]]                 one table per feed: name, kind (rss|atom|sitemap), url,
                                allowed_hosts, and optional min_interval_seconds,
                                max_entries, max_child_sitemaps, enabled

The file is validated by pydantic models in strict mode: unknown keys are
errors, so a typo never silently falls back to a default, and a value of the
wrong type ("2" for a number, 1 for a boolean) is not converted. Every problem
comes back in one `ConfigError` that names the table and the key.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, NonNegativeFloat, NonNegativeInt, ValidationError, model_validator
from pydantic_core import ErrorDetails, PydanticCustomError

from extract.sources.web_client import ClientSettings, host_allowed

FEED_KINDS = ("rss", "atom", "sitemap")


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
    try:
        table = _SourcesFile.model_validate(raw)
    except ValidationError as err:
        raise ConfigError(_describe(err, raw, origin)) from err
    # Only the keys the file sets: every default lives once, in ClientSettings / FetchConfig / FeedSource.
    fetch = table.fetch.model_dump(exclude_unset=True)
    run = {key: fetch.pop(key) for key in _RUN_KEYS if key in fetch}
    client = ClientSettings(**fetch)
    sources = tuple(_feed_source(entry) for entry in table.sources)
    inbox = _inbox(table.inbox, project_root, environ, f"{origin} [inbox]") if table.inbox is not None else None
    return FetchConfig(client, sources, inbox, **run)


# -- the file's tables -------------------------------------------------------------

_RUN_KEYS = ("max_articles_per_run", "max_failures_per_url", "max_run_seconds")
_NonEmpty = Annotated[str, Field(min_length=1, pattern=r"\S")]


class _Table(BaseModel):
    # Strict: TOML already gives typed values, so a string where a number belongs is a mistake to report.
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class _FetchTable(_Table):
    """[fetch]: field names are ClientSettings' (and FetchConfig's), aliases the file's keys.

    A key left out stays unset (not None: TOML has no null) and takes the dataclass default.
    """

    user_agent: _NonEmpty
    timeout: NonNegativeFloat | None = Field(None, alias="timeout_seconds")
    total_timeout: NonNegativeFloat | None = Field(None, alias="total_timeout_seconds")
    max_bytes: NonNegativeInt | None = None
    max_redirects: NonNegativeInt | None = None
    min_interval: NonNegativeFloat | None = Field(None, alias="min_interval_seconds")
    retries: NonNegativeInt | None = None
    backoff: NonNegativeFloat | None = Field(None, alias="backoff_seconds")
    backoff_max: NonNegativeFloat | None = Field(None, alias="backoff_max_seconds")
    max_crawl_delay: NonNegativeFloat | None = Field(None, alias="max_crawl_delay_seconds")
    respect_robots: bool | None = None
    use_env_proxy: bool | None = None
    allow_private_addresses: bool | None = None
    max_articles_per_run: NonNegativeInt | None = None
    max_failures_per_url: NonNegativeInt | None = None
    max_run_seconds: NonNegativeFloat | None = None


class _SourceTable(_Table):
    name: _NonEmpty
    kind: Literal["rss", "atom", "sitemap"]
    url: _NonEmpty
    allowed_hosts: list[_NonEmpty] | None = Field(default=None, min_length=1)
    min_interval_seconds: NonNegativeFloat | None = None
    max_entries: NonNegativeInt | None = None
    max_child_sitemaps: NonNegativeInt | None = None
    enabled: bool | None = None

    @model_validator(mode="after")
    def _feed_host_is_allowed(self) -> _SourceTable:
        parts = urlsplit(self.url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise PydanticCustomError("not_http_url", "url '{url}' is not an http(s) URL", {"url": self.url})
        if self.allowed_hosts is not None and not host_allowed(parts.hostname, self.allowed_hosts):
            raise PydanticCustomError("feed_host_not_allowed",
                                      "the feed host {host} is not in allowed_hosts {hosts}",
                                      {"host": parts.hostname, "hosts": self.allowed_hosts})
        return self


class _InboxTable(_Table):
    name: _NonEmpty = "inbox"
    kind: Literal["inbox"] = "inbox"
    path: str | None = None
    path_env: str | None = None


class _SourcesFile(_Table):
    fetch: _FetchTable = Field(default_factory=dict, validate_default=True)  # type: ignore[arg-type]
    inbox: _InboxTable | None = None
    sources: list[_SourceTable] = Field(default_factory=list)

    @model_validator(mode="after")
    def _names_are_unique(self) -> _SourcesFile:
        names = [s.name for s in self.sources]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise PydanticCustomError("duplicate_names", "duplicate source names {names}", {"names": duplicates})
        return self


def _feed_source(entry: _SourceTable) -> FeedSource:
    hosts = entry.allowed_hosts or [urlsplit(entry.url).hostname or ""]
    optional = {"min_interval": entry.min_interval_seconds, "max_entries": entry.max_entries,
                "max_child_sitemaps": entry.max_child_sitemaps, "enabled": entry.enabled}
    return FeedSource(name=entry.name, kind=entry.kind, url=entry.url, allowed_hosts=tuple(h.lower() for h in hosts),
                      **{key: value for key, value in optional.items() if value is not None})


def _inbox(entry: _InboxTable, project_root: Path, environ: Mapping[str, str], where: str) -> InboxSource:
    value = (environ.get(entry.path_env) if entry.path_env else None) or entry.path
    if not value:
        raise ConfigError(f"{where}: 'path' is required" + (f" (or set {entry.path_env})" if entry.path_env else ""))
    path = Path(value)
    return InboxSource(entry.name, (path if path.is_absolute() else project_root / path).resolve())


# -- error messages -----------------------------------------------------------------

_TYPE_NAMES = {"float_type": "float", "int_type": "int", "bool_type": "bool", "string_type": "str",
               "list_type": "list", "model_type": "table", "dict_type": "table"}


def _describe(err: ValidationError, raw: Mapping[str, Any], origin: str) -> str:
    """pydantic's errors in the file's words: the table (and source name), the key, what is wrong."""
    unknown: dict[str, list[str]] = {}
    problems: list[str] = []
    for error in err.errors():
        loc = tuple(error["loc"])
        depth = _table_depth(loc)
        where, key = _where(loc[:depth], raw, origin), ".".join(str(part) for part in loc[depth:])
        if error["type"] == "extra_forbidden":
            unknown.setdefault(where, []).append(key)
        else:
            problems.append(f"{where}: {_message(key, error)}")
    problems += [f"{where}: unknown keys {sorted(keys)}" for where, keys in unknown.items()]
    return "; ".join(problems)


def _message(key: str, error: ErrorDetails) -> str:
    kind, got = error["type"], error.get("input")
    named = f"{key}: " if key else ""
    if kind == "missing" or (kind in ("string_too_short", "string_pattern_mismatch") and not str(got).strip()):
        return f"{key} is required"
    if kind in _TYPE_NAMES:
        return f"{named}expected {_TYPE_NAMES[kind]}, got {got!r}"
    if kind in ("greater_than_equal", "greater_than"):
        return f"{named}must not be negative, got {got!r}"
    if kind == "too_short":
        return f"{key} must be a non-empty list of host names"
    if kind == "literal_error":
        return f"{key} '{got}' is not one of {error.get('ctx', {}).get('expected')}"
    return f"{named}{error['msg']}"


def _table_depth(loc: tuple[int | str, ...]) -> int:
    """How much of an error's location names the table: ("sources", 2, ...), ("fetch", ...), or the file."""
    if len(loc) > 1 and loc[0] == "sources" and isinstance(loc[1], int):
        return 2
    return 1 if loc and loc[0] in ("fetch", "inbox", "sources") else 0


def _where(table: tuple[int | str, ...], raw: Mapping[str, Any], origin: str) -> str:
    """`config [[sources]] #2 (name)`, `config [fetch]`, or the file itself."""
    if len(table) == 2:
        index = int(table[1])
        entries = raw.get("sources")
        entry = entries[index] if isinstance(entries, list) and index < len(entries) else None
        name = entry.get("name") if isinstance(entry, Mapping) else None
        return f"{origin} [[sources]] #{index + 1}" + (f" ({name})" if name else "")
    return f"{origin} [{table[0]}]" if table else origin
