"""The calls one sentence reports: its trigger, its parties, its date and its mode."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, timedelta

from extract.nlp.calls.cues import (
    ANAPHOR_PARTIES,
    BACKGROUND_FRAME,
    CALL_POSSESSOR,
    CALL_RULES,
    CLAUSE_END,
    DATE_BLOCKERS,
    DAYS_EARLIER,
    DAYS_LATER,
    DIRECTION_GLUE,
    FIRST_PERSON,
    IN_PERSON,
    JUST_NOW,
    LIST_GLUE,
    MET_OBJECT,
    MULTILATERAL,
    NEGATIVE,
    NEW_CLAUSE,
    OFFICE_OF_BOTH,
    OTHER_EVENT,
    PARTY_LINK,
    PARTY_SPLIT,
    PLACE,
    PREPOSITIONAL_TRIGGER,
    REFERRED_CALL,
    REPORT_FRAME,
    REPORTING,
    SAME_DAY,
    STRONG_TRIGGER,
    TIME_CLAUSE,
    UNNAMED_GROUP,
    VAGUE,
    VIDEO,
    WEAK_TRIGGER,
)
from extract.nlp.calls.model import Mention
from extract.nlp.dates import DateMention, find_dates
from extract.nlp.money import WORD_NUMBERS, ignoring_case
from extract.nlp.people import COUNTERPART, ArticleMemory, Person
from extract.nlp.reference import HOME_COUNTRY


def salient_pair(memory: ArticleMemory) -> list[Person]:
    """The two people the article keeps naming (each at least twice, from two countries)."""
    ranked = sorted(memory.mentions.items(), key=lambda item: -item[1])
    pair: list[Person] = []
    for actor_id, count in ranked:
        person = memory.people_by_actor[actor_id]
        if count >= 2 and all(p.country_iso3 != person.country_iso3 for p in pair):
            pair.append(person)
        if len(pair) == 2:
            return pair
    return []


def _trigger(sentence: str, about_calls: bool) -> re.Match[str] | None:
    strong = STRONG_TRIGGER.search(sentence)
    if strong:
        return strong
    return WEAK_TRIGGER.search(sentence) if about_calls else None


def mentions_in_sentence(
    index: int, sentence: str, people: list[Person], memory: ArticleMemory, about_calls: bool
) -> list[Mention]:
    """The calls one sentence reports: one per trigger that opens a clause of its own
    ("Sau cuộc gọi với A, ông B đã gọi cho C" reports two calls)."""
    first = _trigger(sentence, about_calls)
    if first is None:
        return []
    mentions = _mentions_at(index, sentence, people, memory, first)
    previous = first
    for trigger in STRONG_TRIGGER.finditer(sentence, first.end()):
        boundaries = list(NEW_CLAUSE.finditer(sentence, previous.end(), trigger.start()))
        if boundaries:
            # A clause with a subject of its own ("..., ông B đã gọi cho C") takes nobody named before
            # it; one without ("A điện đàm với B, rồi điện đàm với C") shares the sentence's subject.
            floor = boundaries[-1].end()
            own_subject = any(floor <= p.start and p.end <= trigger.start() and p.kind in ("person", "role")
                              for p in people)
            later = _mentions_at(index, sentence, people, memory, trigger, floor if own_subject else 0)
            dated = next((m.date for m in mentions if m.date is not None), None)
            # An undated clause of a dated sentence happened the same day ("ngay sau cuộc gọi với A, ...").
            mentions += [m if m.date is not None else replace(m, date=dated) for m in later]
            previous = trigger
    return mentions


def _mentions_at(index: int, sentence: str, people: list[Person], memory: ArticleMemory,
                 trigger: re.Match[str], clause_floor: int = 0) -> list[Mention]:
    if CALL_RULES["conference_trigger"].match(trigger.group(0)) and MULTILATERAL.search(sentence):
        return []  # "tham dự hội nghị trực tuyến ... do A và B chủ trì" is a multilateral meeting
    if not STRONG_TRIGGER.search(sentence) and IN_PERSON.search(sentence):
        return []  # "nói chuyện với B bên lề Đại hội đồng LHQ" is a meeting
    head = sentence[:trigger.start()] + ("cuộc " if trigger.group(0).lower().startswith("cuộc ") else "")
    if TIME_CLAUSE.search(head):
        return []  # "sau khi cuộc gọi kết thúc": a call already told, as the time of something else
    clause_start = clause_floor
    for rep in REPORTING.finditer(sentence, clause_floor, trigger.start()):
        clause_start = rep.end()
    frame = BACKGROUND_FRAME.match(sentence)
    if frame and clause_start < frame.end() <= trigger.start():
        clause_start = frame.end()  # "Trong khuôn khổ chuyến thăm của A đến B, C đã điện đàm với D"
    if NEGATIVE.search(sentence, clause_start, trigger.end()):
        return []
    prepositional = bool(PREPOSITIONAL_TRIGGER.search(sentence[:trigger.start()]))
    directed, after = False, []
    # "Trong cuộc điện đàm ngày 25/10 ngay sau lễ nhậm chức, ông A ... với ông B": the parties
    # are in the clause after the phrase's comma, so the clause end is looked for from there.
    phrase_end = sentence.find(",", trigger.end()) if prepositional else -1
    end_match = CLAUSE_END.search(sentence, phrase_end + 1 if phrase_end >= 0 else trigger.end())
    clause_end = end_match.start() if end_match else len(sentence)
    date = _call_date(sentence, clause_start, clause_end, trigger)
    same_day = SAME_DAY.search(sentence, 0, clause_end) if date is None else None
    if same_day and memory.last_call_date is not None:
        # "Cùng ngày, A còn điện đàm với B": the day of the call just reported, written here as "Cùng ngày".
        date = replace(memory.last_call_date, start=same_day.start(), end=same_day.end(), text=same_day.group(0))
    if date is None and memory.last_call_date is not None:
        # "Hai ngày sau", "Một ngày trước đó": counted from the call just reported.
        date = _counted_from_last_call(sentence, trigger, memory.last_call_date)
    if date is None and JUST_NOW.search(sentence[clause_start:trigger.start()]):
        date = _day_of_report(sentence, clause_start, memory)
    if date is None and VAGUE.search(sentence, clause_start, clause_end):
        return []
    speakers = [p for p in people if p.end <= clause_start and p.kind == "person"]
    in_clause = [p for p in people if p.start >= clause_start and p.end <= clause_end + 1]
    if not prepositional:
        # After the trigger, only "với B", "cùng B", "giữa A và B" name parties
        # ("điện đàm ngay sau lễ nhậm chức của ông Trump" does not make Trump a party).
        link = PARTY_LINK.search(sentence, trigger.start(), min(clause_end, trigger.end() + 80))
        if link and OTHER_EVENT.search(sentence, trigger.end(), link.start()):
            link = None  # "điện đàm sau cuộc gặp của ông với C": C was met, not called
        link_start = link.start() if link else clause_end
        directed = bool(link) and link.group(0).lower() in ("của", "từ")
        possessor = CALL_POSSESSOR.match(sentence, trigger.end()) if sentence[:trigger.start()].lower().endswith("cuộc ") else None
        if possessor and possessor.start("link") < link_start:
            link_start, directed = possessor.start("link"), True  # "cuộc điện đàm của A với B"
        before = [p for p in in_clause if p.end <= trigger.start() and not MET_OBJECT.search(sentence[:p.start])]
        after = _coordinated(sentence, [p for p in in_clause if p.start >= link_start], directed)
        in_clause = before + after
    elif phrase_end >= 0:
        in_clause = _framed_parties(sentence, in_clause, phrase_end + 1, clause_end)
    parties = _parties(sentence, in_clause, speakers, memory, trigger)
    if FIRST_PERSON.search(sentence, clause_start, trigger.start()):
        # "“Tôi đã điện đàm với B”, A viết": the speaker of the quote is the other party.
        speaker = _quote_speaker(sentence, people, trigger, speakers)
        if speaker is not None and speaker.country_iso3 not in {p.country_iso3 for p in parties}:
            parties = [speaker, *parties]
    mode = "video" if VIDEO.search(sentence) else "phone"
    structured = _is_structured(sentence, parties, trigger) or (
        not prepositional and directed and len({p.country_iso3 for p in after}) >= 2)  # "cuộc gọi của A tới B"
    initiator = None
    countries = {p.country_iso3 for p in parties if p.country_iso3}
    if len(countries) < 2:
        # "hai nhà lãnh đạo": the two just named, else the parties of the call the article last spoke of.
        antecedents = [memory.last_people, memory.last_call_parties, salient_pair(memory)]
        antecedent = next((a for a in antecedents if len({p.country_iso3 for p in a}) >= 2), None)
        if ANAPHOR_PARTIES.search(sentence) and antecedent is not None:
            # Borrowed parties can join a call the article names elsewhere, or date it,
            # but do not on their own make an undated call.
            parties = unique_parties(_office_holders_of(sentence, people, antecedent) + parties)
            structured = False
        elif not date:
            return []
    subject = parties[0] if parties else None
    weak = date is not None and _weak_date(sentence, date)
    return [
        Mention(index, sentence, pair, pair_date or date, mode, initiator, structured, subject,
                weak_date=weak and pair_date is None, trigger_start=trigger.start())
        for pair, pair_date in _split_counterparts(sentence, parties, trigger, clause_end)
    ]


def _day_of_report(sentence: str, clause_start: int, memory: ArticleMemory) -> DateMention | None:
    """"Tối 26/7, ông A viết rằng ông vừa điện đàm với B": the date opening the sentence; without one, the
    day of the call just reported ("Ông A cho biết thêm ông đang gọi điện cho C")."""
    opening = [d for d in find_dates(sentence[:clause_start]) if d.start <= 20 and d.month is not None]
    if opening:
        return opening[0]
    return memory.last_call_date


def _framed_parties(sentence: str, in_clause: list[Person], body_start: int, clause_end: int) -> list[Person]:
    """"Trong cuộc trao đổi, ông A lên án các cuộc tấn công của B": after the fronted phrase, the parties are
    the clause's subject and those named after "với"; a country in the object ("của B") took no part."""
    phrase = [p for p in in_clause if p.start < body_start]
    subject = _coordinated(sentence, [p for p in in_clause if p.start >= body_start])
    link = PARTY_LINK.search(sentence, subject[-1].end if subject else body_start, clause_end)
    linked = _coordinated(sentence, [p for p in in_clause if link and p.start >= link.end()])
    return phrase + subject + linked


