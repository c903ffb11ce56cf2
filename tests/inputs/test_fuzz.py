"""Every reader fuzzed with hypothesis: text, HTML, feed, PDF, Word, JSONL and URL fetches
against a local server. Whatever the bytes, a reader gives documents or one `InputError` of
one line naming the input (the CLI prints it as `geo: error: ...`: no traceback), within a
time and memory bound per case.

Sizes: the `fuzz-ci` profile (the default) runs a few dozen cases per reader, seconds in all.
For a nightly run, set `GEO_FUZZ=nightly` (thousands of cases per reader, larger inputs):

    GEO_FUZZ=nightly .venv/bin/python -m pytest -q tests/inputs/test_fuzz.py
"""
import io
import os
import random
import resource
import signal
import threading
import time
import zipfile
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from makers import make_docx, make_pdf

from geo.errors import InputError
from geo.inputs.fetch import Fetcher
from geo.inputs.read import UnreadableDocument, read_inputs
from geo.types import Document

settings.register_profile("fuzz-ci", max_examples=25, deadline=None, derandomize=False,
                          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
settings.register_profile("fuzz-nightly", max_examples=2000, deadline=None,
                          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
NIGHTLY = os.environ.get("GEO_FUZZ", "").lower() == "nightly"
FUZZ = settings(settings.get_profile("fuzz-nightly" if NIGHTLY else "fuzz-ci"))
SECONDS_PER_CASE = 30  # a guard: any case past it is a hang (most take milliseconds)
MEMORY_MB = 700  # a guard on the process's peak: no bomb may take more
BIG = 20_000 if NIGHTLY else 2_000  # longest generated text


class TookTooLong(Exception):
    pass


@contextmanager
def bounded():
    """Fail a case that runs past SECONDS_PER_CASE (an alarm in the main thread) or that
    raised the process's peak memory past MEMORY_MB."""
    def alarm(signum, frame):
        raise TookTooLong(f"a case ran over {SECONDS_PER_CASE} s")

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, SECONDS_PER_CASE)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    assert peak_mb < BASELINE_MB + MEMORY_MB, f"peak memory {peak_mb:.0f} MB"


BASELINE_MB = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def check(inputs, name, skip, *, given_text=False, **kw):
    """Read `inputs`; the property every reader keeps. (`given_text`: JSONL hands on its id
    and text as the line gives them, empty or not.)"""
    with bounded():
        try:
            docs = list(read_inputs(inputs, on_error="skip" if skip else "fail", **kw))
        except InputError as exc:
            message = str(exc)
            assert not skip, message
            assert message.startswith(name) and "\n" not in message and message.strip() == message
            return []
    assert docs, "no documents and no error"
    for doc in docs:
        assert isinstance(doc, Document)
        if isinstance(doc, UnreadableDocument):
            assert skip and doc.error and "\n" not in doc.error and doc.text == ""
            continue
        assert given_text or (doc.id and doc.text.strip())
        for field in (doc.text, doc.title, doc.url, doc.date, doc.id):
            field.encode("utf-8")  # every output can write it
        assert "\n" not in doc.title
    return docs


# -- strategies ---------------------------------------------------------------------------------

WORDS = st.sampled_from([
    "Damascus", "Aleppo", "Sfax", "Rain", "the", " ", "\n", "\n\n", "\n\n\n", "\t", "\u00a0", ",", ".",
    "e\u0301", "\u0627\u0644\u0642\u062f\u0633", "\U0001f600", "\u202e", "\x00", "\ufeff", "\r\n", "&amp;",
    "&#0;", "&#xD800;", "<", ">", "]]>", "=cmd|", "@SUM", "-1", "2024-13-45",
])
TEXT = st.lists(st.one_of(WORDS, st.text(max_size=12)), max_size=60).map("".join)
LONG_TEXT = st.one_of(TEXT, st.tuples(WORDS, st.integers(1, BIG)).map(lambda t: t[0] * t[1]))
ENCODED = st.one_of(
    TEXT.map(lambda s: s.encode("utf-8", "surrogatepass")),
    TEXT.map(lambda s: s.encode("utf-16", "surrogatepass")),
    TEXT.map(lambda s: s.encode("cp1252", "replace")),
    st.binary(max_size=400),
)


def mutate(data: bytes, seed: int, flips: int) -> bytes:
    """`data` with a few bytes changed, a piece cut out or the end cut off (by `seed`)."""
    rng = random.Random(seed)
    data = bytearray(data)
    for _ in range(flips):
        if not data:
            break
        kind = rng.randrange(3)
        i = rng.randrange(len(data))
        if kind == 0:
            data[i] = rng.randrange(256)
        elif kind == 1:
            del data[i:i + rng.randrange(1, 64)]
        else:
            del data[i:]
    return bytes(data)


TAGS = st.sampled_from(["p", "div", "title", "script", "style", "article", "h1", "br", "table", "td", "a",
                        "!--", "![CDATA[", "svg", "template", "meta", "html", "head", "body", "iframe"])


@st.composite
def html(draw):
    parts = []
    for _ in range(draw(st.integers(0, 40))):
        tag = draw(TAGS)
        kind = draw(st.integers(0, 3))
        if kind == 0:
            parts.append(f"<{tag}>")
        elif kind == 1:
            parts.append(f"</{tag}>")
        elif kind == 2:
            parts.append(f'<{tag} {draw(st.text(max_size=10))}="{draw(st.text(max_size=10))}">')
        else:
            parts.append(draw(LONG_TEXT))
    prefix = draw(st.sampled_from(["", "<!DOCTYPE html>", "<html><head><title>", "\ufeff"]))
    return prefix + "".join(parts)


DATES = st.one_of(st.sampled_from(["2024-13-45", "Wed, 30 Oct 2024 07:15:00 +0100", "yesterday", "",
                                   "2024-02-30T10:00:00Z", "0000-00-00", "99999-01-01"]), st.text(max_size=20))


def xml_text(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;")


@st.composite
def feed(draw):
    atom = draw(st.booleans())
    entries = []
    for _ in range(draw(st.integers(0, 6))):
        title, body, date = draw(TEXT), draw(LONG_TEXT), draw(DATES)
        if draw(st.booleans()):
            title, body, date = xml_text(title), xml_text(body), xml_text(date)
        if atom:
            entries.append(f"<entry><title>{title}</title><updated>{date}</updated><summary>{body}</summary>"
                           f"<link href=\"{xml_text(draw(TEXT))}\"/></entry>")
        else:
            entries.append(f"<item><title>{title}</title><pubDate>{date}</pubDate>"
                           f"<description>{body}</description><link>{draw(TEXT)}</link></item>")
    if atom:
        doc = f'<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title>{"".join(entries)}</feed>'
    else:
        doc = f'<rss version="2.0"><channel><title>t</title>{"".join(entries)}</channel></rss>'
    data = doc.encode("utf-8", "surrogatepass")
    return mutate(data, draw(st.integers(0, 2**32)), draw(st.sampled_from([0, 0, 1, 3])))


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4),
    max_leaves=12,
)


