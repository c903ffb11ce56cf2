"""Import a full GeoNames dump (allCountries.txt, cities500.txt, or their .zip) as a gazetteer.

The shipped gazetteer.csv holds the ~250k places news mentions most; GeoNames' full dump has
12 million, with every village, wadi and hill. Compiling that through the CSV path would hold
every row in memory (the CSV index builder dedupes rows by id in a dict), so this module
streams the dump instead and writes an SQLite file in exactly the schema `geo.gazetteer.index`
builds, which `Gazetteer.load(index=PATH)` (or ``$GEO_GAZETTEER_INDEX``) then opens in place
of the CSV-built index.

Memory stays bounded whatever the dump's size:

* rows are parsed one line at a time and inserted in batches;
* names are first appended to an unindexed staging table in a side file, then copied into
  the real `names` table in key order at the end. SQLite sorts that externally (on disk), and
  inserting in key order keeps the B-tree writes sequential instead of one random page per
  name, which is what makes a 12-million-place import finish in minutes rather than hours;
* rows that override others by id (the CSV gazetteers, applied on top of the dump, as in
  `geo.gazetteer.index`) replace the place row; the replaced row's staged names are dropped by the
  final copy, which keeps only names whose place still exists.

Only alternate names written in Latin script are kept: the news geo reads is English, and
the other scripts would triple the index for names no English article spells.
"""
from __future__ import annotations

import contextlib
import io
import os
import re
import sqlite3
import sys
import tempfile
import time
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import IO

from geo.errors import GazetteerError, located
from geo.gazetteer.index import cache_dir, fingerprint, shipped_gazetteer
from geo.gazetteer.normalize import normalize
from geo.gazetteer.schema import ALT, DEMONYM, INDEX_FORMAT, NAME, SCHEMA, Row, read_rows
from geo.types import Place

GEONAMES_COLUMNS = (
    "geonameid", "name", "asciiname", "alternatenames", "latitude", "longitude",
    "feature class", "feature code", "country code", "cc2", "admin1 code", "admin2 code",
    "admin3 code", "admin4 code", "population", "elevation", "dem", "timezone",
    "modification date",
)
BATCH = 5000
PAGE_CACHE_KB = 64 * 1024  # SQLite page cache (and sorter memory) while importing: bounded, not per row

# Everything a Latin-script name may contain: Latin letters (Basic, Latin-1, Extended A/B,
# IPA, modifier letters such as the okina), combining accents, Latin Extended Additional
# (Vietnamese), general punctuation, Latin Extended C/D/E and the Latin ligatures.
_NOT_LATIN = re.compile(
    "[^\u0000-\u036f\u1e00-\u1eff\u2000-\u206f\u2c60-\u2c7f\ua720-\ua7ff\uab30-\uab6f\ufb00-\ufb06]"
)


def is_latin(name: str) -> bool:
    return _NOT_LATIN.search(name) is None


@dataclass(frozen=True, slots=True)
class ImportReport:
    output: Path
    rows: int  # GeoNames rows read
    kept: int  # of which kept (feature class filter)
    places: int  # places in the index (dump + CSV gazetteers, after overrides)
    names: int
    seconds: float

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0


def default_output(source: Path) -> Path:
    return cache_dir() / f"{source.name.split('.')[0]}.sqlite"


