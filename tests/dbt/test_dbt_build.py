"""Build the dbt project over a tiny fixture warehouse and check the marts.

Runs ``dbt seed`` and ``dbt build`` in-process (dbtRunner) against a DuckDB
file in a temp dir; dbt's target/ and logs/ go to the temp dir too.
Needs the real seeds in dbt_project/seeds/.
"""

from __future__ import annotations

import hashlib

import pytest
from make_fixture_warehouse import (
    CALL_DATE,
    DBT_PROJECT_DIR,
    NON_REFERENCE_ACTOR_ID,
    SECOND_CALL_DATE,
    build_fixture_warehouse,
    missing_countries,
    run_dbt,
    summarise,
)

SEEDS_DIR = DBT_PROJECT_DIR / "seeds"

pytestmark = pytest.mark.skipif(
    not (SEEDS_DIR / "ref_countries.csv").exists(),
    reason="dbt_project/seeds/ref_countries.csv is missing: the reference seeds are not written yet",
)


def md5(*parts: str) -> str:
    return hashlib.md5("|".join(parts).encode("utf-8")).hexdigest()


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    """The fixture warehouse after ``dbt seed`` and ``dbt build``."""
    duckdb = pytest.importorskip("duckdb")
    missing = missing_countries(SEEDS_DIR)
    assert not missing, f"ref_countries.csv lacks countries the fixture uses: {missing}"

    work_dir = tmp_path_factory.mktemp("dbt_build")
    db_path = work_dir / "warehouse.duckdb"
    fixture = build_fixture_warehouse(db_path, SEEDS_DIR)

    seed = run_dbt(["seed"], db_path, work_dir)
    assert seed.success, f"dbt seed failed: {seed.exception or summarise(seed)}"
    build = run_dbt(["build"], db_path, work_dir)
    counts = summarise(build)
    assert build.success, f"dbt build failed: {build.exception or counts}"
    assert counts.get("error", 0) == 0 and counts.get("fail", 0) == 0, counts

    con = duckdb.connect(str(db_path), read_only=True)
    try:
        yield con, fixture
    finally:
        con.close()


def rows(con, sql: str, *params) -> list[dict]:
    cursor = con.execute(sql, params)
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row, strict=False)) for row in cursor.fetchall()]


def test_marts_are_built_in_their_schemas(warehouse):
    con, _ = warehouse
    tables = {
        (row["table_schema"], row["table_name"])
        for row in rows(con, "select table_schema, table_name from information_schema.tables")
    }
    for name in (
        "dim_country",
        "dim_actor",
        "dim_article",
        "fct_call",
        "bridge_call_participant",
        "fct_call_mention",
        "fct_aid",
    ):
        assert ("marts", name) in tables, name
    assert ("reference", "ref_countries") in tables
    assert ("staging", "stg_raw__articles") in tables


def test_two_articles_reporting_one_call_merge(warehouse):
    con, _ = warehouse
    calls = rows(con, "select * from marts.fct_call where call_date = ?", CALL_DATE)
    assert len(calls) == 1
    call = calls[0]
    assert call["call_id"] == md5(CALL_DATE.isoformat(), "day", "RUS|USA")
    assert call["participant_countries"] == "RUS|USA"
    assert call["date_precision"] == "day"
    assert call["mode"] == "phone"
    assert call["n_articles"] == 2
    assert call["n_publishers"] == 2
    assert call["n_participants"] == 2
    assert call["initiator_country_iso3"] == "USA"


def test_second_dated_call_and_undated_call(warehouse):
    con, _ = warehouse
    calls = rows(con, "select * from marts.fct_call order by call_date nulls last")
    assert [call["call_date"] for call in calls] == [SECOND_CALL_DATE, CALL_DATE, None]
    second = calls[0]
    assert second["participant_countries"] == "JPN|USA"
    assert second["mode"] == "video"
    assert second["n_articles"] == 1
    assert second["initiator_country_iso3"] is None
    assert second["initiator_actor_id"] is None
    # the undated GBR-UKR call is kept: no date, precision unknown, less confidence
    undated = calls[2]
    assert (undated["participant_countries"], undated["date_precision"], undated["date_basis"]) == (
        "GBR|UKR", "unknown", "unknown")
    assert undated["confidence"] < second["confidence"]


