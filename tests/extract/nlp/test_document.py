"""`read_article`: one Article for every component, or the reason there is none."""

from datetime import date, datetime

from extract.nlp.document import Article, read_article
from extract.sources.inbox import RawDocument, Rejected, content_hash

# Written for this test.
ARTICLE = """Việt Nam và Lào điện đàm về hợp tác năm 2025
Tối 30/12, Thủ tướng Việt Nam đã điện đàm với Thủ tướng Lào về hợp tác kinh tế trong năm 2025 (Ảnh: Minh Anh).
Hai bên nhất trí tăng cường trao đổi đoàn các cấp như đã thống nhất từ năm 2019.
"""


def _raw(text: str, fetched_at: datetime) -> RawDocument:
    return RawDocument("/inbox/article.txt", "text", text, content_hash(text.encode()), fetched_at)


def test_an_article_carries_its_sentences_credits_years_and_days(gazetteer):
    article = read_article(_raw(ARTICLE, datetime(2025, 12, 30, 18, 30)), gazetteer.ref)
    assert isinstance(article, Article)
    assert len(article.sentences) == 3
    assert article.years == [2019, 2025]
    # 18:30 UTC on the 30th is already the 31st in Vietnam: the latest day a call can be dated.
    assert article.as_of == date(2025, 12, 31)
    credit = [article.sentences[i][lo:hi] for i in range(len(article.sentences)) for lo, hi in article.masked(i)]
    assert credit and all("Minh Anh" in c for c in credit)


def test_no_article_text_or_another_language_is_rejected_with_the_reason(gazetteer):
    short = read_article(_raw("Tin ngắn.", datetime(2025, 1, 1)), gazetteer.ref)
    english = read_article(_raw("The two prime ministers spoke by phone about trade and investment. " * 3,
                                datetime(2025, 1, 1)), gazetteer.ref)
    assert isinstance(short, Rejected) and "no article text" in short.reason
    assert isinstance(english, Rejected) and english.reason == "not Vietnamese text"


def test_every_component_starts_its_reading_with_an_empty_memory():
    article = Article(["Câu một."], as_of=date(2025, 1, 1))
    first, second = article.reading(), article.reading()
    first.seen_actor_ids.add("someone")
    assert not second.seen_actor_ids
    assert article.masked(0) == []


def test_a_date_line_days_before_an_event_told_as_past_keeps_only_its_month(gazetteer):
    page = ("date 2025-08-04 Ảnh: Minh Anh\n"
            "Vào ngày 6/8, Ngoại trưởng Hàn Quốc đã có cuộc điện đàm với Bộ trưởng Ngoại giao Việt Nam về hợp tác "
            "kinh tế và giao lưu nhân dân giữa hai nước trong thời gian tới.\n")
    article = read_article(_raw(page, datetime(2025, 9, 1)), gazetteer.ref)
    assert (article.published.value, article.published.precision) == (date(2025, 8, 1), "month")
    planned = page.replace("đã có cuộc điện đàm", "sẽ có cuộc điện đàm")
    assert read_article(_raw(planned, datetime(2025, 9, 1)), gazetteer.ref).published.precision == "day"


def test_an_event_that_dates_the_text_is_found_whatever_its_case(gazetteer):
    page = ARTICLE.replace("về hợp tác kinh tế", "về hợp tác ứng phó COVID-19")
    article = read_article(_raw(page, datetime(2025, 12, 30)), gazetteer.ref)
    assert article.not_before == date(2020, 1, 1)
