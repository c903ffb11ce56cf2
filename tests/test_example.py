"""The worked example: two Reuters/AFP-style articles about Syria, read from ../shared.

Reference points are the real places' coordinates (public knowledge, not corpus data).
"""
import pytest
from conftest import EXAMPLE
from shapely.geometry import Point, shape

from geo.distance import great_circle_km
from geo.inputs.read import read_inputs
from geo.maps.outline import country_outlines

pytestmark = pytest.mark.skipif(not EXAMPLE.exists(), reason="shared example not present")

PLACES_25KM = {
    "Hmeimim": (35.4011, 35.9486),
    "Tartous": (34.8890, 35.8866),
    "Latakia": (35.5317, 35.7901),
    "Deraa": (32.6189, 36.1021),
    "Damascus": (33.5138, 36.2765),
    "Jablah": (35.3612, 35.9256),
}
PLACES_50KM = {"Moscow": (55.7558, 37.6173), "Istanbul": (41.0082, 28.9784)}
COUNTRIES = {"Jordan": "Jordan", "Lebanon": "Lebanon", "Syria": "Syria", "Libya": "Libya", "Russia": "Russia"}


@pytest.fixture(scope="module")
def results(geoparser):
    return list(geoparser.parse_many(read_inputs([EXAMPLE])))


def resolved(results, name):
    places = {r.place for res in results for r in res.resolutions if r.mention.text == name}
    assert places, f"{name} was not found in the example"
    assert None not in places, f"{name} was left unresolved"
    return places


@pytest.mark.parametrize("name, km", [(n, 25) for n in PLACES_25KM] + [(n, 50) for n in PLACES_50KM])
def test_places_land_near_the_real_spot(results, name, km):
    lat, lon = {**PLACES_25KM, **PLACES_50KM}[name]
    for place in resolved(results, name):
        assert great_circle_km(place.lat, place.lon, lat, lon) <= km, (name, place)


@pytest.mark.parametrize("name", COUNTRIES)
def test_countries_land_inside_the_country(results, name):
    outline = {f["properties"]["name"]: shape(f["geometry"]) for f in country_outlines()["features"]}
    for place in resolved(results, name):
        assert outline[COUNTRIES[name]].contains(Point(place.lon, place.lat)), (name, place)


def test_every_mention_carries_its_sentence(results):
    for res in results:
        for r in res.resolutions:
            assert res.document.text[r.mention.start:r.mention.end] == r.mention.text
            assert r.excerpt.highlight == " ".join(r.mention.text.split())
