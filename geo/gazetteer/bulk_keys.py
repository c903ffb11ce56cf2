"""`normalize` and `translit_key` for a whole gazetteer at once: the first run's hot loop.

Building the index keys 620k distinct names twice. One name at a time that is some 6 s of
Python on one core, most of a first run. Here the plain-ASCII names (nine in ten) are
joined into one string, one name a line, and every step of the two functions runs once
over that string as a regular expression or `str` method, in C; the rest (accents, other
scripts, a name with a line break, a name of articles only) go through the functions
themselves. The keys are the same, by construction step for step, and by test
(`tests/gazetteer/test_bulk_keys.py` compares both on random and real names): a change to
`normalize` or `translit_key` must be made here too, and that test says so.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from geo.gazetteer.normalize import (
    _ABBREVIATIONS,
    _ARTICLES,
    _CONSONANTS,
    _DIPHTHONG_AU,
    _MARKS,
    _PUNCT,
    _VOWEL_CLASSES,
    TRANSLIT_MIN_LETTERS,
    TRANSLIT_PREFIX,
    normalize,
    translit_key,
)

Keys = tuple[str, str]  # (exact key, transliteration key) of one name; either may be ""

_WORD_START = r"(?<![^ \n])"  # at the start of a line or after a space
_WORD_END = r"(?![^ \n])"
# normalize: after lower(), everything but [a-z0-9] separates words (the underscore too)
_SEPARATORS = re.compile(r"[^a-z0-9\n]+")
_EDGE_SPACE = re.compile(r"(?m)^ | $")
_LEADING_THE = re.compile(r"(?m)^the ")  # a space after it: another word follows
_INITIALS = re.compile(r"\b[a-z0-9](?: [a-z0-9]\b)+")  # words are [a-z0-9]+ by now
_ABBREVIATION = re.compile(_WORD_START + "(" + "|".join(_ABBREVIATIONS) + ")" + _WORD_END)
_APOSTROPHES = re.compile(r"['`]")
# translit_key
_ARTICLE_WORD = "(?:" + "|".join(sorted(_ARTICLES)) + ")"
_ARTICLE = re.compile(_WORD_START + _ARTICLE_WORD + _WORD_END)
_ONLY_ARTICLES = re.compile(r"(?m)^" + _ARTICLE_WORD + "(?: " + _ARTICLE_WORD + ")*$")
# (each pattern starts with a letter and looks behind afterwards: a regular expression that
# starts with a lookbehind is tried at every position of the 7 MB string, several times slower)
_ENDING_V = re.compile(r"(?:ov|iv|ev)(?<=[a-z0-9]{5})" + _WORD_END)  # words of 5 letters or more
_ENDING_I = re.compile(r"(?:yi|iy|ii)(?<=[a-z0-9]{5})" + _WORD_END)
_ENDING_Y = re.compile(r"y(?<=[a-z0-9]{4})" + _WORD_END)
_DIGITS_AND_SPACES = str.maketrans("", "", "0123456789 ")
_LONE_Y_IN_LINE = re.compile(r"y(?<=[^\n]y)(?![auy])")
_VOWEL_RUN = re.compile(r"[au][auyw]+")
_DOUBLED_IN_LINE = re.compile(r"([^au\n])\1+")
_FINAL_H = re.compile(r"h(?<=[^\n][au]h)(?![^\n])")
_FINAL_VOWEL = re.compile(r"[au](?<=[^\n]{3}[au])(?![^\n])")


def name_keys(names: Iterable[str], *, loose: bool = True) -> dict[str, Keys]:
    """`(normalize(n), translit_key(n))` of every name; without `loose`, (normalize(n), "")."""
    plain, other = [], []
    for name in names:
        (plain if name.isascii() and "\n" not in name else other).append(name)
    keys = _ascii_keys(plain, _ascii_lower("\n".join(plain)), loose)
    # Accents and other scripts: decomposed and folded all at once, after which most lines
    # are plain ASCII too (Zürich -> zurich) and take the same path; the rest, one by one.
    # `translit_key` first drops marks that `normalize` keeps (ʿ is a letter): those too.
    lines = [n for n in other if "\n" not in n]
    folded = _unicode_lower("\n".join(lines)).split("\n") if lines else []
    again = [i for i, line in enumerate(folded) if line.isascii() and not _MARKS.search(lines[i])]
    keys.update(_ascii_keys([lines[i] for i in again], "\n".join(folded[i] for i in again), loose))
    for name in other:
        if name not in keys:
            keys[name] = (normalize(name), translit_key(name) if loose else "")
    return keys


def _ascii_keys(names: list[str], lowered: str, loose: bool) -> dict[str, Keys]:
    """The keys of `names`, given them lowered, one a line, by `_ascii_lower`/`_unicode_lower`."""
    if not names:
        return {}
    exact = _exact_keys(lowered)
    if not loose:
        return dict(zip(names, ((e, "") for e in exact.split("\n"))))
    keys = dict(zip(names, zip(exact.split("\n"), _translit_keys(exact))))
    for line in _only_articles(exact):  # translit_key keeps such names whole: ask it
        keys[names[line]] = (keys[names[line]][0], translit_key(names[line]))
    return keys


def _ascii_lower(text: str) -> str:
    return _APOSTROPHES.sub("", text.lower().replace("&", " and "))


def _unicode_lower(text: str) -> str:
    """What `normalize` does before it splits words: decompose, drop the combining marks,
    casefold, spell out "&", drop apostrophes."""
    text = unicodedata.normalize("NFKD", text)
    marks = {ord(ch): None for ch in set(text) if unicodedata.combining(ch)}
    return _PUNCT.sub("", text.translate(marks).casefold().replace("&", " and "))


def _exact_keys(text: str) -> str:
    """`normalize` of each line of lowered ASCII names, one key a line."""
    text = _EDGE_SPACE.sub("", _SEPARATORS.sub(" ", text))
    text = _INITIALS.sub(lambda m: m.group().replace(" ", ""), _LEADING_THE.sub("", text))
    return _ABBREVIATION.sub(lambda m: _ABBREVIATIONS[m.group()], text)


def _translit_keys(exact: str) -> list[str]:
    """`translit_key` of each line, given the lines' exact keys (for ASCII names the same
    as the key of the name without its marks, which `normalize` drops anyway)."""
    text = _ARTICLE.sub("", exact)
    text = _ENDING_Y.sub("i", _ENDING_I.sub("i", _ENDING_V.sub("v", text)))
    text = text.translate(_DIGITS_AND_SPACES)
    for a, b in _CONSONANTS:
        text = text.replace(a, b)
    text = _DIPHTHONG_AU.sub("o", text)
    text = _LONE_Y_IN_LINE.sub("a", text.translate(_VOWEL_CLASSES))
    text = _VOWEL_RUN.sub(lambda m: m.group()[0], text)
    text = _DOUBLED_IN_LINE.sub(lambda m: m.group(1), text)
    text = _FINAL_VOWEL.sub("", _FINAL_H.sub("", text))
    return [TRANSLIT_PREFIX + k if len(k) >= TRANSLIT_MIN_LETTERS else "" for k in text.split("\n")]


def _only_articles(exact: str) -> list[int]:
    """Lines whose every word is an article, which `translit_key` does not drop."""
    lines, line, at = [], 0, 0
    for match in _ONLY_ARTICLES.finditer(exact):
        line += exact.count("\n", at, match.start())
        at = match.start()
        lines.append(line)
    return lines
