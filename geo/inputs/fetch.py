"""Fetching the pages, feeds and reports a user names by URL.

geo goes online only here, and only for URLs the user gave (or, with `--follow`, the links of
a feed the user gave). Every fetch is bounded: http and https only, one deadline over the
whole fetch (connecting, headers, body, redirects and retries together: a server that sends a
byte a second cannot hold geo past it), a size cap, a few redirects at most, a User-Agent
that says what is asking, and a few retries with backoff when the server says "too many
requests" (429) or fails (5xx). Whatever goes wrong is one `InputError` naming the URL, its
credentials redacted.
"""
from __future__ import annotations

import logging
import socket
import threading
import time
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from geo.errors import InputError, redact
from geo.inputs.limits import Limits

log = logging.getLogger(__name__)

USER_AGENT = "geo/0.1 (news geoparser; reads the pages its user names)"
RETRY_STATUSES = {429, 500, 502, 503, 504}


def is_url(text: str) -> bool:
    return urlsplit(text.strip()).scheme.lower() in ("http", "https") and "://" in text


@dataclass(frozen=True, slots=True)
class Response:
    url: str  # after redirects
    content_type: str  # "text/html", lower case, no parameters
    charset: str  # from the Content-Type header, "" if none
    body: bytes


class _Deadline:
    """One deadline over a whole fetch. Socket timeouts bound each read, not a download: a
    server that sends a byte every few seconds never trips them. So a timer shuts down every
    socket of the fetch when the time is up, which wakes any read blocked on it."""

    def __init__(self, seconds: float):
        self.end = time.monotonic() + seconds
        self.expired = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True
        self._timer.start()

    def left(self) -> float:
        return max(0.0, self.end - time.monotonic())

    def watch(self, sock: socket.socket) -> None:
        with self._lock:
            self._sockets.append(sock)
            if self.expired:
                _shut(sock)

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            for sock in self._sockets:
                _shut(sock)

    def cancel(self) -> None:
        self._timer.cancel()


