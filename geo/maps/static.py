"""Results -> a static map (PNG, SVG, PDF) for printed reports: no tiles, no browser, no network.

The same story as the interactive map: areas shaded by mentions (`areas.py`), the names as the
articles write them, the opening view of `view.story_bounds`. Labels never overlap: adjustText
moves them (with leader lines) and any that still collide are left out, least mentioned first.
Places far from the story appear in an overview inset, with the main view marked on it. A
title, a scale bar and the data sources complete it.

Arabic and Cyrillic are drawn as such: a place the articles name in another script is labelled
with that form too ("Aleppo · حلب"), in DejaVu Sans, which matplotlib's wheel ships and which has
both scripts, and matplotlib (3.11 and later) joins and orders Arabic letters itself (libraqm),
so no reshaping library is needed and no label comes out as boxes or loose letters.
"""
from __future__ import annotations

import math
import unicodedata
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from geo.distance import EARTH_RADIUS_KM
from geo.errors import GeoError, OutputError
from geo.maps.areas import WATER_CODES, Shapes, default_shapes, label_point
from geo.maps.areas import bounds as area_bounds
from geo.maps.areas import kind as area_kind
from geo.maps.outline import country_outlines
from geo.maps.places import PALETTE, PlaceSummary, summarize_places
from geo.maps.view import Bounds, Spot, all_bounds, story_bounds
from geo.outputs.atomic import atomic_write
from geo.types import ParseResult

STATIC_FORMATS = ("png", "svg", "pdf")
STATIC_SUFFIXES = tuple(f".{fmt}" for fmt in STATIC_FORMATS)
SOURCE_LINE = "Data: GeoNames, Natural Earth"
# Every text in a font with Latin, Cyrillic and Arabic glyphs, whatever a user's matplotlibrc says.
FONT = {"font.family": "DejaVu Sans", "svg.fonttype": "none"}  # and SVG text stays text
AREA_SHADES = ("#fde0c5", "#facba6", "#f59e72", "#eb6f4a", "#c8412c")


def _static_extent(bounds: Bounds | None) -> tuple[float, float, float, float]:
    """lon/lat box (west, east, south, north) around a view, at least 8x6 degrees so a lone
    place has context."""
    if bounds is None:
        return (-180.0, 180.0, -60.0, 85.0)
    south, west, north, east = bounds
    pad_lon = max((east - west) * 0.12, (8 - (east - west)) / 2, 0.5)
    pad_lat = max((north - south) * 0.12, (6 - (north - south)) / 2, 0.5)
    return (max(west - pad_lon, -180), min(east + pad_lon, 180),
            max(south - pad_lat, -85), min(north + pad_lat, 85))


def _rings(geometry: dict) -> list[list[list[float]]]:
    polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    return [polygon[0] for polygon in polygons]


def _draw_outlines(ax) -> None:
    """Country exteriors as one collection (holes skipped: enclaves are drawn as countries too)."""
    from matplotlib.collections import PolyCollection

    rings = [ring for feature in country_outlines()["features"] for ring in _rings(feature["geometry"])]
    ax.add_collection(PolyCollection(rings, facecolor="#f2efe9", edgecolor="#999", linewidth=0.4))


def _shade(count: int, top: int) -> str:
    step = 0 if top <= 1 else round((len(AREA_SHADES) - 1) * math.log(count) / math.log(top))
    return AREA_SHADES[min(step, len(AREA_SHADES) - 1)]


def _draw_places(ax, summaries, geometries, points, *, small: bool = False) -> None:
    from matplotlib.collections import PolyCollection

    areas = [(s, g) for s, g in zip(summaries, geometries) if g is not None]
    top = max((s.mentions for s, _ in areas), default=1)
    areas.sort(key=lambda sg: -_span(sg[1]))  # big ones first: regions on top of their country
    for s, g in areas:
        water = s.place.feature_code in WATER_CODES  # under the land: coarse sea outlines spill ashore
        ax.add_collection(PolyCollection(_rings(g), facecolor=_shade(s.mentions, top), alpha=0.6,
                                         edgecolor="none" if water else "#7f2214",
                                         linewidth=0.3 if small else 0.7, zorder=0.5 if water else 2))
    dots = [(s, p) for s, g, p in zip(summaries, geometries, points)
            if g is None and area_kind(s.place) != "label"]
    if dots:
        ax.scatter([p[1] for _, p in dots], [p[0] for _, p in dots],
                   s=[(6 if small else 20) + (4 if small else 25) * min(s.mentions, 20) for s, _ in dots],
                   c=PALETTE[3], alpha=0.75, edgecolors="white", linewidths=0.8, zorder=3)


