"""Bytes -> text: the encoding decided from what the bytes show, a block at a time.

Every text reader (plain text, Markdown, HTML) decodes through here, so that a file in any
encoding, with or without a BOM, damaged or binary, reads the same whichever door it came in
by: undecodable bytes are replaced, NUL bytes dropped, binary files refused with `InputError`.
"""
from __future__ import annotations

import codecs
import logging
import unicodedata
from collections.abc import Iterator
from typing import BinaryIO

from geo.errors import InputError

log = logging.getLogger(__name__)

BLOCK = 1 << 20  # bytes read at a time
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),  # before UTF-16: FF FE 00 00
    (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"),
)
_MAGIC = {
    b"%PDF-": "PDF", b"PK\x03\x04": "zip archive or Office document", b"\x89PNG": "PNG image",
    b"\xff\xd8\xff": "JPEG image", b"GIF8": "GIF image", b"\x1f\x8b": "gzip archive",
    b"\x7fELF": "executable", b"SQLite format 3\x00": "SQLite database",
}


def decode(data: bytes, name: str) -> tuple[str, str]:
    """(text, encoding) of a whole file's bytes, as the streaming reader would decode them."""
    decoder = Decoder(name)
    return decoder.feed(data, final=True).replace("\x00", ""), decoder.encoding



def decoded(stream: BinaryIO, name: str, charset: str = "") -> Iterator[str]:
    """The text of a stream, a block at a time (`charset`: a fetched page's declared one)."""
    decoder = Decoder(name, declared=charset)
    while True:
        try:
            block = stream.read(BLOCK)
        except OSError as exc:
            raise InputError(f"{name}: cannot read: {exc.strerror or exc}") from None
        text = decoder.feed(block, final=not block)
        if text:
            yield text.replace("\x00", "")  # NULs: padding or damage, never words
        if not block:
            break
    # Say so when a file was not UTF-8: its accents are only as right as the guess.
    level = logging.INFO if decoder.encoding.startswith("utf-8") else logging.WARNING
    log.log(level, "%s: decoded as %s", name, decoder.encoding)


class Decoder:
    """Bytes -> text a block at a time, the encoding decided from what the bytes show.

    A BOM settles it (UTF-8, UTF-16, UTF-32). Otherwise the text is UTF-8 for as long as the
    bytes are valid UTF-8; at the first invalid sequence it stays UTF-8 (damage replaced) if
    valid multi-byte UTF-8 was seen or outnumbers the invalid bytes, else turns to a legacy
    8-bit encoding (`legacy_encoding`). Switching mid-stream is safe because everything before
    was ASCII, which those encodings all read alike. Decoding never raises: bad bytes become
    U+FFFD. Empty and binary input raise `InputError`.
    """

    def __init__(self, name: str, declared: str = ""):
        self.name = name
        self.declared = declared if declared and _ascii_compatible(declared) else ""
        self.encoding = ""
        self._decoder: codecs.IncrementalDecoder | None = None
        self._probing = False  # still checking that the bytes are UTF-8
        self._non_ascii = False  # valid non-ASCII UTF-8 seen

    def feed(self, data: bytes, final: bool = False) -> str:
        if self._decoder is None:
            self._start(data)
        assert self._decoder is not None
        if not self._probing:
            return self._decoder.decode(data, final)
        pending = self._decoder.getstate()[0]
        try:
            text = self._decoder.decode(data, final)
        except UnicodeDecodeError:
            data = pending + data
            self._use(self._fallback(data))
            return self._decoder.decode(data, final)
        self._non_ascii = self._non_ascii or not text.isascii()
        return text

    def _start(self, data: bytes) -> None:
        if not data:
            raise InputError(f"{self.name}: empty file")
        for bom, encoding in _BOMS:
            if data.startswith(bom):
                return self._use(encoding)
        if self.declared:  # a fetched page's Content-Type charset
            return self._use(self.declared)
        sample = data[:8192]
        utf16 = _utf16_without_bom(sample)
        if utf16:
            return self._use(utf16)
        kind = _binary_kind(sample)
        if kind:
            raise InputError(f"{self.name}: not a text file ({kind})")
        self.encoding, self._probing = "utf-8", True
        self._decoder = codecs.getincrementaldecoder("utf-8")("strict")

    def _use(self, encoding: str) -> None:
        self.encoding, self._probing = encoding, False
        self._decoder = codecs.getincrementaldecoder(encoding)("replace")

    def _fallback(self, data: bytes) -> str:
        text = data.decode("utf-8", "replace")
        bad = text.count("\ufffd")
        good = len(text) - len(text.encode("ascii", "ignore")) - bad
        if self._non_ascii or good >= bad:
            return "utf-8"
        return legacy_encoding(data)


def legacy_encoding(data: bytes) -> str:
    """The 8-bit encoding of non-UTF-8 text: cp1252 (what Western news files use) unless
    charset-normalizer reads the bytes as mostly non-Latin letters (cp1251 Cyrillic, ...).

    charset-normalizer alone is not trusted for Latin text: on a short French or German
    sample it often names cp1257 or cp775, which garble the accents cp1252 gets right.
    """
    sample = data[:65536]
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(sample).best()
    except Exception:  # an optional helper: any failure just means "no better guess"
        best = None
    if best is None or not _ascii_compatible(best.encoding):
        return "cp1252"
    letters = [c for c in sample.decode(best.encoding, "replace") if ord(c) > 127 and c.isalpha()]
    latin = sum("LATIN" in unicodedata.name(c, "") for c in letters)
    return best.encoding if letters and latin < len(letters) / 2 else "cp1252"


def _ascii_compatible(encoding: str) -> bool:
    probe = "Tartous, Syria <a&b>\n"
    try:
        return probe.encode("ascii").decode(encoding) == probe
    except (LookupError, ValueError):
        return False


def _utf16_without_bom(sample: bytes) -> str | None:
    """UTF-16 written without a BOM shows as NUL at every other byte (for Latin text)."""
    half = len(sample) // 2
    if half < 4:
        return None
    even, odd = sample[0:2 * half:2].count(0), sample[1:2 * half:2].count(0)
    if odd > 0.4 * half and even < 0.02 * half:
        return "utf-16-le"
    if even > 0.4 * half and odd < 0.02 * half:
        return "utf-16-be"
    return None


def _binary_kind(sample: bytes) -> str | None:
    for magic, kind in _MAGIC.items():
        if sample.startswith(magic):
            return kind
    # NULs alone may be damage in a text file (they are dropped); other control bytes are not.
    rest = sample.replace(b"\x00", b"")
    controls = sum(1 for b in rest if b < 9 or 13 < b < 32)
    if len(rest) < 0.1 * len(sample) or controls > 0.05 * len(rest):
        return "binary content"
    return None
