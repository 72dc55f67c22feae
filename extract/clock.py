"""The one place the pipeline reads the wall clock.

It stamps what happened when: build-lock leases, when a page was retrieved, when
a batch was loaded or validated, when a run finished. No fact depends on it: a
call's latest possible date is its page's fetch time or publication day, and the
same bytes give the same rows on any day.
"""

from __future__ import annotations

from datetime import UTC, datetime


def utc_now() -> datetime:
    """Naive UTC, to the second."""
    return datetime.now(UTC).replace(tzinfo=None, microsecond=0)