def _span(geometry: dict) -> float:
    south, west, north, east = area_bounds(geometry)
    return (north - south) * (east - west)


def _scale_bar(ax, west: float, east: float, south: float, north: float, x0: float | None = None) -> None:
    """A bar of a round number of km, bottom left (or from `x0`), true at the map's middle latitude."""
    lat = (south + north) / 2
    km_per_degree = math.pi * EARTH_RADIUS_KM / 180 * max(math.cos(math.radians(lat)), 0.05)
    want = (east - west) * km_per_degree / 5
    nice = max(n for n in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000)
               if n <= max(want, 1))
    length = nice / km_per_degree
    x0 = west + (east - west) * 0.04 if x0 is None else x0
    y0 = south + (north - south) * 0.05
    ax.plot([x0, x0 + length], [y0, y0], color="#222", linewidth=2.5, solid_capstyle="butt", zorder=6)
    ax.text(x0 + length / 2, y0 + (north - south) * 0.012, f"{nice:,} km", ha="center", va="bottom",
            fontsize=7, zorder=6, parse_math=False)


def _place_labels(fig, ax, summaries: list[PlaceSummary], points, extent, labels: int,
                  avoid: list | None = None) -> list:
    """Labels for the most-mentioned places in view, moved apart by adjustText (with leader
    lines), then any that still overlap another (or a title) removed, least mentioned first."""
    west, east, south, north = extent
    texts = []
    for s, (lat, lon) in zip(summaries, points):
        if len(texts) >= labels:
            break
        if not (west <= lon <= east and south <= lat <= north):
            continue
        texts.append(ax.text(lon, lat, f"{label_text(s)} ({s.mentions})", fontsize=8, zorder=5,
                             parse_math=False, ha="left", va="bottom",
                             bbox={"boxstyle": "round,pad=0.2", "fc": "white", "ec": "none", "alpha": 0.8}))
    if len(texts) > 1:
        try:
            from adjustText import adjust_text
        except ImportError:
            adjust_text = None
        if adjust_text is not None:
            adjust_text(texts, ax=ax, expand=(1.2, 1.4), ensure_inside_axes=True,
                        arrowprops={"arrowstyle": "-", "color": "#555", "lw": 0.5})
    renderer = fig.canvas.get_renderer()
    kept, boxes = [], [a.get_window_extent(renderer) for a in avoid or []]
    for text in texts:  # most mentioned first
        box = text.get_window_extent(renderer)
        if any(box.overlaps(b) for b in boxes):
            text.set_visible(False)
            for arrow in ax.patches:  # adjustText's leader line
                if getattr(arrow, "patchA", None) is text:
                    arrow.set_visible(False)
        else:
            kept.append(text)
            boxes.append(box)
    return kept


def label_text(summary: PlaceSummary) -> str:
    """The label, and the form the articles write most when it is in another script
    ("Aleppo · حلب", "Kharkiv · Харькове"): the reader of the articles recognises it. The
    form is isolated (U+2068 ... U+2069) so that a count after it stays on its right."""
    other = Counter(w for w in summary.written if not _latin(w))
    return f"{summary.label} · \u2068{other.most_common(1)[0][0]}\u2069" if other else summary.label


def _latin(text: str) -> bool:
    return all(not c.isalpha() or unicodedata.name(c, "").startswith("LATIN") for c in text)


def _emptiest_corner(points, west, east, south, north) -> tuple[float, float]:
    """The corner (axes fraction of its lower left) whose 30% box covers the fewest places."""
    def inside(x0: float, y0: float) -> int:
        return sum(x0 <= (lon - west) / (east - west) <= x0 + 0.3 and y0 <= (lat - south) / (north - south) <= y0 + 0.3
                   for lat, lon in points)
    corners = [(0.0, 0.0), (0.7, 0.0), (0.0, 0.7), (0.7, 0.7)]
    return min(corners, key=lambda c: inside(*c))  # min keeps the first: bottom left