def _office_holders_of(sentence: str, people: list[Person], antecedent: list[Person]) -> list[Person]:
    """"Ngoại trưởng hai nước": the office, in each country of the call just reported (the holders are
    found on the call date); without a title before "hai nước", the people themselves."""
    title = next((p for p in people if p.kind == "role" and p.role and not p.country_iso3
                  and OFFICE_OF_BOTH.match(sentence, p.end)), None)
    if title is None:
        return list(antecedent)
    countries = list(dict.fromkeys(p.country_iso3 for p in antecedent if p.country_iso3))
    return [Person(title.start, title.end, title.text, country, title.role, kind="role") for country in countries]


def _weak_date(sentence: str, date: DateMention) -> bool:
    """'Ngày 26-10, theo Đài NHK, ...' dates the report; 'hôm nay' inside a quote dates the quote."""
    after = sentence[date.end:date.end + 40]
    if REPORT_FRAME.match(sentence[:date.start]) and CALL_RULES["report_source"].match(after):
        return True
    if date.is_relative:
        head = sentence[:date.start]
        return head.count("“") > head.count("”") or head.count('"') % 2 == 1
    return False


def _coordinated(sentence: str, parties: list[Person], directed: bool = False) -> list[Person]:
    """The parties of one "với ..." list; a party after other words belongs to another clause.
    `directed`: after "cuộc gọi của A", "tới B" names the one called."""
    kept: list[Person] = []
    for person in parties:
        gap = sentence[kept[-1].end:person.start] if kept else ""
        if kept and not (LIST_GLUE.match(gap) or (directed and len(kept) == 1 and DIRECTION_GLUE.match(gap))):
            break
        kept.append(person)
    return kept


