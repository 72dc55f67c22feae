"""Separating an article from the page around it, and reading its metadata.

Scraped pages carry junk: related-article teasers, comment widgets, tag
lists, navigation. Teasers are the dangerous part: their headlines mention
other calls, so everything after a junk marker is cut, and short bullet
lines that look like headlines are dropped.

A marker ends the article only once the article has started (a prose
paragraph has been read): widgets above the body ("MỚI NHẤT", a comment form)
are skipped instead. Prose is told from furniture by a content model in the
jusText manner: length, sentence punctuation and the density of Vietnamese
stop words. And if the page holds prose at all, the cleaned body is never empty.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import urlparse

from extract.nlp.dates import PublishedDate, parse_dateline, parse_url_date
from extract.nlp.rulebook import load_rules
from extract.sources.inbox import RawDocument

CLEANING_RULES = load_rules("cleaning")

log = logging.getLogger(__name__)

_CUT_MARKERS = CLEANING_RULES["cut_markers"]
_JUNK_LINE = CLEANING_RULES["junk_line"]
_GLUED_DATELINE = CLEANING_RULES["glued_dateline"]
_BULLET = re.compile(r"^\s*[-•·▪*]\s+")
_URL = re.compile(r"https?://\S+|www\.[\w.-]+\S*")
_TERMINAL = ('.', '!', '?', '"', '”', '»', ':', ';', ')', '…')
_BYLINE_LEAD = re.compile(r"^\s*(?:\((?P<paren>[^)]{2,40})\)|(?P<bare>[\w+&.]+(?: [\w+&.]+){0,3}))\s*[-–—]\s+")


MIN_PROSE_CHARS = 80
MIN_PROSE_WORDS = 12
MAX_HEADLINE_CHARS = 160


@lru_cache(maxsize=1)
def _stop_words() -> frozenset[str]:
    import justext  # loaded on first use

    return frozenset(justext.get_stoplist("Vietnamese"))


def is_prose(line: str) -> bool:
    """A paragraph of running Vietnamese text, not page furniture: long enough, with sentence
    punctuation, and dense in stop words (the jusText measure; its Vietnamese stop list)."""
    words = line.lower().split()
    if len(line) < MIN_PROSE_CHARS or len(words) < MIN_PROSE_WORDS or not re.search(r"[.!?…](?:\s|$|[\"”])", line):
        return False
    stop = sum(1 for w in words if w.strip(".,;:!?\"“”()") in _stop_words())
    return stop / len(words) >= 0.2


@dataclass
class CleanArticle:
    title: str | None
    publisher: str | None
    url: str | None
    published: PublishedDate | None
    paragraphs: list[str] = field(default_factory=list)

    @property
    def body_text(self) -> str:
        return "\n".join(self.paragraphs)


def clean_document(doc: RawDocument, publishers: dict[str, str]) -> CleanArticle:
    if doc.media_type == "html":
        return clean_html(doc.text, doc.url, publishers)
    return clean_text(doc.text, doc.url, publishers)


def clean_text(text: str, url: str | None, publishers: dict[str, str]) -> CleanArticle:
    """A scraped `.txt` page: metadata from its header lines, body without junk."""
    lines = [line.strip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    published: PublishedDate | None = None
    urls: list[str] = []
    kept: list[str] = []
    started = False  # a prose paragraph has been read: a junk marker now ends the article
    skipping = False  # a widget above the body: its lines are dropped until prose starts
    headline: str | None = None
    lines = [part for line in lines for part in _unglued(line)]
    for index, line in enumerate(lines):
        if not line:
            kept.append("")
            continue
        dateline = parse_dateline(line)
        if dateline and (published is None or _finer(dateline, published)):
            published = dateline
            rest = _strip_dateline(line)
            if rest:
                kept.append(rest)
            continue
        if _CUT_MARKERS.match(line) or _is_doubled_headline(line):
            if started and _is_inline_link(line, lines[index + 1:]):
                log.debug("dropped a link inside the article at line %d: %.40s", index, line)
                continue
            if started:
                log.debug("cut page furniture from line %d: %.40s", index, line)
                break
            log.debug("skipped a widget above the article at line %d: %.40s", index, line)
            skipping = True
            continue
        if is_prose(line):
            if skipping and headline:
                kept.append(headline)  # the line right before the first prose is the article's headline
            started, skipping = True, False
        elif skipping:
            headline = line if len(line) < 200 else None
            continue
        found_urls = _URL.findall(line)
        if found_urls:
            urls.extend(found_urls)
            if len(_URL.sub("", line).strip()) < 25:
                continue
        if _JUNK_LINE.match(line) or (_BULLET.match(line) and not line.endswith(_TERMINAL)):
            continue
        kept.append(line)
    paragraphs = _paragraphs(_without_trailing_links(kept))
    if sum(len(p) for p in paragraphs) < MIN_PROSE_CHARS:
        # Whatever the markers said, prose on the page is the article: never return an empty body.
        paragraphs = [line for line in lines if is_prose(line)] or paragraphs
    if url is None and urls:
        url = next((u for u in urls if u.startswith("http")), None)
    if url and (published is None or published.precision == "month"):
        from_url = parse_url_date(url)
        if from_url and (published is None or from_url.value.strftime("%Y-%m") == published.value.strftime("%Y-%m")):
            published = from_url
    title = _title(paragraphs, publishers)
    publisher = find_publisher(paragraphs, url, urls, publishers)
    return CleanArticle(title, publisher, url, published, paragraphs)


def clean_html(html: str, url: str | None, publishers: dict[str, str]) -> CleanArticle:
    """An HTML page through trafilatura (body, title, date, site), comments excluded."""
    import trafilatura  # heavy import kept out of module import

    result = trafilatura.bare_extraction(
        html, url=url, include_comments=False, include_tables=False, with_metadata=True,
        favor_precision=True, as_dict=True,
    )
    if not result or not result.get("text"):
        return CleanArticle(None, None, url, None, [])
    body = clean_text(result["text"], url or result.get("url"), publishers)
    title = result.get("title") or body.title
    published = body.published
    if result.get("date") and published is None:
        published = parse_dateline(f"date {result['date']}")
        if published:
            published = PublishedDate(published.value, published.precision, "html-meta")
    publisher = body.publisher or _domain(result.get("url") or url) or result.get("sitename")
    return CleanArticle(title, publisher, url or result.get("url"), published, body.paragraphs)


def find_publisher(
    paragraphs: list[str], url: str | None, urls: list[str], publishers: dict[str, str]
) -> str | None:
    """The outlet, from a byline such as `(Dân trí) -`, `TTO -`, `Theo www.24h.com.vn`, or a URL."""
    for line in paragraphs[:6] + paragraphs[-4:]:
        lead = _BYLINE_LEAD.match(line)
        candidates: list[str] = []
        if lead:
            candidates += re.split(r"[/,]", lead["paren"] or lead["bare"] or "")
        candidates += re.findall(r"\(([^)]{2,30})\)\s*$", line)
        for paren in re.findall(r"^\(([^)]{2,40})\)", line):
            candidates += re.split(r"[/,]", paren)
        for source in re.findall(r"\bTheo (?:dõi )?([\w.+]+(?:\.\w+)?)", line):
            candidates.append(source)
        for candidate in candidates:
            name = candidate.strip()
            if name in publishers:
                return publishers[name]
    for candidate in ([url] if url else []) + urls:
        domain = _domain(candidate)
        if domain:
            return publishers.get(domain, domain)
    return None


def _domain(url: str | None) -> str | None:
    if not url:
        return None
    host = urlparse(url if "//" in url else f"//{url}").hostname or ""
    return host.removeprefix("www.") or None


def _finer(new: PublishedDate, old: PublishedDate) -> bool:
    order = {"month": 0, "day": 1, "minute": 2}
    return order[new.precision] > order[old.precision]


def _strip_dateline(line: str) -> str:
    # Some scrapes glue the date line to the first sentence (" date 2025-10-17 Tổng thống ...").
    match = re.match(r"^\s*date\s+\d{4}-\d{2}(?:-\d{2})?\s*(.*)$", line)
    return match.group(1).strip() if match else ""


def _is_doubled_headline(line: str) -> bool:
    """A teaser block repeats its headline twice on one line ("X X")."""
    half = len(line) // 2
    return len(line) > 20 and line[:half].strip() == line[half:].strip()


def _unglued(line: str) -> list[str]:
    glued = _GLUED_DATELINE.match(line)
    return [glued["dateline"], line[glued.end():].strip()] if glued else [line]


def _is_inline_link(line: str, rest: list[str]) -> bool:
    """"Xem thêm: <another story>" between two paragraphs of the article: a link set inside the text, not the
    start of the page's furniture, since the article's prose goes on after it."""
    marker = _CUT_MARKERS.match(line)
    has_own_text = marker is not None and len(line[marker.end():].strip(" :-–")) >= 20
    return has_own_text and any(is_prose(later) for later in rest)


def _without_trailing_links(lines: list[str]) -> list[str]:
    """After the article's last prose paragraph, a short line that is not a sentence (no closing punctuation)
    is a link to another story ("Thủ tướng điện đàm với ..."), a byline or a button. A paragraph cut off by the
    scrape right after the last prose one, or a long line, is the article's and stays."""
    last_prose = max((i for i, line in enumerate(lines) if is_prose(line)), default=-1)
    if last_prose < 0:
        return lines
    tail = [line for line in lines[last_prose + 1:] if line]
    cut_off = tail[:1] if tail and len(tail[0].split()) >= MIN_PROSE_WORDS else []
    return lines[:last_prose + 1] + cut_off + [
        line for line in tail[len(cut_off):] if line.endswith(_TERMINAL) or len(line) > MAX_HEADLINE_CHARS]


