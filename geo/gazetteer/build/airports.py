"""Air bases and the airports that make news.

Reads: `airports.csv` of the PyPI package `airportsdata` (MIT).
Rows: `ap:<ICAO>` (S/AIRB for military fields, S/AIRP for international airports and the
IATA airports of cities of a million people), source `airportsdata`, with the shorter
names news uses ("Heathrow"); never the IATA code nor the bare city name.
"""
from __future__ import annotations

import csv
import re

from geo.gazetteer.build.common import clean_alts, is_latin, row, site_packages_file
from geo.gazetteer.normalize import normalize as normalise

_MILITARY = re.compile(r"\b(Air Base|Airbase|Air Force Base|AFB|Air Station|Naval Air|"
                       r"Military|Army Air|Air Field|Airfield|Joint Base|Marine Corps)\b", re.I)


_GENERIC = re.compile(r"\b(International|Regional|Municipal|Airport|Airfield|Field|Air Base|"
                      r"Airbase|County|City|Intercontinental|Domestic|Terminal)\b", re.I)


def airport_name_variants(name: str, city: str) -> list[str]:
    """Shorter forms news uses: "London Heathrow Airport" -> "Heathrow Airport",
    "Heathrow"; never the bare city and never a code."""
    out = [re.sub(r"\s+Airport$", "", name)]
    if city and name.startswith(city + " "):
        rest = name[len(city) + 1:]
        out.append(rest if rest.endswith("Airport") else rest + " Airport")
        bare = re.sub(r"\s+(International\s+)?Airport$", "", rest)
        if len(bare) >= 4 and not _GENERIC.search(bare):
            out.append(bare)
    return out


def airport_rows(blocked: set[str], city_pop: dict) -> list[dict]:
    """Air bases, international airports with an IATA code, and the IATA airports of
    cities of a million people (Heathrow, Gatwick): the airports that make news.
    Airport names are kept, never the IATA code nor the bare city name."""
    path = site_packages_file("airportsdata", "airports.csv")
    rows = []
    with open(path, encoding="utf-8") as fh:
        for a in csv.DictReader(fh):
            name = a["name"].strip()
            military = bool(_MILITARY.search(name))
            big = bool(a["iata"]) and ("International" in name or
                                       city_pop.get((a["country"], normalise(a["city"])), 0) >= 1_000_000)
            if not (military or big) or not is_latin(name):
                continue
            variants = airport_name_variants(name, a["city"].strip())
            if military:
                variants.append(re.sub(r"\s+(Air Base|Airbase)$", "", name) + " Air Base")
            alts = [v for v in clean_alts(name, variants)
                    if normalise(v) not in blocked and normalise(v) != normalise(a["city"])]
            rows.append(row(id=f"ap:{a['icao']}", name=name, alt_names=alts, lat=a["lat"],
                            lon=a["lon"], feature_class="S",
                            feature_code="AIRB" if military else "AIRP",
                            country_code=a["country"], source="airportsdata"))
    return rows
