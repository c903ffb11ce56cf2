"""Nothing breaks, nothing leaks, nothing is lost: the CLI under bad input, failures half-way,
interruptions and hostile text."""
import json
import re

import pytest

import geo.cli
from geo.cli import main
from geo.outputs.atomic import atomic_write
from geo.pipeline import Geoparser
from geo.resolve.resolver import Resolver
from geo.types import Mention


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def write_jsonl(path, rows):
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in rows), encoding="utf-8")
    return path


def given(id_, text, *names, **extra):
    return {"id": id_, "text": text, **extra,
            "mentions": [{"start": text.index(n), "end": text.index(n) + len(n)} for n in names]}


@pytest.fixture
def mini_parser(mini_gazetteer, monkeypatch):
    """The CLI with a pipeline on the hand-made gazetteer (resolution mode needs no model)."""
    parser = Geoparser(gazetteer=mini_gazetteer)
    monkeypatch.setattr(geo.cli, "parser_for", lambda args: parser)
    return parser


# -- --on-error -------------------------------------------------------------------------------


def test_skip_gives_every_input_line_one_record_in_order(tmp_path, capsys, mini_parser):
    path = write_jsonl(tmp_path / "in.jsonl", [
        given("a", "Talks in Damascus.", "Damascus"),
        '{"id": "b", "text": "cut off',
        '{"text": "no id", "mentions": [{"start": 0, "end": 99}]}',
        "not json at all",
        given("c", "Shelling near Aleppo.", "Aleppo"),
    ])
    code, out, err = run(capsys, "extract", path, "--on-error", "skip")
    assert code == 0
    records = [json.loads(line) for line in out.splitlines()]
    assert [r["id"] for r in records] == ["a", "b", "in:3", "in:4", "c"]
    assert [bool(r.get("error")) for r in records] == [False, True, True, True, False]
    assert records[0]["mentions"][0]["text"] == "Damascus" and records[4]["mentions"][0]["text"] == "Aleppo"
    assert all(r["mentions"] == [] for r in records[1:4])
    lines = err.splitlines()
    assert [re.search(r"line (\d+)", line).group(1) for line in lines] == ["2", "3", "4"]
    assert all(str(path) in line for line in lines)


def test_fail_stops_at_the_first_broken_line_and_keeps_the_old_output(tmp_path, capsys, mini_parser):
    path = write_jsonl(tmp_path / "in.jsonl", [given("a", "In Damascus.", "Damascus"), "{oops", "{oops"])
    out_path = tmp_path / "out.jsonl"
    out_path.write_text("old\n")
    code, _, err = run(capsys, "extract", path, "-o", out_path)
    assert code == 2 and err == f"geo: error: {path}: line 2: not valid JSON: " \
        "Expecting property name enclosed in double quotes: line 1 column 2 (char 1)\n"
    assert out_path.read_text() == "old\n" and not list(tmp_path.glob(".*.part"))


class ExplodingResolver(Resolver):
    def resolve(self, text, mentions, **kwargs):
        if "BOOM" in text:
            raise RuntimeError("resolver blew up\non two lines")
        return super().resolve(text, mentions, **kwargs)


class ExplodingRecognizer:
    """Stands in for the model: raises for a batch that holds a text with BOOM in it."""

    def recognize_many(self, texts):
        texts = list(texts)
        if any("BOOM" in t for t in texts):
            raise ValueError("model blew up")
        return [[Mention(t.index("Oslo"), t.index("Oslo") + 4, "Oslo", "GPE")] if "Oslo" in t else [] for t in texts]


