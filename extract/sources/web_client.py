"""A polite HTTP client for feeds and article pages (httpx for HTTP, tenacity for retries).

Politeness and safety rules, all in one place:

- every request carries the project's User-Agent;
- robots.txt is read once per origin (scheme, host, port) and honoured, with
  its Crawl-delay (capped); an unreachable robots.txt (5xx, timeout) means
  "disallow everything" for this client's lifetime (RFC 9309 §2.3.1.4), a
  missing one (404) means "allow everything";
- requests to one host are spaced by at least a minimum interval;
- each socket operation has a timeout, and the whole body a total deadline;
- 5xx, 429, timeouts and connection errors are retried with exponential
  backoff, waiting at least what a Retry-After header asks (up to the cap);
  other 4xx are not;
- conditional GET: a stored ETag / Last-Modified is sent, 304 means "not modified";
- a body larger than `max_bytes` (after gzip decoding) is refused as "too large",
  and reading stops as soon as the cap is passed (httpx decodes one network read,
  at most 64 KiB, at a time, so a decompression bomb stops after the first
  decoded chunk that passes the cap);
- redirects are followed by hand, at most `max_redirects`, and only to allowed
  hosts: a redirect elsewhere is refused with a reason;
- without a proxy, only public addresses are connected to: the address a
  connection actually reached is checked before the request is sent on it.

Nothing is raised for a network problem: every call returns a `Response`
whose `outcome` says what happened and `error` / `detail` say why.
"""

from __future__ import annotations

import ipaddress
import logging
import ssl
import time
import urllib.request
from collections.abc import Callable, Collection
from dataclasses import dataclass, field, replace
from email.message import Message
from email.utils import parsedate_to_datetime
from functools import partial
from types import TracebackType
from typing import Any, Literal, TypeVar
from urllib.parse import urldefrag, urljoin, urlsplit
from urllib.robotparser import RobotFileParser

import courlan
import httpx
import tenacity

log = logging.getLogger(__name__)

Outcome = Literal["ok", "not_modified", "disallowed", "failed"]

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
_ROBOTS_MAX_BYTES = 512 * 1024  # RFC 9309 asks crawlers to read at least 500 KiB
_ROBOTS_MAX_REDIRECTS = 5
_E = TypeVar("_E", bound=BaseException)


@dataclass(frozen=True)
class ClientSettings:
    user_agent: str
    timeout: float = 15.0  # seconds, per connect / read operation
    total_timeout: float = 60.0  # seconds, for a whole response body
    max_bytes: int = 5 * 1024 * 1024
    max_redirects: int = 5
    min_interval: float = 1.0  # seconds between two requests to the same host
    retries: int = 2  # extra attempts after the first one
    backoff: float = 1.0  # first wait before a retry; doubles on each retry
    backoff_max: float = 30.0
    max_crawl_delay: float = 30.0  # a robots.txt Crawl-delay above this is capped
    respect_robots: bool = True
    use_env_proxy: bool = True  # honour HTTP(S)_PROXY / NO_PROXY from the environment
    # Connect only to public addresses: no loopback, private, link-local (cloud metadata) or reserved
    # ones, whatever a name resolves to or a redirect says. The tests' local site sets this to True.
    allow_private_addresses: bool = False


@dataclass(frozen=True)
class Response:
    url: str  # as requested
    final_url: str  # after redirects
    outcome: Outcome
    status: int | None = None
    body: bytes = b""
    etag: str | None = None
    last_modified: str | None = None
    content_type: str | None = None
    error: str | None = None  # a short code: http_error, timeout, connection, too_large, redirect_off_host, ...
    detail: str = ""  # a human reason
    attempts: int = 0
    redirects: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return self.outcome == "ok"

    @property
    def charset(self) -> str | None:
        return content_type_charset(self.content_type)


@dataclass(frozen=True)
class _Hop:
    """One request on the wire (after retries): a status, or an error."""

    status: int | None = None
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    error: str | None = None
    detail: str = ""
    attempts: int = 0


class _TooLarge(Exception):
    pass


class _BodyTimeout(Exception):
    pass


class AddressNotAllowed(OSError):
    """The connection reached an address the fetcher must not talk to."""


