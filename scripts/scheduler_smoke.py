"""Run the DAG once under the real scheduler, then shut everything down.

Starts api-server + scheduler + dag-processor + triggerer (LocalExecutor, SQLite) in a
scratch AIRFLOW_HOME on a free 127.0.0.1 port, waits for the dag-processor to serialize
`news_warehouse_daily`, then either

  --mode scheduled  (default) unpauses the DAG: the scheduler creates the @daily run itself;
  --mode trigger    triggers a manual run, then unpauses;
  --mode backfill   unpauses and, as soon as the scheduler has created its daily run, creates
                    a one-day backfill (`airflow backfill create`) for --date: the two runs
                    overlap, and the build lock must make one wait for the other,

waits (at most --timeout seconds) until the run(s) finish, prints their durations and the
state of every task, and stops every process it started. The warehouse, the run's work
folder and AIRFLOW_HOME all live in the scratch folder (kept with --keep).

    .venv/bin/python scripts/scheduler_smoke.py [--mode scheduled|trigger|backfill] [--inbox DIR]

Exit status 0 only when the run succeeded.
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from airflow_stack import DAG_ID, REPO, AirflowStack  # noqa: E402

FINISHED = {"success", "failed"}


def query(db: Path, sql: str, params: tuple = ()) -> list[tuple]:
    for _ in range(20):
        try:
            con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
            try:
                return con.execute(sql, params).fetchall()
            finally:
                con.close()
        except sqlite3.OperationalError as e:  # locked, or table not created yet
            last = e
            time.sleep(0.5)
    raise last


def ts(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value[:26].replace(" ", "T")) if value else None


def wait_for(what: str, check, deadline: float, stack: AirflowStack, every: float = 1.0):
    while time.monotonic() < deadline:
        stack.check_alive()
        result = check()
        if result:
            return result
        time.sleep(every)
    raise TimeoutError(f"timed out waiting for {what}")


def report(db: Path, run_id: str) -> str:
    (state, start, end, run_type, interval_start, interval_end), = query(
        db, "select state, start_date, end_date, run_type, data_interval_start, data_interval_end "
            "from dag_run where dag_id=? and run_id=?", (DAG_ID, run_id))
    lines = [f"run {run_id} ({run_type}) state={state}",
             f"  data interval: {interval_start} -> {interval_end}"]
    if start and end:
        lines.append(f"  run duration (dag_run start -> end): {(ts(end) - ts(start)).total_seconds():.1f}s")
    tis = query(db, "select task_id, state, start_date, end_date, try_number from task_instance "
                    "where dag_id=? and run_id=? order by start_date is null, start_date, task_id", (DAG_ID, run_id))
    dbt = [t for t in tis if t[0].startswith("dbt")]
    if dbt and all(t[2] and t[3] for t in dbt):
        span = max(ts(t[3]) for t in dbt) - min(ts(t[2]) for t in dbt)
        lines.append(f"  dbt part (first dbt task start -> last dbt task end): {span.total_seconds():.1f}s over {len(dbt)} tasks")
    counts: dict[str, int] = {}
    for _, st, *_ in tis:
        counts[st or "none"] = counts.get(st or "none", 0) + 1
    lines.append(f"  task states: {counts}")
    t0 = ts(start)
    for task_id, st, s, e, tries in tis:
        retried = f"  (try {tries})" if tries and tries > 1 else ""
        if s and e:
            offset, took = (ts(s) - t0).total_seconds(), (ts(e) - ts(s)).total_seconds()
            lines.append(f"    {task_id:58s} {st:16s} +{offset:6.1f}s {took:6.1f}s{retried}")
        else:
            lines.append(f"    {task_id:58s} {st}")
    return "\n".join(lines)


def turns(db: Path, run_ids: list[str]) -> str:
    """When each run held the build (claim_warehouse done -> publish done): the spans must not overlap."""
    spans = []
    for run_id in run_ids:
        rows = dict(query(db, "select task_id, end_date from task_instance where dag_id=? and run_id=? "
                              "and task_id in ('claim_warehouse', 'publish')", (DAG_ID, run_id)))
        waits = query(db, "select count(*) from task_reschedule tr join task_instance ti on ti.id = tr.ti_id "
                          "where ti.dag_id=? and ti.run_id=? and ti.task_id='claim_warehouse'", (DAG_ID, run_id))[0][0]
        spans.append((ts(rows.get("claim_warehouse")), ts(rows.get("publish")), run_id, waits))
    spans.sort(key=lambda span: span[0] or datetime.max)
    lines = ["build lock turns:"]
    lines += [f"  {run_id}: held {start} -> {end} (claim_warehouse rescheduled {waits}x)" for start, end, run_id, waits in spans]
    overlap = any(a[1] is None or b[0] is None or b[0] < a[1] for a, b in zip(spans, spans[1:], strict=False))
    lines.append("  OVERLAP: two runs built the warehouse at once" if overlap else "  no overlap")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mode", choices=("scheduled", "trigger", "backfill"), default="scheduled")
    parser.add_argument("--date", default=(date.today() - timedelta(days=1)).isoformat(), help="backfill day (YYYY-MM-DD)")
    parser.add_argument("--inbox", default=str(REPO / "sample_inbox"))
    parser.add_argument("--timeout", type=float, default=900, help="seconds for the whole smoke run")
    parser.add_argument("--home", help="scratch folder (default: a new temporary folder)")
    parser.add_argument("--keep", action="store_true", help="keep the scratch folder")
    args = parser.parse_args()

    started = time.monotonic()
    deadline = started + args.timeout
    scratch = Path(args.home or tempfile.mkdtemp(prefix="airflow-smoke-")).resolve()
    home = scratch / "airflow"
    db = home / "airflow.db"
    stack = AirflowStack(home, extra_env={
        "NEWS_INBOX": str(Path(args.inbox).resolve()),
        "WAREHOUSE_PATH": str(scratch / "warehouse.duckdb"),
        "PIPELINE_WORK_DIR": str(scratch / "runs"),
    })
    print(f"scratch: {scratch}  api-server: http://127.0.0.1:{stack.port}", flush=True)
    ok = False
    try:
        stack.migrate()
        stack.start()
        stack.wait_http(timeout=max(10, deadline - time.monotonic()))
        t_up = time.monotonic()
        print(f"stack up in {t_up - started:.1f}s (incl. db migrate)", flush=True)

        wait_for("the DAG to be parsed", lambda: query(
            db, "select 1 from dag where dag_id=? and is_stale=0", (DAG_ID,)), deadline, stack)
        errors = query(db, "select filename, stacktrace from import_error")
        if errors:
            print(f"import errors: {errors}", file=sys.stderr)
        print(f"DAG serialized {time.monotonic() - t_up:.1f}s after the api-server answered", flush=True)

        known = {r[0] for r in query(db, "select run_id from dag_run where dag_id=?", (DAG_ID,))}
        also_wait: list[str] = []
        if args.mode == "trigger":
            stack.cli("dags", "trigger", DAG_ID)
            stack.cli("dags", "unpause", DAG_ID)
            run_type = "manual"
        elif args.mode == "backfill":
            # Airflow 3 applies a backfill's max_active_runs apart from the DAG's, so nothing in
            # Airflow holds this backfill back behind the daily run: the build lock has to.
            stack.cli("dags", "unpause", DAG_ID)
            first = wait_for("the scheduled run", lambda: query(
                db, "select run_id from dag_run where dag_id=? and run_type='scheduled'", (DAG_ID,)), deadline, stack)[0][0]
            print(f"scheduled run {first} created; creating the backfill for {args.date} beside it", flush=True)
            known.add(first)
            also_wait.append(first)
            stack.cli("backfill", "create", "--dag-id", DAG_ID, "--from-date", args.date, "--to-date", args.date,
                      "--max-active-runs", "1")
            run_type = "backfill"
        else:
            stack.cli("dags", "unpause", DAG_ID)
            run_type = "scheduled"
        t_go = time.monotonic()

        def new_run():
            rows = query(db, "select run_id from dag_run where dag_id=? and run_type=? order by id", (DAG_ID, run_type))
            fresh = [r[0] for r in rows if r[0] not in known]
            return fresh[0] if fresh else None

        run_id = wait_for(f"a {run_type} run", new_run, deadline, stack)
        print(f"run {run_id} created; waiting (timeout {deadline - time.monotonic():.0f}s)", flush=True)
        states = []
        for waited in [run_id, *also_wait]:
            states.append(wait_for(f"run {waited} to finish", lambda waited=waited: next(
                (s for (s,) in query(db, "select state from dag_run where dag_id=? and run_id=?", (DAG_ID, waited))
                 if s in FINISHED), None), deadline, stack, every=2.0))
        print(f"run(s) finished {time.monotonic() - t_go:.1f}s after {args.mode} (wall clock)")
        for waited in [run_id, *also_wait]:
            print(report(db, waited))
        lock_report = turns(db, [run_id, *also_wait]) if also_wait else ""
        print(lock_report)
        ok = all(state == "success" for state in states) and "OVERLAP" not in lock_report
    finally:
        t_stop = time.monotonic()
        stack.stop()
        print(f"stack stopped in {time.monotonic() - t_stop:.1f}s; total {time.monotonic() - started:.1f}s")
        if args.keep or not ok:
            print(f"kept {scratch} (component logs in {home / 'stack-logs'}, task logs in {home / 'logs'})")
        else:
            shutil.rmtree(scratch, ignore_errors=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
