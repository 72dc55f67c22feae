"""`--clock YYYY-MM-DD`: run the tests with the process clock moved to that day.

A test that passes today must pass in a year: `make test` runs the date-sensitive
tests again under clocks a year ahead and a year behind (see the Makefile's
`test-clock`). The clock keeps ticking from the given day, so timeouts and
leases still advance. Only this process is moved: subprocesses (Airflow, dbt)
keep the real clock, which is why the end-to-end tests pin logical dates and
file times themselves.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--clock", default=None, metavar="YYYY-MM-DD",
                     help="run every test with the clock moved to this day (UTC noon), ticking")


def pytest_report_header(config: pytest.Config) -> str | None:
    day = config.getoption("--clock")
    return f"clock moved to {day}" if day else None


@pytest.fixture(autouse=True)
def _moved_clock(request: pytest.FixtureRequest) -> Iterator[None]:
    day = request.config.getoption("--clock")
    if not day:
        yield
        return
    import time_machine

    with time_machine.travel(datetime.fromisoformat(day).replace(hour=12, tzinfo=UTC), tick=True):
        yield
