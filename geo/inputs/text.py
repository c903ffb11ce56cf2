"""Plain text and Markdown -> Documents, streamed.

A plain text file may hold several articles (two or more blank lines apart), each titled by
its first line when that reads like a headline. A Markdown file is one article, its markup
turned into the text a reader sees, titled by its first heading.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator

from geo.inputs.markup import MarkdownText
from geo.inputs.splitting import documents, guess_title, split, tidy
from geo.types import Document


def text_documents(pieces: Iterable[str], base: str, name: str, url: str = "") -> Iterator[Document]:
    """The articles of a text file (`base`, or `base#1`, `base#2`, ... when several)."""
    yield from documents(split(pieces, articles=True), base, name, guess_title, url=url)


def markdown_documents(pieces: Iterable[str], base: str, name: str, url: str = "") -> Iterator[Document]:
    """A Markdown file as one article (cut when long), titled by its first heading."""
    md = MarkdownText()
    chunks = ((tidy(md.convert(text), fresh), fresh) for text, fresh in split(pieces, articles=False))
    yield from documents(chunks, base, name, lambda text: md.title or guess_title(text), url=url)
