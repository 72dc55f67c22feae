"""Parsing on worker processes (extract/tasks/parse.py): the same rows in the same order whatever the
number of workers, and each article's time budget counted in the worker that parses it."""

from __future__ import annotations

import json
from dataclasses import asdict, replace

import pytest

import extract.tasks.parse as parse
from extract.sources.inbox import RawDocument, Rejected, read_inbox
from extract.tasks.parse import batches, parse_documents
from extract.tasks.settings import PROJECT_ROOT

SEEDS = PROJECT_ROOT / "dbt_project" / "seeds"


@pytest.fixture(scope="module")
def documents() -> list[RawDocument]:
    found = [d for d in read_inbox(PROJECT_ROOT / "tests/fixtures/holdout/articles") if isinstance(d, RawDocument)]
    assert len(found) >= 10
    return found[:10]


def flat(results) -> list[str]:
    return [json.dumps(asdict(r), sort_keys=True, default=str) for batch in results for r in batch]


def test_batches_keep_the_order_and_lose_nothing():
    assert batches(list(range(7)), 3) == [[0, 1, 2], [3, 4, 5], [6]]
    assert batches([], 3) == []


def test_two_workers_give_the_rows_one_process_gives(documents, monkeypatch):
    monkeypatch.setattr(parse, "MIN_ARTICLES_FOR_WORKERS", 0)
    alone = flat(parse_documents(documents, SEEDS, "run", 60, workers=1, batch_size=4))
    shared = flat(parse_documents(documents, SEEDS, "run", 60, workers=2, batch_size=3))
    assert len(alone) == len(documents)
    assert shared == alone
    assert [json.loads(r)["source_uri"] for r in shared] == [d.source_uri for d in documents]


def test_an_article_over_its_budget_in_a_worker_is_rejected_and_the_others_are_read(documents, monkeypatch):
    monkeypatch.setattr(parse, "MIN_ARTICLES_FOR_WORKERS", 0)
    # A thousand numbered copies of an article's paragraphs (~6 s of CPU time): far over the budget,
    # which a worker's first ordinary article (~0.5 s at most, cold) stays well within.
    lines = [line for line in documents[0].text.splitlines() if len(line) > 60]
    text = "\n".join(f"Đoạn {i}.{j}: {line}" for i in range(1000) for j, line in enumerate(lines))
    long = replace(documents[0], source_uri="/inbox/long.txt", text=text)
    results = [r for batch in parse_documents([documents[1], long, documents[2]], SEEDS, "run", 1.5,
                                              workers=2, batch_size=1) for r in batch]
    assert [type(r).__name__ for r in results] == ["ArticleRows", "Rejected", "ArticleRows"]
    assert results[1] == Rejected("/inbox/long.txt", long.content_hash,
                                  "processing took longer than 1.5 s of CPU time: given up so that the run goes on")
