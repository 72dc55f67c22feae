"""A misbehaving local news site on 127.0.0.1 for the fetching tests, and the feeds and pages it serves.

The `server` and `site` fixtures live in conftest.py; the helpers here build
routes, client settings, feeds (RSS, Atom, sitemaps) and Vietnamese article
pages written for the tests.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from extract.sources.web_client import ClientSettings, HttpClient

HOST = "127.0.0.1"
UA = "vn-diplomacy-warehouse-test/0.1 (+https://example.org; contact: test@example.org)"


# -- the local news site ----------------------------------------------------------


@dataclass
class Route:
    body: bytes = b""
    status: int = 200
    content_type: str = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    etag: str | None = None
    last_modified: str | None = None
    send_length: bool = True
    fail_times: int = 0  # answer 503 this many times first


@dataclass(frozen=True)
class Hit:
    path: str
    host: str
    at: float
    headers: dict[str, str]


class VirtualClock:
    """A monotonic clock that moves only when the client sleeps on it.

    Rate limits are then checked exactly and without waiting: the spacing the tests see does not
    depend on how busy the machine is, nor on the wall clock.
    """

    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


class Site:
    def __init__(self, port: int) -> None:
        self.port = port
        self.routes: dict[str, Route] = {}
        self.hits: list[Hit] = []
        self.lock = threading.Lock()
        self.clock: Callable[[], float] = time.monotonic  # stamps each hit's arrival

    def url(self, path: str, host: str = HOST) -> str:
        return f"http://{host}:{self.port}{path}"

    def add(self, path: str, body: bytes | str = b"", **kwargs: object) -> str:
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.routes[path] = Route(data, **kwargs)  # type: ignore[arg-type]
        return self.url(path)

    def redirect(self, path: str, location: str, status: int = 301) -> str:
        return self.add(path, status=status, headers={"Location": location})

    def paths(self) -> list[str]:
        with self.lock:
            return [hit.path for hit in self.hits]

    def count(self, path: str) -> int:
        return self.paths().count(path)


class Handler(BaseHTTPRequestHandler):
    server: ThreadingHTTPServer

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        site: Site = self.server.site  # type: ignore[attr-defined]
        with site.lock:
            site.hits.append(Hit(self.path, self.headers.get("Host", ""), site.clock(),
                                 {k.lower(): v for k, v in self.headers.items()}))
            route = site.routes.get(self.path)
            if route is not None and route.fail_times > 0:
                route.fail_times -= 1
                failing = True
            else:
                failing = False
        try:
            if route is None:
                self._send(404, b"<html><body>Kh\xc3\xb4ng t\xc3\xacm th\xe1\xba\xa5y</body></html>", "text/html")
                return
            if route.delay:
                time.sleep(route.delay)
            if failing:
                self._send(503, b"busy", "text/plain")
                return
            if (route.etag and self.headers.get("If-None-Match") == route.etag) or (
                    route.last_modified and self.headers.get("If-Modified-Since") == route.last_modified):
                self._send(304, b"", None)
                return
            headers = dict(route.headers)
            if route.etag:
                headers["ETag"] = route.etag
            if route.last_modified:
                headers["Last-Modified"] = route.last_modified
            self._send(route.status, route.body, route.content_type, headers, route.send_length)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (timeout, too large): expected here

    def _send(self, status: int, body: bytes, content_type: str | None, headers: dict[str, str] | None = None,
              send_length: bool = True) -> None:
        self.send_response(status)
        if content_type:
            self.send_header("Content-Type", content_type)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        if send_length:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if status != 304:
            self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


def settings(**overrides: object) -> ClientSettings:
    values: dict[str, object] = {
        "user_agent": UA, "timeout": 0.5, "total_timeout": 3.0, "max_bytes": 20_000, "max_redirects": 3,
        "min_interval": 0.0, "retries": 1, "backoff": 0.01, "backoff_max": 0.05, "use_env_proxy": False,
        "allow_private_addresses": True,  # the local site is on 127.0.0.1
    }
    values.update(overrides)
    return ClientSettings(**values)  # type: ignore[arg-type]


def client(clock: VirtualClock | None = None, **overrides: object) -> HttpClient:
    if clock is None:
        return HttpClient(settings(**overrides))
    return HttpClient(settings(**overrides), clock=clock, sleep=clock.sleep)


def timed_site(site: Site) -> VirtualClock:
    """A virtual clock for the client, which also stamps the site's hits."""
    clock = VirtualClock()
    site.clock = clock
    return clock


