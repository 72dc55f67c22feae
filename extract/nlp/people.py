"""Finding people and countries in a sentence and resolving them to reference data.

A sentence is scanned for titles (`Bộ trưởng Quốc phòng`), country names,
capitals and institutions used as metonyms (`Lầu Năm Góc`), and actor names
in any spelling. Adjacent pieces are grouped into people:
`Bộ trưởng Quốc phòng Mỹ Lloyd Austin` is one person (role, country, name),
`Bộ trưởng quốc phòng Mỹ và Nga` is two people who share a role.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from functools import lru_cache

from extract.nlp.aliases import AliasMatcher
from extract.nlp.dates import DateMention
from extract.nlp.reference import Reference, slugify
from extract.nlp.rulebook import load_rules

PEOPLE_RULES = load_rules("people")

_COMMON_COMPOUND = PEOPLE_RULES["common_compound"]
HONORIFICS = PEOPLE_RULES.words("honorifics")
COUNTERPART = "counterpart"
_COUNTERPART_TITLES = PEOPLE_RULES.words("counterpart_titles")
_GLUE = PEOPLE_RULES["glue"]
_PAIR_JOIN = PEOPLE_RULES["pair_join"]
_NAME_WORD = r"(?<![\w])\w[\w'’.-]*"
_CAPITALISED_RUN = re.compile(rf"{_NAME_WORD}(?:\s+{_NAME_WORD}){{0,4}}")
_PRONOUN = PEOPLE_RULES["pronoun"]
_PLACE_BEFORE = PEOPLE_RULES["place_before"]
_NAMED_BY_HONORIFIC = PEOPLE_RULES["named_by_honorific"]


@dataclass
class Span:
    start: int
    end: int
    text: str


@dataclass
class Person:
    """Someone (or some country) a sentence names."""

    start: int
    end: int
    text: str
    country_iso3: str | None
    role: str | None = None
    actor_id: str | None = None
    name: str | None = None
    is_reference: bool = False
    is_principal: bool = True
    kind: str = "person"  # person | role | country | pronoun

    @property
    def identity(self) -> str:
        return self.actor_id or f"{self.country_iso3}:{self.role or ''}"


@dataclass
class ArticleMemory:
    """What an article has named so far: short names resolve only after the full one."""

    seen_actor_ids: set[str] = field(default_factory=set)
    last_people: list[Person] = field(default_factory=list)
    last_call_parties: list[Person] = field(default_factory=list)
    mentions: dict[str, int] = field(default_factory=dict)  # how often each reference actor was named
    people_by_actor: dict[str, Person] = field(default_factory=dict)
    roles_by_actor: dict[str, str] = field(default_factory=dict)  # the office the article first gave each actor
    last_call_date: DateMention | None = None  # the date of the call last reported ("Cùng ngày, ..." refers to it)


class Gazetteer:
    """Matchers over the reference data: titles, countries and actor names, all found in one pass."""

    # The sentences whose aliases are remembered: an article's calls and aid read each sentence in turn,
    # so the aid pass finds the calls pass's work; bounded, so a long run holds no more than this.
    SCANS_KEPT = 1024

    def __init__(self, ref: Reference):
        self.ref = ref
        self._title_tails = tuple(ref.titles)
        self._title_words = frozenset(ref.titles)
        self._longest_title = max(map(len, ref.titles), default=0)
        self._matcher = AliasMatcher(
            {"actor": ref.actor_aliases, "title": list(ref.titles) + list(_COUNTERPART_TITLES),
             "country": ref.country_aliases},
            ignore_case={"title"},
        )
        self._scans: OrderedDict[str, dict[str, list[tuple[int, int]]]] = OrderedDict()
        # find_people's answers, by sentence, masked spans and the short names already named in full
        self.people_found: OrderedDict[tuple[str, tuple[tuple[int, int], ...], frozenset[str]], list[Person]] = \
            OrderedDict()

    def short_name_ids(self, text: str) -> set[str]:
        """The actors a short name in `text` may be (whether the article named them before can matter)."""
        aliases = self.ref.actor_aliases
        return {actor_id for span in self.actors(text) for actor_id, kind in aliases.get(span.text, ())
                if kind != "full"}

    def ends_with_title(self, text: str) -> bool:
        """`_ends_with_word(text, ref.titles)`, looking up only the suffixes of `text` that start a word."""
        n = len(text)
        return any(text[k:] in self._title_words and (k == 0 or not text[k - 1].isalnum())
                   for k in range(max(0, n - self._longest_title), n + 1))

    @property
    def title_tails(self) -> tuple[str, ...]:
        """The role titles: a capitalised word ending one is a title, not a name ("Thủ tướng Anh")."""
        return self._title_tails

    def scan(self, text: str) -> dict[str, list[tuple[int, int]]]:
        """Every alias occurrence in `text`, per kind, found in one pass (and remembered)."""
        found = self._scans.get(text)
        if found is None:
            found = self._scans[text] = self._matcher.occurrences(text)
            if len(self._scans) > self.SCANS_KEPT:
                self._scans.popitem(last=False)
        else:
            self._scans.move_to_end(text)
        return found

    def forget(self) -> None:
        """Drop what was remembered of the sentences read so far."""
        self._scans.clear()
        self.people_found.clear()

    def _spans(self, kind: str, text: str, limit: int | None = None) -> list[Span]:
        return [Span(a, b, text[a:b]) for a, b in self._matcher.spans(text, self.scan(text)[kind], limit)]

    def titles(self, text: str) -> list[Span]:
        return self._spans("title", text)

    def countries(self, text: str, limit: int | None = None) -> list[Span]:
        """The countries in `text`, or (with `limit`) in `text[:limit]`, found from the scan of all of `text`."""
        return self._spans("country", text, limit)

    def actors(self, text: str) -> list[Span]:
        return self._spans("actor", text)


def find_people(text: str, gaz: Gazetteer, memory: ArticleMemory, masked: list[tuple[int, int]] = ()) -> list[Person]:
    """People, roles and countries named in `text`, in reading order.

    The calls and the aid pass both read every sentence: what the first found is given again
    to the second when nothing it depends on differs (the masked spans, and which of the
    sentence's short names the article has already named in full), as fresh copies, since
    callers keep and change the people they get.
    """
    short_ids = gaz.short_name_ids(text)
    key = (text, tuple(masked), frozenset(short_ids & memory.seen_actor_ids))
    people = gaz.people_found.get(key)
    if people is None:
        people = gaz.people_found[key] = _find_people(text, gaz, memory.seen_actor_ids, masked)
        if len(gaz.people_found) > gaz.SCANS_KEPT:
            gaz.people_found.popitem(last=False)
    return [replace(p) for p in people]


def _find_people(text: str, gaz: Gazetteer, seen_actor_ids: set[str], masked: list[tuple[int, int]]) -> list[Person]:
    ref = gaz.ref

    def free(span: Span, taken: list[tuple[int, int]]) -> bool:
        return all(span.end <= a or span.start >= b for a, b in taken)

    taken: list[tuple[int, int]] = list(masked)
    titles, actors, countries = [], [], []
    # Longest match wins across all kinds ("Trung Quốc" the country over "Trung" a short name);
    # on equal length a person's name beats a title, and a title beats a country.
    candidates = (
        [(s, 0 if _has_full_alias(ref, s.text) else 3, "actor") for s in gaz.actors(text)]
        + [(s, 1, "title") for s in gaz.titles(text)]
        + [(s, 2, "country") for s in gaz.countries(text)]
    )
    # on equal length the earlier span wins ("Trung Quốc Vương Tiểu Hồng": the country, not "Quốc Vương").
    candidates.sort(key=lambda c: (c[0].start - c[0].end, c[0].start, c[1]))
    for span, _, kind in candidates:
        if not free(span, taken):
            continue
        if kind == "actor":
            entries = ref.actor_aliases.get(span.text, [])
            full = [a for a, alias_kind in entries if alias_kind == "full"]
            short = [a for a, alias_kind in entries if alias_kind != "full"]
            before = text[:span.start].rstrip()
            # "Ngoại trưởng Mỹ Blinken": a title and a country before a short name also vouch for it.
            trailing_country = [c for c in gaz.countries(text, len(before)) if c.end == len(before)]
            bare = before[:trailing_country[0].start].rstrip() if trailing_country else before
            after_title_or_honorific = any(_ends_with_word(b, HONORIFICS) or gaz.ends_with_title(b.lower())
                                           for b in {before, bare})
            chosen = full or ([a for a in short if a in seen_actor_ids]
                              or (short if after_title_or_honorific else []))
            if not full and not [a for a in short if a in seen_actor_ids] \
                    and _runs_into_a_name(text, span) and not _COMMON_COMPOUND.match(text[span.start:]) \
                    and not re.match(r"\s+(?:và|cho|nói|cũng|đã|sẽ)\b", text[span.end:]):
                chosen = []  # "Vương Tiểu Hồng" is not "Vương" (Wang Yi): a longer capitalised name follows
            if not full and _COMMON_COMPOUND.match(text[span.start:]):
                chosen = []  # "Chính phủ", "Trung ương" are nouns, not the short name "Chính"/"Trung"
            if not full and not after_title_or_honorific and _capitalised_before(text, span, ref):
                chosen = []  # "Dương" in "Đông Dương" (Indochina) is a syllable of another name
            if not chosen:
                continue
            taken.append((span.start, span.end))
            actors.append((span, chosen))
        elif kind == "title":
            taken.append((span.start, span.end))
            titles.append(span)
        else:
            iso3, alias_kind = ref.country_aliases[span.text]
            if alias_kind == "short" and (not _in_pair(text, span) or _runs_into_a_name(text, span)):
                continue  # "Thái" in "châu Á - Thái Bình Dương" is the Pacific, not Thailand
            if " " not in span.text and _after_a_name(text, span, gaz.title_tails):
                continue  # "Tuấn Anh" is a person, not the United Kingdom
            taken.append((span.start, span.end))
            countries.append((span, iso3, alias_kind))

    pieces: list[tuple[str, Span, object]] = (
        [("title", s, ref.titles.get(s.text.lower())) for s in titles]
        + [("actor", s, c) for s, c in actors]
        + [("country", s, (iso3, kind)) for s, iso3, kind in countries]
    )
    pieces.sort(key=lambda p: p[1].start)
    people = _appositive_names(text, _group(text, pieces, ref), masked)
    for m in _PRONOUN.finditer(text):
        if m.group("next") and m.group("next").strip()[0].isupper():
            continue  # "ông Austin" names someone; a bare "ông" refers back
        if all(m.end() <= p.start or m.start() >= p.end for p in people) and free(Span(m.start(), m.end(), ""), masked):
            people.append(Person(m.start(), m.start() + 3 if m.group(0)[:3].lower() == "ông" else m.start() + 2,
                                 m.group(0).split()[0], None, kind="pronoun"))
    people.sort(key=lambda p: p.start)
    return people


def _appositive_names(text: str, people: list[Person], masked: list[tuple[int, int]]) -> list[Person]:
    """"ông Mahmud Karim, Trưởng cố vấn Chính phủ lâm thời Bangladesh, ...": a name the reference does not
    know, whose office and country an appositive gives, is one person (not an office and a country)."""
    for m in _NAMED_BY_HONORIFIC.finditer(text):
        name_start, name_end = m.span("name")
        if any(p.start < name_end and name_start < p.end for p in people) or any(
                a < name_end and name_start < b for a, b in masked):
            continue
        described, countries = _appositive(text, m.end(), people)
        titles = [p for p in described if p.kind == "role" and p.role]
        party_office = m.group(0).lower().startswith("đồng chí")  # party offices are not reference titles
        if not (titles or party_office) or len(countries) != 1 or any(p.actor_id for p in described):
            continue
        if not _is_proper_noun(text, name_start, m["name"]):
            continue
        role = titles[0].role if titles else "official"
        person = Person(m.start(), name_end, text[m.start():name_end], countries[0], role,
                        actor_id=f"x-{slugify(m['name'])}", name=m["name"], is_reference=False,
                        is_principal=titles[0].is_principal if titles else True)
        people = [p for p in people if p not in described] + [person]
    return sorted(people, key=lambda p: p.start)


def _appositive(text: str, start: int, people: list[Person]) -> tuple[list[Person], list[str]]:
    """What the appositive after a name mentions: its first comma-separated part, or more parts (up to three)
    until one names a country ("Ủy viên Bộ Chính trị, Bí thư Trung ương Đảng Cộng sản Trung Quốc")."""
    end = start
    described: list[Person] = []
    for _ in range(3):
        stop = next((i for i in range(end, min(len(text), end + 90)) if text[i] in ",.;"), None)
        if stop is None:
            break
        described = [p for p in people if start <= p.start and p.end <= stop]
        countries = list(dict.fromkeys(p.country_iso3 for p in described if p.country_iso3))
        if countries or text[stop] != ",":
            return described, countries
        end = stop + 1
    return described, []


def _has_full_alias(ref: Reference, alias: str) -> bool:
    """Short aliases ("Trung", "Lâm") lose a tie against a country or title of the same length."""
    return any(kind == "full" for _, kind in ref.actor_aliases.get(alias, []))


def _after_a_name(text: str, span: Span, title_tails: tuple[str, ...]) -> bool:
    """A single-word country right after a capitalised word that is not a title is part of a name."""
    previous = re.search(r"(?<!\w)(\w+)\s+$", text[:span.start])
    if not previous or not previous.group(1)[0].isupper():
        return False
    word = previous.group(1)
    head = text[:span.start].rstrip()
    return not (head.lower().endswith(title_tails) or word in _NAME_GLUE_WORDS)


_NAME_GLUE_WORDS = set(PEOPLE_RULES.words("name_glue_words"))


def _ends_with_word(text: str, words: Iterable[str]) -> bool:
    """`text` ends with one of `words` as a whole word ("Đông" does not end with the honorific "ông")."""
    return any(text.endswith(w) and (len(text) == len(w) or not text[-len(w) - 1].isalnum()) for w in words)


def _runs_into_a_name(text: str, span: Span) -> bool:
    """A short alias followed by another capitalised syllable is the start of a longer name."""
    return bool(re.match(r" \w", text[span.end:span.end + 2])) and text[span.end + 1].isupper()


def _capitalised_before(text: str, span: Span, ref: Reference) -> bool:
    """A short alias right after a capitalised syllable that names nothing itself ("Đông Dương")
    is the end of a longer name; after a country ("Tổng thống Nga Putin") it is a name."""
    previous = re.search(r"(?<!\w)(\w+) $", text[max(0, span.start - 30):span.start])
    return bool(previous) and previous.group(1)[0].isupper() and previous.group(1) not in ref.country_aliases


def _in_pair(text: str, span: Span) -> bool:
    """`Trung` means China only inside a pair such as `Mỹ - Trung` or `Việt - Trung`."""
    return bool(
        re.search(r"[\wỹ]+\s*[-–]\s*$", text[:span.start]) or re.match(r"^\s*[-–]\s*\w", text[span.end:])
    )


def _group(text: str, pieces: list[tuple[str, Span, object]], ref: Reference) -> list[Person]:
    people: list[Person] = []
    i = 0
    while i < len(pieces):
        kind, span, payload = pieces[i]
        if kind == "title":
            title = payload
            role = COUNTERPART if span.text.lower() in _COUNTERPART_TITLES else (title.role if title else None)
            principal = True if role == COUNTERPART else (title.is_principal if title else True)
            implied = title.implied_country if title else None
            group_countries: list[tuple[Span, str]] = []
            actor: tuple[Span, list[str]] | None = None
            end = span.end
            j = i + 1
            # Chained titles ("Tổng Bí thư, Chủ tịch nước") merge into one combined role.
            while j < len(pieces) and pieces[j][0] == "title" and _glue(text, end, pieces[j][1].start):
                nxt = pieces[j][2]
                if nxt and nxt.role != role and nxt.is_principal:
                    if role in (None, "official") or not principal:
                        role = nxt.role  # "Ủy viên Quốc vụ, Ngoại trưởng": the office that calls is the minister's
                    elif nxt.role not in role:
                        role = f"{role} and {nxt.role}"
                    principal = True
                end = pieces[j][1].end
                j += 1
            while j < len(pieces):
                k2, s2, p2 = pieces[j]
                gap = text[end:s2.start]
                if k2 == "country" and (_glue(text, end, s2.start) or (group_countries and _PAIR_JOIN.match(gap))):
                    group_countries.append((s2, p2[0]))
                    end = s2.end
                    j += 1
                    continue
                if k2 == "actor" and _glue(text, end, s2.start) and actor is None:
                    actor = (s2, p2)
                    end = s2.end
                    j += 1
                break
            if actor is None and (group_countries or implied):
                unknown = _unknown_name(text, end)
                if unknown:
                    actor_name, name_end = unknown
                    people.append(Person(
                        span.start, name_end, text[span.start:name_end],
                        group_countries[0][1] if group_countries else implied, role,
                        actor_id=f"x-{slugify(actor_name)}", name=actor_name, is_reference=False,
                        is_principal=principal,
                    ))
                    i = j
                    continue
            if actor is not None:
                a_span, candidates = actor
                actor_id, country = _choose_actor(candidates, group_countries, implied, role, ref)
                people.append(Person(
                    span.start, a_span.end, text[span.start:a_span.end], country, role,
                    actor_id=actor_id, name=a_span.text, is_reference=True, is_principal=principal,
                ))
            elif group_countries:
                for c_span, iso3 in group_countries:
                    people.append(Person(
                        span.start, c_span.end, text[span.start:c_span.end], iso3, role,
                        is_principal=principal, kind="role",
                    ))
            elif implied or role == COUNTERPART or role:
                people.append(Person(span.start, end, text[span.start:end], implied, role,
                                     is_principal=principal, kind="role"))
            i = j
            continue
        if kind == "actor":
            candidates = payload
            actor_id, country = _choose_actor(candidates, [], None, None, ref)
            people.append(Person(span.start, span.end, span.text, country, None, actor_id=actor_id,
                                 name=span.text, is_reference=True))
        elif kind == "country":
            iso3, alias_kind = payload
            people.append(Person(span.start, span.end, span.text, iso3, None, kind="country"))
        i += 1
    return people


def _glue(text: str, start: int, end: int) -> bool:
    return end - start <= 45 and bool(_GLUE.match(text[start:end]))


def _choose_actor(candidates: list[str], countries: list[tuple[Span, str]], implied: str | None,
                  role: str | None, ref: Reference) -> tuple[str, str]:
    wanted = {iso3 for _, iso3 in countries} | ({implied} if implied else set())
    scored = []
    for actor_id in candidates:
        periods = ref.periods_by_actor.get(actor_id, [])
        if not periods:
            continue
        country = periods[0].country_iso3
        score = (country in wanted) * 2 + any(role and role in p.role for p in periods)
        scored.append((score, actor_id, country))
    scored.sort(key=lambda t: (-t[0], t[1]))
    _, actor_id, country = scored[0]
    if not wanted:
        # No title or country in the text: the country of the person's latest office.
        country = max(ref.periods_by_actor[actor_id], key=lambda p: p.valid_from).country_iso3
    return actor_id, country


def _unknown_name(text: str, start: int) -> tuple[str, int] | None:
    """A capitalised name right after a title and country, confirmed as a proper noun."""
    rest = text[start:]
    lead = re.match(r"^[\s,–—-]*(?:(?:Đại tướng|Thượng tướng|Tướng|ông|bà)\s+)?", rest)
    offset = lead.end() if lead else 0
    m = _CAPITALISED_RUN.match(rest, offset)
    if not m:
        return None
    words = []
    for word in m.group(0).split():
        if not word[0].isupper():
            break
        words.append(word)
    name = " ".join(words).rstrip(".")
    if len(name) < 3 or not _is_proper_noun(text, start + m.start(), name):
        return None
    return name, start + offset + len(name)


@lru_cache(maxsize=4096)
def _tagged(text: str) -> tuple[tuple[str, str, str], ...]:
    """underthesea's word segmentation with part-of-speech and NER tags, per word."""
    from underthesea import ner  # heavy: loaded on first use only

    return tuple((word, pos, entity) for word, pos, _chunk, entity in ner(text))


def _is_proper_noun(text: str, start: int, name: str) -> bool:
    """underthesea must see the name's first word as a proper noun (Np) or a person (PER)."""
    first = name.split()[0]
    for word, pos, entity in _tagged(text):
        if word.split()[0] == first or word.startswith(first):
            return pos == "Np" or entity.endswith("PER")
    return False

