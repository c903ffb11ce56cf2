#!/usr/bin/env python3
"""Throwaway: how much of the gold toponyms of the dev corpora gazetteer.csv can cover.

Name recall: some entry has the gold phrase as name, alt name or demonym (normalised).
Oracle recall: some such entry lies within 161 km of the gold point (the ceiling of any
resolver on this gazetteer).  Used only to MEASURE; nothing here feeds the gazetteer.

    .venv/bin/python scripts/coverage_check.py [--gazetteer gazetteer.csv] [--misses 30]
"""
from __future__ import annotations

import argparse
import csv
import math
import sys
import xml.etree.ElementTree as ET
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from build_gazetteer import normalise  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
CORPORA = ROOT.parent / "shared" / "corpora"


def haversine(lat1, lon1, lat2, lon2) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(min(1.0, a)))


def load_index(path: Path) -> dict[str, list[tuple[float, float, str]]]:
    index = defaultdict(list)
    with open(path, encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):
            pt = (float(r["lat"]), float(r["lon"]), r["id"])
            names = {r["name"], *r["alt_names"].split("|"), *r["demonyms"].split("|")}
            for n in names:
                if n:
                    index[normalise(n)].append(pt)
    return index


def gold(corpus: str):
    """(phrase, lat, lon) of every gold toponym with coordinates."""
    root = ET.parse(CORPORA / f"{corpus}.xml").getroot()
    if corpus == "geovirus":
        for loc in root.iter("location"):
            lat, lon = loc.findtext("lat"), loc.findtext("lon")
            if lat and lon:
                yield loc.findtext("name"), float(lat), float(lon)
        return
    for top in root.iter("toponym"):
        g = top.find("gaztag")
        if g is None or g.findtext("lat") is None:
            continue
        yield top.findtext("phrase"), float(g.findtext("lat")), float(g.findtext("lon"))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--gazetteer", type=Path, default=ROOT / "gazetteer.csv")
    ap.add_argument("--misses", type=int, default=30)
    args = ap.parse_args(argv)
    index = load_index(args.gazetteer)
    for corpus in ("lgl", "trnews", "geovirus"):
        n = named = near = 0
        name_miss, far_miss = Counter(), Counter()
        for phrase, lat, lon in gold(corpus):
            n += 1
            cands = index.get(normalise(phrase), [])
            if not cands:
                name_miss[phrase] += 1
                continue
            named += 1
            if any(haversine(lat, lon, a, b) <= 161 for a, b, _ in cands):
                near += 1
            else:
                far_miss[phrase] += 1
        print(f"{corpus:9s} n={n:5d}  name recall {named / n:.3f}  oracle recall {near / n:.3f}")
        if args.misses:
            print("  missing names:", ", ".join(f"{k} {v}" for k, v in name_miss.most_common(args.misses)))
            print("  found but far:", ", ".join(f"{k} {v}" for k, v in far_miss.most_common(args.misses)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
