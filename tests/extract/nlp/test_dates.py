from datetime import date

import pytest

from extract.nlp.dates import (
    DAY,
    MONTH,
    candidate_years,
    find_dates,
    latest_on_or_before,
    parse_dateline,
    parse_url_date,
    resolve_with_reference,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Hai ông đã điện đàm vào ngày 14/3, theo thông cáo.", (14, 3, None, DAY)),
        ("Cuộc gọi diễn ra ngày 2-9-2023 tại Hà Nội.", (2, 9, 2023, DAY)),
        ("Sáng 7/12, Thủ tướng đã điện đàm.", (7, 12, None, DAY)),
        ("Lần gần nhất là vào tháng 8/2019.", (None, 8, 2019, MONTH)),
        ("Vào ngày 5 tháng 4, hai bên đã trao đổi.", (5, 4, None, DAY)),
        ("Ngày 30 tháng 6 năm 2022, hai bộ trưởng điện đàm.", (30, 6, 2022, DAY)),
        ("Chiều ngày 19-8, hai nhà lãnh đạo điện đàm.", (19, 8, None, DAY)),
        ("Tối 14.9, hai ngoại trưởng đã điện đàm.", (14, 9, None, DAY)),
        ("Cuộc điện đàm ngày 3.11.2024 kéo dài một giờ.", (3, 11, 2024, DAY)),
    ],
)
def test_day_month_year_forms(text, expected):
    found = find_dates(text)
    assert found, text
    first = found[0]
    assert (first.day, first.month, first.year, first.precision) == expected


def test_a_day_month_with_a_dot_needs_a_day_word():
    assert find_dates("Kim ngạch tăng 12.5 lần so với cùng kỳ.") == []
    assert find_dates("Lãi suất ngày 12.5,5% là mức cao.") == []


def test_ranges_and_impossible_dates_are_not_dates():
    assert find_dates("kỷ niệm quan hệ (1995-2025)") == []
    assert find_dates("tỷ số 32/13 trong trận đấu") == []


def test_relative_expressions_resolve_against_the_publication_date():
    reference = date(2024, 3, 10)  # a Sunday
    yesterday = find_dates("Hôm qua, hai ông đã điện đàm.")[0]
    saturday = find_dates("Tối thứ bảy, hai bên có cuộc gọi.")[0]
    assert resolve_with_reference(yesterday, reference, "x").value == date(2024, 3, 9)
    assert resolve_with_reference(saturday, reference, "x").value == date(2024, 3, 9)


def test_last_weekend_keeps_the_month_of_the_saturday_before_the_reference():
    weekend = find_dates("Cuối tuần trước, hai ngoại trưởng đã điện đàm.")[0]
    resolved = resolve_with_reference(weekend, date(2024, 3, 11), "x")  # a Monday
    assert (resolved.value, resolved.precision) == (date(2024, 3, 1), MONTH)
    # published on Saturday 2 March: the weekend before is 24-25 February
    assert resolve_with_reference(weekend, date(2024, 3, 2), "x").value == date(2024, 2, 1)


def test_a_date_without_year_is_the_latest_one_not_after_the_reference():
    assert latest_on_or_before(25, 12, date(2024, 1, 3)) == date(2023, 12, 25)
    assert latest_on_or_before(3, 1, date(2024, 1, 3)) == date(2024, 1, 3)
    mention = find_dates("trong tháng 11")[0]
    resolved = resolve_with_reference(mention, date(2024, 12, 31), "inferred-from-published")
    assert (resolved.value, resolved.precision) == (date(2024, 11, 1), MONTH)


def test_candidate_years_are_where_all_terms_of_office_overlap():
    mention = find_dates("ngày 1/6")[0]
    years = candidate_years(mention, [(date(2020, 3, 1), date(2023, 2, 1)), (date(2021, 7, 1), date(2030, 1, 1))])
    assert years == [2022]


@pytest.mark.parametrize(
    ("line", "expected", "precision"),
    [
        (" date 2023-04-05 Nội dung", date(2023, 4, 5), "day"),
        (" date 2023-04", date(2023, 4, 1), "month"),
        ("05/04/2023 06:30 GMT+7", date(2023, 4, 5), "minute"),
        ("Thứ tư, 05/04/2023 06:30", date(2023, 4, 5), "minute"),
        ("05/04/2023, 06:30", date(2023, 4, 5), "minute"),
        ("Cập nhật: 14:05 ngày 05/04/2023", date(2023, 4, 5), "minute"),
        ("Tháng Năm 27, 2021", date(2021, 5, 27), "day"),  # "Năm" is May here, not "year"
        ("Thứ Ba, Tháng Mười Hai 3, 2024 08:15", date(2024, 12, 3), "minute"),
        ("Ngày 14 tháng 6 năm 2020", date(2020, 6, 14), "day"),
    ],
)
def test_publication_datelines(line, expected, precision):
    parsed = parse_dateline(line)
    assert parsed is not None
    assert (parsed.value, parsed.precision) == (expected, precision)


def test_a_long_sentence_with_a_date_is_not_a_dateline():
    assert parse_dateline("Ngày 05/04/2023 06:30, hai nhà lãnh đạo đã có cuộc điện đàm kéo dài một giờ.") is None


def test_publication_date_from_a_url_timestamp():
    assert parse_url_date("https://example.vn/the-gioi/bai-viet-20230405063015123.htm").value == date(2023, 4, 5)
    assert parse_url_date("https://example.vn/the-gioi/bai-viet.htm") is None


def test_time_first_bylines_and_relative_months():
    assert parse_dateline("15:32 | 09/06/2024").value == date(2024, 6, 9)
    reference = date(2024, 3, 13)
    last_month = find_dates("tháng trước, hai bên đã điện đàm")[0]
    early_this_month = find_dates("hồi đầu tháng, hai bên đã điện đàm")[0]
    assert resolve_with_reference(last_month, reference, "x").value == date(2024, 2, 1)
    assert resolve_with_reference(early_this_month, reference, "x").value == date(2024, 3, 1)
    assert resolve_with_reference(find_dates("tháng 4 năm ngoái")[0], reference, "x").value == date(2023, 4, 1)


@pytest.mark.parametrize(("line", "day", "precision"), [
    ("Ngày 14 tháng 6 năm 2020", date(2020, 6, 14), "day"),
    ("Tháng Sáu 14, 2020", date(2020, 6, 14), "day"),
    ("Thứ bảy, 12/10/2024 - 08:15", date(2024, 10, 12), "minute"),
    ("12/10/2024 08:15 (GMT+7)", date(2024, 10, 12), "minute"),
    ("2024-10-12T08:15:00+07:00", date(2024, 10, 12), "minute"),
    ("2022-11-01 14:07:42(GMT+08:00)", date(2022, 11, 1), "minute"),
])
def test_date_lines_in_common_formats(line, day, precision):
    published = parse_dateline(line)
    assert published is not None and (published.value, published.precision) == (day, precision)


@pytest.mark.parametrize("line", ["Năm 2020", "Hội nghị G20 năm 2024 tại Brazil", "Tháng 6 năm 2020"])
def test_a_line_without_a_full_date_is_not_a_date_line(line):
    assert parse_dateline(line) is None
