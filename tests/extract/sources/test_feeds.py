"""Feed parsing: RSS 2.0 / 1.0, Atom, sitemaps, dates, and broken documents reported as FeedError."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from extract.sources.feeds import FeedEntry, FeedError, ParsedFeed, parse_date, parse_feed

RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>
<title>Thế giới - Báo thử</title><link>https://bao-thu.vn/the-gioi</link><description>Tin thế giới</description>
<item><title><![CDATA[Chủ tịch nước điện đàm với Tổng thống Hàn Quốc]]></title>
  <link>https://bao-thu.vn/the-gioi/dien-dam-100.html</link>
  <pubDate>Fri, 20 Nov 2026 15:30:00 +0700</pubDate><description>&lt;p&gt;Tóm tắt&lt;/p&gt;</description></item>
<item><title>Bài chỉ có guid</title><guid isPermaLink="true">https://bao-thu.vn/the-gioi/guid-101.html</guid>
  <dc:date>2026-11-20T08:00:00Z</dc:date></item>
<item><title>Đường dẫn tương đối</title><link>/the-gioi/tuong-doi-102.html</link><pubDate>Thu, 19 Nov 2026 22:00:00 GMT+7</pubDate></item>
<item><title>Guid không phải đường dẫn</title><guid isPermaLink="false">abc-103</guid></item>
<item><title>Trùng lặp</title><link>https://bao-thu.vn/the-gioi/dien-dam-100.html</link></item>
<item><title>Không phải web</title><link>mailto:toasoan@bao-thu.vn</link></item>
</channel></rss>"""


def test_rss_items() -> None:
    feed = parse_feed(RSS.encode("utf-8"), "https://bao-thu.vn/rss/the-gioi.rss")
    assert feed.kind == "rss" and not feed.repaired
    assert feed.entries == (
        FeedEntry("https://bao-thu.vn/the-gioi/dien-dam-100.html", "Chủ tịch nước điện đàm với Tổng thống Hàn Quốc",
                  datetime(2026, 11, 20, 8, 30, tzinfo=UTC)),
        FeedEntry("https://bao-thu.vn/the-gioi/guid-101.html", "Bài chỉ có guid", datetime(2026, 11, 20, 8, 0, tzinfo=UTC)),
        FeedEntry("https://bao-thu.vn/the-gioi/tuong-doi-102.html", "Đường dẫn tương đối",
                  datetime(2026, 11, 19, 15, 0, tzinfo=UTC)),
    )


def test_rss_1_0_rdf() -> None:
    data = b"""<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
 xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel rdf:about="https://bao-thu.vn/"><title>T</title></channel>
<item rdf:about="https://bao-thu.vn/a-1.html"><title>A</title><link>https://bao-thu.vn/a-1.html</link>
<dc:date>2026-11-20T10:00:00+07:00</dc:date></item></rdf:RDF>"""
    feed = parse_feed(data)
    assert feed.kind == "rss"
    assert feed.entries == (FeedEntry("https://bao-thu.vn/a-1.html", "A", datetime(2026, 11, 20, 3, 0, tzinfo=UTC)),)


def test_atom_entries_prefer_the_html_alternate_link() -> None:
    data = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Thời sự</title><id>urn:x</id><updated>2026-11-20T10:00:00Z</updated>
<entry><title type="text">Bộ trưởng Ngoại giao hội đàm trực tuyến</title><id>urn:1</id>
  <link rel="enclosure" href="https://cdn.bao-thu.vn/anh.jpg"/>
  <link rel="alternate" type="application/json" href="https://bao-thu.vn/api/1"/>
  <link rel="alternate" type="text/html" href="https://bao-thu.vn/thoi-su/hoi-dam-1.html"/>
  <published>2026-11-20T09:15:00+07:00</published><updated>2026-11-20T11:00:00+07:00</updated></entry>
