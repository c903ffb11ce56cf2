"""The first run: installing geo compiled the shipped gazetteer's index, so an empty cache
folder costs nothing; without that index (or with a changed gazetteer.csv) the run builds one
in the cache folder, which must work, say so on a terminal (and only there), and leave
nothing half-built behind when it fails. User gazetteers go into a copy of the base index."""
from __future__ import annotations

import importlib.util
import io
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from geo.errors import GazetteerError
from geo.gazetteer import compile as compile_index
from geo.gazetteer import index as gazetteer_index
from geo.gazetteer.index import Gazetteer

ROOT = Path(__file__).resolve().parents[2]

ROWS = ("id,name,alt_names,lat,lon,feature_class,feature_code,country_code,admin1,admin2,"
        "population,demonyms,source\n"
        "t:1,Tartus,Tartous|Ţarţūs,34.889,35.886,P,PPLA,SY,,,115769,,test\n"
        "t:2,Al Bab,,36.37,37.52,P,PPL,SY,,,130745,,test\n")


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def run_geo(cache, *args, prebuilt=None):
    """The CLI in a child process with an empty GEO_CACHE_DIR, as a user runs it (with
    `prebuilt`, the install-time index is looked for there instead)."""
    env = {**os.environ, "GEO_CACHE_DIR": str(cache)}
    env.pop("GEO_GAZETTEER", None)
    env.pop("GEO_GAZETTEER_INDEX", None)
    code = ("import pathlib, sys; import geo.gazetteer.index as index; from geo.cli import main;"
            " index.PREBUILT = pathlib.Path(sys.argv[1]) if sys.argv[1] else index.PREBUILT;"
            " sys.exit(main(sys.argv[2:]))")
    return subprocess.run([sys.executable, "-c", code, str(prebuilt or ""), *args],
                          capture_output=True, text=True, env=env, timeout=600)


def test_installing_geo_compiled_the_shipped_index_and_a_first_run_uses_it(tmp_path):
    """The README's set-up (pip install -e) runs scripts/build_backend.py, which compiles the
    index into the package: the first command then has nothing to build."""
    shipped = [gazetteer_index.shipped_gazetteer()]
    assert gazetteer_index._index_ok(gazetteer_index.PREBUILT, gazetteer_index.fingerprint(shipped)), (
        "no current install-time index: re-run the README's set-up (pip install -e .)")
    proc = run_geo(tmp_path / "cache", "gazetteer", "search", "Tartous")
    assert proc.returncode == 0, proc.stderr
    assert '"gazetteer_id": "gn:163345"' in proc.stdout  # Tartus, Syria
    assert not (tmp_path / "cache").exists()  # nothing was built


def test_a_first_run_without_the_installed_index_builds_one_in_an_empty_cache_folder(tmp_path):
    """The real thing when gazetteer.csv changed after install: the shipped gazetteer, an
    empty GEO_CACHE_DIR, the CLI."""
    cache = tmp_path / "cache"
    proc = run_geo(cache, "gazetteer", "search", "Tartous", prebuilt=tmp_path / "none.sqlite")
    assert proc.returncode == 0, proc.stderr
    assert '"gazetteer_id": "gn:163345"' in proc.stdout  # Tartus, Syria
    assert "indexing" not in proc.stderr  # not a terminal: no notice
    [index] = cache.iterdir()  # the index, and no temporary file beside it
    assert index.name.startswith("gazetteer-") and index.suffix == ".sqlite"
    assert index.stat().st_mode & 0o777 == 0o644  # readable by every user of a shared cache
    places = sqlite3.connect(index).execute("SELECT COUNT(*) FROM places").fetchone()[0]
    assert places > 200_000


def test_the_install_time_index_serves_its_gazetteer_until_the_gazetteer_changes(tmp_path, monkeypatch):
    shipped = tmp_path / "gazetteer.csv"
    shipped.write_text(ROWS, encoding="utf-8")
    monkeypatch.setattr(gazetteer_index, "shipped_gazetteer", lambda: shipped)
    monkeypatch.setattr(gazetteer_index, "PREBUILT", tmp_path / "package" / "gazetteer.sqlite")
    monkeypatch.setenv("GEO_CACHE_DIR", str(tmp_path / "cache"))
    built = gazetteer_index.prebuild().stat().st_mtime_ns
    assert gazetteer_index.prebuild().stat().st_mtime_ns == built  # current: left alone
    gazetteer = Gazetteer.load(use_env=False)
    assert gazetteer.index_path == gazetteer_index.PREBUILT and not (tmp_path / "cache").exists()
    assert [c.place.name for c in gazetteer.candidates("Tartous")] == ["Tartus"]

    shipped.write_text(ROWS.replace("Tartus,", "Tartus City,"), encoding="utf-8")
    changed = Gazetteer.load(use_env=False)
    assert changed.index_path.parent == tmp_path / "cache"  # stale: not trusted
    assert [c.place.name for c in changed.candidates("Tartous")] == ["Tartus City"]
    gazetteer_index.prebuild()  # what installing again does
    assert Gazetteer.load(use_env=False).index_path == gazetteer_index.PREBUILT


