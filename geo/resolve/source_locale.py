"""What a news source usually writes about: its locale, learnt as its articles are read.

A local paper's "Alexandria" or "Dublin" is usually its own town, even in an article that
names no state. Each source (the host of the article's URL) keeps a tally of the first-level
regions (states, provinces) of the places geo resolved confidently in its earlier articles; the
resolver takes that tally as weak context for the next article from the same source.
Documents without a URL have no source and get no locale. The host's country-code domain
(".co.uk", ".ca") is a second, weaker hint, from the first article on.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from geo.types import Document, Resolution

MIN_OBSERVED = 3  # places seen from a source before its locale counts
MIN_SCORE = 0.5  # only confident resolutions teach the locale (the ranker's probability)
# Country-code domains that sites anywhere use for the letters, not the country.
_VANITY = frozenset({"ai", "cc", "co", "fm", "io", "me", "tv", "ws", "ly", "to", "nu", "gg", "im", "is", "la", "sh"})


@dataclass(frozen=True)
class Locale:
    """What the source says before the story does: the share of its earlier places in each
    first-level region ("US.LA"), and the country of its domain ("GB" for .co.uk)."""

    regions: dict[str, float] = field(default_factory=dict)
    country: str = ""


def domain_country(url: str) -> str:
    host = urlsplit(url).hostname if url else None
    label = host.rsplit(".", 1)[-1] if host and "." in host else ""
    if len(label) != 2 or not label.isalpha() or label in _VANITY:
        return ""
    return "GB" if label == "uk" else label.upper()


def source_of(document: Document) -> str:
    host = urlsplit(document.url).hostname if document.url else None
    return host.removeprefix("www.") if host else ""


class SourceLocales:
    def __init__(self) -> None:
        self._counts: dict[str, Counter[str]] = defaultdict(Counter)
        self._seen: Counter[str] = Counter()

    def prior(self, document: Document) -> Locale:
        """The source's earlier confident places' shares by first-level region, and its
        domain's country.

        Regions only: a national outlet's country tally would drown the articles it runs
        about other countries (measured: it costs TR-News accuracy, gains LGL nothing)."""
        source = source_of(document)
        seen = self._seen.get(source, 0)
        country = domain_country(document.url)
        if not source or seen < MIN_OBSERVED:
            return Locale({}, country)
        return Locale({key: count / seen for key, count in self._counts[source].items()}, country)

    def observe(self, document: Document, resolutions: Iterable[Resolution]) -> None:
        source = source_of(document)
        if not source:
            return
        for r in resolutions:
            p = r.place
            if p is None or r.score < MIN_SCORE or not p.country_code:
                continue
            self._seen[source] += 1
            if p.admin1:
                self._counts[source][f"{p.country_code}.{p.admin1}"] += 1
