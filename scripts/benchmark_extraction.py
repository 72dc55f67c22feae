"""Extraction throughput and memory, side by side in one run: `python scripts/benchmark_extraction.py [--articles N]`.

The corpus is generated: N articles whose sentences are drawn from templates filled with the
reference data's people, titles and countries, and with dates and amounts, so that no sentence
repeats (no cache can make the figures look better than real news would). On the same articles,
one after another, it prints:

- the naive baseline: cleaning and sentence splitting, then underthesea's `ner` on every sentence,
  in one process (the yardstick);
- the parse stage (`process_document`, within the article time budget as `extract_articles` runs it)
  in one process, and on worker processes over every core (`extract.tasks.parse`, worker start
  included), each as articles per second and as a multiple of the baseline;
- milliseconds per article for each step of the parse (read/clean, sentences, gazetteer, calls, aid);
- peak memory of this process and of the largest worker.

A figure printer, not a test: nothing here asserts a speed.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import platform
import random
import resource
import sys
import threading
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import psutil

from extract.nlp.aid import extract_aid
from extract.nlp.calls import extract_calls
from extract.nlp.cleaning import clean_document
from extract.nlp.document import read_article
from extract.nlp.people import Gazetteer, _tagged
from extract.nlp.reference import Reference, load_reference
from extract.sources.inbox import RawDocument, Rejected
from extract.tasks.parse import MIN_ARTICLES_FOR_WORKERS, available_cores, load_models, parse_documents
from extract.tasks.settings import load_settings
from extract.tasks.steps import _process

FETCHED_AT = datetime(2026, 1, 15, 3, 0)
TOPICS = ["an ninh khu vực", "thương mại song phương", "biến đổi khí hậu", "năng lượng tái tạo", "chuyển đổi số",
          "hợp tác quốc phòng", "y tế công cộng", "giáo dục đại học", "đầu tư hạ tầng", "an ninh lương thực",
          "kinh tế biển", "phòng chống thiên tai", "khoa học công nghệ", "du lịch", "nông nghiệp công nghệ cao",
          "chuỗi cung ứng", "tình hình Biển Đông", "xung đột ở Trung Đông", "giao lưu nhân dân", "tài chính xanh"]
PURPOSES = ["khắc phục hậu quả bão lũ", "xây dựng trường học", "mua vắc-xin", "hỗ trợ người tị nạn",
            "phát triển nông thôn", "cải tạo bệnh viện", "rà phá bom mìn", "cung cấp nước sạch"]
# Names the reference does not know (underthesea is asked whether they are proper nouns), as real news has.
GIVEN = ["Karim", "Olena", "Tomas", "Aziz", "Ingrid", "Rafael", "Somchai", "Nadia", "Kenji", "Amara", "Lukas", "Farida"]
FAMILY = ["Haddad", "Petrenko", "Novak", "Rahimi", "Lindqvist", "Moreno", "Srisuk", "Bakr", "Tanaka", "Okafor"]
CURRENCIES = ["triệu USD", "tỷ đồng", "triệu euro", "triệu yên", "tỷ USD"]


class Corpus:
    """Articles made from templates over the reference data; every sentence of every article is new."""

    def __init__(self, ref: Reference, seed: int):
        self.rng = random.Random(seed)
        titles_by_role: dict[str, list[str]] = {}
        for title in ref.titles.values():
            if title.is_principal and not title.implied_country:
                titles_by_role.setdefault(title.role, []).append(title.title)
        self.people = [(p.name_vi or p.canonical_name, p.country_iso3, titles_by_role[p.role])
                       for p in ref.role_periods if p.role in titles_by_role]
        self.country_name = {iso3: row["name_vi"] for iso3, row in ref.countries.items() if row.get("name_vi")}
        self.people = [p for p in self.people if p[1] in self.country_name]
        self.seen: set[str] = set()

    def _slots(self) -> dict[str, str]:
        r = self.rng
        (name1, c1, titles1), (name2, c2, titles2) = r.sample(self.people, 2)
        return {
            "name1": name1, "name2": name2, "title1": r.choice(titles1), "title2": r.choice(titles2),
            "country1": self.country_name[c1], "country2": self.country_name[c2],
            "date": f"{r.randint(1, 28)}/{r.randint(1, 12)}/{r.randint(2019, 2025)}",
            "year": str(r.randint(2019, 2026)), "amount": f"{r.randint(2, 950)} {r.choice(CURRENCIES)}",
            "topic": r.choice(TOPICS), "topic2": r.choice(TOPICS), "purpose": r.choice(PURPOSES),
            "n": str(r.randint(2, 90)), "unknown": f"{r.choice(GIVEN)} {r.choice(FAMILY)}",
        }

    TEMPLATES = [
        "Ngày {date}, {title1} {country1} {name1} đã có cuộc điện đàm với {title2} {country2} {name2} về {topic}.",
        "{title1} {country1} {name1} điện đàm với người đồng cấp {country2} {name2} hôm {date}, trao đổi về {topic}.",
        "Cuộc điện đàm diễn ra theo đề nghị của phía {country2}, kéo dài khoảng {n} phút.",
        "{country1} cam kết viện trợ {amount} cho {country2} để {purpose}.",
        "Gói hỗ trợ trị giá {amount} của {country1} dành cho {country2} sẽ được giải ngân trong năm {year}.",
        "Hai bên nhất trí thúc đẩy hợp tác trong lĩnh vực {topic} và {topic2} trong {n} tháng tới.",
        "Ông {name1} nhấn mạnh tầm quan trọng của {topic} đối với quan hệ {country1} - {country2}.",
        "Theo số liệu năm {year}, kim ngạch thương mại giữa {country1} và {country2} đạt {amount}.",
        "Trước đó, {title2} {name2} đã thăm {country1} lần thứ {n} để thảo luận về {topic2}.",
        "Ngoại trưởng {country2} {unknown} cho biết sẽ điện đàm với {title1} {name1} vào ngày {date}.",
        "Phát biểu tại hội nghị, {title2} {country2} {unknown} kêu gọi tăng cường {topic}.",
        "Các chuyên gia cho rằng {topic} sẽ là ưu tiên của {country2} trong giai đoạn {year}-{n}.",
    ]
    # A name the reference lacks, which costs underthesea a sentence, in one sentence in about 150:
    # a little more often than in the real articles of the gold sets (20 sentences in 3,690).
    WEIGHTS = [30] * 9 + [1, 1] + [30]

    def sentence(self) -> str:
        while True:
            text = self.rng.choices(self.TEMPLATES, self.WEIGHTS)[0].format(**self._slots())
            if text not in self.seen:
                self.seen.add(text)
                return text

    def article(self, index: int) -> RawDocument:
        r = self.rng
        paragraphs = [" ".join(self.sentence() for _ in range(r.randint(2, 4))) for _ in range(r.randint(4, 7))]
        text = f"Tin thời sự số {index}: {self.sentence()}\n\n" + "\n\n".join(paragraphs)
        digest = hashlib.sha256(text.encode()).hexdigest()
        return RawDocument(f"/bench/{index:06d}.txt", "text", text, digest, FETCHED_AT)


class Descendants:
    """CPU time and peak memory of this process's descendants (workers are forked by a forkserver, so they
    are not this process's children and `RUSAGE_CHILDREN` misses them): sampled every 0.1 s."""

    def __init__(self) -> None:
        self.cpu: dict[int, float] = {}
        self.peak_rss = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        me = psutil.Process()
        while not self._stop.wait(0.1):
            for child in me.children(recursive=True):
                try:
                    times, rss = child.cpu_times(), child.memory_info().rss
                except psutil.Error:
                    continue  # it ended between the listing and the reading
                self.cpu[child.pid] = times.user + times.system
                self.peak_rss = max(self.peak_rss, rss)

    def __enter__(self) -> Descendants:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def timed(work: Callable[[], object]) -> tuple[float, float]:
    """Wall seconds and CPU seconds (this process and its descendants) of `work()`."""
    with Descendants() as others:
        wall, used = time.perf_counter(), time.process_time()
        work()
        wall, used = time.perf_counter() - wall, time.process_time() - used
    timed.peak_worker_rss = max(getattr(timed, "peak_worker_rss", 0), others.peak_rss)
    return wall, used + sum(others.cpu.values())


