"""Inputs -> Documents: the one dispatch in front of every reader.

An input is a file, a folder (read a file at a time), "-" (stdin) or an http(s) URL; each goes
to the reader of its format: plain text and Markdown (`text`), HTML (`html`), RSS/Atom
(`feeds`), PDF (`pdf`), Word (`word`), JSONL (`jsonl`); bytes become text in `decoding`, and
text is cut into articles and chunks in `splitting`. Everything streams in bounded memory.

Whatever the bytes, the dispatch either yields Documents or raises `InputError` naming the
file (and line). With `on_error="skip"` an unreadable file or JSONL line becomes an
`UnreadableDocument` instead, so that it keeps its id and its place in the output.
"""
from __future__ import annotations

import io
import logging
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from itertools import chain
from pathlib import Path
from typing import BinaryIO
from urllib.parse import urlsplit

from geo.errors import InputError, located, redact
from geo.inputs.decoding import BLOCK, Decoder, decode, decoded, legacy_encoding
from geo.inputs.feeds import feed_documents
from geo.inputs.fetch import Fetcher, is_url
from geo.inputs.html import page_documents
from geo.inputs.jsonl import MAX_JSONL_LINE, MODEL_MAX_CHARS, parse_jsonl_line, read_jsonl
from geo.inputs.limits import DEFAULT, Limits
from geo.inputs.pdf import pdf_documents
from geo.inputs.skipped import UnreadableDocument, guarded
from geo.inputs.splitting import MAX_DOC_CHARS, guess_title, split_articles
from geo.inputs.streams import read_capped, seekable, sniff
from geo.inputs.text import markdown_documents, text_documents
from geo.inputs.word import docx_documents
from geo.types import Document

__all__ = [  # the readers' names that callers have always found here
    "BLOCK", "MAX_DOC_CHARS", "MAX_JSONL_LINE", "MODEL_MAX_CHARS", "Decoder", "UnreadableDocument", "decode",
    "guess_title", "legacy_encoding", "parse_jsonl_line", "read_inputs", "read_jsonl", "read_path",
    "read_stream", "read_url", "read_urls", "split_articles",
]

log = logging.getLogger(__name__)

INPUT_FORMATS = ("auto", "text", "html", "markdown", "feed", "pdf", "docx")
FORMAT_BY_SUFFIX = {
    ".html": "html", ".htm": "html", ".xhtml": "html", ".md": "markdown", ".markdown": "markdown",
    ".rss": "feed", ".atom": "feed", ".pdf": "pdf", ".docx": "docx", ".txt": "text",
}
FORMAT_BY_TYPE = {  # a fetched URL's Content-Type
    "text/html": "html", "application/xhtml+xml": "html", "text/plain": "text", "text/markdown": "markdown",
    "application/rss+xml": "feed", "application/atom+xml": "feed", "application/rdf+xml": "feed",
    "application/xml": "feed", "text/xml": "feed", "application/pdf": "pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
}
# What a folder is read for (.xml only when named on its own: it may be a feed or anything).
TEXT_SUFFIXES = {".txt", ".text", ".md", ".markdown", ".html", ".htm", ".xhtml", ".jsonl", ".rss", ".atom",
                 ".pdf", ".docx", ""}
_HTML_START = re.compile(r"\s*(?:<!doctype\s+html|<html[\s>])", re.IGNORECASE)


def read_inputs(
    inputs: Iterable[str | Path],
    *,
    stdin: BinaryIO | None = None,
    input_format: str = "auto",
    on_error: str = "fail",
    follow: bool = False,
    fetcher: Fetcher | None = None,
    limits: Limits = DEFAULT,
) -> Iterator[Document]:
    """Documents from every input, in order, each id once.

    An input is a file, a folder, "-" (stdin) or an http(s) URL (fetched: the only way geo goes
    online). `input_format` (auto, text, html, markdown, feed, pdf, docx) says how to read
    inputs other than .jsonl; auto goes by suffix, content type and the first bytes. `follow`
    fetches the page of every feed entry. `on_error="fail"` raises `InputError` on the first bad
    input; "skip" yields an `UnreadableDocument` for it and goes on. An id seen before in the
    run is reported and made unique (`id#2`). `limits` bounds the work any one input may cause
    (`geo.inputs.limits`); a `fetcher` given brings its own.
    """
    if input_format not in INPUT_FORMATS:
        raise InputError(f"unknown input format {input_format!r}")
    opts = _Options(input_format, on_error, follow, fetcher or Fetcher.within(limits), limits)
    return _unique_ids(map(_redacted, _read_all(inputs, stdin, opts)))


