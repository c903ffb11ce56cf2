"""HTML pages -> Documents: the article and its metadata through trafilatura (`web.py`), else
(a fragment, a page too large for it) all the page's text, streamed (`markup.HtmlText`)."""
from __future__ import annotations

import html as entities
import logging
import re
from collections.abc import Iterator
from itertools import chain

from geo.inputs.markup import HtmlText, web_url
from geo.inputs.splitting import documents, split
import geo.inputs.web as web
from geo.types import Document

log = logging.getLogger(__name__)
# Linear on any page: attributes of bounded length, and the end found once from the start.
_TITLE_START = re.compile(r"<title\b[^<>]{0,500}>", re.IGNORECASE)
_TITLE_END = re.compile(r"</title\s*>", re.IGNORECASE)
_HEAD_CHARS = 1 << 20  # where a page's <title> is looked for when the page is too large to parse


def page_documents(pieces: Iterator[str], base: str, name: str, url: str = "") -> Iterator[Document]:
    """A web page: its article and metadata through trafilatura, else (a fragment, a page too
    large for it) all its text, streamed."""
    buffered, size = [], 0
    for piece in pieces:
        buffered.append(piece)
        size += len(piece)
        if size > web.MAX_PAGE_CHARS:
            log.warning("%s: page larger than %s characters: reading all its text, menus included",
                        name, f"{web.MAX_PAGE_CHARS:,}")
            title = head_title("".join(buffered)[:_HEAD_CHARS])
            chunks = split(HtmlText().extract(chain(buffered, pieces)), articles=False)
            yield from documents(chunks, base, name, lambda _: title, url=web_url(url))
            return
    html = "".join(buffered)
    page = web.extract_page(html, url, name)
    if page is None:
        page = web.page_metadata(html, url, name)
        text = "".join(HtmlText().extract([html]))
    else:
        text = page.text
    yield from documents(split([text], articles=False), base, name, lambda _: page.title, url=page.url,
                         date=page.date, site_name=page.site_name, author=page.author)


def head_title(head: str) -> str:
    """The <title> of a page's first characters, on one line ("" if none): a page too large
    for trafilatura keeps its title."""
    start = _TITLE_START.search(head)
    end = _TITLE_END.search(head, start.end()) if start else None
    return " ".join(entities.unescape(head[start.end():end.start()][:2000]).split()) if end else ""
