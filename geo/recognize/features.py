"""Candidate spans -> rows of numbers the trained model reads.

What a reader uses to tell a place from a person or an everyday word, as numbers: the words
around the span (as word vectors, so that "fleeing X" teaches "escaping X" too), what the
spaCy model called it, its shape, what the gazetteer knows of the name (kind, size, how many
places share it, whether it is also a common word), and what the rest of the story says
(the same name elsewhere taken as a place, the story's countries). One function builds the
rows for training and for recognition, so the two never drift apart.
"""
from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from geo.gazetteer.index import COUNTRY_CODES, Gazetteer
from geo.recognize.candidates import (
    DATELINE,
    ENTITY,
    GAZETTEER,
    KIND_AFTER_SRC,
    KIND_BEFORE_SRC,
    TRANSLIT,
    SpanCandidate,
    Tokens,
    entities,
)
from geo.recognize.kinds import split_kind
from geo.types import Candidate

if TYPE_CHECKING:  # pragma: no cover
    from spacy.tokens import Doc

LABELS = ("GPE", "LOC", "FAC", "NORP", "ORG", "PERSON", "DATE", "TIME", "EVENT", "PRODUCT", "WORK_OF_ART")
CLASSES = ("A", "P", "H", "T", "L", "S", "V")
PLACE_LABELS = {"GPE", "LOC", "FAC"}
CONTEXT_SLOTS = ("left2", "left1", "right1", "right2")
_ADMIN_SEATS = {"PPLA", "PPLA2", "PPLA3", "PPLA4"}
_AREAS = {"CONT", "RGN", "OCN", "SEA", "GULF", "DSRT", "MTS", "PEN", "ISL", "ISLS"}
_INFRASTRUCTURE = {"AIRB", "AIRP", "NVB", "PSTB", "DAM", "CMP", "CMPRF", "BDG"}


def _names() -> list[str]:
    names = [f"label_{l}" for l in LABELS] + ["label_other", "label_none"]
    names += [f"in_{l}" for l in LABELS] + ["in_other", "crosses_entity", "entity_extra_tokens", "opens_entity"]
    names += [f"src_{s}" for s in (ENTITY, GAZETTEER, TRANSLIT, KIND_AFTER_SRC, KIND_BEFORE_SRC, DATELINE)]
    names += ["tokens", "chars", "all_upper", "has_hyphen", "has_article", "has_period", "sentence_initial",
              "sentence_position", "first_line", "possessive_after", "next_capitalised", "prev_capitalised",
              "prev_the", "prev_punct", "next_punct", "in_quotes", "after_comma_name", "before_comma_name",
              "period_after", "plural", "person_word"]
    names += ["common_word", "stop_word", "lower_in_doc", "occurrences", "as_place_elsewhere", "as_person_elsewhere"]
    names += ["gaz_none", "gaz_translit_only", "gaz_places", "gaz_countries", "gaz_max_population",
              "gaz_demonym_all", "gaz_demonym_any", "gaz_main_name"]
    names += [f"gaz_class_{c}" for c in CLASSES]
    names += ["gaz_country", "gaz_adm1", "gaz_adm2", "gaz_capital", "gaz_seat", "gaz_area", "gaz_infrastructure"]
    names += ["story_country", "story_support", "story_population", "story_places"]
    names += ["conv_org_places", "conv_places_in_orgs", "conv_demonyms"]
    return names


BASE_FEATURES = _names()


@dataclass(frozen=True)
class Convention:
    """What the text's readers count as a place, as the model was shown in training (LGL's
    annotators count "Paris" in "Paris Police Department"; the conflict set does not)."""

    org_places: bool = True
    places_in_orgs: bool = True
    demonyms: bool = True  # "Syrian" counts as a mention of Syria


