"""The first run builds the index in an empty cache folder: it must work, say so on a
terminal (and only there), and leave nothing half-built behind when it fails."""
from __future__ import annotations

import io
import os
import sqlite3
import subprocess
import sys

import pytest

from geo.errors import GazetteerError
from geo.gazetteer import compile as compile_index
from geo.gazetteer.index import Gazetteer

ROWS = ("id,name,alt_names,lat,lon,feature_class,feature_code,country_code,admin1,admin2,"
        "population,demonyms,source\n"
        "t:1,Tartus,Tartous|Ţarţūs,34.889,35.886,P,PPLA,SY,,,115769,,test\n"
        "t:2,Al Bab,,36.37,37.52,P,PPL,SY,,,130745,,test\n")


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_first_run_with_an_empty_cache_folder_works(tmp_path):
    """The real thing: the shipped gazetteer, an empty GEO_CACHE_DIR, the CLI."""
    cache = tmp_path / "cache"
    env = {**os.environ, "GEO_CACHE_DIR": str(cache)}
    env.pop("GEO_GAZETTEER", None)
    env.pop("GEO_GAZETTEER_INDEX", None)
    proc = subprocess.run([sys.executable, "-m", "geo", "gazetteer", "search", "Tartous"],
                          capture_output=True, text=True, env=env, timeout=600)
    assert proc.returncode == 0, proc.stderr
    assert '"gazetteer_id": "gn:163345"' in proc.stdout  # Tartus, Syria
    assert "indexing" not in proc.stderr  # not a terminal: no notice
    [index] = cache.iterdir()  # the index, and no temporary file beside it
    assert index.name.startswith("gazetteer-") and index.suffix == ".sqlite"
    assert index.stat().st_mode & 0o777 == 0o644  # readable by every user of a shared cache
    places = sqlite3.connect(index).execute("SELECT COUNT(*) FROM places").fetchone()[0]
    assert places > 200_000


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
