"""The fetching library against a local news site on 127.0.0.1 (http.server in a thread).

The site serves feeds and Vietnamese article pages written for these tests,
and misbehaves on purpose: broken feed, 404, slow answers, redirects (allowed,
off-host, loops), huge pages, robots.txt rules, ETag / Last-Modified, 503s.
`localhost` reaches the same server but counts as another host.
"""

from __future__ import annotations

import gzip
import json
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from extract.nlp.cleaning import clean_html
from extract.sources.config import load_config
from extract.sources.fetch import documents_in_window, fetch_new, to_utf8
from extract.sources.inbox import RawDocument, Rejected
from extract.sources.page_store import PageStore, url_key
from extract.sources.web_client import HttpClient, canonical_url
from tests.extract.sources.local_site import (
    HOST,
    UA,
    Site,
    article,
    assert_spaced,
    atom,
    client,
    rss,
    settings,
    sitemap,
    timed_site,
    write_config,
)

DAY1 = datetime(2026, 11, 20, 23, 0, 0)
DAY2 = datetime(2026, 11, 21, 23, 0, 0)


# -- the HTTP client ---------------------------------------------------------------------


def test_get_sends_user_agent_and_returns_the_page(site: Site) -> None:
    url = site.add("/tin/1.html", article(1))
    response = client().get(url, allowed_hosts=[HOST])
    assert response.ok and response.status == 200
    assert "Thủ tướng Việt Nam" in response.body.decode("utf-8")
    page_hit = next(h for h in site.hits if h.path == "/tin/1.html")
    assert page_hit.headers["user-agent"] == UA
    assert site.paths() == ["/robots.txt", "/tin/1.html"]


def test_404_fails_without_retry(site: Site) -> None:
    response = client(retries=3).get(site.url("/khong-co.html"), allowed_hosts=[HOST])
    assert response.outcome == "failed" and response.error == "http_error" and response.status == 404
    assert response.detail == "HTTP 404"
    assert site.count("/khong-co.html") == 1


def test_5xx_is_retried_with_backoff(site: Site) -> None:
    url = site.add("/tin/ban.html", article(2), fail_times=2)
    response = client(retries=2).get(url, allowed_hosts=[HOST])
    assert response.ok and response.attempts == 3
    assert site.count("/tin/ban.html") == 3


def test_5xx_gives_up_after_the_retries(site: Site) -> None:
    url = site.add("/tin/loi.html", article(3), fail_times=99)
    response = client(retries=2).get(url, allowed_hosts=[HOST])
    assert response.outcome == "failed" and response.error == "http_error"
    assert "HTTP 503 after 3 attempts" in response.detail
    assert site.count("/tin/loi.html") == 3


def test_slow_response_times_out_and_is_retried(site: Site) -> None:
    url = site.add("/tin/cham.html", article(4), delay=0.8)
    started = time.monotonic()
    response = client(timeout=0.3, retries=1).get(url, allowed_hosts=[HOST])
    assert response.outcome == "failed" and response.error == "timeout"
    assert site.count("/tin/cham.html") == 2
    assert time.monotonic() - started < 2.0


def test_redirect_within_allowed_hosts_is_followed(site: Site) -> None:
    site.add("/tin/moi.html", article(5))
    site.redirect("/tin/cu.html", "/tin/moi.html")
    response = client().get(site.url("/tin/cu.html"), allowed_hosts=[HOST])
    assert response.ok
    assert response.final_url == site.url("/tin/moi.html")
    assert response.redirects == (site.url("/tin/moi.html"),)


def test_redirect_to_another_host_is_refused(site: Site) -> None:
    site.add("/ngoai.html", article(6))
    site.redirect("/tin/chuyen.html", site.url("/ngoai.html", host="localhost"), status=302)
    response = client().get(site.url("/tin/chuyen.html"), allowed_hosts=[HOST])
    assert response.outcome == "failed" and response.error == "redirect_off_host"
    assert "localhost" in response.detail and "not in allowed hosts" in response.detail
    assert site.count("/ngoai.html") == 0


