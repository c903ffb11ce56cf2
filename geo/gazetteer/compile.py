"""Compile gazetteer CSVs into the SQLite index that every lookup reads.

This is the wait of a first run (the shipped gazetteer: 275k rows, 620k distinct names,
1.3 million keys), so it is built for speed; each choice was measured:

* the name keys are made for all names at once (`bulk_keys`: C-speed string operations
  instead of two Python functions per name, which were a third of the old 18 s);
* rows are read as tuples (`schema.read_records`) and go in with `executemany`, the names
  sorted by key first: the `names` table is a B-tree on the key, which sorted rows extend
  at its end instead of splitting pages at random;
* no journal and no fsync while building: the file is a temporary one until it is complete,
  then renamed into place, so a killed build never leaves an index that could be trusted.

On a terminal a one-line notice says what the wait is (stderr; pipes and logs stay clean).
"""
from __future__ import annotations

import os
import sqlite3
import sys
import tempfile
import time
from collections.abc import Iterable, Sequence
from datetime import datetime, timezone
from operator import itemgetter
from pathlib import Path
from typing import TextIO

from geo.errors import GazetteerError
from geo.gazetteer.bulk_keys import Keys, name_keys
from geo.gazetteer.schema import ALT, DEMONYM, NAME, SCHEMA, TRANSLIT, Record, read_records

NOTICE = "geo: first run: indexing the gazetteer (a few seconds, once)..."


def build_index(sources: Sequence[Path], path: Path, key: str, *, notice: TextIO | None = None) -> None:
    """Compile the CSV sources into an SQLite index at `path`, written atomically.

    With `notice` (a terminal's stderr) a one-line notice is shown while it builds."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".gazetteer-", suffix=".tmp", dir=path.parent)
        os.close(fd)
    except OSError as exc:
        raise GazetteerError(f"{path.parent}: cannot write the gazetteer index: {exc.strerror}") from None
    started = time.perf_counter()
    if notice is not None:
        notice.write(NOTICE)
        notice.flush()
    done = False
    try:
        db = sqlite3.connect(tmp)
        try:
            _fill(db, sources, key)
        finally:
            db.close()
        os.replace(tmp, path)
        done = True
    except sqlite3.Error as exc:
        raise GazetteerError(f"{path}: cannot build the gazetteer index: {exc}") from None
    finally:
        Path(tmp).unlink(missing_ok=True)
        if notice is not None:
            notice.write(f" done ({time.perf_counter() - started:.1f} s)\n" if done else "\n")
            notice.flush()


def terminal_notice() -> TextIO | None:
    """stderr if it is a terminal (somebody is waiting and watching), else None."""
    stream = sys.stderr
    try:
        return stream if stream is not None and stream.isatty() else None
    except (AttributeError, ValueError):  # a replaced or closed stderr
        return None


def _fill(db: sqlite3.Connection, sources: Sequence[Path], key: str) -> None:
    db.executescript("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;" + SCHEMA)
    records: dict[str, Record] = {}  # later sources override earlier ones by id
    for source in sources:
        for record in read_records(source):
            records.pop(record[0][0], None)
            records[record[0][0]] = record
    db.executemany(
        "INSERT INTO places VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
        ((rowid, *r[0]) for rowid, r in enumerate(records.values(), start=1)),
    )
    names: set[str] = set()
    for place, alt_names, demonyms in records.values():
        names.add(place[1])
        names.update(alt_names, demonyms)
    keys = name_keys(names)
    rows = _name_rows(records.values(), keys)
    db.executemany("INSERT OR IGNORE INTO names VALUES (?,?,?,?)", rows)
    db.executemany(
        "INSERT INTO meta VALUES (?, ?)",
        [("fingerprint", key), ("built", datetime.now(timezone.utc).isoformat(timespec="seconds")),
         ("sources", os.pathsep.join(str(s) for s in sources))],
    )
    db.commit()


def _name_rows(records: Iterable[Record], keys: dict[str, Keys]) -> list[tuple[str, int, int, str]]:
    """(key, place, kind, alias) rows in key order: the exact key of every name, alternate
    name and demonym, and the transliteration key of every name and alternate name.

    Rows are made by place, and for one place by kind (an exact key never equals a
    transliteration key), so a stable sort by key alone puts them in (key, place, kind)
    order, repeats next to each other with the first one first: `INSERT OR IGNORE` keeps
    that one, as it would inserting in row order, and the B-tree grows at its end."""
    out: list[tuple[str, int, int, str]] = []
    add = out.append
    for rowid, (place, alt_names, demonyms) in enumerate(records, start=1):
        for kind, names in ((NAME, (place[1],)), (ALT, alt_names)):
            for name in names:
                exact, loose = keys[name]
                if exact:
                    add((exact, rowid, kind, name))
                if loose:
                    add((loose, rowid, TRANSLIT, name))
        for name in demonyms:
            exact = keys[name][0]
            if exact:
                add((exact, rowid, DEMONYM, name))
    out.sort(key=itemgetter(0))
    return out