def _parties(sentence: str, in_clause: list[Person], speakers: list[Person], memory: ArticleMemory,
             trigger: re.Match[str]) -> list[Person]:
    parties: list[Person] = []
    subject_role = next((p.role for p in in_clause if p.role and p.role != COUNTERPART and p.is_principal), None)
    for person in in_clause:
        if not person.is_principal:
            continue
        if person.kind == "country" and (_is_place(sentence, person) or _is_modifier(sentence, person, trigger)):
            continue
        if person.kind == "role" and not person.actor_id and UNNAMED_GROUP.search(sentence[:person.start]):
            continue  # "các nghị sĩ Hoa Kỳ": nobody in particular
        if person.kind == "pronoun":
            resolved = _resolve_pronoun(person, speakers, memory, parties, in_clause)
            if resolved:
                parties.append(resolved)
            continue
        if person.kind == "role" and not person.country_iso3 and person.role not in (None, COUNTERPART) \
                and person.end <= trigger.start():
            # "Cùng ngày, Thủ tướng cũng điện đàm với ...": a bare title as subject is the holder the article named.
            resolved = _resolve_bare_title(person, memory, parties, in_clause)
            if resolved:
                parties.append(resolved)
            continue
        if person.role == COUNTERPART:
            person.role = subject_role
        if person.country_iso3:
            parties.append(person)
    return unique_parties(parties)