@st.composite
def jsonl(draw):
    import json

    lines = []
    for _ in range(draw(st.integers(0, 6))):
        kind = draw(st.integers(0, 3))
        if kind == 0:
            text = draw(TEXT)
            record = {"id": draw(st.one_of(st.text(max_size=10), st.integers())), "text": text}
            if draw(st.booleans()):
                record["mentions"] = [{"start": draw(st.integers(-2, len(text) + 2)),
                                       "end": draw(st.integers(-2, len(text) + 2))}]
            if draw(st.booleans()):
                record["date"] = draw(DATES)
            lines.append(json.dumps(record))
        elif kind == 1:
            lines.append(json.dumps(draw(JSON_VALUES)))
        elif kind == 2:
            lines.append(draw(TEXT))
        else:
            lines.append(json.dumps({"text": draw(TEXT), draw(st.text(max_size=5)): draw(JSON_VALUES)}))
    return "\n".join(lines).encode("utf-8", "surrogatepass")


PDF_BASE = st.lists(st.one_of(st.none(), st.lists(TEXT.map(lambda s: s.encode("latin-1", "replace").decode("latin-1")),
                                                  max_size=4)), min_size=1, max_size=4)


@st.composite
def pdf(draw):
    data = make_pdf(draw(PDF_BASE), title=draw(TEXT).encode("latin-1", "replace").decode("latin-1"),
                    created=draw(DATES).encode("latin-1", "replace").decode("latin-1"))
    return mutate(data, draw(st.integers(0, 2**32)), draw(st.sampled_from([0, 1, 2, 5])))


DOCX_BASE = make_docx(["Talks in Geneva.", "Rain in Sfax."], heading="Wire", title="Brief")


