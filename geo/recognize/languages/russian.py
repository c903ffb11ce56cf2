"""Russian (and Ukrainian) text: capitalised names the gazetteer knows, brought to their
dictionary form by pymorphy3.

Russian inflects its place names ("в Харькове", "под Бахмутом", "Запорожской области"); the
gazetteer lists them in the nominative ("Харьков", "Запорожская область"). `variants` brings
a written name to its dictionary forms: every word to the nominative, adjectives agreeing
with the noun they go with, so the lookup meets the listed form.

natasha's news NER was measured first (multilingual-dev, Russian: .97 found, .88 accurate,
.98 precision), but natasha needs pymorphy2, which needs docopt, which PyPI has only as a
source archive. Runs of capitalised words looked up in the gazetteer do as well (.92 found,
.89 accurate, .99 precision): Russian capitalises proper names only, so a capitalised run
the gazetteer knows is a place when it is notable, a town of a country the story names,
tagged geographic (Geox) by pymorphy3's dictionary, or after a preposition of place, and not
when pymorphy3 calls it a first name, surname or patronymic.
"""
from __future__ import annotations

import itertools
import re
from functools import cached_property, lru_cache

from geo.gazetteer.index import COUNTRY_CODES
from geo.recognize.languages.base import (
    LanguageRecognizer, countries_of, in_story, non_overlapping, notable,
)
from geo.types import Mention

MAX_VARIANTS = 16
_CAPITALISED = re.compile(r"(?<![\w-])[А-ЯЁІЇЄҐ][\w-]*(?:[ \t]+[А-ЯЁІЇЄҐ][\w-]*)*")
_TOKEN = re.compile(r"[\w-]+")
MAX_WORDS = 3
# A unit word after a region's adjective, in any case: "Курской области", "Азовском море".
_UNIT_AFTER = re.compile(r"[ \t]+(\w+)")
_UNIT_FORMS = frozenset({
    "область", "области", "областью", "областей", "край", "края", "крае", "краем", "район", "района",
    "районе", "районом", "море", "моря", "морем", "республика", "республики", "республике", "округ",
    "округа", "округе", "озеро", "озера", "озере", "водохранилище", "водохранилища",
})
_COUNTRY_OR_REGION = COUNTRY_CODES | {"ADM1", "PPLC", "CONT"}
# A preposition of place just before a name: "в Купянске", "под Бахмутом", "из Рязани".
_PREPOSITION_BEFORE = re.compile(r"(?:^|\s)(?:в|во|на|под|из|у|около|возле|близ|от|до|к|через|над)\s+$", re.IGNORECASE)


