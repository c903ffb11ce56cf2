"""The GeoNames importer, on 300 real rows of GeoNames' cities500.txt (CC-BY 4.0)."""
import sqlite3
import zipfile

import pytest
from conftest import DATA

from geo.errors import GazetteerError
from geo.gazetteer.geonames import import_geonames, is_latin, read_geonames
from geo.gazetteer.index import Gazetteer, build_index, open_index
from geo.gazetteer.schema import COLUMNS

SAMPLE = DATA / "geonames_sample.txt"


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    out = tmp_path_factory.mktemp("import") / "sample.sqlite"
    report = import_geonames(SAMPLE, out, gazetteers=(), progress=False, batch_size=37)
    return report, open_index(out)


def test_every_row_becomes_a_place(imported):
    report, gaz = imported
    assert report.rows == report.kept == report.places == 300
    assert report.names > report.places and report.rows_per_second > 0
    (tartus,) = gaz.candidates("Tartus")
    p = tartus.place
    assert (p.id, p.name, p.feature_code, p.country_code, p.admin1, p.population) == (
        "gn:163345", "Ţarţūs", "PPLA", "SY", "14", 89457)
    assert p.source == "geonames-geonames_sample"


def test_latin_alternate_names_only(imported):
    _, gaz = imported
    assert gaz.candidates("Tartous")[0].place.id == "gn:163345"
    aliases = {a for (a,) in gaz._db.execute("SELECT alias FROM names")}
    assert aliases and all(is_latin(a) for a in aliases)
    assert not gaz.candidates("طرطوس")
    assert is_latin("Ḩalab") and is_latin("Hồ Chí Minh") and is_latin("Oʻahu")
    assert not is_latin("Дамаск") and not is_latin("大马士革")


def test_ambiguous_names_rank_like_the_csv_gazetteer(imported):
    _, gaz = imported
    paris = gaz.candidates("Paris")
    assert paris[0].place.id == "gn:2988507" and len(paris) > 3


def test_same_schema_as_the_csv_index(imported, tmp_path):
    _, gaz = imported
    csv = tmp_path / "g.csv"
    csv.write_text(",".join(COLUMNS) + "\nx:1,X,,1,2,P,PPL,FR,,,0,,t\n", encoding="utf-8")
    built = tmp_path / "built.sqlite"
    build_index([csv], built, "k")

    def schema(path):
        db = sqlite3.connect(path)
        try:
            rows = db.execute("SELECT type, name, sql FROM sqlite_master WHERE name != 'meta'")
            return sorted((kind, name, " ".join((sql or "").split())) for kind, name, sql in rows)
        finally:
            db.close()

    assert schema(gaz.index_path) == schema(built)
    assert Gazetteer(gaz.index_path, []).candidates("Tartous")  # the class opens it as is


def test_csv_gazetteers_override_the_dump_by_id(tmp_path):
    csv = tmp_path / "curated.csv"
    csv.write_text(
        ",".join(COLUMNS) + "\n"
        "gn:163345,Tartus,Tortosa,34.9,35.9,P,PPLA,SY,14,,115000,,curated\n"
        "c:1,Hmeimim,Khmeimim,35.41,35.95,S,AIRB,SY,,,0,,curated\n",
        encoding="utf-8",
    )
    out = tmp_path / "both.sqlite"
    report = import_geonames(SAMPLE, out, gazetteers=[csv], progress=False)
    gaz = open_index(out)
    assert report.places == 301
    (c,) = gaz.candidates("Tortosa")
    assert c.place.source == "curated" and c.place.lat == 34.9
    assert gaz.candidates("Tartous") == []  # the dump's aliases went with its row
    assert gaz.candidates("Khmeimim")[0].place.id == "c:1"


def test_feature_class_filter(tmp_path):
    report = import_geonames(SAMPLE, tmp_path / "a.sqlite", gazetteers=(), feature_classes="a",
                             progress=False)
    assert report.rows == 300 and report.kept == report.places == 0


