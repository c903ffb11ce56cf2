"""Resolutions grouped by place: what a map (interactive or static) shows about each place."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

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
    _seen: set[str] = field(default_factory=set, init=False, repr=False)

    def add(self, document: Document, excerpt: Excerpt) -> None:
        """Count a mention; keep its excerpt unless the same text is already shown for this place."""
        self.mentions += 1
        article = self.articles.setdefault(document.id, ArticleExcerpts(document))
        if excerpt.text not in self._seen:
            self._seen.add(excerpt.text)
            article.excerpts.append(excerpt)

    @property
    def label(self) -> str:
        """Name plus country code, which tells apart the several Springfields."""
        cc = self.place.country_code
        return f"{self.place.name} ({cc})" if cc else self.place.name


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
            summary.add(result.document, excerpt)
    kept = [s for s in summaries.values() if s.mentions >= min_mentions]
    return sorted(kept, key=lambda s: -s.mentions)


def _window_excerpt(document: Document, mention: Mention) -> Excerpt:
    """Fallback when the pipeline gave no sentence: the text around the mention."""
    start = max(0, mention.start - EXCERPT_WINDOW)
    end = min(len(document.text), mention.end + EXCERPT_WINDOW)
    return Excerpt(document.text[start:end], mention.start - start, mention.end - start)
