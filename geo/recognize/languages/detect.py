"""Which language a document is in: by its script first, then by lingua within the script.

Measured on the 45 paragraphs of multilingual-dev and the 40 English ones of conflict-dev,
whole and cut to their first sentence (2026-12-05): lingua-language-detector, restricted to a
dozen languages, got all 172 right. py3langid needs numpy >= 2, which geo's spaCy could not
take on Python 3.11-3.12 when this was chosen; fasttext-langdetect downloads its model at run time. lingua's
models load per language on first use (about 0.1 s and 30-60 MB each), so:
- the script settles most documents outright (Chinese, Hindi, Korean ...), and letters only
  some languages write settle most others (Arabic without Persian letters; Ukrainian і ї є ґ
  against Russian ы э ъ ё); clear French function words settle French;
- Latin-script text that reads as English by its function words is English without lingua,
  so an English-only run never loads it;
- otherwise lingua chooses among the languages of that script; Latin-script text it does not
  call French goes on as English, as all text did before languages.
"""
from __future__ import annotations

import re
import unicodedata
from collections import Counter
from functools import lru_cache

ENGLISH = "en"
# Languages geo reads besides English (see geo.recognize.languages).
SUPPORTED = ("en", "fr", "ru", "uk", "ar")
SAMPLE_CHARS = 2000  # the start of a document says its language; long reports need no more

_WORD = re.compile(r"[^\W\d_]+")
_EN_WORDS = frozenset("the of and to in is was for on that with by from at as said were has have are".split())
_FR_WORDS = frozenset("le la les des du de et à au aux un une est sont dans pour par sur qui a été selon".split())
# Words of French that Spanish, Italian, Portuguese, German and Dutch do not write.
_FR_ONLY = frozenset("le les des du et au aux est sont dans pour sur qui été selon ont avait ces cette aussi".split())
_LATIN_OTHERS = frozenset("el los las del y que por con il gli della di che per um uma não der die und das het een van".split())
# Letters of Persian and Urdu that Arabic does not use, and of the Cyrillic languages.
_PERSIAN_URDU = frozenset("پچژگکیۀےٹڈڑںھۓ")
_UKRAINIAN = frozenset("іїєґ")
_RUSSIAN = frozenset("ыэъё")
_OTHER_CYRILLIC = frozenset("ўјљњћђџѓќѕәғқңөұүһ")
# Script name (first word of the Unicode character name) -> language, where one script is one
# language geo can name.
_SCRIPT_LANG = {"CJK": "zh", "HIRAGANA": "ja", "KATAKANA": "ja", "HANGUL": "ko", "DEVANAGARI": "hi",
                "BENGALI": "bn", "TAMIL": "ta", "THAI": "th", "HEBREW": "he", "GREEK": "el",
                "ARMENIAN": "hy", "GEORGIAN": "ka", "ETHIOPIC": "am", "GUJARATI": "gu", "GURMUKHI": "pa"}
_LINGUA_BY_SCRIPT = {
    "LATIN": ("ENGLISH", "FRENCH", "SPANISH", "GERMAN", "ITALIAN", "PORTUGUESE", "DUTCH", "TURKISH",
              "POLISH", "INDONESIAN", "SWAHILI"),
    "CYRILLIC": ("RUSSIAN", "UKRAINIAN", "BELARUSIAN", "BULGARIAN", "SERBIAN", "MACEDONIAN", "KAZAKH"),
    "ARABIC": ("ARABIC", "PERSIAN", "URDU"),
}


def script_of(text: str) -> str:
    """The script most of the letters of `text` are written in ("LATIN", "CYRILLIC", ...).

    Characters are counted first (in C), then each distinct letter named once: every
    document goes through here, and naming every character cost more than resolving it."""
    counts: Counter[str] = Counter()
    for ch, n in Counter(text[:SAMPLE_CHARS]).items():
        if ch.isalpha():
            counts[_script(ch)] += n
    return counts.most_common(1)[0][0] if counts else ""


@lru_cache(maxsize=8192)
def _script(letter: str) -> str:
    return unicodedata.name(letter, "UNKNOWN ?").split(" ", 1)[0]


def detect(text: str) -> str:
    """ISO 639-1 code of the language of `text`; English when there is too little to tell."""
    sample = text[:SAMPLE_CHARS]
    script = script_of(sample)
    if script in _SCRIPT_LANG:
        return _SCRIPT_LANG[script]
    if script not in _LINGUA_BY_SCRIPT:
        return ENGLISH
    by_letters = _by_letters(script, sample)
    if by_letters:
        return by_letters
    if script == "LATIN":
        words = [w.lower() for w in _WORD.findall(sample)]
        english = sum(w in _EN_WORDS for w in words)
        french = sum(w in _FR_WORDS for w in words)
        if english >= 2 * french or len(words) < 3:
            return ENGLISH
        only = sum(w in _FR_ONLY for w in words)
        if only >= 3 and only >= 2 * sum(w in _LATIN_OTHERS for w in words):
            return "fr"
    found = _detector(script).detect_language_of(sample)
    code = found.iso_code_639_1.name.lower() if found is not None else ""
    if script == "LATIN" and code != "fr":
        return ENGLISH  # as before languages: Latin-script text geo does not read goes as English
    return code


def _by_letters(script: str, sample: str) -> str:
    """The language when letters only some languages write settle it, else "".

    Arabic script without Persian or Urdu letters is Arabic; Cyrillic with і ї є ґ and none
    of ы э ъ ё is Ukrainian, with those and none of the others Russian."""
    if script not in ("ARABIC", "CYRILLIC"):
        return ""
    letters = [ch.lower() for ch in sample if ch.isalpha()]
    if script == "ARABIC":
        return "" if sum(ch in _PERSIAN_URDU for ch in letters) > len(letters) // 100 else "ar"
    if script == "CYRILLIC" and not any(ch in _OTHER_CYRILLIC for ch in letters):
        ukrainian = any(ch in _UKRAINIAN for ch in letters)
        russian = any(ch in _RUSSIAN for ch in letters)
        if ukrainian != russian:
            return "uk" if ukrainian else "ru"
    return ""


@lru_cache(maxsize=None)
def _detector(script: str):
    from lingua import Language, LanguageDetectorBuilder

    languages = [getattr(Language, name) for name in _LINGUA_BY_SCRIPT[script]]
    return LanguageDetectorBuilder.from_languages(*languages).build()
