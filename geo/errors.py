"""One small error hierarchy: callers catch `GeoError`, or the builtin each leaf also is.

The CLI turns any `GeoError` into one line on stderr and exit code 2, so every message here
must make sense on its own: name the file (and line, and column) it is about.
"""
from __future__ import annotations

import re


class GeoError(Exception):
    """Root of every error geo raises on purpose."""


class InputError(GeoError, ValueError):
    """An input file or document geo cannot read."""


class GazetteerError(GeoError, ValueError):
    """A gazetteer file that is missing or malformed, or an index that cannot be built."""


class OutputError(GeoError, OSError):
    """An output that cannot be written."""


class ModelError(GeoError, RuntimeError):
    """The spaCy library or its model cannot be imported or loaded (a broken environment):
    no document can be parsed, so `on_error="skip"` never swallows it."""


class GeocoderError(GeoError, RuntimeError):
    """An online geocoder that is unreachable or refuses the request."""


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised where the program is, as Ctrl-C raises KeyboardInterrupt: every cleanup
    that runs on Ctrl-C (temporary files removed, worker processes stopped) runs on it too."""


def located(path: object, line: int | None = None, column: str | int | None = None) -> str:
    """`file: line N: column X` prefix, so every message says where the problem is."""
    where = str(path)
    if line is not None:
        where += f": line {line}"
    if column is not None:
        where += f": column {column}"
    return where


def first_line(exc: BaseException) -> str:
    """A library's exception as one line of ours: its message's first line, or its type."""
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__


def described(exc: BaseException) -> str:
    """An unexpected exception as one line: its type (the message alone may be just a key
    or a number) and its message, whitespace collapsed."""
    return " ".join(f"{type(exc).__name__}: {exc}".split())


# Credentials a URL may carry: `user:password@` before the host, and query parameters named
# like secrets (api_key, access_token, X-Amz-Signature, password, ...).
_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://[^\s'\"<>]*[^\s'\"<>:.,;)]")  # not the ": " after it
_USERINFO = re.compile(r"(?<=://)[^/?#@]+@")
_PARAM = re.compile(r"(?<=[?&;])([^=&;#]+)=([^&;#]*)")
_SECRET_NAME = re.compile(
    r"(?:^|[_.-])(?:key|token|secret|passwd|password|pwd|auth|signature|sig|session|credentials?)(?:$|[_.-])"
    r"|(?:key|token|secret|password|signature)$",
    re.IGNORECASE,
)
REDACTED = "***"


def redact(text: str) -> str:
    """`text` with the credentials of every URL in it blanked out, so that no message, log line
    or output field repeats a password or token the user put in a URL."""
    if "://" not in text:
        return text
    return _URL.sub(lambda m: _redact_url(m.group()), text)


def _redact_url(url: str) -> str:
    url = _USERINFO.sub(REDACTED + "@", url, count=1)
    return _PARAM.sub(lambda m: f"{m.group(1)}={REDACTED}" if _SECRET_NAME.search(m.group(1)) else m.group(0), url)
