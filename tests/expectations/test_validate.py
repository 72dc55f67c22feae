"""Tests of the Great Expectations suites on a small hand-built warehouse."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

import duckdb
import pytest

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:  # the project is not installed into the venv
    sys.path.insert(0, str(REPO))

from expectations.suites import (
    STAGES,
    currencies_with_rates,
    suite_specs,
)
from expectations.validate import validate_stage

SCHEMA_SQL = REPO / "extract" / "warehouse" / "schema.sql"
CURRENCIES = currencies_with_rates(REPO / "dbt_project" / "seeds")
# The validation's instant, fixed: "in the future" must mean the same thing on any day the tests run.
AS_OF = datetime(2025, 6, 1, 12, 0)

MARTS_DDL = """
create schema if not exists marts;
create table marts.dim_country (
    country_iso3 varchar primary key, country_iso2 varchar, name_en varchar, name_vi varchar);
create table marts.dim_actor (
    actor_key varchar primary key, actor_id varchar, canonical_name varchar, name_vi varchar,
    country_iso3 varchar, role varchar, valid_from date, valid_to date, is_current boolean,
    is_reference boolean);
create table marts.dim_article (
    article_id varchar primary key, source_uri varchar, url varchar, publisher varchar,
    title varchar, published_at timestamp, fetched_at timestamp);
create table marts.fct_call (
    call_id varchar primary key, call_date date, date_precision varchar, mode varchar,
    initiator_country_iso3 varchar, initiator_actor_id varchar,
    participant_countries varchar, n_participants integer, n_articles integer,
    n_publishers integer);
create table marts.bridge_call_participant (
    call_id varchar, actor_id varchar, actor_key varchar, country_iso3 varchar,
    role_at_call varchar, name_as_reported varchar);
create table marts.fct_call_mention (
    call_id varchar, article_id varchar, sentence_index integer, evidence_text varchar);
create schema if not exists audit;
create table audit.quarantine (
    fact_type varchar, fact_key varchar, rule varchar, "values" varchar, run_id varchar,
    quarantined_at timestamp);
create table marts.fct_aid (
    aid_id varchar primary key, donor_iso3 varchar, recipient_iso3 varchar, amount double,
    currency varchar, amount_usd double, is_approximate boolean, aid_kind varchar,
    status varchar, reported_date date, article_id varchar, sentence_index integer,
    evidence_text varchar);
"""

GOOD_ROWS = """
insert into marts.dim_country values
    ('RUS', 'RU', 'Russia', 'Nga'), ('USA', 'US', 'United States', 'Mỹ'),
    ('UKR', 'UA', 'Ukraine', 'Ukraine'), ('VNM', 'VN', 'Viet Nam', 'Việt Nam');
insert into marts.dim_actor values
    ('ak-putin', 'putin', 'Vladimir Putin', 'Vladimir Putin', 'RUS', 'president',
     date '2012-05-07', null, true, true),
    ('ak-trump', 'trump', 'Donald Trump', 'Donald Trump', 'USA', 'president',
     date '2025-01-20', null, true, true);
insert into marts.dim_article values
    ('art-1', '/inbox/a1.txt', null, 'VnExpress', 'Điện đàm Nga - Mỹ',
     timestamp '2025-03-19 08:30', timestamp '2025-03-19 09:00'),
    ('art-2', '/inbox/a2.txt', null, 'Tuổi Trẻ', 'Không rõ ngày', null,
     timestamp '2025-03-20 09:00');
insert into marts.fct_call values
    ('call-1', date '2025-03-18', 'day', 'phone', 'USA', 'trump', 'RUS|USA', 2, 2, 2);
insert into marts.bridge_call_participant values
    ('call-1', 'putin', 'ak-putin', 'RUS', 'president', 'Tổng thống Putin'),
    ('call-1', 'trump', 'ak-trump', 'USA', 'president', 'Tổng thống Trump');
insert into marts.fct_call_mention values
    ('call-1', 'art-1', 0, 'Tổng thống Putin điện đàm với Tổng thống Trump ngày 18/3.'),
    ('call-1', 'art-2', 3, 'Hai nhà lãnh đạo đã điện đàm.');