def test_bridge_keeps_named_people(warehouse):
    con, fixture = warehouse
    bridge = rows(
        con,
        """
        select bridge.*
        from marts.bridge_call_participant as bridge
        inner join marts.fct_call as calls on bridge.call_id = calls.call_id
        where calls.call_date = ?
        order by bridge.country_iso3
        """,
        CALL_DATE,
    )
    assert [row["country_iso3"] for row in bridge] == ["RUS", "USA"]
    by_country = {row["country_iso3"]: row for row in bridge}
    for country, actor in (("RUS", fixture.russian), ("USA", fixture.american)):
        row = by_country[country]
        if actor is None:  # the seeds hold nobody for this country on the date
            assert row["actor_id"] is None and row["is_reference"] is False
            continue
        # the US person from article 1 wins over the role-only mention of article 2
        assert row["actor_id"] == actor.actor_id
        assert row["is_reference"] is True
        expected_key = md5(actor.actor_id, actor.role, actor.valid_from.isoformat())
        assert row["actor_key"] == expected_key
        valid = rows(
            con,
            "select * from marts.dim_actor where actor_key = ?",
            row["actor_key"],
        )[0]
        assert valid["valid_from"] <= CALL_DATE
        assert valid["valid_to"] is None or CALL_DATE <= valid["valid_to"]
        assert row["canonical_name"] == valid["canonical_name"] is not None  # the reference actor's name


def test_non_reference_actor(warehouse):
    con, _ = warehouse
    actors = rows(con, "select * from marts.dim_actor where actor_id = ?", NON_REFERENCE_ACTOR_ID)
    assert len(actors) == 1
    actor = actors[0]
    assert actor["is_reference"] is False
    assert actor["is_current"] is True
    assert actor["canonical_name"] == "Kenji Yamada"
    assert actor["country_iso3"] == "JPN"
    assert actor["valid_from"] is None and actor["valid_to"] is None

    bridge = rows(
        con,
        "select * from marts.bridge_call_participant where actor_id = ?",
        NON_REFERENCE_ACTOR_ID,
    )
    assert len(bridge) == 1
    assert bridge[0]["actor_key"] == actor["actor_key"]
    assert bridge[0]["is_reference"] is False


def test_call_mentions(warehouse):
    con, fixture = warehouse
    mentions = rows(
        con,
        """
        select mentions.article_id, mentions.sentence_index, mentions.evidence_text
        from marts.fct_call_mention as mentions
        inner join marts.fct_call as calls on mentions.call_id = calls.call_id
        where calls.call_date = ?
        order by mentions.article_id, mentions.sentence_index
        """,
        CALL_DATE,
    )
    a1, a2 = fixture.article_ids["a1"], fixture.article_ids["a2"]
    assert [(m["article_id"], m["sentence_index"]) for m in mentions] == [(a1, 0), (a1, 1), (a2, 0)]
    assert all(m["evidence_text"] for m in mentions)


def test_dim_article_published_at_only_when_known_to_the_day(warehouse):
    con, fixture = warehouse
    articles = {row["article_id"]: row for row in rows(con, "select * from marts.dim_article")}
    assert len(articles) == 3
    assert articles[fixture.article_ids["a1"]]["published_at"] is not None
    assert articles[fixture.article_ids["a3"]]["published_at"] is None
    assert articles[fixture.article_ids["a3"]]["published_precision"] == "month"


def test_aid_amounts_in_usd(warehouse):
    con, fixture = warehouse
    aid = {row["aid_mention_id"]: row for row in rows(con, "select * from marts.fct_aid")}
    assert set(aid) == {"aid-usd", "aid-gbp"}
    usd, gbp = aid["aid-usd"], aid["aid-gbp"]
    assert usd["aid_id"] == md5("aid-usd")
    assert usd["amount_usd"] == usd["amount"] == 61_000_000_000
    assert gbp["currency"] == "GBP"
    assert gbp["amount"] == 3_000_000_000
    assert gbp["is_approximate"] is True
    if fixture.gbp_rate_2024 is None:
        assert gbp["amount_usd"] is None
    else:
        assert gbp["amount_usd"] == pytest.approx(3_000_000_000 * fixture.gbp_rate_2024)


def test_a_call_dated_after_its_article_is_held_back_and_the_rest_publishes(warehouse):
    con, _ = warehouse
    held_back = rows(con, "select fact_type, rule, \"values\" from audit.quarantine order by rule")
    assert [(row["fact_type"], row["rule"]) for row in held_back] == [
        ("call", "call_after_page_fetched"), ("call", "call_after_reporting_article")]
    assert '"participant_countries":"GBR|JPN"' in held_back[0]["values"]
    published = rows(con, "select participant_countries from marts.fct_call")
    assert "GBR|JPN" not in {row["participant_countries"] for row in published} and len(published) == 3
    assert not rows(con, "select * from marts.bridge_call_participant where country_iso3 in ('GBR', 'JPN') "
                         "and call_id not in (select call_id from marts.fct_call)")
