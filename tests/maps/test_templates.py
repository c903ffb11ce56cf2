"""The map's scripts and styles are files (geo/maps/templates): every one is used, each
rendered page's scripts parse as JavaScript (esprima, a pure-Python parser: a lint cheap
enough for every test run), and no Python module carries script or style any more."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from geo.maps import elements
from geo.maps.render import build_map
from geo.types import Document, Excerpt, Mention, ParseResult, Place, Resolution

MAPS = Path(elements.__file__).parent
ALEPPO = Place("170063", "Aleppo", 36.20, 37.16, "P", "PPLA", "SY")
SYRIA = Place("ci:SY", "Syria", 35.0, 38.0, "A", "PCLI", "SY")


def results() -> list[ParseResult]:
    text = "Shelling in Aleppo, Syria."
    doc = Document(id="a", text=text, title="T", date="2024-01-02")
    out = []
    for place in (ALEPPO, SYRIA):
        start = text.index(place.name)
        mention = Mention(start, start + len(place.name), place.name, "GPE")
        out.append(Resolution(mention, place, 0.9, excerpt=Excerpt(text, start, start + len(place.name))))
    return [ParseResult(doc, tuple(out))]


def test_every_template_file_is_used_by_an_element():
    used = set(re.findall(r'template\("([\w.]+)"\)', Path(elements.__file__).read_text()))
    files = {p.name for p in elements.TEMPLATES.iterdir()}
    assert files == used


@pytest.mark.parametrize("cluster", [True, False])
def test_the_pages_scripts_parse(cluster):
    esprima = pytest.importorskip("esprima")
    page = build_map(results(), cluster=cluster, title="Map").get_root().render()
    scripts = re.findall(r"<script>(.*?)</script>", page, re.S)
    ours = [s for s in scripts if "geo_places_" in s]
    assert ours, "the places' script is missing"
    for script in scripts:
        esprima.parseScript(script)  # raises esprima.Error on a syntax error
    for name in ("places.js", "legend.js", "search.js", "views.js", "period.js"):
        first = next(line.strip() for line in (elements.TEMPLATES / name).read_text().splitlines()
                     if line.strip() and "{{" not in line)
        assert first in page, name


def test_no_python_module_of_the_maps_carries_script_or_style():
    for module in MAPS.glob("*.py"):
        text = module.read_text(encoding="utf-8")
        assert "function (" not in text and "{% macro" not in text.replace('"{% macro', ""), module.name
        assert not re.search(r"^\s*\.geo-[\w-]+ \{", text, re.M), module.name
