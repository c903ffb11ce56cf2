import json
import re

import pytest
from conftest import EXAMPLE

from geo.errors import InputError
from geo.inputs.read import BLOCK, MAX_DOC_CHARS, UnreadableDocument, decode, read_inputs, split_articles


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


# -- encodings and damaged bytes ------------------------------------------------------------



@pytest.mark.parametrize(
    "data, text, encoding",
    [
        ("Caf\u00e9 in Qu\u00e9bec.".encode("utf-8"), "Caf\u00e9 in Qu\u00e9bec.", "utf-8"),
        ("\ufeffCaf\u00e9 in Qu\u00e9bec.".encode("utf-8"), "Caf\u00e9 in Qu\u00e9bec.", "utf-8-sig"),
        ("Caf\u00e9 in Qu\u00e9bec.".encode("utf-16"), "Caf\u00e9 in Qu\u00e9bec.", "utf-16"),
        ("Caf\u00e9 in Qu\u00e9bec.".encode("utf-16-be"), "Caf\u00e9 in Qu\u00e9bec.", "utf-16-be"),
        ("Caf\u00e9 in Qu\u00e9bec.".encode("utf-32"), "Caf\u00e9 in Qu\u00e9bec.", "utf-32"),
        ("\u201cTalks\u201d in D\u00fcsseldorf \u2013 it\u2019s over.".encode("cp1252"),
         "\u201cTalks\u201d in D\u00fcsseldorf \u2013 it\u2019s over.", "cp1252"),
        ("Die Gespr\u00e4che in M\u00fcnchen.".encode("latin-1"), "Die Gespr\u00e4che in M\u00fcnchen.", "cp1252"),
        ("\u041f\u0435\u0440\u0435\u0433\u043e\u0432\u043e\u0440\u044b \u0432 \u0414\u0430\u043c\u0430\u0441\u043a\u0435 "
         "\u0432\u043e\u0437\u043e\u0431\u043d\u043e\u0432\u044f\u0442\u0441\u044f.".encode("cp1251"),
         "\u041f\u0435\u0440\u0435\u0433\u043e\u0432\u043e\u0440\u044b \u0432 \u0414\u0430\u043c\u0430\u0441\u043a\u0435 "
         "\u0432\u043e\u0437\u043e\u0431\u043d\u043e\u0432\u044f\u0442\u0441\u044f.", "cp1251"),
    ],
)
def test_decode_names_the_encoding_it_used(data, text, encoding):
    assert decode(data, "f.txt") == (text, encoding)


def test_invalid_utf8_is_replaced_not_reinterpreted():
    # Mostly valid UTF-8 with damage: keep UTF-8, replace only the bad bytes.
    text, encoding = decode("caf\u00e9 \u00e0 Qu\u00e9bec ".encode() + b"\xff\xfe\xc3 end", "f.txt")
    assert encoding == "utf-8" and text == "caf\u00e9 \u00e0 Qu\u00e9bec \ufffd\ufffd\ufffd end"


