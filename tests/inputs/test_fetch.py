"""URLs and feeds, against an HTTP server on 127.0.0.1 started here (nothing else is reached)."""
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from makers import ATOM, RSS, make_pdf

import geo.cli
from geo.cli import main
from geo.errors import InputError
from geo.inputs.fetch import USER_AGENT, Fetcher
from geo.inputs.read import read_inputs

PAGES = Path(__file__).parent / "pages"


class Handler(BaseHTTPRequestHandler):
    hits: dict = {}
    agents: list = []

    def log_message(self, *args):  # quiet
        pass

    def send(self, status, body=b"", ctype="text/html; charset=utf-8", headers=()):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in headers:
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def drip(self, data, every=0.1):
        for i in range(len(data)):
            self.wfile.write(data[i:i + 1])
            self.wfile.flush()
            time.sleep(every)

    def do_GET(self):
        Handler.agents.append(self.headers.get("User-Agent"))
        Handler.hits[self.path] = Handler.hits.get(self.path, 0) + 1
        base = f"http://127.0.0.1:{self.server.server_port}"
        path = self.path
        if path in ("/news", "/wire", "/undated"):
            self.send(200, (PAGES / f"{path[1:]}.html").read_bytes())
        elif path == "/latin1":
            self.send(200, "<p>Caf\u00e9 in Qu\u00e9bec.</p>".encode("latin-1"), "text/html; charset=iso-8859-1")
        elif path == "/redirect":
            self.send(302, headers=[("Location", "/news")])
        elif path.startswith("/loop"):
            self.send(302, headers=[("Location", f"/loop-{sum(Handler.hits.values())}")])
        elif path == "/to-ftp":
            self.send(302, headers=[("Location", "ftp://127.0.0.1/x")])
        elif path == "/slow":
            time.sleep(2)
            self.send(200, b"<p>late</p>")
        elif path == "/trickle":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            for _ in range(20):
                self.wfile.write(b"<p>x</p>" * 10)
                self.wfile.flush()
                time.sleep(0.1)
        elif path == "/huge":
            self.send(200, b"<p>" + b"Oslo " * 100_000 + b"</p>")
        elif path == "/huge-unannounced":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            for _ in range(100):
                self.wfile.write(b"Oslo " * 10_000)
        elif path.startswith("/image"):
            self.send(200, b"\x89PNG\r\n\x1a\n" + bytes(100), "image/png")
        elif path == "/flaky":
            if Handler.hits[path] <= 2:
                self.send(503, b"busy", headers=[("Retry-After", "0")])
            else:
                self.send(200, (PAGES / "wire.html").read_bytes())
        elif path == "/always-busy":
            self.send(429, b"slow down")
        elif path == "/feed":
            self.send(200, RSS.format(base=base).encode(), "application/rss+xml")
        elif path == "/atom":
            self.send(200, ATOM.encode(), "application/atom+xml")
        elif path == "/report.pdf":
            self.send(200, make_pdf([["Talks in Geneva."]], title="Brief"), "application/pdf")
        elif path in ("/to-file", "/to-javascript", "/to-data"):
            target = {"/to-file": "file:///etc/passwd", "/to-javascript": "javascript:alert(1)",
                      "/to-data": "data:text/html,<p>hi</p>"}[path]
            self.send(302, headers=[("Location", target)])
        elif path == "/redirect-with-a-huge-body":
            self.send_response(301)
            self.send_header("Location", "/plain")
            self.send_header("Content-Length", "99999999999")
            self.end_headers()
        elif path == "/drip-body":  # headers at once, then a byte at a time for a minute
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.end_headers()
            self.drip(b"Oslo " * 120)
        elif path == "/drip-headers":  # the status line, then the headers a byte at a time
            self.wfile.write(b"HTTP/1.1 200 OK\r\n")
            self.drip(b"X-Padding: " + b"a" * 600)
        elif path.startswith("/plain"):
            self.send(200, b"Talks in Geneva.", "text/plain")
        else:
            self.send(404, b"<h1>Not found</h1>")


