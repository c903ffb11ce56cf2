"""Parse results -> JSONL (one line per document), GeoJSON (one feature per place), CSV
(one row per mention). JSONL and CSV stream; GeoJSON holds one entry per distinct place.
"""
from __future__ import annotations

import csv
import json
import unicodedata
from collections import Counter
from collections.abc import Iterable
from typing import IO, Any

from geo.types import Document, ParseResult, Place, Resolution

CSV_COLUMNS = (
    "document_id", "title", "url", "date", "site_name", "author", "start", "end", "text", "lat", "lon", "name", "display_name",
    "country_code", "feature_code", "gazetteer_id", "score", "demonym", "excerpt",
)

# Transliteration marks that have no decomposition: ayn/hamza signs go, the rest fold to ASCII.
_FOLD = str.maketrans({
    "\u02bf": "", "\u02be": "", "\u02bb": "", "\u2018": "", "\u02bc": "'", "\u2019": "'",
    "ı": "i", "ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D", "ß": "ss",
    "æ": "ae", "Æ": "Ae", "œ": "oe", "Œ": "Oe", "þ": "th", "ð": "d",
})


def plain_name(name: str) -> str:
    """A gazetteer name without transliteration diacritics: "Ţarţūs" -> "Tartus", "Dar‘ā" -> "Dara"."""
    decomposed = unicodedata.normalize("NFKD", name.translate(_FOLD))
    return unicodedata.normalize("NFC", "".join(c for c in decomposed if not unicodedata.combining(c)))


def display_name(name: str, written: Iterable[str]) -> str:
    """The name to show for a place: the form the articles write most ("Tartous", "Deraa"),
    else (a place named only by a demonym, or by nobody) the gazetteer `name` without diacritics.

    Forms that differ only in case count together; the shown spelling is the group's commonest
    one that is not a shouting dateline ("DAMASCUS -"), title-cased if that is all there is.
    Ties go to the form written first. Forms in other scripts (Russian "Харькова", Arabic
    "حلب", often inflected) are left to `text`: the display name is then the gazetteer's.
    """
    groups: dict[str, Counter[str]] = {}
    for form in written:
        form = " ".join(form.split())
        if form and _latin(form):
            groups.setdefault(form.casefold(), Counter())[form] += 1
    if not groups:
        return plain_name(name)
    best = max(groups.values(), key=lambda c: sum(c.values()))  # max keeps the first of equals
    quiet = [f for f, _ in best.most_common() if not (f.isupper() and len(f) > 4)]
    if quiet:
        return quiet[0]
    return best.most_common(1)[0][0].title()


def _latin(form: str) -> bool:
    return all(not c.isalpha() or unicodedata.name(c, "").startswith("LATIN") for c in form)


def document_fields(doc: Document) -> dict[str, str]:
    """Where and when a document appeared: the fields every export carries with its places."""
    return {"title": doc.title, "url": doc.url, "date": doc.date, "site_name": doc.site_name,
            "author": doc.author}


def mention_record(r: Resolution, shown: str | None = None) -> dict[str, Any]:
    """One mention; `shown` is the place's display name (by default, from this mention alone)."""
    p = r.place
    if p and shown is None:
        shown = display_name(p.name, [] if r.mention.demonym else [r.mention.text])
    return {
        "start": r.mention.start,
        "end": r.mention.end,
        "text": r.mention.text,
        "lat": p.lat if p else None,
        "lon": p.lon if p else None,
        "name": p.name if p else None,
        "display_name": shown if p else None,
        "country_code": p.country_code if p else None,
        "feature_code": p.feature_code if p else None,
        "gazetteer_id": p.id if p else None,
        "score": r.score if p else None,
        "demonym": r.mention.demonym,
        "excerpt": r.excerpt.text if r.excerpt else "",
    }


def _shown_names(result: ParseResult) -> dict[str, str]:
    """Display name per place id, from how this document writes each place."""
    written: dict[str, list[str]] = {}
    names: dict[str, str] = {}
    for r in result.resolutions:
        if r.place is not None:
            names[r.place.id] = r.place.name
            forms = written.setdefault(r.place.id, [])
            if not r.mention.demonym:
                forms.append(r.mention.text)
    return {pid: display_name(names[pid], forms) for pid, forms in written.items()}


def document_record(result: ParseResult) -> dict[str, Any]:
    shown = _shown_names(result)
    record: dict[str, Any] = {
        "id": result.document.id,
        **document_fields(result.document),
        "mentions": [mention_record(r, shown.get(r.place.id) if r.place else None)
                     for r in result.resolutions],
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
    # Every text cell quoted, numbers bare: a spreadsheet reads numbers as numbers, and a carriage
    # return inside a text (which minimal quoting leaves bare with "\n" line ends) stays inside it.
    writer = csv.DictWriter(out, CSV_COLUMNS, lineterminator="\n", quoting=csv.QUOTE_NONNUMERIC)
    writer.writeheader()
    n = 0
    for result in results:
        n += 1
        doc = result.document
        shown = _shown_names(result)
        for r in result.resolutions:
            row = mention_record(r, shown.get(r.place.id) if r.place else None)
            row.update(document_id=doc.id, **document_fields(doc))
            writer.writerow({k: spreadsheet_safe(row[k]) for k in CSV_COLUMNS})
    return n


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: Any) -> Any:
    """A CSV cell a spreadsheet will not run: text starting with = + - @ tab or CR (a title or
    excerpt is whatever the article's author wrote) gets a leading `'`, as OWASP advises
    against formula injection. Numbers stay numbers (a negative longitude is no formula);
    None is an empty cell."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def geojson(results: Iterable[ParseResult]) -> dict[str, Any]:
    """A FeatureCollection with one Point feature per place, its mentions and excerpts."""
    places: dict[str, tuple[Place, list[dict[str, Any]]]] = {}
    written: dict[str, list[str]] = {}
    for result in results:
        doc = result.document
        for r in result.resolutions:
            if r.place is None:
                continue
            _, mentions = places.setdefault(r.place.id, (r.place, []))
            if not r.mention.demonym:
                written.setdefault(r.place.id, []).append(r.mention.text)
            mentions.append({
                "document_id": doc.id, **document_fields(doc),
                "text": r.mention.text, "start": r.mention.start, "end": r.mention.end,
                "demonym": r.mention.demonym, "excerpt": r.excerpt.text if r.excerpt else "",
            })
    features = [
        {
            "type": "Feature",
            "geometry": place.__geo_interface__,
            "properties": {
                "name": place.name, "display_name": display_name(place.name, written.get(place.id, [])),
                "country_code": place.country_code,
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
