"""Parsing many articles on every core: batches of documents go to worker processes.

underthesea and the rules are CPU-bound Python, so threads would not help: each worker
is a process, which loads the reference data and underthesea's models once, in its
initializer, and then parses batch after batch. Workers are forked from a fresh server
process (`forkserver`) that has imported the NLP code and underthesea, and nothing of the
Airflow task: no fork of a process with Airflow's threads and connections, and no worker
importing the command that started the task (which `spawn` does), so a worker starts in
about half the time a spawned one takes. Each article keeps its own CPU-time
budget (`extract.tasks.budget`), counted in the worker that parses it; the models are
loaded before the first article, so no article pays for them.

The results come back in the order of the input, batch by batch, whatever the number of
workers: an article's rows depend only on its bytes, so one worker or eight give the same
rows in the same order.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from extract.nlp.people import Gazetteer
    from extract.nlp.pipeline import ArticleRows
    from extract.sources.inbox import RawDocument, Rejected

log = logging.getLogger(__name__)

# Articles per batch: enough that sending a batch costs little beside parsing it (~20 ms an
# article), few enough that the workers finish together at the end of a run.
BATCH_SIZE = 16
# Below this many articles, starting workers (a new interpreter each, importing underthesea and
# loading its models: ~1.5 s of CPU time each) costs more than sharing ~10 ms articles saves.
MIN_ARTICLES_FOR_WORKERS = 100

# What the server that workers are forked from imports once.
FORKSERVER_PRELOAD = ("extract.tasks.parse", "extract.tasks.steps", "extract.nlp.pipeline", "underthesea")

_gazetteer: Gazetteer | None = None  # one per worker process, made by `_start_worker`


def available_cores() -> int:
    """The cores this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def load_models() -> None:
    """Load underthesea's models now (they otherwise load on the first sentence that needs them)."""
    from underthesea import ner

    ner("Ông Nguyễn Văn An nói chuyện với bà Trần Thị Bình tại Hà Nội.")


def _start_worker(seeds_dir: str) -> None:
    global _gazetteer
    from extract.nlp.people import Gazetteer
    from extract.nlp.reference import load_reference

    _gazetteer = Gazetteer(load_reference(Path(seeds_dir)))
    load_models()


def _parse_batch(documents: Sequence[RawDocument], run_id: str, budget: float, part: str | None = None,
                 first: int = 0) -> list[ArticleRows | Rejected] | list[dict[str, Any]]:
    """The batch's results; with `part`, its rows written there as Parquet and what the ledger needs returned."""
    from extract.tasks.steps import _process

    assert _gazetteer is not None, "a worker parses only after its initializer ran"
    results = [_process(document, _gazetteer, run_id, budget) for document in documents]
    return results if part is None else write_results(Path(part), results, first)


def write_results(prefix: Path, results: Sequence[ArticleRows | Rejected], first: int) -> list[dict[str, Any]]:
    """The articles' rows as a Parquet part at `prefix`; per result, in order, its ledger entry.

    `first` is the first result's place among the run's parsed inputs (`seq`), the key of its rows.
    """
    from extract.sources.inbox import Rejected
    from extract.warehouse.load import write_part

    articles = [{"seq": first + i, "article_id": r.article_id, "source_uri": r.source_uri,
                 "content_hash": r.content_hash, "tables": r.tables}
                for i, r in enumerate(results) if not isinstance(r, Rejected)]
    loaded = iter(write_part(prefix, articles))
    return [{"seq": first + i, "source_uri": r.source_uri, "content_hash": r.content_hash, "article_id": None,
             "reason": r.reason, "n_calls": 0, "n_aid": 0} if isinstance(r, Rejected) else next(loaded)
            for i, r in enumerate(results)]


def batches(items: Sequence[RawDocument], size: int = BATCH_SIZE) -> list[Sequence[RawDocument]]:
    return [items[i:i + size] for i in range(0, len(items), size)]


def parse_documents(documents: Sequence[RawDocument], seeds_dir: Path, run_id: str, budget: float,
                    workers: int = 0, batch_size: int = BATCH_SIZE,
                    parts: Path | None = None) -> Iterator[list[ArticleRows | Rejected] | list[dict[str, Any]]]:
    """Each batch's results (an article's rows, or why it was rejected), in the order of `documents`.

    `workers` processes parse the batches (0: one per core); with one, or with few articles,
    this process parses them itself. With `parts`, a folder, each batch writes its rows there as
    a Parquet part (`part-NNNNN.<table>.parquet`) and gives its ledger entries instead.
    """
    workers = workers or available_cores()
    chunks = batches(documents, batch_size)
    if not chunks:
        return
    prefixes = [None if parts is None else str(parts / f"part-{k:05d}") for k in range(len(chunks))]
    firsts = [k * batch_size for k in range(len(chunks))]
    if workers <= 1 or len(documents) < MIN_ARTICLES_FOR_WORKERS:
        _start_worker(str(seeds_dir))
        for chunk, prefix, first in zip(chunks, prefixes, firsts, strict=True):
            yield _parse_batch(chunk, run_id, budget, prefix, first)
        return
    workers = min(workers, len(chunks))
    log.info("parsing %d articles in %d batches on %d worker processes", len(documents), len(chunks), workers)
    context = multiprocessing.get_context("forkserver")
    # Only these, not the default `__main__` (under Airflow, the `airflow` command and all it imports).
    context.set_forkserver_preload(list(FORKSERVER_PRELOAD))
    with ProcessPoolExecutor(workers, mp_context=context, initializer=_start_worker,
                             initargs=(str(seeds_dir),)) as pool:
        # map() hands the batches out as workers free up and yields the results in input order.
        n = len(chunks)
        yield from pool.map(_parse_batch, chunks, [run_id] * n, [budget] * n, prefixes, firsts)
