"""Compile gazetteer CSVs into the SQLite index that every lookup reads.

This is the wait of an install, and of a run after `gazetteer.csv` has changed (the shipped
gazetteer: 275k rows, 620k distinct names, 1.3 million keys), so it is built for speed;
each choice was measured:

* the name keys are made for all names at once (`bulk_keys`: C-speed string operations
  instead of two Python functions per name, which were a third of the old 18 s);
* the transliteration keys, half the names table, come from a helper process while this one
  makes the exact ones (when a core is idle, for a big gazetteer; see "the helper process");
* rows are read as tuples (`schema.read_records`) and go in with `executemany`, the names
  sorted by key first: the `names` table is a B-tree on the key, which sorted rows extend
  at its end instead of splitting pages at random;
* no journal and no fsync while building: the file is a temporary one until it is complete,
  then renamed into place, so a killed build never leaves an index that could be trusted.

Installing geo runs it on the shipped gazetteer (`index.prebuild`, from the build backend). User
gazetteers (`--gazetteer`, `$GEO_GAZETTEER`) are not compiled with it from scratch: a copy of
the shipped index takes their rows (`base`), in well under a second for a newsroom's file.

On a terminal a one-line notice says what the wait is (stderr; pipes and logs stay clean).
"""
from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
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

NOTICE = "geo: first run: indexing the gazetteer, once (this takes some seconds)..."
EXTEND_NOTICE = "geo: indexing your gazetteer rows, once..."