def save_static_map(
    results: Iterable[ParseResult],
    path: str | Path,
    *,
    title: str | None = None,
    labels: int = 12,
    min_mentions: int = 1,
    demonyms: bool = True,
    dpi: int = 150,
    shapes: Shapes = default_shapes,
) -> Path:
    """A .png/.svg/.pdf map with no tiles and no network: shaded areas, dots, the top `labels`
    names as written, the story's view (with an inset for far places), a scale bar and sources."""
    path = Path(path)
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in STATIC_FORMATS:
        raise OutputError(f"{path}: static maps are {', '.join(STATIC_FORMATS)}, not {fmt or 'no suffix'!r}")
    try:
        import matplotlib
    except ImportError as e:
        raise GeoError("static maps need matplotlib: pip install 'geo[static]'") from e

    with matplotlib.rc_context(FONT):
        fig = _draw(results, title=title, labels=labels, min_mentions=min_mentions, demonyms=demonyms, dpi=dpi,
                    shapes=shapes)
        with atomic_write(path, "wb") as out:
            fig.savefig(out, format=fmt)
    return path


def _draw(results, *, title, labels, min_mentions, demonyms, dpi, shapes):
    """The figure (inside `FONT`'s rc context: a text takes its font when it is made)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.patches import Rectangle

    summaries = summarize_places(results, min_mentions=min_mentions, demonyms=demonyms)
    geometries = [shapes(s.place) if area_kind(s.place) == "area" else None for s in summaries]
    points = [label_point(s.place) if g else s.place.point for s, g in zip(summaries, geometries)]
    spots = [Spot(p[0], p[1], s.mentions, area_bounds(g) if g else None)
             for s, g, p in zip(summaries, geometries, points) if area_kind(s.place) != "label"]
    west, east, south, north = _static_extent(story_bounds(spots))

    fig = Figure(figsize=(10, 6.5), dpi=dpi)  # not pyplot: no global figure state
    FigureCanvasAgg(fig)
    box = (0.01, 0.05, 0.98, 0.86 if title else 0.93)
    ax = fig.add_axes(box)
    # widen the story's box (never crop it) to the axes' shape, at the middle latitude's scale
    squash = max(math.cos(math.radians((south + north) / 2)), 0.2)
    want = (box[2] * fig.get_figwidth()) / (box[3] * fig.get_figheight())
    if (east - west) * squash / (north - south) < want:
        grow = ((north - south) * want / squash - (east - west)) / 2
        west, east = west - grow, east + grow
    else:
        grow = ((east - west) * squash / want - (north - south)) / 2
        south, north = south - grow, north + grow
    ax.set_xlim(west, east)
    ax.set_ylim(south, north)
    ax.set_facecolor("#dde8f0")
    ax.set_xticks([])
    ax.set_yticks([])
    _draw_outlines(ax)
    _draw_places(ax, summaries, geometries, points)
    if title:
        fig.text(0.5, 0.955, title, ha="center", va="center", fontsize=14, fontweight="bold",
                 parse_math=False)
    fig.text(0.99, 0.015, SOURCE_LINE, ha="right", va="bottom", fontsize=7, color="#444")
    # far places: an overview inset with every place and the main view marked
    far = [sp for sp in spots if not (west <= sp.lon <= east and south <= sp.lat <= north)]
    inset = None
    if far:
        corner = _emptiest_corner(points, west, east, south, north)
        inset = ax.inset_axes((*corner, 0.3, 0.3))
        w2, e2, s2, n2 = _static_extent(all_bounds(spots))
        inset.set_xlim(w2, e2)
        inset.set_ylim(s2, n2)
        inset.set_xticks([])
        inset.set_yticks([])
        inset.set_facecolor("#dde8f0")
        _draw_outlines(inset)
        _draw_places(inset, summaries, geometries, points, small=True)
        inset.set_xlim(w2, e2)
        inset.set_ylim(s2, n2)
        inset.add_patch(Rectangle((west, south), east - west, north - south, fill=False,
                                  edgecolor="#c8412c", linewidth=1.2, zorder=6))
        inset.set_zorder(7)
        for spine in inset.spines.values():
            spine.set_edgecolor("#555")
        inset.set_title(f"{len(far)} place{'s' * (len(far) != 1)} beyond this view", fontsize=7,
                        pad=2, parse_math=False)
    # the scale bar: bottom left, or right of the inset
    _scale_bar(ax, west, east, south, north,
               west + (east - west) * 0.34 if inset is not None and corner == (0.0, 0.0) else None)
    _place_labels(fig, ax, summaries, points, (west, east, south, north), labels,
                  [inset] if inset is not None else [])
    return fig