class Server(ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        pass  # a client that gave up (a size cap, a timeout) is what some tests are about


@pytest.fixture(scope="module")
def server():
    httpd = Server(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()
    httpd.server_close()


FAST = Fetcher(timeout=1.0, max_bytes=200_000, backoff=0.01)


def read(*urls, **kw):
    return list(read_inputs(list(urls), fetcher=kw.pop("fetcher", FAST), **kw))


def test_a_url_is_fetched_and_read_as_a_page(server):
    (doc,) = read(f"{server}/news")
    assert doc.id == f"{server}/news" and doc.source == f"{server}/news"
    assert doc.date == "2024-10-30" and doc.title == "Floods cut roads around Valencia"
    assert doc.url == "https://ledger.example/world/floods-valencia"  # the page's canonical link
    assert "Paiporta" in doc.text and "Most read" not in doc.text
    assert Handler.agents[-1] == USER_AGENT


def test_redirects_are_followed_a_few_times_and_only_to_the_web(server):
    (doc,) = read(f"{server}/redirect")
    assert doc.id == f"{server}/redirect" and "Valencia" in doc.text
    with pytest.raises(InputError, match=r"/loop: more than 5 redirects"):
        read(f"{server}/loop")
    with pytest.raises(InputError, match="redirected to a non-web address: ftp://"):
        read(f"{server}/to-ftp")


@pytest.mark.parametrize("path, message", [
    ("/missing", "HTTP 404 Not Found"),
    ("/slow", "no complete response within 1 s"),
    ("/trickle", "no complete response within 1 s"),
    ("/huge", "response of 500,007 bytes is larger than the 200,000-byte limit"),
    ("/huge-unannounced", "response is larger than the 200,000-byte limit"),
    ("/image", "not a page geo can read (content type image/png)"),
    ("/always-busy", "HTTP 429"),
])
def test_a_failed_fetch_is_one_line_naming_the_url(server, path, message):
    with pytest.raises(InputError) as err:
        read(f"{server}{path}")
    assert str(err.value).startswith(f"{server}{path}: ") and message in str(err.value)
    assert "\n" not in str(err.value)


def test_429_and_5xx_are_retried_with_backoff(server):
    Handler.hits.pop("/flaky", None)
    (doc,) = read(f"{server}/flaky")
    assert Handler.hits["/flaky"] == 3 and "Kharkiv" in doc.text
    Handler.hits.pop("/always-busy", None)
    with pytest.raises(InputError):
        read(f"{server}/always-busy")
    assert Handler.hits["/always-busy"] == 1 + FAST.retries


def test_content_types_choose_the_reader(server):
    pdf, plain, latin = read(f"{server}/report.pdf", f"{server}/plain", f"{server}/latin1")
    assert (pdf.id, pdf.title, pdf.text) == (f"{server}/report.pdf#p1", "Brief, p. 1", "Talks in Geneva.")
    assert plain.text == "Talks in Geneva."
    assert latin.text == "Caf\u00e9 in Qu\u00e9bec."  # the charset the server declared


@pytest.mark.parametrize("path", ["/drip-body", "/drip-headers"])
def test_a_server_that_sends_a_byte_at_a_time_is_cut_off_at_the_deadline(server, path):
    """The deadline covers connecting, the headers and the body together: each byte arriving
    within the socket timeout does not keep the fetch going (the server drips for a minute)."""
    outcome = []

    def fetch():
        try:
            read(f"{server}{path}")
        except InputError as exc:
            outcome.append(str(exc))

    thread = threading.Thread(target=fetch, daemon=True)
    thread.start()
    thread.join(timeout=15)  # a guard: the fetcher's deadline is 1 s
    assert not thread.is_alive(), "the fetch outlived its deadline"
    assert len(outcome) == 1 and outcome[0].startswith(f"{server}{path}: no complete response within 1 s")
    slow, plain = read(f"{server}{path}", f"{server}/plain", on_error="skip")  # the others go on
    assert "no complete response" in slow.error and plain.text == "Talks in Geneva."


@pytest.mark.parametrize("path, scheme", [("/to-file", "file"), ("/to-javascript", "javascript"),
                                          ("/to-data", "data")])
def test_a_redirect_to_another_scheme_says_the_scheme_is_refused(server, path, scheme):
    with pytest.raises(InputError) as err:
        read(f"{server}{path}")
    assert f"the {scheme}: scheme is refused" in str(err.value) and "redirects" not in str(err.value)


def test_a_redirects_body_is_never_read(server):
    """urllib reads a redirect's body whole: a server announcing 100 GB ended in MemoryError."""
    (doc,) = read(f"{server}/redirect-with-a-huge-body")
    assert doc.text == "Talks in Geneva."


def test_credentials_in_a_url_are_never_echoed(server):
    port = server.rsplit(":", 1)[1]
    with pytest.raises(InputError) as err:
        read(f"http://bob:hunter2@127.0.0.1:{port}/missing?api_key=XYZ123&q=floods")
    assert "hunter2" not in str(err.value) and "XYZ123" not in str(err.value)
    assert "***" in str(err.value) and "q=floods" in str(err.value)
    with pytest.raises(InputError) as err:  # a reader's error after the fetch, too
        read(f"{server}/image?api_key=XYZ123")
    assert str(err.value).startswith(f"{server}/image?api_key=***: not a page geo can read")
    (doc,) = read(f"{server}/plain?access_token=XYZ123&page=2")
    assert "XYZ123" not in doc.id + doc.source + doc.url
    assert doc.url == f"{server}/plain?access_token=***&page=2" and doc.text == "Talks in Geneva."


def test_only_web_urls_are_fetched():
    with pytest.raises(InputError, match="only http and https"):
        Fetcher().fetch("file:///etc/passwd")


# -- feeds ----------------------------------------------------------------------------------


def test_a_feed_gives_one_document_per_entry(server):
    docs = read(f"{server}/feed")
    assert [d.id for d in docs] == [f"{server}/feed#1", f"{server}/feed#2", f"{server}/feed#3"]
    assert [d.title for d in docs] == ["Floods cut roads around Valencia", "Aid convoy reaches Kharkiv",
                                       "Harbour reopens in Gdansk"]
    assert [d.date for d in docs] == ["2024-10-30T06:15:00+00:00", "2023-02-14T09:30:00+00:00", ""]
    assert docs[0].text == "Floods cut roads around Valencia\n\nRescuers searched Paiporta for the missing."
    assert docs[0].url == f"{server}/news"


def test_follow_fetches_each_entrys_article(server):
    with pytest.raises(InputError, match=r"/missing: HTTP 404"):
        read(f"{server}/feed", follow=True)
    news, wire, missing = read(f"{server}/feed", follow=True, on_error="skip")
    assert news.id == f"{server}/feed#1" and "Catarroja" in news.text and "Most read" not in news.text
    assert news.date == "2024-10-30"  # the page's own
    assert wire.title == "Aid convoy reaches Kharkiv after delays" and "Dnipro" in wire.text
    assert missing.id == f"{server}/feed#3" and "HTTP 404" in missing.error


def test_atom_files_and_feeds_by_suffix(tmp_path):
    path = tmp_path / "wire.atom"
    path.write_text(ATOM, encoding="utf-8")
    (doc,) = read_inputs([path])
    assert (doc.id, doc.date, doc.url) == ("wire#1", "2023-02-14T07:30:00+00:00", "https://wire.example/kharkiv")
    assert doc.text == "Aid convoy reaches Kharkiv\n\nTrucks from Lviv reached Kharkiv."
    xml = tmp_path / "feed.xml"  # .xml: a feed when it starts like one
    xml.write_text(ATOM, encoding="utf-8")
    assert [d.id for d in read_inputs([xml])] == ["feed#1"]
    broken = tmp_path / "broken.rss"
    broken.write_text("<rss><channel><title>x</title></channel></rss>", encoding="utf-8")
    with pytest.raises(InputError, match="broken.rss: feed has no entries"):
        list(read_inputs([broken]))


# -- the command line -------------------------------------------------------------------------


@pytest.fixture
def cli(geoparser, monkeypatch):
    monkeypatch.setattr(geo.cli, "parser_for", lambda args: geoparser)


def test_cli_a_bad_url_is_one_line_and_exit_2_or_skipped(server, cli, capsys, tmp_path):
    assert main(["extract", f"{server}/missing", "--workers", "1"]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err == f"geo: error: {server}/missing: HTTP 404 Not Found\n"

    urls = tmp_path / "urls.txt"
    urls.write_text(f"# today's reading\n{server}/news\n\n{server}/missing\n{server}/undated\n", encoding="utf-8")
    assert main(["extract", "--urls", str(urls), "--on-error", "skip", "--workers", "1"]) == 0
    out, err = capsys.readouterr()
    records = [json.loads(line) for line in out.splitlines()]
    assert [r["id"] for r in records] == [f"{server}/news", f"{server}/missing", f"{server}/undated"]
    assert "error" in records[1] and records[0]["date"] == "2024-10-30"
    assert err.count("\n") == 1 and "HTTP 404" in err


def test_cli_url_list_errors(cli, capsys, tmp_path):
    urls = tmp_path / "urls.txt"
    urls.write_text("https://ok.example/\nnot a url\n", encoding="utf-8")
    assert main(["extract", "--urls", str(urls)]) == 2
    assert capsys.readouterr().err == f"geo: error: {urls}: line 2: not an http(s) URL: 'not a url'\n"
    assert main(["extract"]) == 2
    assert "no input given" in capsys.readouterr().err


def test_cli_never_echoes_a_password_or_token(server, cli, capsys):
    port = server.rsplit(":", 1)[1]
    url = f"http://bob:hunter2@127.0.0.1:{port}/missing?token=XYZ123"
    assert main(["extract", url, "--workers", "1"]) == 2
    out, err = capsys.readouterr()
    assert err.startswith("geo: error: http://***@127.0.0.1") and err.count("\n") == 1
    assert "hunter2" not in err and "XYZ123" not in err
    assert main(["extract", f"{server}/plain?api_key=XYZ123", f"{server}/missing?api_key=XYZ123",
                 "--on-error", "skip", "--workers", "1"]) == 0
    out, err = capsys.readouterr()
    assert "XYZ123" not in out + err and "api_key=***" in out and "geo: skipped:" in err


def feed_with_dates(*dates):
    items = "".join(f"<item><title>Floods in Sfax {k}</title><pubDate>{d}</pubDate></item>"
                    for k, d in enumerate(dates))
    return f'<rss version="2.0"><channel><title>t</title>{items}</channel></rss>'


def test_a_feed_date_that_cannot_be_read_is_left_empty_never_invented(tmp_path, caplog):
    path = tmp_path / "dates.rss"
    path.write_text(feed_with_dates("2024-13-45", "2024-02-30T10:00:00Z", "Wed, 45 Oct 2024 07:15:00 +0100",
                                    "yesterday", "30 October 2024", "Wed, 30 Oct 2024 23:30:00 -0500"),
                    encoding="utf-8")
    with caplog.at_level("INFO", logger="geo.inputs.feeds"):
        docs = list(read_inputs([path]))
    assert [d.date for d in docs] == ["", "", "", "", "2024-10-30T00:00:00+00:00", "2024-10-30T23:30:00-05:00"]
    assert "date '2024-13-45' cannot be read: left empty" in caplog.text
