"""dbt documentation: every mart and column described (grain first), sources
with freshness, exposures for the dashboard, and `make docs` builds the
static docs site offline from a pipeline-built warehouse."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import duckdb
import pytest
import yaml

from extract.tasks.settings import PROJECT_ROOT

MODELS = PROJECT_ROOT / "dbt_project" / "models"


def documented_models() -> dict[str, dict]:
    out = {}
    for path in MODELS.rglob("*.yml"):
        for model in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("models", []):
            out[model["name"]] = model
    return out


def test_every_mart_and_column_is_described_grain_first(pipeline_warehouse):
    docs = documented_models()
    con = duckdb.connect(str(pipeline_warehouse), read_only=True)
    try:
        columns = con.execute(
            "select table_name, column_name from information_schema.columns "
            "where table_schema = 'marts' order by table_name, ordinal_position").fetchall()
    finally:
        con.close()
    tables: dict[str, list[str]] = {}
    for table, column in columns:
        tables.setdefault(table, []).append(column)
    assert {"fct_call", "fct_aid", "rpt_fact_evidence", "rpt_aid_flows"} <= set(tables)
    problems = []
    for table, cols in tables.items():
        model = docs.get(table)
        if model is None:
            problems.append(f"{table}: no yml entry")
            continue
        if not re.match(r"\s*One row per ", model.get("description") or ""):
            problems.append(f"{table}: description does not start with its grain ('One row per ...')")
        described = {c["name"]: (c.get("description") or "").strip() for c in model.get("columns", [])}
        problems += [f"{table}.{c}: no description" for c in cols if not described.get(c)]
        problems += [f"{table}.{c}: documented but not in the table" for c in described if c not in cols]
    assert not problems, "\n".join(problems)


def test_reporting_models_have_a_tested_primary_key():
    for name, model in documented_models().items():
        if not name.startswith("rpt_"):
            continue
        first = model["columns"][0]
        tests = [t if isinstance(t, str) else next(iter(t)) for t in first.get("data_tests", [])]
        assert {"unique", "not_null"} <= set(tests), f"{name}.{first['name']} (its key) needs unique and not_null"
        assert first["description"].startswith("Primary key"), name


@pytest.fixture(scope="module")
def docs_site(pipeline_warehouse, tmp_path_factory) -> Path:
    """`make docs` over the pipeline warehouse into a temp dir."""
    out = tmp_path_factory.mktemp("dbt-docs")
    result = subprocess.run(
        ["make", "--no-print-directory", "-o", ".venv/bin/.installed", "docs",
         f"WAREHOUSE_PATH={pipeline_warehouse}", f"DOCS_DIR={out}"],
        cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, f"make docs failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return out


def test_make_docs_builds_a_self_contained_site(docs_site):
    page = (docs_site / "static_index.html").read_text(encoding="utf-8")
    # manifest and catalog are inlined: the page opens from disk, offline
    assert "rpt_fact_evidence" in page and "analyst_dashboard" in page
    assert not re.search(r"<(script|link)[^>]+(src|href)=[\"']https?://", page), "the docs page loads something from the web"
    catalog = json.loads((docs_site / "catalog.json").read_text(encoding="utf-8"))
    built = {node["metadata"]["name"] for node in catalog["nodes"].values() if node["metadata"]["schema"] == "marts"}
    assert {"fct_call", "rpt_calls_by_month_country_pair", "rpt_actor_network", "rpt_top_actors"} <= built
    assert not list(docs_site.rglob("*.duckdb")), "the warehouse copy must not be left in the docs folder"


def test_sources_are_fresh_checked_and_the_dashboard_is_an_exposure(docs_site):
    manifest = json.loads((docs_site / "manifest.json").read_text(encoding="utf-8"))
    raw = {s["name"]: s for s in manifest["sources"].values() if s["source_name"] == "raw"}
    assert raw, "no raw sources"
    for name, source in raw.items():
        freshness = source["freshness"] or {}
        assert (freshness.get("warn_after") or {}).get("count"), f"raw.{name} has no warn_after"
        assert not (freshness.get("error_after") or {}).get("count"), f"raw.{name}: freshness must only warn"
        assert source.get("loaded_at_field") or source.get("loaded_at_query"), f"raw.{name}: no load time"
    exposures = {e["name"]: e for e in manifest["exposures"].values()}
    dashboard = exposures["analyst_dashboard"]
    assert dashboard["type"] == "dashboard"
    assert "model.news_warehouse.rpt_fact_evidence" in dashboard["depends_on"]["nodes"]
