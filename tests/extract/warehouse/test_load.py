"""Loading is idempotent and every input lands in the ledger."""

from datetime import datetime

from extract.warehouse.load import connect, load_batch


def _article(article_id: str, source_uri: str, n_calls: int = 1) -> dict:
    calls = [{
        "article_call_id": f"{article_id}-c{i}", "article_id": article_id, "sentence_index": 0,
        "evidence_text": "Câu chứng cứ.", "call_date": "2024-01-02", "date_precision": "day",
        "date_basis": "explicit", "mode": "phone", "initiator_country_iso3": None, "initiator_actor_id": None,
        "initiator_evidence": None, "confidence": 0.9,
    } for i in range(n_calls)]
    return {
        "article_id": article_id, "source_uri": source_uri, "content_hash": f"hash-{source_uri}",
        "tables": {
            "articles": [{
                "article_id": article_id, "source_uri": source_uri, "url": None, "publisher": None, "title": "T",
                "published_at": None, "published_on": None, "published_precision": None, "published_basis": None,
                "fetched_at": "2024-01-03 00:00:00", "body_text": "Nội dung.", "content_hash": f"hash-{source_uri}",
                "n_sentences": 1, "extractor_version": "test", "run_id": "run-1",
            }],
            "sentences": [{"article_id": article_id, "sentence_index": 0, "sentence_text": "Câu chứng cứ."}],
            "article_calls": calls,
        },
    }


def _counts(con):
    return {
        table: con.execute(f"select count(*) from {table}").fetchone()[0]
        for table in ("raw.articles", "raw.article_calls", "raw.sentences", "audit.input_ledger")
    }


def test_loading_twice_changes_nothing_and_keeps_the_first_run(tmp_path):
    con = connect(tmp_path / "w.duckdb")
    batch = [_article("a1", "/in/a.txt"), _article("a2", "/in/b.txt", n_calls=2)]
    first = load_batch(con, batch, [], "run-1", datetime(2024, 1, 3))
    before = _counts(con)
    again = [_article("a1", "/in/a.txt"), _article("a2", "/in/b.txt", n_calls=2)]
    for article in again:
        article["tables"]["articles"][0]["run_id"] = "run-2"
    load_batch(con, again, [], "run-2", datetime(2024, 1, 4))
    assert _counts(con) == before == {
        "raw.articles": 2, "raw.article_calls": 3, "raw.sentences": 2, "audit.input_ledger": 2}
    assert con.execute("select distinct run_id from raw.articles").fetchall() == [("run-1",)]
    assert con.execute("select distinct run_id from audit.input_ledger").fetchall() == [("run-1",)]
    assert (first.n_loaded, first.n_calls) == (2, 3)


def test_a_re_extracted_article_replaces_its_rows(tmp_path):
    con = connect(tmp_path / "w.duckdb")
    load_batch(con, [_article("a1", "/in/a.txt", n_calls=2)], [], "run-1", datetime(2024, 1, 3))
    load_batch(con, [_article("a1", "/in/a.txt", n_calls=1)], [], "run-2", datetime(2024, 1, 4))
    assert con.execute("select count(*) from raw.article_calls").fetchone()[0] == 1


def test_duplicates_and_rejects_are_in_the_ledger_with_a_reason(tmp_path):
    con = connect(tmp_path / "w.duckdb")
    result = load_batch(
        con,
        [_article("a1", "/in/a.txt"), _article("a1", "/in/copy-of-a.txt")],
        [{"source_uri": "/in/broken.bin", "content_hash": "h", "reason": "unsupported file type '.bin'"}],
        "run-1", datetime(2024, 1, 3),
    )
    ledger = dict(((uri, (status, reason)) for uri, status, reason in con.execute(
        "select source_uri, status, reason from audit.input_ledger").fetchall()))
    assert ledger == {
        "/in/a.txt": ("loaded", None),
        "/in/copy-of-a.txt": ("duplicate", "same article as /in/a.txt"),
        "/in/broken.bin": ("rejected", "unsupported file type '.bin'"),
    }
    assert (result.n_inputs, result.n_loaded, result.n_duplicates, result.n_rejected) == (3, 1, 1, 1)
    assert con.execute("select count(*) from raw.articles").fetchone()[0] == 1


def test_new_files_are_readable_by_duckdb_1_4(tmp_path):
    con = connect(tmp_path / "w.duckdb")
    load_batch(con, [_article("a1", "/in/a.txt")], [], "run-1", datetime(2024, 1, 3))
    con.close()
    reopened = connect(tmp_path / "w.duckdb", read_only=True)
    (version,) = reopened.execute(
        "select tags['storage_version'] from duckdb_databases() where database_name = 'w'").fetchone()
    reopened.close()
    assert version.startswith("v1.4")


def test_a_new_version_of_an_input_replaces_the_old_article(tmp_path):
    con = connect(tmp_path / "w.duckdb")
    first = _article("a1-v1", "/in/a.txt", n_calls=2)
    first["tables"]["article_call_participants"] = [
        {"article_call_id": "a1-v1-c0", "participant_index": i, "actor_id": None, "country_iso3": iso3, "role": None,
         "name_as_reported": iso3, "canonical_name": None, "is_reference_actor": False}
        for i, iso3 in enumerate(("VNM", "JPN"))]
    other = _article("b1", "/in/b.txt")
    load_batch(con, [first, other], [], "run-1", datetime(2024, 1, 3))
    edited = _article("a1-v2", "/in/a.txt", n_calls=1)
    edited["content_hash"] = edited["tables"]["articles"][0]["content_hash"] = "hash-edited"
    result = load_batch(con, [edited], [], "run-2", datetime(2024, 1, 4))

    assert (result.n_loaded, result.n_superseded) == (1, 1)
    assert con.execute("select article_id from raw.articles order by 1").fetchall() == [("a1-v2",), ("b1",)]
    for table in ("raw.sentences", "raw.article_calls"):
        assert con.execute(f"select count(*) from {table} where article_id = 'a1-v1'").fetchone()[0] == 0, table
    assert con.execute("select count(*) from raw.article_call_participants").fetchone()[0] == 0
    # The ledger keeps both versions as they were seen.
    assert con.execute("select content_hash, status, article_id from audit.input_ledger "
                       "where source_uri = '/in/a.txt' order by first_seen_at").fetchall() == [
        ("hash-/in/a.txt", "loaded", "a1-v1"), ("hash-edited", "loaded", "a1-v2")]
