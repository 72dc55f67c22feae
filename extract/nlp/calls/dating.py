"""The day of each call, from the publication date or what the article fixes, and who held an office that day."""

from __future__ import annotations

from datetime import date

from extract.nlp.calls.model import ArticleCall
from extract.nlp.dates import (
    DAY,
    MONTH,
    DateMention,
    PublishedDate,
    ResolvedDate,
    candidate_years,
    resolve_explicit,
    resolve_with_reference,
)
from extract.nlp.people import COUNTERPART
from extract.nlp.reference import FAR_FUTURE, Reference


def _feasible_periods(call: ArticleCall, ref: Reference) -> list[tuple[date, date]]:
    """For each named party, the span in which they held the role the article gives them."""
    return [(min(lo for lo, _ in terms), max(hi for _, hi in terms)) for terms in _terms_of_office(call, ref)]


def _terms_of_office(call: ArticleCall, ref: Reference) -> list[list[tuple[date, date]]]:
    """For each named party, every term in which they held the role the article gives them: a person
    who held an office twice (Putin, Netanyahu, Trump) could not have called in the years between."""
    terms = []
    for party in call.parties:
        if not party.actor_id or not party.is_reference:
            continue
        periods = ref.periods(party.actor_id, party.role)
        if periods:
            terms.append([(p.valid_from, p.valid_to or FAR_FUTURE) for p in periods])
    return terms


def resolve_dates(calls: list[ArticleCall], published: PublishedDate | None, article_years: list[int],
                   ref: Reference, not_before: date | None, as_of: date) -> None:
    # The latest day a call can have taken place: the article's publication day when the page says it,
    # else the day the page was fetched (a file's time can be older than its article: copies keep it).
    latest = as_of
    if published is not None:
        latest = _month_end(published.value) if published.precision == MONTH else published.value
    anchor: date | None = None
    for call in calls:
        mention = call.date
        if mention is not None and mention.has_year:
            call.resolved = resolve_explicit(mention)
            call.confidence = 0.95
        elif mention is not None and published is not None:
            call.resolved = resolve_with_reference(mention, published.reference, "inferred-from-published")
            call.confidence = 0.9
        elif mention is not None and mention.month is not None:
            # Calls an article dates with the same day and month happened in the same year.
            siblings = [c for c in calls if c.date is not None and not c.date.has_year
                        and (c.date.day, c.date.month) == (mention.day, mention.month)]
            periods = [span for c in siblings for span in _feasible_periods(c, ref)]
            terms = [t for c in siblings for t in _terms_of_office(c, ref)]
            call.resolved = _resolve_from_context(mention, periods, anchor, article_years, not_before, as_of, terms)
            call.confidence = 0.75
        elif mention is None and published is not None and call.structured:
            # The article says a call took place but not when: its month is the publication month.
            call.resolved = ResolvedDate(published.value.replace(day=1), MONTH, "inferred-from-published")
            call.confidence = 0.6
        if call.resolved and anchor is None and call.resolved.precision == DAY:
            anchor = call.resolved.value
        if call.resolved and call.resolved.value > latest:
            call.resolved = None  # no call happens after the article reporting it: the date was misread


def _resolve_from_context(mention: DateMention, periods: list[tuple[date, date]], anchor: date | None,
                          article_years: list[int], not_before: date | None, as_of: date,
                          terms: list[list[tuple[date, date]]] = ()) -> ResolvedDate | None:
    """The year of a day/month from what the article fixes: terms of office, events, years it names."""
    years = [y for y in candidate_years(mention, periods + [(date(1945, 1, 1), as_of)])
             if all(_in_some_term(y, mention, party_terms) for party_terms in terms)]
    if not years:
        return None
    if anchor is not None:
        years.sort(key=lambda y: (abs(y - anchor.year), -y))
        return ResolvedDate(date(years[0], mention.month, mention.day or 1), mention.precision, "inferred-from-context")
    floor_years = [y for y in years if not_before is None or y >= not_before.year]
    recent = max(article_years) if article_years else None
    after_mentioned = [y for y in floor_years if recent is None or y >= recent]
    chosen = (after_mentioned or floor_years or years)[0]
    return ResolvedDate(date(chosen, mention.month, mention.day or 1), mention.precision, "inferred-from-context")


def _in_some_term(year: int, mention: DateMention, party_terms: list[tuple[date, date]]) -> bool:
    first = date(year, mention.month, mention.day or 1)
    last = first if mention.day else _month_end(first)
    return any(lo <= last and first <= hi for lo, hi in party_terms)


def _month_end(day: date) -> date:
    following = date(day.year + (day.month == 12), day.month % 12 + 1, 1)
    return date.fromordinal(following.toordinal() - 1)


def resolve_roles(call: ArticleCall, ref: Reference) -> None:
    """A party named only by role ("Bộ trưởng Quốc phòng Mỹ") becomes whoever held it that day."""
    if call.resolved is None or call.resolved.value is None:
        return
    day = call.resolved.value
    for party in call.parties:
        if party.role == COUNTERPART:
            party.role = None  # a counterpart whose role the sentence never gave
        if party.actor_id and party.is_reference and party.kind == "person" and not party.role:
            # A bare name: the country is that of the office the person held on the call date.
            held_now = [p for p in ref.periods(party.actor_id) if p.held_on(day)]
            if held_now and party.country_iso3 not in {p.country_iso3 for p in held_now}:
                party.country_iso3 = held_now[0].country_iso3
        if party.actor_id and party.is_reference and party.role in (None, "official", "minister"):
            # A bare "Bộ trưởng" says less than the reference: use the office held that day.
            held = [p for p in ref.periods(party.actor_id) if p.held_on(day) and p.role != "official"]
            party.role = held[0].role if held else party.role
        if party.actor_id or not party.role or not party.country_iso3:
            continue
        # A month-precision call: anyone who held the role during that month (one person, or nobody is named).
        last = _month_end(day) if call.resolved.precision == MONTH else day
        holders = [h for h in ref.holders_between(party.country_iso3, party.role, day, last)]
        if len({h.actor_id for h in holders}) == 1:
            holder = holders[0]
            party.actor_id = holder.actor_id
            party.name = party.name or None
            party.is_reference = True
