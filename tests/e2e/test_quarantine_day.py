"""Quarantine, not veto: a day with a few wrong facts publishes the rest; a mostly broken day does not.

The extractor never writes such facts from text, so the test runs the DAG's step
functions in-process (`extract.tasks.steps`, as the DAG's tasks call them) and adds
wrong rows to the run's extraction output (a Parquet part and its manifest entries in
`<work>/<run>/extracted/`) before `load_raw` reads it. dbt runs as the Cosmos producer runs it (`dbt build` on the
build file); DuckDB and Great Expectations are the real ones.

Day one: the sample inbox (good facts) plus one wrong fact per row-level rule, each
in an injected article beside a good fact. The good facts are published, each wrong
one is in audit.quarantine with its rule, and the run is `warned`.
Day two: mostly wrong facts, more than QUARANTINE_MAX_SHARE: validate_marts fails the
run and the published warehouse is unchanged.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import duckdb
import pytest

from extract.tasks.settings import PROJECT_ROOT
from extract.warehouse.load import write_part

# Pinned so the test means the same on any day: inbox files are "fetched" on this day.
FETCHED = datetime(2026, 11, 20, 9, 0)
# What the test allows to be held back on day one (config, as in production): the
# sample inbox is small, so a few wrong facts are already a large share of it.
MAX_SHARE = "0.6"


def _key(*parts: str) -> str:
    return hashlib.md5("|".join(parts).encode()).hexdigest()


def _participant(call_id: str, index: int, country: str, actor_id: str | None = None) -> dict[str, Any]:
    return {"article_call_id": call_id, "participant_index": index, "actor_id": actor_id,
            "country_iso3": country, "role": "foreign minister",
            "name_as_reported": f"Ngoại trưởng {country}", "canonical_name": None, "is_reference_actor": False}


def _call(article_id: str, name: str, call_date: str | None, countries: tuple[str, ...],
          initiator: str | None = None) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    call_id = _key(article_id, "call", name)
    row = {"article_call_id": call_id, "article_id": article_id, "sentence_index": 0,
           "evidence_text": f"Câu {name}.", "call_date": call_date,
           "date_precision": "day" if call_date else "unknown", "date_basis": "explicit",
           "mode": "phone", "initiator_country_iso3": initiator, "initiator_actor_id": None,
           "initiator_evidence": None, "confidence": 0.9}
    return row, [_participant(call_id, i, c) for i, c in enumerate(countries)]


def _aid(article_id: str, name: str, donor: str, recipient: str, amount: float,
         currency: str = "USD") -> dict[str, Any]:
    return {"aid_mention_id": _key(article_id, "aid", name), "article_id": article_id, "sentence_index": 0,
            "evidence_text": f"Câu {name}.", "donor_iso3": donor, "recipient_iso3": recipient,
            "amount": amount, "currency": currency, "is_approximate": False, "aid_kind": "humanitarian",
            "status": "announced", "reported_date": "2024-06-02", "confidence": 0.9}


def injected_article(name: str, *, calls: list[tuple] = (), aid: list[tuple] = (),
                     published_on: str | None = "2024-06-02", fetched_at: datetime = FETCHED) -> dict[str, Any]:
    """One extraction-output article (as `extract_articles` writes it) holding the given facts.

    `calls`: (fact name, call_date, participant countries[, initiator]); `aid`: (fact name, donor,
    recipient, amount[, currency]). Every fact's evidence is sentence 0, "Câu <fact name>.".
    """
    article_id = _key("injected", name)[:24]
    tables: dict[str, list[dict[str, Any]]] = {
        "articles": [{
            "article_id": article_id, "source_uri": f"injected://{name}", "url": None, "publisher": "test",
            "title": name, "published_at": f"{published_on} 08:00:00" if published_on else None,
            "published_on": published_on, "published_precision": "minute" if published_on else None,
            "published_basis": "byline" if published_on else None, "fetched_at": fetched_at.isoformat(" "),
            "body_text": f"Bài {name}.", "content_hash": _key("content", name), "n_sentences": 1,
            "extractor_version": "injected", "run_id": "injected"}],
        "sentences": [{"article_id": article_id, "sentence_index": 0, "sentence_text": f"Bài {name}."}],
        "article_calls": [], "article_call_participants": [], "article_call_evidence": [], "aid_mentions": [],
    }
    for fact in calls:
        row, participants = _call(article_id, *fact)
        tables["article_calls"].append(row)
        tables["article_call_participants"] += participants
        tables["article_call_evidence"].append({"article_call_id": row["article_call_id"], "article_id": article_id,
                                                "sentence_index": 0, "evidence_text": row["evidence_text"]})
    tables["aid_mentions"] += [_aid(article_id, *fact) for fact in aid]
    return {"article_id": article_id, "source_uri": f"injected://{name}", "content_hash": _key("content", name),
            "tables": tables}


# Day one: (article, the wrong fact's evidence name, the rule dbt must quarantine it under).
# Each article also holds a good fact, which must be published.
DAY_ONE = [
    (injected_article("call-after-article", published_on="2024-03-01", calls=[
        ("bad call after article", "2024-03-10", ("DEU", "FRA")),
        ("good call before article", "2024-02-27", ("DEU", "FRA"))]),
     "bad call after article", "call_after_reporting_article"),
    (injected_article("call-in-future", published_on=None, calls=[
        ("bad call in the future", "2027-01-15", ("ITA", "ESP")),
        ("good undated-article call", "2024-01-11", ("ITA", "ESP"))]),
     "bad call in the future", "call_after_page_fetched"),
    (injected_article("call-before-1945", calls=[
        ("bad call before 1945", "1930-05-01", ("GBR", "FRA")),
        ("good call in 2024", "2024-05-30", ("GBR", "FRA"))]),
     "bad call before 1945", "call_before_1945"),
    (injected_article("call-unknown-iso", calls=[
        ("bad call with unknown iso", "2024-05-20", ("USA", "ZZZ")),
        ("good call with known iso", "2024-05-21", ("USA", "CAN"))]),
     "bad call with unknown iso", "unknown_country"),
    (injected_article("call-one-country", calls=[
        ("bad call within one country", "2024-05-18", ("KOR", "KOR")),
        ("good call between two", "2024-05-19", ("KOR", "JPN"))]),
     "bad call within one country", "fewer_than_two_countries"),
    (injected_article("call-unknown-initiator", calls=[
        ("bad call with unknown initiator", "2024-05-16", ("IND", "AUS"), "QQQ"),
        ("good call with known initiator", "2024-05-17", ("IND", "AUS"), "IND")]),
     "bad call with unknown initiator", "unknown_initiator_country"),
    (injected_article("aid-negative", aid=[
        ("bad negative aid", "USA", "UKR", -5e6),
        ("good aid to ukraine", "USA", "UKR", 5e6)]),
     "bad negative aid", "amount_not_positive"),
    (injected_article("aid-absurd", aid=[
        ("bad absurd aid", "JPN", "PHL", 3e15),
        ("good aid to philippines", "JPN", "PHL", 3e6)]),
     "bad absurd aid", "amount_absurd"),
    (injected_article("aid-no-rate", aid=[
        ("bad aid in a currency with no rate", "KOR", "LAO", 1e6, "XYZ"),
        ("good aid in won", "KOR", "LAO", 1e9, "KRW")]),
     "bad aid in a currency with no rate", "currency_without_rate"),
    (injected_article("aid-unknown-donor", aid=[
        ("bad aid from an unknown donor", "ZZZ", "KHM", 1e6),
        ("good aid to cambodia", "CHN", "KHM", 1e6)]),
     "bad aid from an unknown donor", "unknown_country"),
]
# Published after its page was fetched: the article is held back with all its facts.
MISDATED = injected_article("published-after-fetch", published_on="2026-11-25", calls=[
    ("call in a misdated article", "2024-04-04", ("SGP", "MYS"))], aid=[
    ("aid in a misdated article", "SGP", "MYS", 2e6)])


def _fact_id(article: dict[str, Any], name: str) -> tuple[str, str]:
    """(fact_type, raw id) of the injected fact whose evidence names `name`."""
    tables = article["tables"]
    for row in tables["article_calls"]:
        if row["evidence_text"] == f"Câu {name}.":
            return "call", row["article_call_id"]
    for row in tables["aid_mentions"]:
        if row["evidence_text"] == f"Câu {name}.":
            return "aid", row["aid_mention_id"]
    raise KeyError(name)


class Pipeline:
    """The DAG's tasks, in order, in this process; `inject` edits the extraction output before load_raw."""

    def __init__(self, tmp: Path, inbox: Path, monkeypatch: pytest.MonkeyPatch):
        self.tmp = tmp
        self.warehouse = tmp / "warehouse.duckdb"
        for name, value in {"NEWS_INBOX": str(inbox), "WAREHOUSE_PATH": str(self.warehouse),
                            "PIPELINE_WORK_DIR": str(tmp / "work"), "PAGE_STORE": str(tmp / "pages"),
                            "QUARANTINE_MAX_SHARE": MAX_SHARE}.items():
            monkeypatch.setenv(name, value)
        monkeypatch.delenv("NEWS_SOURCES", raising=False)

    def run(self, day: str, inject: list[dict[str, Any]]) -> str:
        from extract.tasks import steps

        logical = datetime.fromisoformat(day).replace(tzinfo=UTC)
        dag_run = SimpleNamespace(run_id=f"test__{day}", run_type="manual", logical_date=logical,
                                  run_after=logical, start_date=logical)
        assert steps.claim_warehouse(dag_run.run_id)
        try:
            build = steps.prepare_build(dag_run.run_id)
            extracted = Path(steps.extract_articles(dag_run))
            manifest = json.loads((extracted / steps.MANIFEST).read_text(encoding="utf-8"))
            first = 1 + max((entry["seq"] for entry in manifest["inputs"]), default=-1)
            manifest["inputs"] += write_part(extracted / "part-injected",
                                             [{**article, "seq": first + i} for i, article in enumerate(inject)])
            (extracted / steps.MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
            counts = steps.load_raw(dag_run.run_id)
            steps.validate_raw(dag_run.run_id)
            self._dbt_build(build, dag_run.run_id)
            steps.validate_marts(dag_run.run_id)
            return steps.publish(dag_run, counts)
        finally:
            steps.release_build(dag_run.run_id)  # as the DAG's failure callback does

    def _dbt_build(self, build: str, run_id: str) -> None:
        dbt = Path(sys.executable).with_name("dbt")
        project = PROJECT_ROOT / "dbt_project"
        target = self.tmp / "dbt" / run_id
        result = subprocess.run(
            [str(dbt), "build", "--project-dir", str(project), "--profiles-dir", str(project),
             "--target-path", str(target / "target"), "--log-path", str(target / "logs")],
            env={**os.environ, "DBT_DUCKDB_PATH": build}, capture_output=True, text=True, timeout=900)
        assert result.returncode == 0, result.stdout[-6000:]


def _rows(warehouse: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


@pytest.fixture
def inbox(tmp_path: Path) -> Path:
    folder = tmp_path / "inbox"
    folder.mkdir()
    for source in sorted((PROJECT_ROOT / "sample_inbox").iterdir()):
        shutil.copyfile(source, folder / source.name)
        os.utime(folder / source.name, (FETCHED.replace(tzinfo=UTC).timestamp(),) * 2)
    return folder


def test_wrong_facts_are_quarantined_and_the_rest_published(tmp_path, inbox, monkeypatch, fingerprints):
    from airflow.sdk.exceptions import AirflowFailException

    pipeline = Pipeline(tmp_path, inbox, monkeypatch)
    articles = [article for article, _, _ in DAY_ONE] + [MISDATED]
    pipeline.run("2026-11-20", articles)
    warehouse = pipeline.warehouse

    # The run published, warned.
    (status, n_quarantined), = _rows(warehouse, "select validation_status, n_quarantined from audit.run_log")
    assert status == "warned"

    # Every wrong fact is in audit.quarantine under its rule, and not in the marts.
    quarantined = _rows(warehouse, "select fact_type, rule, values from audit.quarantine")
    held = {(fact_type, rule, json.loads(values).get("evidence_text")) for fact_type, rule, values in quarantined}
    for article, name, rule in DAY_ONE:
        fact_type, _ = _fact_id(article, name)
        assert (fact_type, rule, f"Câu {name}.") in held, (name, rule, sorted(held))
    misdated_id = MISDATED["article_id"]
    article_rows = [(rule, json.loads(values)) for fact_type, rule, values in quarantined if fact_type == "article"]
    assert [(rule, values["article_id"]) for rule, values in article_rows] == [("published_after_fetch", misdated_id)]
    assert {(fact_type, rule) for fact_type, rule, values in quarantined
            if json.loads(values).get("article_id") == misdated_id and fact_type != "article"} \
        == {("call", "reported_by_held_back_article"), ("aid", "reported_by_held_back_article")}
    assert n_quarantined == len({(fact_type, json.loads(values).get("evidence_text"), json.loads(values).get("article_id"))
                                 for fact_type, _, values in quarantined})

    published_evidence = {text for (text,) in _rows(
        warehouse, "select evidence_text from marts.fct_call_mention union all "
                   "select evidence_text from marts.fct_aid")}
    for _, name, _ in DAY_ONE:
        assert f"Câu {name}." not in published_evidence, name
    assert not published_evidence & {"Câu call in a misdated article.", "Câu aid in a misdated article."}
    assert not _rows(warehouse, f"select * from marts.dim_article where article_id = '{misdated_id}'")
    assert not _rows(warehouse, "select * from marts.bridge_call_participant "
                                "where country_iso3 = 'ZZZ' or call_id not in (select call_id from marts.fct_call)")

    # Every good fact is published: the injected ones and the sample inbox's.
    for article, _, _ in DAY_ONE:
        for name in [row["evidence_text"] for row in article["tables"]["article_calls"] + article["tables"]["aid_mentions"]]:
            if name.startswith("Câu good"):
                assert name in published_evidence, name
    sample = _rows(warehouse, "select count(*) from marts.fct_call c join marts.dim_article a "
                              "on a.article_id = c.primary_article_id where a.source_uri not like 'injected://%'")
    assert sample[0][0] >= 3
    assert _rows(warehouse, "select count(*) from marts.fct_aid where amount = 2000000 and currency = 'USD' "
                            "and donor_iso3 = 'JPN' and recipient_iso3 = 'VNM'")[0][0] == 1

    # Day two: mostly wrong facts, beyond QUARANTINE_MAX_SHARE. The run fails; nothing changes.
    published = {schema: fingerprints(warehouse, schema) for schema in ("marts", "audit", "raw")}
    broken = [injected_article(f"broken-{i}", calls=[(f"broken call {i}", f"1920-01-{i + 1:02d}", ("DEU", "POL"))],
                               aid=[(f"broken aid {i}", "DEU", "POL", -1.0 - i)]) for i in range(25)]
    with pytest.raises(AirflowFailException, match="stage marts"):
        pipeline.run("2026-11-21", broken)
    assert {schema: fingerprints(warehouse, schema) for schema in ("marts", "audit", "raw")} == published
    assert not Path(f"{warehouse}.lock").exists()
    failed = _rows(Path(f"{warehouse}.building"),
                   "select expectation from audit.validation_results "
                   "where run_id = 'test__2026-11-21' and not success and severity = 'critical'")
    assert {name for (name,) in failed} == {"held_back_share_below_limit"}
