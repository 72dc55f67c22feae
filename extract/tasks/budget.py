"""A time budget per article: a pathological page is given up, with the reason, and the run goes on.

The budget is this process's CPU time, counted by the kernel (`ITIMER_PROF`), which then
interrupts the work with a signal. So no clock is read here, a busy machine does not make a
page late (the same input is given up or not whatever else runs), and Airflow's own
`execution_timeout` (SIGALRM, real time) keeps working beside it.

Signals reach Python in the main thread only. Airflow runs a task there; where it does not
(an embedding that runs tasks in threads), the work runs without a budget and says so once.
"""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable
from typing import TypeVar

log = logging.getLogger(__name__)

T = TypeVar("T")


class OverBudget(Exception):
    """The work took more CPU time than its budget."""


_warned = False


def within_budget(seconds: float, work: Callable[[], T]) -> T:
    """`work()`, or OverBudget once it has used `seconds` of CPU time; `seconds` <= 0 means no budget."""
    global _warned
    if seconds <= 0:
        return work()
    if threading.current_thread() is not threading.main_thread():
        if not _warned:
            log.warning("not in the main thread: articles are processed without a time budget")
            _warned = True
        return work()

    def expired(signum: int, frame: object) -> None:
        raise OverBudget(f"took longer than {seconds:g} s")

    previous = signal.signal(signal.SIGPROF, expired)
    signal.setitimer(signal.ITIMER_PROF, seconds)
    try:
        return work()
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, previous)