def assert_spaced(times: list[float], interval: float) -> None:
    """Arrival times on a virtual clock: every gap is at least the interval."""
    gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
    assert gaps and min(gaps) >= interval - 1e-9, gaps


# -- pages and feeds written for the tests ---------------------------------------------

_PARAGRAPHS = [
    "Chiều {d}/11, Thủ tướng Việt Nam đã có cuộc điện đàm với Thủ tướng Nhật Bản về hợp tác kinh tế, "
    "thương mại và ứng phó với biến đổi khí hậu trong bối cảnh khu vực có nhiều biến động.",
    "Hai bên nhất trí thúc đẩy trao đổi đoàn các cấp, mở rộng hợp tác trong các lĩnh vực năng lượng sạch, "
    "chuyển đổi số, nông nghiệp công nghệ cao và đào tạo nguồn nhân lực chất lượng cao.",
    "Phía Nhật Bản thông báo sẽ cung cấp khoản viện trợ không hoàn lại trị giá {n} triệu USD để hỗ trợ "
    "người dân các tỉnh miền Trung khắc phục hậu quả của đợt mưa lũ vừa qua.",
    "Thủ tướng Việt Nam cảm ơn sự hỗ trợ kịp thời của Chính phủ và nhân dân Nhật Bản, đồng thời trân trọng "
    "mời lãnh đạo Nhật Bản sớm thăm chính thức Việt Nam vào thời điểm thuận tiện cho hai bên.",
]


def article(n: int, title: str | None = None) -> str:
    title = title or f"Thủ tướng điện đàm với Thủ tướng Nhật Bản, bài số {n}"
    paragraphs = "\n".join(f"<p>{p.format(d=10 + n, n=n)}</p>" for p in _PARAGRAPHS)
    return f"""<!DOCTYPE html>
<html lang="vi"><head><meta charset="utf-8"><title>{title}</title>
<meta property="article:published_time" content="2026-11-{10 + n:02d}T09:00:00+07:00"></head>
<body><header><nav><a href="/">Trang chủ</a> | <a href="/the-gioi">Thế giới</a></nav></header>
<main><article><h1>{title}</h1>
<p class="date">Thứ năm, {10 + n}/11/2026, 09:00 (GMT+7)</p>
{paragraphs}
</article></main>
<footer><p>Bản quyền thuộc về báo thử nghiệm. Ghi rõ nguồn khi phát hành lại thông tin từ website này.</p></footer>
</body></html>"""


def rss(items: list[tuple[str, str, str]]) -> str:
    body = "".join(f"<item><title>{t}</title><link>{u}</link><pubDate>{d}</pubDate></item>" for u, t, d in items)
    return (f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Thế giới</title>'
            f"<link>http://{HOST}/</link><description>Tin thế giới</description>{body}</channel></rss>")


def atom(items: list[tuple[str, str, str]]) -> str:
    body = "".join(f'<entry><title>{t}</title><link rel="alternate" type="text/html" href="{u}"/>'
                   f"<id>{u}</id><published>{d}</published><updated>{d}</updated></entry>" for u, t, d in items)
    return (f'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
            f"<title>Thời sự</title><id>urn:test:atom</id><updated>2026-11-20T10:00:00Z</updated>{body}</feed>")


def sitemap(urls: list[tuple[str, str]]) -> str:
    body = "".join(f"<url><loc>{u}</loc><lastmod>{d}</lastmod></url>" for u, d in urls)
    return f'<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{body}</urlset>'


def write_config(tmp_path: Path, sources: list[dict[str, object]], **fetch: object) -> Path:
    values: dict[str, object] = {
        "user_agent": UA, "timeout_seconds": 0.5, "total_timeout_seconds": 3, "max_bytes": 20_000,
        "max_redirects": 3, "min_interval_seconds": 0, "retries": 1, "backoff_seconds": 0.01,
        "backoff_max_seconds": 0.05, "use_env_proxy": False, "allow_private_addresses": True,
    }
    values.update(fetch)
    lines = ["[fetch]"] + [f"{k} = {json.dumps(v)}" for k, v in values.items()]
    for source in sources:
        lines.append("[[sources]]")
        lines += [f"{k} = {json.dumps(v)}" for k, v in source.items()]
    path = tmp_path / "sources.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
