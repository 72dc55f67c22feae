"""Who placed a call, where the text says so, and which call of the article that was."""

from __future__ import annotations

from dataclasses import dataclass

from extract.nlp.calls.cues import INITIATOR_AFTER, INITIATOR_BEFORE, INITIATOR_DO
from extract.nlp.calls.model import ArticleCall
from extract.nlp.people import Person


@dataclass(frozen=True)
class Initiator:
    """Who placed a call, where the sentence says so, and whom they called when it says that too."""

    person: Person
    at: int
    called_country: str | None = None


def find_initiator(sentence: str, people: list[Person]) -> Initiator | None:
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


def attach_initiators(calls: list[ArticleCall], initiators: list[tuple[int, str, Initiator]]) -> None:
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
