"""`process_document`: the same bytes give the same rows, whatever day they are parsed on."""

from __future__ import annotations

from datetime import UTC, datetime

import time_machine

from extract.nlp.pipeline import process_document
from extract.sources.inbox import RawDocument, content_hash

# Written for this test: no date line, and a call dated by day and month only, so its year is
# inferred; nothing about it may depend on the day the parser runs.
UNDATED_ARTICLE = """Nga và Mỹ điện đàm về an ninh châu Âu
Ngày 14/6, Tổng thống Nga Vladimir Putin đã điện đàm với Tổng thống Mỹ Donald Trump theo đề nghị của phía Mỹ.
Hai nhà lãnh đạo trao đổi về tình hình an ninh châu Âu và nhất trí duy trì liên lạc trong thời gian tới.
"""


def _document(fetched_at: datetime) -> RawDocument:
    data = UNDATED_ARTICLE.encode("utf-8")
    return RawDocument("/inbox/undated.txt", "text", UNDATED_ARTICLE, content_hash(data), fetched_at)


def test_the_same_page_parsed_on_two_days_gives_the_same_rows(gazetteer):
    fetched_at = datetime(2026, 11, 20, 9, 0)
    parsed = []
    for today in (datetime(2026, 12, 3, 12, tzinfo=UTC), datetime(2027, 12, 31, 12, tzinfo=UTC)):
        with time_machine.travel(today, tick=False):
            parsed.append(process_document(_document(fetched_at), gazetteer, "run-1").tables)
    first, second = parsed
    assert first == second
    [call] = first["article_calls"]
    assert call["call_date"].endswith("-06-14") and call["date_basis"] == "inferred-from-context"


def test_a_call_is_never_dated_after_the_page_was_fetched(gazetteer):
    # Fetched in March 2017, "14/6" cannot be June 2017, the first June both men held office.
    # The call is still a fact then: kept undated (precision unknown), with less confidence.
    later = process_document(_document(datetime(2026, 11, 20, 9)), gazetteer, "run-1").tables["article_calls"]
    earlier = process_document(_document(datetime(2017, 3, 1, 9)), gazetteer, "run-1").tables["article_calls"]
    assert [(c["call_date"], c["date_precision"]) for c in later] == [("2017-06-14", "day")]
    assert [(c["call_date"], c["date_precision"], c["date_basis"]) for c in earlier] == [(None, "unknown", "unknown")]
    assert earlier[0]["confidence"] < later[0]["confidence"]