<entry><title>Chỉ có updated</title><id>urn:2</id><link href="thoi-su/b-2.html"/><updated>2026-11-19T01:00:00Z</updated></entry>
<entry><title>Không có link</title><id>urn:3</id></entry>
</feed>""".encode()
    feed = parse_feed(data, "https://bao-thu.vn/atom.xml")
    assert feed.kind == "atom"
    assert feed.entries == (
        FeedEntry("https://bao-thu.vn/thoi-su/hoi-dam-1.html", "Bộ trưởng Ngoại giao hội đàm trực tuyến",
                  datetime(2026, 11, 20, 2, 15, tzinfo=UTC)),
        FeedEntry("https://bao-thu.vn/thoi-su/b-2.html", "Chỉ có updated", datetime(2026, 11, 19, 1, 0, tzinfo=UTC)),
    )


def test_google_news_sitemap() -> None:
    data = """<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"
 xmlns:image="http://www.google.com/schemas/sitemap-image/1.1">
<url><loc>https://www.bao-thu.vn/vien-tro-khan-cap-post1.vnp</loc>
  <image:image><image:loc>https://img.bao-thu.vn/1.jpg</image:loc><image:title>Ảnh</image:title></image:image>
  <news:news><news:publication><news:name>Báo thử</news:name><news:language>vi</news:language></news:publication>
  <news:publication_date>2026-11-20T14:00:00+07:00</news:publication_date>
  <news:title>Việt Nam viện trợ khẩn cấp cho nước bạn</news:title></news:news></url>
<url><loc>https://www.bao-thu.vn/khac-post2.vnp</loc><lastmod>2026-11-19</lastmod></url>
</urlset>""".encode()
    feed = parse_feed(data)
    assert feed.kind == "sitemap"
    assert feed.entries == (
        FeedEntry("https://www.bao-thu.vn/vien-tro-khan-cap-post1.vnp", "Việt Nam viện trợ khẩn cấp cho nước bạn",
                  datetime(2026, 11, 20, 7, 0, tzinfo=UTC)),
        FeedEntry("https://www.bao-thu.vn/khac-post2.vnp", None, datetime(2026, 11, 18, 17, 0, tzinfo=UTC)),
    )


def test_sitemap_index_lists_child_sitemaps() -> None:
    data = b"""<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>https://bao-thu.vn/sitemaps/news-2026-11.xml</loc><lastmod>2026-11-20T10:00:00+07:00</lastmod></sitemap>
<sitemap><loc>https://bao-thu.vn/sitemaps/news-2026-10.xml</loc></sitemap></sitemapindex>"""
    feed = parse_feed(data)
    assert feed.kind == "sitemapindex"
    assert [e.url for e in feed.entries] == ["https://bao-thu.vn/sitemaps/news-2026-11.xml",
                                            "https://bao-thu.vn/sitemaps/news-2026-10.xml"]


def test_common_breakage_is_repaired() -> None:
    # A bare `&` before a space in a title, and before a name in a link. (feedparser's lenient parser reads
    # a bare `&D` in text as the entity reference `&D;`, so the title's bare ampersand stands alone.)
    data = ("\ufeff\n  <?xml version=\"1.0\" encoding=\"UTF-8\"?><rss version=\"2.0\"><channel><title>T</title>"
            "<item><title>Việt Nam &amp; Lào&nbsp;hội đàm &copy; R & D \x0b</title>"
            "<link>https://bao-thu.vn/a.html?id=1&cat=2</link></item></channel></rss>").encode("utf-8")
    feed = parse_feed(data)
    assert feed.repaired
    assert feed.entries == (FeedEntry("https://bao-thu.vn/a.html?id=1&cat=2", "Việt Nam & Lào hội đàm © R & D"),)


def test_a_well_formed_feed_is_not_marked_repaired() -> None:
    data = b'<?xml version="1.0"?><rss version="2.0"><channel><item><link>https://bao-thu.vn/a.html</link></item></channel></rss>'
    assert parse_feed(data) == parse_feed(b"\xef\xbb\xbf\n" + data) == ParsedFeed("rss", (FeedEntry("https://bao-thu.vn/a.html"),))


_BOMB = b'<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'


