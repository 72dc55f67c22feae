"""The time budget per article: over it, an article is rejected with the reason and the run goes on."""

from __future__ import annotations

import signal
import threading
from datetime import datetime

import pytest

from extract.sources.inbox import RawDocument, Rejected
from extract.tasks.budget import OverBudget, within_budget


def _spin() -> None:
    # Pure CPU work that never ends by itself: only the budget stops it.
    n = 0
    while True:
        n += 1


def test_work_within_its_budget_returns_its_result():
    assert within_budget(5, lambda: sum(range(1000))) == 499500


def test_work_over_its_budget_is_stopped_with_the_reason():
    with pytest.raises(OverBudget, match=r"took longer than 0\.05 s"):
        within_budget(0.05, _spin)


def test_the_timer_and_the_handler_are_put_back():
    before = signal.getsignal(signal.SIGPROF)
    within_budget(5, lambda: None)
    with pytest.raises(OverBudget):
        within_budget(0.05, _spin)
    assert signal.getsignal(signal.SIGPROF) is before
    assert signal.getitimer(signal.ITIMER_PROF) == (0.0, 0.0)


def test_no_budget_and_other_threads_run_the_work_as_it_is():
    assert within_budget(0, lambda: "done") == "done"
    out = []
    thread = threading.Thread(target=lambda: out.append(within_budget(0.01, lambda: "done")))
    thread.start()
    thread.join()
    assert out == ["done"]


def test_an_article_over_the_budget_is_rejected_and_the_next_one_is_read(monkeypatch):
    import extract.nlp.pipeline as pipeline
    from extract.tasks.steps import _process

    def slow_then_fast(doc, gaz, run_id):
        if doc.source_uri.endswith("slow.txt"):
            _spin()
        return "rows of " + doc.source_uri

    monkeypatch.setattr(pipeline, "process_document", slow_then_fast)
    docs = [RawDocument(f"/inbox/{name}", "text", "văn bản", "h", datetime(2025, 1, 1)) for name in ("slow.txt", "ok.txt")]
    slow, fast = (_process(doc, None, "run", 0.05) for doc in docs)
    assert slow == Rejected("/inbox/slow.txt", "h",
                            "processing took longer than 0.05 s of CPU time: given up so that the run goes on")
    assert fast == "rows of /inbox/ok.txt"


def test_the_budget_comes_from_the_environment(monkeypatch):
    from extract.tasks.settings import load_settings

    monkeypatch.delenv("ARTICLE_TIME_BUDGET", raising=False)
    assert load_settings().article_time_budget == 60
    monkeypatch.setenv("ARTICLE_TIME_BUDGET", "2.5")
    assert load_settings().article_time_budget == 2.5