def test_too_many_redirects(site: Site) -> None:
    for i in range(5):
        site.redirect(f"/vong/{i}", f"/vong/{i + 1}", status=307)
    response = client(max_redirects=3).get(site.url("/vong/0"), allowed_hosts=[HOST])
    assert response.outcome == "failed" and response.error == "too_many_redirects"
    assert [p for p in site.paths() if p.startswith("/vong/")] == ["/vong/0", "/vong/1", "/vong/2", "/vong/3"]


@pytest.mark.parametrize("send_length", [True, False])
def test_huge_page_is_refused(site: Site, send_length: bool) -> None:
    url = site.add("/tin/khong-lo.html", b"<p>" + b"x" * 500_000 + b"</p>", send_length=send_length)
    response = client(max_bytes=20_000).get(url, allowed_hosts=[HOST])
    assert response.outcome == "failed" and response.error == "too_large"
    assert "20000" in response.detail


def test_gzip_is_decoded_and_capped_after_decoding(site: Site) -> None:
    small = site.add("/tin/nen.html", gzip.compress(article(7).encode("utf-8")), headers={"Content-Encoding": "gzip"})
    bomb = site.add("/tin/bom.html", gzip.compress(b" " * 2_000_000), headers={"Content-Encoding": "gzip"})
    http = client(max_bytes=20_000)
    assert http.get(small, allowed_hosts=[HOST]).body.decode("utf-8") == article(7)
    refused = http.get(bomb, allowed_hosts=[HOST])
    assert refused.outcome == "failed" and refused.error == "too_large"


def test_robots_txt_is_honoured_and_read_once_per_host(site: Site) -> None:
    site.add("/private/bi-mat.html", article(8))
    ok = site.add("/tin/cong-khai.html", article(9))
    http = client()
    refused = http.get(site.url("/private/bi-mat.html"), allowed_hosts=[HOST])
    assert refused.outcome == "disallowed" and refused.error == "robots"
    assert http.get(ok, allowed_hosts=[HOST]).ok
    assert site.count("/robots.txt") == 1 and site.count("/private/bi-mat.html") == 0


def test_robots_crawl_delay_raises_the_host_interval(site: Site) -> None:
    site.add("/robots.txt", "User-agent: *\nCrawl-delay: 4\nDisallow:\n", content_type="text/plain")
    http = client(timed_site(site), max_crawl_delay=0.25)  # 4 s asked, 0.25 s used
    assert http.get(site.add("/tin/a.html", article(1)), allowed_hosts=[HOST]).ok
    assert http.limiter.interval(HOST) == 0.25
    assert_spaced([h.at for h in site.hits], 0.25)


def test_unreachable_robots_txt_means_disallow(site: Site) -> None:
    site.add("/robots.txt", "oops", status=500, content_type="text/plain")
    response = client(retries=0).get(site.add("/tin/b.html", article(2)), allowed_hosts=[HOST])
    assert response.outcome == "failed" and response.error == "robots_unreachable"
    assert "robots.txt" in response.detail and "HTTP 500" in response.detail
    assert site.count("/tin/b.html") == 0


def test_missing_robots_txt_allows_everything(site: Site) -> None:
    del site.routes["/robots.txt"]
    assert client().get(site.add("/private/c.html", article(3)), allowed_hosts=[HOST]).ok


@pytest.mark.parametrize("validator", ["etag", "last_modified"])
def test_conditional_get_gives_304(site: Site, validator: str) -> None:
    kwargs = {"etag": '"v1"'} if validator == "etag" else {"last_modified": "Thu, 19 Nov 2026 08:00:00 GMT"}
    url = site.add("/rss/the-gioi.rss", rss([]), content_type="application/rss+xml", **kwargs)
    http = client()
    first = http.get(url, allowed_hosts=[HOST])
    assert first.ok and (first.etag or first.last_modified)
    second = http.get(url, allowed_hosts=[HOST], etag=first.etag, last_modified=first.last_modified)
    assert second.outcome == "not_modified" and second.status == 304 and second.body == b""


def test_rate_limit_spaces_requests_to_one_host(site: Site) -> None:
    urls = [site.add(f"/tin/nhip-{i}.html", article(i)) for i in range(4)]
    http = client(timed_site(site), min_interval=0.2)
    for url in urls:
        assert http.get(url, allowed_hosts=[HOST]).ok
    times = [h.at for h in site.hits]  # robots.txt counts as a request to the host too
    assert len(times) == 5
    assert_spaced(times, 0.2)


