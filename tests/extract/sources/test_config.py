"""config/sources.toml and its loader."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest

from extract.sources.config import ConfigError, load_config, parse_config
from extract.sources.web_client import host_allowed
from extract.tasks.settings import PROJECT_ROOT

CONFIG = PROJECT_ROOT / "config" / "sources.toml"


def test_project_config_loads() -> None:
    config = load_config(CONFIG, environ={})
    assert "contact" in config.client.user_agent and config.client.respect_robots
    assert config.client.max_redirects > 0 and config.client.max_bytes > 0 and config.client.min_interval >= 1
    outlets = {urlsplit(s.url).hostname.removeprefix("www.") for s in config.sources}  # type: ignore[union-attr]
    assert {"vnexpress.net", "tuoitre.vn", "dantri.com.vn", "vietnamplus.vn", "thanhnien.vn"} <= outlets
    assert {s.kind for s in config.sources} <= {"rss", "atom", "sitemap"}
    for source in config.sources:
        assert source.url.startswith("https://")
        assert host_allowed(urlsplit(source.url).hostname or "", source.allowed_hosts)
    assert config.inbox is not None and config.inbox.path == PROJECT_ROOT / "sample_inbox"


def test_inbox_path_comes_from_the_environment_when_set(tmp_path: Path) -> None:
    config = load_config(CONFIG, environ={"NEWS_INBOX": str(tmp_path)})
    assert config.inbox is not None and config.inbox.path == tmp_path


def minimal(**source: object) -> dict[str, object]:
    entry: dict[str, object] = {"name": "s", "kind": "rss", "url": "https://bao-thu.vn/rss.rss"}
    entry.update(source)
    return {"fetch": {"user_agent": "t (contact: x)"}, "sources": [entry]}


def test_defaults_and_allowed_hosts_default_to_the_feed_host() -> None:
    config = parse_config(minimal(), project_root=PROJECT_ROOT)
    assert config.sources[0].allowed_hosts == ("bao-thu.vn",)
    assert config.client.timeout == 15.0 and config.max_articles_per_run == 300


@pytest.mark.parametrize(("raw", "message"), [
    (minimal(kind="json"), "kind 'json'"),
    (minimal(url="ftp://bao-thu.vn/x"), "not an http"),
    (minimal(allowed_hosts=["khac.vn"]), "not in allowed_hosts"),
    (minimal(allowed_hosts=[]), "non-empty list"),
    (minimal(rate=1), "unknown keys \\['rate'\\]"),
    (minimal(min_interval_seconds="2"), "expected float"),
    (minimal(max_entries=-1), "must not be negative"),
    ({"fetch": {}, "sources": []}, "user_agent is required"),
    ({"fetch": {"user_agent": "x", "timeout": 3}}, "unknown keys \\['timeout'\\]"),
    ({**minimal(), "inbox": {"kind": "inbox"}}, "'path' is required"),
    # The table, the source and the key are named; strict types; every problem in one message.
    (minimal(enabled=1), r"\[\[sources\]\] #1 \(s\): enabled: expected bool, got 1"),
    (minimal(max_entries=2.0), "max_entries: expected int, got 2.0"),
    ({"fetch": {"user_agent": "x", "retries": True}}, r"\[fetch\]: retries: expected int, got True"),
    ({"fetch": {"user_agent": "x", "timeout_seconds": -1}}, r"\[fetch\]: timeout_seconds: must not be negative"),
    ({"fetch": {"user_agent": "x"}, "feeds": []}, r"config: unknown keys \['feeds'\]"),
    ({"fetch": "x"}, r"\[fetch\]: expected table"),
    ({**minimal(), "inbox": {"kind": "folder", "path": "x"}}, r"\[inbox\]: kind 'folder' is not one of 'inbox'"),
    ({"fetch": {"user_agent": "x"}, "sources": [{"kind": "rss", "url": "https://a.vn/r"}]}, r"#1: name is required"),
    (minimal(kind="json", max_entries=-1, rate=1), r"kind 'json'.*; .*max_entries: must not be negative.*; .*unknown keys \['rate'\]"),
])
def test_config_errors(raw: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        parse_config(raw, project_root=PROJECT_ROOT, environ={})


def test_duplicate_source_names() -> None:
    raw = minimal()
    raw["sources"] = raw["sources"] * 2  # type: ignore[operator]
    with pytest.raises(ConfigError, match="duplicate source names"):
        parse_config(raw, project_root=PROJECT_ROOT)


def test_unset_keys_take_the_dataclass_defaults_and_ints_are_read_as_floats() -> None:
    from extract.sources.web_client import ClientSettings

    config = parse_config({"fetch": {"user_agent": "t", "timeout_seconds": 3, "retries": 0}, "sources": []},
                          project_root=PROJECT_ROOT)
    assert config.client == ClientSettings(user_agent="t", timeout=3.0, retries=0)
    assert isinstance(config.client.timeout, float)
    assert (config.max_articles_per_run, config.max_failures_per_url, config.max_run_seconds) == (300, 3, None)
    source = parse_config(minimal(allowed_hosts=["Bao-Thu.VN"], enabled=False), project_root=PROJECT_ROOT).sources[0]
    assert source.allowed_hosts == ("bao-thu.vn",) and not source.enabled
    assert (source.min_interval, source.max_entries, source.max_child_sitemaps) == (None, 200, 3)


def test_a_file_that_is_not_toml(tmp_path: Path) -> None:
    path = tmp_path / "sources.toml"
    path.write_text("[fetch\nuser_agent = 1\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(path)