def import_geonames(
    source: str | Path,
    output: str | Path | None = None,
    *,
    gazetteers: Sequence[str | Path] | None = None,
    feature_classes: str | None = None,
    progress: bool | None = None,
    batch_size: int = BATCH,
) -> ImportReport:
    """Build a gazetteer index at `output` from a GeoNames dump, written atomically.

    `gazetteers` are CSV gazetteers applied on top of the dump (default: the shipped
    gazetteer.csv, whose curated countries, regions and demonyms then override the dump's rows
    with the same id); pass ``()`` for the dump alone. `feature_classes` ("AP", ...) keeps only
    rows of those GeoNames classes. `progress` (default: when stderr is a terminal) draws a
    bar on stderr.
    """
    source = Path(source)
    output = Path(output) if output else default_output(source)
    csvs = [shipped_gazetteer()] if gazetteers is None else [Path(p) for p in gazetteers]
    classes = set(feature_classes.upper()) if feature_classes else None
    started = time.perf_counter()
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{output.name}-", suffix=".tmp", dir=output.parent)
        os.close(fd)
        umask = os.umask(0o022)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp's 0600 would hide a shared index from other users
    except OSError as exc:
        raise GazetteerError(f"{output}: cannot write the gazetteer index: {exc.strerror}") from None
    stage = tmp + ".stage"
    try:
        db = sqlite3.connect(tmp)
        try:
            db.executescript(f"PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;"
                             f" PRAGMA cache_size = -{PAGE_CACHE_KB}; {SCHEMA}")
            db.execute("ATTACH DATABASE ? AS stage", (stage,))
            db.executescript("PRAGMA stage.journal_mode = OFF; PRAGMA stage.synchronous = OFF;"
                             " CREATE TABLE stage.names (key TEXT, place INTEGER, kind INTEGER, alias TEXT);")
            writer = _Writer(db, batch_size)
            counts = {"rows": 0, "kept": 0}
            with _Progress(source.name, progress) as bar:
                for row in read_geonames(source, classes, counts, bar.update):
                    writer.add(row)
            for path in csvs:
                for row in read_rows(path):
                    writer.add(row)
            writer.flush()
            db.commit()
            with _sqlite_tmpdir(output.parent):  # the sort spills to disk next to the output, not /tmp
                db.execute(
                    "INSERT OR IGNORE INTO names SELECT key, place, kind, alias FROM stage.names"
                    " WHERE place IN (SELECT rowid FROM places) ORDER BY key, place, kind"
                )
            db.commit()
            db.execute("DETACH DATABASE stage")
            key = fingerprint([source, *csvs])
            db.executemany("INSERT INTO meta VALUES (?, ?)", [
                ("fingerprint", key),
                ("built", datetime.now(timezone.utc).isoformat(timespec="seconds")),
                ("sources", os.pathsep.join(str(p) for p in (source, *csvs))),
                ("index_format", str(INDEX_FORMAT)),
                ("imported_from", str(source)),
            ])
            db.commit()
            places = db.execute("SELECT COUNT(*) FROM places").fetchone()[0]
            names = db.execute("SELECT COUNT(*) FROM names").fetchone()[0]
        finally:
            db.close()
        os.replace(tmp, output)
    except sqlite3.Error as exc:
        raise GazetteerError(f"{output}: cannot build the gazetteer index: {exc}") from None
    finally:
        Path(tmp).unlink(missing_ok=True)
        Path(stage).unlink(missing_ok=True)
    return ImportReport(output, counts["rows"], counts["kept"], places, names,
                        time.perf_counter() - started)


class _Writer:
    """Batches place rows and staged names; gives every row the next rowid.

    A row whose id is already in the index replaces it (INSERT OR REPLACE on the UNIQUE id):
    the old rowid disappears, and with it, at the final copy, the old row's names.
    """

    def __init__(self, db: sqlite3.Connection, batch_size: int):
        self.db, self.batch_size = db, batch_size
        self.rowid = 0
        self.places: list[tuple] = []
        self.names: list[tuple[str, int, int, str]] = []

    def add(self, row: Row) -> None:
        self.rowid += 1
        p = row.place
        self.places.append((self.rowid, p.id, p.name, p.lat, p.lon, p.feature_class,
                            p.feature_code, p.country_code, p.admin1, p.admin2, p.population,
                            p.source))
        seen: set[tuple[str, int]] = set()
        for kind, names in ((NAME, (p.name,)), (ALT, row.alt_names), (DEMONYM, row.demonyms)):
            for name in names:
                key = normalize(name)
                if key and (key, kind) not in seen:
                    seen.add((key, kind))
                    self.names.append((key, self.rowid, kind, name))
        if len(self.places) >= self.batch_size:
            self.flush()

    def flush(self) -> None:
        self.db.executemany("INSERT OR REPLACE INTO places VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", self.places)
        self.db.executemany("INSERT INTO stage.names VALUES (?,?,?,?)", self.names)
        self.places.clear()
        self.names.clear()


# -- reading the dump --------------------------------------------------------------------


def read_geonames(
    path: str | Path,
    feature_classes: set[str] | None = None,
    counts: dict[str, int] | None = None,
    on_progress=None,
) -> Iterator[Row]:
    """Rows of a GeoNames dump (.txt, or a .zip holding one), one line at a time.

    Errors name the file (and the zip member) and the line. `on_progress(bytes_read, total)`
    is called as the file is read.
    """
    path = Path(path)
    counts = counts if counts is not None else {}
    counts.setdefault("rows", 0)
    counts.setdefault("kept", 0)
    source = f"geonames-{path.name.split('.')[0]}"
    with _open_dump(path) as (stream, total, where):
        done = 0
        for line_no, raw in enumerate(stream, start=1):
            done += len(raw)
            if on_progress is not None and line_no % 4096 == 0:
                on_progress(done, total)
            try:
                line = raw.decode("utf-8").rstrip("\r\n")
            except UnicodeDecodeError as exc:
                raise GazetteerError(f"{located(where, line_no)}: not UTF-8: {exc.reason}") from None
            if not line.strip() or line.startswith("#"):
                continue
            counts["rows"] += 1
            fields = line.split("\t")
            if feature_classes is not None and (len(fields) < 7 or fields[6] not in feature_classes):
                continue
            counts["kept"] += 1
            yield parse_geonames(fields, where, line_no, source)
        if on_progress is not None:
            on_progress(done, total)


