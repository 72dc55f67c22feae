"""What the last run did, read from a published warehouse: the short report `make run` prints.

`python -m extract.warehouse.summary WAREHOUSE` prints it; the DAG's `publish` task returns it.
"""

from __future__ import annotations

import sys
from pathlib import Path

from extract.warehouse.load import connect
from extract.warehouse.run_log import run_folder_name


def summary(warehouse: Path) -> str:
    """The last run of `audit.run_log`, the marts' sizes, held-back facts and rejected inputs."""
    con = connect(warehouse, read_only=True)
    try:
        run = con.execute(
            "select run_id, n_inputs, n_loaded, n_duplicates, n_rejected, validation_status "
            "from audit.run_log order by finished_at desc limit 1").fetchone()
        calls = con.execute("select count(*) from marts.fct_call").fetchone()[0]
        aid = con.execute("select count(*) from marts.fct_aid").fetchone()[0]
        rejected = con.execute(
            "select source_uri, reason from audit.input_ledger where status = 'rejected' order by source_uri").fetchall()
        held_back = []
        if con.execute("select count(*) from information_schema.tables "
                       "where table_schema = 'audit' and table_name = 'quarantine'").fetchone()[0]:
            held_back = con.execute("select fact_type, rule, count(*) from audit.quarantine "
                                    "group by all order by 3 desc, 1, 2").fetchall()
    finally:
        con.close()
    if run is None:
        return f"No run recorded in {warehouse}."
    run_id, n_inputs, n_loaded, n_dup, n_rej, status = run
    lines = [
        f"run {run_id}",
        f"  articles read: {n_inputs} (loaded {n_loaded}, duplicates {n_dup}, rejected {n_rej})",
        f"  calls in marts.fct_call: {calls}",
        f"  aid rows in marts.fct_aid: {aid}",
        f"  held back in audit.quarantine: {sum(n for *_, n in held_back)}"
        + "".join(f"\n    {fact_type}: {rule} ({n})" for fact_type, rule, n in held_back),
        f"  validation: {status}",
        f"  warehouse: {warehouse}",
        f"  validation report: {warehouse.parent / 'reports' / run_folder_name(run_id)}",
    ]
    lines += [f"  rejected: {uri}: {reason}" for uri, reason in rejected]
    return "\n".join(lines)


if __name__ == "__main__":
    print(summary(Path(sys.argv[1])))  # the command's output, not a log line
