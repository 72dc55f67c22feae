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

from extract.nlp.calls.cues import ANAPHOR_PARTIES, CALL_REFERENCE, CALL_RULES, DENIAL, STRONG_TRIGGER, WEAK_TRIGGER
from extract.nlp.calls.dating import resolve_dates, resolve_roles
from extract.nlp.calls.folding import fold_mentions, is_denied, merge_same_day, one_row_per_actor
from extract.nlp.calls.initiators import Initiator, attach_initiators, find_initiator
from extract.nlp.calls.mentions import mentions_in_sentence, salient_pair, unique_parties
from extract.nlp.calls.model import ArticleCall, Mention
from extract.nlp.dates import UNDATED
from extract.nlp.document import Article
from extract.nlp.people import COUNTERPART, ArticleMemory, Gazetteer, Person, find_people

UNDATED_CONFIDENCE = 0.4


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
        _recall_roles(people, memory)
        found = mentions_in_sentence(index, sentence, people, memory, about_calls)
        mentions.extend(found)
        initiator = find_initiator(sentence, people)
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
                if person.role and person.role != COUNTERPART:
                    memory.roles_by_actor.setdefault(person.actor_id, person.role)
        for mention in found:
            if len(mention.countries) >= 2:
                memory.last_call_parties = list(mention.parties)
            if mention.date is not None:
                memory.last_call_date = mention.date
        memory.seen_actor_ids.update(p.actor_id for p in people if p.actor_id)
    _name_parties_told_later(mentions, memory)
    calls = fold_mentions(mentions)
    denials = [i for i, s in enumerate(sentences) if _denies_a_call(s)]
    calls = [c for c in calls if not is_denied(c, denials)]
    attach_initiators(calls, initiators)
    resolve_dates(calls, published, article.years, ref, article.not_before, article.as_of)
    for call in calls:
        resolve_roles(call, ref)
        call.parties = one_row_per_actor(call.parties)
    calls = merge_same_day(calls)
    calls = [c for c in calls if len(c.countries) >= 2]
    dated = [c for c in calls if c.resolved is not None]
    for call in calls:
        if call.resolved is None:
            # A call found without a date the text fixes stays a fact: undated, and trusted less.
            call.resolved = UNDATED
            call.confidence = UNDATED_CONFIDENCE
    return [c for c in calls if c.resolved is not UNDATED or _stands_alone_undated(c, dated)]


def _name_parties_told_later(mentions: list[Mention], memory: ArticleMemory) -> None:
    """"Hai nhà lãnh đạo đã điện đàm vào ngày 19/9" before the article has named anyone: the two it goes on
    naming most (each at least twice, from two countries) are the leaders meant."""
    pair = salient_pair(memory)
    for mention in mentions:
        if pair and len(mention.countries) < 2 and mention.date is not None and ANAPHOR_PARTIES.search(mention.sentence):
            mention.parties = unique_parties(mention.parties + pair)


def _denies_a_call(sentence: str) -> bool:
    """A denial whose object is a call: "bác tin A điện đàm với B", "không có cuộc trò chuyện nào", "phủ nhận
    thông tin này". A denial after the call's words denies something else ("nói chuyện với B, bác bỏ thỏa thuận")."""
    denial = DENIAL.search(sentence)
    if denial is None:
        return False
    trigger = STRONG_TRIGGER.search(sentence, denial.start()) or WEAK_TRIGGER.search(sentence, denial.start())
    return bool(trigger) or bool(CALL_RULES["denial_object"].search(sentence))


def _recall_roles(people: list[Person], memory: ArticleMemory) -> None:
    """"Ngoại trưởng Nhật Bản Iwaya ... ông Iwaya": a name given again without its title keeps the office
    the article gave it, which fixes the years the call can be in (the same person held other offices)."""
    for person in people:
        if person.actor_id and not person.role and person.actor_id in memory.roles_by_actor:
            person.role = memory.roles_by_actor[person.actor_id]


def _stands_alone_undated(call: ArticleCall, dated: list[ArticleCall]) -> bool:
    """An undated call is kept when the text states it outright ("A điện đàm với B"), names everyone in it
    (a title alone without a date names nobody: "điện đàm với những người đồng cấp Pháp và Anh" is vague, and
    "người dân ... gọi điện" is not a call between officials), and the article
    reports no dated call of the same countries, which would be the same call told again without its date.
    Sentences that only refer back to a call ("Trong cuộc điện đàm, ...") name topics, not parties.
    """
    named = all(p.kind == "person" for p in call.parties)
    return call.structured and named and not any(call.countries <= other.countries for other in dated)
