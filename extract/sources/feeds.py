"""Reading RSS 2.0 / RSS 1.0, Atom and sitemaps (urlset, sitemapindex, Google News) into entries.

`parse_feed` never lets a parser exception escape: anything that is not a
usable feed raises `FeedError` with the reason, and the caller reports it.
Common breakage seen in the wild is repaired before giving up: a BOM or
blank lines before the XML declaration, HTML entities such as `&nbsp;`, a
bare `&`, and control characters. Documents declaring entities in a DTD are
refused (entity expansion attacks).
"""

from __future__ import annotations

import html.entities
import logging
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from typing import Literal
from urllib.parse import urljoin, urlsplit

log = logging.getLogger(__name__)

FeedKind = Literal["rss", "atom", "sitemap", "sitemapindex"]

# A time without a zone in a Vietnamese feed is local time (ICT, UTC+7).
VIETNAM_TZ = timezone(timedelta(hours=7), "ICT")

_XML_ENTITIES = {b"amp", b"lt", b"gt", b"quot", b"apos"}
_AMPERSAND = re.compile(rb"&(#[0-9]+;|#[xX][0-9a-fA-F]+;|[A-Za-z][A-Za-z0-9]*;)?")
_CONTROL = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_GMT_OFFSET = re.compile(r"\s*(?:GMT|UTC)\s*([+-])\s*(\d{1,2})(?::?(\d{2}))?\s*$", re.I)
_DMY = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})(?:[ T,]+(\d{1,2}):(\d{2})(?::(\d{2}))?)?$")


class FeedError(ValueError):
    """The document is not a usable feed (broken XML, unsafe DTD, unknown root element)."""


@dataclass(frozen=True)
class FeedEntry:
    url: str
    title: str | None = None
    published: datetime | None = None  # aware, UTC


@dataclass(frozen=True)
class ParsedFeed:
    kind: FeedKind
    entries: tuple[FeedEntry, ...]  # articles (for a sitemap index: the child sitemaps)
    repaired: bool = False  # the XML was not well-formed and had to be repaired


def parse_feed(data: bytes, base_url: str | None = None) -> ParsedFeed:
    """Entries of an RSS, Atom or sitemap document; relative links are resolved against `base_url`."""
    root, repaired = _parse_xml(data)
    name = _local(root.tag).lower()
    if name in ("rss", "rdf", "channel"):
        kind: FeedKind = "rss"
        entries = _rss_entries(root, base_url)
    elif name == "feed":
        kind = "atom"
        entries = _atom_entries(root, base_url)
    elif name == "urlset":
        kind = "sitemap"
        entries = _sitemap_entries(root, "url", base_url)
    elif name == "sitemapindex":
        kind = "sitemapindex"
        entries = _sitemap_entries(root, "sitemap", base_url)
    else:
        raise FeedError(f"not a feed: root element <{_local(root.tag)}>")
    return ParsedFeed(kind, tuple(_dedupe(entries)), repaired)


def parse_date(text: str | None, default_tz: timezone = VIETNAM_TZ) -> datetime | None:
    """RFC 822 (RSS), ISO 8601 / W3C (Atom, sitemaps) or d/m/Y; aware UTC, None when unreadable."""
    if not text or not text.strip():
        return None
    value = text.strip()
    for candidate in (value, _GMT_OFFSET.sub(_offset_repl, value)):
        parsed = _rfc822(candidate) or _iso(candidate) or _dmy(candidate)
        if parsed is not None:
            if parsed.tzinfo is None:
                parsed = parsed.replace(tzinfo=default_tz)
            return parsed.astimezone(UTC)
    log.debug("unreadable feed date %r", value)
    return None


# -- XML -------------------------------------------------------------------------


def _parse_xml(data: bytes) -> tuple[ET.Element, bool]:
    data = data.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not data:
        raise FeedError("empty document")
    head = data[:4096].upper()
    if b"<!DOCTYPE" in head and b"<!ENTITY" in data.upper():
        raise FeedError("DTD with entity declarations refused")
    try:
        return ET.fromstring(data), False
    except ET.ParseError as first:
        try:
            root = ET.fromstring(_repair(data))
        except ET.ParseError:
            raise FeedError(f"not well-formed XML: {first}") from first
        log.info("feed XML repaired (%s)", first)
        return root, True


