"""`python -m extract.warehouse.summary WAREHOUSE`: print what the last run did."""

from __future__ import annotations

import sys
from pathlib import Path

from extract.tasks.steps import summary

if __name__ == "__main__":
    print(summary(Path(sys.argv[1])))  # noqa: T201 - this is the command's output
