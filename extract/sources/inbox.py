"""Reading article files from an inbox folder.

Every file is one article. Nothing is dropped silently: a file that cannot be
read as an article comes back as a `Rejected` with the reason, so the loader
can write it to `audit.input_ledger`.
"""

from __future__ import annotations

import codecs
import errno
import hashlib
import logging
import os
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
    unreadable files and files that vanish while the run reads them are rejected, and an
    empty or unreadable folder gets a row of its own.
    """
    if not inbox.is_dir():
        raise FileNotFoundError(f"NEWS_INBOX {inbox} is not a folder")
    root = inbox.resolve()
    return [_read_entry(p, inbox, root) for p in sorted(_entries(inbox))]


def _entries(inbox: Path) -> list[Path]:
    """Files, links and other entries under `inbox`, never following a link; a folder only when it is
    empty or cannot be listed (otherwise its entries stand for it). A stack, not recursion: a folder
    tree thousands of levels deep must not stop the run."""
    found: list[Path] = []
    stack = [inbox]
    while stack:
        folder = stack.pop()
        try:
            with os.scandir(folder) as listing:
                children = [(Path(entry.path), entry.is_dir(follow_symlinks=False)) for entry in listing]
        except OSError:
            if folder == inbox:
                raise  # the inbox itself unreadable is the run's problem, not one input's
            found.append(folder)  # its row says why (see _read_entry)
            continue
        if not children and folder != inbox:
            found.append(folder)
        for child, is_folder in children:
            (stack if is_folder else found).append(child)
    return found


def _read_entry(path: Path, inbox: Path, root: Path) -> RawDocument | Rejected:
    uri = source_uri_of(path)
    unread = content_hash(b"")
    hidden = next((part for part in path.relative_to(inbox).parts if part.startswith(".")), None)
    if hidden == path.name:
        return Rejected(uri, unread, "hidden file (its name starts with '.'): not read")
    if hidden is not None:
        return Rejected(uri, unread, f"inside a hidden folder ({hidden}): not read")
    target = path
    if path.is_symlink():
        try:
            target = path.resolve()
        except (RuntimeError, OSError) as err:
            # Python 3.11 raises RuntimeError for a loop of links, later versions OSError(ELOOP).
            if isinstance(err, RuntimeError) or err.errno == errno.ELOOP:
                return Rejected(uri, unread, "symlink loop: the link never reaches a file")
            return Rejected(uri, unread, f"unreadable symlink: {err.strerror}")
        if not target.is_relative_to(root):
            return Rejected(uri, unread, f"symlink to {target}, outside the inbox: not read")
        if not os.path.lexists(target):
            return Rejected(uri, unread, f"broken symlink to {target}")
        if target.is_dir():
            return Rejected(uri, unread, "symlink to a folder: its files are read where they are")
    try:
        mode = os.stat(target, follow_symlinks=False).st_mode
        if stat.S_ISDIR(mode):
            return _folder(path, uri, unread)
        if not stat.S_ISREG(mode):
            return Rejected(uri, unread, f"not a regular file ({_kind_of(mode)})")
        # A link inside the inbox is an input of its own name (the ledger then marks it a duplicate);
        # what is opened is its resolved target, checked above to be inside the inbox.
        return read_file(target, uri)
    except FileNotFoundError:
        return Rejected(uri, unread, "the file vanished while the run was reading the inbox")
    except OSError as err:  # permission denied, an I/O error: this input's problem, recorded in its row
        return Rejected(uri, unread, f"unreadable: {err.strerror}")


def _folder(path: Path, uri: str, unread: str) -> Rejected:
    # _entries lists a folder only when it is empty or could not be listed.
    try:
        with os.scandir(path) as listing:
            next(listing, None)
    except OSError as err:
        return Rejected(uri, unread, f"unreadable folder: {err.strerror}")
    return Rejected(uri, unread, "empty folder: nothing to read")


def source_uri_of(path: Path) -> str:
    # A name that is not valid UTF-8 (bytes kept as lone surrogates by the file system encoding)
    # cannot be stored as text: its odd bytes are written as \xNN, which a person can still find.
    text = str(path.absolute())
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def _kind_of(mode: int) -> str:
    for test, name in ((stat.S_ISFIFO, "a fifo"), (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a device"),
                       (stat.S_ISBLK, "a device")):
        if test(mode):
            return name
    return "not a file"


def read_file(path: Path, uri: str | None = None) -> RawDocument | Rejected:
    """One file, read at most to the size cap; a file too large is rejected without being read."""
    uri = uri or source_uri_of(path.resolve())
    media_type = SUPPORTED_SUFFIXES.get(path.suffix.lower())
    # O_NONBLOCK: a file swapped for a fifo after the caller's check must not block the run on open;
    # fstat then tells what was really opened.
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0))
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode):
            return Rejected(uri, content_hash(b""), f"not a regular file ({_kind_of(info.st_mode)})")
        if info.st_size > MAX_BYTES:
            return Rejected(uri, content_hash(b""), f"file too large ({info.st_size} bytes > {MAX_BYTES}): not read")
        data = handle.read(MAX_BYTES + 1)
    digest = content_hash(data)
    if media_type is None:
        return Rejected(uri, digest, f"unsupported file type '{path.suffix or '(none)'}'")
    if len(data) > MAX_BYTES:  # it grew while being read
        return Rejected(uri, digest, f"file too large (over {MAX_BYTES} bytes)")
    return decode_document(uri, data, media_type, _mtime(info.st_mtime))


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
    text = normalise_text(text)  # first: UTF-8 read as Latin-1 (repaired here) looks like a font encoding
    if _font_encoded(text):
        return Rejected(uri, digest, "a legacy Vietnamese font encoding (VNI or TCVN3), which is not read: "
                                     "save the file as Unicode (UTF-8)")
    if not text.strip():  # a BOM alone, or only invisible and non-breaking spaces
        return Rejected(uri, digest, "empty file")
    return RawDocument(uri, media_type, text, digest, fetched_at, url)


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
    damaged = data.decode("utf-8", errors="replace")
    if damaged.count("\ufffd") <= 1 + len(data) // 1000:
        # UTF-8 with a stray or cut-off byte (a download cut short, a bad copy): a person reads the rest,
        # so that reading competes with the legacy code pages, the bad bytes shown as U+FFFD.
        readings.append(unicodedata.normalize("NFC", damaged))
    for encoding in dict.fromkeys(guesses):
        try:
            readings.append(unicodedata.normalize("NFC", data.decode(encoding)))
        except (UnicodeDecodeError, LookupError):
            continue
    # Vietnamese decides between legacy code pages that all decode: the reading with the most of its letters.
    return max(readings, key=vietnamese_letter_share, default=None)


# Vietnamese written in a legacy font encoding and read as a Windows code page: VNI puts its tone and
# shape marks as Latin-1 letters after the vowel ("Vieät"), TCVN3 (ABC) puts letters on the code points
# of symbols ("ViÖt", "t­íng"). Real Vietnamese in Unicode has letters that only it writes (ă, đ, ơ,
# ư, and the letters U+1EA0-U+1EF9); text (almost) without them, in which many words carry these marks,
# is one of those encodings.
_VIETNAMESE_ONLY = re.compile(r"[ăđơưĂĐƠƯ\u1ea0-\u1ef9]")
_VNI_MARK = re.compile(r"[a-zA-Z][âêôöùøûõïñÂÊÔÖÙØÛÕÏÑ]")
_TCVN3_MARK = re.compile(r"[a-zA-Z][\u00a1-\u00bf\u2013\u2212]|[\u00a1-\u00bf\u2013\u2212][a-zA-Z]")


def _font_encoded(text: str) -> bool:
    words = [w for w in text.split() if len(w) > 1]
    if len(words) < 10:
        return False
    marked = sum(1 for w in words if _VNI_MARK.search(w) or _TCVN3_MARK.search(w))
    # A code page may turn a few marks into Vietnamese letters by chance (0xF5 is ơ in Windows-1258),
    # and Unicode Vietnamese has a few marked words (plain â, ê, ô) among many more letters only it writes.
    return marked >= 0.2 * len(words) and marked >= 2 * len(_VIETNAMESE_ONLY.findall(text))


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


def _mtime(st_mtime: float) -> datetime:
    # The file's own time, not the run's, so a re-run reproduces the same row.
    return datetime.fromtimestamp(st_mtime, tz=UTC).replace(tzinfo=None, microsecond=0)