def naive(documents: list[RawDocument], ref: Reference) -> None:
    from underthesea import ner

    for document in documents:
        article = read_article(document, ref)
        if not isinstance(article, Rejected):
            for sentence in article.sentences:
                ner(sentence)


def one_core(documents: list[RawDocument], gaz: Gazetteer, budget: float) -> None:
    for document in documents:
        _process(document, gaz, "benchmark", budget)


def all_cores(documents: list[RawDocument], seeds: Path, budget: float, workers: int) -> None:
    for _batch in parse_documents(documents, seeds, "benchmark", budget, workers):
        pass


def steps(documents: list[RawDocument], gaz: Gazetteer) -> dict[str, float]:
    """Seconds spent in each step of the parse, over all the documents."""
    spent = dict.fromkeys(("read/clean", "sentences", "gazetteer", "calls", "aid"), 0.0)
    for document in documents:
        t0 = time.perf_counter()
        clean_document(document, gaz.ref.publishers)
        t1 = time.perf_counter()
        article = read_article(document, gaz.ref)  # cleans again: the sentences step is the difference
        t2 = time.perf_counter()
        if isinstance(article, Rejected):
            continue
        for sentence in article.sentences:
            gaz.scan(sentence)
        t3 = time.perf_counter()
        extract_calls(article, gaz)
        t4 = time.perf_counter()
        extract_aid(article, gaz)
        t5 = time.perf_counter()
        spent["read/clean"] += t1 - t0
        spent["sentences"] += (t2 - t1) - (t1 - t0)
        spent["gazetteer"] += t3 - t2
        spent["calls"] += t4 - t3
        spent["aid"] += t5 - t4
    return spent


