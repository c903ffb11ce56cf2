"""The shipped gazetteer knows what English news writes: abbreviations, demonyms, regions.

Expected entries are general knowledge (ISO codes, the US states), not corpus answers.
"""
import pytest

from geo.gazetteer.index import Gazetteer


@pytest.fixture(scope="module")
def gazetteer():
    return Gazetteer.load(use_env=False)


def best(gazetteer, name):
    candidates = gazetteer.candidates(name)
    assert candidates, f"no entry for {name!r}"
    top = max(candidates, key=lambda c: (c.place.feature_code in ("PCLI", "ADM1"), c.place.population))
    return top


@pytest.mark.parametrize(
    "name, country, admin1_name",
    [
        ("U.S.", "US", None), ("US", "US", None), ("USA", "US", None), ("UK", "GB", None),
        ("U.K.", "GB", None), ("Britain", "GB", None), ("UAE", "AE", None),
        ("Kan.", "US", "Kansas"), ("Ky.", "US", "Kentucky"), ("W. Va.", "US", "West Virginia"),
        ("S.C.", "US", "South Carolina"), ("NSW", "AU", "New South Wales"),
    ],
)
def test_abbreviations(gazetteer, name, country, admin1_name):
    place = best(gazetteer, name).place
    assert place.country_code == country
    if admin1_name:
        assert place.feature_code == "ADM1" and place.name == admin1_name
    else:
        assert place.feature_code == "PCLI"


@pytest.mark.parametrize(
    "demonym, country", [("Syrian", "SY"), ("Sudanese", "SD"), ("Americans", "US"), ("Turkish", "TR"),
                         ("Russian", "RU"), ("Lebanese", "LB")],
)
def test_demonyms_stand_for_their_country(gazetteer, demonym, country):
    demonyms = [c for c in gazetteer.candidates(demonym) if c.demonym]
    assert demonyms and demonyms[0].place.country_code == country
    assert demonyms[0].place.feature_code == "PCLI"


@pytest.mark.parametrize(
    "name, code",
    [("Hmeimim", "AIRB"), ("Mediterranean", "SEA"), ("Alawite Mountains", "MTS"), ("Europe", "CONT"),
     ("Nasib", "PSTB"), ("Caucasus", "RGN")],
)
def test_curated_places(gazetteer, name, code):
    assert any(c.place.feature_code == code for c in gazetteer.candidates(name))


def test_every_country_has_a_reference_point(gazetteer):
    countries = gazetteer.countries()
    assert len(countries) > 190
    for code in ("SY", "RU", "US", "FR", "LB", "JO", "LY"):
        assert code in countries


@pytest.mark.parametrize("name, country", [("Hsipaw", "MM"), ("Thandwe", "MM"), ("Beit Sahour", "PS")])
def test_towns_cities500_lacks_come_from_countrystatecity(gazetteer, name, country):
    places = [c.place for c in gazetteer.candidates(name)]
    assert any(p.country_code == country and p.feature_class == "P" for p in places), places


@pytest.mark.parametrize("name", ["Tokmak Raion", "Cercle de Bourem", "Helsingør Kommune"])
def test_districts_in_city_lists_are_not_towns(gazetteer, name):
    assert not [c for c in gazetteer.candidates(name) if c.place.source == "countrystatecity"
                and c.place.feature_class == "P"]
