"""Evidence sentences as HTML, with the names, dates and amounts the fact was read from marked.

The dates and amounts are found with the extractor's own readers
(`extract.nlp.dates.find_dates`, `extract.nlp.money.find_money`, from the
rule files in `extract/nlp/rules/`), and only those that agree with the fact
are marked: the date that is the call's date, the amount (in its currency)
that is the aid row's amount. Names are the participants as the article wrote
them and as the reference data spells them. Everything else is escaped text.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from extract.nlp.dates import find_dates
from extract.nlp.money import find_money

# Dark text on light fills: readable (contrast ratio above 7:1) in the light and the dark theme alike.
SENTENCE_STYLE = ("color:#111827;background:#f8fafc;border-left:4px solid #1d4ed8;border-radius:4px;"
                  "padding:0.6rem 0.8rem;margin:0 0 0.4rem 0;font-size:1.02rem;line-height:1.65")
MARK_STYLES = {
    "name": "background:#dbeafe;color:#1e3a8a;",
    "date": "background:#fef3c7;color:#713f12;",
    "amount": "background:#dcfce7;color:#14532d;",
}
MARK_TITLES = {"name": "name", "date": "the date the fact was read from",
               "amount": "the amount the fact was read from"}
LEGEND = " ".join(
    f'<mark class="ev-{kind}" style="{style}padding:0 0.2em;border-radius:3px;font-weight:600">{label}</mark>'
    for kind, style, label in (("name", MARK_STYLES["name"], "names"), ("date", MARK_STYLES["date"], "date"),
                               ("amount", MARK_STYLES["amount"], "amount"))
)


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    kind: str  # name | date | amount


def _name_spans(text: str, names: Iterable[str]) -> list[Span]:
    spans = []
    # Longest first, so "Thủ tướng Nhật Bản Suga Yoshihide" wins over a shorter spelling inside it;
    # whole words only, so that the country "Anh" is not marked inside "Thanh".
    for name in sorted({n.strip() for n in names if n and n.strip()}, key=len, reverse=True):
        # case-sensitive: names are capitalised, and "anh" is also a common word
        pattern = re.compile(r"(?<!\w)" + re.escape(name) + r"(?!\w)")
        spans += [Span(m.start(), m.end(), "name") for m in pattern.finditer(text)]
    return spans


def _date_spans(text: str, fact_date: date | None) -> list[Span]:
    if fact_date is None:
        return []
    spans = []
    for mention in find_dates(text):
        if mention.is_relative or mention.month is None:
            continue  # "hôm qua", a bare year: nothing to compare with the fact's date
        if (mention.month == fact_date.month and mention.day in (None, fact_date.day)
                and mention.year in (None, fact_date.year)):
            spans.append(Span(mention.start, mention.end, "date"))
    return spans


def _amount_spans(text: str, amount: float | None, currency: str | None) -> list[Span]:
    if amount is None or not currency:
        return []
    return [Span(m.start, m.end, "amount") for m in find_money(text)
            if m.currency == currency and abs(m.amount - amount) <= 0.005 * max(abs(amount), 1.0)]


def spans(text: str, names: Iterable[str] = (), fact_date: date | None = None, amount: float | None = None,
          currency: str | None = None) -> list[Span]:
    """Non-overlapping marks in reading order; amounts and dates win over names they overlap."""
    candidates = _amount_spans(text, amount, currency) + _date_spans(text, fact_date) + _name_spans(text, names)
    chosen: list[Span] = []
    for span in candidates:
        if all(span.end <= c.start or span.start >= c.end for c in chosen):
            chosen.append(span)
    return sorted(chosen, key=lambda s: s.start)


def to_html(text: str, marks: Iterable[Span]) -> str:
    """The sentence as escaped HTML with `<mark class="ev-<kind>">` around each span."""
    out, at = [], 0
    for span in marks:
        out.append(html.escape(text[at:span.start]))
        out.append(f'<mark class="ev-{span.kind}" title="{MARK_TITLES[span.kind]}" '
                   f'style="{MARK_STYLES[span.kind]}padding:0 0.15em;border-radius:3px;font-weight:600">'
                   f"{html.escape(text[span.start:span.end])}</mark>")
        at = span.end
    out.append(html.escape(text[at:]))
    return f'<div class="ev-sentence" style="{SENTENCE_STYLE}">{"".join(out)}</div>'
