"""A run killed outright in any task leaves the last good warehouse, and the next run repairs all by itself.

One good run publishes a warehouse from two articles (a call, an aid amount). Then, for each
task, a new article (a third call) is added and a run is started as `airflow dags test`, paused
inside that task by the test-only hook `extract/tasks/pause.py`, and its whole process group
is killed with SIGKILL: no `finally`, no failure callback, and Airflow never hears of it (the
run stays `running` in its metadata DB). `publish` is killed twice: after it wrote the run's
row into the build but before the rename, and after the rename but before freeing the lock.

After the kill the published warehouse is byte for byte the good one (killed before the
rename) or the complete new one (killed after it), never a mix. Then the DAG runs again, for a
later day, with nothing cleaned by hand: it takes over the dead run's lock (its process is gone),
starts its build afresh over the leftover `.building` file, publishes the new call once, and
every key is unique.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from extract.warehouse.lock import process_gone, read_holder
from tests.e2e.conftest import DagRunner

BASE_ARTICLES = {
    "kishida_yoon.txt": (
        "Thủ tướng Nhật Bản Kishida Fumio điện đàm với Tổng thống Hàn Quốc Yoon Suk Yeol\n"
        "Thứ Năm, 15/6/2023 09:20 (GMT+7)\n"
        "Tối 14/6/2023, Thủ tướng Nhật Bản Kishida Fumio đã điện đàm với Tổng thống Hàn Quốc Yoon Suk Yeol "
        "theo đề nghị của phía Hàn Quốc, trao đổi về hợp tác kinh tế và an ninh khu vực.\n"
        "Hai nhà lãnh đạo nhất trí duy trì liên lạc thường xuyên và phối hợp chặt chẽ trong việc ứng phó "
        "với biến đổi khí hậu.\n"),
    "nhat_ban_vien_tro.txt": (
        "Nhật Bản viện trợ khẩn cấp cho Việt Nam khắc phục hậu quả bão Yagi\n"
        "Thứ Sáu, 13/9/2024 10:00 (GMT+7)\n"
        "Ngày 12/9/2024, Chính phủ Nhật Bản quyết định viện trợ khẩn cấp 3 triệu USD cho Việt Nam để khắc "
        "phục hậu quả cơn bão số 3 Yagi.\n"
        "Khoản viện trợ sẽ được dùng để cung cấp nước sạch, lương thực và nhu yếu phẩm cho người dân vùng "
        "bị ảnh hưởng.\n"),
}
NEW_ARTICLE = ("chinh_kishida.txt", (
    "Thủ tướng Phạm Minh Chính hội đàm trực tuyến với Thủ tướng Nhật Bản Kishida Fumio\n"
    "Thứ Năm, 4/5/2023 08:00 (GMT+7)\n"
    "Chiều 3/5/2023, Thủ tướng Phạm Minh Chính đã hội đàm trực tuyến với Thủ tướng Nhật Bản Kishida Fumio, "
    "trao đổi về hợp tác kinh tế, đầu tư và lao động giữa hai nước.\n"
    "Hai nhà lãnh đạo nhất trí tăng cường trao đổi đoàn các cấp và thúc đẩy các dự án hợp tác ODA thế hệ mới.\n"))
GOOD_CALLS = {("2023-06-14", "JPN|KOR")}
NEW_CALL = ("2023-05-03", "JPN|VNM")

# Each table's key: after any kill and re-run, no key appears twice.
KEYS = {
    "marts.fct_call": "call_id",
    "marts.fct_aid": "aid_id",
    "marts.dim_article": "article_id",
    "marts.bridge_call_participant": "call_participant_id",
    "raw.articles": "article_id",
    "raw.sentences": "article_id, sentence_index",
    "raw.article_calls": "article_call_id",
    "raw.article_call_participants": "article_call_id, participant_index",
    "raw.article_call_evidence": "article_call_id, sentence_index",
    "raw.aid_mentions": "aid_mention_id",
    "audit.input_ledger": "source_uri, content_hash",
    "audit.run_log": "run_id",
}
# The pause point each case stops at (extract/tasks/pause.py), and whether the kill comes after the rename.
POINTS = {
    "extract_articles": "extract_articles",
    "load_raw": "load_raw",
    "dbt_producer": "dbt",
    "validate_marts": "validate_marts",
    "publish_before_rename": "publish.recorded",
    "publish_after_rename": "publish.renamed",
}
# Each case kills a DAG run and runs it again (about 2 minutes each): `make test-crash` runs them, and so
# does CI after `make test`, which leaves them out to stay near 20 minutes.
pytestmark = pytest.mark.crash
GOOD_DAY = "2026-10-01"
WAIT_SECONDS = 600


@dataclass(frozen=True)
class Snapshot:
    """What a published warehouse holds: each table's keys, the calls, the runs."""

    keys: dict[str, list[tuple]]
    calls: set[tuple[str, str]]
    runs: dict[str, str]  # run id -> logical day


def snapshot(warehouse: Path) -> Snapshot:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        keys = {table: sorted(con.execute(f"select {key} from {table}").fetchall()) for table, key in KEYS.items()}
        calls = set(con.execute("select call_date::varchar, participant_countries from marts.fct_call").fetchall())
        runs = dict(con.execute("select run_id, logical_date::date::varchar from audit.run_log").fetchall())
    finally:
        con.close()
    return Snapshot(keys, calls, runs)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@dataclass(frozen=True)
class GoodRun:
    inbox: Path
    warehouse: Path
    digest: str
    published: Snapshot