def _shut(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass  # closed already


def _opener(limit: int, deadline: _Deadline):
    """A urllib opener whose connections the deadline watches, that follows at most `limit`
    redirects, and only to http(s). (urllib is imported here, not with geo: most runs never
    fetch anything.)"""
    import http.client
    import urllib.request

    def connect(*args, **kwargs) -> socket.socket:
        sock = socket.create_connection(*args, **kwargs)
        deadline.watch(sock)  # before any TLS handshake, which a server may drip too
        return sock

    class Watched(http.client.HTTPConnection):
        def connect(self):
            self.timeout = max(0.1, min(self.timeout, deadline.left()))
            self._create_connection = connect
            super().connect()

    class WatchedTLS(http.client.HTTPSConnection):
        def connect(self):
            self.timeout = max(0.1, min(self.timeout, deadline.left()))
            self._create_connection = connect
            super().connect()

    class HTTP(urllib.request.HTTPHandler):
        def http_open(self, req):
            return self.do_open(Watched, req)

    class HTTPS(urllib.request.HTTPSHandler):
        def https_open(self, req):
            return self.do_open(WatchedTLS, req, context=self._context)

    class Redirects(urllib.request.HTTPRedirectHandler):
        max_redirections = max_repeats = limit

        def http_error_302(self, req, fp, code, msg, headers):
            target = headers.get("Location") or headers.get("URI") or ""
            scheme = urlsplit(urljoin(req.full_url, target.strip())).scheme.lower()
            if scheme not in ("http", "https"):  # file:, javascript:, data:, ftp: ...
                raise InputError(f"redirected to a non-web address: {redact(target)[:200]} (the "
                                 f"{scheme or 'unknown'}: scheme is refused; only http and https)")
            if len(getattr(req, "redirect_dict", {})) >= limit:
                raise InputError(f"more than {limit} redirects (see --max-redirects)")
            # urllib reads a redirect's whole body before it moves on: unbounded (a server may
            # announce or send gigabytes). Closed first, it reads nothing.
            fp.close()
            return super().http_error_302(req, fp, code, msg, headers)

        http_error_301 = http_error_303 = http_error_307 = http_error_308 = http_error_302

    return urllib.request.build_opener(HTTP(), HTTPS(), Redirects())


@dataclass
class Fetcher:
    """Policy for every fetch of one run; `fetch(url)` returns the body or raises InputError."""

    timeout: float = 20.0  # seconds for the whole fetch: connect, headers, body, redirects, retries
    max_bytes: int = 20 << 20
    max_redirects: int = 5
    retries: int = 3  # extra attempts after a 429 or 5xx
    backoff: float = 1.0  # seconds before the first retry, doubled each time
    max_wait: float = 30.0  # longest wait a Retry-After header may ask for
    user_agent: str = USER_AGENT

    @classmethod
    def within(cls, limits: Limits) -> "Fetcher":
        """The fetcher that keeps to a run's limits."""
        return cls(timeout=limits.fetch_seconds, max_bytes=limits.fetch_bytes, max_redirects=limits.redirects)

    def fetch(self, url: str) -> Response:
        url = url.strip()
        shown = redact(url)
        if not is_url(url):
            raise InputError(f"{shown[:200]}: only http and https URLs can be fetched")
        deadline = _Deadline(self.timeout)
        try:
            return self._attempts(url, deadline)
        except InputError as exc:
            raise InputError(f"{shown}: {redact(' '.join(str(exc).split()))}") from None
        finally:
            deadline.cancel()

    def _attempts(self, url: str, deadline: _Deadline) -> Response:
        """The response, after any retries, all within `deadline`; else InputError (unprefixed)."""
        import urllib.error

        late = InputError(f"no complete response within {self.timeout:g} s (see --fetch-timeout)")
        opener = _opener(self.max_redirects, deadline)
        attempt = 0
        while True:
            try:
                return self._once(opener, url, deadline)
            except urllib.error.HTTPError as exc:
                if deadline.expired:
                    raise late from None
                if 300 <= exc.code < 400:  # urllib's own loop check
                    raise InputError(f"more than {self.max_redirects} redirects, or a redirect loop") from None
                wait = self._wait(exc, attempt)
                if wait is None:
                    reason = " ".join(str(exc.reason or "").split())
                    raise InputError(f"HTTP {exc.code} {reason}".rstrip()) from None
                if wait >= deadline.left():
                    raise late from None
                log.warning("%s: HTTP %s, retrying in %.1f s", redact(url), exc.code, wait)
                time.sleep(wait)
                attempt += 1
            except InputError:
                raise
            except urllib.error.URLError as exc:
                reason = exc.reason
                if deadline.expired or isinstance(reason, (TimeoutError, socket.timeout)):
                    raise late from None
                detail = getattr(reason, "strerror", None) or reason
                raise InputError(f"cannot fetch: {' '.join(str(detail).split())}") from None
            except (OSError, ValueError, EOFError) as exc:  # a reset, bad chunking, a malformed URL
                if deadline.expired or isinstance(exc, (TimeoutError, socket.timeout)):
                    raise late from None
                raise InputError(f"cannot fetch: {' '.join(str(exc).split()) or type(exc).__name__}") from None

    def _once(self, opener, url: str, deadline: _Deadline) -> Response:
        import email.message
        import urllib.request

        request = urllib.request.Request(url, headers={
            "User-Agent": self.user_agent, "Accept-Encoding": "identity",
            "Accept": "text/html,application/xhtml+xml,application/rss+xml,application/atom+xml,"
                      "application/pdf,*/*;q=0.5",
        })
        with opener.open(request, timeout=max(0.1, deadline.left())) as response:
            length = response.headers.get("Content-Length")
            if length and length.isdigit() and int(length) > self.max_bytes:
                raise InputError(f"response of {int(length):,} bytes is larger than the "
                                 f"{self.max_bytes:,}-byte limit (see --max-fetch-bytes)")
            chunks, size = [], 0
            # read1: what has arrived (read(n) would wait for all n bytes, however slow they come)
            while block := response.read1(1 << 16):
                chunks.append(block)
                size += len(block)
                if size > self.max_bytes:
                    raise InputError(f"response is larger than the {self.max_bytes:,}-byte limit "
                                     "(see --max-fetch-bytes)")
            if deadline.expired:  # the timer shut the socket: what came is not the whole body
                raise TimeoutError
            header = email.message.Message()
            header["Content-Type"] = response.headers.get("Content-Type", "")
            return Response(
                url=response.geturl(), content_type=header.get_content_type().lower(),
                charset=(header.get_param("charset") or "").strip().lower(), body=b"".join(chunks),
            )

    def _wait(self, exc, attempt: int) -> float | None:
        """Seconds to wait before trying again, or None to give up."""
        if exc.code not in RETRY_STATUSES or attempt >= self.retries:
            return None
        wait = self.backoff * 2 ** attempt
        after = (exc.headers or {}).get("Retry-After", "")
        if after.strip().isdigit():
            wait = max(wait, float(after))
        return min(wait, self.max_wait)
