"""The test-only pause point: off unless PIPELINE_PAUSE_AT names it, then it waits for its `.go` file."""

from __future__ import annotations

import threading

from extract.tasks.pause import PAUSE_AT, PAUSE_DIR, pause_point


def test_a_pause_point_does_nothing_when_no_pause_is_asked_for(tmp_path, monkeypatch):
    monkeypatch.delenv(PAUSE_AT, raising=False)
    monkeypatch.setenv(PAUSE_DIR, str(tmp_path))
    pause_point("load_raw")
    monkeypatch.setenv(PAUSE_AT, "publish.renamed")
    pause_point("load_raw")
    assert list(tmp_path.iterdir()) == []


def test_the_named_point_says_it_was_reached_and_waits_for_its_go_file(tmp_path, monkeypatch):
    monkeypatch.setenv(PAUSE_AT, "load_raw")
    monkeypatch.setenv(PAUSE_DIR, str(tmp_path / "pauses"))
    step = threading.Thread(target=pause_point, args=("load_raw",))
    step.start()
    reached = tmp_path / "pauses" / "load_raw.reached"
    step.join(timeout=1.0)
    assert step.is_alive(), "the step went on without its go file"
    assert reached.exists()
    (tmp_path / "pauses" / "load_raw.go").touch()
    step.join(timeout=10)
    assert not step.is_alive()
