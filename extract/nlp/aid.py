"""Finding aid amounts and linking them to a donor and a recipient.

One row per distinct grant or package: a conversion in brackets
("(khoảng 27 tỷ đồng)"), a running total ("nâng tổng ... lên"), an itemised
part of a package already counted ("bao gồm 4,5 tỷ USD ...") and a repeat of
the same amount in a near-identical sentence are not new rows.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from datetime import date
from itertools import combinations, pairwise

from extract.nlp.dates import PublishedDate, find_dates, resolve_with_reference
from extract.nlp.document import Article
from extract.nlp.money import MoneyMention, find_money
from extract.nlp.people import Gazetteer, Person, find_people
from extract.nlp.reference import HOME_COUNTRY
from extract.nlp.rulebook import load_rules

AID_RULES = load_rules("aid")

AID_WORDS = AID_RULES["aid_words"]
NOT_AID = AID_RULES["not_aid"]
RUNNING_TOTAL = AID_RULES["running_total"]
TRANCHE = AID_RULES["tranche"]
PART_OF_PREVIOUS = AID_RULES["part_of_previous"]
ITEMISED = AID_RULES["itemised"]
# Tried in file order: the first kind (status) whose words appear wins.
KIND_WORDS = list(load_rules("aid_kinds").items())
STATUS_WORDS = list(load_rules("aid_status").items())
_RECIPIENT_BEFORE = AID_RULES["recipient_before"]
SPECULATIVE = AID_RULES["speculative"]
_NON_STATE_AGENT = AID_RULES["non_state_agent"]
_ORG_NAME_BEFORE = AID_RULES["org_name_before"]
_DISTRIBUTIVE = AID_RULES["distributive"]
_LIST_GAP = AID_RULES["list_gap"]
_RECEIVES = AID_RULES["receives"]
_LOCATED = AID_RULES["located"]
_DONOR_AFTER = AID_RULES["donor_after"]
_GIVES_TO = AID_RULES["gives_to"]
_FIRST_PERSON = AID_RULES["first_person"]


INFERRED_RECIPIENT_CONFIDENCE = 0.6  # the receiver is the article's, not the sentence's
CANDIDATE_CONFIDENCE = 0.3


@dataclass
class AidMention:
    sentence_index: int
    evidence: str
    money: MoneyMention
    donor_iso3: str | None
    recipient_iso3: str | None
    aid_kind: str
    status: str
    reported_date: date | None
    confidence: float
    # The sentence itself says who gives (receives), even if that is no country: the neighbours' do not apply.
    donor_told: bool = False
    recipient_told: bool = False


def extract_aid(article: Article, gaz: Gazetteer) -> list[AidMention]:
    """Aid amounts between two countries, then the amounts that lack a donor or a recipient (candidates)."""
    sentences, published = article.sentences, article.published
    memory = article.reading()
    found: list[AidMention] = []
    conversions: list[tuple[str | None, str | None, float, str]] = []
    named_countries: Counter[str] = Counter()
    for index, sentence in enumerate(sentences):
        money = find_money(sentence)
        masks = [(m.start, m.end) for m in money]
        people = find_people(sentence, gaz, memory, masks)
        memory.seen_actor_ids.update(p.actor_id for p in people if p.actor_id)
        named_countries.update(p.country_iso3 for p in people
                               if p.country_iso3 and p.kind != "pronoun" and p.is_principal)
        if not money or not AID_WORDS.search(sentence):
            continue
        if PART_OF_PREVIOUS.match(sentence) and found:
            continue  # "Trong gói viện trợ này, 30 triệu ...": a part of the package already counted
        kept = _package_amounts(sentence, money)
        for amount in money:  # remember bracketed conversions of a kept amount
            if amount not in kept and kept and all(k.currency != amount.currency for k in kept):
                d, r = _parties(sentence, people, kept[0])
                conversions.append((d, r, amount.amount, amount.currency))
        for amount in kept:
            window = sentence[max(0, amount.start - 60):amount.end + 30]
            if NOT_AID.search(window) or SPECULATIVE.search(window):
                continue
            if _non_state(sentence, people, amount):
                continue
            donor, recipient = _parties(sentence, people, amount)
            recipients = _distributive(sentence, people, recipient) if _DISTRIBUTIVE.search(sentence) else []
            if len(recipients) > 1:  # "X cho mỗi nước": one row per listed recipient
                others = [p for p in people if p.country_iso3 and p.kind != "pronoun"
                          and p.country_iso3 not in recipients and p.end <= amount.start]
                donor = donor if donor not in recipients else (others[-1].country_iso3 if others else None)
            for rec in recipients if len(recipients) > 1 else [recipient]:
                found.append(AidMention(
                    index, sentence, amount, donor, rec, _kind(sentence, amount), _status(sentence),
                    _reported_date(sentence, published), 0.8 if donor and rec else 0.5,
                    donor_told=donor is not None or bool(AID_RULES["collective_givers"].search(sentence)),
                    recipient_told=rec is not None or bool(AID_RULES["non_country_recipient"].match(sentence, amount.end)),
                ))
    _fill_from_context(found)
    _fill_main_recipient(found, named_countries)
    # A lone amount that the article elsewhere gives as the conversion of another is that package.
    found = [f for f in found if not any(
        (d in (None, f.donor_iso3)) and (r in (None, f.recipient_iso3)) and c == f.money.currency
        and abs(a - f.money.amount) <= 0.01 * a for d, r, a, c in conversions)]
    facts = _drop_sums(_dedupe([f for f in found if is_between_two_countries(f)]))
    # An amount with a missing or identical end is not aid between two countries, but it is kept as a
    # candidate for analysts (marts.fct_aid_candidate), unless it repeats an amount already placed.
    placed = {(f.money.amount, f.money.currency) for f in facts}
    candidates = [replace(f, confidence=CANDIDATE_CONFIDENCE) for f in found
                  if not is_between_two_countries(f) and (f.money.amount, f.money.currency) not in placed]
    return facts + _dedupe(candidates)


def is_between_two_countries(aid: AidMention) -> bool:
    """Aid is money or goods from one country to another: both ends known, and distinct."""
    return bool(aid.donor_iso3 and aid.recipient_iso3 and aid.donor_iso3 != aid.recipient_iso3)


def _drop_sums(found: list[AidMention]) -> list[AidMention]:
    """A figure that only adds up other rows of the article (a headline total) is not a package."""
    keep = []
    for row in found:
        others = [o for o in found if o is not row and (o.donor_iso3, o.recipient_iso3, o.money.currency)
                  == (row.donor_iso3, row.recipient_iso3, row.money.currency) and o.money.amount < row.money.amount]
        # A total is said as one ("tổng"), or told before the parts that make it up (a headline);
        # 100, 200 and then 300 million are three payments.
        says_total = bool(AID_RULES["says_total"].search(row.evidence))
        is_sum = any(abs(sum(o.money.amount for o in combo) - row.money.amount) <= 0.005 * row.money.amount
                     and (says_total or all(o.sentence_index > row.sentence_index for o in combo))
                     for k in (2, 3) for combo in combinations(others, k))
        if not is_sum:
            keep.append(row)
    return keep


_GIVE_VERB = AID_RULES["give_verb"]


def _non_state(sentence: str, people: list[Person], amount: MoneyMention) -> bool:
    """The giver is an organisation: "Seoul cho phép 12 tổ chức dân sự gửi ... 2,13 triệu USD",
    "Chủ tịch Hội Hữu nghị Việt Nam-Myanmar đã trao ... 540.750.000 đồng"."""
    verbs = [m for m in _GIVE_VERB.finditer(sentence, 0, amount.start)]
    if not verbs:
        return False
    verb = verbs[-1]
    lo = max(0, verb.start() - 80)
    agents = list(_NON_STATE_AGENT.finditer(sentence, lo, verb.start()))
    if not agents:
        return False
    states = [p for p in people if p.country_iso3 and p.kind != "pronoun" and lo <= p.start < verb.start()
              and not _ORG_NAME_BEFORE.search(sentence[:p.start])]
    return not states or states[-1].start < agents[-1].start()


def _distributive(sentence: str, people: list[Person], first: str | None) -> list[str]:
    """The recipients listed from `first` on ("cho mỗi nước Lào và Campuchia"): one row each."""
    located = [p for p in people if p.country_iso3 and p.kind != "pronoun"]
    start = next((i for i, p in enumerate(located) if p.country_iso3 == first
                  and _RECIPIENT_BEFORE.search(sentence[:p.start])), None)
    if start is None:
        return []
    out = [located[start].country_iso3]
    for prev, nxt in zip(located[start:], located[start + 1:], strict=False):
        if not _LIST_GAP.match(sentence[prev.end:nxt.start]):
            break
        if nxt.country_iso3 not in out:
            out.append(nxt.country_iso3)
    return out


def _package_amounts(sentence: str, money: list[MoneyMention]) -> list[MoneyMention]:
    kept: list[MoneyMention] = []
    for amount in money:
        before = sentence[:amount.start]
        if AID_RULES["conversion_in_brackets"].search(before):
            continue  # "(3 tỷ USD)": a conversion of an amount already given
        if amount is not money[0] and AID_RULES["conversion_after"].search(before):
            continue  # "800.000 bảng Anh, tương đương khoảng 27 tỷ đồng": a conversion of the amount before it
        if kept and ITEMISED.search(sentence, kept[0].end, amount.start):
            continue  # a part of the package already counted
        if RUNNING_TOTAL.search(before[-120:]):
            continue
        kept.append(amount)
    return kept


def _parties(sentence: str, people: list[Person], amount: MoneyMention) -> tuple[str | None, str | None]:
    located = [p for p in people if p.country_iso3 and p.kind != "pronoun"]
    recipient = None
    for person in located:
        if person.start >= amount.start - 5 and _RECIPIENT_BEFORE.search(sentence[:person.start]):
            recipient = person.country_iso3
            break
    if recipient is None and _FIRST_PERSON.search(sentence[amount.start - 40:amount.start]):
        speakers = [p for p in located if p.end <= amount.start]
        recipient = speakers[0].country_iso3 if speakers else None
        located = [p for p in located if p is not (speakers[0] if speakers else None)]
    if recipient is None:
        for person in located:
            if _RECIPIENT_BEFORE.search(sentence[:person.start]) and not _LOCATED.search(sentence[:person.start]):
                recipient = person.country_iso3
                break
    donors_before = [
        p for p in located if p.end <= amount.start and p.country_iso3 != recipient
        and not _RECIPIENT_BEFORE.search(sentence[:p.start]) and not _LOCATED.search(sentence[:p.start])
    ]
    # After the amount a donor needs a cue ("gói 500.000 USD mà Mỹ đã cung cấp", "của Anh").
    donors_after = [
        p for p in located if p.start >= amount.end and p.country_iso3 != recipient
        and _DONOR_AFTER.search(sentence[:p.start])
    ]
    donor = donors_before[-1].country_iso3 if donors_before else (
        donors_after[0].country_iso3 if donors_after else None)
    receiver = next((p for p in reversed(located) if p.end <= amount.start
                     and _RECEIVES.match(sentence, p.end, amount.start)), None)
    if receiver is not None and donors_after:
        # "Syria nhận khoản hỗ trợ 30 triệu nhân dân tệ từ Trung Quốc": the subject receives.
        donor, recipient = donors_after[0].country_iso3, receiver.country_iso3
    if recipient is None:
        # "Hàn Quốc viện trợ Việt Nam một triệu USD": subject, giving verb, object.
        pair = next(((a, b) for a, b in pairwise(located)
                     if b.end <= amount.start and a.country_iso3 != b.country_iso3
                     and _GIVES_TO.match(sentence[a.end:b.start])), None)
        if pair:
            donor, recipient = pair[0].country_iso3, pair[1].country_iso3
    if donor is None:  # a quoted pledge: the speaker's country gives ("“Hơn một tỷ bảng ...”, Bộ trưởng Anh Healey phát biểu")
        quote_end = max(sentence.rfind("”"), sentence.rfind('"'))
        speaker = [p for p in located if quote_end > amount.end and p.start > quote_end and p.kind in ("person", "role")
                   and p.country_iso3 != recipient]
        if speaker:
            donor = speaker[0].country_iso3
    return donor, recipient


def _kind(sentence: str, amount: MoneyMention) -> str:
    # The words describing the package sit around the amount, not in an itemised tail.
    head = sentence[:amount.end + 160]
    itemised = ITEMISED.search(head, amount.end)
    if itemised:
        head = head[:itemised.start()]
    for kind, pattern in KIND_WORDS:
        if pattern.search(head):
            return kind
    return "unspecified"


def _status(sentence: str) -> str:
    for status, pattern in STATUS_WORDS:
        if pattern.search(sentence):
            return status
    return "unknown"


def _reported_date(sentence: str, published: PublishedDate | None) -> date | None:
    if published is None:
        return None
    for mention in find_dates(sentence):
        if mention.month is None:
            continue  # "8,25 tỷ euro đến năm 2029": a year is the package's horizon, not the day it was told
        resolved = resolve_with_reference(mention, published.reference, "inferred-from-published")
        if resolved and resolved.value <= published.reference:
            return resolved.value
    return published.value


def _fill_from_context(found: list[AidMention]) -> None:
    """"Khoản viện trợ này ..." continues the donor and recipient of the amount before it, unless the
    sentence names its own giver or receiver that is no country ("cộng đồng quốc tế", "cho chương trình này")."""
    for i, mention in enumerate(found):
        previous = found[i - 1] if i else None
        following = found[i + 1] if i + 1 < len(found) else None
        for neighbour in (previous, following):
            if neighbour is None:
                continue
            if (mention.donor_iso3 is None and not mention.donor_told and neighbour.donor_iso3
                    and neighbour.donor_iso3 != mention.recipient_iso3):
                mention.donor_iso3 = neighbour.donor_iso3
            if (mention.recipient_iso3 is None and not mention.recipient_told and neighbour.recipient_iso3
                    and neighbour.recipient_iso3 != mention.donor_iso3):
                mention.recipient_iso3 = neighbour.recipient_iso3


def _fill_main_recipient(found: list[AidMention], named_countries: Counter[str]) -> None:
    """A donor's amount whose sentence names no receiver goes to Vietnam when the article is about aid to
    Vietnam: Vietnamese outlets leave their own country out ("Hàn Quốc công bố khoản viện trợ khẩn cấp 1 triệu
    USD"), as they leave out their own officials' country. It is so when Vietnam is the country the article
    names most (at least twice, more than any other) and no amount in it goes elsewhere."""
    donors = {f.donor_iso3 for f in found if f.donor_iso3}
    ranked = [(c, n) for c, n in named_countries.most_common() if c not in donors]
    elsewhere = any(f.recipient_iso3 not in (None, HOME_COUNTRY) for f in found)
    if elsewhere or not ranked or ranked[0][0] != HOME_COUNTRY or ranked[0][1] < 2 \
            or (len(ranked) > 1 and ranked[1][1] == ranked[0][1]):
        return
    for mention in found:
        if mention.donor_iso3 and mention.recipient_iso3 is None and not mention.recipient_told \
                and mention.donor_iso3 != HOME_COUNTRY:
            mention.recipient_iso3 = HOME_COUNTRY
            mention.confidence = INFERRED_RECIPIENT_CONFIDENCE


def _dedupe(found: list[AidMention]) -> list[AidMention]:
    """The same amount between the same countries again (title, lead, recap) is one package,
    unless the later sentence marks a separate tranche ("nối tiếp gói 500.000 USD ... hồi tháng 10")."""
    kept: list[AidMention] = []
    for mention in found:
        key = (mention.donor_iso3, mention.recipient_iso3, mention.money.amount, mention.money.currency)
        twin = next(
            (k for k in kept if (k.donor_iso3, k.recipient_iso3, k.money.amount, k.money.currency) == key),
            None,
        )
        # The headline announces the package the lead then tells, "bổ sung" or not.
        if twin is None or (twin.sentence_index > 0 and _separate_tranche(twin.evidence, mention.evidence)):
            kept.append(mention)
    return kept


def _separate_tranche(earlier: str, later: str) -> bool:
    if TRANCHE.search(later):
        return True
    dates_earlier = {(d.day, d.month, d.year) for d in find_dates(earlier) if d.month}
    dates_later = {(d.day, d.month, d.year) for d in find_dates(later) if d.month}
    return bool(dates_earlier) and bool(dates_later) and not (dates_later & dates_earlier)