def test_late_legacy_byte_after_a_block_of_ascii(tmp_path):
    # The first invalid byte comes after the first read block: decided then, still one pass.
    path = tmp_path / "late.txt"
    path.write_bytes(b"Damascus news " * (BLOCK // 14 + 10) + "\n\nCaf\u00e9 in Qu\u00e9bec.".encode("cp1252"))
    docs = list(read_inputs([path]))
    assert docs[-1].text.endswith("Caf\u00e9 in Qu\u00e9bec.")


def test_the_encoding_is_logged(tmp_path, caplog):
    path = tmp_path / "a.txt"
    path.write_bytes("Caf\u00e9 in Qu\u00e9bec.".encode("cp1252"))
    with caplog.at_level("INFO", logger="geo.inputs.decoding"):
        list(read_inputs([path]))
    assert f"{path}: decoded as cp1252" in caplog.text


def test_nul_bytes_are_dropped_and_offsets_are_into_the_text_handed_on(tmp_path):
    path = tmp_path / "nul.txt"
    path.write_bytes(b"Fighting in Da\x00mascus.\x00\x00")
    (doc,) = read_inputs([path])
    assert doc.text == "Fighting in Damascus."


@pytest.mark.parametrize(
    "data, message",
    [
        (b"", "empty file"),
        (b"  \n\n\t \r\n", "empty input"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "not a text file (PDF)"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not a text file (PNG image)"),
        (bytes(range(256)) * 20, "not a text file (binary content)"),
        (b"\x00" * 5000, "not a text file"),
    ],
)
def test_empty_and_binary_files_are_one_clear_error(tmp_path, data, message):
    path = tmp_path / "in.txt"
    path.write_bytes(data)
    with pytest.raises(InputError) as err:
        list(read_inputs([path]))
    assert str(err.value).startswith(f"{path}: ") and message in str(err.value)
    assert "\n" not in str(err.value)


def test_a_200_mb_single_line_file_streams_in_bounded_memory(tmp_path):
    import tracemalloc

    path = tmp_path / "huge.txt"
    word = "Damascus Aleppo caf\u00e9 \u0645\u0631\u062d\u0628\u0627 ".encode()
    block = word * (BLOCK // len(word))
    with open(path, "wb") as f:
        for _ in range(200 * (1 << 20) // len(block) + 1):
            f.write(block)
    size = path.stat().st_size
    tracemalloc.start()
    try:
        count = chars = 0
        for count, doc in enumerate(read_inputs([path]), start=1):
            assert len(doc.text) <= MAX_DOC_CHARS and doc.text == doc.text.strip()
            assert doc.id == f"huge#{count}"
            chars += len(doc.text)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert size >= 200 * (1 << 20) and count > 1000
    assert peak < 40 * (1 << 20), f"peak {peak / 2**20:.0f} MiB"
    # Only the whitespace at the cuts is lost.
    assert chars > 0.99 * len(block.decode()) * (size // len(block))


def test_long_articles_are_cut_at_whitespace_and_keep_their_title(tmp_path):
    path = tmp_path / "long.txt"
    body = "Fighting near Aleppo continued. " * 10_000  # 320,000 characters, one paragraph
    path.write_text("Long headline\n\n" + body + "\n\n\n\nShort one\n\nIn Homs.", encoding="utf-8")
    docs = list(read_inputs([path]))
    assert [d.id for d in docs] == ["long#1", "long#2", "long#3", "long#4", "long#5"]
    assert [d.title for d in docs] == ["Long headline"] * 4 + ["Short one"]
    assert all(d.text.endswith("continued.") for d in docs[:4])
    assert "".join(d.text for d in docs[:4]).count("Aleppo") == 10_000


def test_a_huge_word_is_cut_without_parting_combining_marks(tmp_path):
    path = tmp_path / "word.txt"
    word = "e\u0301" * 150_000  # 300,000 characters, no whitespace, every other one a combining mark
    path.write_text(word, encoding="utf-8")
    docs = list(read_inputs([path]))
    assert "".join(d.text for d in docs) == word
    assert all(d.text[0] == "e" and len(d.text) <= MAX_DOC_CHARS for d in docs)


def test_every_script_survives_reading(tmp_path):
    text = ("Kyiv \u041a\u0438\u0457\u0432, \u0627\u0644\u0642\u062f\u0633 \u05d9\u05e8\u05d5\u05e9\u05dc\u05d9\u05dd "
            "\u6771\u4eac \u0926\u093f\u0932\u094d\u0932\u0940 \U0001f1fa\U0001f1e6 \U0001f469\u200d\U0001f4bb "
            "Z\u0308\u0301 \u202eevil\u202c")
    path = tmp_path / "scripts.txt"
    path.write_text(text, encoding="utf-8")
    (doc,) = read_inputs([path])
    assert doc.text == text


# -- HTML and Markdown ----------------------------------------------------------------------

PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8">
<title>Talks in Geneva &amp; Vienna</title>
<link rel="canonical" href="https://news.example/geneva">
<meta property="og:url" content="https://other.example/">
<style>body { font: "Paris" }</style><script>var city = "Berlin";</script>
</head><body><h1>Talks resume</h1>
<p>Delegates met in <b>Geneva</b>&nbsp;on Monday.<br>Then   Vienna.</p>
<noscript>Enable JS in Madrid</noscript><template><p>Rome</p></template>
<ul><li>Item Oslo</li><li>Item Bern</li></ul><div>Caf&eacute; &#x2013; &lt;done&gt;</div>
</body></html>"""


def test_a_page_without_an_article_is_read_as_the_text_a_reader_sees(tmp_path):
    # Too little text for trafilatura to call it an article: all of it, markup stripped, with
    # the metadata trafilatura finds (the <h1> over the <title>, og:url over the canonical link).
    path = tmp_path / "page.html"
    path.write_text(PAGE, encoding="utf-8")
    (doc,) = read_inputs([path])
    assert doc.title == "Talks resume" and doc.url == "https://other.example/"
    assert doc.text == (
        "Talks resume\n\nDelegates met in Geneva\u00a0on Monday.\nThen Vienna.\n\n"
        "Item Oslo\nItem Bern\nCaf\u00e9 \u2013 <done>"
    )
    for hidden in ("Paris", "Berlin", "Madrid", "Rome", "<b>", "&amp;"):
        assert hidden not in doc.text


def test_html_title_falls_back_to_h1_and_url_to_og_url_and_never_javascript(tmp_path):
    path = tmp_path / "page.htm"
    path.write_text('<meta property="og:url" content="https://x.example/a"><h1>Big <i>news</i></h1><p>In Oslo.</p>'
                    '<link rel="canonical" href="javascript:alert(1)">', encoding="utf-8")
    (doc,) = read_inputs([path])
    assert (doc.title, doc.url, doc.text) == ("Big news", "https://x.example/a", "Big news\n\nIn Oslo.")


def test_input_format_overrides_the_suffix_and_stdin_sniffs_html(tmp_path):
    import io

    path = tmp_path / "page.txt"
    path.write_text("<p>In <b>Oslo</b>.</p>", encoding="utf-8")
    assert [d.text for d in read_inputs([path])] == ["<p>In <b>Oslo</b>.</p>"]
    assert [d.text for d in read_inputs([path], input_format="html")] == ["In Oslo."]
    (doc,) = read_inputs(["-"], stdin=io.BytesIO(b"<!doctype html><title>T</title><p>In Oslo.</p>"))
    assert (doc.text, doc.title) == ("In Oslo.", "T")
    with pytest.raises(InputError, match="no text"):
        list(read_inputs(["-"], stdin=io.BytesIO(b"<html><script>x</script></html>")))


def test_markdown_loses_its_markup_not_its_words(tmp_path):
    path = tmp_path / "post.md"
    path.write_text(
        "# Fighting near *Aleppo* #\n\nShelling in [Homs](https://x.example/homs) and **Hama**; "
        "see ![map](m.png) `Idlib` and snake_case_names.\n\n- item in _Deraa_\n> quoted Latakia\n"
        "```\ncode Tartous\n```\n[1]: https://x.example\n",
        encoding="utf-8",
    )
    (doc,) = read_inputs([path])
    assert doc.title == "Fighting near Aleppo"
    assert doc.text == (
        "Fighting near Aleppo\n\nShelling in Homs and Hama; see  Idlib and snake_case_names.\n\n"
        "item in Deraa\nquoted Latakia"
    )


def test_folders_include_html_and_markdown(tmp_path):
    (tmp_path / "a.html").write_text("<p>In Oslo.</p>", encoding="utf-8")
    (tmp_path / "b.md").write_text("In *Rome*.", encoding="utf-8")
    assert [(d.id, d.text) for d in read_inputs([tmp_path])] == [("a", "In Oslo."), ("b", "In Rome.")]


# -- JSONL: skipping broken lines -------------------------------------------------------------


def test_jsonl_skip_keeps_every_line_in_order_with_its_id(tmp_path):
    path = tmp_path / "in.jsonl"
    path.write_bytes(b"\n".join([
        b'{"id": "a", "text": "fine"}',
        b'{"id": "b", "text": "broken',
        b'["no object"]',
        b'{"id": 7, "text": 5}',
        b'{"text": "no id"}',
        b"[" * 100_000,  # nested too deeply for the json module
        b'{"id": "c", "text": "\xff bad byte \\ud800 lone surrogate"}',
    ]) + b"\n")
    docs = list(read_inputs([path], on_error="skip"))
    assert [d.id for d in docs] == ["a", "b", "in:3", "7", "in:5", "in:6", "c"]
    broken = [d for d in docs if isinstance(d, UnreadableDocument)]
    assert [d.id for d in broken] == ["b", "in:3", "7", "in:6"]
    assert all(d.error.startswith(f"{path}: line ") for d in broken)
    assert "line 2: not valid JSON" in broken[0].error and "line 6: not valid JSON" in broken[3].error
    assert docs[-1].text == "\ufffd bad byte \ufffd lone surrogate"
    with pytest.raises(InputError, match="line 2: not valid JSON"):
        list(read_inputs([path]))


def test_skip_turns_unreadable_files_into_records(tmp_path):
    good = tmp_path / "good.txt"
    good.write_text("In Oslo.", encoding="utf-8")
    (tmp_path / "bin.txt").write_bytes(b"\x00\x01\x02" * 1000)
    docs = list(read_inputs([tmp_path / "missing.txt", tmp_path / "bin.txt", good], on_error="skip"))
    assert [(d.id, getattr(d, "error", "")) for d in docs] == [
        ("missing", f"{tmp_path / 'missing.txt'}: no such file"),
        ("bin", f"{tmp_path / 'bin.txt'}: not a text file (binary content)"), ("good", "")]


def test_jsonl_text_too_long_for_the_model_is_refused_unless_mentions_are_given(tmp_path):
    path = tmp_path / "in.jsonl"
    text = "word " * 250_000
    path.write_text(json.dumps({"id": "a", "text": text}) + "\n"
                    + json.dumps({"id": "b", "text": text, "mentions": [{"start": 0, "end": 4}]}) + "\n")
    docs = list(read_inputs([path], on_error="skip"))
    assert "too long" in docs[0].error and docs[1].mentions == ((0, 4),)


def test_runs_of_symbols_reach_the_tokenizer_blanked(tmp_path):
    # spaCy's tokenizer is quadratic over a run of punctuation or emoji: 10,000 "!" take 17 s.
    # The reader keeps the article whole; the recogniser blanks such runs for every input.
    from geo.recognize.recognizer import _calm

    text = "Cheers in Oslo " + "!" * 1000 + " and \U0001f525" * 3 + "\U0001f469\u200d\U0001f4bb" * 150
    path = tmp_path / "shout.txt"
    path.write_text(text, encoding="utf-8")
    (doc,) = read_inputs([path])
    assert doc.text == text
    calm = _calm(doc.text)
    assert len(calm) == len(text) and calm.startswith("Cheers in Oslo ")
    assert not re.search(r"[^\w\s]{64}", calm)


def test_jsonl_dates_are_iso_8601_and_reach_every_export(tmp_path):
    from geo.outputs.export import document_record, geojson
    from geo.types import Excerpt, Mention, ParseResult, Place, Resolution

    path = tmp_path / "dated.jsonl"
    path.write_text(
        '{"id": "a", "text": "Shelling in Deraa.", "date": "2024-03-05"}\n'
        '{"id": "b", "text": "Calm in Deraa.", "date": "2024-03-06T08:30:00Z"}\n'
        '{"id": "c", "text": "No date here."}\n',
        encoding="utf-8",
    )
    docs = list(read_inputs([path]))
    assert [d.date for d in docs] == ["2024-03-05", "2024-03-06T08:30:00+00:00", ""]
    deraa = Place("170592", "Deraa", 32.62, 36.10, "P", "PPLA", "SY")
    result = ParseResult(docs[0], (Resolution(Mention(12, 17, "Deraa"), deraa, excerpt=Excerpt("Shelling in Deraa.", 12, 17)),))
    assert document_record(result)["date"] == "2024-03-05"
    assert geojson([result])["features"][0]["properties"]["mentions"][0]["date"] == "2024-03-05"


@pytest.mark.parametrize("value", ['"5 March"', '"2024-13-01"', "20240305"])
def test_a_bad_jsonl_date_is_one_clear_error(tmp_path, value):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"id": "a", "text": "Deraa.", "date": %s}\n' % value, encoding="utf-8")
    with pytest.raises(InputError, match=r"bad.jsonl: line 1: \"date\""):
        list(read_inputs([path]))
