"""The sentence around a mention, for popups and exports.

Found by punctuation rather than by the language model, so that resolution mode (spans
given, no model loaded) yields the same excerpts as a full run.
"""
from __future__ import annotations

import re

from .types import Excerpt

MAX_SIDE = 240  # characters of context kept on each side of the mention
# A sentence ends at . ! ? (optionally closed by quotes/brackets) followed by whitespace, or
# at a line break.
_END = re.compile(r"[.!?][\"'\u201d\u2019)\]]*\s+|\n")
_ABBREV = re.compile(r"(?:\b[A-Z]|\b(?:Mr|Mrs|Ms|Dr|St|Mt|Ft|Gen|Col|Lt|Sgt|Gov|Sen|Rep|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|No|vs|Inc|Co|Corp|Jr|Sr|Ala|Ariz|Ark|Calif|Colo|Conn|Del|Fla|Ga|Ill|Ind|Kan|Ky|La|Md|Mass|Mich|Minn|Miss|Mo|Mont|Neb|Nev|Okla|Ore|Pa|Tenn|Va|Vt|Wash|Wis|Wyo))\.\s+$")


def excerpt(text: str, start: int, end: int) -> Excerpt:
    lo = _sentence_start(text, start)
    hi = _sentence_end(text, end)
    clipped_lo = max(lo, start - MAX_SIDE)
    clipped_hi = min(hi, end + MAX_SIDE)
    prefix = "\u2026" if clipped_lo > lo else ""
    suffix = "\u2026" if clipped_hi < hi else ""
    # Collapse whitespace without moving the highlight.
    before = _squash(text[clipped_lo:start]).lstrip()
    middle = _squash(text[start:end])
    after = _squash(text[end:clipped_hi]).rstrip()
    sentence = prefix + before + middle + after + suffix
    h_start = len(prefix) + len(before)
    return Excerpt(sentence, h_start, h_start + len(middle))


def _squash(s: str) -> str:
    return re.sub(r"\s+", " ", s)


def _sentence_start(text: str, pos: int) -> int:
    window_lo = max(0, pos - 4 * MAX_SIDE)
    best = window_lo
    for m in _END.finditer(text, window_lo, pos):
        if m.group() == "\n" or not _ABBREV.search(text[max(0, m.end() - 12): m.end()]):
            best = m.end()
    return best


def _sentence_end(text: str, pos: int) -> int:
    limit = min(len(text), pos + 4 * MAX_SIDE)
    for m in _END.finditer(text, pos, limit):
        if m.group() == "\n":
            return m.start()
        if not _ABBREV.search(text[max(0, m.end() - 12): m.end()]):
            return m.start() + 1
    return limit