def test_rate_limit_is_per_host(site: Site) -> None:
    site.add("/tin/x.html", article(1))
    clock = timed_site(site)
    http = client(clock, min_interval=0.3)
    started = clock()
    for host in (HOST, "localhost", HOST, "localhost"):
        assert http.get(site.url("/tin/x.html", host=host), allowed_hosts=[HOST, "localhost"]).ok
    # Per host: robots, x, x. One limiter for both would space all six requests (1.5 s); per host it is 0.9 s.
    assert clock() - started == pytest.approx(0.9)
    for host in (HOST, "localhost"):
        assert_spaced([h.at for h in site.hits if h.host.startswith(host)], 0.3)


def test_feed_host_outside_allowed_hosts_is_not_requested(site: Site) -> None:
    response = client().get(site.url("/rss/x.rss", host="localhost"), allowed_hosts=[HOST])
    assert response.outcome == "failed" and response.error == "host_not_allowed"
    assert site.hits == []


@pytest.mark.parametrize(("url", "canonical"), [
    ("HTTPS://VnExpress.net/a-1.html?utm_source=rss&id=3#binh-luan", "https://vnexpress.net/a-1.html?id=3"),
    (" https://vnexpress.net/a-2.html?fbclid=x&gclid=y&utm_medium=rss \n", "https://vnexpress.net/a-2.html"),
    ("https://vnexpress.net:443/a-3.html", "https://vnexpress.net/a-3.html"),  # the default port is no part of it
    ("http://127.0.0.1:8123/tin/a.html?utm_campaign=x", "http://127.0.0.1:8123/tin/a.html"),  # another port is
    # Parameters that name the article stay, in one order; the path keeps its case.
    ("https://dantri.com.vn/Tin/A.htm?id=7&cat=2", "https://dantri.com.vn/Tin/A.htm?cat=2&id=7"),
    ("https://dantri.com.vn/Tin/A.htm?cat=2&id=7", "https://dantri.com.vn/Tin/A.htm?cat=2&id=7"),
    ("https://dantri.com.vn/Tin/A.htm?id=8&cat=2", "https://dantri.com.vn/Tin/A.htm?cat=2&id=8"),
])
def test_canonical_url_drops_fragment_and_tracking(url: str, canonical: str) -> None:
    assert canonical_url(url) == canonical
    assert canonical_url(canonical) == canonical


# -- fetch_new and the page store ---------------------------------------------------------