def build_index(sources: Sequence[Path], path: Path, key: str, *, base: Path | None = None,
                notice: TextIO | None = None) -> None:
    """Compile the CSV sources into an SQLite index at `path`, written atomically.

    With `base` (the index of the sources before these), `path` is a copy of it with these
    rows added: the same index as compiling all the sources at once (see `_extend`).
    With `notice` (a terminal's stderr) a one-line notice is shown while it builds."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".gazetteer-", suffix=".tmp", dir=path.parent)
        os.close(fd)
    except OSError as exc:
        raise GazetteerError(f"{path.parent}: cannot write the gazetteer index: {exc.strerror}") from None
    started = time.perf_counter()
    if notice is not None:
        notice.write(NOTICE if base is None else EXTEND_NOTICE)
        notice.flush()
    done = False
    try:
        if base is not None:
            shutil.copyfile(base, tmp)
        db = sqlite3.connect(tmp)
        try:
            if base is None:
                _fill(db, sources, key, tmp)
            else:
                _extend(db, sources, key)
        finally:
            db.close()
        os.chmod(tmp, 0o644)  # mkstemp made it private; a shared GEO_CACHE_DIR serves everyone
        os.replace(tmp, path)
        done = True
    except (sqlite3.Error, OSError) as exc:
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


def _fill(db: sqlite3.Connection, sources: Sequence[Path], key: str, tmp: str) -> None:
    db.executescript("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;" + SCHEMA)
    helper = _Helper.start(sources, tmp + ".translit")
    try:
        records = _read(sources)
        _insert_places(db, records, 1)
        names = _distinct_names(records.values(), demonyms=True)
        _insert_names(db, _name_rows(records.values(), name_keys(names, loose=False), exact=True))
        loose = helper.result() if helper else None
        if loose is None:  # no helper, or it failed: the transliteration keys here
            _insert_names(db, _translit_rows(records))
        else:
            db.execute("ATTACH DATABASE ? AS loose", (loose,))
            db.execute("INSERT OR IGNORE INTO names SELECT key, place, kind, alias FROM loose.names ORDER BY rowid")
            db.commit()
            db.execute("DETACH DATABASE loose")
    finally:
        if helper:
            helper.close()
    _write_meta(db, key, sources)


def _extend(db: sqlite3.Connection, sources: Sequence[Path], key: str) -> None:
    """Add the rows of `sources` to a copy of the index of the sources before them.

    Compiling all sources at once, a row whose id is already taken replaces that place and
    goes to the end, after every place it does not replace (`_read`); here the replaced
    places are deleted with their names and the new ones numbered after the last: the row
    ids differ, their order (which is all that lookups see) does not."""
    db.executescript("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;"
                     " CREATE TEMP TABLE replaced (place INTEGER PRIMARY KEY);")
    records = _read(sources)
    db.executemany("INSERT OR IGNORE INTO replaced SELECT rowid FROM places WHERE id = ?",
                   ((place_id,) for place_id in records))
    if db.execute("SELECT 1 FROM replaced LIMIT 1").fetchone():
        db.execute("DELETE FROM names WHERE place IN replaced")
        db.execute("DELETE FROM places WHERE rowid IN replaced")
    first = db.execute("SELECT COALESCE(MAX(rowid), 0) + 1 FROM places").fetchone()[0]
    _insert_places(db, records, first)
    keys = name_keys(_distinct_names(records.values(), demonyms=True))
    _insert_names(db, _name_rows(records.values(), keys, exact=True, first=first)
                  + _name_rows(records.values(), keys, exact=False, first=first))
    sources = [*dict(db.execute("SELECT key, value FROM meta")).get("sources", "").split(os.pathsep), *sources]
    _write_meta(db, key, sources)


def _insert_places(db: sqlite3.Connection, records: dict[str, Record], first: int) -> None:
    db.executemany(
        "INSERT INTO places VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
        ((rowid, *r[0]) for rowid, r in enumerate(records.values(), start=first)),
    )


def _insert_names(db: sqlite3.Connection, rows: list[tuple[str, int, int, str]]) -> None:
    db.executemany("INSERT OR IGNORE INTO names VALUES (?,?,?,?)", rows)


def _write_meta(db: sqlite3.Connection, key: str, sources: Sequence[Path | str]) -> None:
    db.executemany(
        "INSERT OR REPLACE INTO meta VALUES (?, ?)",
        [("fingerprint", key), ("built", datetime.now(timezone.utc).isoformat(timespec="seconds")),
         ("sources", os.pathsep.join(str(s) for s in sources if str(s)))],
    )
    db.commit()


def _read(sources: Sequence[Path]) -> dict[str, Record]:
    records: dict[str, Record] = {}  # later sources override earlier ones by id
    for source in sources:
        for record in read_records(source):
            records.pop(record[0][0], None)
            records[record[0][0]] = record
    return records


def _distinct_names(records: Iterable[Record], *, demonyms: bool) -> set[str]:
    names: set[str] = set()
    for place, alt_names, demonym_names in records:
        names.add(place[1])
        names.update(alt_names)
        if demonyms:
            names.update(demonym_names)
    return names


def _translit_rows(records: dict[str, Record]) -> list[tuple[str, int, int, str]]:
    keys = name_keys(_distinct_names(records.values(), demonyms=False))
    return _name_rows(records.values(), keys, exact=False)


def _name_rows(records: Iterable[Record], keys: dict[str, Keys], *, exact: bool, first: int = 1
               ) -> list[tuple[str, int, int, str]]:
    """(key, place, kind, alias) rows in key order: with `exact`, the exact key of every
    name, alternate name and demonym; else the transliteration key of every name and
    alternate name (a demonym has none).

    Rows are made by place, and for one place by kind, so a stable sort by key alone puts
    them in (key, place, kind) order, repeats next to each other with the first one first:
    `INSERT OR IGNORE` keeps that one, as it would inserting in row order, and the B-tree
    grows at its end. (An exact key never equals a transliteration key, so the two sets of
    rows never meet.)"""
    out: list[tuple[str, int, int, str]] = []
    add = out.append
    for rowid, (place, alt_names, demonyms) in enumerate(records, start=first):
        if exact:
            for kind, names in ((NAME, (place[1],)), (ALT, alt_names), (DEMONYM, demonyms)):
                for name in names:
                    key = keys[name][0]
                    if key:
                        add((key, rowid, kind, name))
        else:
            for name in (place[1], *alt_names):
                key = keys[name][1]
                if key:
                    add((key, rowid, TRANSLIT, name))
    out.sort(key=itemgetter(0))
    return out


# -- the helper process ------------------------------------------------------------------
#
# The transliteration keys are half the names table. When a core is idle (`idle_core`) a
# second process makes them while this one makes the exact ones: it reads the same CSVs
# (in the same order, so the same row ids), writes its rows, in key order, into a side
# file, and this process copies them in with one INSERT ... SELECT. A plain `python -c`
# child, not multiprocessing: spawn would run the caller's main script again in the child.
# If the helper cannot start or fails, this process makes those rows itself.

HELPER_MIN_BYTES = 2_000_000  # smaller gazetteers are done before a second process has started
_PACKAGE_ROOT = str(Path(__file__).resolve().parents[2])


def idle_core() -> bool:
    """Is a core free enough for the helper? On a busy machine it would only take turns with
    this process, and its share of the work (it reads the CSVs again) makes the build slower.
    Measured on 2 cores, the shipped gazetteer: at load 1.7, 7.4-7.7 s with a helper against
    12.4-12.5 s alone; at load 3.8, 15.5-16.9 s against 11.8-13.5 s."""
    cores = os.cpu_count() or 1
    try:
        return cores >= 2 and os.getloadavg()[0] < cores
    except (AttributeError, OSError):  # no load average (Windows): trust the core count
        return cores >= 2


class _Helper:
    def __init__(self, proc: subprocess.Popen, out: str):
        self.proc, self.out = proc, out

    @classmethod
    def start(cls, sources: Sequence[Path], out: str) -> "_Helper | None":
        try:
            if sum(s.stat().st_size for s in sources) < HELPER_MIN_BYTES or not idle_core():
                return None
        except OSError:
            return None  # read_records will say what is wrong with the file
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [_PACKAGE_ROOT, env.get("PYTHONPATH")]))
        try:
            proc = subprocess.Popen(
                [sys.executable, "-c", "import sys; from geo.gazetteer.compile import helper_main;"
                 " sys.exit(helper_main(sys.argv[1:]))", out, *map(str, sources)],
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env,
            )
        except OSError:
            return None
        return cls(proc, out)

    def result(self) -> str | None:
        """The side file, once the helper has written it; None if it failed."""
        try:
            return self.out if self.proc.wait() == 0 else None
        except KeyboardInterrupt:
            self.close()
            raise

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        Path(self.out).unlink(missing_ok=True)


def helper_main(argv: Sequence[str]) -> int:
    """The helper process: the transliteration rows of the CSVs `argv[1:]` into `argv[0]`."""
    out, sources = argv[0], [Path(a) for a in argv[1:]]
    rows = _translit_rows(_read(sources))
    db = sqlite3.connect(out)
    try:
        db.executescript("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;"
                         " CREATE TABLE names (key TEXT, place INTEGER, kind INTEGER, alias TEXT);")
        db.executemany("INSERT INTO names VALUES (?,?,?,?)", rows)
        db.commit()
    finally:
        db.close()
    return 0
