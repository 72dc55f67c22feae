"""Daily runs against a local news site: incremental fetching, idempotent re-runs, safe publishing.

A news site (RSS feed + article pages) is served on 127.0.0.1. The real DAG runs
for two consecutive logical dates, then day one again, then a day whose new page
fails a critical expectation. Meanwhile another process reads the warehouse.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import duckdb
import pytest

PAGE = """<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>{title}</title>
<meta property="article:published_time" content="{published}"></head>
<body><nav>Trang chủ | Thế giới | Tổng thống Mỹ điện đàm với Tổng thống Pháp</nav>
<article><h1>{title}</h1>{paragraphs}</article>
<aside>Tin liên quan: Thủ tướng Anh điện đàm với Tổng thống Ukraine ngày 3/3</aside></body></html>"""

ARTICLES = {
    "/the-gioi/a1.html": ("Nga và Thổ Nhĩ Kỳ điện đàm", "2023-02-07T09:00:00+07:00", [
        "Ngày 6/2/2023, Tổng thống Thổ Nhĩ Kỳ Recep Tayyip Erdoğan đã điện đàm với Tổng thống Nga Vladimir Putin.",
        "Hai nhà lãnh đạo trao đổi về công tác cứu hộ sau trận động đất và về thỏa thuận ngũ cốc.",
    ]),
    "/the-gioi/a2.html": ("Nhật Bản viện trợ Việt Nam", "2024-09-12T10:00:00+07:00", [
        "Chính phủ Nhật Bản ngày 11/9 công bố khoản viện trợ khẩn cấp trị giá 1 triệu USD cho Việt Nam sau bão.",
        "Khoản viện trợ được chuyển qua các tổ chức nhân đạo đang hoạt động tại các tỉnh miền Bắc.",
    ]),
    "/the-gioi/a3.html": ("Ngoại trưởng Mỹ và Trung Quốc điện đàm", "2022-01-28T08:00:00+07:00", [
        "Ngày 27/1/2022, Ngoại trưởng Mỹ Antony Blinken đã điện đàm với Ngoại trưởng Trung Quốc Vương Nghị.",
        "Hai bên trao đổi về tình hình Ukraine và quan hệ song phương.",
    ]),
    # Stamped as published in December 2026, after the day it is fetched (2026-11-22), on any day the
    # test runs: dbt holds the article and its call back (audit.quarantine, published_after_fetch).
    # One call of three held back is more than QUARANTINE_MAX_SHARE (25%): this run must not publish.
    "/the-gioi/a4.html": ("Bài lỗi ngày tháng", "2026-12-25T08:00:00+07:00", [
        "Ngày 15/3/2024, Tổng thống Pháp Emmanuel Macron đã điện đàm với Tổng thống Nga Vladimir Putin.",
        "Hai nhà lãnh đạo trao đổi về tình hình an ninh châu Âu trong hơn một giờ.",
    ]),
}


class NewsSite:
    def __init__(self) -> None:
        self.feed: list[str] = []
        self.hits: dict[str, int] = {}
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                site.hits[self.path] = site.hits.get(self.path, 0) + 1
                if self.path == "/robots.txt":
                    return self._send(200, "User-agent: *\nAllow: /\n", "text/plain")
                if self.path == "/rss.xml":
                    return self._send(200, site.rss(), "application/rss+xml")
                if self.path in ARTICLES and self.path in site.feed:
                    title, published, paragraphs = ARTICLES[self.path]
                    body = "".join(f"<p>{p}</p>" for p in paragraphs)
                    return self._send(200, PAGE.format(title=title, published=published, paragraphs=body), "text/html")
                return self._send(404, "not found", "text/plain")

            def _send(self, status: int, body: str, content_type: str) -> None:
                data = body.encode("utf-8")
                self.send_response(status)
                self.send_header("Content-Type", f"{content_type}; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def rss(self) -> str:
        items = "".join(
            f"<item><title>{ARTICLES[path][0]}</title><link>{self.base}{path}</link></item>" for path in self.feed)
        return f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Tin</title>{items}</channel></rss>'


READER = textwrap.dedent("""
    import sys, time, duckdb, pathlib
    warehouse, stop = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
    held = duckdb.connect(str(warehouse), read_only=True)  # held open for the whole test
    reads = errors = 0
    while not stop.exists():
        for con, fresh in ((held, False), (None, True)):
            try:
                con = duckdb.connect(str(warehouse), read_only=True) if fresh else con
                calls, bridged = con.execute(
                    "select (select count(*) from marts.fct_call),"
                    " (select count(distinct call_id) from marts.bridge_call_participant)").fetchone()
                if calls != bridged:
                    print(f"partial state: {calls} calls, {bridged} bridged", flush=True); errors += 1
                reads += 1
                if fresh:
                    con.close()
            except Exception as err:
                print(f"refused: {err}", flush=True); errors += 1
        time.sleep(0.05)
    print(f"reads={reads} errors={errors}", flush=True)