def test_zip_reads_like_the_text_file(tmp_path, imported):
    archive = tmp_path / "cities500.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("readme.txt", "not data")
        z.write(SAMPLE, "cities500.txt")
    report = import_geonames(archive, tmp_path / "z.sqlite", gazetteers=(), progress=False)
    assert (report.rows, report.names) == (imported[0].rows, imported[0].names)
    assert open_index(report.output).candidates("Tartous")[0].place.source == "geonames-cities500"


def test_malformed_row_names_file_and_line(tmp_path):
    lines = SAMPLE.read_text(encoding="utf-8").splitlines(keepends=True)
    bad = tmp_path / "bad.txt"
    broken = lines[41].split("\t")
    broken[4] = "north"
    bad.write_text("".join(lines[:41]) + "\t".join(broken) + "".join(lines[42:]), encoding="utf-8")
    out = tmp_path / "bad.sqlite"
    with pytest.raises(GazetteerError, match=r"bad.txt: line 42: column latitude: not a number: 'north'"):
        import_geonames(bad, out, gazetteers=(), progress=False)
    assert not out.exists() and list(tmp_path.iterdir()) == [bad]  # no half index, no temp files

    short = tmp_path / "short.txt"
    short.write_text(lines[0] + "1\tOnly\ttwo\n", encoding="utf-8")
    with pytest.raises(GazetteerError, match=r"short.txt: line 2: expected 19 .* found 3"):
        list(read_geonames(short))
    archive = tmp_path / "bad.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.write(bad, "allCountries.txt")
    with pytest.raises(GazetteerError, match=r"bad.zip:allCountries.txt: line 42"):
        list(read_geonames(archive))


def test_missing_and_foreign_files(tmp_path):
    with pytest.raises(GazetteerError, match="not found"):
        import_geonames(tmp_path / "nope.txt", tmp_path / "x.sqlite", gazetteers=(), progress=False)
    with pytest.raises(GazetteerError, match="index not found"):
        open_index(tmp_path / "nope.sqlite")
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"not sqlite at all" * 100)
    with pytest.raises(GazetteerError, match="not a geo gazetteer index"):
        open_index(junk)


def test_extra_gazetteers_are_refused_at_run_time(imported):
    with pytest.raises(GazetteerError, match="geo gazetteer import"):
        open_index(imported[1].index_path, ["more.csv"])


def test_load_and_env_var_open_an_imported_index(imported, monkeypatch):
    path = imported[1].index_path
    assert Gazetteer.load(index=path).candidates("Tartous")
    monkeypatch.setenv("GEO_GAZETTEER_INDEX", str(path))
    assert Gazetteer.load().index_path == path
    assert Gazetteer.load(use_env=False).index_path != path


def test_progress_bar(tmp_path):
    import io

    from geo.gazetteer.geonames import _Progress

    out = io.StringIO()
    with _Progress("x.txt", True, out) as bar:
        bar.update(50, 100)
        bar.update(100, 100)
    assert "x.txt" in out.getvalue() and "100.0%" in out.getvalue()


def test_cli_import_then_use(tmp_path, capsys, monkeypatch):
    from geo.cli import main

    monkeypatch.delenv("GEO_GAZETTEER", raising=False)
    out = tmp_path / "world.sqlite"
    assert main(["gazetteer", "import", str(SAMPLE), "-o", str(out), "--geonames-only"]) == 0
    err = capsys.readouterr().err
    assert f"--gazetteer-index {out}" in err and "300 places" in err
    assert main(["gazetteer", "search", "Tartous", "--gazetteer-index", str(out)]) == 0
    assert '"gazetteer_id": "gn:163345"' in capsys.readouterr().out
    assert main(["gazetteer", "info", "--gazetteer-index", str(tmp_path / "nope.sqlite")]) == 2
    assert "index not found" in capsys.readouterr().err
    bad = tmp_path / "bad.txt"
    bad.write_text("1\tX\n", encoding="utf-8")
    assert main(["gazetteer", "import", str(bad), "-o", str(out)]) == 2
    assert capsys.readouterr().err.startswith(f"geo: error: {bad}: line 1: expected 19")