def build_news_site(site: Site) -> dict[str, str]:
    """Three feeds listing pages that succeed or fail in every way; returns name → URL."""
    u = {name: site.url(path) for name, path in {
        "a1": "/the-gioi/dien-dam-1.html", "a2": "/the-gioi/dien-dam-2.html", "private": "/private/noi-bo.html",
        "missing": "/the-gioi/da-xoa.html", "b1": "/thoi-su/vien-tro-1.html", "moved": "/thoi-su/cu.html",
        "away": "/thoi-su/chuyen-di.html", "c1": "/kinh-te/hop-tac-1.html", "huge": "/kinh-te/rat-dai.html",
        "slow": "/kinh-te/cham.html", "loop": "/kinh-te/vong.html", "offhost": "/the-gioi/ngoai.html"}.items()}
    u["offhost"] = site.url("/the-gioi/ngoai.html", host="localhost")
    for name, n in (("a1", 1), ("a2", 2), ("private", 3), ("b1", 4), ("c1", 5)):
        site.add(u[name].split(str(site.port))[1], article(n))
    site.add("/thoi-su/vien-tro-moi.html", article(6))
    site.redirect("/thoi-su/cu.html", "/thoi-su/vien-tro-moi.html")
    site.redirect("/thoi-su/chuyen-di.html", site.url("/x.html", host="localhost"), status=302)
    site.add("/kinh-te/rat-dai.html", "<p>" + "dài " * 20_000 + "</p>")
    site.add("/kinh-te/cham.html", article(7), delay=0.8)
    site.redirect("/kinh-te/vong.html", "/kinh-te/vong.html")
    site.add("/rss/the-gioi.rss", rss([
        (u["a1"], "Điện đàm 1", "Fri, 20 Nov 2026 08:00:00 +0700"),
        (u["a2"] + "?utm_source=rss", "Điện đàm 2", "Fri, 20 Nov 2026 09:00:00 +0700"),
        (u["private"], "Nội bộ", "Fri, 20 Nov 2026 07:00:00 +0700"),
        (u["missing"], "Đã xóa", "Fri, 20 Nov 2026 06:00:00 +0700"),
        (u["offhost"], "Trang ngoài", "Fri, 20 Nov 2026 05:00:00 +0700"),
    ]), content_type="application/rss+xml; charset=utf-8", etag='"rss-1"')
    site.add("/atom/thoi-su.xml", atom([
        (u["b1"], "Viện trợ 1", "2026-11-20T10:00:00+07:00"),
        (u["moved"], "Bài chuyển chỗ", "2026-11-20T11:00:00+07:00"),
        (u["away"], "Bài chuyển đi", "2026-11-20T12:00:00+07:00"),
    ]), content_type="application/atom+xml", last_modified="Fri, 20 Nov 2026 05:00:00 GMT")
    site.add("/sitemap-news.xml", sitemap([
        (u["c1"], "2026-11-20T08:00:00+07:00"), (u["huge"], "2026-11-20T08:30:00+07:00"),
        (u["slow"], "2026-11-20T09:00:00+07:00"), (u["loop"], "2026-11-20T09:30:00+07:00"),
        (u["a1"], "2026-11-20T08:00:00+07:00"),  # also in the RSS feed: fetched once
    ]), content_type="application/xml", etag='"sm-1"')
    site.add("/rss/hong.rss", '<?xml version="1.0"?><rss><channel><item><title>Bài <b>hỏng</title></channel>',
             content_type="application/rss+xml")
    return u


def news_sources(site: Site) -> list[dict[str, object]]:
    return [
        {"name": "test-rss", "kind": "rss", "url": site.url("/rss/the-gioi.rss"), "allowed_hosts": [HOST]},
        {"name": "test-atom", "kind": "atom", "url": site.url("/atom/thoi-su.xml"), "allowed_hosts": [HOST]},
        {"name": "test-sitemap", "kind": "sitemap", "url": site.url("/sitemap-news.xml"), "allowed_hosts": [HOST]},
        {"name": "test-broken", "kind": "rss", "url": site.url("/rss/hong.rss"), "allowed_hosts": [HOST]},
        {"name": "test-gone", "kind": "rss", "url": site.url("/rss/khong-con.rss"), "allowed_hosts": [HOST]},
    ]


def outcomes(items: list, code_of: str = "code") -> dict[str, str]:
    return {o.url: getattr(o, code_of) for o in items}


