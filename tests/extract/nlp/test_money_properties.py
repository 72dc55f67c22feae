"""Properties of the number and money reader (extract/nlp/money.py), checked on generated text (hypothesis).

Deterministic: every test derandomizes and keeps no example database, so CI never sees a new example.
"""

from __future__ import annotations

import math
import re

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from extract.nlp.money import _CURRENCY_WORDS, _NUMBER, SCALES, WORD_NUMBERS, find_money, parse_number

PROPERTIES = settings(derandomize=True, database=None, max_examples=200, deadline=2000)

_CURRENCIES = [word for word, _ in _CURRENCY_WORDS]
_MONEY_WORDS = ["tỷ", "tỉ", "triệu", "nghìn", "ngàn", "khoảng", "hơn", "trị giá", "số tiền", "mười", "mươi", *WORD_NUMBERS, *_CURRENCIES]
_PIECES = st.one_of(
    st.sampled_from(_MONEY_WORDS),
    st.integers(0, 10**13).map(str),
    st.sampled_from([".", ",", " ", "000", ".000", ",5", "/", "%", "\n"]),
    # letters that case-fold onto ASCII ones ('ſ' is 's', the Kelvin sign is 'k') and other odd cases
    st.sampled_from(["ſ", "\u212a", "İ", "ı", "ß", "ﬀ", "Ω"]),
    st.text(max_size=3),
)
MONEY_LIKE_TEXT = st.lists(_PIECES, max_size=25).map(" ".join) | st.lists(_PIECES, max_size=25).map("".join)


def vietnamese(value: float, decimals: int) -> str:
    """`value` written the Vietnamese way: dots group thousands, a comma before the decimals."""
    whole, _, fraction = f"{value:,.{decimals}f}".partition(".")
    return whole.replace(",", ".") + ("," + fraction if fraction else "")


# Found by this test: a letter that matches a currency or numeral only when case is ignored
# ('ſ' for 's') raised KeyError / ValueError instead of reading the amount.
@PROPERTIES
@given(MONEY_LIKE_TEXT | st.text(max_size=120))
@example("5 tỷ UſD")
@example("ſáu tỷ USD")
@example("5 triệu \u212aRW và 3 tỷ ĐÔ LA MỸ")
def test_any_text_gives_positive_finite_amounts_in_known_currencies(text):
    codes = {code for _, code in _CURRENCY_WORDS}
    for money in find_money(text):
        assert money.amount > 0 and math.isfinite(money.amount)
        assert money.currency in codes
        assert text[money.start:money.end] == money.text


@PROPERTIES
@given(st.from_regex(re.compile(_NUMBER.split("|(?<!mười")[0]), fullmatch=True))
def test_every_written_number_parses(text):
    value = parse_number(text)
    assert value >= 0 and math.isfinite(value)


@PROPERTIES
@given(st.integers(0, 10**12), st.integers(0, 999))
def test_dots_group_thousands_and_a_comma_is_the_decimal_mark(whole, thousandths):
    written = vietnamese(whole, 0)
    assert parse_number(written) == whole
    with_decimals = f"{written},{thousandths:03d}"
    assert parse_number(with_decimals) == pytest.approx(whole + thousandths / 1000, rel=1e-12)


@PROPERTIES
@given(st.decimals(min_value="0.01", max_value="999999", places=2),
       st.sampled_from(["tỷ", "tỉ", "triệu", "nghìn", "ngàn"]), st.sampled_from(_CURRENCIES))
@example(__import__("decimal").Decimal("3.80"), "tỷ", "USD")
def test_an_amount_in_words_is_the_number_times_its_scale(number, scale, currency):
    written = vietnamese(float(number), 2).rstrip("0").rstrip(",")
    text = f"Nhật Bản viện trợ {written} {scale} {currency} cho Việt Nam."
    (money,) = find_money(text)
    assert money.amount == pytest.approx(float(number) * SCALES[scale], rel=1e-9)


@PROPERTIES
@given(st.floats(min_value=0.01, max_value=1e12, allow_nan=False, allow_infinity=False), st.integers(0, 3))
def test_a_float_written_the_vietnamese_way_reads_back(value, decimals):
    written = vietnamese(value, decimals)
    assert parse_number(written) == pytest.approx(round(value, decimals), rel=1e-12, abs=10 ** -decimals)
