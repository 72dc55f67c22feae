"""Scoring a built warehouse against gold facts.

`python -m extract.scoring.evaluate --warehouse W --gold G` prints precision, recall
and F1 for calls (participant countries + date) and aid rows (donor,
recipient, amount within 1 %, currency), participant-name accuracy,
initiator accuracy, duplicate call rows, and every miss.

Facts are matched per article: a gold call of file F is found when one of the
calls the warehouse attributes to F has the same participant countries and the
same date at the gold's precision.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from extract.nlp.reference import strip_accents


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Report:
    calls: Score = field(default_factory=Score)
    aid: Score = field(default_factory=Score)
    names_correct: int = 0
    names_total: int = 0
    initiator_correct: int = 0
    initiator_total: int = 0
    initiator_invented: int = 0
    duplicate_call_rows: int = 0
    misses: list[str] = field(default_factory=list)

    @property
    def name_accuracy(self) -> float:
        return self.names_correct / self.names_total if self.names_total else 1.0

    @property
    def initiator_accuracy(self) -> float:
        return self.initiator_correct / self.initiator_total if self.initiator_total else 1.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "calls": {"precision": self.calls.precision, "recall": self.calls.recall, "f1": self.calls.f1,
                      "tp": self.calls.tp, "fp": self.calls.fp, "fn": self.calls.fn},
            "aid": {"precision": self.aid.precision, "recall": self.aid.recall, "f1": self.aid.f1,
                    "tp": self.aid.tp, "fp": self.aid.fp, "fn": self.aid.fn},
            "participant_name_accuracy": self.name_accuracy,
            "initiator_accuracy": self.initiator_accuracy,
            "initiator_invented": self.initiator_invented,
            "duplicate_call_rows": self.duplicate_call_rows,
            "misses": self.misses,
        }


def _date_key(call_date: str | None, precision: str) -> str | None:
    """The date at its precision; None for an undated call (gold writes `date: null` for those)."""
    if call_date is None:
        return None
    return call_date[:7] if precision == "month" else (call_date[:4] if precision == "year" else call_date[:10])


def _name_matches(gold: str, ours: str | None) -> bool:
    if not ours:
        return False
    g = strip_accents(gold).lower().replace(".", "").replace("-", " ").split()
    o = strip_accents(ours).lower().replace(".", "").replace("-", " ").split()
    if not g or not o:
        return False
    # "Charles Q. Brown" = "Charles Brown"; "Yoon Suk Yeol" = "Yoon Suk-yeol".
    return g[0] == o[0] and g[-1] == o[-1] or set(g) == set(o)


def load_predictions(warehouse: Path) -> dict[str, dict[str, list[dict[str, Any]]]]:
    """Calls and aid rows the warehouse attributes to each article file name."""
    import duckdb

    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        calls = con.execute(
            """
            select distinct a.source_uri, c.call_id, c.call_date::varchar, c.date_precision,
                   c.participant_countries, c.initiator_country_iso3
            from marts.fct_call_mention m
            join marts.fct_call c using (call_id)
            join marts.dim_article a using (article_id)
            """
        ).fetchall()
        participants = con.execute(
            """
            select b.call_id, b.country_iso3, coalesce(d.canonical_name, b.name_as_reported)
            from marts.bridge_call_participant b
            left join marts.dim_actor d on d.actor_key = b.actor_key
            """
        ).fetchall()
        aid = con.execute(
            """
            select a.source_uri, f.donor_iso3, f.recipient_iso3, f.amount, f.currency, f.evidence_text
            from marts.fct_aid f join marts.dim_article a using (article_id)
            """
        ).fetchall()
    finally:
        con.close()
    names: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for call_id, country, name in participants:
        names[call_id].append((country, name))
    out: dict[str, dict[str, list[dict[str, Any]]]] = defaultdict(lambda: {"calls": [], "aid": []})
    for uri, call_id, call_date, precision, countries, initiator in calls:
        out[Path(uri).name]["calls"].append({
            "call_id": call_id, "key": (countries, _date_key(call_date, precision)),
            "initiator": initiator, "participants": names.get(call_id, []),
        })
    for uri, donor, recipient, amount, currency, evidence in aid:
        out[Path(uri).name]["aid"].append({
            "donor": donor, "recipient": recipient, "amount": float(amount), "currency": currency,
            "evidence": evidence,
        })
    return out


def rejected_files(warehouse: Path) -> set[str]:
    """File names of the inputs the run rejected (their facts count as a rejected article)."""
    import duckdb

    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        rows = con.execute("select distinct source_uri from audit.input_ledger where status = 'rejected'").fetchall()
    finally:
        con.close()
    return {Path(uri).name for (uri,) in rows}


def evaluate(predictions: dict[str, dict[str, list[dict[str, Any]]]], gold: list[dict[str, Any]]) -> Report:
    report = Report()
    call_ids_by_gold_key: dict[tuple[str, str], set[str]] = defaultdict(set)
    for article in gold:
        name = Path(article["file"]).name
        predicted = predictions.get(name, {"calls": [], "aid": []})
        _score_calls(report, name, article["calls"], predicted["calls"], call_ids_by_gold_key)
        _score_aid(report, name, article["aid"], predicted["aid"])
    report.duplicate_call_rows = sum(len(ids) - 1 for ids in call_ids_by_gold_key.values() if len(ids) > 1)
    return report


def _score_calls(report: Report, name: str, gold_calls: list[dict], predicted: list[dict],
                 call_ids_by_gold_key: dict[tuple[str, str], set[str]]) -> None:
    unmatched = list(predicted)
    for gold_call in gold_calls:
        countries = "|".join(sorted({p["country"] for p in gold_call["participants"]}))
        key = (countries, gold_call["date"])
        match = next((p for p in unmatched if p["key"] == key), None)
        if match is None:
            report.calls.fn += 1
            report.misses.append(f"{name}: missed call {key[0]} {key[1]}")
            continue
        unmatched.remove(match)
        report.calls.tp += 1
        call_ids_by_gold_key[key].add(match["call_id"])
        for participant in gold_call["participants"]:
            if not participant.get("name"):
                continue  # named only by role in the article: the country is what can be checked
            report.names_total += 1
            ours = [n for c, n in match["participants"] if c == participant["country"]]
            if any(_name_matches(participant["name"], n) for n in ours):
                report.names_correct += 1
            else:
                report.misses.append(f"{name}: participant {participant['name']} ({participant['country']}) given as {ours}")
        report.initiator_total += 1
        if match["initiator"] == gold_call.get("initiator_country"):
            report.initiator_correct += 1
        else:
            if gold_call.get("initiator_country") is None:
                report.initiator_invented += 1
            report.misses.append(
                f"{name}: initiator of {key[0]} {key[1]} is {gold_call.get('initiator_country')}, got {match['initiator']}")
    for extra in unmatched:
        report.calls.fp += 1
        report.misses.append(f"{name}: extra call {extra['key'][0]} {extra['key'][1]}")


def _score_aid(report: Report, name: str, gold_aid: list[dict], predicted: list[dict]) -> None:
    unmatched = list(predicted)
    for gold_row in gold_aid:
        match = next((p for p in unmatched if _aid_fits(p, gold_row)), None)
        if match is None:
            report.aid.fn += 1
            report.misses.append(
                f"{name}: missed aid {gold_row['donor']}->{gold_row['recipient']} {gold_row['amount']:,.0f} {gold_row['currency']}")
            continue
        unmatched.remove(match)
        report.aid.tp += 1
    for extra in unmatched:
        report.aid.fp += 1
        report.misses.append(
            f"{name}: extra aid {extra['donor']}->{extra['recipient']} {extra['amount']:,.0f} {extra['currency']}")


def _aid_fits(predicted: dict, gold_row: dict) -> bool:
    return (predicted["donor"] == gold_row["donor"] and predicted["recipient"] == gold_row["recipient"]
            and predicted["currency"] == gold_row["currency"]
            and abs(predicted["amount"] - gold_row["amount"]) <= 0.01 * gold_row["amount"])


MISS_CLASSES = ("call date", "call parties", "dropped call", "spurious call", "participant name", "initiator",
                "rejected article", "aid donor", "aid recipient", "aid amount", "dropped aid", "spurious aid")


def classify_misses(misses: list[str], rejected_files: set[str] = frozenset()) -> dict[str, int]:
    """Misses by class, so the next weakness shows at a glance.

    A missed and an extra call of one article pair up as a wrong date (same countries) or wrong
    parties (sharing a country); a missed and an extra aid row pair up as a wrong donor, recipient or
    amount. What is left is a dropped or a spurious fact; a missed fact of a rejected article counts
    as a rejected article.
    """
    counts = dict.fromkeys(MISS_CLASSES, 0)
    parsed = [_parse_miss(m) for m in misses]
    missed_calls = [p for p in parsed if p[0] == "missed call"]
    extra_calls = [p for p in parsed if p[0] == "extra call"]
    missed_aid = [p for p in parsed if p[0] == "missed aid"]
    extra_aid = [p for p in parsed if p[0] == "extra aid"]
    counts["participant name"] = sum(1 for p in parsed if p[0] == "participant")
    counts["initiator"] = sum(1 for p in parsed if p[0] == "initiator")
    for _, file, countries in missed_calls:
        if file in rejected_files:
            counts["rejected article"] += 1
            continue
        same = next((e for e in extra_calls if e[1] == file and e[2] == countries), None)
        near = same or next((e for e in extra_calls if e[1] == file and set(e[2].split("|")) & set(countries.split("|"))), None)
        if near is None:
            counts["dropped call"] += 1
            continue
        extra_calls.remove(near)
        counts["call date" if near is same else "call parties"] += 1
    counts["spurious call"] = len(extra_calls)
    for _, file, (donor, recipient, amount) in missed_aid:
        if file in rejected_files:
            counts["rejected article"] += 1
            continue
        pair = next((e for e in extra_aid if e[1] == file and sum(
            a == b for a, b in zip(e[2], (donor, recipient, amount), strict=True)) == 2), None)
        if pair is None:
            counts["dropped aid"] += 1
            continue
        extra_aid.remove(pair)
        wrong = [name for name, a, b in zip(("aid donor", "aid recipient", "aid amount"), pair[2],
                                             (donor, recipient, amount), strict=True) if a != b][0]
        counts[wrong] += 1
    counts["spurious aid"] = len(extra_aid)
    return counts


def _parse_miss(miss: str) -> tuple[str, str, Any]:
    file, _, rest = miss.partition(": ")
    words = rest.split()
    if rest.startswith(("missed call", "extra call")):
        return (" ".join(words[:2]), file, words[2])
    if rest.startswith(("missed aid", "extra aid")):
        donor, _, recipient = words[2].partition("->")
        return (" ".join(words[:2]), file, (donor, recipient, " ".join(words[3:])))
    return (words[0], file, None)


def format_report(report: Report, label: str, rejected_files: set[str] = frozenset()) -> str:
    lines = [
        f"== {label}",
        f"calls  P={report.calls.precision:.3f} R={report.calls.recall:.3f} F1={report.calls.f1:.3f} "
        f"(tp={report.calls.tp} fp={report.calls.fp} fn={report.calls.fn})",
        f"aid    P={report.aid.precision:.3f} R={report.aid.recall:.3f} F1={report.aid.f1:.3f} "
        f"(tp={report.aid.tp} fp={report.aid.fp} fn={report.aid.fn})",
        f"participant names {report.name_accuracy:.3f} ({report.names_correct}/{report.names_total})",
        f"initiator {report.initiator_accuracy:.3f} ({report.initiator_correct}/{report.initiator_total}), "
        f"invented {report.initiator_invented}",
        f"duplicate call rows {report.duplicate_call_rows}",
    ]
    classes = classify_misses(report.misses, rejected_files)
    lines.append("misses by class: " + (", ".join(f"{name} {n}" for name, n in classes.items() if n) or "none"))
    lines += [f"  - {miss}" for miss in report.misses]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--warehouse", type=Path, required=True)
    parser.add_argument("--gold", type=Path, required=True)
    parser.add_argument("--label", default=None)
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    args = parser.parse_args(argv)
    gold = json.loads(args.gold.read_text(encoding="utf-8"))
    report = evaluate(load_predictions(args.warehouse), gold)
    rejected = rejected_files(args.warehouse)
    print(format_report(report, args.label or str(args.gold), rejected))  # noqa: T201 - the command's output
    if args.json:
        figures = report.as_dict() | {"misses_by_class": classify_misses(report.misses, rejected)}
        args.json.write_text(json.dumps(figures, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
