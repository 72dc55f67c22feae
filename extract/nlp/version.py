"""The extractor's version: a content hash of everything that decides what a page yields.

Raw rows record the version that made them, and an input already loaded is parsed
again when the version differs. So any change to the NLP code, to its rule files, to
the reference seeds it reads, to the decoding of inputs, or to the language
libraries it relies on, re-parses what it may affect, with no number for anyone to
remember to bump.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from importlib.metadata import version
from pathlib import Path

NLP_DIR = Path(__file__).resolve().parent
SEEDS_DIR = NLP_DIR.parents[1] / "dbt_project" / "seeds"
# Decoding decides the text every rule reads; fetching, loading and scoring do not change rows.
DECODING_MODULE = NLP_DIR.parent / "sources" / "inbox.py"
LANGUAGE_LIBRARIES = ("underthesea", "dateparser", "justext", "trafilatura", "ftfy", "charset-normalizer",
                      "pyahocorasick")
_HASHED_SUFFIXES = {".py", ".yaml", ".yml", ".json"}


def nlp_files(nlp_dir: Path) -> list[Path]:
    """The package's code and rule files, in a fixed order."""
    return sorted(
        path for path in nlp_dir.rglob("*")
        if path.is_file() and path.suffix in _HASHED_SUFFIXES and "__pycache__" not in path.parts
    )


def content_version(nlp_dir: Path, seeds_dir: Path, decoding_module: Path, libraries: tuple[str, ...] = ()) -> str:
    """A short hash of the NLP package, the decoding module, the seed CSVs and the libraries' versions."""
    digest = hashlib.sha256()
    for path in nlp_files(nlp_dir):
        digest.update(f"{path.relative_to(nlp_dir).as_posix()}\0".encode())
        digest.update(path.read_bytes())
    digest.update(b"decoding\0" + decoding_module.read_bytes())
    for seed in sorted(seeds_dir.glob("*.csv")):
        digest.update(f"{seed.name}\0".encode())
        digest.update(seed.read_bytes())
    for library in libraries:
        digest.update(f"{library}=={version(library)}\0".encode())
    return digest.hexdigest()[:16]


@lru_cache(maxsize=1)
def extractor_version() -> str:
    return content_version(NLP_DIR, SEEDS_DIR, DECODING_MODULE, LANGUAGE_LIBRARIES)
