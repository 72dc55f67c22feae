"""Mentions of one article folded into calls: the same parties and a compatible date are one call."""

from __future__ import annotations

from extract.nlp.calls.cues import ANAPHOR_CALL
from extract.nlp.calls.mentions import unique_parties
from extract.nlp.calls.model import ArticleCall, Mention
from extract.nlp.dates import DAY, DateMention
from extract.nlp.people import Person


def one_row_per_actor(parties: list[Person]) -> list[Person]:
    """The same person reached twice (by name and by office) is one party."""
    seen: set[str] = set()
    kept = []
    for party in parties:
        if party.actor_id and party.actor_id in seen:
            continue
        if party.actor_id:
            seen.add(party.actor_id)
        kept.append(party)
    return kept


def is_denied(call: ArticleCall, denials: list[int]) -> bool:
    """Every sentence reporting the call is a denial or comes just before one ("... bác tin A điện đàm với B";
    "“Không có cuộc trò chuyện nào cả”")."""
    return bool(denials) and all(any(d - 2 <= i <= d for d in denials) for i in call.evidence_sentences)


def _compatible(a: DateMention | None, b: DateMention | None) -> bool:
    if a is None or b is None:
        return True
    if a.is_relative or b.is_relative:
        return a.text == b.text
    same_month = a.month == b.month
    same_day = a.day is None or b.day is None or a.day == b.day
    same_year = a.year is None or b.year is None or a.year == b.year
    return same_month and same_day and same_year


def _more_precise(a: DateMention | None, b: DateMention | None) -> DateMention | None:
    if a is None:
        return b
    if b is None:
        return a
    score = lambda d: (d.year is not None) + (d.day is not None) + (not d.is_relative)  # noqa: E731
    return b if score(b) > score(a) else a


def fold_mentions(mentions: list[Mention]) -> list[ArticleCall]:
    calls: list[ArticleCall] = []
    for mention in mentions:
        countries = mention.countries
        if len(countries) >= 2:
            target = _find_call(calls, countries, mention.date, mention.parties)
            if target is None:  # a weak date does not make a second call of the same people
                target = next((c for c in calls if c.countries == countries and _same_people(c.parties, mention.parties)
                               and (c.weak_date or mention.weak_date)), None)
                if target is not None and target.weak_date and not mention.weak_date:
                    target.date, target.weak_date = mention.date, False
                    target.sentence_index, target.evidence = mention.sentence_index, mention.sentence
            if target is None:
                calls.append(ArticleCall(
                    list(mention.parties), mention.date, mention.mode, None, mention.sentence_index,
                    mention.sentence, {mention.sentence_index: mention.sentence}, mention.structured,
                    weak_date=mention.weak_date, triggers={mention.sentence_index: mention.trigger_start},
                ))
                continue
            _merge(target, mention)
        elif mention.date is not None:
            target = _find_partial(calls, countries, mention)
            if target is not None:
                _merge(target, mention)
    return calls


def merge_same_day(calls: list[ArticleCall]) -> list[ArticleCall]:
    """Calls of the same people resolved to the same day are one call told twice ("chiều nay" in one sentence,
    "chiều 15/8" in a caption): dates written differently only agree once resolved."""
    merged: list[ArticleCall] = []
    for call in calls:
        twin = next((c for c in merged if c.countries == call.countries and _same_day(c, call)
                     and _same_people(c.parties, call.parties)), None)
        if twin is None:
            merged.append(call)
            continue
        twin.parties = unique_parties(twin.parties + call.parties)
        for index, sentence in call.evidence_sentences.items():
            twin.evidence_sentences.setdefault(index, sentence)
        twin.evidence_sentences = dict(sorted(twin.evidence_sentences.items()))
        for index, start in call.triggers.items():
            twin.triggers.setdefault(index, start)
        if twin.initiator is None and call.initiator is not None:
            twin.initiator, twin.initiator_evidence = call.initiator, call.initiator_evidence
        twin.mode = "video" if "video" in (twin.mode, call.mode) else twin.mode
        twin.structured = twin.structured or call.structured
        twin.confidence = max(twin.confidence, call.confidence)
    return merged


def _same_day(a: ArticleCall, b: ArticleCall) -> bool:
    return (a.resolved is not None and b.resolved is not None and a.resolved.value is not None
            and a.resolved.precision == b.resolved.precision == DAY and a.resolved.value == b.resolved.value)


def _same_people(parties_a: list[Person], parties_b: list[Person]) -> bool:
    """Two mentions cannot be one call if they name different people for the same country."""
    named_a = {p.country_iso3: p.actor_id for p in parties_a if p.actor_id}
    return all(named_a.get(p.country_iso3, p.actor_id) == p.actor_id for p in parties_b if p.actor_id)


def _find_call(calls: list[ArticleCall], countries: frozenset[str], when: DateMention | None,
               parties: list[Person]) -> ArticleCall | None:
    same = [c for c in calls if c.countries == countries and _same_people(c.parties, parties)]
    if when is None:
        return same[0] if same else None
    exact = [c for c in same if c.date is not None and _compatible(c.date, when)]
    if exact:
        return exact[0]
    undated = [c for c in same if c.date is None]
    return undated[0] if undated else None


def _find_partial(calls: list[ArticleCall], countries: frozenset[str], mention: Mention) -> ArticleCall | None:
    """A dated sentence naming fewer than two parties ("Cuộc điện đàm này diễn ra vào ngày 27/11")."""
    fitting = [c for c in calls if countries <= c.countries]
    same_date = [c for c in fitting if c.date is not None and _compatible(c.date, mention.date)]
    if same_date:
        return same_date[-1]
    if ANAPHOR_CALL.search(mention.sentence) or not countries:
        undated = [c for c in fitting if c.date is None]
        if undated:
            return undated[-1]
    return None


def _merge(call: ArticleCall, mention: Mention) -> None:
    call.parties = unique_parties(call.parties + list(mention.parties))
    call.triggers.setdefault(mention.sentence_index, mention.trigger_start)
    if call.date is None or (mention.date is not None and _compatible(call.date, mention.date)):
        if mention.date is not None and (call.date is None or _more_precise(call.date, mention.date) is mention.date):
            call.sentence_index, call.evidence = mention.sentence_index, mention.sentence
        call.date = _more_precise(call.date, mention.date)
    if mention.mode == "video":
        call.mode = "video"
    call.structured = call.structured or mention.structured
    call.evidence_sentences[mention.sentence_index] = mention.sentence
