"""Vietnamese sentence splitting (underthesea), with the page's photo credits masked."""

from __future__ import annotations

import re

from extract.sources.inbox import vietnamese_letter_share

_CREDIT = re.compile(r"\(?\s*(?:Ảnh|Nguồn ảnh|Photo)\s*:[^().]{0,60}\)?\.?", re.I)


def split_sentences(paragraphs: list[str]) -> list[str]:
    """Sentences in reading order; a paragraph is never merged with the next."""
    from underthesea import sent_tokenize  # heavy: loaded on first use only

    sentences: list[str] = []
    for paragraph in paragraphs:
        for sentence in sent_tokenize(paragraph):
            sentence = sentence.strip()
            if sentence:
                sentences.append(sentence)
    return sentences


def credit_spans(sentence: str) -> list[tuple[int, int]]:
    """Photo credits ("Ảnh: Tuấn Anh") hold names that are not parties to anything."""
    return [(m.start(), m.end()) for m in _CREDIT.finditer(sentence)]


def looks_vietnamese(text: str) -> bool:
    return vietnamese_letter_share(text) >= 0.03