def test_the_build_backend_keeps_setuptools_hooks_and_survives_a_failed_build(monkeypatch, capsys):
    pytest.importorskip("setuptools")  # the build environment has it; a venv of Python 3.12+ may not
    spec = importlib.util.spec_from_file_location("build_backend", ROOT / "scripts" / "build_backend.py")
    backend = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(backend)
    for hook in ("build_wheel", "build_sdist", "build_editable", "get_requires_for_build_editable",
                 "prepare_metadata_for_build_editable", "get_requires_for_build_wheel"):
        assert callable(getattr(backend, hook))
    monkeypatch.setattr(backend.sys, "executable", "/bin/false")
    assert backend.index_gazetteer() is False  # the install goes on; the first run builds it
    assert capsys.readouterr().err.count("\n") == 1


def test_the_notice_shows_on_a_terminal_only(tmp_path, monkeypatch):
    csv = tmp_path / "g.csv"
    csv.write_text(ROWS, encoding="utf-8")
    monkeypatch.setenv("GEO_CACHE_DIR", str(tmp_path / "cache"))
    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    gazetteer = Gazetteer.load(base=csv, use_env=False)
    assert [c.place.name for c in gazetteer.candidates("Tartous")] == ["Tartus"]
    assert [c.place.name for c in gazetteer.translit_candidates("Tartous")] == ["Tartus"]
    assert terminal.getvalue().startswith(compile_index.NOTICE) and terminal.getvalue().endswith(" s)\n")
    assert terminal.getvalue().count("\n") == 1
    Gazetteer.load(base=csv, use_env=False)  # built already: nothing to say
    assert terminal.getvalue().count("\n") == 1

    piped = io.StringIO()
    monkeypatch.setattr(sys, "stderr", piped)
    monkeypatch.setenv("GEO_CACHE_DIR", str(tmp_path / "other"))
    Gazetteer.load(base=csv, use_env=False)
    assert piped.getvalue() == ""


def test_a_failed_build_leaves_no_file(tmp_path, monkeypatch):
    bad = tmp_path / "bad.csv"
    bad.write_text(ROWS + "t:3,Nowhere,,95,0,P,PPL,SY,,,1,,test\n", encoding="utf-8")
    cache = tmp_path / "cache"
    monkeypatch.setenv("GEO_CACHE_DIR", str(cache))
    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    with pytest.raises(GazetteerError, match="line 4: column lat"):
        Gazetteer.load(base=bad, use_env=False)
    assert list(cache.iterdir()) == []
    assert terminal.getvalue() == compile_index.NOTICE + "\n"  # the line is ended, not left open


def test_the_index_holds_every_kind_of_key(tmp_path):
    csv = tmp_path / "g.csv"
    csv.write_text(ROWS.replace(",,test\nt:2", ",Tartusi,test\nt:2"), encoding="utf-8")
    compile_index.build_index([csv], tmp_path / "i.sqlite", "k")
    rows = sqlite3.connect(tmp_path / "i.sqlite").execute(
        "SELECT key, place, kind, alias FROM names ORDER BY key, place, kind").fetchall()
    assert ("tartus", 1, 0, "Tartus") in rows and ("tartous", 1, 1, "Tartous") in rows
    assert ("tartusi", 1, 2, "Tartusi") in rows  # a demonym: exact key only
    assert not any(r[2] == 3 and r[3] == "Tartusi" for r in rows)
    assert ("~bab", 2, 3, "Al Bab") not in rows  # too short to fold: no loose key
    assert ("~tartus", 1, 3, "Tartus") in rows and ("~tartus", 1, 3, "Tartous") not in rows  # first alias kept
    assert rows == sorted(rows)


def names_table(path) -> list[tuple]:
    return sqlite3.connect(path).execute("SELECT * FROM names ORDER BY key, place, kind").fetchall()


