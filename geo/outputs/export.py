"""Parse results -> JSONL (one line per document), GeoJSON (one feature per place), CSV
(one row per mention). JSONL and CSV stream; GeoJSON holds one entry per distinct place.
"""
from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from typing import IO, Any

from geo.types import ParseResult, Place, Resolution

CSV_COLUMNS = (
    "document_id", "title", "url", "date", "start", "end", "text", "lat", "lon", "name", "country_code",
    "feature_code", "gazetteer_id", "score", "demonym", "excerpt",
)


def mention_record(r: Resolution) -> dict[str, Any]:
    p = r.place
    return {
        "start": r.mention.start,
        "end": r.mention.end,
        "text": r.mention.text,
        "lat": p.lat if p else None,
        "lon": p.lon if p else None,
        "name": p.name if p else None,
        "country_code": p.country_code if p else None,
        "feature_code": p.feature_code if p else None,
        "gazetteer_id": p.id if p else None,
        "score": r.score if p else None,
        "demonym": r.mention.demonym,
        "excerpt": r.excerpt.text if r.excerpt else "",
    }


def document_record(result: ParseResult) -> dict[str, Any]:
    record: dict[str, Any] = {
        "id": result.document.id,
        "title": result.document.title,
        "url": result.document.url,
        "date": result.document.date,
        "mentions": [mention_record(r) for r in result.resolutions],
    }
    if result.error:
        record["error"] = result.error
    return record


def write_jsonl(results: Iterable[ParseResult], out: IO[str]) -> int:
    n = 0
    for result in results:
        out.write(json.dumps(document_record(result), ensure_ascii=False) + "\n")
        n += 1
    return n


def write_csv(results: Iterable[ParseResult], out: IO[str]) -> int:
    writer = csv.DictWriter(out, CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    n = 0
    for result in results:
        n += 1
        doc = result.document
        for r in result.resolutions:
            row = mention_record(r)
            row.update(document_id=doc.id, title=doc.title, url=doc.url, date=doc.date)
            writer.writerow({k: "" if row[k] is None else row[k] for k in CSV_COLUMNS})
    return n


def geojson(results: Iterable[ParseResult]) -> dict[str, Any]:
    """A FeatureCollection with one Point feature per place, its mentions and excerpts."""
    places: dict[str, tuple[Place, list[dict[str, Any]]]] = {}
    for result in results:
        doc = result.document
        for r in result.resolutions:
            if r.place is None:
                continue
            _, mentions = places.setdefault(r.place.id, (r.place, []))
            mentions.append({
                "document_id": doc.id, "title": doc.title, "url": doc.url, "date": doc.date,
                "text": r.mention.text, "start": r.mention.start, "end": r.mention.end,
                "demonym": r.mention.demonym, "excerpt": r.excerpt.text if r.excerpt else "",
            })
    features = [
        {
            "type": "Feature",
            "geometry": place.__geo_interface__,
            "properties": {
                "name": place.name, "country_code": place.country_code,
                "feature_code": place.feature_code, "gazetteer_id": place.id,
                "mention_count": len(mentions), "mentions": mentions,
            },
        }
        for place, mentions in places.values()
    ]
    return {"type": "FeatureCollection", "features": features}


def write_geojson(results: Iterable[ParseResult], out: IO[str]) -> int:
    collection = geojson(results)
    json.dump(collection, out, ensure_ascii=False)
    out.write("\n")
    return len(collection["features"])


WRITERS = {"jsonl": write_jsonl, "geojson": write_geojson, "csv": write_csv}
FORMATS = tuple(WRITERS)
