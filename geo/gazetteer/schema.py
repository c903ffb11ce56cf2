"""The gazetteer's two formats, shared by every module that reads or writes them.

The CSV columns (`gazetteer.csv`, user gazetteers) and the SQLite index schema live here,
apart from the code that builds indexes (`compile`) and the GeoNames importer (`geonames`),
so that both depend on this module and neither on the other.
"""
from __future__ import annotations

import csv
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from geo.errors import GazetteerError, located
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
    for place, alt_names, demonyms in read_records(path):
        yield Row(Place(*place), alt_names, demonyms)


# A validated row as plain tuples: the fields of `Place` in order, alternate names, demonyms.
Record = tuple[tuple, tuple[str, ...], tuple[str, ...]]


def read_records(path: Path) -> Iterator[Record]:
    """`read_rows` without the `Place` objects, for the index builder.

    A first run reads the shipped quarter of a million rows before anything else happens,
    so this is `csv.reader` with the columns looked up once, and tuples rather than frozen
    dataclasses (whose every field costs an `object.__setattr__`)."""
    try:
        handle = open(path, newline="", encoding="utf-8")
    except FileNotFoundError:
        raise GazetteerError(f"{path}: gazetteer file not found") from None
    except OSError as exc:
        raise GazetteerError(f"{path}: cannot read gazetteer: {exc.strerror}") from None
    with handle:
        reader = csv.reader(handle)
        try:
            header = next(reader, [])
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
        parse = _RowParser(header, path)
        try:
            for record in reader:
                if record:  # blank lines are skipped, as csv.DictReader does
                    yield parse(record, reader.line_num)
        except (UnicodeDecodeError, csv.Error) as exc:
            raise GazetteerError(f"{located(path, reader.line_num)}: {exc}") from None


class _RowParser:
    """Turns the fields of one CSV record into a `Row`, given the file's header."""

    def __init__(self, header: list[str], path: Path):
        self.width = len(header)
        self.path = path
        # a column the file lacks reads as "" (its position is past every record's end)
        self.at = {c: header.index(c) if c in header else self.width for c in COLUMNS}

    def __call__(self, record: list[str], line: int) -> Record:
        if len(record) > self.width:
            raise GazetteerError(f"{located(self.path, line)}: more fields than the header's {self.width}")
        at = self.at
        fields = [f.strip() for f in record]
        fields += [""] * (self.width + 1 - len(fields))
        for column in ("id", "name"):
            if not fields[at[column]]:
                raise GazetteerError(f"{located(self.path, line, column)}: empty {column}")
        place = (  # the fields of `Place`, in order
            fields[at["id"]],
            fields[at["name"]],
            self.number(fields, "lat", float, -90, 90, line),
            self.number(fields, "lon", float, -180, 180, line),
            fields[at["feature_class"]],
            fields[at["feature_code"]],
            fields[at["country_code"]].upper(),
            fields[at["admin1"]],
            fields[at["admin2"]],
            int(self.number(fields, "population", int, 0, 10**10, line)),
            fields[at["source"]],
        )
        return place, _split(fields[at["alt_names"]]), _split(fields[at["demonyms"]])

    def number(self, fields: list[str], column: str, kind: type, low: float, high: float,
               line: int) -> float:
        raw = fields[self.at[column]]
        if not raw and column not in REQUIRED:
            return kind(0)
        try:
            value = kind(float(raw)) if kind is int else kind(raw)
        except (ValueError, OverflowError):  # "ten", "nan" or "inf" people
            raise GazetteerError(f"{located(self.path, line, column)}: not a number: {raw!r}") from None
        if not low <= value <= high:
            raise GazetteerError(f"{located(self.path, line, column)}: {raw} is out of range [{low}, {high}]")
        return value


def _split(value: str) -> tuple[str, ...]:
    if not value:
        return ()
    return tuple(v for v in map(str.strip, value.split("|")) if v)


SCHEMA = """
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
    CREATE TABLE places (
        rowid INTEGER PRIMARY KEY, id TEXT UNIQUE, name TEXT, lat REAL, lon REAL,
        feature_class TEXT, feature_code TEXT, country_code TEXT, admin1 TEXT,
        admin2 TEXT, population INTEGER, source TEXT);
    CREATE TABLE names (key TEXT, place INTEGER, kind INTEGER, alias TEXT,
        PRIMARY KEY (key, place, kind)) WITHOUT ROWID;
"""


def open_readonly(path: Path) -> sqlite3.Connection:
    db = sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True, check_same_thread=False)
    return db
