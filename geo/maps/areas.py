"""Which places a map draws as areas, and their outlines.

Countries, first-level regions and named seas and gulfs are areas: the map shades their
polygon. Continents and oceans are too big to shade and get a label; everything else (towns,
bases, crossings, mountains) stays a point.

Outlines come from `geo.gazetteer.shapes` (polygons keyed by gazetteer id: countries, Natural
Earth first-level regions, marine areas) when that module is installed; without it, countries
fall back to the Natural Earth 1:110m outlines shipped for offline maps (`outline.py`), found by
ISO code. `Shapes` is the seam: a map can be given any `place -> GeoJSON geometry` source.
"""
from __future__ import annotations

import importlib
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from geo.maps.outline import country_outlines
from geo.types import Place

COUNTRY_CODES = frozenset({"PCLI", "PCL", "PCLD", "PCLF", "PCLS", "PCLIX", "TERR"})
REGION_CODES = frozenset({"ADM1", "ADM1H"})
WATER_CODES = frozenset({"SEA", "GULF", "BAY", "BAYS", "STRT", "SD", "CHN"})
AREA_CODES = COUNTRY_CODES | REGION_CODES | WATER_CODES
LABEL_CODES = frozenset({"CONT", "OCN"})  # no fill: a label

Geometry = dict[str, Any]
Shapes = Callable[[Place], "Geometry | None"]


def kind(place: Place) -> str:
    """"area", "label" or "point": how the map draws this place."""
    if place.feature_code in AREA_CODES:
        return "area"
    if place.feature_code in LABEL_CODES:
        return "label"
    return "point"


@lru_cache(maxsize=1)
def _gazetteer_shapes():
    """`geo.gazetteer.shapes` when present (it is built on another branch), else None."""
    try:
        return importlib.import_module("geo.gazetteer.shapes")
    except ImportError:
        return None


@lru_cache(maxsize=1)
def _countries_by_iso() -> dict[str, Geometry]:
    return {f["properties"]["iso_a2"]: f["geometry"] for f in country_outlines()["features"]
            if f["properties"].get("iso_a2")}


def _as_geometry(found: Any) -> Geometry | None:
    """A GeoJSON geometry from a shapes answer: a Feature, a geometry dict or a shapely shape."""
    if found is None:
        return None
    if hasattr(found, "__geo_interface__"):
        found = found.__geo_interface__
    if found.get("type") == "Feature":
        found = found.get("geometry")
    if not found or found.get("type") not in ("Polygon", "MultiPolygon"):
        return None
    # both sources keep 2 to 3 decimals (1 km to 100 m) already: used as they are, not copied
    return {"type": found["type"], "coordinates": found["coordinates"]}


def default_shapes(place: Place) -> Geometry | None:
    """The outline of an area place: the gazetteer's polygon, else (countries) the shipped one."""
    if kind(place) != "area":
        return None
    shapes = _gazetteer_shapes()
    if shapes is not None:
        geometry = _as_geometry(shapes.feature(place.id))
        if geometry is not None:
            return geometry
    if place.feature_code in COUNTRY_CODES and place.country_code:
        geometry = _countries_by_iso().get(place.country_code.upper())
        return _as_geometry(geometry) if geometry else None
    return None


def label_point(place: Place) -> tuple[float, float]:
    """Where an area's label goes (lat, lon): the gazetteer's label point, else the place's point."""
    shapes = _gazetteer_shapes()
    if shapes is not None and hasattr(shapes, "label_point"):
        point = shapes.label_point(place.id)
        if point is not None:
            if hasattr(point, "x"):  # a shapely Point
                return (point.y, point.x)
            lat, lon = point  # shapes.label_point answers (lat, lon)
            return (float(lat), float(lon))
    return place.point


def bounds(geometry: Geometry) -> tuple[float, float, float, float]:
    """south, west, north, east of a Polygon or MultiPolygon."""
    polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    lons = [pt[0] for poly in polygons for ring in poly[:1] for pt in ring]
    lats = [pt[1] for poly in polygons for ring in poly[:1] for pt in ring]
    return min(lats), min(lons), max(lats), max(lons)