def test_a_document_that_breaks_the_pipeline_gets_an_error_record(tmp_path, capsys, mini_gazetteer, monkeypatch):
    parser = Geoparser(gazetteer=mini_gazetteer, resolver=ExplodingResolver(mini_gazetteer),
                       recognizer=ExplodingRecognizer())
    monkeypatch.setattr(geo.cli, "parser_for", lambda args: parser)
    rows = [given("r1", "In Damascus.", "Damascus"), given("r2", "BOOM in Damascus.", "Damascus"),
            {"id": "m1", "text": "Talks in Oslo."}, {"id": "m2", "text": "BOOM near Oslo."},
            {"id": "m3", "text": "Back in Oslo."}]
    path = write_jsonl(tmp_path / "in.jsonl", rows)
    code, out, err = run(capsys, "extract", path, "--on-error", "skip")
    assert code == 0
    records = {r["id"]: r for r in map(json.loads, out.splitlines())}
    assert list(records) == ["r1", "r2", "m1", "m2", "m3"]
    assert records["r2"]["error"] == f"{path}: document r2: RuntimeError: resolver blew up on two lines"
    assert records["m2"]["error"] == f"{path}: document m2: ValueError: model blew up"
    # The rest of the batch the model choked on is parsed one by one and keeps its places.
    assert [m["text"] for m in records["m1"]["mentions"]] == ["Oslo"] == [m["text"] for m in records["m3"]["mentions"]]
    assert "error" not in records["r1"] and err.count("\n") == 2
    with pytest.raises(ValueError, match="model blew up"):  # without skip the failure is not hidden
        main(["extract", str(path)])


def test_skip_covers_whole_files_too(tmp_path, capsys, mini_parser):
    (tmp_path / "bin.txt").write_bytes(bytes(range(256)) * 8)
    (tmp_path / "empty.txt").write_text(" \n")
    write_jsonl(tmp_path / "z.jsonl", [given("z", "In Damascus.", "Damascus")])
    code, out, err = run(capsys, "extract", tmp_path, "--on-error", "skip")
    assert code == 0
    assert [(r["id"], "error" in r) for r in map(json.loads, out.splitlines())] == [
        ("bin", True), ("empty", True), ("z", False)]
    assert "bin.txt: not a text file" in err and "empty.txt: empty input" in err


def test_input_format_option(tmp_path, capsys, mini_parser):
    path = tmp_path / "page.txt"
    path.write_text("<title>T</title><p>x</p>", encoding="utf-8")
    mini_parser.recognizer = ExplodingRecognizer()
    code, out, _ = run(capsys, "extract", path, "--input-format", "html")
    assert code == 0 and json.loads(out)["title"] == "T"
    with pytest.raises(SystemExit) as exit:  # argparse refuses it
        main(["extract", str(path), "--input-format", "odt"])
    assert exit.value.code == 2


# -- interrupted writes -------------------------------------------------------------------------


@pytest.mark.parametrize("exc", [RuntimeError("disk on fire"), KeyboardInterrupt()])
def test_an_interrupted_atomic_write_leaves_the_old_file_and_no_temp_file(tmp_path, exc):
    target = tmp_path / "out.jsonl"
    target.write_text("old\n")

    def records():
        yield "one\n"
        yield "two\n"
        raise exc

    with pytest.raises(type(exc)), atomic_write(target) as out:
        for line in records():
            out.write(line)
    assert target.read_text() == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.jsonl"]


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "geojson"])
@pytest.mark.parametrize("exc, code", [(KeyboardInterrupt(), 130), (RuntimeError("boom"), None)])
def test_extract_interrupted_half_way_keeps_the_old_output(tmp_path, capsys, mini_parser, monkeypatch, fmt, exc, code):
    # Few enough documents that they are parsed in this process, by the patched parser.
    path = write_jsonl(tmp_path / "in.jsonl", [given(str(i), "In Damascus.", "Damascus") for i in range(20)])
    real = mini_parser.parse_many

    def parse_many(documents, **kwargs):
        for i, result in enumerate(real(documents, **kwargs)):
            if i == 12:
                raise exc
            yield result

    monkeypatch.setattr(mini_parser, "parse_many", parse_many)
    out_path = tmp_path / f"out.{fmt}"
    out_path.write_text("old\n")
    if code is None:
        with pytest.raises(RuntimeError):
            main(["extract", str(path), "-f", fmt, "-o", str(out_path)])
    else:
        assert run(capsys, "extract", path, "-f", fmt, "-o", out_path)[0] == code
    assert out_path.read_text() == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl", f"out.{fmt}"]