def _is_place(sentence: str, person: Person) -> bool:
    return bool(PLACE.search(sentence[:person.start]))


_COMPOUND_NEXT = re.compile(r"\s*[-–]\s*\w")
_COMPOUND_PREVIOUS = re.compile(r"\w\s*[-–]\s*$")


def _is_modifier(sentence: str, country: Person, trigger: re.Match[str]) -> bool:
    """"thượng đỉnh Mỹ-Ukraine-châu Âu", "xung đột Nga - Ukraine": a country joined by a dash to another names
    what the noun before it is about. Right after the trigger ("điện đàm Nga - Mỹ") the pair is the call's."""
    compound = _COMPOUND_NEXT.match(sentence, country.end) or _COMPOUND_PREVIOUS.search(sentence[:country.start])
    if not compound:
        return False
    first = country.start
    while _COMPOUND_PREVIOUS.search(sentence[:first]):
        first = sentence.rfind(" ", 0, _COMPOUND_PREVIOUS.search(sentence[:first]).start()) + 1
    return not (0 <= first - trigger.end() <= 2)


def _resolve_pronoun(pronoun: Person, speakers: list[Person], memory: ArticleMemory, parties: list[Person],
                     in_clause: list[Person]) -> Person | None:
    taken = {p.country_iso3 for p in parties} | {p.country_iso3 for p in in_clause if p.kind != "pronoun"}
    # Of the people the last sentence named, "ông" is the one the article keeps naming (its protagonist),
    # then the one named last: "ông Suga ... với Tổng thống Trump. Cùng ngày, ông cũng điện đàm với ..."
    recent = sorted(reversed(memory.last_people), key=lambda p: -memory.mentions.get(p.actor_id or "", 0))
    for candidate in list(reversed(speakers)) + recent:
        if candidate.country_iso3 and candidate.country_iso3 not in taken:
            return Person(pronoun.start, pronoun.end, candidate.text, candidate.country_iso3, candidate.role,
                          candidate.actor_id, candidate.name, candidate.is_reference, True, candidate.kind)
    return None




def _resolve_bare_title(title: Person, memory: ArticleMemory, parties: list[Person],
                        in_clause: list[Person]) -> Person | None:
    """A person the article has named with this title, from a country not already a party. Vietnamese outlets
    give a foreign office its country ("Thủ tướng Thái Lan") and their own without one, so a Vietnamese holder
    comes first; then the subject of the call just reported ("cũng điện đàm": the same subject again); then
    the one named most, then last."""
    taken = {p.country_iso3 for p in parties} | {p.country_iso3 for p in in_clause if p.country_iso3}
    named = [p for p in memory.people_by_actor.values()
             if p.role and title.role in p.role and p.country_iso3 and p.country_iso3 not in taken]
    if not named:
        return None
    last_subject = memory.last_call_parties[0].actor_id if memory.last_call_parties else None
    holder = max(reversed(named), key=lambda p: (p.country_iso3 == HOME_COUNTRY, p.actor_id == last_subject,
                                                 memory.mentions.get(p.actor_id or "", 0)))
    return Person(title.start, title.end, holder.text, holder.country_iso3, holder.role, holder.actor_id,
                  holder.name, holder.is_reference, True, holder.kind)


def unique_parties(parties: list[Person]) -> list[Person]:
    """One party per country, keeping the most specific mention (named > role > country)."""
    rank = {"person": 0, "role": 1, "country": 2, "pronoun": 3}
    best: dict[str, Person] = {}
    order: list[str] = []
    for person in parties:
        key = person.country_iso3 or ""
        if key not in best:
            best[key] = person
            order.append(key)
            continue
        current = best[key]
        better = (rank[person.kind], person.actor_id is None) < (rank[current.kind], current.actor_id is None)
        if better:
            if not person.role and current.role:
                person.role = current.role
            best[key] = person
        elif not current.role and person.role:
            current.role = person.role
    return [best[k] for k in order]


