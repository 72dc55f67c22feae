"""Extraction throughput and memory: `python scripts/benchmark_extraction.py [FOLDER ...]`.

Parses every article file in the folders (default: the sample inbox and the
holdout fixtures) a few times in one process and prints articles per second,
time per article and peak memory. The first pass loads underthesea's models
and is reported apart.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

from extract.nlp.people import Gazetteer, _tagged
from extract.nlp.pipeline import process_document
from extract.nlp.reference import load_reference
from extract.sources.inbox import RawDocument, read_inbox
from extract.tasks.settings import PROJECT_ROOT, load_settings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folders", nargs="*", type=Path,
                        default=[PROJECT_ROOT / "sample_inbox", PROJECT_ROOT / "tests/fixtures/holdout/articles"])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)

    started = time.perf_counter()
    gaz = Gazetteer(load_reference(load_settings().seeds_dir))
    setup = time.perf_counter() - started
    documents = [d for folder in args.folders for d in read_inbox(folder) if isinstance(d, RawDocument)]
    if not documents:
        print("no articles found", file=sys.stderr)
        return 1

    started = time.perf_counter()
    for document in documents:
        process_document(document, gaz, "benchmark")
    first = time.perf_counter() - started

    started = time.perf_counter()
    for _ in range(args.repeat):
        _tagged.cache_clear()  # each pass pays for underthesea as a new article would
        for document in documents:
            process_document(document, gaz, "benchmark")
    steady = (time.perf_counter() - started) / (args.repeat * len(documents))

    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    chars = sum(len(d.text) for d in documents) / len(documents)
    print(f"articles: {len(documents)} (mean {chars:,.0f} characters)")
    print(f"reference data load: {setup:.2f} s")
    print(f"first pass (loads underthesea models): {first:.2f} s")
    print(f"steady state: {steady * 1000:.1f} ms per article, {1 / steady:.1f} articles/s on one core")
    print(f"articles per day on one core: {86400 / steady:,.0f}")
    print(f"peak memory: {peak_mib:.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
