import pytest

from extract.nlp.money import find_money, parse_number


@pytest.mark.parametrize(
    ("text", "value"),
    [("3,8", 3.8), ("500.000", 500000), ("1.234,5", 1234.5), ("12", 12), ("0,5", 0.5)],
)
def test_comma_is_the_decimal_mark_and_dot_groups_thousands(text, value):
    assert parse_number(text) == value


@pytest.mark.parametrize(
    ("text", "amount", "currency", "approximate"),
    [
        ("gói viện trợ 2,5 tỷ USD", 2.5e9, "USD", False),
        ("khoảng 700 triệu euro", 7e8, "EUR", True),
        ("hơn 45 triệu bảng Anh", 4.5e7, "GBP", True),
        ("trị giá 250.000 đô la Úc", 2.5e5, "AUD", False),
        ("số tiền tương đương 1,2 tỷ đồng", 1.2e9, "VND", False),
        ("gần 3 nghìn tỷ đồng", 3e12, "VND", True),
        ("trên 90 triệu USD", 9e7, "USD", True),
    ],
)
def test_money_amounts(text, amount, currency, approximate):
    (money,) = find_money(text)
    assert money.amount == pytest.approx(amount)
    assert money.currency == currency
    assert money.is_approximate is approximate


def test_bare_numbers_are_not_money():
    assert find_money("có 120 binh sĩ và 30 xe tăng") == []


def test_every_currency_extraction_can_name_has_rates_and_passes_the_suites():
    from expectations.suites import currencies_with_rates
    from extract.nlp.money import _CURRENCY_WORDS
    from extract.tasks.settings import PROJECT_ROOT

    allowed = set(currencies_with_rates(PROJECT_ROOT / "dbt_project" / "seeds"))
    assert {code for _, code in _CURRENCY_WORDS} <= allowed
    assert {"SGD", "NZD", "VND", "USD"} <= allowed


def test_word_numerals_only_on_their_own_and_pounds_only_after_a_scale():
    from extract.nlp.money import find_money

    found = find_money("mười hai triệu USD, ba mươi ba triệu USD, một tỷ USD, 20 bảng điện tử, 1 tỷ bảng")
    assert [(m.amount, m.currency) for m in found] == [(1e9, "USD"), (1e9, "GBP")]
