"""Place names in French, Russian, Ukrainian and Arabic: folding and the shipped name files."""
from __future__ import annotations

import gzip
from collections import defaultdict

import pytest

from geo.gazetteer.languages import LANGUAGES, LanguageNames, fold, names_file
from geo.gazetteer.localized import LocalizedGazetteer


def test_arabic_folding_meets_the_spellings_of_one_name():
    # hamza on alef, ta marbuta, tashkeel, the article, tatweel
    assert fold("اللاذقيّة", "ar") == fold("لاذقيه", "ar") == fold("اللاذقية", "ar")
    assert fold("إدلب", "ar") == fold("ادلب", "ar")
    assert fold("حـلب", "ar") == fold("حلب", "ar")
    assert fold("البحر الأحمر", "ar") == fold("بحر احمر", "ar")
    assert fold("حلب", "ar") != fold("حماة", "ar")


def test_russian_folding_drops_yo_and_case():
    assert fold("Артёмовск", "ru") == fold("артемовск", "ru")
    assert fold("Хан-Юнис", "ru") == "хан юнис"


def test_french_folding_drops_accents():
    assert fold("Ségou", "fr") == fold("Segou", "fr")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_name_file_points_at_gazetteer_rows(lang, geoparser):
    path = names_file(lang)
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        lines = fh.read().splitlines()
    assert len(lines) > 1000
    for line in lines[:: max(1, len(lines) // 200)]:
        key, name, ids = line.split("\t")
        assert key == fold(name, lang)  # folded at build time as a lookup folds it now
        for place_id in ids.split("|"):
            assert geoparser.gazetteer.get(place_id) is not None, (name, place_id)


@pytest.mark.parametrize("lang, name, place_id", [
    ("ru", "Харьков", "gn:706483"), ("uk", "Харків", "gn:706483"), ("ar", "حلب", "gn:170063"),
    ("ar", "سوريا", "ci:SY"), ("ru", "Сирия", "ci:SY"), ("fr", "Syrie", "ci:SY"),
])
def test_names_from_geonames_and_cldr(lang, name, place_id):
    assert place_id in {i for _, i in LanguageNames(lang).lookup(name)}


def test_wikipedia_labels_link_only_to_the_one_row_of_that_main_name(tmp_path):
    import json
    import zipfile

    from geo.gazetteer.language_build import feature_names

    wheel = tmp_path / "arwikicats-0-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as whl:
        whl.writestr("ArWikiCats/jsons/geography/a.json", json.dumps(
            {"west bank": "الضفة الغربية", "regions": {"gulf": "غولف", "red sea": "البحر الأحمر"},
             "yukon": "Yukon"}))
    features = {"west bank": {"cur:west-bank"}, "red sea": {"cur:red-sea", "nem:red-sea"},
                "yukon": {"cur:yukon"}}  # "gulf" is only an alias of the Persian Gulf's row
    out = {"ar": defaultdict(set)}
    assert feature_names(wheel, features, out) == 1
    assert dict(out["ar"]) == {"الضفة الغربية": {"cur:west-bank"}}


def test_the_shipped_arabic_names_reach_the_hand_typed_regions():
    found = {i for _, i in LanguageNames("ar").lookup("قطاع غزة")}
    assert "cur:gaza-strip" in found


def test_the_localized_view_finds_a_place_by_a_variant_of_its_name(geoparser):
    view = LocalizedGazetteer(geoparser.gazetteer, "ru", LanguageNames("ru"),
                              variants=lambda name: ["Харьков"] if name == "Харькове" else [])
    assert view.candidates("Харькове")[0].place.id == "gn:706483"
    assert view.candidates("Харьковщиной") == []
    assert view.translit_candidates("Харькове") == []


def test_french_view_adds_the_gazetteers_latin_names(geoparser):
    view = LocalizedGazetteer(geoparser.gazetteer, "fr", LanguageNames("fr"))
    assert "gn:2460596" in {c.place.id for c in view.candidates("Bamako")}


def test_name_files_are_package_data():
    import tomllib
    from fnmatch import fnmatch

    from conftest import ROOT

    patterns = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]
    for lang in LANGUAGES:
        relative = names_file(lang).relative_to(ROOT / "geo" / "gazetteer").as_posix()
        assert any(fnmatch(relative, p) for p in patterns["geo.gazetteer"]), relative


def test_a_missing_or_broken_name_file_is_one_clear_error(tmp_path):
    from geo.errors import GazetteerError

    with pytest.raises(GazetteerError, match="ru place names missing"):
        LanguageNames("ru", tmp_path / "names-ru.tsv.gz").lookup("Харьков")
    broken = tmp_path / "names-ar.tsv.gz"
    broken.write_bytes(b"not gzip")
    with pytest.raises(GazetteerError, match="cannot read ar place names"):
        LanguageNames("ar", broken).lookup("حلب")
