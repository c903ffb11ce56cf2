"""French, Russian and Arabic candidates decided by a trained model, as English ones are.

Each language's recogniser proposes generously (`Proposal`: a span the gazetteer or the
language's NER knows, with the context cues its language gives: a preposition or place word
before it, an attached proclitic, a capital, a person's name by pymorphy3, spaCy's label);
`rows` turns proposals into numbers shared by the three languages (the cues, what the
gazetteer knows of the name, what the rest of the story says); the English recognizer's
two-pass booster (`geo.recognize.model.TwoPass`: the second pass reads the first's scores
of the same name elsewhere in the story) says which are places. One model serves the three
languages, told which one it reads: each language's dev paragraphs are few, and "after a
preposition of place" means the same in all three.

The model is `data/languages.json.gz`, rebuilt by `geo train languages` (`geo.training.
languages`) and read on the first document in one of these languages only.
"""
from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

import geo.recognize.model_file as model_file
from geo.gazetteer.index import COUNTRY_CODES
from geo.recognize.model import TwoPass, load_passes
from geo.types import Candidate, Mention

FORMAT = "geo-languages"
VERSION = 1
DEFAULT_PATH = Path(__file__).resolve().parents[1] / "data" / "languages.json.gz"
REBUILD = "geo train languages"
MODEL_LANGS = ("fr", "ru", "ar")  # Ukrainian reads as Russian: it has no dev paragraphs of its own
# What a language's recogniser may say of a proposal's context (0 where it says nothing).
CUES = (
    "capitalised",        # French, Russian: the span opens with a capital (Arabic has none)
    "sentence_start",     # where any word has a capital
    "locative_before",    # a preposition or direction of place: "в", "à", "في", "شمال", attached ب
    "place_word_before",  # a place word: "город", "région de", "مدينة", "محافظة"
    "unit_word",          # the span holds its unit: "Курской области", "lac Tchad"
    "listed_after",       # joined by "and" or a comma to the proposal just before
    "proclitic",          # Arabic: a one-letter proclitic was cut off ("وحلب")
    "article",            # Arabic ال, French le/la/les before it
    "stop_word",          # also an everyday word of the language
    "demonym",            # a country's adjective ("السوري"): the corpus does not count them
    "person",             # pymorphy3: a first name, surname or patronymic; spaCy: PER
    "person_run",         # another word of its run of capitals is a name ("Владимир Путин")
    "geographic",         # pymorphy3's dictionary tags it Geox
    "adjective",          # a bare adjective ("Новые"): a place only when so framed
    "label_loc", "label_misc", "label_org",  # spaCy's French entity label
    "variant_only",       # the gazetteer has it only through a variant (lemma, spelling)
)
_SOVEREIGN = COUNTRY_CODES | {"CONT", "PPLC"}
_AREAS = {"CONT", "RGN", "OCN", "SEA", "GULF", "DSRT", "MTS", "PEN", "ISL", "ISLS", "STM", "LK"}
_SEATS = {"PPLA", "PPLA2", "PPLA3", "PPLA4"}
_CLASSES = ("A", "P", "H", "T", "L", "S", "V")
NOTABLE_POPULATION = 50_000
FEATURES = ([f"lang_{lang}" for lang in MODEL_LANGS] + list(CUES)
            + ["words", "chars", "hyphen", "occurrences"]
            + ["gaz_none", "gaz_places", "gaz_countries", "gaz_max_population", "gaz_sovereign", "gaz_country",
               "gaz_adm1", "gaz_adm2", "gaz_capital", "gaz_seat", "gaz_area", "gaz_notable"]
            + [f"gaz_class_{c}" for c in _CLASSES]
            + ["story_support", "story_share", "story_countries", "story_notable_support"])


@dataclass
class Proposal:
    """A span that may be a place, its gazetteer candidates, and what its context says."""

    mention: Mention
    candidates: Sequence[Candidate]
    cues: dict[str, float] = field(default_factory=dict)

    @property
    def start(self) -> int:
        return self.mention.start

    @property
    def end(self) -> int:
        return self.mention.end


@dataclass
class Proposals:
    """A text's proposals, and the countries the story names without naming a place
    (Arabic demonyms: "السوري" says the story is about Syria)."""

    items: list[Proposal]
    countries: set[str] = field(default_factory=set)


