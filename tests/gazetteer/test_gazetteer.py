import os

import pytest

from geo.errors import GazetteerError
from geo.gazetteer import Gazetteer
from geo.gazetteer.schema import COLUMNS

HEADER = ",".join(COLUMNS)


def write(path, *rows):
    path.write_text(HEADER + "\n" + "".join(r + "\n" for r in rows), encoding="utf-8")
    return path


def test_candidates_by_name_and_alternate_name(mini_gazetteer):
    names = {c.place.id for c in mini_gazetteer.candidates("Tartous")}
    assert names == {"t:tartus"}
    assert {c.place.id for c in mini_gazetteer.candidates("LATTAKIA")} == {"t:latakia"}


def test_ambiguous_name_gives_every_sense_biggest_first(mini_gazetteer):
    ids = [c.place.id for c in mini_gazetteer.candidates("Paris")]
    assert ids == ["t:paris-fr", "t:paris-tx"]


def test_abbreviations_and_saint(mini_gazetteer):
    assert mini_gazetteer.candidates("U.S.")[0].place.id == "t:us"
    assert mini_gazetteer.candidates("US")[0].place.id == "t:us"
    assert mini_gazetteer.candidates("Saint Louis")[0].place.id == "t:stlouis"
    assert mini_gazetteer.candidates("St Louis")[0].place.id == "t:stlouis"


def test_demonyms_are_marked(mini_gazetteer):
    (c,) = mini_gazetteer.candidates("Syrians")
    assert c.place.id == "t:sy" and c.demonym
    assert not mini_gazetteer.candidates("Syria")[0].demonym


def test_unknown_name(mini_gazetteer):
    assert mini_gazetteer.candidates("Atlantis Prime") == []
    assert mini_gazetteer.candidates("...") == []


def test_user_gazetteer_adds_and_overrides(tmp_path, monkeypatch):
    monkeypatch.setenv("GEO_CACHE_DIR", str(tmp_path / "cache"))
    base = tmp_path / "base.csv"
    write(base, "a:1,Oldtown,,10,10,P,PPL,XX,,,100,,test", "a:2,Keepme,,20,20,P,PPL,XX,,,100,,test")
    extra = write(tmp_path / "mine.csv",
                  "a:1,Newtown,,11,11,P,PPL,XX,,,100,,mine",
                  "b:1,Nasib Crossing,Nasib,32.55,36.2,S,PSTB,SY,,,0,,mine")
    gaz = Gazetteer.load([extra], base=base, use_env=False)
    assert gaz.candidates("Oldtown") == []
    assert gaz.candidates("Newtown")[0].place.lat == 11
    assert gaz.candidates("Keepme")
    assert gaz.candidates("Nasib")[0].place.feature_code == "PSTB"


def test_user_gazetteer_from_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("GEO_CACHE_DIR", str(tmp_path / "cache"))
    base = write(tmp_path / "base.csv", "a:1,Oldtown,,10,10,P,PPL,XX,,,100,,test")
    extra = write(tmp_path / "env.csv", "e:1,Envville,,1,1,P,PPL,XX,,,1,,env")
    monkeypatch.setenv("GEO_GAZETTEER", str(extra))
    assert Gazetteer.load(base=base).candidates("Envville")


@pytest.mark.parametrize(
    "row, message",
    [
        ("a:1,Bad,,95,10,P,PPL,XX,,,1,,t", "line 2: column lat"),
        ("a:1,Bad,,ten,10,P,PPL,XX,,,1,,t", "line 2: column lat: not a number"),
        ("a:1,Bad,,10,10,P,PPL,XX,,,-5,,t", "line 2: column population"),
        ("a:1,Bad,,10,10,P,PPL,XX,,,inf,,t", "line 2: column population: not a number"),
        (",Bad,,10,10,P,PPL,XX,,,1,,t", "line 2: column id: empty"),
        ("a:1,Bad,,10,10,P,PPL,XX,,,1,,t,extra", "line 2: more fields"),
    ],
)
def test_malformed_row_names_file_line_and_column(tmp_path, monkeypatch, row, message):
    monkeypatch.setenv("GEO_CACHE_DIR", str(tmp_path / "cache"))
    bad = write(tmp_path / "bad.csv", row)
    with pytest.raises(GazetteerError) as err:
        Gazetteer.load(base=bad, use_env=False)
    assert str(bad) in str(err.value) and message in str(err.value)


def test_missing_column_and_missing_file(tmp_path, monkeypatch):
    monkeypatch.setenv("GEO_CACHE_DIR", str(tmp_path / "cache"))
    bad = tmp_path / "bad.csv"
    bad.write_text("id,name,lat\nx,y,1\n")
    with pytest.raises(GazetteerError, match="missing column"):
        Gazetteer.load(base=bad, use_env=False)
    with pytest.raises(GazetteerError, match="not found"):
        Gazetteer.load(base=tmp_path / "nope.csv", use_env=False)


def test_index_is_rebuilt_when_the_source_changes(tmp_path, monkeypatch):
    monkeypatch.setenv("GEO_CACHE_DIR", str(tmp_path / "cache"))
    base = write(tmp_path / "base.csv", "a:1,Oldtown,,10,10,P,PPL,XX,,,100,,test")
    first = Gazetteer.load(base=base, use_env=False)
    assert first.candidates("Oldtown")
    write(base, "a:1,Newtown,,10,10,P,PPL,XX,,,100,,test")
    os.utime(base, ns=(1, 1))  # even an older mtime is a change
    second = Gazetteer.load(base=base, use_env=False)
    assert second.index_path != first.index_path
    assert second.candidates("Newtown") and not second.candidates("Oldtown")


def test_corrupt_index_is_rebuilt_not_trusted(tmp_path, monkeypatch):
    monkeypatch.setenv("GEO_CACHE_DIR", str(tmp_path / "cache"))
    base = write(tmp_path / "base.csv", "a:1,Oldtown,,10,10,P,PPL,XX,,,100,,test")
    index = Gazetteer.load(base=base, use_env=False).index_path
    index.write_bytes(b"garbage" * 100)
    assert Gazetteer.load(base=base, use_env=False).candidates("Oldtown")


def test_pickles_as_a_reference_to_the_index(mini_gazetteer):
    import pickle

    clone = pickle.loads(pickle.dumps(mini_gazetteer))
    assert clone.candidates("Damascus")[0].place == mini_gazetteer.candidates("Damascus")[0].place