""")


def _ledger(warehouse: Path) -> list[tuple[str, str]]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute("select source_uri, status from audit.input_ledger order by 1").fetchall()
    finally:
        con.close()


@pytest.fixture(scope="module")
def site() -> NewsSite:
    news = NewsSite()
    yield news
    news.server.shutdown()


def test_daily_runs_fetch_only_new_articles_and_publish_safely(dag_runner, fingerprints, site, tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    warehouse = tmp_path / "warehouse.duckdb"
    config = tmp_path / "sources.toml"
    config.write_text(textwrap.dedent(f"""
        [fetch]
        user_agent = "vn-diplomacy-warehouse-test/0.1 (+test)"
        timeout_seconds = 5
        total_timeout_seconds = 10
        max_bytes = 1_000_000
        max_redirects = 2
        min_interval_seconds = 0.0
        retries = 0
        backoff_seconds = 0.1
        respect_robots = true
        use_env_proxy = false
        allow_private_addresses = true  # the local news site is on 127.0.0.1
        max_articles_per_run = 50

        [inbox]
        name = "inbox"
        kind = "inbox"
        path = "{inbox}"

        [[sources]]
        name = "local-news"
        kind = "rss"
        url = "{site.base}/rss.xml"
        allowed_hosts = ["127.0.0.1"]
    """), encoding="utf-8")
    extra = {"NEWS_SOURCES": str(config), "PAGE_STORE": str(tmp_path / "pages")}

    site.feed = ["/the-gioi/a1.html", "/the-gioi/a2.html"]
    dag_runner.run(inbox, warehouse, "2026-11-20", **extra)
    day_one = _ledger(warehouse)
    assert [status for _, status in day_one] == ["loaded", "loaded"]

    stop = tmp_path / "stop-reader"
    reader = subprocess.Popen([sys.executable, "-c", READER, str(warehouse), str(stop)],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        site.feed.append("/the-gioi/a3.html")
        dag_runner.run(inbox, warehouse, "2026-11-21", **extra)
        assert site.hits["/the-gioi/a1.html"] == 1 and site.hits["/the-gioi/a2.html"] == 1, "day two re-fetched old pages"
        assert site.hits["/the-gioi/a3.html"] == 1
        assert len(_ledger(warehouse)) == 3
        after_day_two = fingerprints(warehouse, "marts")

        dag_runner.run(inbox, warehouse, "2026-11-20", **extra)  # re-run of day one
        assert fingerprints(warehouse, "marts") == after_day_two

        site.feed.append("/the-gioi/a4.html")
        failed = dag_runner.run(inbox, warehouse, "2026-11-22", check=False, **extra)
        assert failed.returncode != 0
        assert fingerprints(warehouse, "marts") == after_day_two, "a failed run changed the published warehouse"
        assert not Path(f"{warehouse}.lock").exists(), "a failed run kept the build lock"
        assert len(_ledger(warehouse)) == 3
        time.sleep(0.5)
    finally:
        stop.touch()
        output = reader.communicate(timeout=60)[0]
    assert "refused" not in output and "partial state" not in output, output
    reads = int(output.strip().splitlines()[-1].split()[0].split("=")[1])
    assert reads > 20, output
