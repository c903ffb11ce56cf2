"""Byte streams before a reader takes them: what a stream holds by its first bytes (which it
gives back), and whole reads with a size cap for the readers that need the bytes at once."""
from __future__ import annotations

import io
from typing import BinaryIO

from geo.errors import InputError
from geo.inputs.feeds import looks_like_feed


def sniff(stream: BinaryIO) -> tuple[BinaryIO, str]:
    """What a stream holds, by its first bytes (which it gives back)."""
    try:
        head = stream.read(8192)
    except OSError:
        head = b""  # the reader will report it
    rest = Prefixed(head, stream)
    if head.startswith(b"%PDF-"):
        return rest, "pdf"
    if head.startswith(b"PK\x03\x04") and b"word/" in head:
        return rest, "docx"
    if looks_like_feed(head):
        return rest, "feed"
    return rest, "sniff-text"


class Prefixed(io.RawIOBase):
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


def seekable(stream: BinaryIO) -> bool:
    try:
        return stream.seekable()
    except (AttributeError, OSError, ValueError):
        return False


def read_capped(stream: BinaryIO, name: str, limit: int, flag: str) -> bytes:
    """The whole stream, or InputError when it holds more than `limit` bytes (`flag` raises it)."""
    try:
        data = stream.read(limit + 1)
    except OSError as exc:
        raise InputError(f"{name}: cannot read: {exc.strerror or exc}") from None
    if len(data) > limit:
        raise InputError(f"{name}: larger than the {limit:,}-byte limit (see {flag})")
    if not data.strip():
        raise InputError(f"{name}: empty file")
    return data
