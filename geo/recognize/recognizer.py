"""Text -> place mentions: candidates from everywhere, decided by a trained model.

spaCy's English model finds most toponyms, but not the towns of regions its training news
rarely named ("strikes on Kupiansk", "people fleeing Tawila"), and it calls "Hmeimim" a
nationality. Hand-written word lists chased those cases one sentence slot at a time. Here
every span that could be a place (`geo.recognize.candidates`) becomes a row of evidence
(`geo.recognize.features`), and a model trained on annotated news with names substituted
from all over the world (`geo train recognizer`, `geo.training`) decides which are places
and which of overlapping spans is the mention (`select`). spaCy objects never leave this
stage.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from geo.errors import ModelError
from geo.gazetteer.index import Gazetteer
from geo.recognize.model import DEFAULT_PATH, REBUILD, RecognizerModel, load_model_file
from geo.recognize.candidates import DATELINE, KIND_AFTER_SRC, KIND_BEFORE_SRC, SpanCandidate, Tokens, candidates
from geo.recognize.features import Convention, Featurizer
from geo.recognize.spacy_model import load_model
from geo.types import Mention

if TYPE_CHECKING:  # pragma: no cover
    from spacy.language import Language
    from spacy.tokens import Doc

FRAMED = {KIND_AFTER_SRC, KIND_BEFORE_SRC}
_SYMBOL_RUN = re.compile(r"[^\w\s]{64,}")


class Recognizer:
    """`demonyms=False` leaves out "Syrian"-style mentions; `org_places=False` the places that
    open an organisation's name ("Buffalo Public Schools"), and `places_in_orgs=False` any
    place inside one ("Kachin Independence Army"), for readers (and corpora) that count only
    names of places standing alone. `model` is a trained model file (`geo train recognizer`);
    by default the one shipped in the package."""

    def __init__(
        self,
        gazetteer: Gazetteer,
        nlp: "Language | None" = None,
        *,
        model: "RecognizerModel | str | Path | None" = None,
        demonyms: bool = True,
        org_places: bool = True,
        places_in_orgs: bool = True,
    ):
        self.gazetteer = gazetteer
        self._nlp = nlp
        self._model = model
        self.demonyms = demonyms
        self.org_places = org_places
        self.places_in_orgs = places_in_orgs

    @cached_property
    def nlp(self) -> "Language":
        return self._nlp or load_model()

    @cached_property
    def model(self) -> RecognizerModel:
        m = self._model if isinstance(self._model, RecognizerModel) else load_model_file(self._model)
        if m.features != Featurizer(m.projection).names:
            where = self._model if isinstance(self._model, (str, Path)) else DEFAULT_PATH
            raise ModelError(f"recognizer model {where}: trained on other features than this geo's; "
                             f"rebuild it with `{REBUILD}`")
        return m

    @cached_property
    def featurizer(self) -> Featurizer:
        return Featurizer(self.model.projection)

    @property
    def convention(self) -> Convention:
        return Convention(org_places=self.org_places, places_in_orgs=self.places_in_orgs, demonyms=self.demonyms)

    def recognize(self, text: str) -> list[Mention]:
        return next(self.recognize_many([text]))

    def recognize_many(self, texts: Iterable[str], *, batch_size: int = 32) -> Iterator[list[Mention]]:
        texts = list(texts)
        model = self.model  # a broken model file fails before any document is read
        docs = self.nlp.pipe(map(_calm, texts), batch_size=batch_size)
        for start in range(0, len(texts), batch_size):  # the model scores a batch at once
            batch = texts[start:start + batch_size]
            found = [self.evidence(doc, text) for text, doc in zip(batch, docs)]
            scores = model.predict_many([rows for _, rows in found],
                                        [[text[s.start:s.end] for s in spans] for text, (spans, _) in zip(batch, found)])
            for text, (spans, _), score in zip(batch, found, scores):
                yield self.decide(text, spans, score, model.threshold)

    def evidence(self, doc: "Doc", text: str) -> tuple[list[SpanCandidate], np.ndarray]:
        """The candidate spans of a tokenised text and their feature rows (also what training reads)."""
        tok = Tokens.of(doc)
        spans = candidates(doc, tok, text, self.gazetteer)
        if not self.demonyms:
            spans = [s for s in spans if not self._demonym(text[s.start:s.end])]
        return spans, self.featurizer.rows(doc, tok, text, spans, self.gazetteer, self.convention)

    def decide(self, text: str, spans: Sequence[SpanCandidate], scores: np.ndarray, threshold: float
               ) -> list[Mention]:
        # A dateline ("KHARTOUM, June 3 -") that the gazetteer knows is a place: a rule.
        scores = np.where([DATELINE in s.sources for s in spans], 1.0, scores) if len(spans) else scores
        chosen = select(spans, scores, threshold)
        return [Mention(s.start, s.end, text[s.start:s.end], s.label or "GAZ", self._demonym(text[s.start:s.end]))
                for s in chosen]

    def _demonym(self, name: str) -> bool:
        found = self.gazetteer.candidates(name)
        return bool(found) and all(c.demonym for c in found)


def select(spans: Sequence[SpanCandidate], scores: Sequence[float], threshold: float) -> list[SpanCandidate]:
    """The one conflict policy: the likeliest candidates at or above `threshold`, each
    overlapping none already chosen. A name framed by its kind word ("Luhansk region",
    "Lake Chad") that also passes is taken in place of the bare name: the kind tells the
    resolver which of the name's places is meant. In text order."""
    passing = [i for i in range(len(spans)) if scores[i] >= threshold]
    order = sorted(passing, key=lambda i: (-float(scores[i]), -(spans[i].end - spans[i].start), spans[i].start))
    chosen: list[SpanCandidate] = []
    for i in order:
        s = spans[i]
        framed = [spans[j] for j in passing if spans[j].sources & FRAMED and spans[j].start <= s.start
                  and s.end <= spans[j].end and spans[j] is not s]
        for s in (*framed, s):
            if not any(s.start < c.end and c.start < s.end for c in chosen):
                chosen.append(s)
                break
    return sorted(chosen, key=lambda s: (s.start, s.end))


def _calm(text: str) -> str:
    """Blank out long runs of symbols ("!!!!...", emoji walls): spaCy's tokenizer slows down
    quadratically on them, and they hold no place names. Same length, so offsets hold."""
    return _SYMBOL_RUN.sub(lambda m: " " * len(m.group()), text)


