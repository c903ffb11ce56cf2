"""countrystatecity's towns that cities500 leaves out (Hsipaw, Thandwe, Beit Sahour).

Reads: countrystatecity-countries 2.0.1 `by-country/*/states/*/cities.json` (ODbL 1.0).
Rows: `csc-city:<id>` (P/PPL, population 0, source `countrystatecity`) for a town with no
row of the same name within ~30 km; districts listed as cities ("Tokmak Raion") are
skipped.
"""
from __future__ import annotations

import glob
import json
import re
from collections import defaultdict

from geo.gazetteer.build.common import is_latin, row, site_packages_file
from geo.gazetteer.normalize import normalize as normalise

# countrystatecity lists some districts among its cities ("Tokmak Raion", "Cercle de Bourem",
# "Caza de Baabda", "Helsingør Kommune"): they are neither towns nor named as news names them.
_NOT_A_TOWN = re.compile(
    r"\b(?:rayon|raion|mis.?krada|cercle|caza|province|provincia|district|county|municipality|"
    r"municipio|department|d[eé]partement|prefecture|governorate|region|oblast|okrug|"
    r"kabupaten|kota|regency|sub-district|subdistrict|commune|comuna|distrito|partido|"
    r"kommune|kommun|bashkia|huy[eệ]n|qu[aậ]n|gmina|powiat)\b",
    re.IGNORECASE)


NEAR_DEG = 0.3  # a row of the same name this close (~30 km) already is the town


def csc_city_rows(rows: list[dict], blocked: set[str]) -> list[dict]:
    """countrystatecity's towns that the gazetteer lacks: no row of the same name (main or
    alternate) lies within `NEAR_DEG`. Its city lists come from GeoNames too, but they keep
    towns that cities500 leaves out for want of a population figure (Hsipaw, Thandwe, Beit
    Sahour, Al-Zabadani). Without a population they rank below any known place of the name,
    so they answer mostly where nothing else does. The region is the admin1 code of the
    countrystatecity state the city belongs to."""
    near = defaultdict(list)
    for r in rows:
        point = (float(r["lat"]), float(r["lon"]))
        for n in [r["name"], *r["alt_names"].split("|")]:
            if n:
                near[normalise(n)].append(point)
    admin1 = {r["id"]: r["admin1"] for r in rows if r["id"].startswith("csc:")}
    out = []
    base = site_packages_file("countrystatecity_countries", "data", "by-country")
    for path in sorted(glob.glob(str(base / "*" / "states" / "*" / "cities.json"))):
        for c in json.load(open(path, encoding="utf-8")):
            name, key = c["name"].strip(), normalise(c["name"])
            if (not key or key in blocked or not is_latin(name) or _NOT_A_TOWN.search(name)
                    or not c.get("latitude") or not c.get("longitude")):
                continue
            lat, lon = float(c["latitude"]), float(c["longitude"])
            if any(abs(a - lat) < NEAR_DEG and abs(b - lon) < NEAR_DEG for a, b in near[key]):
                continue
            near[key].append((lat, lon))  # the lists repeat a town under two states
            out.append(row(id=f"csc-city:{c['id']}", name=name, lat=lat, lon=lon,
                           feature_class="P", feature_code="PPL", country_code=c["country_code"],
                           admin1=admin1.get(f"csc:{c['state_id']}", ""), population=0,
                           source="countrystatecity"))
    return out