@pytest.mark.parametrize("data", [
    # Billion laughs after a BOM and blank lines, and after a comment longer than 4 KiB.
    b"\xef\xbb\xbf\n\n" + _BOMB + b"<rss><channel><title>&lol2;</title></channel></rss>",
    b'<?xml version="1.0"?><!-- ' + b"x" * 8192 + b" -->" + _BOMB + b"<rss>&lol2;</rss>",
    # Quadratic blowup: one large entity, referenced many times.
    b'<!DOCTYPE r [<!ENTITY a "' + b"a" * 50_000 + b'">]><rss><channel><title>' + b"&a;" * 1000 + b"</title></channel></rss>",
    # External entities: a local file, and a parameter entity that would load a remote DTD.
    b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><rss><channel><title>&x;</title></channel></rss>',
    b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY % p SYSTEM "http://127.0.0.1:9/evil.dtd"> %p;]><rss/>',
    # A sitemap is refused the same way.
    b'<!DOCTYPE u [<!ENTITY x SYSTEM "file:///etc/hostname">]><urlset><url><loc>&x;</loc></url></urlset>',
])
def test_entity_declarations_and_external_entities_are_refused(data: bytes) -> None:
    with pytest.raises(FeedError, match="DTD with entity declarations refused"):
        parse_feed(data)


def test_a_doctype_without_entities_is_read() -> None:
    data = (b'<?xml version="1.0"?><!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" '
            b'"http://my.netscape.com/publish/formats/rss-0.91.dtd"><rss version="0.91"><channel><title>T</title>'
            b"<item><title>A</title><link>https://bao-thu.vn/a.html</link></item></channel></rss>")
    assert parse_feed(data).entries == (FeedEntry("https://bao-thu.vn/a.html", "A"),)


def test_a_sitemap_that_is_not_well_formed_is_refused() -> None:
    # Read leniently, a sitemap cut off mid-way would pass for the whole list.
    data = b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>https://bao-thu.vn/a.html?x=1&y=2</loc></url></urlset>'
    with pytest.raises(FeedError, match="not well-formed XML"):
        parse_feed(data)


@pytest.mark.parametrize(("data", "reason"), [
    (b"", "empty document"),
    (b"   \n", "empty document"),
    (b'<?xml version="1.0"?><rss><channel><item><title>Cut', "not well-formed XML"),
    (b"<html><body><h1>502 Bad Gateway</h1></body></html>", "not a feed: root element <html>"),
    ("<html><body><p>Trang lỗi <br></p></body></html>".encode(), "not well-formed XML"),
    (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]><rss>&lol2;</rss>',
     "DTD with entity declarations refused"),
    (b"\x00\x01\x02binary", "not well-formed XML"),
])
def test_broken_documents_raise_feed_error(data: bytes, reason: str) -> None:
    with pytest.raises(FeedError, match=reason):
        parse_feed(data)


def test_feed_error_is_a_value_error() -> None:
    assert issubclass(FeedError, ValueError)


@pytest.mark.parametrize(("text", "expected"), [
    ("Fri, 20 Nov 2026 15:30:00 +0700", datetime(2026, 11, 20, 8, 30, tzinfo=UTC)),
    ("Fri, 20 Nov 2026 15:30:00 GMT", datetime(2026, 11, 20, 15, 30, tzinfo=UTC)),
    ("Fri, 20 Nov 2026 15:30:00 GMT+7", datetime(2026, 11, 20, 8, 30, tzinfo=UTC)),
    ("Fri, 20 Nov 2026 15:30:00 GMT+07:00", datetime(2026, 11, 20, 8, 30, tzinfo=UTC)),
    ("Fri, 20 Nov 2026 15:30:00", datetime(2026, 11, 20, 8, 30, tzinfo=UTC)),  # no zone: Vietnam time
    ("2026-11-20T15:30:00Z", datetime(2026, 11, 20, 15, 30, tzinfo=UTC)),
    ("2026-11-20T15:30:00.123+07:00", datetime(2026, 11, 20, 8, 30, 0, 123000, tzinfo=UTC)),
    ("2026-11-20", datetime(2026, 11, 19, 17, 0, tzinfo=UTC)),
    ("20/11/2026 15:30", datetime(2026, 11, 20, 8, 30, tzinfo=UTC)),
    ("", None), (None, None), ("hôm qua", None), ("31/02/2026", None),
])
def test_parse_date(text: str | None, expected: datetime | None) -> None:
    assert parse_date(text) == expected