@pytest.fixture(scope="module")
def good_run(dag_runner: DagRunner, tmp_path_factory) -> GoodRun:
    base = tmp_path_factory.mktemp("crash-good")
    inbox = base / "inbox"
    inbox.mkdir()
    for name, text in BASE_ARTICLES.items():
        (inbox / name).write_text(text, encoding="utf-8")
    warehouse = base / "warehouse.duckdb"
    dag_runner.run(inbox, warehouse, GOOD_DAY)
    published = snapshot(warehouse)
    assert published.calls == GOOD_CALLS
    assert len(published.keys["marts.fct_aid"]) == 1
    assert len(published.keys["raw.articles"]) == len(BASE_ARTICLES)
    assert len(published.keys["audit.input_ledger"]) == len(BASE_ARTICLES)
    return GoodRun(inbox, warehouse, sha256(warehouse), published)


@pytest.fixture
def inbox_with_new_article(good_run: GoodRun):
    """The good run's inbox (same paths, so its articles stay `unchanged`) plus the new article."""
    new = good_run.inbox / NEW_ARTICLE[0]
    new.write_text(NEW_ARTICLE[1], encoding="utf-8")
    yield good_run.inbox
    new.unlink()


def _wait_for(path: Path, run, output: Path) -> None:
    """Until `path` exists; fails at once if the run ends first (it should be paused or killed)."""
    for _ in range(int(WAIT_SECONDS / 0.05)):
        if path.exists():
            return
        if run.poll() is not None:
            pytest.fail(f"the run ended ({run.returncode}) before {path.name}:\n"
                        f"{output.read_text(encoding='utf-8')[-4000:]}")
        time.sleep(0.05)
    pytest.fail(f"{path.name} did not appear within {WAIT_SECONDS} s")


def _kill(run) -> None:
    os.killpg(run.pid, signal.SIGKILL)
    run.wait(timeout=60)


def _unique(warehouse: Path) -> dict[str, int]:
    """Tables whose key appears more than once, with how many extra rows."""
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        extra = {table: con.execute(f"select count(*) - count(distinct ({key})) from {table}").fetchone()[0]
                 for table, key in KEYS.items()}
    finally:
        con.close()
    return {table: n for table, n in extra.items() if n}


@pytest.mark.parametrize("case", list(POINTS))
def test_a_run_killed_in_a_task_leaves_a_consistent_warehouse_and_the_next_run_repairs_it(
        case, dag_runner, good_run, inbox_with_new_article, tmp_path):
    index = list(POINTS).index(case)
    killed_day, rerun_day = f"2026-10-{10 + 2 * index:02d}", f"2026-10-{11 + 2 * index:02d}"
    warehouse = tmp_path / "warehouse.duckdb"
    shutil.copy2(good_run.warehouse, warehouse)
    lock, build = Path(f"{warehouse}.lock"), Path(f"{warehouse}.building")
    point, pauses, output = POINTS[case], tmp_path / "pauses", tmp_path / "killed-run.log"

    run = dag_runner.start(inbox_with_new_article, warehouse, killed_day, output=output,
                           PIPELINE_PAUSE_AT=point, PIPELINE_PAUSE_DIR=str(pauses))
    try:
        _wait_for(pauses / f"{point}.reached", run, output)
        if point == "dbt":
            # Let `dbt build` start, and kill it once it writes the build (DuckDB's WAL beside it).
            (pauses / "dbt.go").touch()
            _wait_for(Path(f"{build}.wal"), run, output)
    finally:
        _kill(run)
    assert run.returncode == -signal.SIGKILL

    # The dead run still holds the lock; its process is gone, and Airflow still thinks it runs.
    holder = read_holder(lock)
    assert holder is not None and holder.run_id not in good_run.published.runs
    assert process_gone(holder)
    if point == "publish.renamed":
        # Killed after the rename: the published file is the whole new build, run_log row included.
        assert not build.exists()
        killed = snapshot(warehouse)
        assert killed.calls == GOOD_CALLS | {NEW_CALL}
        assert killed.runs == {**good_run.published.runs, holder.run_id: killed_day}
        assert _unique(warehouse) == {}
    else:
        # Killed before it: the published file was not touched, whatever the build holds.
        assert build.exists()
        assert sha256(warehouse) == good_run.digest
        killed = good_run.published

    # Run again, for a later day, with the lock, the build and the Airflow run left as the kill left them.
    rerun = dag_runner.run(inbox_with_new_article, warehouse, rerun_day)
    assert f"taking over the warehouse lock from run {holder.run_id}" in rerun.stdout + rerun.stderr
    assert not lock.exists()
    assert not build.exists()
    after = snapshot(warehouse)
    assert after.calls == GOOD_CALLS | {NEW_CALL}
    assert _unique(warehouse) == {}
    new_runs = {run: day for run, day in after.runs.items() if run not in good_run.published.runs}
    assert sorted(new_runs.values()) == ([killed_day, rerun_day] if point == "publish.renamed" else [rerun_day])
    for table in ("marts.fct_aid", "raw.aid_mentions"):
        assert after.keys[table] == good_run.published.keys[table], table
    for table in ("marts.fct_call", "marts.dim_article", "raw.articles", "raw.article_calls", "audit.input_ledger"):
        added = set(after.keys[table]) - set(good_run.published.keys[table])
        assert set(good_run.published.keys[table]) <= set(after.keys[table]), table
        assert len(added) == 1, (table, added)  # the new article, its call, its ledger row: once each
    if point == "publish.renamed":
        # The re-run changes no row of what the killed run had published completely.
        assert {t: k for t, k in after.keys.items() if t != "audit.run_log"} == \
               {t: k for t, k in killed.keys.items() if t != "audit.run_log"}
