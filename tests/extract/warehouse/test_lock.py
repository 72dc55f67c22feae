"""The build lock: one run at a time builds the warehouse, and a dead run does not block it for long."""

from __future__ import annotations

import json
import multiprocessing
import os
import signal
import socket
import time
from dataclasses import asdict
from datetime import datetime, timedelta
from pathlib import Path

import psutil
import pytest

from extract.warehouse.lock import (
    Holder,
    LockLost,
    LockUnreadable,
    claim,
    process_gone,
    read_holder,
    release,
    renew,
)

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


# ------------------------------------------------------------------ a holder whose process is gone


def _claim_for_this_process(lock: str, run_id: str, claimed, stay_seconds: float) -> None:
    claim(Path(lock), run_id, NOW, LEASE, run_process=os.getpid())
    claimed.set()
    time.sleep(stay_seconds)  # killed before the end (no Event to wait on: a killed waiter would hang its setter)


def _wait_until_zombie(pid: int) -> None:
    for _ in range(200):
        if psutil.Process(pid).status() == psutil.STATUS_ZOMBIE:
            return
        time.sleep(0.05)
    raise AssertionError(f"process {pid} did not die")


def test_a_lock_whose_process_is_killed_is_taken_over_before_its_lease_runs_out(tmp_path):
    lock = tmp_path / "w.duckdb.lock"
    context = multiprocessing.get_context("fork")
    claimed = context.Event()
    holder = context.Process(target=_claim_for_this_process, args=(str(lock), "dags-test-run", claimed, 60.0))
    holder.start()
    try:
        assert claimed.wait(timeout=30)
        assert read_holder(lock).pid == holder.pid
        later = NOW + timedelta(minutes=5)
        assert claim(lock, "next-run", later, LEASE, run_finished=lambda run: False).run_id == "dags-test-run"
        os.kill(holder.pid, signal.SIGKILL)
        _wait_until_zombie(holder.pid)  # killed, not yet reaped: it is gone all the same
        assert process_gone(read_holder(lock))
        assert claim(lock, "next-run", later, LEASE, run_finished=lambda run: False).run_id == "next-run"
    finally:
        holder.kill()
        holder.join(timeout=30)


def test_a_lock_whose_process_exited_is_taken_over(tmp_path):
    lock = tmp_path / "w.duckdb.lock"
    context = multiprocessing.get_context("fork")
    holder = context.Process(target=_claim_for_this_process, args=(str(lock), "dags-test-run", context.Event(), 0.0))
    holder.start()
    holder.join(timeout=30)
    assert holder.exitcode == 0 and read_holder(lock).pid == holder.pid
    assert claim(lock, "next-run", NOW + timedelta(minutes=1), LEASE).run_id == "next-run"


def test_a_pid_the_os_gave_to_another_process_does_not_keep_the_lock(tmp_path):
    lock = tmp_path / "w.duckdb.lock"
    mine = claim(lock, "dags-test-run", NOW, LEASE, run_process=os.getpid())
    assert mine.pid_started == psutil.Process().create_time()
    assert claim(lock, "next-run", NOW, LEASE).run_id == "dags-test-run"  # this process runs: kept
    lock.write_text(json.dumps({**asdict(mine), "pid_started": mine.pid_started - 3600}), encoding="utf-8")
    assert claim(lock, "next-run", NOW, LEASE).run_id == "next-run"


def test_a_process_on_another_host_is_not_checked_only_its_lease_frees_the_lock(tmp_path):
    lock = tmp_path / "w.duckdb.lock"
    context = multiprocessing.get_context("fork")
    gone = context.Process(target=int)
    gone.start()
    gone.join(timeout=30)
    elsewhere = Holder(run_id="other-host-run", acquired_at=NOW.isoformat(), expires_at=(NOW + LEASE).isoformat(),
                       host=socket.gethostname() + "-elsewhere", pid=gone.pid, pid_started=0.0)
    lock.write_text(json.dumps(asdict(elsewhere)), encoding="utf-8")
    assert not process_gone(read_holder(lock))
    assert claim(lock, "next-run", NOW + timedelta(minutes=5), LEASE).run_id == "other-host-run"
    assert claim(lock, "next-run", NOW + LEASE, LEASE).run_id == "next-run"


def test_a_run_without_a_process_of_its_own_is_freed_by_its_lease_or_airflow_only(tmp_path):
    lock = tmp_path / "w.duckdb.lock"
    scheduled = claim(lock, "scheduled-run", NOW, LEASE)  # under a scheduler: each task is its own process
    assert scheduled.pid is None and not process_gone(scheduled)
    assert claim(lock, "next-run", NOW + timedelta(minutes=5), LEASE).run_id == "scheduled-run"


def test_renewing_keeps_the_process_and_an_older_lock_file_still_reads(tmp_path):
    lock = tmp_path / "w.duckdb.lock"
    mine = claim(lock, "dags-test-run", NOW, LEASE, run_process=os.getpid())
    renewed = renew(lock, "dags-test-run", NOW + timedelta(minutes=10), LEASE)
    assert (renewed.pid, renewed.pid_started) == (mine.pid, mine.pid_started)
    # Written before the process was recorded: read as a lock with no process, freed by its lease.
    lock.write_text(json.dumps({"run_id": "old-run", "acquired_at": NOW.isoformat(),
                                "expires_at": (NOW + LEASE).isoformat(), "host": "h"}), encoding="utf-8")
    assert read_holder(lock).pid is None
    assert claim(lock, "next-run", NOW + timedelta(minutes=5), LEASE).run_id == "old-run"
