"""How `geo gazetteer build` adds region names and seas: the rules, on small inputs."""
import csv
from pathlib import Path

from geo.gazetteer.build import add_alts, marine_kind, names_agree, ne_region_names, row

ROOT = Path(__file__).resolve().parents[2]


def region(name, alts="", cc="SY", rid="csc:1"):
    return row(id=rid, name=name, alt_names=alts, lat=35, lon=36, feature_class="A",
               feature_code="ADM1", country_code=cc)


def test_aliases_skip_countries_generic_words_fragments_and_towns():
    r = region("Distrito Federal", cc="BR")
    add_alts(r, ["Federal", "Federal District", "Central", "Brazil", "Brasilia DF",
                 "Cidade"], blocked={"brazil"}, city_names={("BR", "cidade")},
             region_names={})
    alts = r["alt_names"].split("|")
    assert "Brasilia DF" in alts
    for bad in ("Federal", "Central", "Brazil", "Cidade"):
        assert bad not in alts


def test_an_alias_naming_another_region_of_the_country_is_left_to_it():
    r = region("Idlib")
    add_alts(r, ["Idleb", "Aleppo"], blocked=set(), city_names=set(),
             region_names={"SY": {"aleppo", "idlib"}})
    assert r["alt_names"] == "Idleb"


def test_a_town_name_stays_with_the_town_unless_the_region_has_it_already():
    r = region("Luhansk Oblast", alts="Luhansk", cc="UA")
    add_alts(r, ["Luhansk Region", "Luhansk", "Voroshilovgrad"], blocked=set(),
             city_names={("UA", "luhansk"), ("UA", "voroshilovgrad")}, region_names={})
    alts = r["alt_names"].split("|")
    assert "Luhansk Region" in alts and "Voroshilovgrad" not in alts


def test_natural_earth_names_are_latin_and_carry_the_kind():
    names = ne_region_names({"name": "Idlib", "name_en": "Idlib", "name_alt": "Adlib|Edleb|Idleb",
                             "name_local": "إدلب", "type_en": "Province", "iso_a2": "SY"})
    assert "Idleb" in names and "Idlib Province" in names
    assert all("إ" not in n for n in names)
    # not "Ohio State": news means the university
    us = ne_region_names({"name": "Ohio", "type_en": "State", "iso_a2": "US"})
    assert "Ohio State" not in us


def test_a_code_link_needs_names_that_agree():
    assert names_agree(["Luhans'k", "Luhansk"], region("Luhanska", cc="UA"))
    assert names_agree(["Crimea"], region("Autonomous Republic of Crimea", cc="UA"))
    assert not names_agree(["Enfield"], region("Barnet", cc="GB"))


def test_marine_kinds():
    assert marine_kind("Gulf of Aden") == "GULF"
    assert marine_kind("Tyrrhenian Sea") == "SEA"
    assert marine_kind("Bab el Mandeb") == "STRT"
    assert marine_kind("Bay of Bengal") == "BAY"
    assert marine_kind("Kaliningrad") == ""


def test_every_curated_row_has_a_source_and_a_unique_id():
    with open(ROOT / "data" / "curated.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert all(r["source"].startswith("https://") for r in rows)
    assert len({r["id"] for r in rows}) == len(rows)
    assert all(r["id"].startswith("cur:") for r in rows)
