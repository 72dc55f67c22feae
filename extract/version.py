"""The extractor's version: a content hash of everything that decides what a page yields.

Raw rows record the version that made them, and an input already loaded is parsed
again when the version differs. So any change to the reading and NLP code, to the
reference seeds it reads, or to the language libraries it relies on, re-parses
what it may affect, with no number for anyone to remember to bump.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from importlib.metadata import version
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
SEEDS_DIR = PACKAGE_DIR.parent / "dbt_project" / "seeds"
# The modules a page passes through on its way to rows (fetching, loading and scoring do not change rows).
NLP_MODULES = ("sources", "cleaning", "nlp", "reference", "resolve", "dates", "numbers", "calls", "aid", "pipeline")
LANGUAGE_LIBRARIES = ("underthesea", "dateparser", "justext", "trafilatura", "ftfy", "charset-normalizer")


def content_version(package_dir: Path, seeds_dir: Path, libraries: tuple[str, ...] = ()) -> str:
    """A short hash of the NLP modules under `package_dir`, the seed CSVs and the libraries' versions."""
    digest = hashlib.sha256()
    for name in NLP_MODULES:
        digest.update(f"{name}.py\0".encode())
        digest.update((package_dir / f"{name}.py").read_bytes())
    for seed in sorted(seeds_dir.glob("*.csv")):
        digest.update(f"{seed.name}\0".encode())
        digest.update(seed.read_bytes())
    for library in libraries:
        digest.update(f"{library}=={version(library)}\0".encode())
    return digest.hexdigest()[:16]


@lru_cache(maxsize=1)
def extractor_version() -> str:
    return content_version(PACKAGE_DIR, SEEDS_DIR, LANGUAGE_LIBRARIES)
