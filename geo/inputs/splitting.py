"""Text -> articles and chunks, and chunks -> Documents.

A text file may hold several articles (separated by two or more blank lines), and an article
longer than `MAX_DOC_CHARS` is cut at whitespace into several documents (`name#1`,
`name#2`, ...), so that no input of any size sits in memory whole or reaches the language
model as one giant text. Every reader of running text (plain, Markdown, HTML, Word, PDF
pages) hands its text through here.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from itertools import chain

from geo.errors import InputError
from geo.types import Document

# Longest document handed on: well under spaCy's max_length (1,000,000 characters, beyond which
# it refuses a text) and small enough that the model's memory stays modest.
MAX_DOC_CHARS = 100_000
# Articles in one file are separated by two or more blank lines; paragraphs by one.
_ARTICLE_BREAK = re.compile(r"\n[ \t\r\f\v]*\n(?:[ \t\r\f\v]*\n)+")
_MAX_TITLE = 200
_SPACE_RUN = re.compile(r"\s*")


def split_articles(text: str) -> list[str]:
    """Split a file that holds several articles (separated by 2+ blank lines)."""
    return [article for article, _ in split([text], articles=True)]


def split(pieces: Iterable[str], *, articles: bool, limit: int = MAX_DOC_CHARS) -> Iterator[tuple[str, bool]]:
    """Streamed text -> (text, starts_an_article) pieces of at most `limit` characters.

    With `articles`, a run of 2+ blank lines separates articles. An article longer than
    `limit` is cut at whitespace (a paragraph break if one is near, else a line break, else
    a space; inside one huge word, between characters). Holds at most about `limit` plus one
    piece of text at a time. (Long runs of symbols, which slow spaCy's tokenizer, are the
    recogniser's business: it blanks them for every input, JSONL included.)
    """
    buf, fresh = "", True
    for piece in chain(pieces, [None]):
        final = piece is None
        buf += piece or ""
        # Trailing whitespace may yet grow into an article break: settle it only when more text
        # follows (and squash a huge run of it, which would otherwise pile up unbounded).
        settled = len(buf) if final else len(buf.rstrip())
        if len(buf) - settled > limit:
            buf = buf[:settled] + ("\n\n\n" if _ARTICLE_BREAK.search(buf, settled) else " ")
        pos = 0
        while True:
            m = _ARTICLE_BREAK.search(buf, pos, settled) if articles else None
            if m and m.start() - pos > limit:
                m = None
            if m:
                article = tidy(buf[pos:m.start()], fresh)
                if article:
                    yield article, fresh
                fresh, pos = True, m.end()
            elif settled - pos > limit:
                cut = _cut(buf, pos, limit)
                chunk = tidy(buf[pos:cut], fresh)
                if chunk:
                    yield chunk, fresh
                    fresh = False
                pos = _SPACE_RUN.match(buf, cut).end()
            else:
                break
        if final:
            rest = tidy(buf[pos:], fresh)
            if rest:
                yield rest, fresh
        buf = buf[pos:]


def tidy(text: str, fresh: bool) -> str:
    """An article keeps the indent of its first line; a continuation chunk starts at a word."""
    text = text.rstrip()
    return text.lstrip("\r\n") if fresh else text.lstrip()


def _cut(text: str, pos: int, limit: int) -> int:
    """Where to end a chunk of text[pos:]: at whitespace in the second half of the window if
    there is any, else at `pos + limit` moved back so no combining mark or emoji joiner is
    parted from its base character."""
    end, floor = pos + limit, pos + limit // 2
    for sep in ("\n\n", "\n", ". ", " ", "\t", "\u3000", "\u3002"):
        i = text.rfind(sep, floor, end)
        if i > floor:
            return i + (1 if sep[0] in ".\u3002" else 0)
    return _hard_cut(text, floor, end)


def _hard_cut(text: str, floor: int, end: int) -> int:
    """`end`, moved back (not below `floor`) so no mark or joiner is parted from its base."""
    cut = end
    while cut > floor and (_joins_previous(text[cut]) or text[cut - 1] == "\u200d"):
        cut -= 1
    return cut if cut > floor else end


def _joins_previous(ch: str) -> bool:
    return (
        unicodedata.category(ch) in ("Mn", "Mc", "Me")
        or ch in "\u200d\u200c"
        or "\ufe00" <= ch <= "\ufe0f"
        or "\U0001f3fb" <= ch <= "\U0001f3ff"  # skin tones
        or "\U000e0020" <= ch <= "\U000e007f"  # tag characters (flags)
    )


def guess_title(text: str) -> str:
    """First line of an article when it reads like a headline (short, no final full stop)."""
    first = text.lstrip().split("\n", 1)[0].strip()
    if first and len(first) <= _MAX_TITLE and not first.endswith((".", ":")):
        return first
    return ""



def documents(
    chunks: Iterator[tuple[str, bool]],
    base: str,
    name: str,
    title_of: Callable[[str], str],
    **meta: str,
) -> Iterator[Document]:
    """One Document per chunk: id `base` when there is one, else `base#1`, `base#2`, ...

    A chunk that continues an article (one cut for length) keeps the article's title; `meta`
    (url, date, site_name, author) goes to every one.
    """
    chunks = ((text, fresh) for text, fresh in chunks if text.strip())
    first = next(chunks, None)
    if first is None:
        raise InputError(f"{name}: empty input (no text)")
    second = next(chunks, None)
    if second is None:
        yield Document(id=base, text=first[0], title=title_of(first[0]), source=name, **meta)
        return
    title = ""
    for k, (text, fresh) in enumerate(chain([first, second], chunks), start=1):
        if fresh:
            title = title_of(text)
        yield Document(id=f"{base}#{k}", text=text, title=title, source=name, **meta)
