"""Inputs -> Documents: text files (one or several articles each), folders, stdin and JSONL.

Everything here streams: a JSONL file is read a line at a time, a folder a file at a time,
so an input of any size never sits in memory as a whole.
"""
from __future__ import annotations

import codecs
import json
import re
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

from .errors import InputError, located
from .types import Document

TEXT_SUFFIXES = {".txt", ".text", ".md", ".markdown", ".jsonl", ""}
# Articles in one file are separated by two or more blank lines; paragraphs by one.
_ARTICLE_BREAK = re.compile(r"\n[ \t\r\f\v]*\n(?:[ \t\r\f\v]*\n)+")
_MAX_TITLE = 200


def read_inputs(inputs: Iterable[str | Path], *, stdin: BinaryIO | None = None) -> Iterator[Document]:
    """Documents from every input, in order; raise `InputError` on the first bad one."""
    any_input = False
    for item in inputs:
        any_input = True
        if str(item) == "-":
            stream = stdin if stdin is not None else sys.stdin.buffer
            yield from read_text(stream.read(), "-", "stdin")
            continue
        path = Path(item)
        if path.is_dir():
            files = sorted(p for p in path.rglob("*") if p.is_file() and _wanted(p, path))
            if not files:
                raise InputError(f"{path}: folder holds no text or .jsonl files")
            for file in files:
                yield from read_path(file, doc_id_base=str(file.relative_to(path).with_suffix("")))
        else:
            yield from read_path(path)
    if not any_input:
        raise InputError("no input given")


def _wanted(path: Path, root: Path) -> bool:
    parts = path.relative_to(root).parts
    return not any(p.startswith(".") for p in parts) and path.suffix.lower() in TEXT_SUFFIXES


def read_path(path: Path, *, doc_id_base: str | None = None) -> Iterator[Document]:
    if not path.exists():
        raise InputError(f"{path}: no such file")
    if path.suffix.lower() == ".jsonl":
        yield from read_jsonl(path)
        return
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror}") from None
    yield from read_text(data, str(path), doc_id_base or path.stem)


def decode(data: bytes, name: str) -> str:
    """Text of a news file: UTF-8 (with or without BOM) or UTF-16 by BOM, else cp1252."""
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8):].decode("utf-8", errors="replace")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace")
    if _looks_binary(data):
        raise InputError(f"{name}: not a text file (binary content)")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def _looks_binary(data: bytes) -> bool:
    sample = data[:8192]
    if not sample:
        return False
    controls = sum(1 for b in sample if b < 9 or 13 < b < 32)
    return b"\x00" in sample[:1024] and controls / len(sample) > 0.05 or controls / len(sample) > 0.3


def read_text(data: bytes, name: str, doc_id_base: str) -> Iterator[Document]:
    text = decode(data, name)
    if not text.strip():
        raise InputError(f"{name}: empty input")
    articles = split_articles(text)
    for i, article in enumerate(articles, start=1):
        doc_id = doc_id_base if len(articles) == 1 else f"{doc_id_base}#{i}"
        yield Document(id=doc_id, text=article, title=guess_title(article), source=name)


def split_articles(text: str) -> list[str]:
    """Split a file that holds several articles (separated by 2+ blank lines)."""
    parts = [p for p in _ARTICLE_BREAK.split(text) if p.strip()]
    return [p.strip("\n") for p in parts] or [text]


def guess_title(text: str) -> str:
    """First line of an article when it reads like a headline (short, no final full stop)."""
    first = text.lstrip().split("\n", 1)[0].strip()
    if first and len(first) <= _MAX_TITLE and not first.endswith((".", ":")):
        return first
    return ""


def read_jsonl(path: Path) -> Iterator[Document]:
    """One document per line: {"id", "text", "title"?, "url"?, "mentions"?: [{"start","end"}]}."""
    try:
        handle = open(path, "rb")
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror}") from None
    with handle:
        count = 0
        for line_no, raw in enumerate(handle, start=1):
            if not raw.strip():
                continue
            count += 1
            yield parse_jsonl_line(raw, path, line_no)
    if count == 0:
        raise InputError(f"{path}: empty input")


def parse_jsonl_line(raw: bytes | str, path: object, line_no: int) -> Document:
    where = located(path, line_no)
    try:
        obj = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InputError(f"{where}: not valid JSON: {_first_line(exc)}") from None
    if not isinstance(obj, dict):
        raise InputError(f"{where}: expected a JSON object")
    text = obj.get("text")
    if not isinstance(text, str):
        raise InputError(f"{where}: \"text\" must be a string")
    doc_id = obj.get("id", f"{Path(str(path)).stem}:{line_no}")
    if not isinstance(doc_id, (str, int)):
        raise InputError(f"{where}: \"id\" must be a string")
    title, url = obj.get("title", ""), obj.get("url", "")
    if not isinstance(title, str) or not isinstance(url, str):
        raise InputError(f"{where}: \"title\" and \"url\" must be strings")
    return Document(
        id=str(doc_id), text=text, title=title, url=url, source=str(path),
        mentions=_given_mentions(obj.get("mentions"), text, where),
    )


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
        if not (isinstance(start, int) and isinstance(end, int)) or isinstance(start, bool):
            raise InputError(f"{where}: mention {i} needs integer \"start\" and \"end\"")
        if not 0 <= start < end <= len(text):
            raise InputError(f"{where}: mention {i} span {start}-{end} lies outside the text")
        spans.append((start, end))
    return tuple(spans)


def _first_line(exc: Exception) -> str:
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__
