"""geo.evaluation.corpora: the three corpus formats, span re-anchoring, and errors that name the file."""
from __future__ import annotations

from pathlib import Path

import pytest

from geo.errors import InputError
from geo.evaluation.corpora import (
    GoldToponym,
    anchor,
    corpus_name,
    read_corpus,
    read_corpus_with_stats,
)

CORPORA = Path("/work/shared/corpora")

LGL_XML = """<?xml version='1.0' encoding='utf-8'?>
<articles><article docid="7">
  <feedid>1</feedid><title>T</title><url>http://x/7</url>
  <text>Fire in Paris, Texas and in Dallas.</text>
  <toponyms count="2">
    <toponym><start>8</start><end>13</end><phrase>Paris</phrase>
      <gaztag geonameid="4717560"><name>Paris</name><lat>33.66</lat><lon>-95.55</lon></gaztag>
    </toponym>
    <toponym><start>15</start><end>20</end><phrase>Texas</phrase></toponym>
    <toponym><start>28</start><end>34</end><phrase>Dallas</phrase>
      <gaztag geonameid="4684888"><lat>32.78</lat><lon>-96.81</lon></gaztag>
    </toponym>
  </toponyms>
</article></articles>
"""

# TR-News: no <feedid>; offsets drift cumulatively (-2, -2 with a wrong end, then -9: further
# than the window around the given offset reaches, but close to the drift so far), one
# lower-case phrase, one phrase not in the text at all.
TRNEWS_TEXT = "xx Kenya and Kenyan news. " + "y" * 20 + "Nairobi said. iraq. Mars"
TRNEWS_XML = f"""<?xml version='1.0' encoding='utf-8'?>
<articles><article docid="1030017">
  <title>T</title><url>http://y</url><domain>y</domain>
  <text>{TRNEWS_TEXT}</text>
  <toponyms>
    <toponym><phrase>Kenya</phrase><start>5</start><end>10</end>
      <gaztag geonameid="192950"><lat>1</lat><lon>38</lon></gaztag></toponym>
    <toponym><phrase>Kenyan</phrase><start>15</start><end>20</end>
      <gaztag geonameid="192950"><lat>1</lat><lon>38</lon></gaztag></toponym>
    <toponym><phrase>Nairobi</phrase><start>{TRNEWS_TEXT.index("Nairobi") + 9}</start>
      <end>{TRNEWS_TEXT.index("Nairobi") + 16}</end>
      <gaztag geonameid="184745"><lat>-1.28</lat><lon>36.82</lon></gaztag></toponym>
    <toponym><phrase>Iraq</phrase><start>{TRNEWS_TEXT.index("iraq") + 9}</start>
      <end>{TRNEWS_TEXT.index("iraq") + 13}</end></toponym>
    <toponym><phrase>Venus</phrase><start>{len(TRNEWS_TEXT) - 2}</start>
      <end>{len(TRNEWS_TEXT) + 3}</end></toponym>
  </toponyms>
</article></articles>
"""

GEOVIRUS_XML = """<?xml version='1.0' encoding='utf-8'?>
<articles><article>
  <source>https://en.wikinews.org/wiki/Flu_in_Ilocos_%27now%27</source>
  <text>Flu in Ilocos Sur, Philippines.</text>
  <locations>
    <location>
      <location><name>Ilocos Sur</name><start>8</start><end>18</end><lat>17.33</lat><lon>120.58</lon>
        <page>https://en.wikipedia.org/wiki/Ilocos_Sur</page></location>
      <name>Philippines</name><start>20</start><end>31</end><lat>13</lat><lon>122</lon>
      <page>https://en.wikipedia.org/wiki/Philippines</page>
    </location>
  </locations>
</article></articles>
"""


def write(tmp_path: Path, name: str, content: str) -> Path:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    return path


def assert_anchored(doc) -> None:
    for t in doc.toponyms:
        if t.anchored:
            assert doc.text[t.start : t.end] == t.phrase, (doc.id, t)


# ---------------------------------------------------------------- formats


def test_lgl_fields_points_and_missing_gaztag(tmp_path):
    path = write(tmp_path, "whatever.txt", LGL_XML)
    assert corpus_name(path) == "LGL"
    [doc] = read_corpus(path)
    assert (doc.id, doc.title, doc.url) == ("7", "T", "http://x/7")
    assert doc.toponyms == (
        GoldToponym(8, 13, "Paris", 33.66, -95.55, "4717560"),
        GoldToponym(15, 20, "Texas", None, None, ""),
        GoldToponym(28, 34, "Dallas", 32.78, -96.81, "4684888"),
    )
    assert not doc.toponyms[1].has_point
    assert_anchored(doc)


