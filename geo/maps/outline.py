"""Offline country outlines (Natural Earth 1:110m), the backdrop for maps that cannot load tiles.

The data file is built by scripts/build_outline.py and ships inside the package, so neither the
self-contained HTML map nor the static image needs the network. Each feature also carries
`iso_a2` (ISO 3166-1 alpha-2, added from the gazetteer's country entries; "N. Cyprus" and
"Somaliland" have none), which is how `areas.py` finds a country's outline.
"""
from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from typing import Any

OUTLINE_FILE = "countries-110m.geojson"


@lru_cache(maxsize=1)
def _outline_text() -> str:
    return resources.files("geo.maps").joinpath("data", OUTLINE_FILE).read_text(encoding="utf-8")


def country_outlines() -> dict[str, Any]:
    """A fresh GeoJSON FeatureCollection of country polygons (callers may mutate it)."""
    return json.loads(_outline_text())
