"""The gazetteer: CSV files in, a fast name -> places index out.

Parsing a quarter of a million CSV rows on every run would cost seconds, so the CSV files are
compiled once into an SQLite index in the user's cache directory. SQLite opens in
milliseconds, answers a lookup by normalised name in microseconds, and is shared read-only by
every process on the machine (workers of a pool or a Dask cluster on one host need no copy).
The index file name carries a fingerprint of its sources (path, size, mtime) and of this
module's index format: when a source changes, a new index is built, and a stale or broken
index is never trusted.

The shipped gazetteer's index is compiled when geo is installed (`prebuild`, which the build
backend runs) into the package, so that the first command after install starts at once; it
is used while `gazetteer.csv` is the one it was compiled from, and a run that finds it stale
builds a fresh one in the cache folder instead. User gazetteers go into a copy of it.
"""
from __future__ import annotations

import hashlib
import os
import sqlite3
from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path

from geo.errors import GazetteerError
from geo.gazetteer.compile import build_index, terminal_notice
from geo.gazetteer.normalize import normalize, translit_key
from geo.gazetteer.schema import ALT, COUNTRY_CODES, DEMONYM, INDEX_FORMAT, NAME, TRANSLIT, open_readonly
from geo.types import Candidate, Place

ENV_GAZETTEER = "GEO_GAZETTEER"  # extra CSV files, separated by os.pathsep
ENV_CACHE = "GEO_CACHE_DIR"
FUZZY_MIN_SIMILARITY = 88.0  # rapidfuzz ratio of transliteration keys: about one letter in eight
FUZZY_LIMIT = 5
FUZZY_PREFIX = 4  # letters of the transliteration key a near miss must share
ENV_INDEX = "GEO_GAZETTEER_INDEX"  # an index built by `geo gazetteer import`, used instead of the CSVs
PREBUILT = Path(__file__).resolve().parent / "data" / "gazetteer.sqlite"  # out of git (*.sqlite)


def shipped_gazetteer() -> Path:
    """The gazetteer.csv at the repository root (next to the package)."""
    return Path(__file__).resolve().parents[2] / "gazetteer.csv"


def cache_dir() -> Path:
    base = os.environ.get(ENV_CACHE) or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"), "geo"
    )
    return Path(base)


def user_gazetteers_from_env() -> list[Path]:
    value = os.environ.get(ENV_GAZETTEER, "")
    return [Path(p) for p in value.split(os.pathsep) if p.strip()]


