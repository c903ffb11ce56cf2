"""The places as the data the map's script draws: which layer, colour, shade and label
each place gets, and the two views (the story, everything)."""
from __future__ import annotations

import math
from collections.abc import Iterable

from geo.maps.areas import Shapes, default_shapes, label_point
from geo.maps.areas import bounds as area_bounds
from geo.maps.areas import kind as area_kind
from geo.maps.places import PALETTE, PlaceSummary
from geo.maps.popups import _article_title, _day, _escape, _excerpts_html, popup_head
from geo.maps.view import Bounds, Spot, all_bounds, story_bounds
from geo.types import Document

SHARED_COLOUR = "#333333"
SHARED_LABEL = "Places in several articles"
OTHER_LABEL = "Other articles"
MAX_LAYERS = 25  # layers in the layer control and the legend, at most

# How close a map showing only such places may zoom: a lone country should not fill the screen.
MAX_ZOOM = {"A": 6, "L": 6, "H": 6, "T": 9, "P": 11, "S": 12}


def _layer_names(documents: Iterable[Document]) -> dict[str, str]:
    """Layer label per article id, in input order, made unique (so the layers can be told apart)."""
    names: dict[str, str] = {}
    taken = {SHARED_LABEL, OTHER_LABEL}
    for doc in documents:
        if doc.id in names:
            continue
        base = doc.title or doc.id
        base = base if len(base) <= 60 else base[:59] + "…"
        name, n = base, 1
        while name in taken:
            n += 1
            name = f"{base} ({n})"
        names[doc.id] = name
        taken.add(name)
    return names


def _layer_key(summary: PlaceSummary) -> str | None:
    """The article whose layer holds this place, or None for places several articles mention."""
    return next(iter(summary.articles)) if len(summary.articles) == 1 else None


# Area shades by mentions: [fill, outline, legend text]; the thresholds are mention counts.
SHADES = ("#fde0c5", "#facba6", "#f59e72", "#eb6f4a", "#c8412c")
SHADE_EDGES = ("#d9a679", "#d08a5c", "#c4633a", "#a8432a", "#7f2214")
LABELS = 15  # places with a permanent label (the most mentioned; overlapping ones hide)


def _shades(counts: list[int]) -> tuple[list[list[str]], list[int]]:
    """Five shades from the area mention counts (log-spaced steps), and each count's shade."""
    if not counts:
        return [], []
    top = max(counts)
    edges = sorted({max(1, round(top ** (k / len(SHADES)))) for k in range(len(SHADES))})
    index = [max(i for i, e in enumerate(edges) if c >= e) for c in counts]
    shades = []
    for i, low in enumerate(edges):
        high = edges[i + 1] - 1 if i + 1 < len(edges) else top
        text = f"{low}" if low == high else f"{low}–{high}"
        step = round(i * (len(SHADES) - 1) / max(len(edges) - 1, 1))
        shades.append([SHADES[step], SHADE_EDGES[step], text])
    return shades, index


def _places_data(summaries: list[PlaceSummary], documents: list[Document],
                 shapes: Shapes = default_shapes) -> dict:
    """The places as data for `_Places`: one colour per article (in input order, cycling
    through the palette), one layer per article plus the shared one; with more than
    MAX_LAYERS layers, the articles with the most mentions keep theirs and the rest share
    "Other articles" (their places keep their article's colour) in one cluster. Areas with an
    outline carry its index in `geometries`; `view` holds the story and the whole."""
    names = _layer_names(documents)
    weight: dict[str | None, int] = {}
    for s in summaries:
        if area_kind(s.place) == "point":
            weight[_layer_key(s)] = weight.get(_layer_key(s), 0) + s.mentions
    articles = [k for k in names if k in weight]
    shared = None in weight
    colour = {k: i % len(PALETTE) for i, k in enumerate(articles)}
    colour[None] = len(PALETTE)  # SHARED_COLOUR

    capped = len(articles) + shared > MAX_LAYERS
    if capped:
        top = set(sorted(articles, key=lambda k: -weight[k])[: MAX_LAYERS - shared - 1])
        articles = [k for k in articles if k in top]  # back in input order
    groups = [[_escape(names[k]), PALETTE[colour[k]]] for k in articles]
    index: dict[str | None, int] = {k: i for i, k in enumerate(articles)}
    if capped:
        groups.append([_escape(OTHER_LABEL), f"conic-gradient({', '.join(PALETTE)})"])
    if shared:
        index[None] = len(groups)
        groups.append([_escape(SHARED_LABEL), SHARED_COLOUR])
    other = len(groups) - 1 - shared

    doc_index: dict[str, int] = {}
    article_rows: list[list[str]] = []
    for doc in documents:
        if doc.id not in doc_index:
            doc_index[doc.id] = len(article_rows)
            article_rows.append([_article_title(doc), _escape(_day(doc.date))])

    geometries: list[dict] = []
    kinds, geometry_at, spots = [], [], []
    for s in summaries:
        kind = area_kind(s.place)
        geometry = shapes(s.place) if kind == "area" else None
        if kind == "area" and geometry is None:
            kind = "point"  # an area we have no outline for: a marker, as before
        lat, lon = label_point(s.place) if geometry else s.place.point
        if geometry is not None:
            geometry_at.append(len(geometries))
            geometries.append(geometry)
        else:
            geometry_at.append(-1)
        kinds.append((kind, lat, lon))
        if kind != "label":  # a continent or an ocean frames nothing
            spots.append(Spot(lat, lon, s.mentions, area_bounds(geometry) if geometry else None))
    area_counts = [s.mentions for s, g in zip(summaries, geometry_at) if g >= 0]
    shades, shade_of = _shades(area_counts)
    shade_iter = iter(shade_of)

    places = []
    for rank, (s, (kind, lat, lon), g) in enumerate(zip(summaries, kinds, geometry_at)):
        key = _layer_key(s)
        radius = round(min(6 + 3 * math.sqrt(s.mentions), 30), 1)
        refs = [[doc_index[doc_id], _excerpts_html(a)] for doc_id, a in s.articles.items()]
        places.append([round(lat, 5), round(lon, 5), radius, colour.get(key, len(PALETTE)),
                       index.get(key, other), _escape(s.label), popup_head(s), refs, kind, g,
                       next(shade_iter) if g >= 0 else -1, rank if rank < LABELS and kind != "label" else -1])

    story, whole = story_bounds(spots), all_bounds(spots)
    max_zoom = max((MAX_ZOOM.get(s.place.feature_class, 10) for s in summaries), default=10)
    days = sorted({row[1] for row in article_rows if row[1]})
    return {"colours": [*PALETTE, SHARED_COLOUR], "groups": groups, "places": places,
            "articles": article_rows, "geometries": geometries, "shades": shades, "days": days,
            "sharedCluster": capped,
            "view": {"story": _leaflet_bounds(story), "all": _leaflet_bounds(whole), "maxZoom": max_zoom}}


def _leaflet_bounds(b: Bounds | None) -> list[list[float]] | None:
    return None if b is None else [[b[0], b[1]], [b[2], b[3]]]
