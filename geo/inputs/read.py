"""Inputs -> Documents: text, HTML and Markdown files (a text file may hold several articles),
folders, stdin and JSONL.

Everything here streams in bounded memory: a file is decoded a block at a time, a JSONL file
read a line at a time, a folder a file at a time, and an article longer than `MAX_DOC_CHARS`
is cut at whitespace into several documents (`name#1`, `name#2`, ...), so that no input of any
size sits in memory whole or reaches the language model as one giant text.

Whatever the bytes, the reader either yields Documents or raises `InputError` naming the file
(and line): undecodable bytes are replaced, NUL bytes dropped, binary files refused. With
`on_error="skip"` an unreadable file or JSONL line becomes an `UnreadableDocument` instead,
so that it keeps its id and its place in the output.
"""
from __future__ import annotations

import codecs
import io
import json
import logging
import re
import sys
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from itertools import chain
from pathlib import Path
from typing import BinaryIO
from urllib.parse import urlsplit

from geo.errors import InputError, first_line, located
from geo.inputs.dates import iso_date
from geo.inputs.documents import read_docx, read_pdf
from geo.inputs.feeds import MAX_FEED_BYTES, feed_entries, looks_like_feed
from geo.inputs.fetch import Fetcher, is_url
from geo.inputs.markup import HtmlText, MarkdownText, web_url
from geo.inputs.web import MAX_PAGE_CHARS, extract_page, page_metadata
from geo.types import Document

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
BLOCK = 1 << 20  # bytes read at a time
# Longest document handed on: well under spaCy's max_length (1,000,000 characters, beyond which
# it refuses a text) and small enough that the model's memory stays modest.
MAX_DOC_CHARS = 100_000
MODEL_MAX_CHARS = 1_000_000  # a JSONL text the recogniser must read may not be longer
MAX_JSONL_LINE = 64 << 20  # bytes
MAX_REPORT_BYTES = 256 << 20  # a PDF or Word file read from stdin or a URL is held whole
# Articles in one file are separated by two or more blank lines; paragraphs by one.
_ARTICLE_BREAK = re.compile(r"\n[ \t\r\f\v]*\n(?:[ \t\r\f\v]*\n)+")
_MAX_TITLE = 200
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),  # before UTF-16: FF FE 00 00
    (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"),
)
_MAGIC = {
    b"%PDF-": "PDF", b"PK\x03\x04": "zip archive or Office document", b"\x89PNG": "PNG image",
    b"\xff\xd8\xff": "JPEG image", b"GIF8": "GIF image", b"\x1f\x8b": "gzip archive",
    b"\x7fELF": "executable", b"SQLite format 3\x00": "SQLite database",
}
_HTML_START = re.compile(r"\s*(?:<!doctype\s+html|<html[\s>])", re.IGNORECASE)
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
_ID_FIELD = re.compile(r'"id"\s*:\s*("(?:[^"\\\n]|\\.){0,1000}"|-?\d{1,30}\b)')
_SPACE_RUN = re.compile(r"\s*")


@dataclass(frozen=True, slots=True)
class UnreadableDocument(Document):
    """Stands in for an input that could not be read (with `on_error="skip"`): it keeps the
    input's id and place in the output, and `error` says what was wrong."""

    error: str = ""


def read_inputs(
    inputs: Iterable[str | Path],
    *,
    stdin: BinaryIO | None = None,
    input_format: str = "auto",
    on_error: str = "fail",
    follow: bool = False,
    fetcher: Fetcher | None = None,
) -> Iterator[Document]:
    """Documents from every input, in order, each id once.

    An input is a file, a folder, "-" (stdin) or an http(s) URL (fetched: the only way geo goes
    online). `input_format` (auto, text, html, markdown, feed, pdf, docx) says how to read
    inputs other than .jsonl; auto goes by suffix, content type and the first bytes. `follow`
    fetches the page of every feed entry. `on_error="fail"` raises `InputError` on the first bad
    input; "skip" yields an `UnreadableDocument` for it and goes on. An id seen before in the
    run is reported and made unique (`id#2`).
    """
    if input_format not in INPUT_FORMATS:
        raise InputError(f"unknown input format {input_format!r}")
    opts = _Options(input_format, on_error, follow, fetcher or Fetcher())
    return _unique_ids(_read_all(inputs, stdin, opts))