def test_fetch_new_then_only_new_articles_and_windows(site: Site, tmp_path: Path) -> None:
    u = build_news_site(site)
    config = write_config(tmp_path, news_sources(site))
    store = tmp_path / "pages"

    first = fetch_new(config, store, now=DAY1)

    assert {p.url for p in first.fetched} == {u["a1"], u["a2"], u["b1"], u["moved"], u["c1"]}
    failed = outcomes(first.failed)
    assert failed == {
        u["missing"]: "http_error", u["away"]: "redirect_off_host", u["huge"]: "too_large", u["slow"]: "timeout",
        u["loop"]: "too_many_redirects", site.url("/rss/hong.rss"): "broken_feed",
        site.url("/rss/khong-con.rss"): "http_error",
    }
    assert "broken feed: not well-formed XML" in next(o.detail for o in first.failed if o.code == "broken_feed")
    skipped = outcomes(first.skipped)
    assert skipped[u["private"]] == "robots"
    assert skipped[u["offhost"]] == "host_not_allowed"
    assert site.count("/the-gioi/dien-dam-1.html") == 1  # listed twice, fetched once
    assert site.count("/private/noi-bo.html") == 0

    # The raw page and its sidecar, keyed by the URL's hash.
    moved = next(p for p in first.fetched if p.url == u["moved"])
    with PageStore(store) as pages:
        html_path, sidecar_path = pages.html_path(url_key(u["moved"])), pages.sidecar_path(url_key(u["moved"]))
    assert html_path.name == f"{url_key(u['moved'])}.html" and html_path.read_text(encoding="utf-8") == article(6)
    sidecar = json.loads(sidecar_path.read_text(encoding="utf-8"))
    assert sidecar["url"] == u["moved"] and sidecar["final_url"] == site.url("/thoi-su/vien-tro-moi.html")
    assert sidecar["fetched_at"] == "2026-11-20T23:00:00.000000Z" and sidecar["status"] == 200
    assert sidecar["feed"] == "test-atom" and sidecar["published"] == "2026-11-20T04:00:00.000000Z"
    assert sidecar["content_hash"] == moved.content_hash and sidecar["title"] == "Bài chuyển chỗ"
    a2 = next(p for p in first.fetched if p.url == u["a2"])
    assert "utm_source" not in a2.url

    # Day two: one new item in the RSS feed (new ETag); the other feeds answer 304.
    site.add("/the-gioi/dien-dam-3.html", article(8))
    site.add("/rss/the-gioi.rss", rss([
        (site.url("/the-gioi/dien-dam-3.html"), "Điện đàm 3", "Sat, 21 Nov 2026 08:00:00 +0700"),
        (u["a1"], "Điện đàm 1", "Fri, 20 Nov 2026 08:00:00 +0700"),
        (u["a2"], "Điện đàm 2", "Fri, 20 Nov 2026 09:00:00 +0700"),
    ]), content_type="application/rss+xml; charset=utf-8", etag='"rss-2"')
    before = len(site.hits)

    second = fetch_new(config, store, now=DAY2)

    assert [p.url for p in second.fetched] == [site.url("/the-gioi/dien-dam-3.html")]
    skipped2 = outcomes(second.skipped)
    assert skipped2[site.url("/atom/thoi-su.xml")] == "not_modified"
    assert skipped2[site.url("/sitemap-news.xml")] == "not_modified"
    assert skipped2[u["a1"]] == "already_stored" and skipped2[u["a2"]] == "already_stored"
    day2_paths = [h.path for h in site.hits[before:]]
    for path in ("/the-gioi/dien-dam-1.html", "/the-gioi/dien-dam-2.html", "/thoi-su/vien-tro-1.html", "/kinh-te/hop-tac-1.html"):
        assert path not in day2_paths
    # Failed articles stay pending and are tried again, with their count of failed runs.
    assert outcomes(second.failed)[u["missing"]] == "http_error"
    assert "(failed runs: 2)" in next(o.detail for o in second.failed if o.url == u["missing"])
    assert next(h for h in site.hits[before:] if h.path == "/atom/thoi-su.xml").headers.get("if-modified-since")

    # Windows: each logical day gets exactly its pages, deterministically, from disk only.
    hits_before_reading = len(site.hits)
    day1 = documents_in_window(store, DAY1 - timedelta(hours=23), DAY1 + timedelta(hours=1))
    assert all(isinstance(d, RawDocument) for d in day1)
    assert [d.source_uri for d in day1] == sorted([u["a1"], u["a2"], u["b1"], u["moved"], u["c1"]])
    assert all(d.media_type == "html" and d.fetched_at == DAY1 for d in day1)
    assert next(d for d in day1 if d.source_uri == u["moved"]).url == site.url("/thoi-su/vien-tro-moi.html")
    assert documents_in_window(store, DAY1 - timedelta(hours=23), DAY1 + timedelta(hours=1)) == day1
    day2 = documents_in_window(store, datetime(2026, 11, 21, tzinfo=UTC), datetime(2026, 11, 22, tzinfo=UTC))
    assert [d.source_uri for d in day2] == [site.url("/the-gioi/dien-dam-3.html")]
    assert documents_in_window(store, DAY1, DAY1 + timedelta(seconds=1)) != []  # start is inclusive
    assert documents_in_window(store, DAY1 - timedelta(hours=1), DAY1) == []  # end is exclusive
    assert len(site.hits) == hits_before_reading

    # A stored page re-parses with the existing extractor.
    doc = next(d for d in day1 if d.source_uri == u["a1"])
    clean = clean_html(doc.text, doc.url, {})
    assert "điện đàm với Thủ tướng Nhật Bản" in clean.body_text
    assert "viện trợ không hoàn lại trị giá 1 triệu USD" in clean.body_text
    assert "Bản quyền" not in clean.body_text


