"""The one-pass alias matcher (extract/nlp/aliases.py) finds what the regular expressions it replaced found.

The reference: per kind, `re.finditer` of the alternation of every alias between word
boundaries, longest first, with IGNORECASE for titles. Texts are generated (hypothesis) from
the reference aliases themselves, cut, re-cased and glued with word characters, punctuation and
the characters IGNORECASE treats specially (dotted and dotless i, long s, Kelvin sign), so that
overlaps, near-misses at word boundaries and case folding are all exercised.
Deterministic: derandomized, no example database.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from extract.nlp.aliases import AliasMatcher
from extract.nlp.people import _COUNTERPART_TITLES, _ends_with_word

PROPERTIES = settings(derandomize=True, database=None, max_examples=300, deadline=None,
                      suppress_health_check=[HealthCheck.too_slow])

GLUE = [" ", " ", ", ", ". ", " - ", "-", "'", "’", "_", "a", "1", "\n", "(", ")", "\u00a0", "İ", "ı", "ſ", "\u212a",
        "ẞ", "ß"]


def alternation(words: Iterable[str], flags: int) -> re.Pattern[str]:
    """The expression the gazetteer used before the matcher (people.py until issue 14)."""
    ordered = sorted({w for w in words if w}, key=len, reverse=True)
    body = "|".join(re.escape(w) for w in ordered) or r"(?!x)x"
    return re.compile(rf"(?<![\w])(?:{body})(?![\w])", flags)


@pytest.fixture(scope="module")
def kinds(gazetteer):
    ref = gazetteer.ref
    return {"actor": list(ref.actor_aliases), "title": list(ref.titles) + list(_COUNTERPART_TITLES),
            "country": list(ref.country_aliases)}


@pytest.fixture(scope="module")
def expressions(kinds):
    return {kind: alternation(words, re.I if kind == "title" else 0) for kind, words in kinds.items()}


@pytest.fixture(scope="module")
def matcher(kinds):
    return AliasMatcher(kinds, ignore_case={"title"})


def recase(word: str, how: int) -> str:
    return [word, word.upper(), word.lower(), word.title(), word.swapcase()][how % 5]


@st.composite
def texts(draw, kinds) -> str:
    every = [w for words in kinds.values() for w in words]
    pieces = []
    for _ in range(draw(st.integers(1, 8))):
        word = draw(st.sampled_from(every))
        choice = draw(st.integers(0, 9))
        if choice == 0 and len(word) > 2:  # a cut alias: a near miss
            cut = draw(st.integers(1, len(word) - 1))
            word = word[:cut] if draw(st.booleans()) else word[cut:]
        elif choice in (1, 2):
            word = recase(word, draw(st.integers(0, 4)))
        pieces.append(word)
        pieces.append(draw(st.sampled_from(GLUE)))
    return "".join(pieces)


def expected(expression: re.Pattern[str], text: str) -> list[tuple[int, int]]:
    return [m.span() for m in expression.finditer(text)]


def test_the_matcher_finds_what_the_expressions_found(kinds, expressions, matcher):
    @PROPERTIES
    @given(texts(kinds), st.integers(0, 10_000))
    @example("Bộ trưởng Quốc phòng Mỹ Lloyd Austin gặp BỘ TRƯỞNG NGOẠI GIAO Trung Quốc Vương Nghị", 40)
    @example("Tổng thống Mỹ Joe Biden và Tổng thốngMỹ, Mỹ-Trung, U.S.A. và U.S.", 12)
    @example("bộ trưởng ngoại gıao và ſ \u212aerry İran", 5)
    def check(text: str, cut: int) -> None:
        found = matcher.occurrences(text)
        for kind, expression in expressions.items():
            assert matcher.spans(text, found[kind]) == expected(expression, text), kind
        # A prefix is matched from the whole text's occurrences, as `gaz.countries(text, limit)` does.
        limit = cut % (len(text) + 1)
        assert matcher.spans(text, found["country"], limit) == expected(expressions["country"], text[:limit])

    check()


def test_the_gazetteer_spans_are_the_matcher_spans(gazetteer, expressions):
    text = "Ngoại trưởng Mỹ Antony Blinken điện đàm với Ngoại trưởng Trung Quốc Vương Nghị"
    assert [(s.start, s.end, s.text) for s in gazetteer.titles(text)] == [
        (m.start(), m.end(), m.group(0)) for m in expressions["title"].finditer(text)]
    assert [(s.start, s.end) for s in gazetteer.countries(text, 16)] == expected(expressions["country"], text[:16])
    assert [s.text for s in gazetteer.actors(text)] == [m.group(0) for m in expressions["actor"].finditer(text)]


def test_a_kind_without_aliases_finds_nothing():
    matcher = AliasMatcher({"title": [], "actor": [""]}, ignore_case={"title"})
    assert matcher.occurrences("Bộ trưởng") == {"title": [], "actor": []}


def test_ends_with_title_is_ends_with_word_over_the_titles(gazetteer, kinds):
    @PROPERTIES
    @given(texts(kinds))
    @example("ông bộ trưởng")
    @example("xbộ trưởng")
    def check(text: str) -> None:
        for cut in range(len(text) + 1):
            lowered = text[:cut].lower()
            assert gazetteer.ends_with_title(lowered) == _ends_with_word(lowered, gazetteer.ref.titles)

    check()