@dataclass(frozen=True, slots=True)
class _Options:
    input_format: str
    on_error: str
    follow: bool
    fetcher: Fetcher


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
            yield from _guarded(read_url(url, url, opts), url, url, opts)
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


def _guarded(documents: Iterator[Document], doc_id: str, source: str, opts: _Options) -> Iterator[Document]:
    try:
        yield from documents
    except InputError as exc:
        if opts.on_error != "skip":
            raise
        yield UnreadableDocument(id=doc_id, text="", source=source, error=str(exc))


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
    opts = opts or _Options(input_format, on_error, False, Fetcher())
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
    """The documents of one URL: a page, a feed, a PDF or Word report, or plain text."""
    response = opts.fetcher.fetch(url)
    fmt = opts.input_format
    if fmt == "auto":
        fmt = FORMAT_BY_TYPE.get(response.content_type, "")
        if not fmt and response.content_type in ("", "application/octet-stream", "binary/octet-stream"):
            fmt = FORMAT_BY_SUFFIX.get(Path(urlsplit(response.url).path).suffix.lower(), "auto")
        if not fmt:
            raise InputError(f"{url}: not a page geo can read (content type {response.content_type})")
    stream = io.BytesIO(response.body)
    yield from read_stream(stream, url, base, fmt, opts=opts, url=response.url, charset=response.charset)


def read_stream(
    stream: BinaryIO, name: str, doc_id_base: str, input_format: str = "text", *,
    opts: _Options | None = None, url: str = "", charset: str = "",
) -> Iterator[Document]:
    """Documents from one byte stream in `input_format` (auto: by its first bytes)."""
    opts = opts or _Options(input_format, "fail", False, Fetcher())
    if input_format == "auto":
        stream, input_format = _sniff(stream)
    if input_format in ("pdf", "docx") and not _seekable(stream):  # stdin: the readers seek
        stream = io.BytesIO(_read_capped(stream, name, MAX_REPORT_BYTES))
    if input_format == "pdf":
        yield from _report_documents(read_pdf(stream, name), doc_id_base, name, url, pages=True)
        return
    if input_format == "docx":
        yield from _report_documents(read_docx(stream, name), doc_id_base, name, url, pages=False)
        return
    if input_format == "feed":
        yield from _feed_documents(_read_capped(stream, name, MAX_FEED_BYTES), name, doc_id_base, opts)
        return
    pieces = _decoded(stream, name, charset)
    if input_format == "sniff-text":
        first = next(pieces, "")
        input_format = "html" if _HTML_START.match(first[:1000]) else "text"
        pieces = chain([first], pieces)
    if input_format == "html":
        yield from _page_documents(pieces, name, doc_id_base, url)
    elif input_format == "markdown":
        md = MarkdownText()
        chunks = ((_tidy(md.convert(text), fresh), fresh) for text, fresh in _split(pieces, articles=False))
        yield from _documents(chunks, doc_id_base, name, lambda text: md.title or guess_title(text), url=url)
    else:
        yield from _documents(_split(pieces, articles=True), doc_id_base, name, guess_title, url=url)


def _sniff(stream: BinaryIO) -> tuple[BinaryIO, str]:
    """What a stream holds, by its first bytes (which it gives back)."""
    try:
        head = stream.read(8192)
    except OSError:
        head = b""  # the reader will report it
    rest = _Prefixed(head, stream)
    if head.startswith(b"%PDF-"):
        return rest, "pdf"
    if head.startswith(b"PK\x03\x04") and b"word/" in head:
        return rest, "docx"
    if looks_like_feed(head):
        return rest, "feed"
    return rest, "sniff-text"


