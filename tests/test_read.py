import json

import pytest

from geo.errors import InputError
from geo.read import read_inputs, split_articles

from conftest import EXAMPLE


def test_example_file_splits_into_its_two_articles():
    if not EXAMPLE.exists():
        pytest.skip("shared example not present")
    docs = list(read_inputs([EXAMPLE]))
    assert [d.title for d in docs] == [
        "Russia Pulling back but Not Out of Syria, Sources Say",
        "Lebanon\u2019s Jumblatt Visits Syria, Hoping for a Post-Assad Reset in Troubled Relations",
    ]
    assert docs[0].id.endswith("#1") and docs[1].id.endswith("#2")
    assert "Hmeimim" in docs[0].text and "Hmeimim" not in docs[1].text


def test_paragraphs_stay_together_articles_split():
    text = "Title one\n\nPara a.\n\nPara b.\n\n\n\nTitle two\n\nPara c."
    assert split_articles(text) == ["Title one\n\nPara a.\n\nPara b.", "Title two\n\nPara c."]


def test_folder_and_stdin(tmp_path):
    (tmp_path / "a.txt").write_text("Alpha\n\nIn Paris.", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.txt").write_text("Beta\n\nIn Rome.", encoding="utf-8")
    (tmp_path / ".hidden.txt").write_text("x", encoding="utf-8")
    docs = list(read_inputs([tmp_path]))
    assert [d.id for d in docs] == ["a", "sub/b"]

    import io

    (doc,) = read_inputs(["-"], stdin=io.BytesIO("From stdin in Oslo.".encode()))
    assert doc.text == "From stdin in Oslo." and doc.source == "-"


def test_jsonl_with_given_mentions(tmp_path):
    path = tmp_path / "in.jsonl"
    rows = [
        {"id": "a", "text": "Fighting in Deraa and Damascus.", "title": "T",
         "mentions": [{"start": 12, "end": 17}, {"start": 22, "end": 30}]},
        {"id": "b", "text": "No mentions given here."},
    ]
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n\n", encoding="utf-8")
    a, b = read_inputs([path])
    assert a.mentions == ((12, 17), (22, 30)) and a.title == "T"
    assert b.mentions is None


@pytest.mark.parametrize(
    "line, message",
    [
        ('{"id": "a", "text": "x"', "line 2: not valid JSON"),
        ('["a"]', "line 2: expected a JSON object"),
        ('{"id": "a"}', 'line 2: "text" must be a string'),
        ('{"id": "a", "text": "abc", "mentions": [{"start": 1, "end": 9}]}', "line 2: mention 0 span 1-9"),
        ('{"id": "a", "text": "abc", "mentions": [{"start": "1", "end": 2}]}', "line 2: mention 0 needs integer"),
    ],
)
def test_broken_jsonl_line_names_file_and_line(tmp_path, line, message):
    path = tmp_path / "in.jsonl"
    path.write_text('{"id": "ok", "text": "fine"}\n' + line + "\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        list(read_inputs([path]))
    assert str(path) in str(err.value) and message in str(err.value)


def test_bad_inputs(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        list(read_inputs([tmp_path / "missing.txt"]))
    empty = tmp_path / "empty.txt"
    empty.write_text("  \n\n")
    with pytest.raises(InputError, match="empty"):
        list(read_inputs([empty]))
    binary = tmp_path / "image.txt"
    binary.write_bytes(bytes(range(256)) * 20)
    with pytest.raises(InputError, match="not a text file"):
        list(read_inputs([binary]))


def test_encodings(tmp_path):
    for name, data in {
        "bom.txt": "\ufeffCaf\u00e9 in Qu\u00e9bec.".encode("utf-8"),
        "utf16.txt": "Caf\u00e9 in Qu\u00e9bec.".encode("utf-16"),
        "cp1252.txt": "Caf\u00e9 in Qu\u00e9bec \u2013 news.".encode("cp1252"),
    }.items():
        (tmp_path / name).write_bytes(data)
        (doc,) = read_inputs([tmp_path / name])
        assert doc.text.startswith("Caf\u00e9 in Qu\u00e9bec"), name