class Gazetteer:
    """Places by name: `candidates("Tartous")` gives every entry that name may mean.

    Open it with `Gazetteer.load()` (the shipped gazetteer plus any user gazetteers); rows
    of later files override rows of earlier ones with the same id.
    """

    def __init__(self, index_path: Path, sources: Sequence[Path]):
        self.index_path = index_path
        self.sources = tuple(sources)
        self._db = open_readonly(index_path)
        self._places: dict[int, Place] = {}
        # News repeats its names: most lookups are answered from memory.
        self._lookup = lru_cache(maxsize=200_000)(self._lookup_uncached)
        self._fuzzy = lru_cache(maxsize=20_000)(self._fuzzy_uncached)

    @classmethod
    def load(
        cls,
        extra: Iterable[str | Path] = (),
        *,
        base: str | Path | None = None,
        use_env: bool = True,
        index: str | Path | None = None,
    ) -> "Gazetteer":
        index = index or (os.environ.get(ENV_INDEX) if use_env else None)
        if index:  # a prebuilt index (a full GeoNames import) replaces the CSV sources
            return open_index(index, [*extra, *(user_gazetteers_from_env() if use_env else ())])
        sources = [Path(base) if base else shipped_gazetteer()]
        sources += [Path(p) for p in extra]
        if use_env:
            sources += user_gazetteers_from_env()
        return cls(ensure_index(sources), sources)

    # -- lookups -------------------------------------------------------------------------

    def candidates(self, name: str) -> list[Candidate]:
        """Every place with this name (or alternate name, or demonym), best-known first."""
        key = normalize(name)
        return list(self._lookup(key)) if key else []

    def translit_candidates(self, name: str) -> list[Candidate]:
        """Places one of whose names folds to the same transliteration key as `name`
        ("Tel Abyad" -> Tall Abyaḑ; see `translit_key`), exact matches included, best-known
        first. Looser than `candidates`: the resolver scores these below exact matches."""
        key = translit_key(name)
        return list(self._lookup(key)) if key else []

    def fuzzy_candidates(
        self, name: str, countries: Iterable[str], *, min_similarity: float = FUZZY_MIN_SIMILARITY
    ) -> list[tuple[Candidate, float]]:
        """Settlements and divisions in `countries` whose transliteration key is within a
        typo of `name`'s ("Gettysbury" ~ Gettysburg), most similar first, with the
        similarity (0-100, rapidfuzz's ratio).

        Only for callers that already know which countries the text is about: across the
        world every misspelling is some other town's name. Keys are compared only with keys
        that share their first `FUZZY_PREFIX` letters (typos rarely hit the start of a
        name) and are about as long, which one range scan of the index finds in well under
        a millisecond; answers are cached (news repeats its unknown names too).
        """
        key = translit_key(name)
        if len(key) <= FUZZY_PREFIX + 1:
            return []
        return list(self._fuzzy(key, tuple(sorted(set(countries))), min_similarity))

    def _fuzzy_uncached(self, key: str, countries: tuple[str, ...], min_similarity: float
                        ) -> tuple[tuple[Candidate, float], ...]:
        from rapidfuzz import fuzz, process

        prefix = key[: FUZZY_PREFIX + 1]
        rows = self._db.execute(
            "SELECT key, place, alias FROM names WHERE key >= ? AND key < ? AND kind = ?"
            " AND length(key) BETWEEN ? AND ?",
            (prefix, prefix[:-1] + chr(ord(prefix[-1]) + 1), TRANSLIT, len(key) - 2, len(key) + 2),
        ).fetchall()
        if not rows:
            return ()
        hits = process.extract(key, [r[0] for r in rows], scorer=fuzz.ratio, score_cutoff=min_similarity,
                               limit=None)
        best: dict[int, tuple[float, str]] = {}
        for _, similarity, i in hits:
            _, rowid, alias = rows[i]
            if similarity <= best.get(rowid, (-1.0, ""))[0]:
                continue
            place = self.place(rowid)
            if place.country_code in countries and place.feature_class in ("P", "A"):
                best[rowid] = (similarity, alias)
        out = [(Candidate(self.place(r), alias), sim) for r, (sim, alias) in best.items()]
        out.sort(key=lambda pair: (-pair[1], -pair[0].place.population))
        return tuple(out[:FUZZY_LIMIT])

    def _lookup_uncached(self, key: str) -> tuple[Candidate, ...]:
        # One query for names and places: a loose key can match hundreds of places, and a
        # query per place would cost more than all the rest of a cold lookup.
        kinds = "n.kind = ?" if key.startswith("~") else "n.kind <> ?"
        rows = self._db.execute(
            "SELECT n.place, n.kind, n.alias, p.id, p.name, p.lat, p.lon, p.feature_class,"
            " p.feature_code, p.country_code, p.admin1, p.admin2, p.population, p.source"
            f" FROM names n JOIN places p ON p.rowid = n.place WHERE n.key = ? AND {kinds} ORDER BY n.kind",
            (key, TRANSLIT),
        ).fetchall()
        seen: set[int] = set()
        out: list[Candidate] = []
        for rowid, kind, alias, *place in rows:
            if rowid in seen:
                continue
            seen.add(rowid)
            cached = self._places.get(rowid)
            if cached is None:
                cached = self._places[rowid] = Place(*place)
            out.append(Candidate(cached, alias, demonym=kind == DEMONYM))
        out.sort(key=lambda c: -c.place.population)
        return tuple(out)

    def has_name(self, name: str) -> bool:
        key = normalize(name)
        return bool(key) and self._db.execute(
            "SELECT 1 FROM names WHERE key = ? LIMIT 1", (key,)
        ).fetchone() is not None

    def place(self, rowid: int) -> Place:
        cached = self._places.get(rowid)
        if cached is None:
            row = self._db.execute(
                "SELECT id, name, lat, lon, feature_class, feature_code, country_code, admin1,"
                " admin2, population, source FROM places WHERE rowid = ?",
                (rowid,),
            ).fetchone()
            cached = self._places[rowid] = Place(*row)
        return cached

    def get(self, place_id: str) -> Place | None:
        row = self._db.execute("SELECT rowid FROM places WHERE id = ?", (place_id,)).fetchone()
        return self.place(row[0]) if row else None

    def places(self, feature_classes: str, min_population: int = 0) -> list[Place]:
        """Every place of these feature classes and at least this population (training
        draws substitute names from them, `geo.training.augment`)."""
        marks = ",".join("?" * len(feature_classes))
        rows = self._db.execute(
            "SELECT id, name, lat, lon, feature_class, feature_code, country_code, admin1, admin2,"
            f" population, source FROM places WHERE feature_class IN ({marks}) AND population >= ?"
            " ORDER BY id",
            (*feature_classes, min_population),
        ).fetchall()
        return [Place(*row) for row in rows]

    def names_of_classes(self, feature_classes: str) -> list[tuple[str, Place]]:
        """(name, place) for every name (main or alternate) of places of these feature
        classes: the Arabic view matches its skeletons against them (`geo.gazetteer.skeleton`)."""
        marks = ",".join("?" * len(feature_classes))
        rows = self._db.execute(
            f"SELECT n.alias, n.place FROM names n JOIN places p ON p.rowid = n.place"
            f" WHERE p.feature_class IN ({marks}) AND n.kind IN (?, ?) ORDER BY n.place, n.alias",
            (*feature_classes, NAME, ALT),
        ).fetchall()
        return [(alias, self.place(rowid)) for alias, rowid in rows]

    def countries(self) -> dict[str, Place]:
        """Country reference entries by ISO code (the resolver's notion of "inside Syria")."""
        marks = ",".join("?" * len(COUNTRY_CODES))
        rows = self._db.execute(
            f"SELECT rowid, country_code FROM places WHERE feature_code IN ({marks})"
            " ORDER BY population DESC",
            tuple(COUNTRY_CODES),
        ).fetchall()
        out: dict[str, Place] = {}
        for rowid, code in rows:
            out.setdefault(code, self.place(rowid))
        return out

    def stats(self) -> dict[str, object]:
        meta = dict(self._db.execute("SELECT key, value FROM meta").fetchall())
        by_code = self._db.execute(
            "SELECT feature_code, COUNT(*) FROM places GROUP BY feature_code ORDER BY 2 DESC"
        ).fetchall()
        by_source = self._db.execute(
            "SELECT source, COUNT(*) FROM places GROUP BY CASE WHEN source LIKE 'http%'"
            " THEN 'curated' ELSE source END ORDER BY 2 DESC"
        ).fetchall()
        names = self._db.execute("SELECT COUNT(*) FROM names").fetchone()[0]
        places = self._db.execute("SELECT COUNT(*) FROM places").fetchone()[0]
        return {
            "sources": [str(s) for s in self.sources],
            "index": str(self.index_path),
            "built": meta.get("built", ""),
            "places": places,
            "names": names,
            "by_feature_code": dict(by_code),
            "by_source": dict(by_source),
        }

    def close(self) -> None:
        self._db.close()

    def __getstate__(self) -> dict[str, object]:
        # Workers (multiprocessing, Dask) reopen the shared index file instead of copying it.
        return {"index_path": self.index_path, "sources": self.sources}

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__init__(state["index_path"], state["sources"])  # type: ignore[misc, arg-type]


