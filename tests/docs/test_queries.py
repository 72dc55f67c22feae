"""Every SQL block of docs/queries.md runs on a warehouse built by the real pipeline."""

from __future__ import annotations

import re

import duckdb
import pytest

from extract.tasks.settings import PROJECT_ROOT

QUERIES_MD = PROJECT_ROOT / "docs" / "queries.md"


def questions() -> list[tuple[str, str]]:
    """(heading, sql) for each `## ` section of docs/queries.md that holds a ```sql block."""
    text = QUERIES_MD.read_text(encoding="utf-8")
    out = []
    for section in re.split(r"^## ", text, flags=re.M)[1:]:
        heading, _, body = section.partition("\n")
        blocks = re.findall(r"^```sql\n(.*?)^```", body, flags=re.S | re.M)
        assert len(blocks) <= 1, f"{heading!r}: one SQL block per question"
        if blocks:
            out.append((heading.strip(), blocks[0]))
    return out


QUESTIONS = questions()


def test_a_dozen_questions_or_more():
    assert len(QUESTIONS) >= 12
    assert len({heading for heading, _ in QUESTIONS}) == len(QUESTIONS)


@pytest.mark.parametrize(("heading", "sql"), QUESTIONS, ids=[h.split(".")[0] for h, _ in QUESTIONS])
def test_query_runs(pipeline_warehouse, heading, sql):
    con = duckdb.connect(str(pipeline_warehouse), read_only=True)
    try:
        cursor = con.execute(sql)
        columns = [d[0] for d in cursor.description]
        cursor.fetchall()
    except duckdb.Error as error:
        pytest.fail(f"docs/queries.md, {heading!r} fails: {error}")
    finally:
        con.close()
    assert columns, heading
