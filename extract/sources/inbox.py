"""Reading article files from an inbox folder.

Every file is one article. Nothing is dropped silently: a file that cannot be
read as an article comes back as a `Rejected` with the reason, so the loader
can write it to `audit.input_ledger`.
"""

from __future__ import annotations

import codecs
import hashlib
import logging
import re
import stat
import unicodedata
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
    """Every entry under `inbox` (recursively), sorted by path, each read or rejected with a reason.

    Nothing is skipped silently and nothing outside the inbox is ever read: a symlink is
    followed only when it stays inside the inbox; fifos, sockets, devices, hidden files,
    unreadable files and files that vanish while the run reads them are rejected.
    """
    if not inbox.is_dir():
        raise FileNotFoundError(f"NEWS_INBOX {inbox} is not a folder")
    root = inbox.resolve()
    entries = sorted(p for p in inbox.rglob("*") if p.is_symlink() or not p.is_dir())
    return [_read_entry(p, root) for p in entries]


def _read_entry(path: Path, root: Path) -> RawDocument | Rejected:
    uri = str(path.absolute())
    unread = content_hash(b"")
    if path.name.startswith("."):
        return Rejected(uri, unread, "hidden file (its name starts with '.'): not read")
    if path.is_symlink():
        target = path.resolve()
        if not target.exists():
            return Rejected(uri, unread, f"broken symlink to {target}")
        if not target.is_relative_to(root):
            return Rejected(uri, unread, f"symlink to {target}, outside the inbox: not read")
        if target.is_dir():
            return Rejected(uri, unread, "symlink to a folder: its files are read where they are")
    try:
        mode = path.stat().st_mode
        if not stat.S_ISREG(mode):
            return Rejected(uri, unread, f"not a regular file ({_kind_of(mode)})")
        # A link inside the inbox is an input of its own name (the ledger then marks it a duplicate).
        return read_file(path, uri if path.is_symlink() else None)
    except FileNotFoundError:
        return Rejected(uri, unread, "the file vanished while the run was reading the inbox")
    except PermissionError as err:
        return Rejected(uri, unread, f"unreadable: {err.strerror}")


def _kind_of(mode: int) -> str:
    for test, name in ((stat.S_ISFIFO, "a fifo"), (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a device"),
                       (stat.S_ISBLK, "a device")):
        if test(mode):
            return name
    return "not a file"


def read_file(path: Path, uri: str | None = None) -> RawDocument | Rejected:
    uri = uri or str(path.resolve())
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
    """Bytes to a document, read as a person would; rejects empty and unreadable input with a reason.

    UTF-8 with or without a BOM, UTF-16/32 with a BOM, Windows-1258 and other legacy
    encodings (charset-normalizer), UTF-8 read twice as Latin-1 (ftfy), decomposed
    (NFD) letters, zero-width and non-breaking spaces: the same article in any of
    these forms gives the same text, so the same article_id and the same facts.
    """
    digest = content_hash(data)
    if not data.strip():
        return Rejected(uri, digest, "empty file")
    text = _decode(data)
    if text is None:
        return Rejected(uri, digest, "not text in any known encoding")
    if "\x00" in text:
        return Rejected(uri, digest, "binary content (NUL bytes)")
    return RawDocument(uri, media_type, normalise_text(text), digest, fetched_at, url)


_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF8, "utf-8-sig"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))
_SPACES = dict.fromkeys(map(ord, "\u00a0\u2007\u202f"), " ")


def _decode(data: bytes) -> str | None:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    import charset_normalizer  # only for the few files that are not UTF-8

    guesses = [match.encoding for match in charset_normalizer.from_bytes(data)][:3] + ["cp1258"]
    readings = []
    for encoding in dict.fromkeys(guesses):
        try:
            readings.append(unicodedata.normalize("NFC", data.decode(encoding)))
        except (UnicodeDecodeError, LookupError):
            continue
    # Vietnamese decides between legacy code pages that all decode: the reading with the most of its letters.
    return max(readings, key=vietnamese_letter_share, default=None)


# Here rather than in extract.nlp: reading a file must not need the NLP package (which imports this one),
# and this module is hashed into the extractor version, so a change to the letters re-parses what it affects.
_VIETNAMESE_LETTERS = re.compile(r"[ăâđêôơưàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵ]", re.I)


def vietnamese_letter_share(text: str) -> float:
    """The share of letters that only Vietnamese writes (ă, ơ, ư, đ, tones)."""
    letters = sum(ch.isalpha() for ch in text)
    return len(_VIETNAMESE_LETTERS.findall(text)) / letters if letters else 0.0


def normalise_text(text: str) -> str:
    """One form for the same words: mojibake repaired, NFC letters, no invisible or non-breaking spaces."""
    import ftfy

    text = ftfy.fix_encoding(text)
    return unicodedata.normalize("NFC", text).translate(_INVISIBLE).translate(_SPACES)


def _mtime(path: Path) -> datetime:
    # The file's own time, not the run's, so a re-run reproduces the same row.
    return datetime.fromtimestamp(path.stat().st_mtime, tz=UTC).replace(tzinfo=None, microsecond=0)
