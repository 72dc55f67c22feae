from __future__ import annotations

import os
import shutil
from datetime import datetime, timedelta

import duckdb
import pytest

from extract.warehouse.run_log import record_failed_run
from tests.airflow_runner import DAG_ID, airflow_env, run_airflow
from tests.docs.pipeline_warehouse import build_pipeline_warehouse

# An article written for the test. Its byline (10 March 2025) is later than its file's time
# (HELD_BACK_FETCHED), so dbt holds it back (rule published_after_fetch) with the call it reports.
HELD_BACK_ARTICLE = """Ngoại trưởng Pháp điện đàm với Ngoại trưởng Đức về an ninh châu Âu
Thứ hai, 10/03/2025 - 09:00
(Dân trí) - Ngoại trưởng Pháp Jean-Noël Barrot và Ngoại trưởng Đức Annalena Baerbock đã điện đàm ngày 9/3/2025.
Hai bên trao đổi về tình hình an ninh châu Âu và quan hệ song phương.
"""
HELD_BACK_FETCHED = datetime(2025, 3, 1, 9, 0)
# The second run's logical date, and the failed third run, pinned: nothing reads the clock.
SECOND_RUN = "2026-11-21T06:00:00+00:00"
FAILED_RUN_ID = "scheduled__2026-11-22T06:00:00+00:00"
FAILED_REASON = ("validate_marts failed: critical expectations failed: fct_call.marts call_id_unique on call_id "
                 "(2 rows)")


@pytest.fixture(scope="session")
def pipeline_warehouse(tmp_path_factory):
    """A warehouse published by the real DAG over sample_inbox/ (shared with tests/dashboard)."""
    return build_pipeline_warehouse(tmp_path_factory)


@pytest.fixture(scope="session")
def quality_warehouse(pipeline_warehouse, tmp_path_factory):
    """Three runs on one warehouse, as the Runs & quality page sees them.

    Run one is the sample inbox (`pipeline_warehouse`). Run two, the real DAG again, reads an
    article that is held back (audit.quarantine) and a PDF it rejects (audit.input_ledger), and
    publishes. Run three failed: its row is written by `record_failed_run`, the function the
    DAG's failure callback calls, into the published file.
    """
    home = tmp_path_factory.mktemp("quality-warehouse")
    warehouse = home / "warehouse.duckdb"
    shutil.copy2(pipeline_warehouse, warehouse)
    inbox = home / "inbox"
    inbox.mkdir()
    article = inbox / "07_phap_duc_dien_dam.txt"
    article.write_text(HELD_BACK_ARTICLE, encoding="utf-8")
    os.utime(article, (HELD_BACK_FETCHED.timestamp(), HELD_BACK_FETCHED.timestamp()))
    (inbox / "08_thong_cao.pdf").write_bytes(b"%PDF-1.4\n% a scanned press release\n")
    env = airflow_env(home, inbox, warehouse)
    env["QUARANTINE_MAX_SHARE"] = "0.6"  # the day is small: one held-back call is a large share of it
    run_airflow(env, "db", "migrate")
    run_airflow(env, "dags", "test", DAG_ID, SECOND_RUN)
    # The failed run comes last: its times follow the published runs' (Airflow stamped those).
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        last_finished = con.execute("select max(finished_at) from audit.run_log").fetchone()[0]
    finally:
        con.close()
    record_failed_run(warehouse, FAILED_RUN_ID, datetime(2026, 11, 22, 6, 0), last_finished + timedelta(minutes=1),
                      last_finished + timedelta(minutes=5), FAILED_REASON,
                      {"n_inputs": 2, "n_loaded": 2, "n_duplicates": 0, "n_rejected": 0}, validation="failed")
    return warehouse
