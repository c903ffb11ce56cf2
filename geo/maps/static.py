"""Results -> a static map (PNG, SVG, PDF) for printed reports: no tiles, no browser, no network."""
from __future__ import annotations

import math
from collections.abc import Iterable
from pathlib import Path

from geo.errors import GeoError, OutputError
from geo.maps.outline import country_outlines
from geo.maps.places import PALETTE, summarize_places
from geo.outputs.atomic import atomic_write
from geo.types import ParseResult, Place

STATIC_FORMATS = ("png", "svg", "pdf")
STATIC_SUFFIXES = tuple(f".{fmt}" for fmt in STATIC_FORMATS)


def _static_extent(places: list[Place]) -> tuple[float, float, float, float]:
    """lon/lat box around the places, at least 30x20 degrees so a lone place has context."""
    if not places:
        return (-180.0, 180.0, -60.0, 85.0)
    lon0, lon1 = min(p.lon for p in places), max(p.lon for p in places)
    lat0, lat1 = min(p.lat for p in places), max(p.lat for p in places)
    pad_lon = max((lon1 - lon0) * 0.15, (30 - (lon1 - lon0)) / 2, 2)
    pad_lat = max((lat1 - lat0) * 0.15, (20 - (lat1 - lat0)) / 2, 2)
    return (max(lon0 - pad_lon, -180), min(lon1 + pad_lon, 180),
            max(lat0 - pad_lat, -90), min(lat1 + pad_lat, 90))


def _draw_outlines(ax) -> None:
    """Country exteriors as one collection (holes skipped: enclaves are drawn as countries too)."""
    from matplotlib.collections import PolyCollection

    rings = [ring for feature in country_outlines()["features"]
             for polygon in feature["geometry"]["coordinates"] for ring in polygon[:1]]
    ax.add_collection(PolyCollection(rings, facecolor="#f2efe9", edgecolor="#999", linewidth=0.4))


def save_static_map(
    results: Iterable[ParseResult],
    path: str | Path,
    *,
    title: str | None = None,
    labels: int = 10,
    min_mentions: int = 1,
    demonyms: bool = True,
    dpi: int = 150,
) -> Path:
    """A .png/.svg/.pdf map with no tiles and no network: outlines, dots, the top `labels` names."""
    path = Path(path)
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in STATIC_FORMATS:
        raise OutputError(f"{path}: static maps are {', '.join(STATIC_FORMATS)}, not {fmt or 'no suffix'!r}")
    try:
        import matplotlib
        from matplotlib.figure import Figure
    except ImportError as e:
        raise GeoError("static maps need matplotlib: pip install 'geo[static]'") from e

    summaries = summarize_places(results, min_mentions=min_mentions, demonyms=demonyms)
    fig = Figure(figsize=(10, 6.5), dpi=dpi)  # not pyplot: no global figure state
    ax = fig.add_subplot()
    west, east, south, north = _static_extent([s.place for s in summaries])
    ax.set_xlim(west, east)
    ax.set_ylim(south, north)
    ax.set_aspect(1 / max(math.cos(math.radians((south + north) / 2)), 0.2))
    ax.set_facecolor("#dde8f0")
    ax.set_xticks([])
    ax.set_yticks([])
    _draw_outlines(ax)
    if summaries:
        ax.scatter([s.place.lon for s in summaries], [s.place.lat for s in summaries],
                   s=[20 + 25 * s.mentions for s in summaries], c=PALETTE[3], alpha=0.7,
                   edgecolors="white", linewidths=0.8, zorder=3)
    for s in summaries[:labels]:  # most-mentioned first
        ax.annotate(f"{s.place.name} ({s.mentions})", s.place.point[::-1], xytext=(6, 4),
                    textcoords="offset points", fontsize=8, zorder=4, parse_math=False,
                    bbox={"boxstyle": "round,pad=0.2", "fc": "white", "ec": "none", "alpha": 0.8})
    if title:
        ax.set_title(title, parse_math=False)
    fig.tight_layout()
    with matplotlib.rc_context({"svg.fonttype": "none"}):  # keep SVG text as text
        with atomic_write(path, "wb") as out:
            fig.savefig(out, format=fmt)
    return path
