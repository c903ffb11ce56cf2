"""Every bound on the work one input may cause, in one place, so that each can be named in
`--help` and the README and raised by a user who needs bigger files.

Hostile or unlucky input (a server that sends a byte a second, a Word file that inflates to
gigabytes, a PDF of a hundred thousand pages) must cost bounded time and memory and end in one
clear line: each reader checks its limit while it reads, never after.
"""
from __future__ import annotations

from dataclasses import dataclass

MIB = 1 << 20


@dataclass(frozen=True, slots=True)
class Limits:
    """The bounds of one run (each a `geo` flag; see `FLAGS`)."""

    fetch_seconds: float = 20.0  # a whole fetch: connect, headers, body, redirects, retries
    fetch_bytes: int = 20 * MIB  # a fetched response
    redirects: int = 5  # followed per fetch, to http(s) only
    # A feed, or one member of a Word file once inflated (its XML, parsed whole, takes about
    # 15 times its size: 20 MiB keeps a Word file under 700 MB).
    text_bytes: int = 20 * MIB
    report_bytes: int = 256 * MIB  # a PDF or Word file read whole (from stdin), or all a Word file inflates to
    zip_members: int = 10_000  # members of a Word file (a zip archive)
    pdf_pages: int = 100_000  # pages of one PDF


DEFAULT = Limits()

# flag -> (field, what it bounds, unit): the command line and the README name the same limits.
FLAGS = {
    "--fetch-timeout": ("fetch_seconds", "seconds for a whole fetch (connect, headers, body, redirects, retries)", float),
    "--max-fetch-bytes": ("fetch_bytes", "bytes of a fetched response", int),
    "--max-redirects": ("redirects", "redirects followed per fetch (to http and https only)", int),
    "--max-text-bytes": ("text_bytes", "bytes of a feed, and of any one XML member of a Word file once inflated", int),
    "--max-report-bytes": ("report_bytes", "bytes of a PDF or Word file read whole, and of all a Word file inflates to",
                           int),
    "--max-zip-members": ("zip_members", "members of a Word .docx (a zip archive)", int),
    "--max-pdf-pages": ("pdf_pages", "pages of a PDF", int),
}
