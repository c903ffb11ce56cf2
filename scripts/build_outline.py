"""Build geo/data/countries-110m.geojson, the offline country outlines under self-contained maps.

Source: Natural Earth 1:110m countries (public domain) as shipped by the npm package
`world-atlas` 2.0.2 (`countries-110m.json`, TopoJSON). Fetch it with the ordinary client:

    npm pack world-atlas@2.0.2 && tar xzf world-atlas-2.0.2.tgz   # -> package/countries-110m.json
    python scripts/build_outline.py package/countries-110m.json

TopoJSON is decoded here (a few lines) rather than with a library so the build needs nothing but
the standard library. Coordinates are rounded to 0.01 degrees: enough for a backdrop at world and
country zoom, and it keeps the file small.
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "geo" / "maps" / "data" / "countries-110m.geojson"
PRECISION = 2


def decode_arcs(topology: dict) -> list[list[tuple[float, float]]]:
    """Undo TopoJSON quantization and delta encoding, giving each arc as absolute lon/lat."""
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((round(x * sx + tx, PRECISION), round(y * sy + ty, PRECISION)))
        arcs.append(points)
    return arcs


def ring(indexes: list[int], arcs: list[list[tuple[float, float]]]) -> list[tuple[float, float]]:
    """Join arcs into one ring; a negative index ~i means arc i reversed; shared ends drop once."""
    points: list[tuple[float, float]] = []
    for index in indexes:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        points.extend(arc if not points else arc[1:])
    return points


def unwrap(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Move the west part of a ring that crosses the antimeridian (Russia, Fiji) past 180 degrees.

    The source is cut for spherical projections, so such rings jump from 180 to -180; drawn on a
    flat map that jump is a line across the world. Antarctica spans all longitudes on purpose.
    """
    lons = [x for x, _ in points]
    if max(lons) - min(lons) <= 180 or min(y for _, y in points) < -60:
        return points
    return [(x + 360 if x < 0 else x, y) for x, y in points]


def feature(geometry: dict, arcs: list[list[tuple[float, float]]]) -> dict | None:
    """One GeoJSON Feature (name property only) from a TopoJSON (Multi)Polygon."""
    if geometry["type"] == "Polygon":
        polygons = [geometry["arcs"]]
    elif geometry["type"] == "MultiPolygon":
        polygons = geometry["arcs"]
    else:
        return None
    coordinates = [[unwrap(ring(r, arcs)) for r in polygon] for polygon in polygons]
    return {
        "type": "Feature",
        "properties": {"name": geometry.get("properties", {}).get("name", "")},
        "geometry": {"type": "MultiPolygon", "coordinates": coordinates},
    }


def build(source: Path, out: Path = OUT) -> int:
    """Write the GeoJSON; returns its size in bytes."""
    topology = json.loads(source.read_text(encoding="utf-8"))
    arcs = decode_arcs(topology)
    features = [f for g in topology["objects"]["countries"]["geometries"] if (f := feature(g, arcs))]
    collection = {"type": "FeatureCollection", "features": features}
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(collection, separators=(",", ":")), encoding="utf-8")
    return out.stat().st_size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path, help="countries-110m.json from the npm package world-atlas")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    size = build(args.source, args.out)
    print(f"wrote {args.out} ({size} bytes)")


if __name__ == "__main__":
    main()
