"""Reading RSS 2.0 / RSS 1.0, Atom and sitemaps (urlset, sitemapindex, Google News) into entries.

`parse_feed` never lets a parser exception escape: anything that is not a
usable feed raises `FeedError` with the reason, and the caller reports it.

Every document is first parsed by defusedxml, which refuses entity
declarations (billion laughs, quadratic blowup) and external entities before
anything expands; such a document is a `FeedError`. A well-formed sitemap is
read from that tree. RSS and Atom are read by feedparser. An RSS or Atom
document whose XML breaks only on a character or entity level (HTML entities
such as `&nbsp;`, a bare `&`, control characters) is read by feedparser's
lenient parser and marked `repaired`; one whose structure is broken
(truncated, mismatched tags) is a `FeedError`, and so is a sitemap that is not
well-formed XML: lenient parsing would list what a cut-off file happens to
hold as if it were the whole sitemap.
"""

from __future__ import annotations

import io
import logging
import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from typing import Any, Literal
from urllib.parse import urljoin, urlsplit
from xml.parsers.expat import errors as expat_errors

import defusedxml
import defusedxml.ElementTree
import feedparser

log = logging.getLogger(__name__)

FeedKind = Literal["rss", "atom", "sitemap", "sitemapindex"]

# A time without a zone in a Vietnamese feed is local time (ICT, UTC+7).
VIETNAM_TZ = timezone(timedelta(hours=7), "ICT")

# Expat errors a lenient parser can read past without guessing the document's structure.
_CHARACTER_LEVEL_ERRORS = frozenset(expat_errors.codes[message] for message in (
    expat_errors.XML_ERROR_UNDEFINED_ENTITY,  # &nbsp;, &copy;: HTML entities in XML
    expat_errors.XML_ERROR_INVALID_TOKEN,  # a bare `&`, a control character
))
_BLANK_START = b"\xef\xbb\xbf \t\r\n"  # a BOM or blank lines before the XML declaration
_GMT_OFFSET = re.compile(r"\s*(?:GMT|UTC)\s*([+-])\s*(\d{1,2})(?::?(\d{2}))?\s*$", re.I)
_DMY = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})(?:[ T,]+(\d{1,2}):(\d{2})(?::(\d{2}))?)?$")
_HTML_TYPES = ("text/html", "application/xhtml+xml")


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
    repaired: bool = False  # the XML was not well-formed and was read by the lenient parser


def parse_feed(data: bytes, base_url: str | None = None) -> ParsedFeed:
    """Entries of an RSS, Atom or sitemap document; relative links are resolved against `base_url`."""
    # Stripped so that the safety parse reaches a DTD that follows them: expat stops at the first error.
    data = data.lstrip(_BLANK_START)
    if not data:
        raise FeedError("empty document")
    root, xml_error = _safe_tree(data)
    if root is not None:
        name = _local(root.tag).lower()
        if name == "urlset":
            return ParsedFeed("sitemap", _sitemap_entries(root, "url", base_url))
        if name == "sitemapindex":
            return ParsedFeed("sitemapindex", _sitemap_entries(root, "sitemap", base_url))
        if name not in ("rss", "rdf", "channel", "feed"):
            raise FeedError(f"not a feed: root element <{_local(root.tag)}>")
    elif xml_error is None or xml_error.code not in _CHARACTER_LEVEL_ERRORS:
        raise FeedError(f"not well-formed XML: {xml_error}")
    return _syndication_feed(data, base_url, xml_error)


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


def _safe_tree(data: bytes) -> tuple[ET.Element | None, ET.ParseError | None]:
    """The document's tree, or the XML error that stopped the parse; a FeedError for unsafe XML."""
    try:
        return defusedxml.ElementTree.fromstring(data, forbid_dtd=False, forbid_entities=True, forbid_external=True), None
    except defusedxml.EntitiesForbidden as err:
        raise FeedError(f"DTD with entity declarations refused (entity '{err.name}')") from err
    except defusedxml.DefusedXmlException as err:
        raise FeedError(f"unsafe XML refused: {err}") from err
    except ET.ParseError as err:
        return None, err


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


def _syndication_feed(data: bytes, base_url: str | None, xml_error: ET.ParseError | None) -> ParsedFeed:
    # A stream, never the bytes themselves: feedparser reads a string that looks like a URL or a
    # path from the network or the disk, and this client does all the fetching.
    headers = {"content-type": "application/xml"}
    if base_url:
        headers["content-location"] = base_url
    result = feedparser.parse(io.BytesIO(data), response_headers=headers)
    version = str(result.get("version") or "")
    if version.startswith("atom"):
        kind: FeedKind = "atom"
    elif version.startswith("rss"):
        kind = "rss"
    elif xml_error is not None:
        raise FeedError(f"not well-formed XML: {xml_error}")
    else:
        raise FeedError("not a feed: feedparser recognises no RSS or Atom version")
    if xml_error is not None:
        log.info("feed XML read leniently (%s)", xml_error)
    rdf = version == "rss10"
    entries = [_entry(_entry_link(item, rdf), item.get("title"),
                      item.get("published") or item.get("updated"), base_url) for item in result.entries]
    return ParsedFeed(kind, _dedupe([e for e in entries if e is not None]), xml_error is not None)


def _entry_link(item: Mapping[str, Any], rdf: bool) -> str | None:
    """The article's page: the HTML alternate link first (Atom lists JSON, images...), then `link`;
    an RSS 1.0 item's `rdf:about` (feedparser's `id`) is its URL too."""
    alternates = [link for link in item.get("links") or () if link.get("rel", "alternate") == "alternate"
                  and link.get("href")]
    alternates.sort(key=lambda link: link.get("type", "text/html") not in _HTML_TYPES)
    if alternates:
        return str(alternates[0]["href"])
    return item.get("link") or (item.get("id") if rdf else None)


def _sitemap_entries(root: ET.Element, element: str, base_url: str | None) -> tuple[FeedEntry, ...]:
    entries = []
    for item in _children(root, element):
        # Google News sitemaps carry <news:news><news:publication_date/><news:title/></news:news>.
        news = next(iter(_children(item, "news")), None)
        date = (_child_text(news, "publication_date") if news is not None else None) or _child_text(item, "lastmod")
        title = _child_text(news, "title") if news is not None else None
        entries.append(_entry(_child_text(item, "loc"), title, date, base_url))
    return _dedupe([e for e in entries if e is not None])


def _entry(link: str | None, title: str | None, date: str | None, base_url: str | None) -> FeedEntry | None:
    if not link:
        return None
    url = urljoin(base_url, link.strip()) if base_url else link.strip()
    if urlsplit(url).scheme not in ("http", "https"):
        log.debug("feed entry with a non-web link skipped: %s", url)
        return None
    title = " ".join(title.split()) if title else None
    return FeedEntry(url.split("#", 1)[0], title or None, parse_date(date))


def _dedupe(entries: list[FeedEntry]) -> tuple[FeedEntry, ...]:
    """The first entry for each URL, in document order."""
    first: dict[str, FeedEntry] = {}
    for entry in entries:
        first.setdefault(entry.url, entry)
    return tuple(first.values())


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
