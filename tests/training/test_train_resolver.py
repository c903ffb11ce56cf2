"""`geo train resolver`: a user's annotated file with points in, a ranker that `--resolver`
uses out; same seed, same bytes; broken files are one line."""
import gzip
import json
import random

import pytest

from geo.cli import main
from geo.training.augment import respell

# Stories of our own; the points are the towns' (approximate) coordinates.
STORIES = [
    ("Shelling hit Kherson overnight, and families fled towards Mykolaiv, officials in Ukraine said.",
     [("Kherson", 46.64, 32.61), ("Mykolaiv", 46.97, 31.99), ("Ukraine", 49.0, 32.0)]),
    ("Floods cut the road between Beira and Chimoio in Mozambique on Sunday.",
     [("Beira", -19.84, 34.84), ("Chimoio", -19.12, 33.48), ("Mozambique", -18.25, 35.0)]),
    ("Aid trucks reached Kassala after crossing from Eritrea, the UN said.",
     [("Kassala", 15.45, 36.4), ("Eritrea", 15.0, 39.0)]),
    ("Police in Lahore arrested two men after the blast in Quetta, Pakistan.",
     [("Lahore", 31.55, 74.34), ("Quetta", 30.19, 67.01), ("Pakistan", 30.0, 70.0)]),
    ("Storms closed schools in Paris, Texas, and in Dallas on Monday.",
     [("Paris", 33.66, -95.56), ("Texas", 31.25, -99.25), ("Dallas", 32.78, -96.81)]),
    ("Gunmen attacked a checkpoint near Maiduguri in Nigeria, the army said.",
     [("Maiduguri", 11.85, 13.16), ("Nigeria", 10.0, 8.0)]),
]


def write_stories(path, stories=STORIES):
    with open(path, "w", encoding="utf-8") as handle:
        for i, (text, places) in enumerate(stories):
            rows = [{"name": n, "start": text.index(n), "end": text.index(n) + len(n), "lat": lat, "lon": lon}
                    for n, lat, lon in places]
            handle.write(json.dumps({"id": f"s{i}", "text": text, "places": rows}) + "\n")


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    folder = tmp_path_factory.mktemp("train")
    write_stories(folder / "beat.jsonl")
    model = folder / "ranker.gz"
    assert main(["train", "resolver", str(folder / "beat.jsonl"), "--folds", "2", "-o", str(model)]) == 0
    return folder, model


def test_the_trained_ranker_is_used_by_extract(trained, capsys):
    folder, model = trained
    info = json.loads(gzip.decompress(model.read_bytes()))["info"]
    assert info["documents"] == len(STORIES) and info["folds"] == 2
    assert set(info["cross_validated"]) == set(info["training_set"]) == {"beat"}
    story = folder / "story.jsonl"
    text = "Drones struck Kherson again, officials in Ukraine said."
    spans = [{"start": text.index(n), "end": text.index(n) + len(n)} for n in ("Kherson", "Ukraine")]
    story.write_text(json.dumps({"id": "x", "text": text, "mentions": spans}) + "\n", encoding="utf-8")
    capsys.readouterr()
    assert main(["extract", str(story), "--resolver", str(model), "--workers", "1"]) == 0
    (record,) = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [m["text"] for m in record["mentions"]] == ["Kherson", "Ukraine"]
    assert all(m["country_code"] == "UA" for m in record["mentions"]), record["mentions"]


def test_training_is_deterministic(trained):
    folder, model = trained
    again = folder / "again.gz"
    assert main(["train", "resolver", str(folder / "beat.jsonl"), "--folds", "2", "-o", str(again)]) == 0
    assert again.read_bytes() == model.read_bytes()


def test_a_file_without_points_is_one_line(tmp_path, capsys):
    data = tmp_path / "nopoints.jsonl"
    data.write_text(json.dumps({"id": "a", "text": "Rain in Leeds.",
                                "places": [{"name": "Leeds", "start": 8, "end": 13}]}) + "\n", encoding="utf-8")
    out = tmp_path / "ranker.gz"
    assert main(["train", "resolver", str(data), "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no places with coordinates" in err
    assert not out.exists()


@pytest.mark.parametrize("breakage", ["missing", "corrupt", "other features"])
def test_a_broken_ranker_names_the_command_that_rebuilds_it(trained, tmp_path, capsys, breakage):
    _, model = trained
    path = tmp_path / "ranker.gz"
    if breakage == "corrupt":
        path.write_bytes(b"not gzip")
    elif breakage == "other features":
        data = json.loads(gzip.decompress(model.read_bytes()))
        data["own"] = data["own"][:-1]
        path.write_bytes(gzip.compress(json.dumps(data).encode()))
    assert main(["resolve", "Kherson", "--resolver", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "geo train resolver" in err and "Traceback" not in err


def test_respelling_keeps_the_loose_key_and_leaves_the_exact_names():
    from geo.gazetteer.index import Gazetteer
    from geo.gazetteer.normalize import translit_key

    gazetteer = Gazetteer.load()
    rng = random.Random(3)
    variants = {respell(name, gazetteer, rng) for name in ["Khmelnytskyi"] * 5}
    variants.discard(None)
    assert variants, "no respelling found"
    for v in variants:
        assert translit_key(v) == translit_key("Khmelnytskyi") and not gazetteer.has_name(v)
