"""Results -> an interactive folium map (areas shaded, one marker per other place, popups
with the article excerpts), and saving it.

The parts: `layers` (the places as data), `popups` (escaping, popup HTML), `elements` (the
map's own controls, their scripts and styles in `templates/`), `assets` (self-contained
maps), `outline` (country outlines for offline maps).
"""
from __future__ import annotations

import html
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import quote

import folium
import xyzservices

from geo.errors import GeoError
from geo.maps.areas import Shapes, default_shapes
from geo.maps.assets import OfflineMap
from geo.maps.elements import _Fit, _Legend, _Outlines, _Period, _Places, _Search, _Styles, _Title, _Views
from geo.maps.layers import MAX_LAYERS, OTHER_LABEL, _places_data
from geo.maps.outline import country_outlines
from geo.maps.places import summarize_places
from geo.maps.popups import _escape, popup_html
from geo.outputs.atomic import atomic_write
from geo.types import ParseResult

__all__ = ["MAX_LAYERS", "OTHER_LABEL", "TilesError", "_escape", "build_map", "popup_html",
           "resolve_tiles", "save_map"]


class TilesError(GeoError, ValueError):
    """A `tiles` name that no xyzservices provider matches."""


# --- the map ----------------------------------------------------------------------------------

def resolve_tiles(name: str) -> xyzservices.TileProvider:
    """An xyzservices provider by name ("OpenStreetMap", "CartoDB.Positron", ...)."""
    query = "OpenStreetMap.Mapnik" if name.strip().lower() == "openstreetmap" else name
    try:
        return xyzservices.providers.query_name(query)
    except ValueError:
        raise TilesError(
            f"unknown tiles {name!r}: use an xyzservices provider name such as "
            "'OpenStreetMap', 'CartoDB.Positron' or 'Esri.WorldImagery'"
        ) from None


def build_map(
    results: Iterable[ParseResult],
    *,
    title: str | None = None,
    tiles: str = "OpenStreetMap",
    cluster: bool = True,
    min_mentions: int = 1,
    demonyms: bool = True,
    self_contained: bool = False,
    shapes: Shapes = default_shapes,
) -> folium.Map:
    """Areas (countries, first-level regions, seas) as shaded polygons, other places as one
    marker each, in one layer per article (shared places in their own; past MAX_LAYERS layers,
    the smaller articles share "Other articles"); labels as the articles write the names; the
    map opens on the story (`view.story_bounds`); a time control when the articles are dated.
    `shapes` gives an area place's outline (GeoJSON geometry) or None."""
    provider = resolve_tiles(tiles)
    results = list(results)
    summaries = summarize_places(results, min_mentions=min_mentions, demonyms=demonyms)
    if self_contained:
        m = OfflineMap(location=(20, 0), zoom_start=2, tiles=provider)
        _Outlines(country_outlines()).add_to(m)
    else:
        m = folium.Map(location=(20, 0), zoom_start=2, tiles=provider)
    _Styles().add_to(m)
    if title:
        _Title(title).add_to(m)
    if summaries:
        data = _places_data(summaries, [r.document for r in results], shapes)
        _Fit(data["view"]["story"], data["view"]["maxZoom"]).add_to(m)  # before the markers: clusters are drawn once
        places = _Places(data, cluster).add_to(m)
        _Views(places).add_to(m)
        _Legend(places).add_to(m)
        _Search(places).add_to(m)
        if data["days"]:
            _Period(places).add_to(m)
    return m


# --- saving -----------------------------------------------------------------------------------

EMBED_SNIPPET = """<!-- Paste this where the map should appear; keep {name} next to the page
     (or change src to where you publish it). -->
<iframe src="{src}" title="{title}" width="100%" height="600" style="border:0" loading="lazy"></iframe>
"""


def save_map(m: folium.Map, path: str | Path, *, embed: bool = False) -> list[Path]:
    """Save the map as HTML (and with `embed`, `<stem>.embed.html`, an iframe snippet for it)."""
    path = Path(path)
    page = m.get_root().render()
    with atomic_write(path) as out:
        out.write(page)
    written = [path]
    if embed:
        snippet = path.with_name(f"{path.stem}.embed.html")
        name = html.escape(path.name)
        src = html.escape(quote(path.name), quote=True)
        with atomic_write(snippet) as out:
            out.write(EMBED_SNIPPET.format(name=name, src=src, title="Map of places"))
        written.append(snippet)
    return written
