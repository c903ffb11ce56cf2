"""`geo resolve` and `geo gazetteer search`: candidates as JSON lines, one per place."""
from __future__ import annotations

import json
import sys


def print_candidates(name: str, candidates: list, limit: int, why: list | None = None) -> int:
    """One JSON line per candidate (with `why`: the features that decided its score, in
    log-odds); exit code 1 when there is none."""
    if not candidates:
        print(f"no gazetteer entry for {name!r}", file=sys.stderr)
        return 1
    for k, c in enumerate(candidates[:limit]):
        p = c.place
        record = {
            "score": c.score, "name": p.name, "alias": c.alias, "demonym": c.demonym,
            "lat": p.lat, "lon": p.lon, "country_code": p.country_code, "admin1": p.admin1,
            "feature_code": p.feature_code, "population": p.population, "gazetteer_id": p.id,
            "source": p.source,
        }
        if why is not None:
            record["why"] = why[k]
        print(json.dumps(record, ensure_ascii=False))
    return 0
