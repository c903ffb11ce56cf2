"""What every language's recogniser shares: the contract, and the gazetteer's notion of a
name worth taking on the gazetteer's word alone.

A language recogniser turns a text into `Mention`s (spans of the text as written) and knows
how a written name maps to its listed forms (`variants`: the Russian dictionary form, the
Arabic name without its proclitic). The pipeline hands `variants` to the language's view of
the gazetteer (`geo.gazetteer.localized`), so the resolver finds the same rows the
recogniser found.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

from geo.gazetteer.index import COUNTRY_CODES
from geo.types import Candidate, Mention

# Entries notable enough that a bare name in the text is taken as that place.
NOTABLE_CODES = COUNTRY_CODES | {"ADM1", "CONT", "RGN", "OCN", "SEA", "PPLC", "PPLA", "ISL", "ISLS", "PEN"}
NOTABLE_POPULATION = 50_000
# Populated places below this size are taken only in a country the story already points at.
SUPPORTED_POPULATION = 1_000


class LanguageRecognizer:
    """Base class: `recognize_many` over `recognize`, no variants."""

    lang = ""

    def __init__(self, gazetteer):
        self.gazetteer = gazetteer  # a LocalizedGazetteer for `lang`, set up by the pipeline

    def variants(self, name: str) -> Iterable[str]:
        return ()

    def recognize(self, text: str) -> list[Mention]:
        raise NotImplementedError

    def recognize_many(self, texts: Iterable[str]) -> Iterator[list[Mention]]:
        for text in texts:
            yield self.recognize(text)


def notable(candidates: Sequence[Candidate]) -> bool:
    return any(c.place.feature_code in NOTABLE_CODES or c.place.population >= NOTABLE_POPULATION
               for c in candidates if not c.demonym)


def countries_of(candidates: Sequence[Candidate]) -> set[str]:
    return {c.place.country_code for c in candidates if c.place.country_code and not c.demonym}


def in_story(candidates: Sequence[Candidate], countries: set[str]) -> bool:
    """Some sense of the name is a settlement or division in one of the story's countries."""
    return any(c.place.country_code in countries and c.place.feature_class in ("P", "A")
               and (c.place.feature_class == "A" or c.place.feature_code.startswith("PPLA")
                    or c.place.population >= SUPPORTED_POPULATION)  # GeoNames lacks many seats' size
               for c in candidates if not c.demonym)


def non_overlapping(mentions: Iterable[Mention]) -> list[Mention]:
    """Longest first, then in text order: no two mentions share a character."""
    taken: list[Mention] = []
    for m in sorted(mentions, key=lambda m: (-(m.end - m.start), m.start)):
        if all(m.end <= t.start or t.end <= m.start for t in taken):
            taken.append(m)
    return sorted(taken, key=lambda m: m.start)