class _Prefixed(io.RawIOBase):
    """A stream with its first bytes read already and given back."""

    def __init__(self, head: bytes, stream: BinaryIO):
        self._head, self._stream = head, stream

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        if self._head:
            if size is None or size < 0:
                data, self._head = self._head + self._stream.read(), b""
                return data
            data, self._head = self._head[:size], self._head[size:]
            return data
        return self._stream.read(size)

    def readinto(self, buffer) -> int:
        data = self.read(len(buffer))
        buffer[:len(data)] = data
        return len(data)


def _seekable(stream: BinaryIO) -> bool:
    try:
        return stream.seekable()
    except (AttributeError, OSError, ValueError):
        return False


def _read_capped(stream: BinaryIO, name: str, limit: int) -> bytes:
    try:
        data = stream.read(limit + 1)
    except OSError as exc:
        raise InputError(f"{name}: cannot read: {exc.strerror or exc}") from None
    if len(data) > limit:
        raise InputError(f"{name}: larger than {limit >> 20} MiB")
    if not data.strip():
        raise InputError(f"{name}: empty file")
    return data


def _page_documents(pieces: Iterator[str], name: str, base: str, url: str) -> Iterator[Document]:
    """A web page: its article and metadata through trafilatura, else (a fragment, a page too
    large for it) all its text, streamed."""
    buffered, size = [], 0
    for piece in pieces:
        buffered.append(piece)
        size += len(piece)
        if size > MAX_PAGE_CHARS:
            log.warning("%s: page larger than %s characters: reading all its text, menus included",
                        name, f"{MAX_PAGE_CHARS:,}")
            chunks = _split(HtmlText().extract(chain(buffered, pieces)), articles=False)
            yield from _documents(chunks, base, name, lambda _: "", url=web_url(url))
            return
    html = "".join(buffered)
    page = extract_page(html, url, name)
    if page is None:
        page = page_metadata(html, url, name)
        text = "".join(HtmlText().extract([html]))
    else:
        text = page.text
    yield from _documents(_split([text], articles=False), base, name, lambda _: page.title, url=page.url,
                          date=page.date, site_name=page.site_name, author=page.author)


def _report_documents(report, base: str, name: str, url: str, *, pages: bool) -> Iterator[Document]:
    """A PDF: one document per page with text (`base#p3`, "Title, p. 3"); a Word file: one."""
    meta = dict(url=web_url(url), date=report.date, author=report.author)
    if not pages:
        yield from _documents(_split(report.pages, articles=False), base, name,
                              lambda text: report.title or guess_title(text), **meta)
        return
    label = report.title or Path(urlsplit(name).path).name or name
    for number, text in enumerate(report.pages, start=1):
        if not text.strip():
            continue
        chunks = [chunk for chunk, _ in _split([text], articles=False)]
        for k, chunk in enumerate(chunks, start=1):
            doc_id = f"{base}#p{number}" + (f".{k}" if len(chunks) > 1 else "")
            yield Document(id=doc_id, text=chunk, title=f"{label}, p. {number}", source=name, **meta)


def _feed_documents(data: bytes, name: str, base: str, opts: _Options) -> Iterator[Document]:
    """One document per feed entry (`base#1`, ...); with `follow`, the entry's page instead."""
    for k, entry in enumerate(feed_entries(data, name), start=1):
        doc_id = f"{base}#{k}"
        if opts.follow and entry.link:
            for doc in _guarded(read_url(entry.link, doc_id, opts), doc_id, entry.link, opts):
                yield replace(doc, title=doc.title or entry.title, date=doc.date or entry.date,
                              url=doc.url or entry.link)
            continue
        if not entry.text.strip():
            log.warning("%s: entry %d has no title or text: skipped", name, k)
            continue
        yield Document(id=doc_id, text=entry.text, title=entry.title, url=entry.link, source=name,
                       date=entry.date)


