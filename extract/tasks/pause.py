"""A test-only pause point: a step stops at a named point until a test lets it go. Off by default.

`tests/e2e/test_crash_safety.py` kills a run while a given task is running, and must know that
it is. It sets `PIPELINE_PAUSE_AT` to one point's name and `PIPELINE_PAUSE_DIR` to a folder; the
step that reaches that point writes `<folder>/<point>.reached` and waits until
`<folder>/<point>.go` exists. Without `PIPELINE_PAUSE_AT` (a real run) a point does nothing. The
variables are read when the point is reached, so a run started without them never waits.
"""

from __future__ import annotations

import logging
import os
import time
from pathlib import Path

log = logging.getLogger(__name__)

PAUSE_AT = "PIPELINE_PAUSE_AT"
PAUSE_DIR = "PIPELINE_PAUSE_DIR"
POLL_SECONDS = 0.2


def pause_point(name: str) -> None:
    """Wait here when `PIPELINE_PAUSE_AT` names this point; otherwise return at once."""
    if os.environ.get(PAUSE_AT) != name:
        return
    folder = Path(os.environ[PAUSE_DIR])
    folder.mkdir(parents=True, exist_ok=True)
    go = folder / f"{name}.go"
    (folder / f"{name}.reached").write_text(str(os.getpid()), encoding="utf-8")
    log.warning("paused at %s (%s) until %s exists", name, PAUSE_AT, go)
    while not go.exists():
        time.sleep(POLL_SECONDS)
