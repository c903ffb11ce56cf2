"""The value types that travel along the pipeline: read -> recognize -> resolve -> render/export.

They are frozen so that a stage can never quietly change what an earlier stage produced, and
they hold plain data (no spaCy objects) so that resolution, maps and exports run and test
without a language model.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class Place:
    """One gazetteer entry. `lat`/`lon` are WGS84 degrees; there is no "unknown" point."""

    id: str
    name: str
    lat: float
    lon: float
    feature_class: str = ""  # GeoNames class letter: A (region), P (populated place), H, T, L, S, V
    feature_code: str = ""  # GeoNames code: PPLC, ADM1, PCLI, CONT, SEA, MTS, AIRB, ...
    country_code: str = ""  # ISO 3166-1 alpha-2, "" for places in no single country
    admin1: str = ""  # GeoNames admin1 code within the country
    admin2: str = ""  # GeoNames admin2 code within admin1
    population: int = 0
    source: str = ""

    def __post_init__(self) -> None:
        if not (-90.0 <= self.lat <= 90.0 and -180.0 <= self.lon <= 180.0):
            raise ValueError(f"coordinates out of range for {self.name!r}: {self.lat}, {self.lon}")

    @property
    def point(self) -> tuple[float, float]:
        return (self.lat, self.lon)

    @property
    def __geo_interface__(self) -> dict[str, Any]:
        return {"type": "Point", "coordinates": (self.lon, self.lat)}


@dataclass(frozen=True, slots=True)
class Document:
    """One article. `mentions`, when given, are spans the caller already found (resolution mode)."""

    id: str
    text: str
    title: str = ""
    url: str = ""
    source: str = ""  # the file (or "-") the document came from
    date: str = ""  # when it was published, ISO 8601 ("2024-03-05" or with a time); "" if unknown
    mentions: tuple[tuple[int, int], ...] | None = None
    site_name: str = ""  # the publication, from a web page's metadata
    author: str = ""  # from a web page's or report's metadata
    lang: str = ""  # ISO 639-1 code ("fr", "ru", "ar"); "" until detected (geo.recognize.languages)


@dataclass(frozen=True, slots=True)
class Mention:
    """A span of `Document.text` that names a place; `text == document.text[start:end]`."""

    start: int
    end: int
    text: str
    label: str = ""  # where it came from: spaCy's entity label (GPE, LOC, NORP, ...), GAZ (a gazetteer match), GIVEN
    demonym: bool = False  # "Syrian" standing for Syria


@dataclass(frozen=True, slots=True)
class Candidate:
    """A place the gazetteer offers for a mention, with the resolver's score for it."""

    place: Place
    alias: str  # the gazetteer name that matched
    score: float = 0.0
    demonym: bool = False


@dataclass(frozen=True, slots=True)
class Excerpt:
    """The sentence around a mention; the mention is `text[highlight_start:highlight_end]`."""

    text: str
    highlight_start: int
    highlight_end: int

    @property
    def before(self) -> str:
        return self.text[: self.highlight_start]

    @property
    def highlight(self) -> str:
        return self.text[self.highlight_start : self.highlight_end]

    @property
    def after(self) -> str:
        return self.text[self.highlight_end :]


@dataclass(frozen=True, slots=True)
class Resolution:
    """A mention and the place it was resolved to (`place is None` when the resolver abstained)."""

    mention: Mention
    place: Place | None
    score: float = 0.0
    candidates: tuple[Candidate, ...] = ()
    excerpt: Excerpt | None = None


@dataclass(frozen=True, slots=True)
class ParseResult:
    """Everything geo found in one document."""

    document: Document
    resolutions: tuple[Resolution, ...] = field(default_factory=tuple)
    error: str | None = None

    @property
    def places(self) -> list[Place]:
        """Distinct resolved places, in order of first mention."""
        seen: dict[str, Place] = {}
        for r in self.resolutions:
            if r.place is not None and r.place.id not in seen:
                seen[r.place.id] = r.place
        return list(seen.values())