class Featurizer:
    """Builds rows; holds the projection of word vectors to a few dimensions (fitted at
    training time, saved with the model) and a cache of projected words."""

    def __init__(self, projection: np.ndarray):
        self.projection = projection.astype(np.float32)
        self.dims = projection.shape[1]
        self._words: dict[int, tuple[np.ndarray, float]] = {}
        self._none = (np.zeros(self.dims, dtype=np.float32), 0.0)
        self._line_break = (np.zeros(self.dims, dtype=np.float32), -1.0)
        self.names = BASE_FEATURES + [f"{slot}_{k}" for slot in CONTEXT_SLOTS for k in range(self.dims)] + [
            f"{slot}_known" for slot in CONTEXT_SLOTS]

    def rows(self, doc: "Doc", tok: Tokens, text: str, spans: Sequence[SpanCandidate], gazetteer: Gazetteer,
             convention: Convention) -> np.ndarray:
        out = np.zeros((len(spans), len(self.names)), dtype=np.float32)
        if not spans:
            return out
        story = _Story(doc, tok, text, gazetteer)
        n_base = len(BASE_FEATURES)
        tail = [float(convention.org_places), float(convention.places_in_orgs), float(convention.demonyms)]
        for r, span in enumerate(spans):
            name = text[span.start:span.end]
            named = story.by_name.get(name)
            if named is None:
                named = story.by_name[name] = _name_part(doc, name, span, gazetteer, story)
            out[r, :n_base] = _span_part(text, span, story) + named + tail
            col = n_base
            for slot in (span.first - 2, span.first - 1, span.last + 1, span.last + 2):
                vec, has = self._context(doc, tok, slot)
                out[r, col:col + self.dims] = vec
                out[r, n_base + 4 * self.dims + (col - n_base) // self.dims] = has
                col += self.dims
        return out

    def _context(self, doc: "Doc", tok: Tokens, i: int) -> tuple[np.ndarray, float]:
        if i < 0 or i >= len(tok):
            return self._none
        if "\n" in tok.text[i]:
            return self._line_break
        lower = tok.lower[i]
        found = self._words.get(lower)
        if found is None:
            lex = doc.vocab[lower]
            found = ((lex.vector @ self.projection).astype(np.float32), 1.0) if lex.has_vector else self._none
            self._words[lower] = found
        return found


class _Story:
    """What the whole document says, computed once per document."""

    def __init__(self, doc: "Doc", tok: Tokens, text: str, gazetteer: Gazetteer):
        self.text = text
        self.tok = tok
        self.position = _sentence_positions(tok)
        self.ents = entities(doc)
        self.ent_of_token: dict[int, int] = {}
        for k, e in enumerate(self.ents):
            for i in range(e.start, e.end):
                self.ent_of_token[i] = k
        self.person_words = {t.lower_ for e in self.ents if e.label_ == "PERSON" for t in e}
        self.place_names = Counter(e.text for e in self.ents if e.label_ in PLACE_LABELS)
        self.person_names = Counter(w for e in self.ents if e.label_ == "PERSON" for w in (e.text, e[0].text, e[-1].text))
        votes: Counter[str] = Counter()
        names = {e.text for e in self.ents if e.label_ in PLACE_LABELS or e.label_ == "NORP"}
        for name in names:
            best = _best_country(gazetteer.candidates(name))
            if best:
                votes[best] += 1
        self.votes = votes
        self.total = max(1, sum(votes.values()))
        self.by_name: dict[str, list[float]] = {}


def _best_country(candidates: Sequence[Candidate]) -> str:
    """The country a name points at: its country's, or its best-known place's."""
    placed = [c for c in candidates if c.place.country_code]
    if not placed:
        return ""
    countries = [c for c in placed if c.place.feature_code in COUNTRY_CODES]
    return (countries[0] if countries else max(placed, key=lambda c: c.place.population)).place.country_code


def _span_part(text: str, span: SpanCandidate, story: _Story) -> list[float]:
    """What depends on where the span stands: the entity it is or sits in, shape, position."""
    tok = story.tok
    name = text[span.start:span.end]
    n_tokens = span.last - span.first + 1
    exact, inside, crosses, extra, opens = "", "", 0.0, 0.0, 0.0
    for k in sorted({story.ent_of_token[i] for i in range(span.first, span.last + 1) if i in story.ent_of_token}):
        ent = story.ents[k]
        first, last = ent.start, ent.end
        if (first, last) == (span.first, span.last + 1) or (
                first + 1 == span.first and last == span.last + 1 and tok.lower[first] == "the") or (
                first == span.first and last == span.last and tok.text[span.last] == "."):  # "Tex" + "."
            exact = ent.label_
        elif first <= span.first and span.last < last:
            inside = ent.label_
            extra = float((last - first) - n_tokens)
            opens = float(first == span.first or (first + 1 == span.first and tok.lower[first] == "the"))
        else:
            crosses = 1.0
    row = [float(exact == l) for l in LABELS] + [float(bool(exact) and exact not in LABELS), float(not exact)]
    row += [float(inside == l) for l in LABELS] + [float(bool(inside) and inside not in LABELS), crosses, extra, opens]
    row += [float(s in span.sources) for s in (ENTITY, GAZETTEER, TRANSLIT, KIND_AFTER_SRC, KIND_BEFORE_SRC, DATELINE)]

    words, lower = tok.text, tok.lower
    b = span.first - 1 if span.first > 0 else None  # the tokens before and after the span
    a = span.last + 1 if span.last + 1 < len(tok) else None
    position = story.position[span.first]
    row += [
        float(n_tokens), float(len(name)), float(name.isupper() and len(name) > 1), float("-" in name),
        float(lower[span.first] in ("al", "el", "as", "ash", "ad", "an", "ar", "at", "az")),
        float("." in name), float(position == 0), float(min(position, 30)),
        float("\n" not in text[:span.start]),
        float(a is not None and lower[a] in ("'s", "\u2019s")),
        float(a is not None and words[a][:1].isupper()),
        float(b is not None and words[b][:1].isupper() and position > 0),
        float(b is not None and lower[b] == "the"),
        float(b is not None and tok.punct[b]),
        float(a is not None and tok.punct[a]),
        float(b is not None and tok.quote[b]),
        float(span.first > 1 and words[b] == "," and words[span.first - 2][:1].isupper()),
        float(a is not None and words[a] == "," and span.last + 2 < len(tok) and words[span.last + 2][:1].isupper()),
        float(a is not None and words[a] == "." and not tok.ws[span.last]),
        float(name.endswith("s") and not name.endswith("ss")),
        float(exact == "PERSON" or any(lower[i] in story.person_words
                                       for i in range(span.first, span.last + 1) if tok.alpha[i])),
    ]
    return row


def _name_part(doc: "Doc", name: str, span: SpanCandidate, gazetteer: Gazetteer, story: _Story) -> list[float]:
    """What depends on the name alone (computed once per name and document): is it an
    everyday word, what the gazetteer knows of it, what the story says of it."""
    tok = story.tok
    words = [i for i in range(span.first, span.last + 1) if tok.alpha[i]]
    common = bool(words) and all(doc.vocab.has_vector(tok.lower[i]) for i in words)
    row = [
        float(common),
        float(bool(words) and all(tok.stop[i] for i in words)),
        float(_lower_elsewhere(story.text, name.lower(), name)),
        math.log1p(story.text.count(name)),
        math.log1p(story.place_names.get(name, 0)),
        math.log1p(story.person_names.get(name, 0)),
    ]

    # What the gazetteer knows of the name (the bare name when a kind word frames it).
    framed = split_kind(name)
    bare = framed[0] if framed else name
    exact_places = gazetteer.candidates(bare)
    places = exact_places or (gazetteer.translit_candidates(bare) if len(bare) >= 5 else [])
    real = [c for c in places if not c.demonym]
    best = max(real, key=lambda c: c.place.population) if real else None
    codes = {c.place.feature_code for c in real}
    row += [
        float(not places), float(not exact_places and bool(places)), math.log1p(len(real)),
        math.log1p(len({c.place.country_code for c in real})),
        math.log10(1 + max((c.place.population for c in real), default=0)),
        float(bool(places) and all(c.demonym for c in places)), float(any(c.demonym for c in places)),
        float(best is not None and best.alias == best.place.name),
    ]
    row += [float(best is not None and best.place.feature_class == c) for c in CLASSES]
    row += [float(bool(codes & COUNTRY_CODES)), float("ADM1" in codes), float("ADM2" in codes),
            float("PPLC" in codes), float(bool(codes & _ADMIN_SEATS)), float(bool(codes & _AREAS)),
            float(bool(codes & _INFRASTRUCTURE))]

    # The story's countries: do the other places point where this name has a place?
    own = _best_country(places)
    supports = [story.votes.get(c.place.country_code, 0) - (c.place.country_code == own and name in story.place_names)
                for c in real]
    in_story = [c for c, s in zip(real, supports) if s > 0]
    row += [
        float(bool(in_story)), max(supports, default=0) / story.total,
        math.log10(1 + max((c.place.population for c in in_story), default=0)),
        math.log1p(len(story.votes)),
    ]
    return row


def _lower_elsewhere(text: str, lower: str, name: str) -> bool:
    """Whether the name also stands in the text in lower case ("reading", "mobile")."""
    if lower == name:
        return False
    i = text.find(lower)
    while i >= 0:
        if (i == 0 or not text[i - 1].isalnum()) and (i + len(lower) >= len(text) or not text[i + len(lower)].isalnum()):
            return True
        i = text.find(lower, i + 1)
    return False


def _sentence_positions(tok: Tokens) -> list[int]:
    """Each token's count of tokens (quotes aside) since its sentence began; the pipeline has
    no parser, so a sentence ends at ". ", "? ", ": " and line breaks."""
    out = [0] * len(tok)
    for i in range(1, len(tok)):
        p = i - 1
        if not (tok.text[p] in (".", "!", "?", ":") or tok.space[p] or "\n" in tok.ws[p]):
            out[i] = out[p] + (not tok.quote[p])
    return out