# -- the index ---------------------------------------------------------------------------


def fingerprint(sources: Sequence[Path]) -> str:
    digest = hashlib.sha256(f"format={INDEX_FORMAT}".encode())
    for path in sources:
        try:
            st = path.stat()
        except FileNotFoundError:
            raise GazetteerError(f"{path}: gazetteer file not found") from None
        except OSError as exc:
            raise GazetteerError(f"{path}: cannot read gazetteer: {exc.strerror}") from None
        digest.update(f"|{path.resolve()}|{st.st_size}|{st.st_mtime_ns}".encode())
    return digest.hexdigest()[:20]


def ensure_index(sources: Sequence[Path]) -> Path:
    """Path of an up-to-date index for these sources, building it if needed: the one made
    at install time, else one in the cache folder; the sources after the first are added to
    a copy of the first one's index (a user's small file costs a fraction of a second)."""
    key = fingerprint(sources)
    path = cache_dir() / f"gazetteer-{key}.sqlite"
    for found in (PREBUILT, path):
        if _index_ok(found, key):
            return found
    base = ensure_index(sources[:1]) if len(sources) > 1 else None
    build_index(sources[1:] if base else sources, path, key, base=base, notice=terminal_notice())
    return path


def prebuild() -> Path:
    """Compile the shipped gazetteer's index into the package (`PREBUILT`), unless it is
    current: installing geo runs this (scripts/build_backend.py), so that the first command
    does not wait for it."""
    sources = [shipped_gazetteer()]
    key = fingerprint(sources)
    if not _index_ok(PREBUILT, key):
        build_index(sources, PREBUILT, key)
    return PREBUILT


def _index_ok(path: Path, key: str) -> bool:
    try:
        db = open_readonly(path)
        try:
            row = db.execute("SELECT value FROM meta WHERE key = 'fingerprint'").fetchone()
            return row is not None and row[0] == key
        finally:
            db.close()
    except sqlite3.Error:
        return False


def open_index(path: str | Path, extra: Iterable[str | Path] = ()) -> Gazetteer:
    """The gazetteer of an index built by `import_geonames`, checked before it is trusted."""
    path = Path(path)
    extra = list(extra)
    if extra:
        raise GazetteerError(
            f"{path}: extra gazetteers ({', '.join(map(str, extra))}) cannot be layered on an "
            f"imported index at run time; import them into it: geo gazetteer import DUMP "
            f"--gazetteer FILE"
        )
    if not path.is_file():
        raise GazetteerError(f"{path}: gazetteer index not found (build one with `geo gazetteer import`)")
    try:
        db = open_readonly(path)
        try:
            meta = dict(db.execute("SELECT key, value FROM meta").fetchall())
        finally:
            db.close()
    except sqlite3.Error:
        raise GazetteerError(f"{path}: not a geo gazetteer index") from None
    if meta.get("index_format") != str(INDEX_FORMAT):
        raise GazetteerError(
            f"{path}: gazetteer index format {meta.get('index_format', '?')}, this geo reads "
            f"format {INDEX_FORMAT}: re-run `geo gazetteer import`"
        )
    sources = [Path(p) for p in meta.get("sources", "").split(os.pathsep) if p]
    return Gazetteer(path, sources)
