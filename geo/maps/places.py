"""Resolutions grouped by place: what a map (interactive or static) shows about each place."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from geo.outputs.export import display_name, plain_name
from geo.types import Document, Excerpt, Mention, ParseResult, Place

PALETTE = (
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
    "#8c564b", "#e377c2", "#17becf", "#bcbd22", "#7f7f7f",
)
EXCERPT_WINDOW = 100  # characters either side of a mention that came without an excerpt

# GeoNames feature codes in words, for the popup; codes not listed are shown as they are.
FEATURE_WORDS = {
    "PCLI": "country", "PCL": "country", "PCLD": "dependent territory", "PCLF": "country",
    "PCLS": "country", "TERR": "territory", "CONT": "continent",
    "ADM1": "first-level region", "ADM2": "second-level region", "ADM3": "third-level region",
    "RGN": "region", "PPLC": "capital city", "PPLA": "regional capital", "PPLA2": "town",
    "PPLA3": "town", "PPLA4": "town", "PPL": "populated place", "PPLX": "neighbourhood",
    "AIRB": "air base", "AIRP": "airport", "SEA": "sea", "OCN": "ocean", "GULF": "gulf",
    "BAY": "bay", "STRT": "strait", "LK": "lake", "STM": "river", "ISL": "island",
    "ISLS": "islands", "MT": "mountain", "MTS": "mountains", "DSRT": "desert", "VAL": "valley",
    "PEN": "peninsula",
}


@dataclass
class ArticleExcerpts:
    """One article's distinct excerpts about one place."""

    document: Document
    excerpts: list[Excerpt] = field(default_factory=list)


@dataclass
class PlaceSummary:
    """Everything the map shows about one place, gathered across all results."""

    place: Place
    mentions: int = 0
    articles: dict[str, ArticleExcerpts] = field(default_factory=dict)  # by document id
    written: list[str] = field(default_factory=list)  # the mentions as written (not demonyms)
    _seen: set[str] = field(default_factory=set, init=False, repr=False)

    def add(self, document: Document, excerpt: Excerpt, written: str | None = None) -> None:
        """Count a mention; keep its excerpt unless the same text is already shown for this place.
        `written` is the mention's text, None for a demonym (which names no place as written)."""
        self.mentions += 1
        if written:
            self.written.append(written)
        article = self.articles.setdefault(document.id, ArticleExcerpts(document))
        if excerpt.text not in self._seen:
            self._seen.add(excerpt.text)
            article.excerpts.append(excerpt)

    @property
    def name(self) -> str:
        """The name as the articles write it most ("Tartous", not the gazetteer's "Ţarţūs")."""
        if self._name is None or self._name[0] != len(self.written):  # cached until a mention is added
            self._name = (len(self.written), display_name(self.place.name, self.written))
        return self._name[1]

    @property
    def gazetteer_name(self) -> str | None:
        """The gazetteer's name, without transliteration marks, when it differs from `name`."""
        plain = plain_name(self.place.name)
        return None if plain.casefold() == self.name.casefold() else plain

    @property
    def label(self) -> str:
        """`name`; `summarize_places` adds the country code where two places share a name."""
        return self._label or self.name

    _label: str = field(default="", init=False, repr=False)
    _name: tuple[int, str] | None = field(default=None, init=False, repr=False)


def summarize_places(
    results: Iterable[ParseResult], *, min_mentions: int = 1, demonyms: bool = True
) -> list[PlaceSummary]:
    """Group resolutions by place id across all results, most-mentioned first (ties: first seen)."""
    summaries: dict[str, PlaceSummary] = {}
    for result in results:
        for resolution in result.resolutions:
            if resolution.place is None or (resolution.mention.demonym and not demonyms):
                continue
            excerpt = resolution.excerpt or _window_excerpt(result.document, resolution.mention)
            summary = summaries.setdefault(resolution.place.id, PlaceSummary(resolution.place))
            summary.add(result.document, excerpt,
                        None if resolution.mention.demonym else resolution.mention.text)
    kept = [s for s in summaries.values() if s.mentions >= min_mentions]
    by_name: dict[str, list[PlaceSummary]] = {}
    for s in kept:
        by_name.setdefault(s.name.casefold(), []).append(s)
    for same in by_name.values():  # the several Springfields: told apart by country
        if len(same) > 1:
            for s in same:
                cc = s.place.country_code
                s._label = f"{s.name} ({cc})" if cc else s.name
    return sorted(kept, key=lambda s: -s.mentions)


def _window_excerpt(document: Document, mention: Mention) -> Excerpt:
    """Fallback when the pipeline gave no sentence: the text around the mention."""
    start = max(0, mention.start - EXCERPT_WINDOW)
    end = min(len(document.text), mention.end + EXCERPT_WINDOW)
    return Excerpt(document.text[start:end], mention.start - start, mention.end - start)
