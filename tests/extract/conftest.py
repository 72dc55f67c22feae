import threading
from collections.abc import Iterator
from datetime import date
from http.server import ThreadingHTTPServer

import pytest

from extract.nlp.calls import extract_calls
from extract.nlp.dates import PublishedDate
from extract.nlp.document import Article
from extract.nlp.people import Gazetteer
from extract.nlp.reference import load_reference
from extract.nlp.sentences import split_sentences
from extract.tasks.settings import PROJECT_ROOT
from tests.extract.sources.local_site import HOST, Handler, Site


@pytest.fixture(scope="session")
def gazetteer() -> Gazetteer:
    return Gazetteer(load_reference(PROJECT_ROOT / "dbt_project" / "seeds"))


# The day the test pages are taken as fetched: the latest a call can be dated (never the wall clock).
FETCHED_ON = date(2026, 11, 22)


@pytest.fixture()
def calls_in(gazetteer):
    """Calls found in a short text, optionally published on a given day."""

    def run(text: str, published: date | None = None, not_before: date | None = None, as_of: date = FETCHED_ON):
        sentences = split_sentences([p for p in text.split("\n") if p.strip()])
        pub = PublishedDate(published, "day", "test") if published else None
        return extract_calls(Article(sentences, as_of, pub, not_before=not_before), gazetteer)

    return run


# The local news site (tests/extract/sources/local_site.py): one server per module, fresh routes per test.
@pytest.fixture(scope="module")
def server() -> Iterator[ThreadingHTTPServer]:
    httpd = ThreadingHTTPServer((HOST, 0), Handler)
    httpd.daemon_threads = True
    httpd.block_on_close = False  # type: ignore[attr-defined]
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture()
def site(server: ThreadingHTTPServer) -> Site:
    site = Site(server.server_address[1])
    site.add("/robots.txt", "User-agent: *\nDisallow: /private/\n", content_type="text/plain")
    server.site = site  # type: ignore[attr-defined]
    return site
