"""Publication dates, from wherever an input keeps them, as ISO 8601 strings.

`Document.date` is a day ("2024-03-05") or a moment ("2024-03-05T08:30:00+01:00"), or ""
when the input does not say: never a guess (no file time, no "now", no copyright year).
"""
from __future__ import annotations

import re
import time
from datetime import date, datetime, timedelta, timezone

from geo.errors import InputError

# PDF dates: D:YYYYMMDDHHmmSSOHH'mm' (every part after the year optional).
_PDF_DATE = re.compile(
    r"^D?:?(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?\s*(?:([Zz])|([+-])(\d{2})'?(\d{2})?'?)?"
)


def iso_date(value: object, where: str) -> str:
    """A JSONL "date" as ISO 8601 ("" when absent): a typo'd date is an error, not a silent gap
    on the map's time control."""
    if value is None or value == "":
        return ""
    if not isinstance(value, str):
        raise InputError(f"{where}: \"date\" must be an ISO 8601 string")
    found = from_iso(value)
    if not found:
        raise InputError(f"{where}: \"date\" is not an ISO 8601 date: {value[:40]!r}")
    return found


def from_iso(value: str) -> str:
    """ISO 8601 text, normalised ("" if it is not one): a day stays a day, a time keeps its zone."""
    value = value.strip()
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        return ""
    has_time = "T" in value or " " in value
    return parsed.isoformat() if has_time else parsed.date().isoformat()


def from_datetime(value: datetime | date | None) -> str:
    """A datetime (naive: as written, no zone invented) or a date as ISO 8601."""
    return "" if value is None else value.isoformat()


def from_struct_time(value: time.struct_time | None) -> str:
    """feedparser's parsed dates (struct_time, in UTC) as ISO 8601 with a +00:00 zone."""
    if value is None:
        return ""
    try:
        return datetime(*value[:6], tzinfo=timezone.utc).isoformat()
    except (TypeError, ValueError):
        return ""


def from_rfc2822(value: str) -> str:
    """"Tue, 05 Mar 2024 08:30:00 +0100" (RSS, HTTP) as ISO 8601, "" if it is not one."""
    from email.utils import parsedate_to_datetime  # not at start-up: few inputs need it

    try:
        return parsedate_to_datetime(value).isoformat()
    except (TypeError, ValueError, IndexError):
        return ""


def from_pdf(value: object) -> str:
    """A PDF date string ("D:20240305083000+01'00'") as ISO 8601: a day when only the day is
    given, else the time with its zone (none when the PDF gives none)."""
    if isinstance(value, datetime):
        return from_datetime(value)
    if not isinstance(value, str):
        return ""
    m = _PDF_DATE.match(value.strip())
    if not m or not m.group(3):
        return from_iso(value)
    year, month, day = int(m.group(1)), int(m.group(2)), int(m.group(3))
    try:
        if not m.group(4):
            return date(year, month, day).isoformat()
        parsed = datetime(year, month, day, int(m.group(4)), int(m.group(5) or 0), int(m.group(6) or 0))
    except ValueError:
        return ""
    if m.group(7):
        parsed = parsed.replace(tzinfo=timezone.utc)
    elif m.group(8):
        offset = timedelta(hours=int(m.group(9)), minutes=int(m.group(10) or 0))
        try:
            parsed = parsed.replace(tzinfo=timezone(offset if m.group(8) == "+" else -offset))
        except ValueError:
            pass
    return parsed.isoformat()


def any_date(value: object) -> str:
    """The best ISO 8601 reading of a date found in metadata ("" when it is none)."""
    if isinstance(value, (datetime, date)):
        return from_datetime(value)
    if isinstance(value, time.struct_time):
        return from_struct_time(value)
    if not isinstance(value, str) or not value.strip():
        return ""
    return from_iso(value) or from_rfc2822(value) or from_pdf(value)
