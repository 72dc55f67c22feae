"""Vietnamese numbers and money amounts.

A comma is the decimal mark and a dot groups thousands (`3,8 tỷ` is 3.8e9,
`500.000` is 5e5); scale words multiply (`tỷ`/`tỉ` 1e9, `triệu` 1e6,
`nghìn`/`ngàn` 1e3).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

SCALES = {"tỷ": 1e9, "tỉ": 1e9, "triệu": 1e6, "nghìn": 1e3, "ngàn": 1e3, "trăm": 1e2}

# Longest spellings first so "đô la Úc" wins over "đô la".
_CURRENCY_WORDS: list[tuple[str, str]] = [
    ("đô la Australia", "AUD"), ("đôla Australia", "AUD"), ("đô la Úc", "AUD"), ("đôla Úc", "AUD"), ("AUD", "AUD"),
    ("đô la Canada", "CAD"), ("CAD", "CAD"),
    ("đô la Singapore", "SGD"), ("đôla Singapore", "SGD"), ("SGD", "SGD"),
    ("đô la New Zealand", "NZD"), ("đôla New Zealand", "NZD"), ("NZD", "NZD"),
    ("đô la Mỹ", "USD"), ("đôla Mỹ", "USD"), ("đô la", "USD"), ("đôla", "USD"), ("USD", "USD"),
    ("Euro", "EUR"), ("euro", "EUR"), ("EUR", "EUR"),
    ("bảng Anh", "GBP"), ("bảng", "GBP"), ("GBP", "GBP"),
    ("nhân dân tệ", "CNY"), ("NDT", "CNY"), ("CNY", "CNY"),
    ("yên Nhật", "JPY"), ("Yên", "JPY"), ("yên", "JPY"), ("JPY", "JPY"),
    ("won", "KRW"), ("Won", "KRW"), ("KRW", "KRW"),
    ("rúp", "RUB"), ("RUB", "RUB"),
    ("franc Thụy Sĩ", "CHF"), ("CHF", "CHF"),
    ("hryvnia", "UAH"), ("UAH", "UAH"),
    ("đồng", "VND"), ("VND", "VND"), ("VNĐ", "VND"),
]
APPROXIMATE_WORDS = (
    "hơn", "khoảng", "gần", "trên", "xấp xỉ", "ước tính", "chừng", "ít nhất", "tới", "lên tới",
    "lên đến", "trên dưới", "hàng",
)

WORD_NUMBERS = {"một": 1, "hai": 2, "ba": 3, "bốn": 4, "năm": 5, "sáu": 6, "bảy": 7, "tám": 8, "chín": 9, "mười": 10}
_NUMBER = (r"\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+)?|"
           # a word numeral on its own ("một tỷ"), never the tail of a compound ("mười hai", "ba mươi ba")
           r"(?<!mười )(?<!mươi )(?<!trăm )(?:một|hai|ba|bốn|năm|sáu|bảy|tám|chín|mười)(?=\s+(?:tỷ|tỉ|triệu|nghìn|ngàn)\b)")
_MONEY = re.compile(
    r"(?:(?P<approx>" + "|".join(sorted(APPROXIMATE_WORDS, key=len, reverse=True)) + r")\s+)?"
    r"(?:(?:số tiền|trị giá|tổng cộng)\s+)?"
    r"(?P<num>" + _NUMBER + r")\s*"
    r"(?P<scale>(?:tỷ|tỉ|triệu|nghìn|ngàn)(?:\s+(?:tỷ|tỉ|triệu|nghìn|ngàn))?)?\s*"
    r"(?P<cur>" + "|".join(re.escape(w) for w, _ in _CURRENCY_WORDS) + r")(?!\w)", re.I
)
_CURRENCY = {w.lower(): c for w, c in _CURRENCY_WORDS}


def parse_number(text: str) -> float:
    """`3,8` -> 3.8, `500.000` -> 500000, `1.234,5` -> 1234.5."""
    cleaned = text.strip()
    if cleaned.lower() in WORD_NUMBERS:
        return float(WORD_NUMBERS[cleaned.lower()])
    if re.fullmatch(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?", cleaned):
        cleaned = cleaned.replace(".", "")
    return float(cleaned.replace(",", "."))


def scale_factor(words: str | None) -> float:
    factor = 1.0
    for word in (words or "").split():
        factor *= SCALES[word.lower()]
    return factor


@dataclass(frozen=True)
class MoneyMention:
    start: int
    end: int
    text: str
    amount: float
    currency: str
    is_approximate: bool


def find_money(text: str) -> list[MoneyMention]:
    """Every money amount in `text`, in reading order."""
    found = []
    for m in _MONEY.finditer(text):
        amount = parse_number(m["num"]) * scale_factor(m["scale"])
        if amount <= 0 or (m["cur"].lower() == "bảng" and not m["scale"]):
            continue  # a bare "bảng" is pounds only after "tỷ" / "triệu" ("20 bảng điện tử" are boards)
        approx = m["approx"]
        found.append(MoneyMention(
            start=m.start(), end=m.end(), text=m.group(0), amount=round(amount, 2),
            currency=_CURRENCY[m["cur"].lower()],
            is_approximate=bool(approx) and approx.lower() not in ("tới",),
        ))
    return found
