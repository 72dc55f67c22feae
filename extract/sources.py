"""Reading article files from an inbox folder.

Every file is one article. Nothing is dropped silently: a file that cannot be
read as an article comes back as a `Rejected` with the reason, so the loader
can write it to `audit.input_ledger`.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

log = logging.getLogger(__name__)

SUPPORTED_SUFFIXES = {".txt": "text", ".text": "text", ".html": "html", ".htm": "html"}
MAX_BYTES = 5 * 1024 * 1024


@dataclass(frozen=True)
class RawDocument:
    source_uri: str
    media_type: str  # 'text' | 'html'
    text: str
    content_hash: str
    fetched_at: datetime
    url: str | None = None


@dataclass(frozen=True)
class Rejected:
    source_uri: str
    content_hash: str
    reason: str


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_inbox(inbox: Path) -> list[RawDocument | Rejected]:
    """Every file under `inbox` (recursively, hidden files skipped), sorted by path."""
    if not inbox.is_dir():
        raise FileNotFoundError(f"NEWS_INBOX {inbox} is not a folder")
    paths = sorted(p for p in inbox.rglob("*") if p.is_file() and not p.name.startswith("."))
    return [read_file(p) for p in paths]


def read_file(path: Path) -> RawDocument | Rejected:
    uri = str(path.resolve())
    data = path.read_bytes()
    digest = content_hash(data)
    media_type = SUPPORTED_SUFFIXES.get(path.suffix.lower())
    if media_type is None:
        return Rejected(uri, digest, f"unsupported file type '{path.suffix or '(none)'}'")
    if len(data) > MAX_BYTES:
        return Rejected(uri, digest, f"file too large ({len(data)} bytes > {MAX_BYTES})")
    return decode_document(uri, data, media_type, _mtime(path))


def decode_document(
    uri: str, data: bytes, media_type: str, fetched_at: datetime, url: str | None = None
) -> RawDocument | Rejected:
    """Bytes to a document; rejects empty and undecodable input with a reason."""
    digest = content_hash(data)
    if not data.strip():
        return Rejected(uri, digest, "empty file")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        return Rejected(uri, digest, f"not UTF-8 text: {err.reason} at byte {err.start}")
    if "\x00" in text:
        return Rejected(uri, digest, "binary content (NUL bytes)")
    return RawDocument(uri, media_type, text, digest, fetched_at, url)


def _mtime(path: Path) -> datetime:
    # The file's own time, not the run's, so a re-run reproduces the same row.
    return datetime.fromtimestamp(path.stat().st_mtime, tz=UTC).replace(tzinfo=None, microsecond=0)
