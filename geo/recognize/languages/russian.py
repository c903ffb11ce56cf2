"""Russian (and Ukrainian) text: natasha's news NER finds the places, pymorphy3 lists them.

Russian inflects its place names ("в Харькове", "под Бахмутом", "Запорожской области"); the
gazetteer lists them in the nominative ("Харьков", "Запорожская область"). `variants` brings
a written name to its dictionary forms: every word to the nominative, adjectives agreeing
with the noun they go with, so the lookup meets the listed form. natasha's NER model ships
in its wheel (navec embeddings, slovnet tagger, about 30 MB); both load on the first Russian
document (under a second).

A capitalised word the NER leaves out is still taken when the gazetteer knows it as a
notable place, or as a town of a country the story names.
"""
from __future__ import annotations

import itertools
import re
from functools import cached_property, lru_cache

from geo.recognize.languages.base import (
    LanguageRecognizer, countries_of, in_story, non_overlapping, notable,
)
from geo.types import Mention

MAX_VARIANTS = 16
# Words of a unit that follow a region's adjective ("Курской области").
UNIT_WORDS = frozenset({"область", "край", "район", "республика", "округ", "море", "озеро", "река"})
_CAPITALISED = re.compile(r"(?<![\w-])[А-ЯЁІЇЄҐ][\w-]*(?:\s+[А-ЯЁІЇЄҐ][\w-]*)*")


class RussianRecognizer(LanguageRecognizer):
    lang = "ru"

    @cached_property
    def _ner(self):
        from natasha import NewsEmbedding, NewsNERTagger, Segmenter

        return Segmenter(), NewsNERTagger(NewsEmbedding())

    @cached_property
    def _morph(self):
        import pymorphy3

        return pymorphy3.MorphAnalyzer(lang="uk" if self.lang == "uk" else "ru")

    def recognize(self, text: str) -> list[Mention]:
        from natasha import Doc

        segmenter, tagger = self._ner
        doc = Doc(text)
        doc.segment(segmenter)
        doc.tag_ner(tagger)
        found = [Mention(s.start, s.stop, text[s.start:s.stop], "LOC") for s in doc.spans if s.type == "LOC"]
        others = [(s.start, s.stop) for s in doc.spans if s.type != "LOC"]
        countries: set[str] = set()
        for m in found:
            countries |= countries_of(self.gazetteer.candidates(m.text))
        for match in _CAPITALISED.finditer(text):
            if any(s < match.end() and match.start() < e for s, e in others):
                continue
            found.extend(self._gazetteer_names(text, match.start(), match.group(), countries))
        return non_overlapping(found)

    def _gazetteer_names(self, text: str, start: int, run: str, countries: set[str]):
        """Known places in a run of capitalised words, longest first."""
        words = [(m.start(), m.end()) for m in re.finditer(r"[\w-]+", run)]
        taken_to = 0
        for i, (ws, _) in enumerate(words):
            if ws < taken_to:
                continue
            for j in range(min(len(words), i + 3), i, -1):
                s, e = start + ws, start + words[j - 1][1]
                name = text[s:e]
                candidates = self.gazetteer.candidates(name)
                if candidates and (notable(candidates) or in_story(candidates, countries)):
                    yield Mention(s, e, name, "GAZ")
                    taken_to = words[j - 1][1]
                    break

    def variants(self, name: str) -> list[str]:
        return list(_variants(self, name))


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
        if "ADJF" in p.tag and word != head:
            wanted |= {g for g in (gender, number) if g}
        form = p.inflect(wanted) or p.inflect({"nomn"})
        for w in (form.word if form else None, p.normal_form):
            if w and w not in out:
                out.append(w)
    return tuple(out) or (word,)


def recognizer_forms(recognizer: RussianRecognizer, word: str, head: str) -> tuple[str, ...]:
    return _word_forms(recognizer._morph, word, head)


class UkrainianRecognizer(RussianRecognizer):
    """Ukrainian: the same NER (trained on Russian news, it still finds most Ukrainian place
    names) and pymorphy3's Ukrainian dictionary when it is installed."""

    lang = "uk"

    @cached_property
    def _morph(self):
        import pymorphy3

        try:
            return pymorphy3.MorphAnalyzer(lang="uk")
        except (ValueError, ImportError, OSError):
            return pymorphy3.MorphAnalyzer(lang="ru")