class RateLimiter:
    """At least `interval(host)` seconds between the starts of two requests to one host."""

    def __init__(self, default_interval: float, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.default_interval = default_interval
        self._intervals: dict[str, float] = {}
        self._last: dict[str, float] = {}
        self._clock = clock
        self._sleep = sleep

    def set_interval(self, host: str, seconds: float) -> None:
        """Raise (never lower below the default) the interval for one host."""
        host = host.lower()
        self._intervals[host] = max(seconds, self._intervals.get(host, self.default_interval))

    def interval(self, host: str) -> float:
        """The largest interval set for this host or a parent domain (`vietnamplus.vn` covers `www.`)."""
        host = host.lower()
        matching = [seconds for name, seconds in self._intervals.items() if host == name or host.endswith("." + name)]
        return max([self.default_interval, *matching])

    def ready_at(self, host: str) -> float:
        last = self._last.get(host.lower())
        return self._clock() if last is None else last + self.interval(host)

    def wait(self, host: str) -> None:
        delay = self.ready_at(host) - self._clock()
        if delay > 0:
            log.debug("rate limit: waiting %.2fs before %s", delay, host)
            self._sleep(delay)
        self._last[host.lower()] = self._clock()


class HttpClient:
    """One client per fetch run: it caches robots.txt and remembers when each host was last hit.

    `clock` and `sleep` drive the rate limits, the backoff and the body deadline, so a test can run
    them on a virtual clock. Close it (or use it as a context manager) to release its connections.
    """

    def __init__(self, settings: ClientSettings, *, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.settings = settings
        self.limiter = RateLimiter(settings.min_interval, clock, sleep)
        self._clock = clock
        self._sleep = sleep
        self._public_only = public_addresses_only(settings)
        self._http = httpx.Client(
            headers={"User-Agent": settings.user_agent, "Accept-Language": "vi,en;q=0.5", "Accept-Encoding": "gzip"},
            timeout=httpx.Timeout(settings.timeout),
            follow_redirects=False,  # each hop is checked against the allowed hosts and robots.txt first
            trust_env=settings.use_env_proxy,
        )
        self._robots: dict[str, RobotFileParser] = {}
        self._robots_errors: dict[str, tuple[str, str]] = {}  # origin → (error, why its robots.txt could not be read)

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> HttpClient:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.close()

    # -- public -----------------------------------------------------------------

    def get(self, url: str, *, allowed_hosts: Collection[str], etag: str | None = None,
            last_modified: str | None = None, accept: str = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5",
            ) -> Response:
        """GET `url`, following redirects within `allowed_hosts`; see the module docstring."""
        headers = {"Accept": accept}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        current = url
        redirects: list[str] = []
        attempts = 0
        while True:
            problem = url_problem(current, allowed_hosts)
            if problem:
                code = "host_not_allowed" if not redirects else "redirect_off_host"
                detail = problem if not redirects else f"redirect to {current} refused: {problem}"
                return Response(url, current, "failed", error=code, detail=detail, attempts=attempts,
                                redirects=tuple(redirects))
            unreachable = self._robots_unreachable(current, allowed_hosts)
            if unreachable:
                error, detail = unreachable
                return Response(url, current, "failed", error=error, detail=detail,
                                attempts=attempts, redirects=tuple(redirects))
            if not self.robots_allow(current, allowed_hosts):
                return Response(url, current, "disallowed", error="robots",
                                detail=f"robots.txt of {_origin(current)} disallows {urlsplit(current).path or '/'}",
                                attempts=attempts, redirects=tuple(redirects))
            hop = self._request(current, headers, self.settings.max_bytes)
            attempts += hop.attempts
            if hop.error:
                return Response(url, current, "failed", status=hop.status, error=hop.error, detail=hop.detail,
                                attempts=attempts, redirects=tuple(redirects))
            assert hop.status is not None
            if hop.status in REDIRECT_STATUSES:
                location = hop.headers.get("location")
                if not location:
                    return Response(url, current, "failed", status=hop.status, error="bad_redirect",
                                    detail=f"HTTP {hop.status} without a Location header", attempts=attempts,
                                    redirects=tuple(redirects))
                target = urldefrag(urljoin(current, location.strip())).url
                if len(redirects) >= self.settings.max_redirects:
                    return Response(url, current, "failed", status=hop.status, error="too_many_redirects",
                                    detail=f"more than {self.settings.max_redirects} redirects (next: {target})",
                                    attempts=attempts, redirects=tuple(redirects))
                log.debug("redirect %s -> %s", current, target)
                redirects.append(target)
                current = target
                continue
            common = {"status": hop.status, "etag": hop.headers.get("etag"),
                      "last_modified": hop.headers.get("last-modified"),
                      "content_type": hop.headers.get("content-type"), "attempts": attempts,
                      "redirects": tuple(redirects)}
            if hop.status == 304:
                return Response(url, current, "not_modified", detail="HTTP 304 not modified", **common)
            if 200 <= hop.status < 300:
                return Response(url, current, "ok", body=hop.body, **common)
            return Response(url, current, "failed", error="http_error", detail=f"HTTP {hop.status}", **common)

    def robots_allow(self, url: str, allowed_hosts: Collection[str] = ()) -> bool:
        if not self.settings.respect_robots:
            return True
        parts = urlsplit(url)
        if parts.path == "/robots.txt":
            return True
        parser = self._robots_for(url, allowed_hosts)
        return parser.can_fetch(self.settings.user_agent, url)

    # -- robots.txt ---------------------------------------------------------------

    def _robots_unreachable(self, url: str, allowed_hosts: Collection[str]) -> tuple[str, str] | None:
        """Why the origin's robots.txt could not be read (5xx, network): the site counts as disallowed."""
        if not self.settings.respect_robots or urlsplit(url).path == "/robots.txt":
            return None
        self._robots_for(url, allowed_hosts)
        return self._robots_errors.get(_origin(url))

    def _robots_for(self, url: str, allowed_hosts: Collection[str]) -> RobotFileParser:
        origin = _origin(url)
        cached = self._robots.get(origin)
        if cached is not None:
            return cached
        parser = RobotFileParser(origin + "/robots.txt")
        current = origin + "/robots.txt"
        for _ in range(_ROBOTS_MAX_REDIRECTS + 1):
            hop = self._request(current, {"Accept": "text/plain,*/*;q=0.5"}, _ROBOTS_MAX_BYTES)
            location = hop.headers.get("location") if hop.status in REDIRECT_STATUSES else None
            if location:
                target = urljoin(current, location.strip())
                if url_problem(target, allowed_hosts or [urlsplit(url).hostname or ""]):
                    parser.allow_all = True  # a robots.txt we may not follow counts as unavailable
                    break
                current = target
                continue
            problem = _apply_robots(parser, hop, origin)
            if problem:
                # A refused address stays what it is; any other failure counts as an unreachable robots.txt.
                error = "address_not_allowed" if hop.error == "address_not_allowed" else "robots_unreachable"
                self._robots_errors[origin] = (error, problem)
            break
        else:
            parser.allow_all = True
        delay = parser.crawl_delay(self.settings.user_agent)
        host = urlsplit(url).hostname or ""
        if delay:
            capped = min(float(delay), self.settings.max_crawl_delay)
            log.info("robots.txt of %s asks a crawl delay of %ss (using %.1fs)", origin, delay, capped)
            self.limiter.set_interval(host, capped)
        self._robots[origin] = parser
        return parser

    # -- one request, with retries ------------------------------------------------

    def _request(self, url: str, extra_headers: dict[str, str], max_bytes: int) -> _Hop:
        """One hop, retried by tenacity on transient failures; every attempt waits for the host's turn."""
        host = urlsplit(url).hostname or ""
        attempts = 0

        def attempt() -> _Hop:
            nonlocal attempts
            attempts += 1
            self.limiter.wait(host)
            return replace(self._once(url, extra_headers, max_bytes), attempts=attempts)

        def gave_up(state: tenacity.RetryCallState) -> _Hop:
            last: _Hop = state.outcome.result()  # type: ignore[union-attr]
            if last.error is None:
                return _Hop(last.status, last.headers, b"", "http_error",
                            f"HTTP {last.status} after {last.attempts} attempts", last.attempts)
            return _Hop(last.status, last.headers, b"", last.error,
                        f"{last.detail} after {last.attempts} attempts", last.attempts)

        def before_sleep(state: tenacity.RetryCallState) -> None:
            last: _Hop = state.outcome.result()  # type: ignore[union-attr]
            wait = state.next_action.sleep if state.next_action else 0.0
            log.info("retrying %s in %.2fs (attempt %d, last: %s)", url, wait, last.attempts + 1,
                     last.detail or f"HTTP {last.status}")

        # Every attempt returns a _Hop (network errors included), so tenacity decides on results only.
        retrying = tenacity.Retrying(
            sleep=self._sleep,
            stop=tenacity.stop_after_attempt(self.settings.retries + 1),
            wait=self._backoff,
            retry=tenacity.retry_if_result(_retryable),
            before_sleep=before_sleep,
            retry_error_callback=gave_up,
        )
        return retrying(attempt)

    def _backoff(self, state: tenacity.RetryCallState) -> float:
        """Exponential backoff; a Retry-After from the server is waited at least, both within `backoff_max`."""
        exponential = tenacity.wait_exponential(multiplier=self.settings.backoff, max=self.settings.backoff_max)
        wait = exponential(state)
        last: _Hop = state.outcome.result()  # type: ignore[union-attr]
        asked = retry_after_seconds(last.headers)
        if asked is not None:
            wait = min(max(wait, asked), self.settings.backoff_max)
        return wait

    def _once(self, url: str, extra_headers: dict[str, str], max_bytes: int) -> _Hop:
        host = urlsplit(url).hostname or ""
        extensions = {"trace": partial(_refuse_private_peer, host)} if self._public_only else {}
        started = self._clock()
        try:
            with self._http.stream("GET", url, headers=extra_headers, extensions=extensions) as response:
                headers = {k.lower(): v for k, v in response.headers.items()}
                if not 200 <= response.status_code < 300:
                    return _Hop(response.status_code, headers)
                deadline = started + self.settings.total_timeout
                body = _read_capped(response, headers, max_bytes, deadline, self._clock)
                return _Hop(response.status_code, headers, body)
        except _TooLarge as err:
            return _Hop(error="too_large", detail=str(err))
        except _BodyTimeout:
            return _Hop(error="timeout", detail=f"body not complete within {self.settings.total_timeout}s")
        except AddressNotAllowed as err:
            return _Hop(error="address_not_allowed", detail=str(err))
        except httpx.TimeoutException as err:
            return _Hop(error="timeout", detail=f"no answer within {self.settings.timeout}s ({type(err).__name__})")
        except httpx.DecodingError as err:
            return _Hop(error="bad_encoding", detail=f"body could not be decoded: {err}")
        except httpx.TransportError as err:
            certificate = _cause(err, ssl.SSLCertVerificationError)
            if certificate is not None:
                return _Hop(error="tls", detail=f"TLS certificate not accepted: {certificate.verify_message}")
            return _Hop(error="connection", detail=f"connection failed: {type(err).__name__}: {err}")
        except httpx.InvalidURL as err:
            return _Hop(error="bad_url", detail=f"URL not usable: {err}")


def public_addresses_only(settings: ClientSettings) -> bool:
    """Whether connections are checked for public addresses.

    Through a proxy the peer is the proxy, so the proxy is where egress is then enforced; NO_PROXY
    alone is no proxy and keeps the check.
    """
    if settings.allow_private_addresses:
        return False
    proxies = urllib.request.getproxies() if settings.use_env_proxy else {}
    return not {"http", "https", "all"} & set(proxies)  # the schemes httpx takes a proxy for


def _refuse_private_peer(host: str, event: str, info: dict[str, Any]) -> None:
    """httpx's `trace` extension: right after a TCP connect, before TLS and before the request is sent,
    the address actually connected to is checked. So a name that resolves (or re-resolves) to a private
    address, or a redirect to one, is refused after DNS, and such a host never sees a request."""
    if event != "connection.connect_tcp.complete":
        return
    stream = info["return_value"]
    check_peer(host, stream.get_extra_info("server_addr"), stream.close)


def check_peer(host: str, server_addr: tuple[Any, ...], close: Callable[[], None]) -> None:
    """Raise AddressNotAllowed (after `close`) unless `server_addr` is a public unicast address."""
    address = ipaddress.ip_address(server_addr[0])
    if not address.is_global or address.is_multicast:
        close()
        raise AddressNotAllowed(f"{host} is at {address}, a loopback, private, link-local or reserved address")


def url_problem(url: str, allowed_hosts: Collection[str]) -> str | None:
    """Why `url` may not be requested (scheme, host), or None."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        return f"scheme '{parts.scheme}' not allowed"
    host = parts.hostname
    if not host:
        return "no host"
    if not host_allowed(host, allowed_hosts):
        return f"host {host} not in allowed hosts ({', '.join(sorted(allowed_hosts))})"
    return None


def host_allowed(host: str, allowed_hosts: Collection[str]) -> bool:
    """Exact match, or a subdomain of an allowed host (`www.vietnamplus.vn` under `vietnamplus.vn`)."""
    host = host.lower().rstrip(".")
    return any(host == allowed or host.endswith("." + allowed)
               for allowed in (a.lower().rstrip(".") for a in allowed_hosts))


def content_type_charset(content_type: str | None) -> str | None:
    """The charset parameter of a Content-Type header (the standard library's MIME parsing), lower-case, or None."""
    if not content_type:
        return None
    message = Message()
    message["content-type"] = content_type
    return message.get_content_charset() or None


def canonical_url(url: str) -> str:
    """The identity of an article URL: courlan's normal form (lower-case scheme and host, no default
    port, tracking parameters such as utm_*, fbclid and gclid removed, parameters sorted), no fragment."""
    return courlan.normalize_url(urldefrag(url.strip()).url)


def retry_after_seconds(headers: dict[str, str]) -> float | None:
    """Retry-After in seconds: a number, or an HTTP date counted from the response's own Date header
    (this client reads no wall clock)."""
    value = headers.get("retry-after", "").strip()
    if value.isdigit():
        return float(value)
    if not value or "date" not in headers:
        return None
    try:
        return max(0.0, (parsedate_to_datetime(value) - parsedate_to_datetime(headers["date"])).total_seconds())
    except (TypeError, ValueError):
        return None


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc.lower()}"


def _retryable(hop: _Hop) -> bool:
    if hop.error in ("timeout", "connection"):
        return True
    return hop.error is None and hop.status in RETRY_STATUSES


def _cause(err: BaseException, kind: type[_E]) -> _E | None:
    """The first exception of `kind` in the chain of causes (httpx wraps httpcore, which wraps ssl)."""
    current: BaseException | None = err
    while current is not None:
        if isinstance(current, kind):
            return current
        current = current.__cause__ or current.__context__
    return None


def _apply_robots(parser: RobotFileParser, hop: _Hop, origin: str) -> str | None:
    """RFC 9309: 2xx parse; 4xx → no rules (401/403 as stdlib: disallow); 5xx or unreachable → disallow all.

    Returns the problem when robots.txt was unreachable, None otherwise.
    """
    if hop.error is None and hop.status is not None and 200 <= hop.status < 300:
        parser.parse(hop.body.decode("utf-8", errors="replace").splitlines())
    elif hop.status in (401, 403):
        log.warning("robots.txt of %s answered HTTP %s: treating the site as disallowed", origin, hop.status)
        parser.disallow_all = True
    elif hop.status is not None and 400 <= hop.status < 500 and hop.error is None:
        parser.allow_all = True
    else:
        problem = f"robots.txt of {origin} unreachable ({hop.detail or f'HTTP {hop.status}'}): site skipped this run"
        log.warning("%s", problem)
        parser.disallow_all = True
        return problem
    return None


def _read_capped(response: httpx.Response, headers: dict[str, str], max_bytes: int,
                 deadline: float, clock: Callable[[], float]) -> bytes:
    """The body, gzip decoded by httpx as it streams; stops as soon as it passes `max_bytes`."""
    encoding = headers.get("content-encoding", "identity").strip().lower()
    declared = headers.get("content-length", "").strip()
    if encoding in ("identity", "") and declared.isdigit() and int(declared) > max_bytes:
        raise _TooLarge(f"too large: Content-Length {declared} > {max_bytes} bytes")
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_bytes():
        if clock() > deadline:
            raise _BodyTimeout("body not complete within the total timeout")
        size += len(chunk)
        if size > max_bytes:
            raise _TooLarge(f"too large: more than {max_bytes} bytes")
        chunks.append(chunk)
    return b"".join(chunks)