def test_cap_defers_articles_and_the_next_run_takes_them_even_on_304(site: Site, tmp_path: Path) -> None:
    urls = [site.add(f"/tin/{i}.html", article(i)) for i in range(3)]
    site.add("/rss.xml", rss([(u, f"Bài {i}", f"Fri, 20 Nov 2026 0{i}:00:00 +0700") for i, u in enumerate(urls)]),
             content_type="application/rss+xml", etag='"one"')
    config = write_config(tmp_path, [{"name": "s", "kind": "rss", "url": site.url("/rss.xml"), "allowed_hosts": [HOST]}],
                          max_articles_per_run=2)
    first = fetch_new(config, tmp_path / "pages", now=DAY1)
    assert [p.url for p in first.fetched] == [urls[2], urls[1]]  # newest first
    assert outcomes(first.skipped) == {urls[0]: "deferred"}
    second = fetch_new(config, tmp_path / "pages", now=DAY2)
    assert outcomes(second.skipped) == {site.url("/rss.xml"): "not_modified"}
    assert [p.url for p in second.fetched] == [urls[0]]


def test_failing_article_is_given_up_after_max_failures(site: Site, tmp_path: Path) -> None:
    missing = site.url("/tin/mat.html")
    site.add("/rss.xml", rss([(missing, "Mất", "Fri, 20 Nov 2026 08:00:00 +0700")]), content_type="application/rss+xml")
    config = write_config(tmp_path, [{"name": "s", "kind": "rss", "url": site.url("/rss.xml"), "allowed_hosts": [HOST]}],
                          max_failures_per_url=2)
    for day in range(2):
        assert outcomes(fetch_new(config, tmp_path / "pages", now=DAY1 + timedelta(days=day)).failed) == {missing: "http_error"}
    third = fetch_new(config, tmp_path / "pages", now=DAY1 + timedelta(days=2))
    assert third.failed == [] and outcomes(third.skipped) == {missing: "gave_up"}
    assert site.count("/tin/mat.html") == 2


def test_sitemap_index_reads_the_newest_child_sitemaps(site: Site, tmp_path: Path) -> None:
    old, new = site.add("/tin/cu.html", article(1)), site.add("/tin/moi.html", article(2))
    site.add("/sitemaps/2026-10.xml", sitemap([(old, "2026-10-30")]), content_type="application/xml")
    site.add("/sitemaps/2026-11.xml", sitemap([(new, "2026-11-20")]), content_type="application/xml")
    site.add("/sitemap.xml", '<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
             '<sitemap><loc>/sitemaps/2026-10.xml</loc><lastmod>2026-10-31</lastmod></sitemap>'
             '<sitemap><loc>/sitemaps/2026-11.xml</loc><lastmod>2026-11-20</lastmod></sitemap></sitemapindex>',
             content_type="application/xml")
    config = write_config(tmp_path, [{"name": "idx", "kind": "sitemap", "url": site.url("/sitemap.xml"),
                                      "allowed_hosts": [HOST], "max_child_sitemaps": 1}])
    report = fetch_new(config, tmp_path / "pages", now=DAY1)
    assert [p.url for p in report.fetched] == [new]
    assert site.count("/sitemaps/2026-10.xml") == 0


def test_source_rate_limit_applies_to_its_hosts(site: Site, tmp_path: Path) -> None:
    urls = [site.add(f"/tin/r{i}.html", article(i)) for i in range(3)]
    site.add("/rss.xml", rss([(u, f"Bài {i}", "") for i, u in enumerate(urls)]), content_type="application/rss+xml")
    config = write_config(tmp_path, [{"name": "s", "kind": "rss", "url": site.url("/rss.xml"), "allowed_hosts": [HOST],
                                      "min_interval_seconds": 0.2}])
    clock = timed_site(site)
    http = HttpClient(load_config(config).client, clock=clock, sleep=clock.sleep)
    assert len(fetch_new(config, tmp_path / "pages", now=DAY1, clock=clock, client=http).fetched) == 3
    times = [h.at for h in site.hits]  # robots, feed, three pages
    assert len(times) == 5
    assert_spaced(times, 0.2)


