"""JSONL -> Documents: one article a line, read a line at a time.

A line is {"id", "text", "title"?, "url"?, "date"?, "mentions"?: [{"start","end"}]}. A broken
line raises `InputError` naming file and line, or, with `on_error="skip"`, becomes an
`UnreadableDocument` that keeps the line's id and place in the output.
"""
from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from geo.errors import InputError, first_line, located
from geo.inputs.dates import iso_date
from geo.inputs.decoding import BLOCK
from geo.inputs.skipped import UnreadableDocument
from geo.types import Document

MODEL_MAX_CHARS = 1_000_000  # a JSONL text the recogniser must read may not be longer
MAX_JSONL_LINE = 64 << 20  # bytes
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
_ID_FIELD = re.compile(r'"id"\s*:\s*("(?:[^"\\\n]|\\.){0,1000}"|-?\d{1,30}\b)')


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
