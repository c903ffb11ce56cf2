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


# --------------------------------------------------------------------------- transliteration

TRANSLIT_PREFIX = "~"
"""Marks a transliteration key in the index; `normalize` never yields it, so the two kinds of
key share one table without ever answering each other's lookups."""
TRANSLIT_MIN_LETTERS = 4
"""Below this many letters a folded key says too little (every "Ur" would be every "Or")."""

# The Arabic article as romanised, standing alone once hyphens are gone ("al-Bab", "Ash
# Shaddadah", "Ra's al 'Ayn"), sun-letter forms included; a name is never only an article.
_ARTICLES = frozenset({
    "al", "el", "il", "ul", "an", "en", "ash", "esh", "as", "es", "ad", "ed", "adh", "ar", "er",
    "at", "et", "ath", "az", "ez", "ats",
})
_MARKS = re.compile(r"[\u02bb\u02bc\u02be\u02bf\u02b9\u02ca\u02cb\u0060\u00b4\u2032]")
# Consonant spellings of one sound across romanisations (French, English, German, scholarly).
_CONSONANTS = (("dj", "j"), ("kh", "h"), ("gh", "g"), ("q", "k"), ("ck", "k"), ("ph", "f"),
               ("tch", "ch"), ("dzh", "j"), ("zh", "j"))
_DIPHTHONG_AU = re.compile(r"a[wu](?![aeiouy])")
_VOWELS = {"a": "a", "e": "a", "i": "a", "o": "u", "u": "u"}


@lru_cache(maxsize=65536)
def translit_key(name: str) -> str:
    """A looser key under which spellings of one name across romanisations meet.

    News, GeoNames and each agency romanise Arabic, Cyrillic and other scripts their own
    way: "Maaret al-Numan" and "Ma‘arrat an Nu‘mān", "Tel Abyad" and "Tall Abyaḑ", "Nusseirat"
    and "An Nuşayrāt", "Shaddadi" and "Ash Shaddādah". The exact key (`normalize`) keeps
    those apart; this one folds what differs between systems while the consonant skeleton,
    which carries the name, stays:

    - the Arabic article in any form (al-, el-, an-, ash-, as-, ad-, ar-, at-, az-), and
      ‘ ʿ ' marks, hyphens and spaces;
    - doubled letters, and consonant spellings of one sound (dj/j, kh/h, q/k, ...);
    - vowels into two classes (a e i -> a; o u -> u; a run takes its first letter's class,
      so "ou"/"u", "ei"/"ay"/"a" meet), y and w after a vowel as part of the vowel, y
      between consonants or at the end as a vowel (-iy/-yi/-y);
    - a final h after a vowel (Arabic ta marbuta: -ah/-a/-eh), and -ov/-iv/-ev endings.

    It is a key for candidates, not proof: a match through it is scored below an exact
    match (`geo.resolve`). "" for names too short to fold safely. The result starts with
    `TRANSLIT_PREFIX`.
    """
    words = normalize(_MARKS.sub("", name)).split()
    if len(words) > 1:
        words = [w for w in words if w not in _ARTICLES] or words
    # Glued articles: "Alnuseirat" is rare in news, "Al-" is already a word; leave them.
    folded = []
    for word in words:
        if word.endswith(("ov", "iv", "ev")) and len(word) > 4:
            word = word[:-2] + "v"
        elif word.endswith(("yi", "iy", "ii")) and len(word) > 4:
            word = word[:-2] + "i"  # Khmelnytskyi / Khmelnytskiy / Khmelnitskii
        elif word.endswith("y") and len(word) > 3:
            word = word[:-1] + "i"  # Myawaddy / Myawadi: a final y is a vowel
        folded.append(word)
    text = "".join(ch for ch in "".join(folded) if ch.isalpha())
    for a, b in _CONSONANTS:
        text = text.replace(a, b)
    text = _DIPHTHONG_AU.sub("o", text)  # Zawr / Zor, Hadramawt / Hadramaut / Hadramout
    out: list[str] = []
    for i, ch in enumerate(text):
        prev = out[-1] if out else ""
        if ch in _VOWELS:
            ch = _VOWELS[ch]
            if prev in ("a", "u"):
                continue  # a vowel run keeps its first letter's class
        elif ch in "yw" and prev in ("a", "u"):
            continue  # "ay", "aw", "iy": the glide belongs to the vowel
        elif ch == "y" and out and (i + 1 == len(text) or text[i + 1] not in "aeiouy"):
            ch = "a"  # between consonants or at the end y is a vowel: Khmelnytskyi / Khmelnitskiy
        elif ch == prev:
            continue  # doubled consonant
        out.append(ch)
    if len(out) > 2 and out[-1] == "h" and out[-2] in ("a", "u"):
        out.pop()  # Shaddadah / Shaddada; Saadah / Saada
    if out and out[-1] in ("a", "u") and len(out) > 3:
        out.pop()  # final vowels vary most of all: Shaddadi / Shaddada
    key = "".join(out)
    if len(key) < TRANSLIT_MIN_LETTERS:
        return ""
    return TRANSLIT_PREFIX + key
