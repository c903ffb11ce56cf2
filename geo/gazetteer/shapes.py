"""Polygons of countries, first-level regions and seas, keyed by gazetteer id.

`geo gazetteer build` writes ``geo/gazetteer/data/shapes.json.gz`` next to
``gazetteer.csv``: Natural Earth 10m first-level regions and countries (simplified) and
Natural Earth's named marine polygons. A polygon has the id of its gazetteer row, so the
place a mention resolves to and the outline a map draws are one thing:

* countries: ``ci:SY`` (ISO 3166-1 alpha-2 after ``ci:``);
* first-level regions: the region's row, ``csc:2941`` (countrystatecity) or, for a region
  only Natural Earth has, ``ne:SYR-140`` (Natural Earth ``adm1_code``); a few
  second-level rows (``rg:``) that Natural Earth lists as regions;
* seas, gulfs, straits and bays: ``cur:gulf-of-aden`` when a curated row has the name,
  else ``nem:gulf-of-aden``.

The file is read on first use (not on ``import geo``) and shapely geometries are made
per id on demand, then cached. Natural Earth draws Crimea inside Russia: ``contains("ci:RU",
...)`` is true there, and so is the containment of the Ukrainian region row of Crimea.
"""
from __future__ import annotations

import gzip
import json
from functools import lru_cache
from pathlib import Path
from typing import Any

SHAPES_FILE = Path(__file__).resolve().parent / "data" / "shapes.json.gz"
FORMAT = 1


@lru_cache(maxsize=1)
def _shapes() -> dict[str, dict[str, Any]]:
    if not SHAPES_FILE.exists():
        return {}
    with gzip.open(SHAPES_FILE, "rt", encoding="utf-8") as fh:
        doc = json.load(fh)
    if doc.get("format") != FORMAT:
        return {}
    return doc["shapes"]


def ids() -> frozenset[str]:
    """Every gazetteer id that has a polygon."""
    return frozenset(_shapes())


def has_shape(place_id: str) -> bool:
    return place_id in _shapes()


def kind(place_id: str) -> str | None:
    """``"country"``, ``"region"`` or ``"marine"``; None without a polygon."""
    entry = _shapes().get(place_id)
    return entry["kind"] if entry else None


def geometry(place_id: str) -> dict[str, Any] | None:
    """The GeoJSON geometry (Polygon or MultiPolygon, lon/lat) of a place, or None."""
    entry = _shapes().get(place_id)
    return entry["geometry"] if entry else None


def feature(place_id: str) -> dict[str, Any] | None:
    """A GeoJSON Feature for the place's polygon (for folium.GeoJson), or None."""
    entry = _shapes().get(place_id)
    if entry is None:
        return None
    return {
        "type": "Feature",
        "id": place_id,
        "properties": {"id": place_id, "name": entry["name"], "kind": entry["kind"]},
        "geometry": entry["geometry"],
    }


@lru_cache(maxsize=4096)
def shape(place_id: str):
    """The place's polygon as a prepared shapely geometry, or None."""
    geom = geometry(place_id)
    if geom is None:
        return None
    import shapely
    from shapely.geometry import shape as to_shape

    g = to_shape(geom)
    shapely.prepare(g)
    return g


def contains(place_id: str, lat: float, lon: float) -> bool:
    """True when the point lies in (or on the edge of) the place's polygon."""
    g = shape(place_id)
    if g is None:
        return False
    from shapely.geometry import Point

    return bool(g.intersects(Point(lon, lat)))


def label_point(place_id: str) -> tuple[float, float] | None:
    """A point inside the polygon (shapely's representative point) as ``(lat, lon)``."""
    entry = _shapes().get(place_id)
    if entry is None:
        return None
    lat, lon = entry["label"]
    return lat, lon


def bounds(place_id: str) -> tuple[float, float, float, float] | None:
    """``(south, west, north, east)`` of the polygon, for fitting a map to it."""
    g = shape(place_id)
    if g is None:
        return None
    west, south, east, north = g.bounds
    return south, west, north, east
