"""Every reference alias in a sentence, found in one pass (Aho-Corasick).

The gazetteer used to run one regular expression per kind of alias, an
alternation of every alias between word boundaries:
`(?<!\\w)(?:longest|...|shortest)(?!\\w)`, with `re.IGNORECASE` for titles.
Python's `re` tries each alternative at each position, which made it most of the
parse time. `AliasMatcher` finds the same spans: one automaton over the
sentence gives every occurrence of every alias of every kind, and then, per
kind, the spans `re.finditer` would give are picked from them (at each
position the longest alias with a boundary on both sides, scanning left to
right without overlaps).

Titles match whatever their case, as `re.IGNORECASE` does: the automaton reads a
folded copy of the sentence (one character for one, so positions are the
sentence's), where a character folds to the alias character that `re`, with
IGNORECASE, takes it to be. Actors and countries match as written: an
occurrence in the folded text counts only if the sentence's own characters are
the alias.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

import ahocorasick

_WORD = re.compile(r"\w")


class _WordChars(dict):
    """Whether a character is `\\w` to `re` (the boundaries of the old expressions), learnt per character."""

    def __missing__(self, char: str) -> bool:
        is_word = self[char] = bool(_WORD.match(char))
        return is_word


class _Folding(dict):
    """A `str.translate` table: each character to the alias character `re.IGNORECASE` matches it with.

    A character that matches no alias character under IGNORECASE stays itself (it is then no
    alias character either, since every character matches itself). Learnt per character, by
    asking `re` itself, so the folding is IGNORECASE's and nobody else's.
    """

    def __init__(self, alias_chars: Iterable[str]):
        super().__init__()
        self._patterns = [(c, re.compile(re.escape(c), re.IGNORECASE)) for c in sorted(set(alias_chars))]

    def __missing__(self, code: int) -> int:
        char = chr(code)
        same = [c for c, pattern in self._patterns if pattern.fullmatch(char)]
        folded = self[code] = ord(min(same)) if same else code
        return folded


class AliasMatcher:
    """The spans of each kind's aliases in a text, as the kind's boundary-delimited alternation finds them.

    `kinds` maps a kind to its aliases; the kinds in `ignore_case` match whatever the case.
    """

    def __init__(self, kinds: Mapping[str, Iterable[str]], ignore_case: Iterable[str] = ()):
        self.kinds = tuple(kinds)
        loose = set(ignore_case)
        words = {kind: sorted({w for w in aliases if w}) for kind, aliases in kinds.items()}
        self._fold = _Folding(c for kind in loose for w in words[kind] for c in w)
        self._word = _WordChars()
        entries: dict[str, dict[str, set[str] | None]] = {}
        for kind, aliases in words.items():
            for alias in aliases:
                key = alias.translate(self._fold)
                exact = entries.setdefault(key, {})
                if kind in loose:
                    exact[kind] = None  # any text that folds to the key
                else:
                    exact.setdefault(kind, set()).add(alias)
        self._automaton = ahocorasick.Automaton()
        for key, exact in entries.items():
            self._automaton.add_word(key, (len(key), tuple(exact.items())))
        if entries:
            self._automaton.make_automaton()
        self._empty = not entries

    def occurrences(self, text: str) -> dict[str, list[tuple[int, int]]]:
        """Per kind, every (start, end) of an alias in `text` with no word character just before it.

        The boundary after an alias depends on where the string ends (`spans` checks it), so that
        the occurrences of a text also serve every prefix of it.
        """
        found: dict[str, list[tuple[int, int]]] = {kind: [] for kind in self.kinds}
        if self._empty:
            return found
        word = self._word
        for last, (length, exact) in self._automaton.iter(text.translate(self._fold)):
            start, end = last + 1 - length, last + 1
            if start > 0 and word[text[start - 1]]:
                continue
            for kind, written in exact:
                if written is None or text[start:end] in written:
                    found[kind].append((start, end))
        return found

    def spans(self, text: str, occurrences: list[tuple[int, int]], limit: int | None = None) -> list[tuple[int, int]]:
        """What `re.finditer` of the alternation over `text[:limit]` matches, from the occurrences
        `occurrences` found in `text`: left to right, at each start the longest alias followed by
        no word character, never overlapping the span before."""
        limit = len(text) if limit is None else limit
        word = self._word
        longest: dict[int, int] = {}
        for start, end in occurrences:
            if end <= limit and (end == limit or not word[text[end]]) and end > longest.get(start, -1):
                longest[start] = end
        out: list[tuple[int, int]] = []
        position = 0
        for start in sorted(longest):
            if start >= position:
                out.append((start, longest[start]))
                position = longest[start]
        return out
