"""Web pages -> the article they carry, through trafilatura.

A saved news page is mostly not the story: menus, edition pickers, "most read" lists, cookie
banners, related links, comments and footers full of bureau addresses. trafilatura finds the
main text and the page's metadata (title, publication date, URL, site name, author); geo
parses only that text, so every offset points into it. A page where trafilatura finds no
article (a bare HTML fragment) is read whole by the plain reader (`markup.HtmlText`).
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from geo.inputs.dates import from_iso
from geo.inputs.markup import web_url

log = logging.getLogger(__name__)

# Larger pages are not given to trafilatura (its own limit): they are read as plain HTML.
MAX_PAGE_CHARS = 20_000_000
# htmldate's options: the original (publication) date, not the last update; and no
# "extensive" search, which guesses from copyright lines and stray numbers in the page.
# Less text than this is no article (trafilatura's own threshold): the page is read whole.
MIN_ARTICLE_CHARS = 250
DATE_OPTIONS = {"extensive_search": False, "original_date": True}
_COPYRIGHT_YEAR = re.compile(
    r"""itemprop\s*=\s*["']?copyrightYear["']?[^>]*?content\s*=\s*["']?(\d{4})|"""
    r"""content\s*=\s*["']?(\d{4})["']?[^>]*?itemprop\s*=\s*["']?copyrightYear""",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Page:
    """What a web page says about its article: `text` is the article (paragraphs apart)."""

    text: str
    title: str = ""
    url: str = ""
    date: str = ""
    site_name: str = ""
    author: str = ""


def _extractor_errors() -> tuple[type[BaseException], ...]:
    """What trafilatura, lxml and htmldate may raise on markup they cannot handle (lxml is
    loaded by then: trafilatura imports it)."""
    from lxml.etree import LxmlError

    # AssertionError: lxml.html asserts on some markup ("<svg><p><p>" in htmldate)
    return (ValueError, TypeError, AttributeError, IndexError, KeyError, RecursionError, AssertionError, LxmlError)


def extract_page(html: str, url: str = "", name: str = "") -> Page | None:
    """The article of a page, or None when trafilatura finds none (a fragment, a menu page)."""
    if len(html) > MAX_PAGE_CHARS:
        return None
    import trafilatura  # ~0.8 s to import: only when a page is read

    # trafilatura's own extractor first; only when it finds no article, its full cascade
    # (readability, jusText, recall retries), which costs 2 to 4 times as much.
    for fast in (True, False):
        try:
            found = trafilatura.bare_extraction(
                html, url=url or None, fast=fast, with_metadata=True, include_comments=False,
                include_tables=True, date_extraction_params=DATE_OPTIONS,
            )
        except _extractor_errors() as exc:  # markup that trips it: the plain reader takes over
            log.warning("%s: article extraction failed (%s): reading all the page's text",
                        name or url, type(exc).__name__)
            return None
        if _article(found):
            return _page(_paragraphs(found.text), found, html, url)
    return None


def _article(found) -> bool:
    return (found is not None and len((found.text or "").strip()) >= MIN_ARTICLE_CHARS
            and not _baseline(found.body))


def page_metadata(html: str, url: str = "", name: str = "") -> Page:
    """The metadata of a page trafilatura found no article in (`text` is "")."""
    if len(html) > MAX_PAGE_CHARS:
        return Page(text="", url=web_url(url))
    from trafilatura.metadata import extract_metadata

    try:
        found = extract_metadata(html, url or None, dict(DATE_OPTIONS))
    except _extractor_errors() as exc:
        log.warning("%s: page metadata unreadable (%s)", name or url, type(exc).__name__)
        return Page(text="", url=web_url(url))
    return _page("", found, html, url)


def _page(text: str, found, html: str, url: str) -> Page:
    return Page(
        text=text,
        title=_one_line(found.title),
        url=web_url(found.url or "") or web_url(url),
        date=_date(found.date, html),
        site_name=_one_line(found.sitename),
        author=_one_line(found.author),
    )


def _baseline(body) -> bool:
    """trafilatura's last resort on pages without article structure: every text node of the
    page as one line of a single paragraph (a bold word on its own line): not an article."""
    return body is not None and len(body) == 1 and body[0].tag == "p" and "\n" in (body[0].text or "")


def _paragraphs(text: str) -> str:
    """trafilatura puts one block (paragraph, heading, list item) per line: set them a blank line
    apart, as the other readers do, so sentences and paragraphs read the same everywhere."""
    return "\n\n".join(line.rstrip() for line in text.split("\n") if line.strip())


def _one_line(value: str | None) -> str:
    return " ".join((value or "").split())


def _date(found: str | None, html: str) -> str:
    """htmldate's day, unless all it had was the page's copyright year (it then answers 1 January
    of that year, which is no publication date)."""
    day = from_iso(found or "")
    if day.endswith("-01-01"):
        years = {a or b for a, b in _COPYRIGHT_YEAR.findall(html)}
        if day[:4] in years:
            log.info("page date %s is only its copyright year: dropped", day)
            return ""
    return day