def _split_counterparts(sentence: str, parties: list[Person], trigger: re.Match[str],
                        clause_end: int) -> list[tuple[list[Person], DateMention | None]]:
    """"A điện đàm với B, C và D" is one call per counterpart.

    "với B vào tối 6/6 và C hôm 9/6": a date written right after a counterpart is that call's date.
    """
    if len(parties) <= 2:
        return [(parties, None)]
    subject = next((p for p in parties if p.end <= trigger.start()), parties[0])
    others = [p for p in parties if p is not subject]
    pairs = []
    for position, other in enumerate(others):
        stop = others[position + 1].start if position + 1 < len(others) else clause_end
        own = [d for d in find_dates(sentence[:stop]) if d.start >= other.end and d.month is not None]
        pairs.append(([subject, other], own[0] if own and len(own) < len(others) + 1 else None))
    dated = [d for _, d in pairs if d is not None]
    if len(dated) != len(pairs):
        pairs = [(pair, None) for pair, _ in pairs]  # only when every counterpart has its own date
    return pairs


def _counted_from_last_call(sentence: str, trigger: re.Match[str], last: DateMention) -> DateMention | None:
    later = DAYS_LATER.search(sentence, 0, trigger.start())
    if later:
        return _days_after(last, 1 if later["next"] else _count(later["n"]), later)
    earlier = DAYS_EARLIER.search(sentence, 0, trigger.start())
    if earlier:
        return _days_after(last, -(1 if earlier["prev"] else _count(earlier["n"])), earlier)
    return None


def _count(number: str) -> int:
    word = ignoring_case(WORD_NUMBERS, number)
    return int(number) if word is None else word


def _days_after(base: DateMention, days: int, words: re.Match[str]) -> DateMention | None:
    """The day `days` after (before, when negative) a day/month (in its year when known; a leap year otherwise keeps 29/2)."""
    if base.day is None or base.month is None:
        return None
    shifted = date(base.year or 2024, base.month, base.day) + timedelta(days=days)
    return DateMention(words.start(), words.end(), words.group(0), shifted.day, shifted.month,
                       shifted.year if base.year else None)


def _quote_speaker(sentence: str, people: list[Person], trigger: re.Match[str],
                   speakers: list[Person]) -> Person | None:
    """Who says the quote holding the trigger: named after the closing quote mark, else before the quote."""
    closing = min((i for i in (sentence.find("”", trigger.end()), sentence.find('"', trigger.end())) if i >= 0),
                  default=-1)
    if closing >= 0:
        after = [p for p in people if p.start > closing and p.start - closing <= 80
                 and p.kind in ("person", "role") and p.country_iso3]
        if after:
            return after[0]
    return speakers[-1] if speakers else None


def _is_structured(sentence: str, parties: list[Person], trigger: re.Match[str]) -> bool:
    before = [p for p in parties if p.end <= trigger.start()]
    after = [p for p in parties if p.start >= trigger.end()]
    if before and after and (PARTY_SPLIT.search(sentence, trigger.start(), after[0].start)
                             or CALL_RULES["direct_call"].match(trigger.group(0))):
        return True  # "A điện đàm với B", "A gọi cho B"
    if len(before) >= 2:
        return True
    return bool(after) and bool(CALL_RULES["between"].search(sentence[trigger.end():after[0].start]))


def _call_date(sentence: str, clause_start: int, clause_end: int, trigger: re.Match[str]) -> DateMention | None:
    candidates = []
    referred = bool(REFERRED_CALL.match(sentence, trigger.end()))
    for mention in find_dates(sentence):
        if mention.start < clause_start or mention.start > clause_end:
            continue
        if referred and mention.end <= trigger.start():
            continue  # "Ngày 1/7, tòa án đình chỉ ... liên quan đến cuộc điện đàm này": the ruling's day
        # Only words between the trigger and the date can make it another event's date.
        window_start = trigger.end() if mention.start >= trigger.end() else max(0, mention.start - 60)
        if DATE_BLOCKERS.search(sentence[max(window_start, mention.start - 60):mention.start]):
            continue
        if mention.month is None and not mention.is_relative:
            continue  # a bare year does not date a call
        distance = min(abs(mention.start - trigger.end()), abs(trigger.start() - mention.end))
        candidates.append((mention.is_relative, distance, mention))
    if not candidates:
        return None
    candidates.sort(key=lambda t: (t[0], t[1]))
    return candidates[0][2]
