"""Checking the configured feeds against the local news site: what answers, what lists articles, what is broken."""

from __future__ import annotations

from pathlib import Path

from extract.sources.check import check_sources, format_table, main
from tests.extract.sources.local_site import HOST, Site, atom, client, rss, sitemap, write_config


def _config(site: Site, tmp_path: Path) -> Path:
    site.add("/rss/the-gioi.rss", rss([
        (site.url("/the-gioi/a.html"), "Điện đàm", "Fri, 20 Nov 2026 08:00:00 +0700"),
        (site.url("/the-gioi/b.html"), "Viện trợ", "Sat, 21 Nov 2026 09:30:00 +0700"),
    ]), content_type="application/rss+xml")
    site.add("/atom.xml", atom([(site.url("/thoi-su/c.html"), "Thời sự", "2026-11-19T10:00:00Z")]),
             content_type="application/atom+xml")
    site.add("/sitemaps/2026-11.xml", sitemap([(site.url("/tin/d.html"), "2026-11-20")]), content_type="application/xml")
    site.add("/sitemap.xml", '<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
             "<sitemap><loc>/sitemaps/2026-11.xml</loc><lastmod>2026-11-20</lastmod></sitemap></sitemapindex>",
             content_type="application/xml")
    site.add("/hong.rss", "<rss><channel><item><title>", content_type="application/rss+xml")
    site.add("/off-host.rss", rss([("https://example.com/tin.html", "Ngoài", "Fri, 20 Nov 2026 08:00:00 +0700")]),
             content_type="application/rss+xml")
    sources = [
        {"name": "rss-ok", "kind": "rss", "url": site.url("/rss/the-gioi.rss"), "allowed_hosts": [HOST]},
        {"name": "atom-ok", "kind": "atom", "url": site.url("/atom.xml"), "allowed_hosts": [HOST]},
        {"name": "sitemap-index", "kind": "sitemap", "url": site.url("/sitemap.xml"), "allowed_hosts": [HOST]},
        {"name": "moved", "kind": "rss", "url": site.url("/rss/da-chuyen.rss"), "allowed_hosts": [HOST]},
        {"name": "broken", "kind": "rss", "url": site.url("/hong.rss"), "allowed_hosts": [HOST]},
        {"name": "off-host", "kind": "rss", "url": site.url("/off-host.rss"), "allowed_hosts": [HOST]},
        {"name": "robots", "kind": "rss", "url": site.url("/private/feed.rss"), "allowed_hosts": [HOST]},
    ]
    return write_config(tmp_path, sources, retries=0)


def test_each_source_is_reported_usable_or_with_its_problem(site: Site, tmp_path: Path) -> None:
    checks = {c.source: c for c in check_sources(_config(site, tmp_path), client=client(retries=0))}

    assert checks["rss-ok"].usable and (checks["rss-ok"].n_entries, checks["rss-ok"].n_on_allowed_hosts) == (2, 2)
    assert checks["rss-ok"].newest is not None and checks["rss-ok"].newest.day == 21
    assert checks["atom-ok"].usable and checks["atom-ok"].kind == "atom"
    index = checks["sitemap-index"]
    assert index.usable and index.kind == "sitemapindex" and index.n_entries == 1 and "2026-11.xml" in index.detail
    assert (checks["moved"].usable, checks["moved"].problem, checks["moved"].http_status) == (False, "http_error", 404)
    assert (checks["broken"].usable, checks["broken"].problem) == (False, "broken_feed")
    assert (checks["off-host"].usable, checks["off-host"].problem) == (False, "no_entries")
    assert (checks["robots"].usable, checks["robots"].problem) == (False, "robots")

    table = format_table(list(checks.values()))
    assert table.splitlines()[0].startswith("source")
    assert any(line.startswith("moved") and " NO " in line and "http_error" in line for line in table.splitlines())


def test_nothing_is_stored_and_the_exit_status_says_whether_all_sources_work(site: Site, tmp_path: Path,
                                                                            capsys) -> None:
    config = _config(site, tmp_path)
    assert main(["--config", str(config), "--source", "rss-ok", "--source", "atom-ok"]) == 0
    assert main(["--config", str(config)]) == 1
    assert "rss-ok" in capsys.readouterr().out
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sources.toml"]
    article_hits = [p for p in site.paths() if p.startswith(("/the-gioi/", "/thoi-su/", "/tin/"))]
    assert article_hits == [], "checking a feed must not fetch its articles"
