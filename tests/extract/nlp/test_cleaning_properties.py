"""Properties of page cleaning (extract/nlp/cleaning.py), checked on generated pages (hypothesis).

Cleaning only takes away: the body is never longer than the page. And a page that holds prose
never cleans to an empty body, whatever junk surrounds it.
Deterministic: every test derandomizes and keeps no example database, so CI never sees a new example.
"""

from __future__ import annotations

import csv
import html
from datetime import datetime

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from extract.nlp.cleaning import MIN_PROSE_CHARS, clean_document, is_prose
from extract.sources.inbox import RawDocument
from extract.tasks.settings import PROJECT_ROOT

PROPERTIES = settings(derandomize=True, database=None, max_examples=100, deadline=5000,
                      suppress_health_check=[HealthCheck.too_slow])


with (PROJECT_ROOT / "dbt_project" / "seeds" / "ref_publishers.csv").open(encoding="utf-8") as _handle:
    PUBLISHERS = {row["marker"]: row["publisher"] for row in csv.DictReader(_handle)}


def document(text: str, media_type: str = "text") -> RawDocument:
    return RawDocument("/inbox/a." + ("html" if media_type == "html" else "txt"), media_type, text, "0" * 64,
                       datetime(2025, 3, 13))


# Words of running Vietnamese news text, written for these tests: Vietnamese stop words (jusText's list)
# alternate with the words that carry the news.
STOP_WORDS = ["của", "các", "cho", "có", "cũng", "với", "trong", "những", "được", "khi", "hai", "cuộc", "về", "này",
              "đã", "sẽ", "là", "một", "nhiều", "theo", "tại", "từ", "đến", "người", "nước", "năm"]
NEWS_WORDS = ["ngoại trưởng", "điện đàm", "hợp tác", "kinh tế", "an ninh", "Việt Nam", "Nhật Bản", "khu vực", "thương mại",
              "đầu tư", "Thủ tướng", "Tổng thống", "viện trợ", "nhân đạo", "phát triển", "quan hệ", "đối tác", "chiến lược",
              "thiên tai", "biển Đông", "giáo dục", "y tế", "lãnh đạo", "trao đổi", "thúc đẩy", "nhất trí", "ủng hộ"]
_PAIR = st.tuples(st.sampled_from(STOP_WORDS), st.sampled_from(NEWS_WORDS)).map(" ".join)
SENTENCE = st.lists(_PAIR, min_size=6, max_size=12).map(lambda pairs: " ".join(pairs).capitalize() + ".")
PROSE = st.lists(SENTENCE, min_size=2, max_size=4).map(" ".join)

JUNK = st.one_of(
    st.sampled_from(["Tin liên quan", "Xem thêm:", "Tags: Việt Nam, Nhật Bản", "Từ khóa: ngoại giao", "MỚI NHẤT", "Đọc nhiều",
                     "Logo", "Video", "Đóng", "Gửi bình luận", "Bạn cần đăng nhập để bình luận", "Chia sẻ", "",
                     "- Tổng thống Mỹ điện đàm với Tổng thống Pháp", "• Giá vàng hôm nay tăng mạnh", "12/03/2025 08:30",
                     "date 2025-03-12", "https://vnexpress.net/the-gioi", "Theo dõi VnExpress trên Google News",
                     "Thời tiết cuối tuần có mưa rào Thời tiết cuối tuần có mưa rào", "(Dân trí) -", "TTO -"]),
    st.text(max_size=60).map(lambda t: t.replace("\n", " ")),
    st.text(alphabet="abcdeđghiklmnoprstuvxyàáảãạ .,-:", max_size=120),
)


@st.composite
def pages(draw):
    """N prose paragraphs and junk lines before, between and after them."""
    prose = draw(st.lists(PROSE, min_size=1, max_size=4))
    junk = draw(st.lists(JUNK, max_size=12))
    lines = draw(st.permutations(prose + junk))
    blank = draw(st.booleans())
    return prose, ("\n\n" if blank else "\n").join(lines)


@PROPERTIES
@given(pages())
@example(([  # the prose itself says "Tin liên quan" at the start of a line
    "Tin liên quan đến cuộc điện đàm của hai ngoại trưởng cho thấy quan hệ hợp tác kinh tế với những đối tác trong khu vực."],
    "Tin liên quan đến cuộc điện đàm của hai ngoại trưởng cho thấy quan hệ hợp tác kinh tế với những đối tác trong khu vực."))
def test_a_page_with_prose_never_cleans_to_an_empty_body(page):
    prose, text = page
    assert all(is_prose(p) for p in prose), prose  # the generator makes prose, or this test proves nothing
    article = clean_document(document(text), PUBLISHERS)
    body = article.body_text
    assert len(body) >= MIN_PROSE_CHARS
    assert any(p in body for p in prose)
    assert len(body) <= len(text)


@PROPERTIES
@given(pages(), st.sampled_from(["p", "div"]))
def test_an_html_page_with_prose_never_cleans_to_an_empty_body(page, tag):
    prose, text = page
    blocks = "".join(f"<{tag}>{html.escape(line)}</{tag}>" if line in prose else f"<div class='related'><a href='/x'>{html.escape(line)}</a></div>"
                     for line in text.split("\n") if line)
    markup = f"<html><head><title>Tin</title></head><body><article>{blocks}</article></body></html>"
    body = clean_document(document(markup, "html"), PUBLISHERS).body_text
    assert body, markup
    assert len(body) <= len(markup)


@PROPERTIES
@given(st.text(max_size=600) | pages().map(lambda page: page[1]))
@example("date 2025-03-12 " + "x" * 10)
@example("a\r\nb\rc\n\n\n")
def test_cleaning_a_text_page_never_adds_text(text):
    assert len(clean_document(document(text), PUBLISHERS).body_text) <= len(text)


_TAGS = st.sampled_from(["p", "div", "span", "article", "section", "a", "b", "li", "ul", "h1", "script", "style", "nav", "footer"])


@st.composite
def html_pages(draw):
    parts = draw(st.lists(st.one_of(
        _TAGS.map(lambda t: f"<{t}>"), _TAGS.map(lambda t: f"</{t}>"), PROSE, JUNK.map(html.escape),
        st.sampled_from(["&amp;", "&nbsp;", "&#x1F600;", "&#0;", "&#xD800;", "<!-- x -->", "<br>", "<![CDATA[x]]>", "&bogus;"]),
    ), max_size=30))
    return "<html><body>" + "".join(parts) + "</body></html>"


@settings(PROPERTIES, max_examples=60)
@given(html_pages())
def test_cleaning_an_html_page_never_adds_text(markup):
    assert len(clean_document(document(markup, "html"), PUBLISHERS).body_text) <= len(markup)
