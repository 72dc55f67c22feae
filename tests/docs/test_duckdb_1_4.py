"""The published warehouse opens in a real DuckDB 1.4 (LTS) client, read-only.

Analysts' CLIs, DBeaver and BI drivers are often on DuckDB 1.4 while the
pipeline writes with DuckDB 2.0. A throwaway virtualenv in a temp dir gets
`duckdb==1.4.*` from the package index (uv, else pip); the test skips, saying
so, only when that install fails.
"""

from __future__ import annotations

import json
import subprocess
import sys
import venv
from pathlib import Path

import duckdb
import pytest

READER = r"""
import json, sys
import duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
tables = con.execute(
    "select table_schema || '.' || table_name from information_schema.tables "
    "where table_schema in ('marts', 'audit') order by 1").fetchall()
counts = {t: con.execute(f"select count(*) from {t}").fetchone()[0] for (t,) in tables}
aid = con.execute("select round(sum(amount_usd), 2) from marts.fct_aid").fetchone()[0]
print(json.dumps({"version": duckdb.__version__, "counts": counts, "aid_usd": aid}))
"""


def install_duckdb_1_4(target: Path) -> Path:
    python = target / "bin" / "python"
    uv = Path(sys.executable).with_name("uv")
    if uv.exists():
        commands = [
            [str(uv), "venv", "--quiet", "--python", sys.executable, str(target)],
            [str(uv), "pip", "install", "--quiet", "--python", str(python), "duckdb==1.4.*"],
        ]
    else:
        venv.create(target, with_pip=True)
        commands = [[str(python), "-m", "pip", "install", "--quiet", "duckdb==1.4.*"]]
    for command in commands:
        result = subprocess.run(command, capture_output=True, text=True, timeout=600)
        if result.returncode != 0:
            pytest.skip(f"could not install duckdb==1.4.* into a scratch venv ({' '.join(command[:3])}): "
                        f"{(result.stderr or result.stdout).strip()[-500:]}")
    return python


def test_published_warehouse_reads_the_same_in_duckdb_1_4(pipeline_warehouse, tmp_path):
    python = install_duckdb_1_4(tmp_path / "duckdb-1.4")
    result = subprocess.run([str(python), "-c", READER, str(pipeline_warehouse)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, f"DuckDB 1.4 cannot read the published warehouse:\n{result.stderr[-3000:]}"
    old = json.loads(result.stdout)
    assert old["version"].startswith("1.4."), old["version"]

    con = duckdb.connect(str(pipeline_warehouse), read_only=True)
    try:
        tables = [t for (t,) in con.execute(
            "select table_schema || '.' || table_name from information_schema.tables "
            "where table_schema in ('marts', 'audit') order by 1").fetchall()]
        counts = {t: con.execute(f"select count(*) from {t}").fetchone()[0] for t in tables}
        aid = con.execute("select round(sum(amount_usd), 2) from marts.fct_aid").fetchone()[0]
    finally:
        con.close()
    assert "marts.rpt_fact_evidence" in counts
    assert old["counts"] == counts
    assert old["aid_usd"] == aid
