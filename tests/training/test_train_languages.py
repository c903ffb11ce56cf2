"""`geo train languages`: paragraphs in French, Russian and Arabic in, a model that the
languages' recognisers use out; bad files and broken models are one line naming the cause."""
import gzip
import json

import pytest

from geo.cli import main
from geo.errors import ModelError
from geo.pipeline import Geoparser
from geo.types import Document

STORIES = [
    ("fr", "Des tirs ont visé Kherson dimanche, et des familles ont fui vers Odessa, en Ukraine.",
     ["Kherson", "Odessa", "Ukraine"]),
    ("fr", "Les inondations ont coupé la route entre Beira et Chimoio, au Mozambique.", ["Beira", "Chimoio", "Mozambique"]),
    ("fr", "Jean Moulin, le porte-parole, a parlé à la presse à Dakar.", ["Dakar"]),
    ("ru", "Обстрелу подверглись окраины Херсона, сообщили власти Украины.", ["Херсона", "Украины"]),
    ("ru", "Наводнение отрезало дорогу между Бейрой и Мапуту в Мозамбике.", ["Бейрой", "Мапуту", "Мозамбике"]),
    ("ru", "Губернатор Владимир Иванов прибыл в Омск.", ["Омск"]),
    ("ar", "قصفت الطائرات مواقع في ريف إدلب وحلب يوم الأحد.", ["إدلب", "حلب"]),
    ("ar", "وصلت قافلة المساعدات إلى الخرطوم بعد أن عبرت من إثيوبيا.", ["الخرطوم", "إثيوبيا"]),
    ("ar", "قال الوزير إن الحكومة ستعقد اجتماعا في عمان الأسبوع المقبل.", ["عمان"]),
]


def write_stories(path, stories=STORIES):
    with open(path, "w", encoding="utf-8") as handle:
        for i, (lang, text, names) in enumerate(stories):
            places = [{"name": n, "start": text.index(n), "end": text.index(n) + len(n)} for n in names]
            handle.write(json.dumps({"id": f"{lang}{i}", "lang": lang, "text": text, "places": places},
                                    ensure_ascii=False) + "\n")


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    folder = tmp_path_factory.mktemp("train-languages")
    write_stories(folder / "beat.jsonl")
    model = folder / "languages.model.gz"
    assert main(["train", "languages", str(folder / "beat.jsonl"), "--folds", "2", "--copies", "1",
                 "-o", str(model)]) == 0
    return folder, model


def test_the_figures_are_per_language_and_the_model_is_used(trained):
    folder, model = trained
    info = json.loads(gzip.decompress(model.read_bytes()))["info"]
    assert info["documents"] == len(STORIES) and info["folds"] == 2
    languages = {"beat/fr", "beat/ru", "beat/ar"}
    assert set(info["cross_validated"]) == set(info["training_set"]) == set(info["cross_validated_renamed"]) == languages
    parser = Geoparser(language_model=model)
    result = parser.parse(Document("a", "سقطت قذائف على حلب وإدلب مساء السبت.", lang="ar"))
    assert {r.mention.text for r in result.resolutions} >= {"حلب"}


def test_training_is_deterministic(trained):
    folder, model = trained
    again = folder / "again.model.gz"
    assert main(["train", "languages", str(folder / "beat.jsonl"), "--folds", "2", "--copies", "1",
                 "-o", str(again)]) == 0
    assert again.read_bytes() == model.read_bytes()


@pytest.mark.parametrize("content, message", [
    ("", "empty training file"),
    ('{"id": "a", "lang": "de", "text": "Regen in Bonn.", "places": [{"name": "Bonn", "start": 9, "end": 13}]}\n',
     "lang 'de' is not one of"),
    ('{"id": "a", "lang": "fr", "text": "Pluie à Lyon.", "places": []}\n', "no annotated places to learn from"),
])
def test_bad_training_files_are_one_line_and_write_nothing(tmp_path, capsys, content, message):
    data = tmp_path / "bad.jsonl"
    data.write_text(content, encoding="utf-8")
    out = tmp_path / "model.gz"
    assert main(["train", "languages", str(data), "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and message in err and "Traceback" not in err
    assert not out.exists() and not list(tmp_path.glob(".model.gz*"))


@pytest.mark.parametrize("breakage", ["missing", "corrupt", "other format", "other features"])
def test_a_broken_model_file_names_the_command_that_rebuilds_it(trained, tmp_path, breakage):
    folder, model = trained
    path = tmp_path / f"{breakage.replace(' ', '-')}.gz"
    data = json.loads(gzip.decompress(model.read_bytes()))
    if breakage == "corrupt":
        path.write_bytes(model.read_bytes()[: len(model.read_bytes()) // 2])
    elif breakage == "other format":
        path.write_bytes(gzip.compress(json.dumps({**data, "version": 999}).encode()))
    elif breakage == "other features":
        path.write_bytes(gzip.compress(json.dumps({**data, "features": data["features"][:-1] + ["x"]}).encode()))
    parser = Geoparser(language_model=path)
    with pytest.raises(ModelError) as caught:
        parser.parse(Document("r", "Обстрелу подверглись окраины Херсона.", lang="ru"))
    message = str(caught.value)
    assert "\n" not in message and "geo train languages" in message and str(path) in message
