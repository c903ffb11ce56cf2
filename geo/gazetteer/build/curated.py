"""The hand-made rows: what no package has.

Reads: `data/curated.csv` of this repository (rows written for this project, MIT; each
row's `source` is the Wikipedia article that describes the feature).
Rows: `cur:<slug>`: bases, border crossings, dams, camps, rivers, seas, volcanoes, mountain
ranges, world regions.
"""
from __future__ import annotations

import csv
import sys
from pathlib import Path

from geo.gazetteer.build.common import row
from geo.gazetteer.schema import COLUMNS

def curated_rows(path: Path) -> list[dict]:
    """Hand-made rows (natural features, world regions, landmarks), each with a source."""
    rows = []
    with open(path, encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):
            if not r.get("source"):
                sys.exit(f"curated row {r.get('id')} has no source")
            rows.append(row(**{c: r.get(c, "") for c in COLUMNS}))
    return rows
