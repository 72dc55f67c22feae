"""The project's own sample articles, extracted and compared with their gold facts."""

import json
from pathlib import Path

import pytest

from extract.nlp.pipeline import process_document
from extract.sources.inbox import read_file
from extract.tasks.settings import PROJECT_ROOT

GOLD = json.loads((Path(__file__).resolve().parents[2] / "fixtures" / "sample_inbox_gold.json").read_text("utf-8"))


@pytest.mark.parametrize("article", GOLD, ids=[a["file"] for a in GOLD])
def test_sample_article_facts(article, gazetteer):
    rows = process_document(read_file(PROJECT_ROOT / "sample_inbox" / article["file"]), gazetteer, "test")
    participants = rows.tables["article_call_participants"]
    found_calls = sorted(
        (
            "|".join(sorted(p["country_iso3"] for p in participants if p["article_call_id"] == c["article_call_id"])),
            c["call_date"][:7] if c["date_precision"] == "month" else c["call_date"],
            c["mode"],
            c["initiator_country_iso3"],
        )
        for c in rows.tables["article_calls"]
    )
    gold_calls = sorted(
        ("|".join(sorted(p["country"] for p in c["participants"])), c["date"], c["mode"], c["initiator_country"])
        for c in article["calls"]
    )
    assert found_calls == gold_calls
    found_aid = sorted(
        (a["donor_iso3"], a["recipient_iso3"], a["amount"], a["currency"]) for a in rows.tables["aid_mentions"]
    )
    gold_aid = sorted((a["donor"], a["recipient"], float(a["amount"]), a["currency"]) for a in article["aid"])
    assert found_aid == gold_aid
