"""What the call finder produces: a mention (one sentence's report of a call) and an article's call."""

from __future__ import annotations

from dataclasses import dataclass, field

from extract.nlp.dates import DateMention, ResolvedDate
from extract.nlp.people import Person


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
