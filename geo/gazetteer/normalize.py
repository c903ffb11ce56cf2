"""One normal form for place names, shared by the gazetteer index and every lookup.

News writes the same place many ways ("St. Louis", "Saint Louis", "ST LOUIS"; "U.S.", "US";
"W. Va.", "W.Va."; "Sana'a", "Sanaa"): the index and the lookups must agree on one key.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_ABBREVIATIONS = {
    "st": "saint",
    "ste": "sainte",
    "mt": "mount",
    "mtn": "mountain",
    "ft": "fort",
    "pt": "port",
}
_PUNCT = re.compile(r"[\u2018\u2019'`\u00b4]")  # apostrophes vanish: Sana'a == Sanaa
_SEPARATORS = re.compile(r"[^\w]+")


@lru_cache(maxsize=65536)
def normalize(name: str) -> str:
    """Key for a name: no case, accents or punctuation; abbreviations spelled out.

    Runs of single letters join up, so "U.S.", "U. S." and "US" share the key "us", and
    "W. Va." and "W.Va." share "w va".
    """
    text = unicodedata.normalize("NFKD", name)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    text = text.replace("&", " and ")
    text = _PUNCT.sub("", text)
    words = [w for w in _SEPARATORS.sub(" ", text).replace("_", " ").split() if w]
    if words and words[0] == "the" and len(words) > 1:
        words = words[1:]
    merged: list[str] = []
    initials = False  # is merged[-1] a run of single letters?
    for word in words:
        if len(word) == 1 and initials:
            merged[-1] += word
        else:
            merged.append(word)
            initials = len(word) == 1
    return " ".join(_ABBREVIATIONS.get(w, w) for w in merged)
