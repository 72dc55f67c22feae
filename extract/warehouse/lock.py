"""One run at a time builds the warehouse.

Every run writes the same build file (`<warehouse>.building`) and DuckDB allows
one writer per file. Airflow's `max_active_runs` does not hold a backfill run
back behind a scheduled one, nor a `dags test` run started from another Airflow
home, so a run claims a lock file beside the warehouse before it touches the
build and releases it after publishing, or when it fails.

The lock file holds who owns it and until when (a lease). A lock is stale, and
is taken over, when its lease has run out, when Airflow reports its run as
finished, or when the one process that ran the whole run is gone: a run killed
before it could release the lock blocks nobody for long.

That last check covers `airflow dags test` (`make run`), where one process runs
every task and a killed run is never marked failed in Airflow. The lock then
records that process (its pid, and when it started, so that a pid the OS gives
to another process again does not count), and a run on the same host that finds
it gone takes the lock over at once. Under a scheduler each task is a process
of its own, and one ending says nothing of its run: no process is recorded, and
Airflow's view of the run and the lease decide. A process on another host
cannot be checked: there too, only the lease or Airflow frees the lock.
Each step that writes renews the lease and checks the lock is still its own.
Reading and writing the lock happen under an OS file lock (`filelock`) on a
companion `.guard` file, held for milliseconds, so two runs never both see the
lock free. The OS drops that guard when its process dies, so a killed run never
leaves it held.
"""

from __future__ import annotations

import json
import logging
import os
import socket
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from pathlib import Path

import psutil
from filelock import FileLock

log = logging.getLogger(__name__)

# The guard is held only while the lock file is read and rewritten; waiting this long means
# something is wrong (a hung filesystem), and saying so beats waiting forever.
GUARD_TIMEOUT_SECONDS = 60
# psutil derives a process's start from the boot time, which the kernel may report a second apart.
PID_START_TOLERANCE_SECONDS = 1.0


class LockLost(RuntimeError):
    """Another run holds the warehouse lock that this run had claimed."""


@dataclass(frozen=True)
class Holder:
    run_id: str
    acquired_at: str  # ISO, naive UTC
    expires_at: str
    host: str
    # The process that runs the whole run, when one does (`airflow dags test`); None under a scheduler.
    pid: int | None = None
    # When that process started (psutil's create_time: an identity of the process, not a clock read).
    pid_started: float | None = None

    def expired(self, now: datetime) -> bool:
        return datetime.fromisoformat(self.expires_at) <= now


def claim(lock_path: Path, run_id: str, now: datetime, lease: timedelta,
          run_finished: Callable[[str], bool] | None = None, run_process: int | None = None) -> Holder:
    """Claim the lock for `run_id`, or renew it if the run holds it already.

    Returns the holder after the attempt: `run_id` itself when claimed, otherwise
    the run that keeps it. `run_finished` (optional) asks Airflow whether a run
    has ended; a run Airflow does not know (one from another Airflow home) is
    not known to have ended, so only its lease or its gone process can make its
    lock stale. `run_process` is the pid of the process that runs the whole of
    `run_id`, when one does (None under a scheduler).
    """
    with _guarded(lock_path):
        current = read_holder(lock_path)
        if current is not None and current.run_id != run_id:
            stale = _why_stale(current, now, run_finished)
            if stale is None:
                return current
            log.warning("taking over the warehouse lock from run %s (%s)", current.run_id, stale)
        acquired = current.acquired_at if current is not None and current.run_id == run_id else now.isoformat()
        mine = Holder(run_id=run_id, acquired_at=acquired, expires_at=(now + lease).isoformat(),
                      host=socket.gethostname(), pid=run_process,
                      pid_started=None if run_process is None else _started(run_process))
        _write(lock_path, mine)
        return mine


def process_gone(holder: Holder) -> bool:
    """Whether the holder's run ran in one process on this host that is no longer running.

    False when that cannot be told: no process recorded (a scheduler's run), another host, or a
    process this user may not inspect.
    """
    if holder.pid is None or holder.host != socket.gethostname():
        return False
    try:
        process = psutil.Process(holder.pid)
        if process.status() == psutil.STATUS_ZOMBIE:
            return True  # killed, not yet reaped by its parent
        started = process.create_time()
    except psutil.NoSuchProcess:
        return True
    except psutil.AccessDenied:
        return False
    # The same pid, started at another time, is another process (create_time may move by a tick).
    return holder.pid_started is not None and abs(started - holder.pid_started) > PID_START_TOLERANCE_SECONDS


def _why_stale(holder: Holder, now: datetime, run_finished: Callable[[str], bool] | None) -> str | None:
    if run_finished is not None and run_finished(holder.run_id):
        return "its run has ended"
    if holder.expired(now):
        return f"its lease ran out at {holder.expires_at}"
    if process_gone(holder):
        return f"its process {holder.pid} on {holder.host} is gone"
    return None


def _started(pid: int) -> float:
    return psutil.Process(pid).create_time()


def renew(lock_path: Path, run_id: str, now: datetime, lease: timedelta) -> Holder:
    """Extend this run's lease; raise LockLost if the lock is not this run's any more."""
    with _guarded(lock_path):
        current = read_holder(lock_path)
        if current is None or current.run_id != run_id:
            holder = current.run_id if current else "nobody"
            raise LockLost(f"run {run_id} no longer holds {lock_path} (held by {holder}); "
                           "its build may have been replaced, so it must not go on")
        mine = Holder(run_id=run_id, acquired_at=current.acquired_at, expires_at=(now + lease).isoformat(),
                      host=current.host, pid=current.pid, pid_started=current.pid_started)
        _write(lock_path, mine)
        return mine


def release(lock_path: Path, run_id: str) -> bool:
    """Remove the lock if `run_id` holds it; True when it did."""
    with _guarded(lock_path):
        current = read_holder(lock_path)
        if current is None or current.run_id != run_id:
            return False
        lock_path.unlink()
        return True


class LockUnreadable(RuntimeError):
    """The lock file exists but is not one this module wrote: nobody can tell whose it is."""


def read_holder(lock_path: Path) -> Holder | None:
    try:
        text = lock_path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    try:
        data = json.loads(text)
        pid, started = data.get("pid"), data.get("pid_started")  # absent in locks written before they were kept
        return Holder(**{name: str(data[name]) for name in ("run_id", "acquired_at", "expires_at", "host")},
                      pid=None if pid is None else int(pid), pid_started=None if started is None else float(started))
    except (ValueError, KeyError, TypeError, AttributeError) as err:
        raise LockUnreadable(f"{lock_path} is not a build lock ({err}); if no run is building the warehouse, "
                             "delete it") from err


def _guarded(lock_path: Path) -> FileLock:
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    # No fallback to a soft (marker-file) lock: a marker left by a killed process would block every run.
    return FileLock(f"{lock_path}.guard", timeout=GUARD_TIMEOUT_SECONDS, fallback_to_soft=False)


def _write(lock_path: Path, holder: Holder) -> None:
    # Written aside and renamed, so a reader never sees half a lock file.
    partial = Path(f"{lock_path}.{os.getpid()}.tmp")
    partial.write_text(json.dumps(asdict(holder)), encoding="utf-8")
    os.replace(partial, lock_path)