@st.composite
def docx(draw):
    kind = draw(st.integers(0, 2))
    if kind == 0:  # document.xml replaced by anything from well-formed to garbage
        body = "".join(f"<w:p><w:r><w:t>{xml_text(t)}</w:t></w:r></w:p>" for t in draw(st.lists(TEXT, max_size=5)))
        xml = ('<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
               f"<w:body>{body}</w:body></w:document>").encode("utf-8", "surrogatepass")
        xml = mutate(xml, draw(st.integers(0, 2**32)), draw(st.sampled_from([0, 1, 3])))
        out = io.BytesIO()
        with zipfile.ZipFile(io.BytesIO(DOCX_BASE)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
            for info in src.infolist():
                dst.writestr(info.filename, xml if info.filename == "word/document.xml" else src.read(info))
        return out.getvalue()
    if kind == 1:  # the archive itself damaged
        return mutate(DOCX_BASE, draw(st.integers(0, 2**32)), draw(st.integers(1, 6)))
    return b"PK\x03\x04" + draw(st.binary(max_size=300))


# -- one test per reader --------------------------------------------------------------------------


def write(tmp_path_factory, name: str, data: bytes):
    path = tmp_path_factory.mktemp("fuzz") / name
    path.write_bytes(data)
    return path


@FUZZ
@given(data=ENCODED, skip=st.booleans())
def test_fuzz_text(tmp_path_factory, data, skip):
    path = write(tmp_path_factory, "doc.txt", data)
    check([path], str(path), skip)


@FUZZ
@given(page=html(), skip=st.booleans())
def test_fuzz_html(tmp_path_factory, page, skip):
    path = write(tmp_path_factory, "page.html", page.encode("utf-8", "surrogatepass"))
    check([path], str(path), skip)


@FUZZ
@given(data=feed(), skip=st.booleans())
def test_fuzz_feed(tmp_path_factory, data, skip):
    path = write(tmp_path_factory, "wire.rss", data)
    for doc in check([path], str(path), skip):
        if not isinstance(doc, UnreadableDocument) and doc.date:
            assert doc.date[:4].isdigit() and not doc.date.startswith("2025")  # no date made up


@FUZZ
@given(data=pdf(), skip=st.booleans())
def test_fuzz_pdf(tmp_path_factory, data, skip):
    path = write(tmp_path_factory, "report.pdf", data)
    check([path], str(path), skip)


@FUZZ
@given(data=docx(), skip=st.booleans())
def test_fuzz_word(tmp_path_factory, data, skip):
    path = write(tmp_path_factory, "memo.docx", data)
    check([path], str(path), skip)


@FUZZ
@given(data=jsonl(), skip=st.booleans())
def test_fuzz_jsonl(tmp_path_factory, data, skip):
    path = write(tmp_path_factory, "rows.jsonl", data)
    check([path], str(path), skip, given_text=True)


# -- URL fetches against a local server ---------------------------------------------------------

RESPONSES: dict = {}  # path -> (status, headers, body, drip seconds per byte)


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_GET(self):
        status, headers, body, drip = RESPONSES.get(self.path.split("?")[0], (404, [], b"", 0))
        try:
            self.send_response(status)
            for key, value in headers:
                self.send_header(key, value)
            self.end_headers()
            if drip:
                for i in range(len(body)):
                    self.wfile.write(body[i:i + 1])
                    self.wfile.flush()
                    time.sleep(drip)
            else:
                self.wfile.write(body)
        except OSError:
            pass  # the client gave up: a deadline or a size cap


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        pass


@pytest.fixture(scope="module")
def server():
    httpd = Server(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()
    httpd.server_close()


CONTENT_TYPES = st.sampled_from(["text/html", "text/html; charset=utf-16", "text/html; charset=bogus",
                                 "application/rss+xml", "application/pdf", "text/plain",
                                 "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                                 "application/octet-stream", "image/png", "", "text/xml; charset=\"", "x/y;;"])
LOCATIONS = st.sampled_from(["/", "file:///etc/passwd", "javascript:alert(1)", "data:text/plain,hi",
                             "ftp://x/", "//evil.invalid/", "http://[::1", "/page", ""])
BODIES = st.one_of(ENCODED, html().map(lambda s: s.encode("utf-8", "surrogatepass")), feed(), pdf(), docx())


@FUZZ
@given(status=st.sampled_from([200, 200, 200, 204, 301, 302, 307, 404, 429, 500, 503]),
       ctype=CONTENT_TYPES, location=LOCATIONS, body=BODIES, drip=st.sampled_from([0, 0, 0, 0.05]),
       length=st.sampled_from(["", "", "0", "-1", "99999999999", "abc"]), skip=st.booleans())
def test_fuzz_url(server, status, ctype, location, body, drip, length, skip):
    headers = [("Content-Type", ctype)] if ctype else []
    if status in (301, 302, 307):
        headers.append(("Location", location))
    if length:
        headers.append(("Content-Length", length))
    RESPONSES["/page"] = (status, headers, body[:200] if drip else body, drip)
    fetcher = Fetcher(timeout=2.0, max_bytes=200_000, backoff=0.01, max_wait=0.05, retries=1)
    url = f"{server}/page?token=s3cret"
    docs = check([url], f"{server}/page?token=***", skip, fetcher=fetcher)
    for doc in docs:
        assert "s3cret" not in doc.id + doc.source + doc.url + getattr(doc, "error", "")
