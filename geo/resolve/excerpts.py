"""The sentence around a mention, for popups and exports.

Found by punctuation rather than by the language model, so that resolution mode (spans
given, no model loaded) yields the same excerpts as a full run.
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right

from geo.types import Excerpt

MAX_SIDE = 240  # characters of context kept on each side of the mention
# A sentence ends at . ! ? (optionally closed by quotes/brackets) followed by whitespace, or
# at a line break.
_END = re.compile(r"[.!?][\"'\u201d\u2019)\]]*\s+|\n")
_ABBREV = re.compile(r"(?:\b[A-Z]|\b(?:Mr|Mrs|Ms|Dr|St|Mt|Ft|Gen|Col|Lt|Sgt|Gov|Sen|Rep|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|No|vs|Inc|Co|Corp|Jr|Sr|Ala|Ariz|Ark|Calif|Colo|Conn|Del|Fla|Ga|Ill|Ind|Kan|Ky|La|Md|Mass|Mich|Minn|Miss|Mo|Mont|Neb|Nev|Okla|Ore|Pa|Tenn|Va|Vt|Wash|Wis|Wyo))\.\s+$")


class Sentences:
    """Sentence boundaries of one text, found once, for every mention in it."""

    def __init__(self, text: str):
        self.text = text
        self.ends: list[int] = []  # where each sentence ends (exclusive)
        self.starts: list[int] = []  # where the next one begins
        for m in _END.finditer(text):
            if m.group() == "\n":
                self.ends.append(m.start())
            elif not _ABBREV.search(text[max(0, m.end() - 12): m.end()]):
                self.ends.append(m.start() + 1)
            else:
                continue
            self.starts.append(m.end())

    def excerpt(self, start: int, end: int) -> Excerpt:
        text = self.text
        i = bisect_right(self.starts, start)
        lo = max(self.starts[i - 1] if i else 0, start - 4 * MAX_SIDE)
        j = bisect_left(self.ends, end)
        hi = min(self.ends[j] if j < len(self.ends) else len(text), end + 4 * MAX_SIDE)
        hi = max(hi, end)
        clipped_lo = max(lo, start - MAX_SIDE)
        clipped_hi = min(hi, end + MAX_SIDE)
        prefix = "\u2026" if clipped_lo > lo else ""
        suffix = "\u2026" if clipped_hi < hi else ""
        # Collapse whitespace without moving the highlight.
        before = _squash(text[clipped_lo:start]).lstrip()
        middle = _squash(text[start:end])
        after = _squash(text[end:clipped_hi]).rstrip()
        h_start = len(prefix) + len(before)
        return Excerpt(prefix + before + middle + after + suffix, h_start, h_start + len(middle))


def excerpt(text: str, start: int, end: int) -> Excerpt:
    return Sentences(text).excerpt(start, end)


_SPACE = re.compile(r"\s+")


def _squash(s: str) -> str:
    return _SPACE.sub(" ", s)
