"""Properties of the date reader (extract/nlp/dates.py), checked on generated text (hypothesis).

Deterministic: every test derandomizes and keeps no example database, so CI never sees a new example.
"""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import example, given, settings
from hypothesis import strategies as st

from extract.nlp.dates import (
    DAY,
    candidate_years,
    find_dates,
    latest_on_or_before,
    parse_dateline,
    resolve_explicit,
    resolve_with_reference,
)

PROPERTIES = settings(derandomize=True, database=None, max_examples=150, deadline=2000)

# Text a date reader meets: digits, separators, Vietnamese words of time, and any other character.
_TIME_WORDS = ["ngày", "tháng", "năm", "hôm", "qua", "nay", "trước", "tuần", "cuối", "đầu", "giữa", "sáng", "tối",
               "thứ", "hai", "bảy", "sáu", "chủ nhật", "vừa", "ngoái", "vào", "từ", "đến", "date", "Cập nhật:"]
_PIECES = st.one_of(
    st.sampled_from(_TIME_WORDS),
    st.integers(0, 3000).map(str),
    st.sampled_from(["/", "-", ".", ",", " ", "  ", "\n", ":", "%", "(", ")", "h"]),
    st.text(max_size=4),
)
DATE_LIKE_TEXT = st.lists(_PIECES, max_size=30).map(" ".join) | st.lists(_PIECES, max_size=30).map("".join)
REFERENCES = st.dates(min_value=date(1950, 1, 1), max_value=date(2100, 12, 31))


@PROPERTIES
@given(DATE_LIKE_TEXT | st.text(max_size=200))
@example("ngày 31/2 và 0/0, 32/13, 29/2/2023, tháng 13 năm 2024, ngày 00-00")
def test_any_text_gives_only_valid_day_and_month_mentions(text):
    for mention in find_dates(text):
        assert 0 <= mention.start < mention.end <= len(text)
        assert text[mention.start:mention.end] == mention.text
        assert mention.day is None or 1 <= mention.day <= 31
        assert mention.month is None or 1 <= mention.month <= 12
        if mention.year is not None:
            resolved = resolve_explicit(mention)
            assert resolved is None or resolved.value.year == mention.year


@PROPERTIES
@given(DATE_LIKE_TEXT | st.text(max_size=200), REFERENCES)
def test_every_mention_resolves_to_a_real_date_or_to_nothing(text, reference):
    for mention in find_dates(text):
        resolved = resolve_with_reference(mention, reference, "test")
        assert resolved is None or isinstance(resolved.value, date)


# Found by this test: 29/2 read in a year after a non-leap year resolved to 1 February (the wrong day).
@PROPERTIES
@given(st.integers(1, 31), st.integers(1, 12), REFERENCES, st.sampled_from(["ngày {d}/{m}", "ngày {d} tháng {m}", "ngày {d}-{m}"]))
@example(29, 2, date(2026, 3, 1), "ngày {d}/{m}")
@example(29, 2, date(2100, 12, 31), "ngày {d}/{m}")  # 2100 is not a leap year
def test_a_day_and_month_resolve_to_that_day_or_to_nothing(day, month, reference, form):
    text = form.format(d=day, m=month) + ", hai ngoại trưởng đã điện đàm."
    mentions = [m for m in find_dates(text) if m.month is not None]
    try:
        date(2024, month, day)
    except ValueError:
        assert mentions == []  # 31/4 is no date
        return
    (mention,) = mentions
    assert (mention.day, mention.month, mention.year) == (day, month, None)
    resolved = resolve_with_reference(mention, reference, "test")
    if resolved is not None:
        assert (resolved.value.day, resolved.value.month) == (day, month)
        assert resolved.value <= reference
        assert resolved.precision == DAY


@PROPERTIES
@given(st.integers(1, 31), st.integers(1, 12), st.sampled_from(["ngày {d}/{m}", "ngày {d} tháng {m}"]), REFERENCES)
def test_the_latest_such_day_is_the_latest(day, month, form, reference):
    try:
        date(2024, month, day)
    except ValueError:
        return
    value = latest_on_or_before(day, month, reference)
    assert (value.day, value.month) == (day, month) and value <= reference
    # no later year holds the same day before the reference
    for year in range(value.year + 1, reference.year + 1):
        try:
            assert date(year, month, day) > reference
        except ValueError:
            pass


@PROPERTIES
@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2099, 12, 31)),
       st.sampled_from(["{d}/{m}/{y}", "{d}-{m}-{y}", "{d}.{m}.{y}", "{d} tháng {m} năm {y}", "{dd}/{mm}/{y}"]))
def test_a_full_date_round_trips(value, form):
    text = "Ngày " + form.format(d=value.day, m=value.month, y=value.year, dd=f"{value.day:02d}", mm=f"{value.month:02d}")
    (mention,) = find_dates(text + " hai bên đã điện đàm.")
    assert resolve_explicit(mention).value == value
    line = f"{value.day:02d}/{value.month:02d}/{value.year}"
    assert parse_dateline(line).value == value
    assert parse_dateline(f"{line} 08:30").value == value


_RELATIVE_WORDS = ["hôm qua", "hôm nay", "tối qua", "sáng nay", "tháng trước", "tháng này", "đầu tháng", "cuối tháng",
                   "tuần trước", "tuần qua", "cuối tuần trước", "cuối tuần vừa qua", "chủ nhật", "vào thứ hai",
                   "tối thứ bảy", "ngày thứ 6", "sáng thứ năm vừa qua", "vào thứ ba tuần trước", "chiều chủ nhật tuần trước"]


@PROPERTIES
@given(st.sampled_from(_RELATIVE_WORDS), REFERENCES)
def test_relative_words_resolve_to_a_day_not_after_the_reference(words, reference):
    mentions = find_dates(f"{words.capitalize()}, hai ngoại trưởng đã điện đàm.")
    for mention in mentions:
        assert mention.is_relative
        resolved = resolve_with_reference(mention, reference, "test")
        assert resolved is not None and resolved.value <= reference
        assert resolved.value >= reference - timedelta(days=62)


# Found by this test: "thứ Ba tuần trước" resolved to the Tuesday of the reference's own week.
@PROPERTIES
@given(st.sampled_from(["thứ hai", "thứ ba", "thứ tư", "thứ năm", "thứ sáu", "thứ bảy", "chủ nhật", "thứ 2", "thứ 7"]),
       st.sampled_from(["vào", "tối", "sáng", "ngày"]), REFERENCES)
@example("thứ ba", "vào", date(2024, 3, 13))  # a Wednesday: last week's Tuesday is 5 March, not 12 March
def test_a_weekday_of_last_week_falls_in_the_week_before_the_reference(weekday, lead, reference):
    (mention,) = find_dates(f"{lead.capitalize()} {weekday} tuần trước, hai bên đã điện đàm.")
    value = resolve_with_reference(mention, reference, "test").value
    monday = reference - timedelta(days=reference.weekday())
    assert monday - timedelta(days=7) <= value < monday


@PROPERTIES
@given(st.integers(1, 31), st.integers(1, 12), st.lists(st.tuples(REFERENCES, REFERENCES), min_size=1, max_size=3))
def test_candidate_years_lie_inside_every_interval(day, month, intervals):
    try:
        date(2024, month, day)
    except ValueError:
        return
    (mention,) = find_dates(f"ngày {day}/{month}")
    feasible = [(min(a, b), max(a, b)) for a, b in intervals]
    for year in candidate_years(mention, feasible):
        value = date(year, month, day)
        assert all(lo <= value <= hi for lo, hi in feasible)
