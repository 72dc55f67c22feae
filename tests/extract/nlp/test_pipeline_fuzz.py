"""A bounded fuzz of the article reader: any file, read through extract.sources.inbox and
extract.nlp.pipeline.process_document, gives rows or a clean Rejected, never an exception.
Hostile pages (10,000 nested tags, entity bombs, external entities) are read or rejected in bounded time.

Deterministic: every test derandomizes and keeps no example database, so CI never sees a new example.
"""

from __future__ import annotations

import time
from datetime import datetime

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from extract.nlp.pipeline import ArticleRows, process_document
from extract.sources.feeds import FeedError, ParsedFeed, parse_feed
from extract.sources.inbox import RawDocument, Rejected, decode_document, read_file

FUZZ = settings(derandomize=True, database=None, max_examples=40, deadline=10_000,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
FETCHED = datetime(2025, 3, 13)
TABLES = {"articles", "sentences", "article_calls", "article_call_participants", "article_call_evidence", "aid_mentions"}


def read_through(gazetteer, result: RawDocument | Rejected) -> ArticleRows | Rejected:
    if isinstance(result, Rejected):
        assert result.reason
        return result
    rows = process_document(result, gazetteer, "fuzz")
    if isinstance(rows, Rejected):
        assert rows.reason
        return rows
    assert set(rows.tables) == TABLES
    (article,) = rows.tables["articles"]
    article["body_text"].encode("utf-8")
    assert article["n_sentences"] == len(rows.tables["sentences"])
    for aid in rows.tables["aid_mentions"]:
        assert aid["amount"] > 0
    return rows


@settings(FUZZ, max_examples=25)
@given(st.binary(max_size=3000), st.sampled_from([".txt", ".html"]))
def test_a_file_of_random_bytes_gives_rows_or_a_reason(gazetteer, tmp_path_factory, data, suffix):
    path = tmp_path_factory.mktemp("inbox") / f"bai{suffix}"
    path.write_bytes(data)
    read_through(gazetteer, read_file(path))


# Pieces of Vietnamese news about calls and aid, written for this test, shuffled with arbitrary text.
PIECES = [
    "Chiều 12/3/2025, Thủ tướng Nhật Bản đã có cuộc điện đàm với Tổng thống Hàn Quốc về hợp tác kinh tế và an ninh.",
    "Hôm qua, Bộ trưởng Ngoại giao Việt Nam điện đàm với Ngoại trưởng Mỹ theo đề nghị của phía Mỹ.",
    "Hai ngày sau, ông cũng điện đàm với Thủ tướng Lào.", "Sáu ngày sau, ông điện đàm với Thủ tướng Lào.",
    "Nhật Bản viện trợ 3,8 tỷ yên cho Việt Nam để khắc phục hậu quả bão lũ.",
    "Nhật Bản công bố khoản viện trợ nhân đạo 3 triệu USD cho Việt Nam sau bão.",
    "Anh sẽ viện trợ quân sự 20 triệu bảng Anh (khoảng 25 triệu USD) cho Ukraine.",
    "Hàn Quốc cam kết hỗ trợ khoảng 500.000 USD cho các tỉnh miền Trung.", "ſáu tỷ UſD", "5 trıệu USD",
    "Vào thứ ba tuần trước, Chủ tịch nước đã có cuộc điện đàm với Tổng thống Pháp.", "ngày 29/2",
    "Tin liên quan", "MỚI NHẤT", "- Tổng thống Mỹ điện đàm với Tổng thống Pháp", "date 2025-03-12", "12/03/2025 08:30",
    "(Dân trí) -", "https://dantri.com.vn/the-gioi/a-20250312.htm", "", "\u200b", "\u00a0", "Ä‘iá»‡n Ä‘Ã m",
]
_PIECE = st.sampled_from(PIECES)
NEWS_TEXT = st.lists(st.one_of(_PIECE, _PIECE, _PIECE, st.text(max_size=40)), min_size=3, max_size=25).map("\n".join)


@FUZZ
@given(NEWS_TEXT, st.sampled_from(["utf-8", "utf-16", "utf-8-sig"]))
# Found by the money properties: a count read case-insensitively ('ſáu' for 'sáu') raised ValueError in the calls.
@example(PIECES[0] + "\nſáu ngày sau, ông điện đàm với Thủ tướng Lào.\n" + PIECES[1] + "\nsáu tỷ UſD", "utf-8")
def test_news_like_text_gives_rows_or_a_reason(gazetteer, text, encoding):
    data = text.encode(encoding, "surrogatepass")
    read_through(gazetteer, decode_document("/inbox/a.txt", data, "text", FETCHED))


@FUZZ
@given(NEWS_TEXT, st.lists(st.sampled_from(["div", "p", "span", "article", "b", "table", "td", "li"]), max_size=8))
def test_news_like_html_gives_rows_or_a_reason(gazetteer, text, tags):
    opened = "".join(f"<{t}>" for t in tags)
    closed = "".join(f"</{t}>" for t in reversed(tags))
    page = "<html><body>" + "".join(f"{opened}<p>{line}</p>{closed}" for line in text.split("\n")) + "</body></html>"
    read_through(gazetteer, decode_document("/inbox/a.html", page.encode(), "html", FETCHED))


PROSE = ("<p>Chiều 12/3/2025, Thủ tướng Nhật Bản đã có cuộc điện đàm với Tổng thống Hàn Quốc về hợp tác kinh tế,"
         " an ninh và ứng phó với thiên tai trong khu vực.</p>")
DEPTH = 10_000
_LAUGHS = "".join(f'<!ENTITY lol{i} "' + f"&lol{i - 1};" * 10 + '">' for i in range(1, 10))
HOSTILE_PAGES = {
    "nested": "<html><body>" + "<div>" * DEPTH + PROSE + "</div>" * DEPTH + "</body></html>",
    "nested and never closed": "<html><body>" + "<div><span><b>" * DEPTH + PROSE,
    "nested after the article": "<html><body><article>" + PROSE * 3 + "<div>" * DEPTH + "</div>" * DEPTH + "</article></body></html>",
    "entity bomb": '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol0 "lol">' + _LAUGHS + "]><html><body><article>"
                   + PROSE + "<p>&lol9;</p></article></body></html>",
    "quadratic blow-up": '<!DOCTYPE html [<!ENTITY a "' + "a" * 50_000 + '">]><html><body>' + PROSE + "<p>" + "&a;" * 2000 + "</p></body></html>",
    "external entity": '<!DOCTYPE html [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><html><body>' + PROSE + "<p>&xxe;</p></body></html>",
}


@pytest.mark.parametrize("media_type", ["html", "text"])
@pytest.mark.parametrize("name", sorted(HOSTILE_PAGES))
def test_hostile_pages_are_read_or_rejected_in_bounded_time(gazetteer, name, media_type):
    started = time.perf_counter()
    page = HOSTILE_PAGES[name]
    rows = read_through(gazetteer, decode_document(f"/inbox/{name}.{media_type}", page.encode(), media_type, FETCHED))
    assert time.perf_counter() - started < 30
    if isinstance(rows, ArticleRows):
        body = rows.tables["articles"][0]["body_text"]
        assert "lollollol" not in body and "aaaaaaaaaa" not in body  # no entity was expanded
        assert "root:" not in body  # nor a file read


FEED_ITEM = b"<item><title>Tin</title><link>https://vnexpress.net/a-1.html</link></item>"


@pytest.mark.parametrize("document", [
    b"<rss><channel>" + b"<x>" * DEPTH + b"</x>" * DEPTH + FEED_ITEM + b"</channel></rss>",
    b"<rss><channel>" + FEED_ITEM + b"<x>" * DEPTH,
    b"<urlset>" + b"<url>" * DEPTH + b"<loc>https://vnexpress.net/a-1.html</loc>" + b"</url>" * DEPTH + b"</urlset>",
], ids=["nested rss", "nested and never closed", "nested sitemap"])
def test_deeply_nested_feeds_parse_or_fail_cleanly(document):
    started = time.perf_counter()
    try:
        assert isinstance(parse_feed(document, "https://vnexpress.net/"), ParsedFeed)
    except FeedError:
        pass
    assert time.perf_counter() - started < 30
