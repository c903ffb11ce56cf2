"""`geo map` options of the story map: --areas/--no-areas, --labels; bad values are one line."""
from __future__ import annotations

import json
import re

from geo.cli import main

SAMPLE = [
    {"id": "a", "date": "2024-03-01", "text": "Ships left Tartous. Syria and Lebanon talked.",
     "mentions": [{"start": 11, "end": 18}, {"start": 20, "end": 25}, {"start": 30, "end": 37}]},
]


def _input(tmp_path):
    path = tmp_path / "in.jsonl"
    path.write_text("".join(json.dumps(d) + "\n" for d in SAMPLE), encoding="utf-8")
    return path


def _data(page: str) -> dict:
    found = re.search(r'<script type="application/json" id="geo_places_\w+_data">(.*?)</script>', page, re.DOTALL)
    return json.loads(found.group(1))


def test_areas_are_outlines_unless_no_areas(tmp_path, capsys):
    out = tmp_path / "map.html"
    assert main(["map", str(_input(tmp_path)), "--output", str(out)]) == 0
    data = _data(out.read_text(encoding="utf-8"))
    kinds = {p[5]: p[8] for p in data["places"]}
    assert kinds == {"Tartous": "point", "Syria": "area", "Lebanon": "area"}
    assert data["days"] == ["2024-03-01"]

    assert main(["map", str(_input(tmp_path)), "--output", str(out), "--no-areas"]) == 0
    data = _data(out.read_text(encoding="utf-8"))
    assert {p[8] for p in data["places"]} == {"point"} and data["geometries"] == []


def test_negative_labels_is_one_line_and_exit_2(tmp_path, capsys):
    out = tmp_path / "map.png"
    assert main(["map", str(_input(tmp_path)), "--output", str(out), "--labels", "-1"]) == 2
    err = capsys.readouterr().err
    assert err.strip().count("\n") == 0 and "--labels" in err and "Traceback" not in err
    assert not out.exists()
