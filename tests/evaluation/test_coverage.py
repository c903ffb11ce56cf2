"""Gazetteer coverage of annotated corpora: name recall, oracle recall, the misses."""
from conftest import DATA

from geo.cli import main
from geo.evaluation.corpora import read_corpus
from geo.evaluation.coverage import DISTANCE_MISS, NAME_MISS, coverage, format_table

LGL_XML = """<?xml version="1.0" encoding="utf-8"?>
<articles>
 <article docid="1"><feedid>1</feedid><title>t</title><url>u</url>
  <text>Tartous and Paris and Atlantis. Tartous again, Atlantis.</text>
  <toponyms>
   <toponym><start>0</start><end>7</end><phrase>Tartous</phrase>
    <gaztag geonameid="163345"><lat>34.889</lat><lon>35.887</lon></gaztag></toponym>
   <toponym><start>12</start><end>17</end><phrase>Paris</phrase>
    <gaztag geonameid="1"><lat>-33.0</lat><lon>151.0</lon></gaztag></toponym>
   <toponym><start>22</start><end>30</end><phrase>Atlantis</phrase>
    <gaztag geonameid="2"><lat>10.0</lat><lon>10.0</lon></gaztag></toponym>
   <toponym><start>32</start><end>39</end><phrase>Tartous</phrase>
    <gaztag geonameid="163345"><lat>35.5</lat><lon>35.9</lon></gaztag></toponym>
   <toponym><start>47</start><end>55</end><phrase>Atlantis</phrase></toponym>
  </toponyms></article>
</articles>
"""

GEOVIRUS_XML = """<?xml version="1.0" encoding="utf-8"?>
<articles><article><source>http://x</source><text>Outbreak in Syria.</text>
 <locations><location><name>Syria</name><start>13</start><end>17</end>
  <lat>35.0</lat><lon>38.0</lon><page>Syria</page></location></locations></article></articles>
"""


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_name_and_oracle_recall(tmp_path, mini_gazetteer):
    docs = read_corpus(write(tmp_path, "lgl.xml", LGL_XML))
    c = coverage(docs, mini_gazetteer)
    # 4 toponyms with a point: Tartous hits twice (the second 68 km away), Paris is known but
    # nowhere near Sydney, Atlantis is unknown; the Atlantis without a point does not count.
    assert (c.toponyms, c.named, c.oracle) == (4, 3, 2)
    assert (c.name_recall, c.oracle_recall) == (0.75, 0.5)
    assert c.top_misses() == [("Atlantis", 1, NAME_MISS), ("Paris", 1, DISTANCE_MISS)]
    assert c.top_misses(1) == [("Atlantis", 1, NAME_MISS)]
    assert coverage(docs, mini_gazetteer, km=50).oracle == 1


def test_table(tmp_path, mini_gazetteer):
    c = coverage(read_corpus(write(tmp_path, "lgl.xml", LGL_XML)), mini_gazetteer)
    table = format_table({"LGL": c, "empty": type(c)()})
    lines = table.splitlines()
    assert lines[0].split() == ["corpus", "toponyms", "name", "recall", "oracle", "recall"]
    assert lines[1].split() == ["LGL", "4", "0.750", "0.500"]
    assert lines[2].split() == ["empty", "0", "-", "-"]
    assert "LGL: 2 most frequent misses (of 2)" in table
    assert any(line.split() == ["1", "name", "Atlantis"] for line in lines)


def test_cli(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("GEO_GAZETTEER_INDEX", raising=False)
    monkeypatch.delenv("GEO_GAZETTEER", raising=False)
    lgl = write(tmp_path, "a.xml", LGL_XML)
    gv = write(tmp_path, "b.xml", GEOVIRUS_XML)
    code = main(["gazetteer", "coverage", str(lgl), str(gv), "--gazetteer",
                 str(DATA / "mini_gazetteer.csv"), "--top", "5"])
    out = capsys.readouterr().out
    assert code == 0
    rows = {line.split()[0]: line.split()[1:] for line in out.splitlines()[1:3]}
    assert rows["GeoVirus"][:1] == ["1"] and rows["LGL"][:1] == ["4"]
    assert "Atlantis" in out


def test_cli_bad_corpus(tmp_path, capsys):
    bad = write(tmp_path, "bad.xml", "<articles><article>")
    assert main(["gazetteer", "coverage", str(bad)]) == 2
    assert "bad.xml" in capsys.readouterr().err
