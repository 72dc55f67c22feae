"""One article in, rows for the raw tables out.

`process_document` is pure apart from the underthesea models it loads: the
same bytes always give the same rows, which is what makes re-runs idempotent.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field
from typing import Any

from extract.nlp.aid import AidMention, extract_aid
from extract.nlp.calls import ArticleCall, extract_calls
from extract.nlp.document import read_article
from extract.nlp.people import Gazetteer
from extract.nlp.version import extractor_version
from extract.sources.inbox import RawDocument, Rejected

log = logging.getLogger(__name__)


@dataclass
class ArticleRows:
    """Everything one article contributes, shaped as rows of the raw tables."""

    article_id: str
    source_uri: str
    content_hash: str
    tables: dict[str, list[dict[str, Any]]] = field(default_factory=dict)


def stable_id(*parts: object) -> str:
    return hashlib.md5("|".join("" if p is None else str(p) for p in parts).encode()).hexdigest()


def article_id_for(body_text: str) -> str:
    # The cleaned body, whitespace-folded: the same article scraped twice is one article.
    return hashlib.sha256(" ".join(body_text.split()).encode()).hexdigest()[:24]


def process_document(doc: RawDocument, gaz: Gazetteer, run_id: str) -> ArticleRows | Rejected:
    article = read_article(doc, gaz.ref)
    if isinstance(article, Rejected):
        return article
    clean, sentences = article.clean, article.sentences
    body = clean.body_text
    calls = extract_calls(article, gaz)
    aid = extract_aid(article, gaz)
    article_id = article_id_for(body)
    published = clean.published
    published_at = None
    if published and published.precision in ("day", "minute"):
        published_at = f"{published.value.isoformat()} {published.hour or 0:02d}:{published.minute or 0:02d}:00"
    rows = ArticleRows(article_id, doc.source_uri, doc.content_hash)
    rows.tables["articles"] = [{
        "article_id": article_id, "source_uri": doc.source_uri, "url": clean.url,
        "publisher": clean.publisher, "title": clean.title, "published_at": published_at,
        "published_on": published.value.isoformat() if published else None,
        "published_precision": published.precision if published else None,
        "published_basis": published.basis if published else None,
        "fetched_at": doc.fetched_at.isoformat(sep=" "), "body_text": body,
        "content_hash": doc.content_hash, "n_sentences": len(sentences),
        "extractor_version": extractor_version(), "run_id": run_id,
    }]
    rows.tables["sentences"] = [
        {"article_id": article_id, "sentence_index": i, "sentence_text": s} for i, s in enumerate(sentences)
    ]
    _call_rows(rows, article_id, calls)
    rows.tables["aid_mentions"] = [_aid_row(article_id, i, a) for i, a in enumerate(aid)]
    log.info("%s: %d sentences, %d calls, %d aid", doc.source_uri, len(sentences), len(calls), len(aid))
    return rows


def _call_rows(rows: ArticleRows, article_id: str, calls: list[ArticleCall]) -> None:
    calls_out, participants, evidence = [], [], []
    for ordinal, call in enumerate(calls):
        call_id = stable_id(article_id, "call", ordinal)
        initiator = call.initiator
        calls_out.append({
            "article_call_id": call_id, "article_id": article_id, "sentence_index": call.sentence_index,
            "evidence_text": call.evidence,
            "call_date": call.resolved.value.isoformat() if call.resolved.value else None,
            "date_precision": call.resolved.precision, "date_basis": call.resolved.basis, "mode": call.mode,
            "initiator_country_iso3": initiator.country_iso3 if initiator else None,
            "initiator_actor_id": initiator.actor_id if initiator and initiator.is_reference else None,
            "initiator_evidence": call.initiator_evidence, "confidence": call.confidence,
        })
        for index, party in enumerate(p for p in call.parties if p.country_iso3):
            participants.append({
                "article_call_id": call_id, "participant_index": index, "actor_id": party.actor_id,
                "country_iso3": party.country_iso3, "role": party.role, "name_as_reported": party.text,
                "canonical_name": party.name if not party.is_reference else None,
                "is_reference_actor": bool(party.is_reference and party.actor_id),
            })
        for sentence_index, text in sorted(call.evidence_sentences.items()):
            evidence.append({
                "article_call_id": call_id, "article_id": article_id,
                "sentence_index": sentence_index, "evidence_text": text,
            })
    rows.tables["article_calls"] = calls_out
    rows.tables["article_call_participants"] = participants
    rows.tables["article_call_evidence"] = evidence


def _aid_row(article_id: str, ordinal: int, aid: AidMention) -> dict[str, Any]:
    return {
        "aid_mention_id": stable_id(article_id, "aid", ordinal), "article_id": article_id,
        "sentence_index": aid.sentence_index, "evidence_text": aid.evidence, "donor_iso3": aid.donor_iso3,
        "recipient_iso3": aid.recipient_iso3, "amount": aid.money.amount, "currency": aid.money.currency,
        "is_approximate": aid.money.is_approximate, "aid_kind": aid.aid_kind, "status": aid.status,
        "reported_date": aid.reported_date.isoformat() if aid.reported_date else None,
        "confidence": aid.confidence,
    }
