"""`geo train recognizer`: a user's own annotated file in, a model that `--recognizer` uses out;
bad training files are one line naming the line, and nothing is written."""
import gzip
import json

import pytest

from geo.cli import main

STORIES = [
    ("Shelling hit Kherson overnight, and families fled towards Mykolaiv, officials in Ukraine said.",
     ["Kherson", "Mykolaiv", "Ukraine"]),
    ("Floods cut the road between Beira and Chimoio in Mozambique on Sunday.", ["Beira", "Chimoio", "Mozambique"]),
    ("Aid trucks reached Kassala after crossing from Eritrea, the UN said.", ["Kassala", "Eritrea"]),
    ("Police in Lahore arrested two men after the blast in Quetta, Pakistan.", ["Lahore", "Quetta", "Pakistan"]),
    ("Paris Hilton did not attend, said John Sydney, a spokesman for the club.", []),
    ("Gunmen attacked a checkpoint near Maiduguri in Nigeria, the army said.", ["Maiduguri", "Nigeria"]),
]


def write_stories(path, stories=STORIES):
    with open(path, "w", encoding="utf-8") as handle:
        for i, (text, names) in enumerate(stories):
            places = [{"name": n, "start": text.index(n), "end": text.index(n) + len(n)} for n in names]
            handle.write(json.dumps({"id": f"s{i}", "text": text, "places": places}) + "\n")


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    folder = tmp_path_factory.mktemp("train")
    write_stories(folder / "beat.jsonl")
    model = folder / "beat.model.gz"
    assert main(["train", "recognizer", str(folder / "beat.jsonl"), "--folds", "2", "--copies", "1",
                 "-o", str(model)]) == 0
    return folder, model


def test_the_trained_model_is_used_by_extract(trained, capsys):
    folder, model = trained
    info = json.loads(gzip.decompress(model.read_bytes()))["info"]
    assert info["documents"] == len(STORIES) and info["folds"] == 2
    assert set(info["cross_validated"]) == set(info["training_set"]) == {"beat"}
    story = folder / "story.txt"
    story.write_text("Drones struck Kherson again, officials in Ukraine said.\n", encoding="utf-8")
    capsys.readouterr()
    assert main(["extract", str(story), "--recognizer", str(model), "--workers", "1"]) == 0
    found = {m["text"] for line in capsys.readouterr().out.splitlines() for m in json.loads(line)["mentions"]}
    assert "Ukraine" in found


def test_training_is_deterministic(trained):
    folder, model = trained
    again = folder / "again.model.gz"
    assert main(["train", "recognizer", str(folder / "beat.jsonl"), "--folds", "2", "--copies", "1",
                 "-o", str(again)]) == 0
    assert again.read_bytes() == model.read_bytes()


@pytest.mark.parametrize("content, message", [
    ("", "empty training file"),
    ('{"id": "a", "text": "Rain in Leeds.", "places": []}\n{"id": "b", "text": ', "line 2: not a conflict-set case"),
    ('{"id": "a", "text": "Rain in Leeds.", "places": []}\n', "no annotated places to learn from"),
    ('{"id": "a", "text": "Rain in Leeds.", "places": [{"name": "Leeds", "start": 8, "end": 80}]}\n',
     "line 1: span 8-80 lies outside the text"),
])
def test_bad_training_files_are_one_line_and_write_nothing(tmp_path, capsys, content, message):
    data = tmp_path / "bad.jsonl"
    data.write_text(content, encoding="utf-8")
    out = tmp_path / "model.gz"
    assert main(["train", "recognizer", str(data), "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and message in err and "Traceback" not in err
    assert not out.exists() and not list(tmp_path.glob(".model.gz*"))


@pytest.mark.parametrize("breakage", ["missing", "corrupt", "other format", "other features"])
def test_a_broken_model_file_names_the_command_that_rebuilds_it(trained, tmp_path, capsys, breakage):
    folder, model = trained
    path = tmp_path / "model.gz"
    if breakage == "corrupt":
        path.write_bytes(model.read_bytes()[: len(model.read_bytes()) // 2])
    elif breakage == "other format":
        data = json.loads(gzip.decompress(model.read_bytes()))
        path.write_bytes(gzip.compress(json.dumps({**data, "version": 999}).encode()))
    elif breakage == "other features":
        data = json.loads(gzip.decompress(model.read_bytes()))
        data["features"] = [f"x{i}" for i in range(len(data["features"]))]
        path.write_bytes(gzip.compress(json.dumps(data).encode()))
    story = tmp_path / "story.txt"
    story.write_text("Rain in Leeds.\n", encoding="utf-8")
    assert main(["extract", str(story), "--recognizer", str(path), "--workers", "1"]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1 and "Traceback" not in err
    assert "geo train recognizer" in err and str(path) in err
