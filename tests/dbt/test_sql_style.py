"""The dbt models keep the house SQL style (dbt_project/.sqlfluff: duckdb dialect, lower-case keywords)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from make_fixture_warehouse import DBT_PROJECT_DIR


def test_models_and_tests_pass_sqlfluff():
    sqlfluff = Path(sys.executable).with_name("sqlfluff")
    result = subprocess.run([str(sqlfluff), "lint", "models", "tests", "--nocolor"], cwd=DBT_PROJECT_DIR,
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-6000:]
