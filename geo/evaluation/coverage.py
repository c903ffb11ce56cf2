"""How much of an annotated corpus the gazetteer can answer at all, before any ranking.

Two ceilings, over the gold toponyms that have coordinates:

* name recall: some gazetteer entry carries the gold phrase (`candidates(phrase)` is not
  empty), the most the resolver can ever *attempt*;
* oracle recall: some such entry lies within 161 km of the gold point, the accuracy a
  perfect ranker would reach on this gazetteer.

The gap between the resolver's Acc@161 and oracle recall is the ranker's fault; the gap
between oracle recall and 1 is the gazetteer's, and the most frequent misses say what to add:
a *name* miss needs a new entry or alias, a *distance* miss a better point for an entry that
exists.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from geo.distance import great_circle_km
from geo.evaluation.corpora import GoldDocument
from geo.evaluation.metrics import ACC_KM

NAME_MISS = "name"
DISTANCE_MISS = "distance"


@dataclass
class Coverage:
    toponyms: int = 0  # gold toponyms with coordinates
    named: int = 0  # ... whose phrase the gazetteer knows
    oracle: int = 0  # ... with a candidate within `km` of the gold point
    misses: Counter[tuple[str, str]] = field(default_factory=Counter)  # (phrase, kind) -> count

    @property
    def name_recall(self) -> float | None:
        return self.named / self.toponyms if self.toponyms else None

    @property
    def oracle_recall(self) -> float | None:
        return self.oracle / self.toponyms if self.toponyms else None

    def top_misses(self, n: int = 20) -> list[tuple[str, int, str]]:
        """(phrase, count, "name" | "distance"), most frequent first, then alphabetical."""
        ranked = sorted(self.misses.items(), key=lambda item: (-item[1], item[0][0].casefold()))
        return [(phrase, count, kind) for (phrase, kind), count in ranked[:n]]


def coverage(documents: Iterable[GoldDocument], gazetteer, km: float = ACC_KM) -> Coverage:
    """Name and oracle recall of `gazetteer` (anything with `candidates(name)`) on a corpus."""
    points: dict[str, list[tuple[float, float]]] = {}  # phrase -> candidate points, looked up once
    out = Coverage()
    for doc in documents:
        for t in doc.toponyms:
            if not t.has_point:
                continue
            out.toponyms += 1
            found = points.get(t.phrase)
            if found is None:
                found = points[t.phrase] = [c.place.point for c in gazetteer.candidates(t.phrase)]
            if not found:
                out.misses[(t.phrase, NAME_MISS)] += 1
                continue
            out.named += 1
            if any(great_circle_km(t.lat, t.lon, lat, lon) <= km for lat, lon in found):
                out.oracle += 1
            else:
                out.misses[(t.phrase, DISTANCE_MISS)] += 1
    return out


def format_table(reports: Mapping[str, Coverage], top: int = 20) -> str:
    """The recall table, then each corpus's most frequent misses."""

    def pct(value: float | None) -> str:
        return "-" if value is None else f"{value:.3f}"

    width = max([len("corpus"), *map(len, reports)])
    lines = [f"{'corpus':<{width}}  {'toponyms':>8}  {'name recall':>11}  {'oracle recall':>13}"]
    for name, c in reports.items():
        lines.append(f"{name:<{width}}  {c.toponyms:>8}  {pct(c.name_recall):>11}  {pct(c.oracle_recall):>13}")
    for name, c in reports.items():
        misses = c.top_misses(top)
        if not misses:
            continue
        lines += ["", f"{name}: {len(misses)} most frequent misses (of {sum(c.misses.values())})",
                  f"  {'count':>5}  {'miss':<8}  phrase"]
        lines += [f"  {count:>5}  {kind:<8}  {phrase}" for phrase, count, kind in misses]
    return "\n".join(lines) + "\n"
