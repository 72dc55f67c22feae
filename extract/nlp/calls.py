"""Finding phone and video calls in an article.

Each sentence that speaks of a call gives a *mention*: who (people, roles or
countries), when (a date expression), how (phone or video) and, when the
text says so, who initiated it. Mentions of one article are then folded into
calls: a mention without a date joins the call with the same parties, a
sentence such as "Cuộc điện đàm này diễn ra vào ngày 27/11" dates the call
before it. Finally each call's year is resolved from the publication date or,
when the page has none, from what the article fixes (explicit years, events,
and who held which office when).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from extract.nlp.dates import (
    DAY,
    MONTH,
    UNDATED,
    DateMention,
    PublishedDate,
    ResolvedDate,
    candidate_years,
    find_dates,
    resolve_explicit,
    resolve_with_reference,
)
from extract.nlp.document import Article
from extract.nlp.money import WORD_NUMBERS
from extract.nlp.people import COUNTERPART, ArticleMemory, Gazetteer, Person, find_people
from extract.nlp.reference import FAR_FUTURE, Reference
from extract.nlp.rulebook import load_rules

CALL_RULES = load_rules("calls")

UNDATED_CONFIDENCE = 0.4

STRONG_TRIGGER = CALL_RULES["strong_trigger"]
WEAK_TRIGGER = CALL_RULES["weak_trigger"]
VIDEO = CALL_RULES["video"]
NEGATIVE = CALL_RULES["negative"]
REPORTING = CALL_RULES["reporting"]
CLAUSE_END = CALL_RULES["clause_end"]
MULTILATERAL = CALL_RULES["multilateral"]
IN_PERSON = CALL_RULES["in_person"]
DATE_BLOCKERS = CALL_RULES["date_blockers"]
FIRST_PERSON = CALL_RULES["first_person"]
SAME_DAY = CALL_RULES["same_day"]
DAYS_LATER = CALL_RULES["days_later"]
VAGUE = CALL_RULES["vague"]
PREPOSITIONAL_TRIGGER = CALL_RULES["prepositional_trigger"]
ANAPHOR_PARTIES = CALL_RULES["anaphor_parties"]
DENIAL = CALL_RULES["denial"]
ANAPHOR_CALL = CALL_RULES["anaphor_call"]
INITIATOR_AFTER = CALL_RULES["initiator_after"]
INITIATOR_DO = CALL_RULES["initiator_do"]
INITIATOR_BEFORE = CALL_RULES["initiator_before"]
CALL_REFERENCE = CALL_RULES["call_reference"]
_PARTY_SPLIT = CALL_RULES["party_split"]
_PARTY_LINK = CALL_RULES["party_link"]


@dataclass
class Mention:
    sentence_index: int
    sentence: str
    parties: list[Person]
    date: DateMention | None
    mode: str
    initiator: Person | None
    structured: bool
    subject: Person | None = None
    weak_date: bool = False  # a report date ("Ngày X, theo Y, ...") or a relative date inside a quote
    trigger_start: int = 0

    @property
    def countries(self) -> frozenset[str]:
        return frozenset(p.country_iso3 for p in self.parties if p.country_iso3)


@dataclass
class ArticleCall:
    parties: list[Person]
    date: DateMention | None
    mode: str
    initiator: Person | None
    sentence_index: int
    evidence: str
    evidence_sentences: dict[int, str] = field(default_factory=dict)
    structured: bool = False
    resolved: ResolvedDate | None = None
    confidence: float = 0.6
    initiator_evidence: str | None = None
    weak_date: bool = False
    triggers: dict[int, int] = field(default_factory=dict)  # sentence index -> where its trigger starts

    @property
    def countries(self) -> frozenset[str]:
        return frozenset(p.country_iso3 for p in self.parties if p.country_iso3)


def extract_calls(article: Article, gaz: Gazetteer) -> list[ArticleCall]:
    """Calls the article reports, dated no earlier than `article.not_before` and no later than
    `article.as_of` (the day the page was fetched)."""
    ref = gaz.ref
    sentences, published = article.sentences, article.published
    memory = article.reading()
    about_calls = any(STRONG_TRIGGER.search(s) for s in sentences)
    mentions: list[Mention] = []
    initiators: list[tuple[int, str, Initiator]] = []
    for index, sentence in enumerate(sentences):
        people = find_people(sentence, gaz, memory, article.masked(index))
        found = _mentions_in_sentence(index, sentence, people, memory, about_calls)
        mentions.extend(found)
        initiator = _initiator(sentence, people)
        if initiator and (found or STRONG_TRIGGER.search(sentence) or WEAK_TRIGGER.search(sentence)
                          or CALL_REFERENCE.search(sentence)):
            initiators.append((index, sentence, initiator))
        named = [p for p in people if p.kind in ("person", "role") and p.country_iso3 and p.is_principal]
        if named:
            memory.last_people = named
        for person in named:
            if person.actor_id and person.is_reference:
                memory.mentions[person.actor_id] = memory.mentions.get(person.actor_id, 0) + 1
                memory.people_by_actor[person.actor_id] = person
        for mention in found:
            if len(mention.countries) >= 2:
                memory.last_call_parties = list(mention.parties)
            if mention.date is not None:
                memory.last_call_date = mention.date
        memory.seen_actor_ids.update(p.actor_id for p in people if p.actor_id)
    calls = _fold(mentions)
    denials = [i for i, s in enumerate(sentences) if DENIAL.search(s) and (
        STRONG_TRIGGER.search(s) or CALL_RULES["denial_object"].search(s))]
    calls = [c for c in calls if not _denied(c, denials)]
    _attach_initiators(calls, initiators)
    _resolve_dates(calls, published, article.years, ref, article.not_before, article.as_of)
    for call in calls:
        _resolve_roles(call, ref)
        call.parties = _one_row_per_actor(call.parties)
    calls = [c for c in calls if len(c.countries) >= 2]
    dated = [c for c in calls if c.resolved is not None]
    for call in calls:
        if call.resolved is None:
            # A call found without a date the text fixes stays a fact: undated, and trusted less.
            call.resolved = UNDATED
            call.confidence = UNDATED_CONFIDENCE
    return [c for c in calls if c.resolved is not UNDATED or _stands_alone_undated(c, dated)]


def _stands_alone_undated(call: ArticleCall, dated: list[ArticleCall]) -> bool:
    """An undated call is kept when the text states it outright ("A điện đàm với B"), names at least one
    official (not only countries: "người dân ... gọi điện" is not a call between officials), and the article
    reports no dated call of the same countries, which would be the same call told again without its date.
    Sentences that only refer back to a call ("Trong cuộc điện đàm, ...") name topics, not parties.
    """
    officials = [p for p in call.parties if p.kind in ("person", "role")]
    return call.structured and bool(officials) and not any(call.countries <= other.countries for other in dated)


def _one_row_per_actor(parties: list[Person]) -> list[Person]:
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


def _salient_pair(memory: ArticleMemory) -> list[Person]:
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


def _denied(call: ArticleCall, denials: list[int]) -> bool:
    """Every sentence reporting the call comes just before a denial of it."""
    return any(all(d - 2 <= i <= d for i in call.evidence_sentences) for d in denials)


def _trigger(sentence: str, about_calls: bool) -> re.Match[str] | None:
    strong = STRONG_TRIGGER.search(sentence)
    if strong:
        return strong
    return WEAK_TRIGGER.search(sentence) if about_calls else None


def _mentions_in_sentence(
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
        boundaries = list(_NEW_CLAUSE.finditer(sentence, previous.end(), trigger.start()))
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


_NEW_CLAUSE = CALL_RULES["new_clause"]


def _mentions_at(index: int, sentence: str, people: list[Person], memory: ArticleMemory,
                 trigger: re.Match[str], clause_floor: int = 0) -> list[Mention]:
    if CALL_RULES["conference_trigger"].match(trigger.group(0)) and MULTILATERAL.search(sentence):
        return []  # "tham dự hội nghị trực tuyến ... do A và B chủ trì" is a multilateral meeting
    if not STRONG_TRIGGER.search(sentence) and IN_PERSON.search(sentence):
        return []  # "nói chuyện với B bên lề Đại hội đồng LHQ" is a meeting
    clause_start = clause_floor
    for rep in REPORTING.finditer(sentence, clause_floor, trigger.start()):
        clause_start = rep.end()
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
    same_day = SAME_DAY.search(sentence, 0, trigger.start()) if date is None else None
    if same_day and memory.last_call_date is not None:
        # "Cùng ngày, A còn điện đàm với B": the day of the call just reported, written here as "Cùng ngày".
        date = replace(memory.last_call_date, start=same_day.start(), end=same_day.end(), text=same_day.group(0))
    later = DAYS_LATER.search(sentence, 0, trigger.start()) if date is None else None
    if later and memory.last_call_date is not None:
        n = 1 if later["next"] else int(WORD_NUMBERS.get(later["n"].lower(), later["n"]))
        date = _days_after(memory.last_call_date, n, later)
    if date is None and VAGUE.search(sentence, clause_start, clause_end):
        return []
    speakers = [p for p in people if p.end <= clause_start and p.kind == "person"]
    in_clause = [p for p in people if p.start >= clause_start and p.end <= clause_end + 1]
    if not prepositional:
        # After the trigger, only "với B", "cùng B", "giữa A và B" name parties
        # ("điện đàm ngay sau lễ nhậm chức của ông Trump" does not make Trump a party).
        link = _PARTY_LINK.search(sentence, trigger.start(), min(clause_end, trigger.end() + 80))
        link_start = link.start() if link else clause_end
        before = [p for p in in_clause if p.end <= trigger.start()]
        directed = bool(link) and link.group(0).lower() in ("của", "từ")
        after = _coordinated(sentence, [p for p in in_clause if p.start >= link_start], directed)
        in_clause = before + after
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
        antecedents = [memory.last_people, memory.last_call_parties, _salient_pair(memory)]
        antecedent = next((a for a in antecedents if len({p.country_iso3 for p in a}) >= 2), None)
        if ANAPHOR_PARTIES.search(sentence) and antecedent is not None:
            # Borrowed parties can join a call the article names elsewhere, or date it,
            # but do not on their own make an undated call.
            parties = _dedupe(list(antecedent) + parties)
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


_REPORT_FRAME = CALL_RULES["report_frame"]


def _weak_date(sentence: str, date: DateMention) -> bool:
    """'Ngày 26-10, theo Đài NHK, ...' dates the report; 'hôm nay' inside a quote dates the quote."""
    after = sentence[date.end:date.end + 40]
    if _REPORT_FRAME.match(sentence[:date.start]) and CALL_RULES["report_source"].match(after):
        return True
    if date.is_relative:
        head = sentence[:date.start]
        return head.count("“") > head.count("”") or head.count('"') % 2 == 1
    return False


_LIST_GLUE = CALL_RULES["list_glue"]


_DIRECTION_GLUE = CALL_RULES["direction_glue"]


def _coordinated(sentence: str, parties: list[Person], directed: bool = False) -> list[Person]:
    """The parties of one "với ..." list; a party after other words belongs to another clause.
    `directed`: after "cuộc gọi của A", "tới B" names the one called."""
    kept: list[Person] = []
    for person in parties:
        gap = sentence[kept[-1].end:person.start] if kept else ""
        if kept and not (_LIST_GLUE.match(gap) or (directed and len(kept) == 1 and _DIRECTION_GLUE.match(gap))):
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
        if person.kind == "country" and _is_place(sentence, person):
            continue
        if person.kind == "pronoun":
            resolved = _resolve_pronoun(person, speakers, memory, parties, in_clause)
            if resolved:
                parties.append(resolved)
            continue
        if person.role == COUNTERPART:
            person.role = subject_role
        if person.country_iso3:
            parties.append(person)
    return _dedupe(parties)


_PLACE = CALL_RULES["place"]


def _is_place(sentence: str, person: Person) -> bool:
    return bool(_PLACE.search(sentence[:person.start]))


def _resolve_pronoun(pronoun: Person, speakers: list[Person], memory: ArticleMemory, parties: list[Person],
                     in_clause: list[Person]) -> Person | None:
    taken = {p.country_iso3 for p in parties} | {p.country_iso3 for p in in_clause if p.kind != "pronoun"}
    for candidate in list(reversed(speakers)) + list(reversed(memory.last_people)):
        if candidate.country_iso3 and candidate.country_iso3 not in taken:
            return Person(pronoun.start, pronoun.end, candidate.text, candidate.country_iso3, candidate.role,
                          candidate.actor_id, candidate.name, candidate.is_reference, True, candidate.kind)
    return None


def _dedupe(parties: list[Person]) -> list[Person]:
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


def _days_after(base: DateMention, days: int, words: re.Match[str]) -> DateMention | None:
    """The day `days` after a day/month (in its year when known; a leap year otherwise keeps 29/2)."""
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
    if before and after and (_PARTY_SPLIT.search(sentence, trigger.start(), after[0].start)
                             or CALL_RULES["direct_call"].match(trigger.group(0))):
        return True  # "A điện đàm với B", "A gọi cho B"
    if len(before) >= 2:
        return True
    return bool(after) and bool(CALL_RULES["between"].search(sentence[trigger.end():after[0].start]))


def _call_date(sentence: str, clause_start: int, clause_end: int, trigger: re.Match[str]) -> DateMention | None:
    candidates = []
    for mention in find_dates(sentence):
        if mention.start < clause_start or mention.start > clause_end:
            continue
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


@dataclass(frozen=True)
class Initiator:
    """Who placed a call, where the sentence says so, and whom they called when it says that too."""

    person: Person
    at: int
    called_country: str | None = None


def _initiator(sentence: str, people: list[Person]) -> Initiator | None:
    named = [p for p in people if p.country_iso3 and p.kind != "pronoun"]
    m = INITIATOR_AFTER.search(sentence)
    if m:
        after = [p for p in named if 0 <= p.start - m.end() <= 30]
        if after:
            # "B nhận cuộc gọi từ A": B was called; "theo đề nghị của A" says nothing of whom A called.
            called = [p for p in named if p.end <= m.start() and m.start() - p.end <= 60
                      and p.country_iso3 != after[0].country_iso3] if m.group(0).lower().startswith("nhận") else []
            return Initiator(after[0], m.start(), called[-1].country_iso3 if called else None)
    m = INITIATOR_DO.search(sentence)
    if m:
        inside = [p for p in named if m.start("who") <= p.start and p.end <= m.end("who")]
        if inside:
            return Initiator(inside[0], m.start())
    m = INITIATOR_BEFORE.search(sentence)
    if m:
        before = [p for p in named if p.end <= m.start() and m.start() - p.end <= 60]
        if before:
            # "A đã gọi cho B": B, named right after, was called.
            called = [p for p in named if m.end() <= p.start <= m.end() + 40 and p.country_iso3 != before[-1].country_iso3]
            return Initiator(before[-1], m.start(), called[0].country_iso3 if called else None)
    return None


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


def _fold(mentions: list[Mention]) -> list[ArticleCall]:
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
    call.parties = _dedupe(call.parties + list(mention.parties))
    call.triggers.setdefault(mention.sentence_index, mention.trigger_start)
    if call.date is None or (mention.date is not None and _compatible(call.date, mention.date)):
        if mention.date is not None and (call.date is None or _more_precise(call.date, mention.date) is mention.date):
            call.sentence_index, call.evidence = mention.sentence_index, mention.sentence
        call.date = _more_precise(call.date, mention.date)
    if mention.mode == "video":
        call.mode = "video"
    call.structured = call.structured or mention.structured
    call.evidence_sentences[mention.sentence_index] = mention.sentence


def _attach_initiators(calls: list[ArticleCall], initiators: list[tuple[int, str, Initiator]]) -> None:
    for index, sentence, found in initiators:
        person = found.person
        # Only a call between the initiator and whoever the sentence says was called.
        fitting = [c for c in calls if found.called_country is None or found.called_country in c.countries]
        # In the sentence itself, the call whose trigger stands nearest the words naming the initiator.
        own = sorted((c for c in fitting if index in c.evidence_sentences and person.country_iso3 in c.countries),
                     key=lambda c: abs(c.triggers.get(index, 0) - found.at))
        # Else the call last spoken of before this sentence: a restated initiator must not reach an older call.
        before = sorted((c for c in fitting if min(c.evidence_sentences) <= index and person.country_iso3 in c.countries),
                        key=lambda c: -max(i for i in c.evidence_sentences if i <= index))
        anywhere = [c for c in fitting if person.country_iso3 in c.countries]
        target = (own or before[:1] or anywhere[:1] or [None])[0]
        if target is None or target.initiator is not None:
            continue
        target.initiator = person
        target.initiator_evidence = sentence
        target.evidence_sentences.setdefault(index, sentence)


# --- dates -------------------------------------------------------------------------------

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


def _resolve_dates(calls: list[ArticleCall], published: PublishedDate | None, article_years: list[int],
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


def _resolve_roles(call: ArticleCall, ref: Reference) -> None:
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