def _documents(
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


# -- bytes -> text -----------------------------------------------------------------------------


def decode(data: bytes, name: str) -> tuple[str, str]:
    """(text, encoding) of a whole file's bytes, as the streaming reader would decode them."""
    decoder = Decoder(name)
    return decoder.feed(data, final=True).replace("\x00", ""), decoder.encoding


def _decoded(stream: BinaryIO, name: str, charset: str = "") -> Iterator[str]:
    decoder = Decoder(name, declared=charset)
    while True:
        try:
            block = stream.read(BLOCK)
        except OSError as exc:
            raise InputError(f"{name}: cannot read: {exc.strerror or exc}") from None
        text = decoder.feed(block, final=not block)
        if text:
            yield text.replace("\x00", "")  # NULs: padding or damage, never words
        if not block:
            break
    # Say so when a file was not UTF-8: its accents are only as right as the guess.
    level = logging.INFO if decoder.encoding.startswith("utf-8") else logging.WARNING
    log.log(level, "%s: decoded as %s", name, decoder.encoding)


class Decoder:
    """Bytes -> text a block at a time, the encoding decided from what the bytes show.

    A BOM settles it (UTF-8, UTF-16, UTF-32). Otherwise the text is UTF-8 for as long as the
    bytes are valid UTF-8; at the first invalid sequence it stays UTF-8 (damage replaced) if
    valid multi-byte UTF-8 was seen or outnumbers the invalid bytes, else turns to a legacy
    8-bit encoding (`legacy_encoding`). Switching mid-stream is safe because everything before
    was ASCII, which those encodings all read alike. Decoding never raises: bad bytes become
    U+FFFD. Empty and binary input raise `InputError`.
    """

    def __init__(self, name: str, declared: str = ""):
        self.name = name
        self.declared = declared if declared and _ascii_compatible(declared) else ""
        self.encoding = ""
        self._decoder: codecs.IncrementalDecoder | None = None
        self._probing = False  # still checking that the bytes are UTF-8
        self._non_ascii = False  # valid non-ASCII UTF-8 seen

    def feed(self, data: bytes, final: bool = False) -> str:
        if self._decoder is None:
            self._start(data)
        assert self._decoder is not None
        if not self._probing:
            return self._decoder.decode(data, final)
        pending = self._decoder.getstate()[0]
        try:
            text = self._decoder.decode(data, final)
        except UnicodeDecodeError:
            data = pending + data
            self._use(self._fallback(data))
            return self._decoder.decode(data, final)
        self._non_ascii = self._non_ascii or not text.isascii()
        return text

    def _start(self, data: bytes) -> None:
        if not data:
            raise InputError(f"{self.name}: empty file")
        for bom, encoding in _BOMS:
            if data.startswith(bom):
                return self._use(encoding)
        if self.declared:  # a fetched page's Content-Type charset
            return self._use(self.declared)
        sample = data[:8192]
        utf16 = _utf16_without_bom(sample)
        if utf16:
            return self._use(utf16)
        kind = _binary_kind(sample)
        if kind:
            raise InputError(f"{self.name}: not a text file ({kind})")
        self.encoding, self._probing = "utf-8", True
        self._decoder = codecs.getincrementaldecoder("utf-8")("strict")

    def _use(self, encoding: str) -> None:
        self.encoding, self._probing = encoding, False
        self._decoder = codecs.getincrementaldecoder(encoding)("replace")

    def _fallback(self, data: bytes) -> str:
        text = data.decode("utf-8", "replace")
        bad = text.count("\ufffd")
        good = len(text) - len(text.encode("ascii", "ignore")) - bad
        if self._non_ascii or good >= bad:
            return "utf-8"
        return legacy_encoding(data)


def legacy_encoding(data: bytes) -> str:
    """The 8-bit encoding of non-UTF-8 text: cp1252 (what Western news files use) unless
    charset-normalizer reads the bytes as mostly non-Latin letters (cp1251 Cyrillic, ...).

    charset-normalizer alone is not trusted for Latin text: on a short French or German
    sample it often names cp1257 or cp775, which garble the accents cp1252 gets right.
    """
    sample = data[:65536]
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(sample).best()
    except Exception:  # an optional helper: any failure just means "no better guess"
        best = None
    if best is None or not _ascii_compatible(best.encoding):
        return "cp1252"
    letters = [c for c in sample.decode(best.encoding, "replace") if ord(c) > 127 and c.isalpha()]
    latin = sum("LATIN" in unicodedata.name(c, "") for c in letters)
    return best.encoding if letters and latin < len(letters) / 2 else "cp1252"


def _ascii_compatible(encoding: str) -> bool:
    probe = "Tartous, Syria <a&b>\n"
    try:
        return probe.encode("ascii").decode(encoding) == probe
    except (LookupError, ValueError):
        return False


def _utf16_without_bom(sample: bytes) -> str | None:
    """UTF-16 written without a BOM shows as NUL at every other byte (for Latin text)."""
    half = len(sample) // 2
    if half < 4:
        return None
    even, odd = sample[0:2 * half:2].count(0), sample[1:2 * half:2].count(0)
    if odd > 0.4 * half and even < 0.02 * half:
        return "utf-16-le"
    if even > 0.4 * half and odd < 0.02 * half:
        return "utf-16-be"
    return None


def _binary_kind(sample: bytes) -> str | None:
    for magic, kind in _MAGIC.items():
        if sample.startswith(magic):
            return kind
    # NULs alone may be damage in a text file (they are dropped); other control bytes are not.
    rest = sample.replace(b"\x00", b"")
    controls = sum(1 for b in rest if b < 9 or 13 < b < 32)
    if len(rest) < 0.1 * len(sample) or controls > 0.05 * len(rest):
        return "binary content"
    return None


# -- text -> articles and chunks ---------------------------------------------------------------


def split_articles(text: str) -> list[str]:
    """Split a file that holds several articles (separated by 2+ blank lines)."""
    return [article for article, _ in _split([text], articles=True)]


def _split(pieces: Iterable[str], *, articles: bool, limit: int = MAX_DOC_CHARS) -> Iterator[tuple[str, bool]]:
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
                article = _tidy(buf[pos:m.start()], fresh)
                if article:
                    yield article, fresh
                fresh, pos = True, m.end()
            elif settled - pos > limit:
                cut = _cut(buf, pos, limit)
                chunk = _tidy(buf[pos:cut], fresh)
                if chunk:
                    yield chunk, fresh
                    fresh = False
                pos = _SPACE_RUN.match(buf, cut).end()
            else:
                break
        if final:
            rest = _tidy(buf[pos:], fresh)
            if rest:
                yield rest, fresh
        buf = buf[pos:]


def _tidy(text: str, fresh: bool) -> str:
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


# -- JSONL -------------------------------------------------------------------------------------


def read_jsonl(path: Path, *, on_error: str = "fail") -> Iterator[Document]:
    """One document per line: {"id", "text", "title"?, "url"?, "mentions"?: [{"start","end"}]}.

    A broken line raises `InputError` naming file and line, or, with `on_error="skip"`,
    becomes an `UnreadableDocument` with the line's id (when it can be made out, else
    `file:line`) so that every line keeps its one place in the output.
    """
    try:
        handle = open(path, "rb")
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror}") from None
    with handle:
        count = 0
        for line_no, raw in _lines(handle, path):
            if raw is not None and not raw.strip():
                continue
            count += 1
            try:
                if raw is None:
                    raise InputError(f"{located(path, line_no)}: line longer than {MAX_JSONL_LINE >> 20} MiB")
                doc = parse_jsonl_line(raw, path, line_no)
            except InputError as exc:
                if on_error != "skip":
                    raise
                doc = UnreadableDocument(id=_recover_id(raw, path, line_no), text="", source=str(path),
                                         error=str(exc))
            yield doc
    if count == 0:
        raise InputError(f"{path}: empty input")


