"""One run at a time builds the warehouse.

Every run writes the same build file (`<warehouse>.building`) and DuckDB allows
one writer per file. Airflow's `max_active_runs` does not hold a backfill run
back behind a scheduled one, nor a `dags test` run started from another Airflow
home, so a run claims a lock file beside the warehouse before it touches the
build and releases it after publishing, or when it fails.

The lock file holds who owns it and until when (a lease). A lock is stale, and
is taken over, when its lease has run out or when Airflow reports its run as
finished: a run killed before it could release the lock blocks nobody for long.
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

from filelock import FileLock

log = logging.getLogger(__name__)

# The guard is held only while the lock file is read and rewritten; waiting this long means
# something is wrong (a hung filesystem), and saying so beats waiting forever.
GUARD_TIMEOUT_SECONDS = 60


class LockLost(RuntimeError):
    """Another run holds the warehouse lock that this run had claimed."""


@dataclass(frozen=True)
class Holder:
    run_id: str
    acquired_at: str  # ISO, naive UTC
    expires_at: str
    host: str

    def expired(self, now: datetime) -> bool:
        return datetime.fromisoformat(self.expires_at) <= now


def claim(lock_path: Path, run_id: str, now: datetime, lease: timedelta,
          run_finished: Callable[[str], bool] | None = None) -> Holder:
    """Claim the lock for `run_id`, or renew it if the run holds it already.

    Returns the holder after the attempt: `run_id` itself when claimed, otherwise
    the run that keeps it. `run_finished` (optional) asks Airflow whether a run
    has ended; a run Airflow does not know (one from another Airflow home) is
    not known to have ended, so only its lease can make its lock stale.
    """
    with _guarded(lock_path):
        current = read_holder(lock_path)
        if current is not None and current.run_id != run_id:
            finished = bool(run_finished and run_finished(current.run_id))
            if not finished and not current.expired(now):
                return current
            log.warning("taking over the warehouse lock from run %s (%s)", current.run_id,
                        "its run has ended" if finished else f"its lease ran out at {current.expires_at}")
        acquired = current.acquired_at if current is not None and current.run_id == run_id else now.isoformat()
        mine = Holder(run_id=run_id, acquired_at=acquired, expires_at=(now + lease).isoformat(), host=socket.gethostname())
        _write(lock_path, mine)
        return mine


def renew(lock_path: Path, run_id: str, now: datetime, lease: timedelta) -> Holder:
    """Extend this run's lease; raise LockLost if the lock is not this run's any more."""
    with _guarded(lock_path):
        current = read_holder(lock_path)
        if current is None or current.run_id != run_id:
            holder = current.run_id if current else "nobody"
            raise LockLost(f"run {run_id} no longer holds {lock_path} (held by {holder}); "
                           "its build may have been replaced, so it must not go on")
        mine = Holder(run_id=run_id, acquired_at=current.acquired_at, expires_at=(now + lease).isoformat(),
                      host=current.host)
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
        return Holder(**{name: str(data[name]) for name in Holder.__dataclass_fields__})
    except (ValueError, KeyError, TypeError) as err:
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