@dataclass(frozen=True, slots=True)
class _Options:
    input_format: str
    on_error: str
    follow: bool
    fetcher: Fetcher
    limits: Limits = DEFAULT


def _read_all(inputs: Iterable[str | Path], stdin: BinaryIO | None, opts: _Options) -> Iterator[Document]:
    any_input = False
    for item in inputs:
        any_input = True
        if str(item) == "-":
            stream = stdin if stdin is not None else sys.stdin.buffer
            yield from _guarded(read_stream(stream, "-", "stdin", opts.input_format, opts=opts), "stdin", "-", opts)
            continue
        if is_url(str(item)):
            url = str(item).strip()
            shown = redact(url)
            yield from _guarded(read_url(url, shown, opts), shown, shown, opts)
            continue
        path = Path(item)
        if not path.is_dir():
            yield from _guarded(read_path(path, opts=opts), path.stem, str(path), opts)
            continue
        files = sorted(p for p in path.rglob("*") if p.is_file() and _wanted(p, path))
        if not files:
            yield from _guarded(_fail(f"{path}: folder holds no text, HTML, Markdown, feed, PDF, Word "
                                      "or .jsonl files"), path.name, str(path), opts)
        for file in files:
            base = str(file.relative_to(path).with_suffix(""))
            yield from _guarded(read_path(file, doc_id_base=base, opts=opts), base, str(file), opts)
    if not any_input:
        raise InputError("no input given")


def _redacted(doc: Document) -> Document:
    """No password or token of a URL in what geo hands on: ids, sources and urls are written
    to outputs and messages (the fetch itself used the URL as given)."""
    fields = {"id": redact(doc.id), "source": redact(doc.source), "url": redact(doc.url)}
    changed = {k: v for k, v in fields.items() if v != getattr(doc, k)}
    return replace(doc, **changed) if changed else doc


def _unique_ids(documents: Iterator[Document]) -> Iterator[Document]:
    """No id twice in one run (two JSONL lines, two files of one name): the later one becomes
    `id#2` (`#3`, ...), said on stderr, so no output line silently shadows another."""
    seen: set[str] = set()
    for doc in documents:
        if doc.id in seen:
            k = 2
            while f"{doc.id}#{k}" in seen:
                k += 1
            new = f"{doc.id}#{k}"
            log.warning("%s: id %r appears twice in this run: the later one is %r", doc.source or "-", doc.id, new)
            doc = replace(doc, id=new)
        seen.add(doc.id)
        yield doc


def read_urls(path: str | Path) -> list[str]:
    """The URLs of a list file (`--urls FILE`): one per line; blank lines and # comments skipped.
    Read and checked whole before anything is fetched, so a typo stops the run at once."""
    path = Path(path)
    urls = []
    try:
        with open(path, encoding="utf-8-sig", errors="replace") as handle:
            for line_no, line in enumerate(handle, start=1):
                line = line.strip()
                if not line or line.startswith("#"):
                    continue
                if not is_url(line):
                    raise InputError(f"{located(path, line_no)}: not an http(s) URL: {line[:100]!r}")
                urls.append(line)
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror}") from None
    if not urls:
        raise InputError(f"{path}: no URLs in the list")
    return urls


def _fail(message: str) -> Iterator[Document]:
    raise InputError(message)
    yield  # pragma: no cover  (makes this a generator, so it fails when iterated)