class RussianRecognizer(LanguageRecognizer):
    lang = "ru"

    @cached_property
    def _morph(self):
        import pymorphy3

        return pymorphy3.MorphAnalyzer()

    def recognize(self, text: str) -> list[Mention]:
        proposals = []
        for match in _CAPITALISED.finditer(text):
            if not self._person(match.group()):
                proposals.extend(self._known_names(text, match.start(), match.end()))
        countries: set[str] = set()
        for mention, candidates in proposals:
            if notable(candidates):
                countries |= countries_of([c for c in candidates if c.place.feature_class == "A"])
        kept = [m for m, candidates in proposals if self._accepted(text, m, candidates, countries)]
        return non_overlapping(kept)

    def _known_names(self, text: str, start: int, end: int):
        """Known places in a run of capitalised words (with a unit word after it: "Курской
        области"), longest first."""
        words = [(start + m.start(), start + m.end()) for m in _TOKEN.finditer(text[start:end])]
        capitalised = len(words)
        after = _UNIT_AFTER.match(text, end)
        if after and after.group(1).lower() in _UNIT_FORMS:
            words.append((after.start(1), after.end(1)))
        i = 0
        while i < capitalised:  # a name starts with a capital: "море" alone is no place
            for j in range(min(len(words), i + MAX_WORDS), i, -1):
                s, e = words[i][0], words[j - 1][1]
                candidates = self.gazetteer.candidates(text[s:e])
                if candidates:
                    yield Mention(s, e, text[s:e], "GAZ"), candidates
                    i = j
                    break
            else:
                i += 1

    def _person(self, run: str) -> bool:
        """"Владимир Путин", "Сергей Шойгу": two or more capitalised words of which one is a
        first name, surname or patronymic (and none geographic) are a person's name."""
        words = run.split()
        if len(words) < 2:
            return False
        tags = [set(self._morph.parse(w)[0].tag.grammemes) for w in words]
        return (not any("Geox" in t for t in tags)
                and any({"Name", "Surn", "Patr"} & t for t in tags))

    def _accepted(self, text: str, mention: Mention, candidates, countries: set[str]) -> bool:
        # Grammemes as plain sets: `"Geox" in tag` checks the name against the dictionary
        # loaded last, and the Ukrainian one has no Geox.
        grammemes = set(self._morph.parse(mention.text.split()[-1].split("-")[-1])[0].tag.grammemes)
        if "Geox" in grammemes:
            return True
        after_preposition = _PREPOSITION_BEFORE.search(text, max(0, mention.start - 12), mention.start) is not None
        if " " not in mention.text and ("ADJF" in grammemes or _sentence_start(text, mention.start)):
            # "Новые удары ...": at a sentence's start any word is capitalised, and a bare
            # adjective is a place only after a preposition ("в Мирном")
            return after_preposition or any(c.place.feature_code in _COUNTRY_OR_REGION for c in candidates)
        if notable(candidates) or in_story(candidates, countries):
            return True
        if {"Name", "Surn", "Patr"} & grammemes:
            return False
        return after_preposition and any(c.place.feature_class in ("P", "A") for c in candidates)

    def variants(self, name: str) -> list[str]:
        return list(_variants(self, name))


def _sentence_start(text: str, start: int) -> bool:
    """Whether a word at `start` opens a sentence (or the text, or a paragraph)."""
    window = text[max(0, start - 6):start]
    stripped = window.rstrip(' \t\r\n"«“')
    return not stripped or stripped[-1] in '.!?…»”"'


def _variants(recognizer: RussianRecognizer, name: str):
    words = name.split()
    if not words or len(words) > 4:
        return
    forms = [recognizer_forms(recognizer, w, words[-1]) for w in words]
    seen = {name}
    for combo in itertools.islice(itertools.product(*forms), MAX_VARIANTS):
        out = " ".join(combo)
        if out not in seen:
            seen.add(out)
            yield out


@lru_cache(maxsize=50_000)
def _word_forms(morph, word: str, head: str) -> tuple[str, ...]:
    """Nominative forms of `word`; an adjective agrees with the gender of `head`."""
    if "-" in word:  # "Хан-Юнисе": only the last part inflects
        first, _, last = word.rpartition("-")
        return tuple(f"{first}-{f}" for f in _word_forms(morph, last, last))
    head_parse = morph.parse(head)[0]
    gender = head_parse.tag.gender
    number = head_parse.tag.number
    out: list[str] = []
    for p in morph.parse(word)[:3]:
        wanted = {"nomn"}
        if p.tag.POS == "ADJF" and word != head:
            wanted |= {g for g in (gender, number) if g}
        form = p.inflect(wanted) or p.inflect({"nomn"})
        for w in (form.word if form else None, p.normal_form):
            if w and w not in out:
                out.append(w)
    return tuple(out) or (word,)


def recognizer_forms(recognizer: RussianRecognizer, word: str, head: str) -> tuple[str, ...]:
    return _word_forms(recognizer._morph, word, head)


class UkrainianRecognizer(RussianRecognizer):
    """Ukrainian: the same rules, with pymorphy3's Ukrainian dictionary when it is installed
    (pymorphy3-dicts-uk), else the Russian one."""

    lang = "uk"

    @cached_property
    def _morph(self):
        import pymorphy3

        try:
            return pymorphy3.MorphAnalyzer(lang="uk")
        except (ValueError, ImportError, OSError):
            return pymorphy3.MorphAnalyzer(lang="ru")
