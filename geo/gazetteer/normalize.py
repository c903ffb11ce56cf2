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
    if name.isascii():  # most names: nothing to decompose, and casefold is lower
        text = name.lower()
    else:
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
_VOWEL_CLASSES = str.maketrans("eio", "aau")
_LONE_Y = re.compile(r"(?<=.)y(?![auy])")  # after the vowels are classes: y before a consonant or the end
_VOWEL_RUN_TAIL = re.compile(r"(?<=[au])[auyw]+")
_DOUBLED = re.compile(r"(?<=([^au]))\1+")  # the repeats of a consonant


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
    text = "".join(folded)
    if not text.isalpha():
        text = "".join(filter(str.isalpha, text))
    for a, b in _CONSONANTS:
        text = text.replace(a, b)
    text = _DIPHTHONG_AU.sub("o", text)  # Zawr / Zor, Hadramawt / Hadramaut / Hadramout
    # Read left to right, every letter after a vowel is in a "vowel run" until a consonant
    # other than y or w: the run keeps its first letter's class and the rest goes (a e i ->
    # a; o u -> u; "ou"/"u", "ei"/"ay"/"a" meet; "ay", "aw", "iy": the glide belongs to the
    # vowel). Not first and not before a vowel or y, y is a vowel itself (Khmelnytskyi /
    # Khmelnitskiy), and a doubled consonant counts once. Three regular expressions do it,
    # as fast as the first run needs (the gazetteer index keys 600k names with this).
    text = _LONE_Y.sub("a", text.translate(_VOWEL_CLASSES))
    text = _DOUBLED.sub("", _VOWEL_RUN_TAIL.sub("", text))
    if len(text) > 2 and text[-1] == "h" and text[-2] in "au":
        text = text[:-1]  # Shaddadah / Shaddada; Saadah / Saada
    if len(text) > 3 and text[-1] in "au":
        text = text[:-1]  # final vowels vary most of all: Shaddadi / Shaddada
    if len(text) < TRANSLIT_MIN_LETTERS:
        return ""
    return TRANSLIT_PREFIX + text
