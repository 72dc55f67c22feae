"""The article as every NLP component reads it.

`read_article` turns a decoded input into an `Article`: the cleaned body split
into sentences, the spans of each sentence that name nobody (photo credits),
the publication date, the years the text names and the window of days its
events can fall in. The call and aid components take an `Article` and the
gazetteer, and nothing else, so what one component knows the others know too.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from extract.nlp.cleaning import CleanArticle, clean_document
from extract.nlp.dates import MONTH, PublishedDate, dateline_contradicted
from extract.nlp.people import ArticleMemory
from extract.nlp.reference import Reference
from extract.nlp.sentences import credit_spans, looks_vietnamese, split_sentences
from extract.sources.inbox import RawDocument, Rejected

log = logging.getLogger(__name__)

MIN_BODY_CHARS = 80
# fetched_at is naive UTC; dates in the text are Vietnamese days (UTC+7).
NEWS_UTC_OFFSET = timedelta(hours=7)
_YEAR = re.compile(r"(?<!\d)(19[5-9]\d|20[0-4]\d)(?!\d)")


@dataclass
class Article:
    """One article's sentences and what fixes its dates.

    `as_of` is the latest day anything in it can have happened (the page's fetch day), and
    `not_before` the earliest (an event the text names): with both taken from the input, the
    same page gives the same facts whatever day it is read on.
    """

    sentences: list[str]
    as_of: date
    published: PublishedDate | None = None
    masks: list[list[tuple[int, int]]] = field(default_factory=list)
    years: list[int] = field(default_factory=list)
    not_before: date | None = None
    clean: CleanArticle | None = None

    def masked(self, index: int) -> list[tuple[int, int]]:
        """Spans of sentence `index` in which nobody is a party (photo credits)."""
        return self.masks[index] if self.masks else []

    @staticmethod
    def reading() -> ArticleMemory:
        """A fresh memory for one pass over the sentences: a short name resolves only after the
        full one, so each component remembers what it has read so far, in reading order."""
        return ArticleMemory()


def read_article(doc: RawDocument, ref: Reference) -> Article | Rejected:
    """The article in `doc`, or why there is none (no article text, not Vietnamese)."""
    clean = clean_document(doc, ref.publishers)
    body = clean.body_text
    if len(body) < MIN_BODY_CHARS:
        return Rejected(doc.source_uri, doc.content_hash, f"no article text found ({len(body)} characters after cleaning)")
    if not looks_vietnamese(body):
        return Rejected(doc.source_uri, doc.content_hash, "not Vietnamese text")
    sentences = split_sentences(clean.paragraphs)
    if dateline_contradicted(clean.published, sentences):
        # The date line is days early (a draft's or a listing's), not a year late: its month still holds.
        log.info("%s: the date line %s comes before events the text tells as past; only its month is kept",
                 doc.source_uri, clean.published.value)
        clean = replace(clean, published=PublishedDate(clean.published.value.replace(day=1), MONTH, "dateline"))
    folded = body.casefold()  # "COVID-19" and "Covid-19" are one event
    floors = [lo for phrase, lo, _ in ref.events if lo and phrase.casefold() in folded]
    return Article(
        sentences=sentences,
        as_of=(doc.fetched_at + NEWS_UTC_OFFSET).date(),
        published=clean.published,
        masks=[credit_spans(s) for s in sentences],
        years=sorted({int(y) for y in _YEAR.findall(body)}),
        not_before=max(floors) if floors else None,
        clean=clean,
    )