# -- hostile text in maps -----------------------------------------------------------------------

PAYLOADS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "</script><script>alert(1)</script>",
    "<svg onload=alert(1)>",
    "'><iframe src=javascript:alert(1)>",
    "${alert(1)}`;alert(1)//",
]
RAW = re.compile(
    r"<script>alert|<img src=x|<svg onload|<iframe|</script><script>|"
    r"<[^<>]*\s(?:href|src)\s*=\s*[\"']?\s*(?:javascript:|data:text/html)|"
    r"<[^<>]*\son(?:error|load)=",
    re.IGNORECASE,
)


def test_map_escapes_hostile_titles_texts_and_urls(tmp_path, capsys):
    rows = []
    for i, p in enumerate(PAYLOADS):
        text = f"Fighting in Damascus {p} and near Aleppo. {p}"
        url = ["javascript:alert(1)", " JavaScript:alert(1)", f"https://x.example/{p}", "data:text/html,<script>"][i % 4]
        rows.append(given(f"doc{i} {p}", text, "Damascus", "Aleppo", title=f"Title {p}", url=url))
    path = write_jsonl(tmp_path / "xss.jsonl", rows)
    out_path = tmp_path / "map.html"
    code, _, err = run(capsys, "map", path, "-o", out_path)
    assert code == 0, err
    html = out_path.read_text(encoding="utf-8")
    assert "Damascus" in html and "Title " in html  # the content is there ...
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html or "\\u003cscript\\u003e" in html
    found = RAW.findall(html)  # ... but only escaped
    assert not found, found


# -- offsets stay true in every script ------------------------------------------------------------

SCRIPTS = [
    "Protests in Paris and Berlin \U0001f1eb\U0001f1f7\U0001f1e9\U0001f1ea spread to Madrid \U0001f469\u200d\U0001f4bb.",
    "\u0627\u0644\u0642\u062f\u0633 (Jerusalem) \u05d9\u05e8\u05d5\u05e9\u05dc\u05d9\u05dd: talks in Cairo and Amman.",
    "Ame\u0301lie flew from Tokyo \u6771\u4eac to Seoul \uc11c\uc6b8, then to Mumbai \u092e\u0941\u0902\u092c\u0908.",
    "\u202eReversed\u202c text near Moscow \u041c\u043e\u0441\u043a\u0432\u0430 and Kyiv; Z\u0335\u0321\u0308algo in Lagos.",
    "Emoji-heavy \U0001f525\U0001f525 London\U0001f3f4\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f and Dublin.",
]


def test_offsets_stay_true_in_every_script(tmp_path, capsys, geoparser, monkeypatch):
    monkeypatch.setattr(geo.cli, "parser_for", lambda args: geoparser)
    path = tmp_path / "scripts.txt"
    path.write_text("\n\n\n".join(SCRIPTS), encoding="utf-8")
    code, out, err = run(capsys, "extract", path)
    assert code == 0, err
    records = [json.loads(line) for line in out.splitlines()]
    assert len(records) == len(SCRIPTS)
    found = 0
    for text, record in zip(SCRIPTS, records):
        for m in record["mentions"]:
            assert text[m["start"]:m["end"]] == m["text"], (text, m)
            found += 1
    assert found >= 10
    names = {m["text"] for r in records for m in r["mentions"]}
    assert {"Paris", "Cairo", "Tokyo", "Moscow", "Dublin"} <= names


def test_a_guessed_encoding_is_reported_on_stderr(tmp_path, capsys):
    from geo.cli import main

    text_path = tmp_path / "latin.txt"
    text_path.write_bytes("Caf\xe9 owners in Qu\xe9bec protested.".encode("cp1252"))
    assert main(["extract", str(text_path), "--workers", "1"]) == 0
    out, err = capsys.readouterr()
    assert f"geo: {text_path}: decoded as cp1252" in err
    assert "Qu\u00e9bec" in out