def fresh(gaz: Gazetteer) -> None:
    """Each pass pays for the gazetteer and underthesea as new articles would."""
    gaz.forget()
    _tagged.cache_clear()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=500, help="generated articles (default 500, ~2 minutes)")
    parser.add_argument("--workers", type=int, default=0, help="worker processes for the all-cores run (0: one per core)")
    parser.add_argument("--seed", type=int, default=14)
    args = parser.parse_args(argv)

    settings = load_settings()
    workers = args.workers or available_cores()
    started = time.perf_counter()
    ref = load_reference(settings.seeds_dir)
    gaz = Gazetteer(ref)
    setup = time.perf_counter() - started
    corpus = Corpus(ref, args.seed)
    documents = [corpus.article(i) for i in range(args.articles)]
    n_sentences = len(corpus.seen)
    started = time.perf_counter()
    load_models()
    one_core(documents[:5], gaz, settings.article_time_budget)  # first use of the rules and of dateparser
    warm = time.perf_counter() - started

    n = len(documents)
    fresh(gaz)
    runs = {"naive: ner on every sentence, 1 process": timed(lambda: naive(documents, ref))}
    fresh(gaz)
    runs["parse stage, 1 process"] = timed(lambda: one_core(documents, gaz, settings.article_time_budget))
    runs[f"parse stage, {workers} worker processes"] = timed(
        lambda: all_cores(documents, settings.seeds_dir, settings.article_time_budget, workers))
    fresh(gaz)
    spent = steps(documents, gaz)

    peak_self = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    peak_worker = getattr(timed, "peak_worker_rss", 0) / 2**20
    print(f"machine: {platform.machine()}, {available_cores()} cores, Python {platform.python_version()}, "
          f"{platform.system()} {platform.release()}, load average {os.getloadavg()[0]:.1f} at the end")
    print(f"corpus: {n} generated articles, {n_sentences} distinct sentences (seed {args.seed})")
    print(f"reference data and gazetteer: {setup:.2f} s; models and first use: {warm:.2f} s")
    print()
    # CPU ms per article shows the work itself; on a machine others share, wall time shows the CPU one got.
    print(f"{'':42}{'articles/s':>11}{'× naive':>9}{'wall ms/art':>13}{'CPU ms/art':>12}")
    base = n / runs["naive: ner on every sentence, 1 process"][0]
    for label, (wall, cpu) in runs.items():
        print(f"{label:42}{n / wall:11.1f}{n / wall / base:9.1f}{1000 * wall / n:13.1f}{1000 * cpu / n:12.1f}")
    if n < MIN_ARTICLES_FOR_WORKERS:
        print(f"(fewer than {MIN_ARTICLES_FOR_WORKERS} articles: extract_articles parses them in its own process)")
    else:
        print("(the worker run counts the workers' start: a forkserver, then each worker loading the models)")
    print()
    print("ms per article, by step (one process):")
    for step, seconds in spent.items():
        print(f"  {step:12}{1000 * seconds / n:8.2f}")
    print(f"  {'total':12}{1000 * sum(spent.values()) / n:8.2f}")
    print()
    print(f"peak memory: this process {peak_self:.0f} MiB, largest worker {peak_worker:.0f} MiB (sampled)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
