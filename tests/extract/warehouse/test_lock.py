"""The build lock: one run at a time builds the warehouse, and a dead run does not block it for long."""

from __future__ import annotations

import multiprocessing
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from extract.warehouse.lock import LockLost, LockUnreadable, claim, read_holder, release, renew

NOW = datetime(2026, 11, 22, 0, 5)
LEASE = timedelta(hours=2)


def test_a_free_lock_is_claimed_and_released(tmp_path):
    lock = tmp_path / "w.duckdb.lock"
    holder = claim(lock, "scheduled__2026-11-22", NOW, LEASE)
    assert holder.run_id == "scheduled__2026-11-22"
    assert read_holder(lock) == holder
    assert release(lock, "scheduled__2026-11-22") is True
    assert not lock.exists()


def test_a_held_lock_makes_another_run_wait(tmp_path):
    lock = tmp_path / "w.duckdb.lock"
    claim(lock, "scheduled__2026-11-22", NOW, LEASE)
    holder = claim(lock, "backfill__2026-11-01", NOW + timedelta(minutes=5), LEASE, run_finished=lambda run: False)
    assert holder.run_id == "scheduled__2026-11-22"
    assert release(lock, "backfill__2026-11-01") is False, "a run released a lock it did not hold"
    assert read_holder(lock).run_id == "scheduled__2026-11-22"


def test_the_holder_claiming_again_keeps_the_lock_and_extends_the_lease(tmp_path):
    lock = tmp_path / "w.duckdb.lock"
    first = claim(lock, "run-a", NOW, LEASE)
    again = claim(lock, "run-a", NOW + timedelta(minutes=30), LEASE)
    assert again.acquired_at == first.acquired_at
    assert again.expires_at > first.expires_at


def test_a_lock_whose_lease_ran_out_is_taken_over(tmp_path):
    lock = tmp_path / "w.duckdb.lock"
    claim(lock, "killed-run", NOW, LEASE)
    assert claim(lock, "next-run", NOW + LEASE - timedelta(seconds=1), LEASE).run_id == "killed-run"
    assert claim(lock, "next-run", NOW + LEASE, LEASE).run_id == "next-run"


def test_a_lock_of_a_run_airflow_has_seen_end_is_taken_over(tmp_path):
    lock = tmp_path / "w.duckdb.lock"
    claim(lock, "failed-run", NOW, LEASE)
    holder = claim(lock, "next-run", NOW + timedelta(minutes=1), LEASE, run_finished=lambda run: run == "failed-run")
    assert holder.run_id == "next-run"


def test_renewing_a_lock_another_run_took_stops_the_run(tmp_path):
    lock = tmp_path / "w.duckdb.lock"
    claim(lock, "slow-run", NOW, LEASE)
    renewed = renew(lock, "slow-run", NOW + timedelta(hours=1), LEASE)
    assert renewed.expires_at == (NOW + timedelta(hours=3)).isoformat()
    claim(lock, "other-run", NOW + timedelta(hours=3), LEASE)  # slow-run's lease ran out
    with pytest.raises(LockLost, match="held by other-run"):
        renew(lock, "slow-run", NOW + timedelta(hours=3, minutes=1), LEASE)
    release(lock, "other-run")
    with pytest.raises(LockLost, match="held by nobody"):
        renew(lock, "slow-run", NOW + timedelta(hours=4), LEASE)


def _claim_in_process(lock: str, run_id: str, start, results) -> None:
    start.wait()
    results.put((run_id, claim(Path(lock), run_id, NOW, LEASE).run_id))


def test_runs_claiming_at_the_same_moment_get_one_winner(tmp_path):
    lock = tmp_path / "w.duckdb.lock"
    context = multiprocessing.get_context("fork")
    start, results = context.Event(), context.Queue()
    runs = [f"run-{n}" for n in range(6)]
    processes = [context.Process(target=_claim_in_process, args=(str(lock), run, start, results)) for run in runs]
    for process in processes:
        process.start()
    start.set()
    for process in processes:
        process.join(timeout=30)
    outcomes = [results.get(timeout=5) for _ in runs]
    winners = {holder for _, holder in outcomes}
    assert len(winners) == 1, outcomes
    assert read_holder(lock).run_id in winners


def test_a_lock_file_nobody_can_read_stops_the_claim_with_what_to_do(tmp_path):
    lock = tmp_path / "w.duckdb.lock"
    lock.write_text("held by hand", encoding="utf-8")
    with pytest.raises(LockUnreadable, match="if no run is building the warehouse, delete it"):
        claim(lock, "run-a", NOW, LEASE)
    assert lock.read_text(encoding="utf-8") == "held by hand"