def parse_geonames(fields: list[str], where: str, line: int, source: str = "geonames") -> Row:
    """One GeoNames line (split on tabs) -> a gazetteer `Row` with id ``gn:<geonameid>``."""
    if len(fields) != len(GEONAMES_COLUMNS):
        raise GazetteerError(
            f"{located(where, line)}: expected {len(GEONAMES_COLUMNS)} tab-separated GeoNames"
            f" columns, found {len(fields)}"
        )

    def number(index: int, kind: type, low: float, high: float, default: str | None = None):
        raw = fields[index].strip() or default
        column = GEONAMES_COLUMNS[index]
        try:
            value = kind(raw)
        except (TypeError, ValueError):
            raise GazetteerError(f"{located(where, line, column)}: not a number: {fields[index]!r}") from None
        if not low <= value <= high:
            raise GazetteerError(f"{located(where, line, column)}: {raw} is out of range [{low}, {high}]")
        return value

    geonameid = number(0, int, 1, 10**12)
    name = fields[1].strip()
    if not name:
        raise GazetteerError(f"{located(where, line, 'name')}: empty name")
    place = Place(
        id=f"gn:{geonameid}",
        name=name,
        lat=number(4, float, -90, 90),
        lon=number(5, float, -180, 180),
        feature_class=fields[6].strip(),
        feature_code=fields[7].strip(),
        country_code=fields[8].strip().upper(),
        admin1=fields[10].strip(),
        admin2=fields[11].strip(),
        population=number(14, int, 0, 10**10, "0"),
        source=source,
    )
    main = normalize(name)
    keys: set[str] = {main}
    seen: set[str] = {name}
    alt: list[str] = []
    for alias in (fields[2], *fields[3].split(",")):
        alias = alias.strip()
        if alias in seen or not (alias.isascii() or is_latin(alias)):
            continue  # the dump repeats names a lot: skip those before the costly normalize
        seen.add(alias)
        key = normalize(alias)
        if key and key not in keys:
            keys.add(key)
            alt.append(alias)
    return Row(place, tuple(alt), ())


@contextlib.contextmanager
def _open_dump(path: Path) -> Iterator[tuple[IO[bytes], int, str]]:
    """(binary stream, its size in bytes, name for messages) of a .txt dump or a .zip of one."""
    try:
        if not zipfile.is_zipfile(path):
            with open(path, "rb") as handle:
                yield handle, os.fstat(handle.fileno()).st_size, str(path)
            return
        with zipfile.ZipFile(path) as archive:
            members = [i for i in archive.infolist()
                       if i.filename.endswith(".txt") and "readme" not in i.filename.lower()]
            if not members:
                raise GazetteerError(f"{path}: no GeoNames .txt file in this zip archive")
            info = max(members, key=lambda i: i.file_size)
            with archive.open(info) as handle:
                yield io.BufferedReader(handle, 1 << 20), info.file_size, f"{path}:{info.filename}"
    except FileNotFoundError:
        raise GazetteerError(f"{path}: GeoNames file not found") from None
    except IsADirectoryError:
        raise GazetteerError(f"{path}: is a directory, not a GeoNames file") from None
    except zipfile.BadZipFile as exc:
        raise GazetteerError(f"{path}: broken zip archive: {exc}") from None
    except PermissionError as exc:
        raise GazetteerError(f"{path}: cannot read GeoNames file: {exc.strerror}") from None


# -- progress ----------------------------------------------------------------------------


class _Progress:
    """A one-line progress bar on stderr (bytes read / total), redrawn at most 4 times a second.

    Small enough not to need a dependency: tqdm is present only as spaCy's own dependency.
    """

    def __init__(self, label: str, enabled: bool | None = None, stream: IO[str] | None = None):
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty() if enabled is None else enabled
        self.label = label
        self.started = time.monotonic()
        self.last = 0.0

    def update(self, done: int, total: int) -> None:
        now = time.monotonic()
        if not self.enabled or (now - self.last < 0.25 and done < total):
            return
        self.last = now
        share = done / total if total else 1.0
        bar = "#" * int(share * 30)
        rate = done / max(now - self.started, 1e-9) / 1e6
        self.stream.write(f"\r{self.label}: [{bar:<30}] {share:6.1%} "
                          f"{done / 1e6:,.1f}/{total / 1e6:,.1f} MB {rate:.1f} MB/s")
        self.stream.flush()

    def __enter__(self) -> "_Progress":
        return self

    def __exit__(self, *exc: object) -> None:
        if self.enabled and self.last:
            self.stream.write("\n")
            self.stream.flush()


@contextlib.contextmanager
def _sqlite_tmpdir(directory: Path) -> Iterator[None]:
    """Point SQLite's temporary files (the external sort) at `directory` for a while.

    /tmp is often a small RAM disk; the sort of a full dump's names needs gigabytes.
    """
    old = os.environ.get("SQLITE_TMPDIR")
    os.environ["SQLITE_TMPDIR"] = str(directory)
    try:
        yield
    finally:
        if old is None:
            os.environ.pop("SQLITE_TMPDIR", None)
        else:
            os.environ["SQLITE_TMPDIR"] = old