def rows(lang: str, text: str, found: Proposals) -> np.ndarray:
    """Feature rows (`FEATURES`) of a text's proposals: one function for training and use."""
    out = np.zeros((len(found.items), len(FEATURES)), dtype=np.float32)
    if not found.items:
        return out
    model_lang = "ru" if lang == "uk" else lang
    votes: Counter[str] = Counter(found.countries)
    own_votes = []
    for p in found.items:  # the countries each strong proposal points at
        codes = _countries(p.candidates)
        own_votes.append(codes)
        votes.update(codes)
    total = max(1, sum(votes.values()))
    occurrences = Counter(p.mention.text for p in found.items)
    for r, p in enumerate(found.items):
        real = [c for c in p.candidates if not c.demonym]
        codes = {c.place.feature_code for c in real}
        best = max(real, key=lambda c: c.place.population) if real else None
        others = {c.place.country_code: votes[c.place.country_code] - (c.place.country_code in own_votes[r])
                  for c in real if c.place.country_code}
        supported = [c for c in real if others.get(c.place.country_code, 0) > 0]
        name = p.mention.text
        row = [float(model_lang == lang_) for lang_ in MODEL_LANGS]
        row += [float(p.cues.get(cue, 0.0)) for cue in CUES]
        row += [float(name.count(" ") + 1), float(len(name)), float("-" in name), math.log1p(occurrences[name])]
        row += [
            float(not real), math.log1p(len(real)), math.log1p(len({c.place.country_code for c in real})),
            math.log10(1 + max((c.place.population for c in real), default=0)),
            float(bool(codes & _SOVEREIGN)), float(bool(codes & COUNTRY_CODES)), float("ADM1" in codes),
            float("ADM2" in codes), float("PPLC" in codes), float(bool(codes & _SEATS)), float(bool(codes & _AREAS)),
            float(_notable(real)),
        ]
        row += [float(best is not None and best.place.feature_class == c) for c in _CLASSES]
        row += [float(bool(supported)), max(others.values(), default=0) / total, math.log1p(len(votes)),
                math.log10(1 + max((c.place.population for c in supported), default=0))]
        out[r] = row
    return out


def _notable(real: Sequence[Candidate]) -> bool:
    return any(c.place.feature_code in _SOVEREIGN | {"ADM1"} or c.place.population >= NOTABLE_POPULATION
               for c in real)


def _countries(candidates: Sequence[Candidate]) -> set[str]:
    """The countries a notable name points at (a country, a region, a city of 50,000)."""
    return {c.place.country_code for c in candidates if not c.demonym and c.place.country_code
            and (c.place.feature_class == "A" or c.place.population >= NOTABLE_POPULATION)}


def names_of(found: Proposals) -> list[str]:
    """Each proposal's name for the second pass's "same name elsewhere": its first
    candidate's place (the inflected forms of one place are one name), else its text."""
    return [p.candidates[0].place.id if p.candidates else p.mention.text for p in found.items]


@dataclass
class LanguageModel:
    passes: TwoPass
    features: list[str]
    threshold: float = 0.5
    info: dict[str, Any] = field(default_factory=dict)

    def decide(self, lang: str, text: str, found: Proposals) -> list[Mention]:
        """The proposals the model takes, longest first where they overlap."""
        if not found.items:
            return []
        scores = self.passes.predict(rows(lang, text, found), names_of(found))
        return choose(found, scores, self.threshold)


def choose(found: Proposals, scores: Sequence[float], threshold: float) -> list[Mention]:
    """Proposals at or above `threshold`, likeliest first, none overlapping one taken; in text order."""
    order = sorted((i for i in range(len(found.items)) if scores[i] >= threshold), key=lambda i: -float(scores[i]))
    taken: list[Mention] = []
    for i in order:
        m = found.items[i].mention
        if all(m.end <= t.start or t.end <= m.start for t in taken):
            taken.append(m)
    return sorted(taken, key=lambda m: m.start)


def payload(model: LanguageModel) -> bytes:
    return model_file.dump({
        "format": FORMAT, "version": VERSION, "features": model.features, "threshold": model.threshold,
        "info": model.info, "first": model.passes.first.model_to_string(),
        "second": model.passes.second.model_to_string()})


@lru_cache(maxsize=4)
def load_language_model(path: Path | None = None) -> LanguageModel:
    """The model file (default: the one in the package), read once per process."""
    def build(data: dict) -> LanguageModel:
        features = list(data["features"])
        if features != FEATURES:
            raise ValueError("trained on other features than this geo's")
        return LanguageModel(load_passes(data, len(features)), features, float(data["threshold"]),
                             dict(data.get("info", {})))

    path = Path(path) if path is not None else DEFAULT_PATH
    return model_file.load(path, what="language model", fmt=FORMAT, version=VERSION, rebuild=REBUILD,
                           default=DEFAULT_PATH, build=build)