def test_trnews_reanchors_drift_case_and_clips_the_unfindable(tmp_path):
    path = write(tmp_path, "lgl.xml", TRNEWS_XML)  # the name lies: content decides
    assert corpus_name(path) == "TR-News"
    [doc], stats = read_corpus_with_stats(path)
    text = doc.text
    got = [(t.phrase, t.start, t.end, t.anchored) for t in doc.toponyms]
    assert got == [
        ("Kenya", 3, 8, True),  # drift -2
        ("Kenyan", 13, 19, True),  # drift -2 and a wrong end
        ("Nairobi", text.index("Nairobi"), text.index("Nairobi") + 7, True),  # drift -9 after -2
        ("iraq", text.index("iraq"), text.index("iraq") + 4, True),  # case-blind, text's spelling
        ("Venus", len(text) - 2, len(text), False),  # not there: clipped, flagged
    ]
    assert (stats.exact, stats.reanchored, stats.reanchored_nocase, stats.unanchorable) == (0, 3, 1, 1)
    assert_anchored(doc)


def test_geovirus_one_based_offsets_nested_locations_and_url_id(tmp_path):
    path = write(tmp_path, "g.xml", GEOVIRUS_XML)
    assert corpus_name(path) == "GeoVirus"
    [doc], stats = read_corpus_with_stats(path)
    assert doc.id == "Flu_in_Ilocos_'now'"
    assert doc.title == "Flu in Ilocos 'now'"
    assert doc.url.startswith("https://en.wikinews.org/")
    assert [(t.phrase, t.start, t.end, t.lat, t.lon) for t in doc.toponyms] == [
        ("Ilocos Sur", 7, 17, 17.33, 120.58),
        ("Philippines", 19, 30, 13.0, 122.0),
    ]
    assert doc.toponyms[1].gold_id == "https://en.wikipedia.org/wiki/Philippines"
    assert stats.exact == 2 and stats.total == 2


# ---------------------------------------------------------------- anchor()


@pytest.mark.parametrize(
    ("text", "phrase", "start", "expected"),
    [
        ("a Rome b", "Rome", 2, (2, True)),
        ("a Rome b", "Rome", 4, (2, True)),
        ("a Rome b", "Rome", 0, (2, True)),
        ("a ROME b", "Rome", 3, (2, False)),
        ("Rome Rome", "Rome", 4, (5, True)),  # nearest occurrence wins
        ("a Rome b", "Oslo", 2, None),
        ("a Rome b", "", 2, None),
        ("x" * 20 + "Rome", "Rome", 0, None),  # beyond the window
    ],
)
def test_anchor(text, phrase, start, expected):
    assert anchor(text, phrase, start) == expected


# ---------------------------------------------------------------- errors


def test_bad_xml_names_the_file_on_one_line(tmp_path):
    path = write(tmp_path, "broken.xml", "<articles><article></articles>")
    with pytest.raises(InputError) as info:
        read_corpus(path)
    message = str(info.value)
    assert message.startswith(str(path)) and "\n" not in message
    assert "line 1" in message and "mismatched tag" in message


@pytest.mark.parametrize(
    "content",
    ["<articles/>", "<articles><article><text>x</text></article></articles>", "<html/>"],
)
def test_unknown_format(tmp_path, content):
    path = write(tmp_path, "odd.xml", content)
    with pytest.raises(InputError, match="unknown corpus format") as info:
        read_corpus(path)
    assert str(path) in str(info.value)
    with pytest.raises(InputError):
        corpus_name(path)


def test_missing_file(tmp_path):
    with pytest.raises(InputError, match="nope.xml"):
        read_corpus(tmp_path / "nope.xml")


def test_non_integer_offset(tmp_path):
    path = write(tmp_path, "c.xml", LGL_XML.replace("<start>8</start>", "<start>eight</start>"))
    with pytest.raises(InputError, match=r"c\.xml: article 7: toponym 'Paris'"):
        read_corpus(path)


# ---------------------------------------------------------------- the real dev corpora


@pytest.mark.parametrize(
    ("file", "name", "docs", "gold", "with_point", "reanchored"),
    [
        ("lgl.xml", "LGL", 303, 2649, 2337, 0),
        ("trnews.xml", "TR-News", 49, 463, 445, 49),
        ("geovirus.xml", "GeoVirus", 113, 1076, 1076, 0),
    ],
)
def test_real_corpora(file, name, docs, gold, with_point, reanchored):
    path = CORPORA / file
    if not path.exists():
        pytest.skip(f"{path} not available")
    assert corpus_name(path) == name
    corpus, stats = read_corpus_with_stats(path)
    toponyms = [t for d in corpus for t in d.toponyms]
    assert len(corpus) == docs and len(toponyms) == gold
    assert sum(t.has_point for t in toponyms) == with_point
    assert stats.unanchorable == 0
    assert stats.reanchored + stats.reanchored_nocase == reanchored
    assert len({d.id for d in corpus}) == docs
    for doc in corpus:
        assert_anchored(doc)
        spans = [(t.start, t.end) for t in doc.toponyms]
        assert spans == sorted(spans) and len(set(spans)) == len(spans)


