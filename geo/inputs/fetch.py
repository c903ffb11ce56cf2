"""Fetching the pages, feeds and reports a user names by URL.

geo goes online only here, and only for URLs the user gave (or, with `--follow`, the links of
a feed the user gave). Every fetch is bounded: http and https only, a timeout on the whole
response, a size cap, a few redirects at most, a User-Agent that says what is asking, and a
few retries with backoff when the server says "too many requests" (429) or fails (5xx).
Whatever goes wrong is one `InputError` naming the URL.
"""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from geo.errors import InputError

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


def _opener(limit: int):
    """A urllib opener that follows at most `limit` redirects, and only to http(s). (urllib is
    imported here, not with geo: most runs never fetch anything.)"""
    import urllib.request

    class Redirects(urllib.request.HTTPRedirectHandler):
        max_redirections = max_repeats = limit

        def redirect_request(self, req, fp, code, msg, headers, newurl):
            if urlsplit(newurl).scheme.lower() not in ("http", "https"):
                raise InputError(f"redirected to a non-web address: {newurl[:200]}")
            return super().redirect_request(req, fp, code, msg, headers, newurl)

        def http_error_302(self, req, fp, code, msg, headers):
            if len(getattr(req, "redirect_dict", {})) >= limit:
                raise InputError(f"more than {limit} redirects")
            return super().http_error_302(req, fp, code, msg, headers)

        http_error_301 = http_error_303 = http_error_307 = http_error_308 = http_error_302

    return urllib.request.build_opener(Redirects())


@dataclass
class Fetcher:
    """Policy for every fetch of one run; `fetch(url)` returns the body or raises InputError."""

    timeout: float = 20.0  # seconds for the whole response
    max_bytes: int = 20 << 20
    max_redirects: int = 5
    retries: int = 3  # extra attempts after a 429 or 5xx
    backoff: float = 1.0  # seconds before the first retry, doubled each time
    max_wait: float = 30.0  # longest wait a Retry-After header may ask for
    user_agent: str = USER_AGENT

    def fetch(self, url: str) -> Response:
        import socket
        import urllib.error

        url = url.strip()
        if not is_url(url):
            raise InputError(f"{url[:200]}: only http and https URLs can be fetched")
        opener = _opener(self.max_redirects)
        attempt = 0
        while True:
            try:
                return self._once(opener, url)
            except urllib.error.HTTPError as exc:
                if 300 <= exc.code < 400:  # urllib's own loop check
                    raise InputError(f"{url}: more than {self.max_redirects} redirects, or a redirect loop") from None
                wait = self._wait(exc, attempt)
                if wait is None:
                    reason = " ".join(str(exc.reason or "").split())
                    raise InputError(f"{url}: HTTP {exc.code} {reason}".rstrip()) from None
                log.warning("%s: HTTP %s, retrying in %.1f s", url, exc.code, wait)
                time.sleep(wait)
                attempt += 1
            except InputError as exc:
                raise InputError(f"{url}: {' '.join(str(exc).split())}") from None
            except (TimeoutError, socket.timeout):
                raise InputError(f"{url}: no complete response within {self.timeout:g} s") from None
            except urllib.error.URLError as exc:
                reason = exc.reason
                if isinstance(reason, (TimeoutError, socket.timeout)):
                    raise InputError(f"{url}: no complete response within {self.timeout:g} s") from None
                detail = getattr(reason, "strerror", None) or reason
                raise InputError(f"{url}: cannot fetch: {' '.join(str(detail).split())}") from None
            except (OSError, ValueError) as exc:  # connection reset, bad chunking, a malformed URL
                raise InputError(f"{url}: cannot fetch: {' '.join(str(exc).split()) or type(exc).__name__}") from None

    def _once(self, opener, url: str) -> Response:
        import email.message
        import urllib.request

        request = urllib.request.Request(url, headers={
            "User-Agent": self.user_agent, "Accept-Encoding": "identity",
            "Accept": "text/html,application/xhtml+xml,application/rss+xml,application/atom+xml,"
                      "application/pdf,*/*;q=0.5",
        })
        deadline = time.monotonic() + self.timeout
        with opener.open(request, timeout=self.timeout) as response:
            length = response.headers.get("Content-Length")
            if length and length.isdigit() and int(length) > self.max_bytes:
                raise InputError(f"response of {int(length):,} bytes is larger than the "
                                 f"{self.max_bytes:,}-byte limit")
            chunks, size = [], 0
            while block := response.read(1 << 16):
                chunks.append(block)
                size += len(block)
                if size > self.max_bytes:
                    raise InputError(f"response is larger than the {self.max_bytes:,}-byte limit")
                if time.monotonic() > deadline:
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