def test_store_survives_a_lost_state_file_and_reports_tampered_pages(site: Site, tmp_path: Path) -> None:
    urls = [site.add(f"/tin/s{i}.html", article(i)) for i in range(2)]
    site.add("/rss.xml", rss([(u, f"Bài {i}", "") for i, u in enumerate(urls)]), content_type="application/rss+xml")
    config = write_config(tmp_path, [{"name": "s", "kind": "rss", "url": site.url("/rss.xml"), "allowed_hosts": [HOST]}])
    store = tmp_path / "pages"
    fetch_new(config, store, now=DAY1)
    window = (DAY1, DAY1 + timedelta(days=1))
    before = documents_in_window(store, *window)
    (store / "state.sqlite").unlink()
    assert documents_in_window(store, *window) == before  # index rebuilt from the sidecars
    with PageStore(store) as pages:
        pages.html_path(url_key(urls[0])).write_text("<p>sửa tay</p>", encoding="utf-8")
    after = documents_in_window(store, *window)
    rejected = [d for d in after if isinstance(d, Rejected)]
    assert [r.source_uri for r in rejected] == [urls[0]] and "content hash" in rejected[0].reason
    # Seen URLs survive too: the pages are not fetched again.
    again = fetch_new(config, store, now=DAY2)
    assert again.fetched == [] and set(outcomes(again.skipped).values()) == {"already_stored"}


def test_documents_in_window_needs_a_store(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        documents_in_window(tmp_path / "none", DAY1, DAY2)


def test_to_utf8_reencodes_declared_charsets() -> None:
    assert to_utf8("Café".encode("cp1252"), "text/html; charset=windows-1252") == "Café".encode()
    assert to_utf8(b"abc", "text/html; charset=utf-8") == b"abc"
    assert to_utf8(b"\xff", "text/html; charset=no-such-charset") == b"\xff"


@pytest.mark.parametrize(("content_type", "charset"), [
    ("text/html; charset=UTF-8", "utf-8"), ('text/html;charset="windows-1258"', "windows-1258"),
    ("text/html; Charset = TCVN3 ; q=1", "tcvn3"), ("text/html", None), ("text/html; charset=", None), (None, None),
])
def test_content_type_charset(content_type: str | None, charset: str | None) -> None:
    from extract.sources.web_client import content_type_charset

    assert content_type_charset(content_type) == charset


def test_rate_limiter_with_a_fake_clock() -> None:
    from extract.sources.web_client import RateLimiter

    now = [100.0]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(round(seconds, 3))
        now[0] += seconds

    limiter = RateLimiter(1.0, clock=lambda: now[0], sleep=sleep)
    limiter.set_interval("vietnamplus.vn", 3.0)
    for host in ("vnexpress.net", "www.vietnamplus.vn", "vnexpress.net", "www.vietnamplus.vn"):
        limiter.wait(host)
    # vnexpress: 1 s after its first request; www.vietnamplus.vn (under vietnamplus.vn): 3 s after its first.
    assert slept == [1.0, 2.0]
    assert limiter.interval("e.vnexpress.net") == 1.0


def test_private_and_metadata_addresses_are_refused_unless_allowed(site: Site) -> None:
    url = site.add("/tin/noi-bo.html", article(7))
    refused = client(allow_private_addresses=False).get(url, allowed_hosts=[HOST])
    assert refused.outcome == "failed" and refused.error == "address_not_allowed"
    assert "127.0.0.1" in refused.detail
    assert site.hits == []  # refused once connected, before a request (not even robots.txt) was sent
    assert client().get(url, allowed_hosts=[HOST]).ok  # the tests' site is allowed by their settings


def test_a_name_that_resolves_to_a_private_address_is_refused_after_dns(site: Site) -> None:
    # An allowed public name is not needed to show it: the check is on the address actually connected to,
    # whatever name led there (a feed entry, a redirect, a name that re-resolves).
    site.add("/tin/ten.html", article(8))
    response = client(allow_private_addresses=False, respect_robots=False).get(
        site.url("/tin/ten.html", host="localhost"), allowed_hosts=["localhost"])
    assert response.outcome == "failed" and response.error == "address_not_allowed"
    assert "localhost is at 127.0.0.1, a loopback, private, link-local or reserved address" in response.detail
    assert site.hits == [] and response.attempts == 1  # not retried: the address will not change


@pytest.mark.parametrize(("address", "public"), [
    ("93.184.216.34", True), ("2606:2800:220:1:248:1893:25c8:1946", True),
    ("127.0.0.1", False), ("::1", False), ("10.1.2.3", False), ("192.168.0.1", False), ("172.16.0.1", False),
    ("169.254.169.254", False), ("fe80::1", False), ("100.64.0.1", False), ("0.0.0.0", False), ("224.0.0.1", False),
    ("fd00::1", False), ("::ffff:127.0.0.1", False),
])
def test_check_peer_allows_only_public_unicast_addresses(address: str, public: bool) -> None:
    from extract.sources.web_client import AddressNotAllowed, check_peer

    closed: list[bool] = []
    if public:
        check_peer("bao-thu.vn", (address, 443), lambda: closed.append(True))
        assert closed == []
    else:
        with pytest.raises(AddressNotAllowed, match=r"^bao-thu.vn is at \S+, a loopback, private, link-local or reserved address$"):
            check_peer("bao-thu.vn", (address, 443), lambda: closed.append(True))
        assert closed == [True]


def test_through_a_proxy_the_proxy_enforces_egress(monkeypatch: pytest.MonkeyPatch) -> None:
    from extract.sources.web_client import public_addresses_only

    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY", "FTP_PROXY",
                 "http_proxy", "https_proxy", "all_proxy", "no_proxy", "ftp_proxy"):
        monkeypatch.delenv(name, raising=False)
    public = settings(allow_private_addresses=False, use_env_proxy=True)
    assert public_addresses_only(public)
    monkeypatch.setenv("NO_PROXY", "localhost")  # NO_PROXY alone is no proxy: the check stays
    monkeypatch.setenv("FTP_PROXY", "http://10.0.0.8:3128")  # and so is a proxy this client never uses
    assert public_addresses_only(public)
    monkeypatch.setenv("HTTPS_PROXY", "http://10.0.0.8:3128")
    assert not public_addresses_only(public)  # the peer is the proxy, on a private address
    assert public_addresses_only(settings(allow_private_addresses=False, use_env_proxy=False))
    assert not public_addresses_only(settings(allow_private_addresses=True, use_env_proxy=False))


