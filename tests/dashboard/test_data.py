"""The dashboard's data layer: read-only, one connection per query, and it
follows a new warehouse published by atomic rename over WAREHOUSE_PATH."""

from __future__ import annotations

import os
from datetime import date

import duckdb
import pytest

from dashboard import charts, data
from dashboard import queries as q


def make_warehouse(path, n_calls: int) -> None:
    con = duckdb.connect(str(path))
    try:
        con.execute("create schema marts")
        con.execute("create table marts.fct_call as select 'c' || i as call_id from range(?) t(i)", [n_calls])
    finally:
        con.close()


def test_each_query_sees_the_file_published_last(tmp_path):
    published = tmp_path / "warehouse.duckdb"
    make_warehouse(published, 2)
    assert data.query(published, "select count(*) as n from marts.fct_call")["n"][0] == 2
    version = data.file_version(published)

    building = tmp_path / "warehouse.duckdb.building"
    make_warehouse(building, 5)
    os.replace(building, published)  # what the DAG's publish task does

    assert data.file_version(published) != version
    assert data.query(published, "select count(*) as n from marts.fct_call")["n"][0] == 5


def test_queries_open_the_file_read_only(tmp_path):
    published = tmp_path / "warehouse.duckdb"
    make_warehouse(published, 1)
    with pytest.raises(duckdb.Error, match="read-only"):
        data.query(published, "create table marts.oops (x int)")
    # no connection is left open: a writer can take the file right away
    con = duckdb.connect(str(published))
    con.execute("drop table marts.fct_call")
    con.close()


def test_a_missing_or_old_warehouse_is_explained(tmp_path):
    assert "make run" in data.problem(tmp_path / "absent.duckdb")
    old = tmp_path / "old.duckdb"
    make_warehouse(old, 1)
    assert "rpt_fact_evidence" in data.problem(old)


def test_filters_become_parameters_not_sql_text():
    f = q.Filters(date_from=date(2022, 1, 1), countries=("USA", "RUS'; drop table x; --"), actors=("lloyd-austin",))
    query = q.call_summary(f)
    assert "drop table" not in query.sql
    assert set(query.params.values()) >= {date(2022, 1, 1), "USA", "RUS'; drop table x; --", "lloyd-austin"}


def test_network_layout_is_deterministic_and_inside_the_frame():
    nodes = ["a", "b", "c", "d", "e"]
    edges = [("a", "b", 2.0), ("b", "c", 1.0), ("d", "e", 1.0)]
    first = charts.spring_layout(nodes, edges)
    assert first == charts.spring_layout(nodes, edges)
    assert set(first) == set(nodes)
    assert all(-1.0 <= x <= 1.0 and -1.0 <= y <= 1.0 for x, y in first.values())
    assert len(set(first.values())) == len(nodes)


def test_the_status_line_says_a_failed_last_run_and_the_last_good_publication(tmp_path):
    from datetime import datetime

    from extract.warehouse.load import apply_schema, connect
    from extract.warehouse.run_log import record_failed_run, record_run

    path = tmp_path / "warehouse.duckdb"
    make_warehouse(path, 2)
    assert data.last_run_status(path) is None  # no audit tables: the marts still show
    con = connect(path)
    apply_schema(con)
    record_run(con, "run-good", None, datetime(2026, 11, 21, 0, 1), datetime(2026, 11, 21, 0, 5), {})
    con.close()
    assert data.last_run_status(path) == "Last run: 2026-11-21 00:05 UTC, published, validation passed"
    record_failed_run(path, "run-bad", None, datetime(2026, 11, 22, 0, 1), datetime(2026, 11, 22, 0, 5),
                      "validate_raw failed: critical expectations failed: article_calls.raw mode_known (1 rows)")
    assert data.last_run_status(path) == (
        "Last run: 2026-11-22 00:05 UTC, FAILED: validate_raw failed: critical expectations failed: "
        "article_calls.raw mode_known (1 rows). Last good publication: 2026-11-21 00:05 UTC (run run-good); "
        "the data shown is from it.")


def test_a_warehouse_that_only_logged_a_failed_run_says_so(tmp_path):
    from datetime import datetime

    from extract.warehouse.run_log import record_failed_run

    path = tmp_path / "warehouse.duckdb"
    record_failed_run(path, "run-1", None, datetime(2026, 11, 22), datetime(2026, 11, 22, 0, 5), "load_raw failed: x")
    assert data.problem(path) == (f"`{path}` holds no marts yet. Last run: 2026-11-22 00:05 UTC, FAILED: "
                                  "load_raw failed: x. No run has published yet.")


def test_every_seeded_country_has_a_map_position():
    import csv

    from dashboard import geo
    from extract.tasks.settings import PROJECT_ROOT

    with open(PROJECT_ROOT / "dbt_project" / "seeds" / "ref_countries.csv", encoding="utf-8") as handle:
        seeded = {row["country_iso3"] for row in csv.DictReader(handle)}
    where = geo.centroids()
    assert set(where["country_iso3"]) == seeded
    assert where["country_iso3"].is_unique
    assert where["latitude"].between(-90, 90).all() and where["longitude"].between(-180, 180).all()


