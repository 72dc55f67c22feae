"""Vietnamese date expressions: finding them in text and resolving their year.

Vietnamese writes day before month (`25/6` is 25 June, `23-11` is 23 November).
A date without a year borrows one from the article's reference date (its
publication date, or failing that the date the article itself fixes), taking
the latest such date not after the reference: a call on `25/12` reported on
`2/1` happened the year before.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from extract.nlp.rulebook import load_rules

DATE_RULES = load_rules("dates")

DAY = "day"
MONTH = "month"
YEAR = "year"

# The date forms, in the order they are tried (see rules/date_forms.yaml).
_PATTERNS: list[tuple[str, re.Pattern[str]]] = list(load_rules("date_forms").items())

_WEEKDAYS = {name: int(index) for name, index in DATE_RULES.mapping("weekdays").items()}
_RELATIVE = DATE_RULES["relative"]


WEEKEND = 7  # a pseudo weekday: "cuối tuần trước" resolves to the last Saturday strictly before the reference
LAST_WEEK = 8  # a pseudo weekday: "tuần trước" is the week before the reference's, kept to its month


@dataclass(frozen=True)
class DateMention:
    """A date written in a sentence, before its year is resolved."""

    start: int
    end: int
    text: str
    day: int | None
    month: int | None
    year: int | None
    relative_days: int | None = None  # for relative expressions: offset from the reference date
    weekday: int | None = None        # for 'thứ bảy' etc.: the most recent such day
    relative_years: int | None = None  # 'tháng 4 năm ngoái': the year is the reference's minus one
    relative_months: int | None = None  # 'tháng trước', 'đầu tháng': a month counted from the reference's
    previous_week: bool = False  # 'thứ ba tuần trước': the weekday of the week before the reference's

    @property
    def precision(self) -> str:
        if self.relative_months is not None or self.weekday == WEEKEND:
            return MONTH
        if self.weekday == LAST_WEEK:
            return MONTH
        if self.day is not None or self.relative_days is not None or self.weekday is not None:
            return DAY
        if self.month is not None:
            return MONTH
        return YEAR

    @property
    def has_year(self) -> bool:
        return self.year is not None

    @property
    def is_relative(self) -> bool:
        return (self.relative_days is not None or self.weekday is not None or self.relative_years is not None
                or self.relative_months is not None)


def _valid(day: int | None, month: int | None, year: int | None) -> bool:
    if month is not None and not 1 <= month <= 12:
        return False
    if day is not None and not 1 <= day <= 31:
        return False
    if day is not None and month is not None:
        try:
            date(year or 2024, month, day)  # 2024 is a leap year: 29/2 stays valid
        except ValueError:
            return False
    return True


def find_dates(text: str) -> list[DateMention]:
    """All date expressions in `text`, in reading order, non-overlapping."""
    taken: list[tuple[int, int]] = []
    found: list[DateMention] = []

    def free(a: int, b: int) -> bool:
        return all(b <= s or a >= e for s, e in taken)

    for _kind, pattern in _PATTERNS:
        for m in pattern.finditer(text):
            if not free(m.start(), m.end()):
                continue
            groups = m.groupdict()
            day = int(groups["d"]) if groups.get("d") else None
            month = int(groups["m"]) if groups.get("m") else None
            year = int(groups["y"]) if groups.get("y") else None
            if not _valid(day, month, year):
                continue
            relative_years = {"ngoái": -1, "trước": -1, "nay": 0}.get((groups.get("rel") or "").lower())
            taken.append((m.start(), m.end()))
            found.append(DateMention(m.start(), m.end(), m.group(0), day, month, year,
                                     relative_years=relative_years))
    for m in _RELATIVE.finditer(text):
        if not free(m.start(), m.end()):
            continue
        word = m.group("word").lower().strip()
        offset: int | None = None
        weekday: int | None = None
        if "tháng" in word:
            months = -1 if word.endswith(("trước", "qua")) else 0
            taken.append((m.start(), m.end()))
            found.append(DateMention(m.start(), m.end(), m.group(0), None, None, None, relative_months=months))
            continue
        if word.startswith("tuần"):
            # "tuần trước": some day of last week; only its month is certain.
            taken.append((m.start(), m.end()))
            found.append(DateMention(m.start(), m.end(), m.group(0), None, None, None, relative_months=None,
                                     weekday=LAST_WEEK))
            continue
        if word.startswith("cuối tuần"):
            weekday = WEEKEND  # the Saturday of the weekend just past
        elif word.endswith("qua") and not word.endswith("vừa qua"):
            offset = -1
        elif word.endswith("nay"):
            offset = 0
        else:
            for name, idx in _WEEKDAYS.items():
                if name in word:
                    weekday = idx
                    break
        if offset is None and weekday is None:
            continue
        taken.append((m.start(), m.end()))
        found.append(DateMention(m.start(), m.end(), m.group(0), None, None, None, offset, weekday,
                                 previous_week=weekday is not None and word.endswith("tuần trước")))
    found.sort(key=lambda d: d.start)
    return found


@dataclass(frozen=True)
class ResolvedDate:
    value: date | None  # None: the text fixes no date (precision UNKNOWN)
    precision: str
    basis: str


# A call the text reports without a date it fixes: kept, never dropped for the missing attribute.
UNDATED = ResolvedDate(None, "unknown", "unknown")


def latest_on_or_before(day: int | None, month: int, reference: date) -> date:
    """The latest date with this day/month (or month) that is not after `reference`.

    29/2 is the last leap year's, up to eight years back (2096 before 2104)."""
    for year in range(reference.year, reference.year - 9, -1):
        candidate = _safe_date(year, month, day or 1)
        if candidate is not None and candidate <= reference:
            return candidate
    return date(reference.year - 1, month, 1)  # a day no month of this number has (31/4): find_dates never gives one


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def resolve_with_reference(mention: DateMention, reference: date, basis: str) -> ResolvedDate | None:
    """Give `mention` a full date using `reference` (publication or article date)."""
    if mention.relative_days is not None:
        return ResolvedDate(reference + timedelta(days=mention.relative_days), DAY, basis)
    if mention.relative_months is not None:
        month_index = reference.year * 12 + reference.month - 1 + mention.relative_months
        return ResolvedDate(date(month_index // 12, month_index % 12 + 1, 1), MONTH, basis)
    if mention.weekday == LAST_WEEK:
        # The Wednesday of last week stands for the week; a week can straddle two months, so keep the month.
        middle = reference - timedelta(days=reference.weekday() + 5)
        return ResolvedDate(middle.replace(day=1), MONTH, basis)
    if mention.weekday == WEEKEND:
        # A weekend is two days: keep only the month rather than invent a day.
        back = (reference.weekday() - 5) % 7 or 7
        return ResolvedDate((reference - timedelta(days=back)).replace(day=1), MONTH, basis)
    if mention.weekday is not None:
        back = (reference.weekday() - mention.weekday) % 7
        if mention.previous_week:
            back = reference.weekday() + 7 - mention.weekday
        return ResolvedDate(reference - timedelta(days=back), DAY, basis)
    if mention.year is not None:
        return resolve_explicit(mention)
    if mention.relative_years is not None and mention.month is not None:
        year = reference.year + mention.relative_years
        value = _safe_date(year, mention.month, mention.day or 1)
        return ResolvedDate(value, mention.precision, basis) if value else None
    if mention.month is None:
        return None
    value = latest_on_or_before(mention.day, mention.month, reference)
    return ResolvedDate(value, mention.precision, basis)


def resolve_explicit(mention: DateMention) -> ResolvedDate | None:
    if mention.year is None:
        return None
    value = _safe_date(mention.year, mention.month or 1, mention.day or 1)
    if value is None:
        return None
    return ResolvedDate(value, mention.precision, "explicit")


def candidate_years(mention: DateMention, feasible: Iterable[tuple[date, date]]) -> list[int]:
    """Years in which the day/month of `mention` falls inside every feasible interval.

    `feasible` holds the periods in which the call was possible (for example the
    overlap of both participants' terms of office).
    """
    intervals = list(feasible)
    if mention.month is None or not intervals:
        return []
    lo = max(i[0] for i in intervals)
    hi = min(i[1] for i in intervals)
    years = []
    for year in range(lo.year, hi.year + 1):
        candidate = _safe_date(year, mention.month, mention.day or 1)
        if candidate is None:
            continue
        if mention.day is None:
            # Month precision: the month only has to overlap the interval.
            month_end = _safe_date(year, mention.month, 28) or candidate
            if month_end >= lo and candidate <= hi:
                years.append(year)
        elif lo <= candidate <= hi:
            years.append(year)
    return years


_ISO_LINE = re.compile(r"^\s*date\s+(?P<y>\d{4})-(?P<m>\d{2})(?:-(?P<d>\d{2}))?\b")
_DATETIME = DATE_RULES["datetime"]
_TIME_THEN_DATE = DATE_RULES["time_then_date"]
_DATE_ONLY_LINE = DATE_RULES["date_only_line"]
_MONTH_NAME_LINE = DATE_RULES["month_name_line"]
_PAST_EVENT = DATE_RULES["past_event"]
_FUTURE_EVENT = DATE_RULES["future_event"]
# A page whose date line comes up to this many days before an event its text tells as past has
# a date line that is not its publication day (a draft's or a listing's).
DATELINE_SLACK_DAYS = 10
_MONTH_NAMES = {name: int(month) for name, month in DATE_RULES.mapping("month_names").items()}
_URL_STAMP = re.compile(r"[-/_](?P<y>20\d{2})(?P<m>[01]\d)(?P<d>[0-3]\d)(?:\d{2,}|[a-z]|\.htm)")


@dataclass(frozen=True)
class PublishedDate:
    value: date
    precision: str  # 'minute' | 'day' | 'month'
    basis: str
    hour: int | None = None
    minute: int | None = None

    @property
    def reference(self) -> date:
        """The latest day the article can have been written on."""
        if self.precision == MONTH:
            nxt = date(self.value.year + (self.value.month == 12), self.value.month % 12 + 1, 1)
            return nxt - timedelta(days=1)
        return self.value


def parse_dateline(line: str) -> PublishedDate | None:
    """A publication date from a header line (`date 2025-10-17`, `24/11/2021 07:09 GMT+7`)."""
    m = _ISO_LINE.match(line)
    if m:
        y, mo = int(m["y"]), int(m["m"])
        if m["d"]:
            d = _safe_date(y, mo, int(m["d"]))
            return PublishedDate(d, DAY, "dateline") if d else None
        return PublishedDate(date(y, mo, 1), MONTH, "dateline") if 1 <= mo <= 12 else None
    stripped = line.strip()
    if len(stripped) > 60:
        return None
    m = _DATETIME.search(stripped) or _TIME_THEN_DATE.search(stripped)
    if m:
        d = _safe_date(int(m["y"]), int(m["m"]), int(m["d"]))
        if d:
            return PublishedDate(d, "minute", "byline", int(m["hh"]), int(m["mm"]))
    m = _DATE_ONLY_LINE.match(stripped)
    if m:
        d = _safe_date(int(m["y"]), int(m["m"]), int(m["d"]))
        if d:
            return PublishedDate(d, DAY, "dateline")
    m = _MONTH_NAME_LINE.match(stripped)
    if m:
        d = _safe_date(int(m["y"]), _MONTH_NAMES[m["mname"].lower()], int(m["d"]))
        if d and m["hh"]:
            return PublishedDate(d, "minute", "byline", int(m["hh"]), int(m["mm"]))
        return PublishedDate(d, DAY, "dateline") if d else None
    return _dateline_by_dateparser(stripped)


_HAS_YEAR = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)")
_HAS_TIME = re.compile(r"(?<!\d)\d{1,2}[:h]\d{2}(?!\d)")
_DATEPARSER_SETTINGS = {
    "DATE_ORDER": "DMY",  # Vietnamese writes the day first
    "REQUIRE_PARTS": ["day", "month", "year"],
    "PARSERS": ["absolute-time"],  # never relative to the clock: the same line gives the same date on any day
    "RETURN_AS_TIMEZONE_AWARE": False,
}


def _dateline_by_dateparser(line: str) -> PublishedDate | None:
    """The many other forms of date lines ("Ngày 14 tháng 6 năm 2020", "Tháng Sáu 14, 2020", ISO stamps),
    read by dateparser, which knows Vietnamese month and weekday names. A whole line must be a date."""
    if not _HAS_YEAR.search(line):
        return None
    import dateparser  # loaded on the first line that needs it

    parsed = dateparser.parse(line, languages=["vi", "en"], settings=_DATEPARSER_SETTINGS)
    if parsed is None or not 1945 <= parsed.year <= 2100:
        return None
    if _HAS_TIME.search(line):
        return PublishedDate(parsed.date(), "minute", "byline", parsed.hour, parsed.minute)
    return PublishedDate(parsed.date(), DAY, "dateline")


def dateline_contradicted(published: PublishedDate | None, sentences: list[str]) -> bool:
    """The text tells as past an event dated (day and month) a few days after the page's date line:
    "date 2025-08-04 ... Vào ngày 6/8, Ngoại trưởng A đã điện đàm với B". Reading the day in the year
    before would be wrong; the date line is what is wrong."""
    if published is None or published.basis not in ("dateline", "byline") or published.precision == MONTH:
        return False
    for sentence in sentences:
        if not _PAST_EVENT.search(sentence) or _FUTURE_EVENT.search(sentence):
            continue
        for mention in find_dates(sentence):
            if mention.day is None or mention.month is None or mention.has_year or mention.is_relative:
                continue
            day = _safe_date(published.value.year, mention.month, mention.day)
            if day is not None and 0 < (day - published.value).days <= DATELINE_SLACK_DAYS:
                return True
    return False


def parse_url_date(url: str) -> PublishedDate | None:
    """A publication date from a timestamp in an article URL (`...-20250911074605668.htm`)."""
    m = _URL_STAMP.search(url)
    if not m:
        return None
    d = _safe_date(int(m["y"]), int(m["m"]), int(m["d"]))
    return PublishedDate(d, DAY, "url") if d else None