def test_retry_after_is_waited_within_the_backoff_cap(site: Site) -> None:
    url = site.add("/tin/doi.html", "chậm lại", status=429, headers={"Retry-After": "2"})
    clock = timed_site(site)
    response = client(clock, retries=2, backoff=0.01, backoff_max=5.0).get(url, allowed_hosts=[HOST])
    assert response.outcome == "failed" and "HTTP 429 after 3 attempts" in response.detail
    assert clock.slept == [2.0, 2.0]  # the server's 2 s, not the 0.01 s / 0.02 s backoff
    capped = timed_site(site)
    site.add("/tin/doi-lau.html", "chậm lại", status=503, headers={"Retry-After": "3600"})
    client(capped, retries=1, backoff=0.01, backoff_max=5.0).get(site.url("/tin/doi-lau.html"), allowed_hosts=[HOST])
    assert capped.slept == [5.0]


@pytest.mark.parametrize(("headers", "seconds"), [
    ({"retry-after": "120"}, 120.0),
    ({"retry-after": "Fri, 20 Nov 2026 08:00:30 GMT", "date": "Fri, 20 Nov 2026 08:00:00 GMT"}, 30.0),
    ({"retry-after": "Fri, 20 Nov 2026 07:59:00 GMT", "date": "Fri, 20 Nov 2026 08:00:00 GMT"}, 0.0),
    ({"retry-after": "Fri, 20 Nov 2026 08:00:30 GMT"}, None),  # no Date to count from, and no wall clock
    ({"retry-after": "soon"}, None), ({}, None),
])
def test_retry_after_seconds(headers: dict[str, str], seconds: float | None) -> None:
    from extract.sources.web_client import retry_after_seconds

    assert retry_after_seconds(headers) == seconds