def _lines(handle: BinaryIO, path: Path) -> Iterator[tuple[int, bytes | None]]:
    """(number, line) pairs; None for a line too long to hold, which is skipped unread."""
    line_no = 0
    try:
        while raw := handle.readline(MAX_JSONL_LINE + 1):
            line_no += 1
            if len(raw) > MAX_JSONL_LINE and not raw.endswith(b"\n"):
                while (rest := handle.readline(BLOCK)) and not rest.endswith(b"\n"):
                    pass
                raw = None
            yield line_no, raw
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from None


def parse_jsonl_line(raw: bytes | str, path: object, line_no: int) -> Document:
    where = located(path, line_no)
    if isinstance(raw, bytes):
        raw = raw.decode("utf-8", errors="replace")
    try:
        obj = json.loads(raw.removeprefix("\ufeff"))
    except (ValueError, RecursionError) as exc:  # ValueError: bad JSON, or a 5000-digit number
        raise InputError(f"{where}: not valid JSON: {first_line(exc)}") from None
    if not isinstance(obj, dict):
        raise InputError(f"{where}: expected a JSON object")
    text = obj.get("text")
    if not isinstance(text, str):
        raise InputError(f"{where}: \"text\" must be a string")
    doc_id = obj.get("id", f"{Path(str(path)).stem}:{line_no}")
    if not isinstance(doc_id, (str, int)) or isinstance(doc_id, bool):
        raise InputError(f"{where}: \"id\" must be a string")
    title, url = obj.get("title", ""), obj.get("url", "")
    if not isinstance(title, str) or not isinstance(url, str):
        raise InputError(f"{where}: \"title\" and \"url\" must be strings")
    date = iso_date(obj.get("date"), where)
    lang = obj.get("lang", "")
    if not isinstance(lang, str):
        raise InputError(f"{where}: \"lang\" must be a string (an ISO 639-1 code such as \"fr\")")
    mentions = _given_mentions(obj.get("mentions"), text, where)
    if mentions is None and len(text) > MODEL_MAX_CHARS:
        raise InputError(f"{where}: text of {len(text):,} characters is too long to recognise places in "
                         f"(at most {MODEL_MAX_CHARS:,}); split it or give \"mentions\"")
    return Document(
        id=_clean(str(doc_id)), text=_clean(text), title=_clean(title), url=_clean(url), source=str(path),
        mentions=mentions, date=date, lang=lang.strip().lower(),
    )


