from datetime import date

import pytest

from extract.calls import extract_calls
from extract.dates import PublishedDate
from extract.nlp import split_sentences
from extract.reference import load_reference
from extract.resolve import Gazetteer
from extract.settings import PROJECT_ROOT


@pytest.fixture(scope="session")
def gazetteer() -> Gazetteer:
    return Gazetteer(load_reference(PROJECT_ROOT / "dbt_project" / "seeds"))


@pytest.fixture()
def calls_in(gazetteer):
    """Calls found in a short text, optionally published on a given day."""

    def run(text: str, published: date | None = None, not_before: date | None = None):
        sentences = split_sentences([p for p in text.split("\n") if p.strip()])
        pub = PublishedDate(published, "day", "test") if published else None
        return extract_calls(sentences, gazetteer, pub, [], None, not_before)

    return run
