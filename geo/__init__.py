"""geo: find the places news articles mention, resolve them, and map them.

    >>> import geo
    >>> result = geo.parse("Russia keeps its air base at Hmeimim, near Latakia.")
    >>> [(r.mention.text, r.place.name) for r in result.resolutions if r.place]

Heavy parts (the spaCy model, the gazetteer index) load on first use, so `import geo` is cheap.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from geo.errors import GazetteerError, GeocoderError, GeoError, InputError, ModelError, OutputError
from geo.types import Candidate, Document, Excerpt, Mention, ParseResult, Place, Resolution

if TYPE_CHECKING:  # pragma: no cover
    from geo.gazetteer.index import Gazetteer
    from geo.pipeline import Geoparser

__version__ = "0.1.0"
__all__ = [
    "parse", "parse_many", "resolve", "build_map", "Geoparser", "Gazetteer",
    "Document", "Mention", "Place", "Candidate", "Excerpt", "Resolution", "ParseResult",
    "GeoError", "InputError", "GazetteerError", "OutputError", "GeocoderError", "ModelError",
]

_default: "Geoparser | None" = None


def default_parser() -> "Geoparser":
    """One shared Geoparser (shipped gazetteer + GEO_GAZETTEER files), built on first use."""
    global _default
    if _default is None:
        from geo.pipeline import Geoparser

        _default = Geoparser()
    return _default


def parse(text: "str | Document") -> ParseResult:
    """Find and resolve the places in one text."""
    return default_parser().parse(text)


def parse_many(documents: Any) -> Any:
    """Parse many documents (batched); yields ParseResults in input order."""
    return default_parser().parse_many(documents)


def resolve(name: str, context: str = "") -> list[Candidate]:
    """Rank the gazetteer's candidates for a name, optionally given some context text."""
    return default_parser().rank(name, context)


def build_map(results: Any, **options: Any) -> Any:
    """A folium map of the places in parse results (displays inline in a notebook)."""
    from geo.maps.render import build_map as _build_map

    return _build_map(results, **options)


def __getattr__(name: str) -> Any:
    if name == "Gazetteer":
        from geo.gazetteer.index import Gazetteer

        return Gazetteer
    if name == "Geoparser":
        from geo.pipeline import Geoparser

        return Geoparser
    raise AttributeError(f"module 'geo' has no attribute {name!r}")