insert into marts.fct_aid values
    ('aid-1', 'USA', 'UKR', 61000000000, 'USD', 61000000000, false, 'military', 'approved',
     date '2024-04-20', 'art-1', 5, 'Mỹ thông qua gói viện trợ 61 tỷ USD cho Ukraine.');

insert into raw.articles values
    ('art-1', '/inbox/a1.txt', null, 'VnExpress', 'Điện đàm Nga - Mỹ',
     timestamp '2025-03-19 08:30', date '2025-03-19', 'minute', 'byline',
     timestamp '2025-03-19 09:00', 'Tổng thống Putin điện đàm ...', 'h1', 12, 'test', 'run-0',
     timestamp '2025-03-19 09:05');
insert into raw.article_calls values
    ('ac-1', 'art-1', 0, 'Tổng thống Putin điện đàm với Tổng thống Trump ngày 18/3.',
     date '2025-03-18', 'day', 'explicit', 'phone', 'USA', 'trump', null, 0.9);
insert into raw.aid_mentions values
    ('am-1', 'art-1', 5, 'Mỹ thông qua gói viện trợ 61 tỷ USD cho Ukraine.', 'USA', 'UKR',
     61000000000, 'USD', false, 'military', 'approved', date '2024-04-20', 0.8);
"""


def _execute(path: Path, sql: str) -> None:
    with duckdb.connect(str(path)) as con:
        con.execute(sql)


def _query(path: Path, sql: str, params: list | None = None) -> list[tuple]:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


@pytest.fixture
def warehouse(tmp_path: Path) -> Path:
    path = tmp_path / "warehouse.duckdb"
    _execute(path, SCHEMA_SQL.read_text(encoding="utf-8"))
    _execute(path, MARTS_DDL)
    _execute(path, GOOD_ROWS)
    return path


@pytest.fixture
def report_dir(tmp_path: Path) -> Path:
    return tmp_path / "reports"


def _validate(warehouse: Path, stage: str, run_id: str, report_dir: Path, **kwargs):
    # Each test's own Great Expectations context, beside its reports: never the project's gx/.
    return validate_stage(warehouse, stage, run_id, report_dir, context_dir=report_dir.parent / "gx", **kwargs)


def _failed_expectations(path: Path, run_id: str) -> set[tuple[str, str]]:
    rows = _query(path, "select suite_name, expectation from audit.validation_results "
                        "where run_id = ? and not success", [run_id])
    return set(rows)


def test_good_marts_pass(warehouse: Path, report_dir: Path) -> None:
    started = time.perf_counter()
    result = _validate(warehouse, "marts", "run-1", report_dir, as_of=AS_OF, allowed_currencies=CURRENCIES)
    elapsed = time.perf_counter() - started
    print(f"validate_stage(marts) took {elapsed:.2f} s")

    assert result.status == "passed", result.failures
    assert set(result.counts) == {"fct_call.marts", "bridge_call_participant.marts",
                                  "fct_aid.marts", "quarantine.marts"}
    assert result.counts["fct_call.marts"]["rows"] == 1
    assert result.counts["bridge_call_participant.marts"]["rows"] == 2
    assert all(c["failed_critical"] == 0 and c["failed_warning"] == 0
               for c in result.counts.values())
    n_expectations = sum(c["evaluated"] for c in result.counts.values())
    rows = _query(warehouse, "select count(*), bool_and(success), count(distinct severity) "
                             "from audit.validation_results where run_id = 'run-1'")
    assert rows == [(n_expectations, True, 2)]


def test_good_raw_pass(warehouse: Path, report_dir: Path) -> None:
    result = _validate(warehouse, "raw", "run-1", report_dir, as_of=AS_OF, allowed_currencies=CURRENCIES)
    assert result.status == "passed", result.failures
    assert set(result.counts) == {"raw_articles.raw", "raw_article_calls.raw",
                                  "raw_aid_mentions.raw"}
    assert (report_dir / "validation_raw.html").is_file()


def test_call_after_its_article_fails(warehouse: Path, report_dir: Path) -> None:
    # art-1 was published on 19 March; a call on 20 March cannot be in it.
    _execute(warehouse, "update marts.fct_call set call_date = date '2025-03-20'")
    result = _validate(warehouse, "marts", "run-2", report_dir, as_of=AS_OF, allowed_currencies=CURRENCIES)

    assert result.status == "failed"
    assert _failed_expectations(warehouse, "run-2") == {
        ("fct_call.marts", "call_not_after_reporting_article")}
    details, unexpected, severity = _query(
        warehouse, "select details, unexpected_count, severity from audit.validation_results "
                   "where run_id = 'run-2' and expectation = 'call_not_after_reporting_article'")[0]
    assert (unexpected, severity) == (1, "critical")
    assert json.loads(details)["sample"][0]["call_id"] == "call-1"


def test_month_precision_publication_allows_later_day(warehouse: Path,
                                                      report_dir: Path) -> None:
    # An article known only to be from March 2025 may report a call on 20 March...
    _execute(warehouse, """
        alter table marts.dim_article add column published_on date;
        alter table marts.dim_article add column published_precision varchar;
        update marts.dim_article set published_at = null, published_on = date '2025-03-01',
            published_precision = 'month' where article_id = 'art-1';
        update marts.fct_call set call_date = date '2025-03-20';
    """)
    assert _validate(warehouse, "marts", "run-m", report_dir, as_of=AS_OF, allowed_currencies=CURRENCIES).status == "passed"
    # ...but not one in April.
    _execute(warehouse, "update marts.fct_call set call_date = date '2025-04-02'")
    result = _validate(warehouse, "marts", "run-m", report_dir, as_of=AS_OF, allowed_currencies=CURRENCIES)
    assert result.status == "failed"
    assert _failed_expectations(warehouse, "run-m") == {
        ("fct_call.marts", "call_not_after_reporting_article")}


def test_unknown_country_in_bridge_fails(warehouse: Path, report_dir: Path) -> None:
    _execute(warehouse, "update marts.bridge_call_participant set country_iso3 = 'XXX' "
                        "where actor_id = 'trump'")
    result = _validate(warehouse, "marts", "run-3", report_dir, as_of=AS_OF, allowed_currencies=CURRENCIES)

    assert result.status == "failed"
    assert _failed_expectations(warehouse, "run-3") == {
        ("bridge_call_participant.marts", "country_known")}
    assert result.counts["bridge_call_participant.marts"]["failed_critical"] == 1


def test_unknown_actor_and_single_country_call_fail(warehouse: Path,
                                                    report_dir: Path) -> None:
    _execute(warehouse, """
        update marts.bridge_call_participant set actor_key = 'ak-nobody' where actor_id = 'putin';
        update marts.bridge_call_participant set actor_key = null where actor_id = 'trump';
        update marts.bridge_call_participant set country_iso3 = 'USA';
    """)
    result = _validate(warehouse, "marts", "run-4", report_dir, as_of=AS_OF, allowed_currencies=CURRENCIES)

    assert result.status == "failed"
    assert _failed_expectations(warehouse, "run-4") == {
        ("bridge_call_participant.marts", "actor_known"),
        ("bridge_call_participant.marts", "at_least_two_countries_per_call"),
    }
    # the null actor_key is not counted: only ak-nobody is unexpected
    assert _query(warehouse, "select unexpected_count from audit.validation_results "
                             "where run_id = 'run-4' and expectation = 'actor_known'") == [(1,)]


def test_call_in_the_future_fails(warehouse: Path, report_dir: Path) -> None:
    after = (AS_OF + timedelta(days=2)).date()
    _execute(warehouse, f"update marts.fct_call set call_date = date '{after}'")
    _validate(warehouse, "marts", "run-5", report_dir, as_of=AS_OF, allowed_currencies=CURRENCIES)
    assert ("fct_call.marts", "call_date_in_range") in _failed_expectations(warehouse, "run-5")


def test_article_published_after_it_was_fetched_warns_whenever_validated(warehouse: Path, report_dir: Path) -> None:
    # Published 2 days after its page was fetched: wrong on any validation day, even years later. dbt
    # quarantines the article and its facts (published_after_fetch), so the raw stage only warns.
    _execute(warehouse, "update raw.articles set published_on = date '2025-03-21', published_at = null")
    for run_id, as_of in (("run-p1", AS_OF), ("run-p2", datetime(2031, 1, 1))):
        assert _validate(warehouse, "raw", run_id, report_dir, as_of=as_of, allowed_currencies=CURRENCIES).status == "warned"
        assert _failed_expectations(warehouse, run_id) == {("raw_articles.raw", "published_not_after_fetch")}


def test_raw_rows_that_dbt_quarantines_only_warn(warehouse: Path, report_dir: Path) -> None:
    # A future or pre-1945 call, a negative amount, a currency with no rate: row-level rules that
    # dbt holds back (audit.quarantine); one such row must not stop the day at the raw stage.
    _execute(warehouse, """
        update raw.article_calls set call_date = date '1930-01-01';
        update raw.aid_mentions set amount = -5, currency = 'XYZ';
        update raw.articles set published_on = date '2031-01-01', published_at = timestamp '2031-01-01 08:00';
    """)
    result = _validate(warehouse, "raw", "run-r1", report_dir, as_of=AS_OF, allowed_currencies=CURRENCIES)
    assert result.status == "warned", result.failures
    assert _failed_expectations(warehouse, "run-r1") == {
        ("raw_article_calls.raw", "call_date_in_range"),
        ("raw_aid_mentions.raw", "amount_positive"),
        ("raw_aid_mentions.raw", "currency_allowed"),
        ("raw_articles.raw", "published_at_not_in_future"),
        ("raw_articles.raw", "published_on_not_in_future"),
        ("raw_articles.raw", "published_not_after_fetch"),
    }


def test_malformed_call_fails(warehouse: Path, report_dir: Path) -> None:
    _execute(warehouse, "update marts.fct_call set participant_countries = 'RUS|usa', "
                        "n_participants = 1, mode = 'letter'")
    result = _validate(warehouse, "marts", "run-f", report_dir, as_of=AS_OF, allowed_currencies=CURRENCIES)
    assert result.status == "failed"
    assert _failed_expectations(warehouse, "run-f") == {
        ("fct_call.marts", "participant_countries_format"),
        ("fct_call.marts", "at_least_two_participants"),
        ("fct_call.marts", "mode_known"),
    }


def test_warning_only_problem_warns(warehouse: Path, report_dir: Path) -> None:
    _execute(warehouse, "update marts.fct_aid set recipient_iso3 = 'USA'")
    result = _validate(warehouse, "marts", "run-6", report_dir, as_of=AS_OF, allowed_currencies=CURRENCIES)

    assert result.status == "warned"
    assert result.counts["fct_aid.marts"]["failed_warning"] == 1
    assert _query(warehouse, "select expectation, severity from audit.validation_results "
                             "where run_id = 'run-6' and not success") == [
        ("donor_differs_from_recipient", "warning")]


def test_raw_warning_and_critical(warehouse: Path, report_dir: Path) -> None:
    _execute(warehouse, "update raw.aid_mentions set donor_iso3 = null")
    assert _validate(warehouse, "raw", "run-7", report_dir, as_of=AS_OF, allowed_currencies=CURRENCIES).status == "warned"

    _execute(warehouse, """
        update raw.aid_mentions set currency = 'XYZ';
        update raw.article_calls set date_precision = null;
    """)
    result = _validate(warehouse, "raw", "run-7", report_dir, as_of=AS_OF, allowed_currencies=CURRENCIES)
    assert result.status == "failed"
    assert _failed_expectations(warehouse, "run-7") == {
        ("raw_aid_mentions.raw", "donor_not_null"),
        ("raw_aid_mentions.raw", "currency_allowed"),
        ("raw_article_calls.raw", "date_precision_set_when_dated"),
    }


def test_rerun_with_same_run_id_replaces_rows(warehouse: Path, report_dir: Path) -> None:
    first = _validate(warehouse, "marts", "run-8", report_dir, as_of=AS_OF, allowed_currencies=CURRENCIES)
    n_first = _query(warehouse, "select count(*) from audit.validation_results "
                                "where run_id = 'run-8'")[0][0]
    assert n_first == sum(c["evaluated"] for c in first.counts.values()) > 0

    _execute(warehouse, "update marts.fct_aid set recipient_iso3 = 'USA'")
    second = _validate(warehouse, "marts", "run-8", report_dir, as_of=AS_OF, allowed_currencies=CURRENCIES)
    assert second.status == "warned"
    assert _query(warehouse, "select count(*), count(*) filter (where not success) "
                             "from audit.validation_results where run_id = 'run-8'") == [
        (n_first, 1)]

    # the raw stage of the same run keeps its own rows; another run adds its own
    _validate(warehouse, "raw", "run-8", report_dir, as_of=AS_OF, allowed_currencies=CURRENCIES)
    _validate(warehouse, "marts", "run-9", report_dir, as_of=AS_OF, allowed_currencies=CURRENCIES)
    per_run = dict(_query(warehouse, "select run_id, count(*) from audit.validation_results "
                                     "group by run_id"))
    n_raw = sum(len(s.expectations) for s in suite_specs("raw"))
    assert per_run == {"run-8": n_first + n_raw, "run-9": n_first}


def test_reports_are_self_contained(warehouse: Path, report_dir: Path) -> None:
    _execute(warehouse, "update marts.fct_call set call_date = date '2025-03-20'")
    result = _validate(warehouse, "marts", "run-10", report_dir, as_of=AS_OF, allowed_currencies=CURRENCIES)

    assert result.report_path == report_dir / "validation_marts.html"
    page = result.report_path.read_text(encoding="utf-8")
    assert "http://" not in page and "https://" not in page
    assert "<script" not in page and "<link" not in page and "src=" not in page
    assert "<style>" in page
    assert "call_not_after_reporting_article" in page and "call-1" in page

    report = json.loads(result.json_path.read_text(encoding="utf-8"))
    assert report["status"] == "failed" and report["run_id"] == "run-10"
    assert [s["name"] for s in report["suites"]] == list(result.counts)
    assert report["suites"][0]["counts"] == result.counts["fct_call.marts"]


def test_unknown_stage_is_rejected(warehouse: Path, report_dir: Path) -> None:
    with pytest.raises(ValueError, match="unknown stage"):
        _validate(warehouse, "staging", "run-x", report_dir, as_of=AS_OF, allowed_currencies=CURRENCIES)


def test_missing_warehouse_is_an_error(tmp_path: Path, report_dir: Path) -> None:
    with pytest.raises(FileNotFoundError):
        _validate(tmp_path / "nope.duckdb", "raw", "run-x", report_dir, as_of=AS_OF, allowed_currencies=CURRENCIES)


def test_suites_are_well_formed() -> None:
    for stage in STAGES:
        specs = suite_specs(stage)
        assert len(specs) == {"raw": 3, "marts": 4}[stage]
        for spec in specs:
            assert spec.name == f"{spec.asset}.{stage}"
            names = [e.name for e in spec.expectations]
            assert len(names) == len(set(names)), spec.name
            assert {e.severity for e in spec.expectations} <= {"critical", "warning"}
    assert len(CURRENCIES) == len(set(CURRENCIES)) and {"USD", "VND", "EUR"} <= set(CURRENCIES)


def test_suites_module_imports_nothing_heavy() -> None:
    code = ("import sys, expectations, expectations.suites; "
            "heavy = {'great_expectations', 'pandas', 'duckdb'} & set(sys.modules); "
            "assert not heavy, heavy")
    subprocess.run([sys.executable, "-c", code], cwd=REPO, check=True)


def test_an_undated_call_passes_only_with_precision_unknown(warehouse: Path, report_dir: Path) -> None:
    _execute(warehouse, "update marts.fct_call set call_date = null, date_precision = 'unknown'")
    _validate(warehouse, "marts", "run-u1", report_dir, as_of=AS_OF, allowed_currencies=CURRENCIES)
    assert not {e for e in _failed_expectations(warehouse, "run-u1") if e[0] == "fct_call.marts"}

    _execute(warehouse, "update marts.fct_call set date_precision = 'day'")
    assert _validate(warehouse, "marts", "run-u2", report_dir, as_of=AS_OF, allowed_currencies=CURRENCIES).status == "failed"
    assert ("fct_call.marts", "undated_exactly_when_unknown") in _failed_expectations(warehouse, "run-u2")


def test_a_few_held_back_facts_warn_and_a_systemic_share_fails(warehouse: Path, report_dir: Path) -> None:
    _execute(warehouse, "insert into audit.quarantine values "
                        "('aid', 'aid-x', 'unknown_country', '{}', 'run-0', timestamp '2025-03-19 09:05')")
    # one aid amount held back beside one published: half of them, above the 25 % limit
    assert _validate(warehouse, "marts", "run-q1", report_dir, as_of=AS_OF, allowed_currencies=CURRENCIES).status == "failed"
    assert ("quarantine.marts", "held_back_share_below_limit") in _failed_expectations(warehouse, "run-q1")

    result = _validate(warehouse, "marts", "run-q2", report_dir, as_of=AS_OF, allowed_currencies=CURRENCIES, max_held_back_share=0.6)
    assert ("quarantine.marts", "no_fact_held_back") in _failed_expectations(warehouse, "run-q2")
    assert ("quarantine.marts", "held_back_share_below_limit") not in _failed_expectations(warehouse, "run-q2")
    assert result.counts["quarantine.marts"]["failed_critical"] == 0


def test_a_mart_emptied_since_the_last_published_run_fails(warehouse: Path, report_dir: Path) -> None:
    # The last run loaded nothing new (n_calls = n_aid = 0) but published 4 calls and 2 amounts.
    _execute(warehouse, "insert into audit.run_log (run_id, started_at, finished_at, n_calls, n_aid, "
                        "n_calls_published, n_aid_published) values "
                        "('run-before', timestamp '2025-03-18 00:00', timestamp '2025-03-18 00:10', 0, 0, 4, 2)")
    assert _validate(warehouse, "marts", "run-e1", report_dir, as_of=AS_OF, allowed_currencies=CURRENCIES).status == "passed"
    _execute(warehouse, "delete from marts.fct_aid")
    assert _validate(warehouse, "marts", "run-e2", report_dir, as_of=AS_OF, allowed_currencies=CURRENCIES).status == "failed"
    assert ("quarantine.marts", "mart_not_emptied") in _failed_expectations(warehouse, "run-e2")


def test_a_mart_empty_since_the_last_published_run_passes(warehouse: Path, report_dir: Path) -> None:
    # The last run loaded aid amounts but published none (all held back): an empty fct_aid is no change.
    _execute(warehouse, "insert into audit.run_log (run_id, started_at, finished_at, n_calls, n_aid, "
                        "n_calls_published, n_aid_published) values "
                        "('run-before', timestamp '2025-03-18 00:00', timestamp '2025-03-18 00:10', 4, 2, 1, 0); "
                        "delete from marts.fct_aid")
    _validate(warehouse, "marts", "run-e3", report_dir, as_of=AS_OF, allowed_currencies=CURRENCIES)
    assert ("quarantine.marts", "mart_not_emptied") not in _failed_expectations(warehouse, "run-e3")


def test_a_validation_leaves_the_committed_context_as_it_is(warehouse: Path, tmp_path: Path) -> None:
    # What `make run` does to gx/: results and Data Docs in uncommitted/, nothing else changes.
    context_dir = tmp_path / "gx"
    shutil.copytree(REPO / "gx", context_dir, ignore=shutil.ignore_patterns("uncommitted"))
    committed = {p: p.read_bytes() for p in context_dir.rglob("*") if p.is_file()}
    for stage, run_id in (("raw", "run-g1"), ("marts", "run-g1"), ("marts", "run-g2")):
        result = validate_stage(warehouse, stage, run_id, tmp_path / "reports", context_dir=context_dir,
                                as_of=AS_OF, allowed_currencies=CURRENCIES)
        assert result.status == "passed", result.failures
    assert {p: p.read_bytes() for p in context_dir.rglob("*") if p.is_file() and "uncommitted" not in p.parts
            } == committed
    index = result.data_docs_path
    assert index == context_dir / "uncommitted" / "data_docs" / "local_site" / "index.html"
    listing = index.read_text(encoding="utf-8")
    assert all(name in listing for name in ("run-g1", "run-g2", "fct_call.marts", "raw_articles.raw"))
