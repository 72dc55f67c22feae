"""Vietnamese numbers and money amounts.

A comma is the decimal mark and a dot groups thousands (`3,8 tỷ` is 3.8e9,
`500.000` is 5e5); scale words multiply (`tỷ`/`tỉ` 1e9, `triệu` 1e6,
`nghìn`/`ngàn` 1e3).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TypeVar

from extract.nlp.rulebook import load_rules

_MONEY_RULES = load_rules("money")
SCALES = {word: float(factor) for word, factor in _MONEY_RULES.mapping("scales").items()}
_CURRENCY_WORDS: list[tuple[str, str]] = [(word, str(code)) for word, code in _MONEY_RULES.mapping("currencies").items()]
APPROXIMATE_WORDS = _MONEY_RULES.words("approximate")
_EXACT_APPROXIMATE = {word.lower() for word in _MONEY_RULES.words("exact_approximate")}
WORD_NUMBERS = {word: int(number) for word, number in _MONEY_RULES.mapping("word_numbers").items()}
_NUMBER = (r"\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+)?|"
           # a word numeral on its own ("một tỷ"), never the tail of a compound ("mười hai", "ba mươi ba")
           r"(?<!mười )(?<!mươi )(?<!trăm )(?:" + "|".join(WORD_NUMBERS) + r")(?=\s+(?:tỷ|tỉ|triệu|nghìn|ngàn)\b)")
_MONEY = re.compile(
    r"(?:(?P<approx>" + "|".join(sorted(APPROXIMATE_WORDS, key=len, reverse=True)) + r")\s+)?"
    r"(?:(?:số tiền|trị giá|tổng cộng)\s+)?"
    r"(?P<num>" + _NUMBER + r")\s*"
    r"(?P<scale>(?:tỷ|tỉ|triệu|nghìn|ngàn)(?:\s+(?:tỷ|tỉ|triệu|nghìn|ngàn))?)?\s*"
    r"(?P<cur>" + "|".join(re.escape(w) for w, _ in _CURRENCY_WORDS) + r")(?!\w)", re.I
)
_CURRENCY = {w.lower(): c for w, c in _CURRENCY_WORDS}

T = TypeVar("T")


def ignoring_case(table: dict[str, T], word: str) -> T | None:
    """`table[word]`, case ignored as the rules' patterns ignore it: re.IGNORECASE also takes 'ſ' for 's'
    and 'ı' for 'i', which `str.lower` does not, so a word a pattern matched is always found."""
    found = table.get(word.lower())
    if found is None:
        found = next((value for key, value in table.items() if re.fullmatch(re.escape(key), word, re.I)), None)
    return found


def parse_number(text: str) -> float:
    """`3,8` -> 3.8, `500.000` -> 500000, `1.234,5` -> 1234.5."""
    cleaned = text.strip()
    word = ignoring_case(WORD_NUMBERS, cleaned)
    if word is not None:
        return float(word)
    if re.fullmatch(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?", cleaned):
        cleaned = cleaned.replace(".", "")
    return float(cleaned.replace(",", "."))


def scale_factor(words: str | None) -> float:
    factor = 1.0
    for word in (words or "").split():
        factor *= ignoring_case(SCALES, word) or 1.0
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
            currency=ignoring_case(_CURRENCY, m["cur"]),
            is_approximate=bool(approx) and approx.lower() not in _EXACT_APPROXIMATE,
        ))
    return found