def _paragraphs(lines: list[str]) -> list[str]:
    """Join hard-wrapped lines back into paragraphs; drop consecutive repeats."""
    blocks: list[list[str]] = [[]]
    for line in lines:
        if line:
            blocks[-1].append(line)
        elif blocks[-1]:
            blocks.append([])
    paragraphs: list[str] = []
    for block in blocks:
        if not block:
            continue
        if _looks_hard_wrapped(block):
            joined = [" ".join(block)]
        else:
            joined = block
        for paragraph in joined:
            if not paragraphs or paragraphs[-1] != paragraph:
                paragraphs.append(paragraph)
    return paragraphs


def _looks_hard_wrapped(block: list[str]) -> bool:
    if len(block) < 3:
        return False
    open_lines = sum(1 for line in block[:-1] if not line.endswith(_TERMINAL))
    return open_lines / (len(block) - 1) >= 0.5 and max(len(line) for line in block) <= 100


def _title(paragraphs: list[str], publishers: dict[str, str]) -> str | None:
    """The headline: the short line before the byline lead, else the first short line."""
    for index, line in enumerate(paragraphs[:8]):
        lead = _BYLINE_LEAD.match(line)
        if lead and index > 0 and (lead["paren"] or lead["bare"] or "").strip() in publishers:
            candidate = paragraphs[index - 1]
            if len(candidate) < 200 and not candidate.endswith("."):
                return candidate
    for line in paragraphs[:3]:
        if 15 <= len(line) < 200 and not line.endswith((".", ":")):
            return line
    return None