# ---------------------------------------------------------------- the conflict set (JSONL)

CONFLICT_LINE = {
    "id": "t-1", "region": "Test",
    "text": "Rain hit Newcastle and the Tyne; Newcastle upon Tyne's Castle and England stayed dry.",
    "places": [
        {"name": "Newcastle upon Tyne", "lat": 54.97, "lon": -1.61, "kind": "city"},
        {"name": "Tyne", "lat": 55.01, "lon": -1.42, "kind": "river"},
        {"name": "England", "lat": 52.5, "lon": -1.5, "kind": "country"},
        {"name": "Newcastle", "lat": 54.97, "lon": -1.61, "kind": "city"},
    ],
}


def test_conflict_jsonl_first_whole_word_occurrence_and_tolerances(tmp_path):
    import json

    path = tmp_path / "set.jsonl"
    path.write_text(json.dumps(CONFLICT_LINE) + "\n\n", encoding="utf-8")
    assert corpus_name(path) == "conflict"
    (doc,) = read_corpus(path)
    assert doc.id == "t-1"
    got = [(t.phrase, doc.text[t.start:t.end], t.kind, t.tolerance_km) for t in doc.toponyms]
    # "Tyne" first occurs alone, not inside "Newcastle upon Tyne"; sorted by offset.
    assert got == [
        ("Newcastle", "Newcastle", "city", 25.0),
        ("Tyne", "Tyne", "river", 500.0),
        ("Newcastle upon Tyne", "Newcastle upon Tyne", "city", 25.0),
        ("England", "England", "country", 500.0),
    ]
    assert doc.toponyms[1].start == CONFLICT_LINE["text"].index("Tyne")


@pytest.mark.parametrize("change, message", [
    ({"name": "Gateshead"}, "does not occur as a whole word"),
    ({"name": "Newcastle upon"}, None),  # a whole-word prefix is fine
    ({"kind": "planet"}, "unknown kind"),
    ({"start": 0, "end": 400}, "lies outside the text"),
    ({"name": "Rain", "start": 0, "end": 4}, None),  # a user's own offsets
    ({"name": "Tyne", "start": 0, "end": 4}, "not 'Tyne'"),
])
def test_conflict_jsonl_errors_name_the_line(tmp_path, change, message):
    import json

    case = json.loads(json.dumps(CONFLICT_LINE))
    case["places"][0].update(change)
    path = tmp_path / "set.jsonl"
    path.write_text(json.dumps(CONFLICT_LINE) + "\n" + json.dumps(case) + "\n", encoding="utf-8")
    if message is None:
        assert len(read_corpus(path)) == 2
        return
    with pytest.raises(InputError, match=rf"set.jsonl: line 2: .*{message}"):
        read_corpus(path)


def test_conflict_dev_reads_whole():
    path = CORPORA / "conflict-dev.jsonl"
    if not path.exists():
        pytest.skip("conflict-dev not available")
    docs = read_corpus(path)
    assert (len(docs), sum(len(d.toponyms) for d in docs)) == (40, 361)
    assert all(d.text[t.start:t.end] == t.phrase and t.tolerance_km for d in docs for t in d.toponyms)


def test_the_multilingual_set_is_scored_per_language():
    from conftest import SHARED

    from geo.evaluation.corpora import by_language, corpus_name, read_corpus

    path = SHARED / "corpora" / "multilingual-dev.jsonl"
    parts = dict(by_language(corpus_name(path), read_corpus(path)))
    assert sorted(parts) == ["conflict/ar", "conflict/fr", "conflict/ru"]
    assert [sum(len(d.toponyms) for d in parts[k]) for k in sorted(parts)] == [100, 99, 100]
    assert all(d.lang == "ar" for d in parts["conflict/ar"])
    for doc in parts["conflict/ar"]:  # "وحلب" is annotated "حلب": the span leaves the proclitic out
        assert all(doc.text[t.start:t.end] == t.phrase for t in doc.toponyms)


def test_an_arabic_name_may_follow_a_proclitic_but_not_a_letter_of_a_longer_word():
    from geo.evaluation.corpora import ARABIC_PROCLITICS, first_word_occurrence

    assert first_word_occurrence("قصف وحلب", "حلب", proclitics=ARABIC_PROCLITICS) == 5
    assert first_word_occurrence("قصف وحلب", "حلب") is None
    assert first_word_occurrence("قصف محلب", "حلب", proclitics=ARABIC_PROCLITICS) is None