def _clean(text: str) -> str:
    """JSON can spell lone surrogates ("\\ud800"), which no output can encode: make each U+FFFD
    (one character for one, so the given offsets still hold)."""
    return _LONE_SURROGATE.sub("\ufffd", text)


def _recover_id(raw: bytes | None, path: object, line_no: int) -> str:
    """The id of a broken line, if it can be made out; else `file:line`."""
    fallback = f"{Path(str(path)).stem}:{line_no}"
    if raw is None:
        return fallback
    text = raw.decode("utf-8", errors="replace").removeprefix("\ufeff")
    try:
        obj = json.loads(text)
        value = obj.get("id") if isinstance(obj, dict) else None
    except (ValueError, RecursionError):
        m = _ID_FIELD.search(text)
        try:
            value = json.loads(m.group(1)) if m else None
        except ValueError:
            value = None
    if isinstance(value, (str, int)) and not isinstance(value, bool):
        return _clean(str(value))
    return fallback


def _given_mentions(value: object, text: str, where: str) -> tuple[tuple[int, int], ...] | None:
    if value is None:
        return None
    if not isinstance(value, list):
        raise InputError(f"{where}: \"mentions\" must be a list")
    spans = []
    for i, m in enumerate(value):
        if not isinstance(m, dict):
            raise InputError(f"{where}: mention {i} must be an object with start and end")
        start, end = m.get("start"), m.get("end")
        if not (isinstance(start, int) and isinstance(end, int)) or isinstance(start, bool) or isinstance(end, bool):
            raise InputError(f"{where}: mention {i} needs integer \"start\" and \"end\"")
        if not 0 <= start < end <= len(text):
            raise InputError(f"{where}: mention {i} span {start}-{end} lies outside the text")
        spans.append((start, end))
    return tuple(spans)