def test_the_map_draws_links_between_centroids_without_tiles():
    import json

    import pandas as pd

    from dashboard import geo

    calls = pd.DataFrame({"source": ["CHN"], "target": ["USA"], "source_label": ["China"],
                          "target_label": ["United States"], "n_calls": [2]})
    aid = pd.DataFrame({"source": ["GBR", "XXX"], "target": ["UKR", "UKR"], "source_label": ["United Kingdom", "X"],
                        "target_label": ["Ukraine", "Ukraine"], "total_usd": [124.4e6, 1.0], "n_aid": [1, 1]})
    assert geo.unplaced(calls, aid) == ["XXX"]
    spec = json.loads(geo.link_map(calls, aid).to_json())
    assert "mapProvider" not in spec and "mapStyle" not in spec  # no basemap ...
    assert "http" not in json.dumps(spec)  # ... and nothing else to fetch
    layers = {layer["id"]: layer for layer in spec["layers"]}
    assert set(layers) == {"graticule", "countries", "calls", "aid", "involved", "labels"}
    assert len(layers["calls"]["data"]) == 1 and len(layers["aid"]["data"]) == 1  # XXX has no position
    assert sorted(r["name"] for r in layers["labels"]["data"]) == ["China", "Ukraine", "United Kingdom", "United States"]


def test_marks_are_the_facts_own_names_date_and_amount():
    from dashboard import highlight

    sentence = ("Ngoại trưởng Vương Nghị đã điện đàm với Ngoại trưởng Mỹ Antony Blinken ngày 27/1, "
                "sau khi Thanh nói Mỹ viện trợ 5 triệu USD; ngày 3/2 họ gặp lại.")
    marks = highlight.spans(sentence, ["Vương Nghị", "Ngoại trưởng Mỹ Antony Blinken", "Antony Blinken", "Mỹ"],
                            date(2022, 1, 27))
    assert [(sentence[m.start:m.end], m.kind) for m in marks] == [
        ("Vương Nghị", "name"), ("Ngoại trưởng Mỹ Antony Blinken", "name"), ("27/1", "date"), ("Mỹ", "name")]
    aid = highlight.spans(sentence, [], None, 5_000_000.0, "USD")
    assert [(sentence[m.start:m.end], m.kind) for m in aid] == [("5 triệu USD", "amount")]
    assert highlight.spans(sentence, [], None, 7_000_000.0, "USD") == []  # another amount: nothing marked
    html = highlight.to_html("<b>Mỹ</b> & Nga", highlight.spans("<b>Mỹ</b> & Nga", ["Mỹ"]))
    assert html.endswith('">&lt;b&gt;<mark class="ev-name" title="name" style="background:#dbeafe;color:#1e3a8a;'
                         'padding:0 0.15em;border-radius:3px;font-weight:600">Mỹ</mark>&lt;/b&gt; &amp; Nga</div>')


def test_aid_bars_each_have_a_label_on_a_log_scale():
    import pandas as pd

    flows = pd.DataFrame({
        "donor": ["United Kingdom", "Japan", "Japan", "Australia"], "recipient": ["Ukraine", "Vietnam", "Vietnam", "Vietnam"],
        "aid_kind": ["military", "humanitarian", "financial", "unspecified"],
        "total_usd": [124.4e6, 2e6, 0.0, 1_980_900.0], "n_aid": [1, 1, 1, 1], "n_without_usd": [0, 0, 1, 0]})
    rows = charts.aid_flow_rows(flows)
    assert list(rows["label"]) == ["$124.4M", "$2.0M", "$2.0M", "no USD rate"]
    assert rows["bar"].is_unique and "Japan → Vietnam · financial" in set(rows["bar"])
    spec = charts.aid_by_flow(flows).to_dict()
    bars, labels = spec["layer"]
    assert bars["encoding"]["x"]["scale"]["type"] == "log"
    assert bars["encoding"]["x"]["scale"]["domain"] == [1e6, 1e9]
    assert labels["mark"]["type"] == "text" and labels["encoding"]["text"]["field"] == "label"


def test_the_network_is_one_layout_with_people_of_a_country_linked():
    import pandas as pd

    nodes = pd.DataFrame({"node": ["wang", "xi", "blinken", "biden"], "label": ["Wang", "Xi", "Blinken", "Biden"],
                          "country_iso3": ["CHN", "CHN", "USA", "USA"], "n_calls": [1, 1, 1, 1],
                          "last_call_date": pd.to_datetime(["2022-01-27"] * 4)})
    edges = pd.DataFrame({"source": ["wang", "xi"], "target": ["blinken", "biden"], "source_label": ["Wang", "Xi"],
                          "target_label": ["Blinken", "Biden"], "n_calls": [1, 1],
                          "last_contact_date": pd.to_datetime(["2022-01-27"] * 2)})
    kin = charts.same_country_links(nodes)
    assert sorted(map(tuple, kin[["source", "target"]].values)) == [("biden", "blinken"), ("wang", "xi")]
    layers = charts.network(nodes, edges, link_same_country=True).to_dict()["layer"]
    assert len(layers) == 4
    # without the country links the two calls are apart, yet in one picture: no node is alone at a corner
    apart = charts.spring_layout(list(nodes["node"]), [("wang", "blinken", 1.0), ("xi", "biden", 1.0)])
    pair_gap = min(abs(apart["wang"][0] - apart["xi"][0]) + abs(apart["wang"][1] - apart["xi"][1]),
                   abs(apart["wang"][0] - apart["biden"][0]) + abs(apart["wang"][1] - apart["biden"][1]))
    assert pair_gap < 3.0


def test_run_history_reads_an_older_run_log_without_status(tmp_path):
    path = tmp_path / "old.duckdb"
    con = duckdb.connect(str(path))
    con.execute("create schema audit")
    con.execute("create table audit.run_log (run_id varchar, started_at timestamp, finished_at timestamp, "
                "n_inputs int, validation_status varchar)")
    con.execute("insert into audit.run_log values ('r1', '2026-11-20 06:00', '2026-11-20 06:05', 3, 'passed')")
    con.close()
    query = q.run_history(data.columns(path, "audit", "run_log"))
    rows = data.query(path, query.sql, query.params)
    assert list(rows.columns) == list(q.RUN_LOG_COLUMNS)
    assert rows.iloc[0].status == "published" and rows.iloc[0].n_inputs == 3