def _wanted(path: Path, root: Path) -> bool:
    parts = path.relative_to(root).parts
    return not any(p.startswith(".") for p in parts) and path.suffix.lower() in TEXT_SUFFIXES


def read_path(
    path: Path, *, doc_id_base: str | None = None, input_format: str = "auto", on_error: str = "fail",
    opts: _Options | None = None,
) -> Iterator[Document]:
    opts = opts or _Options(input_format, on_error, False, Fetcher.within(DEFAULT))
    if not path.exists():
        raise InputError(f"{path}: no such file")
    if path.suffix.lower() == ".jsonl":
        yield from read_jsonl(path, on_error=opts.on_error)
        return
    fmt = opts.input_format
    if fmt == "auto":
        fmt = FORMAT_BY_SUFFIX.get(path.suffix.lower(), "auto" if path.suffix.lower() == ".xml" else "text")
    try:
        handle = open(path, "rb")
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror}") from None
    with handle:
        yield from read_stream(handle, str(path), doc_id_base or path.stem, fmt, opts=opts)


def read_url(url: str, base: str, opts: _Options) -> Iterator[Document]:
    """The documents of one URL: a page, a feed, a PDF or Word report, or plain text. Every
    message and document names it with its credentials redacted."""
    response = opts.fetcher.fetch(url)
    shown = redact(url)
    fmt = opts.input_format
    if fmt == "auto":
        fmt = FORMAT_BY_TYPE.get(response.content_type, "")
        if not fmt and response.content_type in ("", "application/octet-stream", "binary/octet-stream"):
            fmt = FORMAT_BY_SUFFIX.get(Path(urlsplit(response.url).path).suffix.lower(), "auto")
        if not fmt:
            raise InputError(f"{shown}: not a page geo can read (content type {response.content_type})")
    stream = io.BytesIO(response.body)
    yield from read_stream(stream, shown, base, fmt, opts=opts, url=redact(response.url), charset=response.charset)


def read_stream(
    stream: BinaryIO, name: str, doc_id_base: str, input_format: str = "text", *,
    opts: _Options | None = None, url: str = "", charset: str = "",
) -> Iterator[Document]:
    """Documents from one byte stream in `input_format` (auto: by its first bytes)."""
    opts = opts or _Options(input_format, "fail", False, Fetcher.within(DEFAULT))
    if input_format == "auto":
        stream, input_format = sniff(stream)
    if input_format in ("pdf", "docx") and not seekable(stream):  # stdin: the readers seek
        stream = io.BytesIO(read_capped(stream, name, opts.limits.report_bytes, "--max-report-bytes"))
    if input_format == "pdf":
        yield from pdf_documents(stream, doc_id_base, name, url, opts.limits)
    elif input_format == "docx":
        yield from docx_documents(stream, doc_id_base, name, url, opts.limits)
    elif input_format == "feed":
        follow = (lambda link, doc_id: _guarded(read_url(link, doc_id, opts), doc_id, redact(link), opts)) \
            if opts.follow else None
        yield from feed_documents(read_capped(stream, name, opts.limits.text_bytes, "--max-text-bytes"), doc_id_base, name, follow)
    else:
        yield from _text_documents(decoded(stream, name, charset), doc_id_base, name, input_format, url)


def _text_documents(pieces: Iterator[str], base: str, name: str, input_format: str, url: str) -> Iterator[Document]:
    """Decoded text to its reader; "sniff-text" (a stream of unknown kind) is HTML when it starts
    like a page, else plain text."""
    if input_format == "sniff-text":
        first = next(pieces, "")
        input_format = "html" if _HTML_START.match(first[:1000]) else "text"
        pieces = chain([first], pieces)
    if input_format == "html":
        yield from page_documents(pieces, base, name, url)
    elif input_format == "markdown":
        yield from markdown_documents(pieces, base, name, url)
    else:
        yield from text_documents(pieces, base, name, url)


def _guarded(documents: Iterator[Document], doc_id: str, source: str, opts: _Options) -> Iterator[Document]:
    return guarded(documents, doc_id, source, opts.on_error)
