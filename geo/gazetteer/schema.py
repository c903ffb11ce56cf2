"""The gazetteer's two formats, shared by every module that reads or writes them.

The CSV columns (`gazetteer.csv`, user gazetteers) and the SQLite index schema live here,
apart from the code that builds indexes (`index`) and the GeoNames importer (`geonames`),
so that both depend on this module and neither on the other.
"""
from __future__ import annotations

import csv
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from geo.errors import GazetteerError, located
from geo.gazetteer.normalize import normalize, translit_key
from geo.types import Place

COLUMNS = (
    "id", "name", "alt_names", "lat", "lon", "feature_class", "feature_code",
    "country_code", "admin1", "admin2", "population", "demonyms", "source",
)
REQUIRED = ("id", "name", "lat", "lon")
INDEX_FORMAT = 4  # 2-4: transliteration keys (kind TRANSLIT) next to the exact ones

# Feature codes of countries and dependent territories.
COUNTRY_CODES = frozenset({"PCLI", "PCLD", "PCLF", "PCLS", "PCLIX", "PCL", "TERR"})
# Kinds of name, stored with each key.
NAME, ALT, DEMONYM = 0, 1, 2
# A name's transliteration key (`translit_key`, which starts with "~" so that no exact key
# ever equals one): looked up apart, and scored below exact matches.
TRANSLIT = 3


@dataclass(frozen=True, slots=True)
class Row:
    """A validated gazetteer row, before it becomes a `Place` in the index."""

    place: Place
    alt_names: tuple[str, ...]
    demonyms: tuple[str, ...]


def read_rows(path: Path) -> Iterator[Row]:
    """Validate and yield the rows of one gazetteer CSV; errors name file, line and column."""
    try:
        handle = open(path, newline="", encoding="utf-8")
    except FileNotFoundError:
        raise GazetteerError(f"{path}: gazetteer file not found") from None
    except OSError as exc:
        raise GazetteerError(f"{path}: cannot read gazetteer: {exc.strerror}") from None
    with handle:
        reader = csv.DictReader(handle)
        try:
            header = reader.fieldnames or []
        except (UnicodeDecodeError, csv.Error) as exc:
            raise GazetteerError(f"{located(path, 1)}: cannot read header: {exc}") from None
        missing = [c for c in REQUIRED if c not in header]
        if missing:
            raise GazetteerError(
                f"{located(path, 1)}: missing column(s) {', '.join(missing)}; "
                f"expected {','.join(COLUMNS)}"
            )
        unknown = [c for c in header if c not in COLUMNS]
        if unknown:
            raise GazetteerError(f"{located(path, 1, unknown[0])}: unknown column")
        line = 1
        try:
            for record in reader:
                line = reader.line_num
                yield _parse_row(record, path, line)
        except (UnicodeDecodeError, csv.Error) as exc:
            raise GazetteerError(f"{located(path, reader.line_num)}: {exc}") from None


def _parse_row(record: dict[str, str | None], path: Path, line: int) -> Row:
    if None in record:  # more fields than the header has
        raise GazetteerError(f"{located(path, line)}: more fields than the header's {len(record) - 1}")

    def text(column: str) -> str:
        return (record.get(column) or "").strip()

    def number(column: str, kind: type, low: float, high: float) -> float:
        raw = text(column)
        if not raw and column not in REQUIRED:
            return kind(0)
        try:
            value = kind(float(raw)) if kind is int else kind(raw)
        except ValueError:
            raise GazetteerError(f"{located(path, line, column)}: not a number: {raw!r}") from None
        if not low <= value <= high:
            raise GazetteerError(f"{located(path, line, column)}: {raw} is out of range [{low}, {high}]")
        return value

    for column in ("id", "name"):
        if not text(column):
            raise GazetteerError(f"{located(path, line, column)}: empty {column}")
    place = Place(
        id=text("id"),
        name=text("name"),
        lat=number("lat", float, -90, 90),
        lon=number("lon", float, -180, 180),
        feature_class=text("feature_class"),
        feature_code=text("feature_code"),
        country_code=text("country_code").upper(),
        admin1=text("admin1"),
        admin2=text("admin2"),
        population=int(number("population", int, 0, 10**10)),
        source=text("source"),
    )
    return Row(place, _split(text("alt_names")), _split(text("demonyms")))


def _split(value: str) -> tuple[str, ...]:
    return tuple(v.strip() for v in value.split("|") if v.strip())


SCHEMA = """
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
    CREATE TABLE places (
        rowid INTEGER PRIMARY KEY, id TEXT UNIQUE, name TEXT, lat REAL, lon REAL,
        feature_class TEXT, feature_code TEXT, country_code TEXT, admin1 TEXT,
        admin2 TEXT, population INTEGER, source TEXT);
    CREATE TABLE names (key TEXT, place INTEGER, kind INTEGER, alias TEXT,
        PRIMARY KEY (key, place, kind)) WITHOUT ROWID;
"""


def name_rows(rowid: int, row: Row) -> Iterator[tuple[str, int, int, str]]:
    """(key, place, kind, alias) rows: the exact key of every name, alternate name and
    demonym, and the transliteration key of every name and alternate name (one per key:
    the index's primary key drops repeats)."""
    for kind, names in ((NAME, (row.place.name,)), (ALT, row.alt_names), (DEMONYM, row.demonyms)):
        for name in names:
            key = normalize(name)
            if key:
                yield key, rowid, kind, name
            if kind != DEMONYM:
                loose = translit_key(name)
                if loose:
                    yield loose, rowid, TRANSLIT, name


def open_readonly(path: Path) -> sqlite3.Connection:
    db = sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True, check_same_thread=False)
    return db