def _repair(data: bytes) -> bytes:
    """HTML entities to numeric references, bare `&` escaped, control characters dropped."""
    def fix(match: re.Match[bytes]) -> bytes:
        ref = match.group(1)
        if ref is None:
            return b"&amp;"
        if ref.startswith(b"#"):
            return b"&" + ref
        name = ref[:-1]
        if name in _XML_ENTITIES:
            return b"&" + ref
        codepoint = html.entities.name2codepoint.get(name.decode("ascii"))
        return b"&#%d;" % codepoint if codepoint else b"&amp;" + ref

    return _CONTROL.sub(b"", _AMPERSAND.sub(fix, data))


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _children(element: ET.Element, name: str) -> list[ET.Element]:
    return [child for child in element if _local(child.tag) == name]


def _child_text(element: ET.Element, *names: str) -> str | None:
    for name in names:
        for child in _children(element, name):
            text = "".join(child.itertext()).strip()
            if text:
                return text
    return None


# -- formats ---------------------------------------------------------------------


def _rss_entries(root: ET.Element, base_url: str | None) -> list[FeedEntry]:
    entries = []
    for item in (node for node in root.iter() if _local(node.tag) == "item"):
        link = _child_text(item, "link")
        if not link:
            guid = next(iter(_children(item, "guid")), None)
            if guid is not None and guid.get("isPermaLink", "true").lower() != "false":
                link = (guid.text or "").strip()
        link = link or item.get("{http://www.w3.org/1999/02/22-rdf-syntax-ns#}about")
        date = _child_text(item, "pubDate", "date", "published", "updated")
        entries.append(_entry(link, _child_text(item, "title"), date, base_url))
    return [e for e in entries if e is not None]


def _atom_entries(root: ET.Element, base_url: str | None) -> list[FeedEntry]:
    entries = []
    for item in (node for node in root.iter() if _local(node.tag) == "entry"):
        link = _atom_link(item)
        date = _child_text(item, "published", "updated")
        entries.append(_entry(link, _child_text(item, "title"), date, base_url))
    return [e for e in entries if e is not None]


def _atom_link(item: ET.Element) -> str | None:
    links = [link for link in _children(item, "link") if link.get("rel", "alternate") == "alternate"]
    links.sort(key=lambda link: link.get("type", "text/html") not in ("text/html", "application/xhtml+xml"))
    return next((link.get("href") for link in links if link.get("href")), None)


def _sitemap_entries(root: ET.Element, element: str, base_url: str | None) -> list[FeedEntry]:
    entries = []
    for item in _children(root, element):
        # Google News sitemaps carry <news:news><news:publication_date/><news:title/></news:news>.
        news = next(iter(_children(item, "news")), None)
        date = (_child_text(news, "publication_date") if news is not None else None) or _child_text(item, "lastmod")
        title = _child_text(news, "title") if news is not None else None
        entries.append(_entry(_child_text(item, "loc"), title, date, base_url))
    return [e for e in entries if e is not None]


def _entry(link: str | None, title: str | None, date: str | None, base_url: str | None) -> FeedEntry | None:
    if not link:
        return None
    url = urljoin(base_url, link.strip()) if base_url else link.strip()
    if urlsplit(url).scheme not in ("http", "https"):
        log.debug("feed entry with a non-web link skipped: %s", url)
        return None
    title = " ".join(title.split()) if title else None
    return FeedEntry(url.split("#", 1)[0], title, parse_date(date))


def _dedupe(entries: list[FeedEntry]) -> list[FeedEntry]:
    seen: set[str] = set()
    unique = []
    for entry in entries:
        if entry.url not in seen:
            seen.add(entry.url)
            unique.append(entry)
    return unique


# -- dates -----------------------------------------------------------------------


def _offset_repl(match: re.Match[str]) -> str:
    sign, hours, minutes = match.group(1), int(match.group(2)), int(match.group(3) or 0)
    return f" {sign}{hours:02d}{minutes:02d}"


def _rfc822(value: str) -> datetime | None:
    try:
        parsed = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    # RFC 5322: "-0000" is UTC with no local zone known; Python returns it naive.
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None and value.endswith("-0000") else parsed


def _iso(value: str) -> datetime | None:
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


def _dmy(value: str) -> datetime | None:
    match = _DMY.match(value)
    if not match:
        return None
    day, month, year, hour, minute, second = match.groups()
    try:
        return datetime(int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0))
    except ValueError:
        return None
