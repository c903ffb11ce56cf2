import json
import subprocess
import sys

import pytest
from conftest import EXAMPLE, ROOT

from geo.cli import build_parser, main


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_every_command_has_help():
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    for name, p in sub.choices.items():
        assert p.description, name
        assert p.format_help()


def test_extract_resolution_mode_keeps_exactly_the_given_spans(tmp_path, capsys):
    text = "Shelling near Deraa. Later Damascus and Tartous were calm; so was Xqzzyville."
    spans = [(text.index(n), text.index(n) + len(n)) for n in ("Tartous", "Deraa", "Xqzzyville", "Damascus")]
    path = tmp_path / "in.jsonl"
    path.write_text(json.dumps({"id": "a", "text": text, "mentions": [
        {"start": s, "end": e} for s, e in spans]}) + "\n", encoding="utf-8")
    code, out, err = run(capsys, "extract", str(path))
    assert code == 0, err
    (record,) = [json.loads(line) for line in out.splitlines()]
    assert [(m["start"], m["end"]) for m in record["mentions"]] == spans
    names = [m["text"] for m in record["mentions"]]
    assert names == ["Tartous", "Deraa", "Xqzzyville", "Damascus"]
    by_text = {m["text"]: m for m in record["mentions"]}
    assert by_text["Xqzzyville"]["lat"] is None
    assert by_text["Damascus"]["country_code"] == "SY" and by_text["Tartous"]["country_code"] == "SY"
    assert abs(by_text["Damascus"]["lat"] - 33.51) < 0.2


@pytest.mark.parametrize("fmt", ["geojson", "csv", "jsonl"])
def test_extract_writes_a_file(tmp_path, capsys, fmt):
    path = tmp_path / "in.jsonl"
    path.write_text(json.dumps({"id": "a", "text": "In Damascus.", "mentions": [{"start": 3, "end": 11}]}))
    out_path = tmp_path / f"out.{fmt}"
    code, out, err = run(capsys, "extract", str(path), "--format", fmt, "--output", str(out_path))
    assert code == 0 and out == ""
    assert "Damascus" in out_path.read_text(encoding="utf-8")


def test_missing_input_is_one_line_exit_2_and_no_output(tmp_path, capsys):
    out_path = tmp_path / "map.html"
    code, out, err = run(capsys, "map", str(tmp_path / "nope.txt"), "--output", str(out_path))
    assert code == 2
    assert err.strip().count("\n") == 0 and "nope.txt" in err
    assert not out_path.exists()


def test_broken_jsonl_keeps_the_old_output(tmp_path, capsys):
    path = tmp_path / "in.jsonl"
    path.write_text('{"id": "a", "text": "In Damascus.", "mentions": []}\n{oops\n')
    out_path = tmp_path / "out.jsonl"
    out_path.write_text("old\n")
    code, _, err = run(capsys, "extract", str(path), "--output", str(out_path))
    assert code == 2 and "line 2" in err and str(path) in err
    assert out_path.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] != [] and not list(tmp_path.glob(".*.part"))


def test_resolve_prints_ranked_candidates(capsys):
    code, out, _ = run(capsys, "resolve", "Tartous")
    assert code == 0
    first = json.loads(out.splitlines()[0])
    assert first["country_code"] == "SY"
    assert run(capsys, "resolve", "Xqzzyville")[0] == 1


def test_gazetteer_info_and_search(capsys):
    code, out, _ = run(capsys, "gazetteer", "info")
    info = json.loads(out)
    assert code == 0 and info["places"] > 100000 and info["by_feature_code"]["PCLI"] > 150
    code, out, _ = run(capsys, "gazetteer", "search", "Damascus")
    assert code == 0 and any(json.loads(l)["country_code"] == "SY" for l in out.splitlines())


@pytest.mark.skipif(not EXAMPLE.exists(), reason="shared example not present")
def test_map_of_the_example_via_python_m(tmp_path):
    out_path = tmp_path / "map.html"
    proc = subprocess.run([sys.executable, "-m", "geo", "map", str(EXAMPLE), "--output", str(out_path)],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    html = out_path.read_text(encoding="utf-8")
    assert "Hmeimim" in html and "Tartous" in html
    # The popup of Hmeimim quotes its sentence with the mention highlighted.
    assert "At <mark>Hmeimim</mark>, Reuters saw Russian soldiers walking around the base" in html


def test_lang_option_and_languages_geo_does_not_read(tmp_path, capsys):
    path = tmp_path / "mixed.jsonl"
    path.write_text(
        json.dumps({"id": "z", "text": "叙利亚北部阿勒颇的战斗仍在继续。"}, ensure_ascii=False) + "\n"
        + json.dumps({"id": "r", "text": "Обстрелу подверглись окраины Харькова."}, ensure_ascii=False) + "\n",
        encoding="utf-8")
    code, out, err = run(capsys, "-v", "extract", str(path))
    assert code == 0
    lines = [json.loads(line) for line in out.splitlines()]
    assert [d["id"] for d in lines] == ["z", "r"] and lines[0]["mentions"] == []
    assert [(m["text"], m["name"]) for m in lines[1]["mentions"]] == [("Харькова", "Kharkiv")]
    assert [line for line in err.splitlines() if "'zh'" in line] == [
        "geo: z: language 'zh' is not one geo reads (English, French, Russian, Ukrainian, Arabic): no places"]
    with pytest.raises(SystemExit) as exited:
        main(["extract", "--lang", "xx", str(path)])
    assert exited.value.code == 2
    assert capsys.readouterr().err.strip().splitlines()[-1] == "geo extract: error: argument --lang: 'xx': geo reads en, fr, ru, uk, ar"
