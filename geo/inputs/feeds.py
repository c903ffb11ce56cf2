"""RSS and Atom feeds -> one entry per article, through feedparser.

An entry gives its title, link, date and a summary (often the first paragraph, as HTML);
with `--follow` the reader fetches each link for the full article instead.
"""
from __future__ import annotations

import io
import logging
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace

from geo.errors import InputError, first_line
from geo.inputs.dates import from_struct_time, any_date
from geo.inputs.markup import HtmlText, web_url
from geo.types import Document

log = logging.getLogger(__name__)

_FEED_START = re.compile(rb"^(?:\xef\xbb\xbf)?\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:rss|feed|rdf:RDF)[\s>]",
                         re.DOTALL)


@dataclass(frozen=True, slots=True)
class Entry:
    title: str
    link: str
    date: str
    text: str  # the title, then the entry's summary or content as plain text


def looks_like_feed(head: bytes) -> bool:
    """Whether the first bytes of a file are an RSS, RDF or Atom document."""
    return bool(_FEED_START.match(head[:4096]))


def feed_entries(data: bytes, name: str) -> Iterator[Entry]:
    """The entries of a feed, in feed order; InputError when it is no feed or has no entries.
    (The caller caps `data`: `Limits.text_bytes`.)"""
    import feedparser

    # A stream, never a string: given a string, feedparser may take it for a URL and fetch it.
    try:
        parsed = feedparser.parse(io.BytesIO(data), resolve_relative_uris=False, sanitize_html=False)
    except (ValueError, TypeError, AttributeError, KeyError, IndexError, RecursionError) as exc:
        # feedparser trips on some markup (a character reference to a surrogate, "&#xD800;")
        raise InputError(f"{name}: not a readable feed: {first_line(exc)}") from None
    if not parsed.entries:
        problem = parsed.get("bozo_exception")
        detail = f": {str(problem).splitlines()[0]}" if problem and str(problem) else ""
        what = "feed has no entries" if parsed.get("version") else "not an RSS or Atom feed"
        raise InputError(f"{name}: {what}{detail}")
    for entry in parsed.entries:
        title = " ".join(_text(entry.get("title", "")).split())
        body = _entry_body(entry)
        text = "\n\n".join(part for part in (title, body) if part)
        yield Entry(title=title, link=web_url(entry.get("link", "")), date=_entry_date(entry), text=text)


def feed_documents(
    data: bytes, base: str, name: str, follow: Callable[[str, str], Iterator[Document]] | None = None,
) -> Iterator[Document]:
    """One document per feed entry (`base#1`, ...); with `follow(link, doc_id)` (which fetches
    and reads a page), the entry's page instead, with the entry's title, date and link where
    the page has none."""
    given = 0
    for k, entry in enumerate(feed_entries(data, name), start=1):
        doc_id = f"{base}#{k}"
        if follow is not None and entry.link:
            for doc in follow(entry.link, doc_id):
                given += 1
                yield replace(doc, title=doc.title or entry.title, date=doc.date or entry.date,
                              url=doc.url or entry.link)
            continue
        if not entry.text.strip():
            log.warning("%s: entry %d has no title or text: skipped", name, k)
            continue
        given += 1
        yield Document(id=doc_id, text=entry.text, title=entry.title, url=entry.link, source=name,
                       date=entry.date)
    if not given:  # as for any other input: nothing to read is an error, not an empty result
        raise InputError(f"{name}: no entry of the feed has a title or text")


def _entry_body(entry) -> str:
    contents = entry.get("content") or []
    best = max((c.get("value", "") for c in contents), key=len, default="")
    summary = entry.get("summary", "")
    return _text(best if len(best) > len(summary) else summary)


def _entry_date(entry) -> str:
    """The entry's date, or "" when none can be read: never one made up. feedparser rolls an
    impossible date over ("2024-13-45" becomes 2025-01-01), so its reading is kept only when
    its year and day are written in the feed's own text; else the text must parse strictly."""
    for key in ("published", "updated", "created"):
        raw = entry.get(key) or ""
        parsed = entry.get(f"{key}_parsed")
        if parsed and (not isinstance(raw, str) or _written(parsed, raw)):
            return from_struct_time(parsed)
        if raw:
            found = any_date(raw)
            if found:
                return found
            log.info("entry %r: date %r cannot be read: left empty", entry.get("title", "")[:60], str(raw)[:60])
    return ""


def _written(parsed, raw: str) -> bool:
    """Whether a parsed date's year and day of month both appear in the text it came from."""
    year, day = parsed[0], parsed[2]
    return str(year) in raw and re.search(rf"(?<!\d)0?{day}(?!\d)", raw) is not None


def _text(html: str) -> str:
    if "<" not in html and "&" not in html:
        return html.strip()
    return "".join(HtmlText().extract([html])).strip()
