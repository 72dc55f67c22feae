"""Tests of the project's Great Expectations context: saved suites, checkpoints, results and Data Docs."""

from __future__ import annotations

import json
import shutil
import sys
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pytest

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:  # the project is not installed into the venv
    sys.path.insert(0, str(REPO))

from great_expectations.checkpoint import UpdateDataDocsAction
from great_expectations.core.run_identifier import RunIdentifier

from expectations.context import DATA_DOCS_INDEX, data_docs_index, open_context, save_all, save_suites
from expectations.suites import STAGES, suite_parameters, suite_specs

AS_OF = datetime(2025, 6, 1, 12, 0)
PARAMETERS = suite_parameters(as_of=AS_OF, allowed_currencies=("EUR", "USD", "VND"))


def _committed_files(root: Path) -> dict[str, bytes]:
    """Every file of a context but its uncommitted/ folder, by relative path."""
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and "uncommitted" not in p.relative_to(root).parts}


def _expectations(suite) -> list[dict]:
    out = []
    for expectation in suite.expectations:
        config = expectation.configuration.to_json_dict()
        config.pop("id", None)
        out.append(config)
    return out


@pytest.fixture
def context_dir(tmp_path: Path) -> Path:
    return tmp_path / "gx"


def test_a_context_made_from_code_holds_the_suites_of_suites_py(context_dir: Path) -> None:
    from expectations.suites import build_suite

    context = save_all(context_dir)

    assert (context_dir / "great_expectations.yml").is_file()
    for stage in STAGES:
        for spec in suite_specs(stage):
            saved = context.suites.get(spec.name)
            assert _expectations(saved) == _expectations(build_suite(spec)), spec.name
            assert [e.meta["name"] for e in saved.expectations] == [e.name for e in spec.expectations]
            assert [e.meta["severity"] for e in saved.expectations] == [e.severity for e in spec.expectations]
            checkpoint = context.checkpoints.get(spec.name)
            assert [v.name for v in checkpoint.validation_definitions] == [spec.name]
            assert [type(a) for a in checkpoint.actions] == [UpdateDataDocsAction]
            assert checkpoint.result_format["unexpected_index_column_names"] == list(spec.key_columns)
    # the open values are suite parameters, so the saved suites do not change with the day
    fct_aid = json.loads((context_dir / "expectations" / "fct_aid" / "marts.json").read_text(encoding="utf-8"))
    kwargs = {e["meta"]["name"]: e["kwargs"] for e in fct_aid["expectations"]}
    assert kwargs["reported_date_not_in_future"]["max_value"] == {"$PARAMETER": "today"}
    assert kwargs["currency_allowed"]["value_set"] == {"$PARAMETER": "allowed_currencies"}


def test_saving_again_writes_nothing(context_dir: Path) -> None:
    save_all(context_dir)
    before = _committed_files(context_dir)
    save_all(context_dir)
    assert _committed_files(context_dir) == before


def test_the_committed_gx_folder_is_what_the_code_saves(tmp_path: Path) -> None:
    # Fails when expectations/suites.py changed and `make gx-suites` was not run and committed.
    copy = tmp_path / "gx"
    shutil.copytree(REPO / "gx", copy, ignore=shutil.ignore_patterns("uncommitted"))
    before = _committed_files(copy)
    assert "great_expectations.yml" in before and "expectations/fct_call/marts.json" in before
    save_all(copy)
    assert _committed_files(copy) == before


def test_a_checkpoint_run_stores_its_result_and_updates_the_data_docs(context_dir: Path) -> None:
    context = open_context(context_dir)
    (spec,) = [s for s in suite_specs("marts") if s.asset == "fct_aid"]
    checkpoint = save_suites(context, [spec])[spec.name]
    frame = pd.DataFrame({
        "aid_id": ["aid-1", "aid-2"], "donor_iso3": ["USA", "JPN"], "recipient_iso3": ["UKR", "VNM"],
        "amount": [5.0, -1.0], "currency": ["USD", "USD"], "amount_usd": [5.0, 1.0],
        "aid_kind": ["military", "financial"], "status": ["announced", "announced"],
        "reported_date": pd.to_datetime(["2025-03-19", "2025-03-20"]), "article_id": ["art-1", "art-2"],
        "donor_known": [True, True], "recipient_known": [True, True],
        "donor_differs_from_recipient": [True, True],
    })
    run_time = datetime(2025, 6, 1, 5, 0, tzinfo=UTC)
    result = checkpoint.run(batch_parameters={"dataframe": frame}, expectation_parameters=PARAMETERS,
                            run_id=RunIdentifier(run_name="run-1", run_time=run_time))
    assert not result.success

    (stored_path,) = (context_dir / "uncommitted" / "validations" / "fct_aid" / "marts" / "run-1").rglob("*.json")
    stored = json.loads(stored_path.read_text(encoding="utf-8"))
    outcome = {r["expectation_config"]["meta"]["name"]: r for r in stored["results"]}
    assert outcome["amount_positive"]["success"] is False
    assert outcome["amount_positive"]["result"]["unexpected_count"] == 1
    assert outcome["amount_positive"]["result"]["partial_unexpected_index_list"][0]["aid_id"] == "aid-2"
    assert outcome["aid_id_unique"]["success"] is True
    assert stored["meta"]["run_id"]["run_time"].startswith("2025-06-01T05:00:00")

    index = data_docs_index(context)
    assert index == context_dir / DATA_DOCS_INDEX
    listing = index.read_text(encoding="utf-8")
    assert "fct_aid.marts" in listing and "run-1" in listing
    (page,) = (index.parent / "validations" / "fct_aid" / "marts" / "run-1").rglob("*.html")
    text = page.read_text(encoding="utf-8")
    assert "An aid amount is above 0." in text and "Failed" in text