@pytest.mark.parametrize("helper", ["works", "fails", "cannot start"])
def test_the_helper_process_changes_nothing_in_the_index(tmp_path, monkeypatch, helper):
    """The transliteration keys come from a second process on big gazetteers, from this one
    on small ones or when the helper fails: the same rows every way."""
    csv = tmp_path / "g.csv"
    csv.write_text(ROWS + "t:3,Maaret al-Numan,Ma\u2018arrat an Nu\u2018m\u0101n|Maarat,35.64,36.67,P,PPL,SY,,,1,,test\n",
                   encoding="utf-8")
    compile_index.build_index([csv], tmp_path / "alone.sqlite", "k")
    monkeypatch.setattr(compile_index, "HELPER_MIN_BYTES", 0)
    monkeypatch.setattr(compile_index, "idle_core", lambda: True)
    if helper == "fails":
        monkeypatch.setattr(compile_index.sys, "executable", "/bin/false")
    elif helper == "cannot start":
        monkeypatch.setattr(compile_index.sys, "executable", str(tmp_path / "no-python"))
    answers = []
    result = compile_index._Helper.result
    monkeypatch.setattr(compile_index._Helper, "result", lambda self: answers.append(result(self)) or answers[-1])
    compile_index.build_index([csv], tmp_path / "helped.sqlite", "k")
    assert {"works": [True], "fails": [False], "cannot start": []}[helper] == [a is not None for a in answers]
    assert names_table(tmp_path / "helped.sqlite") == names_table(tmp_path / "alone.sqlite")
    assert any(row[2] == 3 for row in names_table(tmp_path / "alone.sqlite"))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["alone.sqlite", "g.csv", "helped.sqlite"]


def index_as_lookups_see_it(path) -> tuple[list[tuple], list[tuple]]:
    """Names with their places' ids (None: a name left behind by its place), and the places,
    each in row order (row ids themselves are never seen)."""
    db = sqlite3.connect(path)
    names = db.execute("SELECT n.key, n.kind, n.alias, p.id FROM names n LEFT JOIN places p ON p.rowid = n.place"
                       " ORDER BY n.key, n.place, n.kind").fetchall()
    places = db.execute("SELECT * FROM places ORDER BY rowid").fetchall()
    return names, [p[1:] for p in places]


def test_user_rows_in_a_copy_of_the_base_index_make_the_index_of_all_the_rows(tmp_path):
    base = tmp_path / "base.csv"
    base.write_text(ROWS + "t:3,Maaret al-Numan,Ma\u2018arrat an Nu\u2018m\u0101n,35.64,36.67,P,PPL,SY,,,1,,test\n",
                    encoding="utf-8")
    mine = tmp_path / "mine.csv"
    mine.write_text(ROWS.splitlines()[0] + "\n"
                    "t:1,Tartous Port,Tartus|Tartous,34.9,35.87,S,PRT,SY,,,0,Tartusi,mine\n"  # replaces t:1
                    "m:1,Al-Bab Crossing,Al Bab,36.4,37.5,S,PSTB,SY,,,0,,mine\n"  # shares a name with t:2
                    "m:2,Nasib,,32.55,36.2,S,PSTB,SY,,,0,,mine\n"
                    "m:2,Nasib Crossing,Nasib,32.55,36.2,S,PSTB,SY,,,0,,mine\n",  # replaces the row above
                    encoding="utf-8")
    compile_index.build_index([base, mine], tmp_path / "all.sqlite", "k")
    compile_index.build_index([base], tmp_path / "base.sqlite", "b")
    compile_index.build_index([mine], tmp_path / "extended.sqlite", "k", base=tmp_path / "base.sqlite")
    assert index_as_lookups_see_it(tmp_path / "extended.sqlite") == index_as_lookups_see_it(tmp_path / "all.sqlite")
    meta = dict(sqlite3.connect(tmp_path / "extended.sqlite").execute("SELECT * FROM meta"))
    assert meta["fingerprint"] == "k" and meta["sources"] == os.pathsep.join([str(base), str(mine)])


def test_a_user_gazetteer_reuses_the_base_index(tmp_path, monkeypatch):
    monkeypatch.setenv("GEO_CACHE_DIR", str(tmp_path / "cache"))
    base, mine = tmp_path / "base.csv", tmp_path / "mine.csv"
    base.write_text(ROWS, encoding="utf-8")
    mine.write_text(ROWS.splitlines()[0] + "\nm:1,Nasib,,32.55,36.2,S,PSTB,SY,,,0,,mine\n", encoding="utf-8")
    base_index = Gazetteer.load(base=base, use_env=False).index_path
    built = base_index.stat().st_mtime_ns
    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    first = Gazetteer.load([mine], base=base, use_env=False)
    assert first.candidates("Nasib") and first.candidates("Tartous")
    assert terminal.getvalue().startswith(compile_index.EXTEND_NOTICE) and terminal.getvalue().count("\n") == 1
    mine.write_text(ROWS.splitlines()[0] + "\nm:1,Nasib Crossing,,32.55,36.2,S,PSTB,SY,,,0,,mine\n", encoding="utf-8")
    second = Gazetteer.load([mine], base=base, use_env=False)
    assert second.index_path != first.index_path
    assert second.candidates("Nasib Crossing") and not second.candidates("Nasib")
    assert base_index.stat().st_mtime_ns == built  # the base index was not built again
