import csv
import io
import json

from geo.outputs.export import write_csv, write_geojson, write_jsonl
from geo.types import Document, Excerpt, Mention, ParseResult, Place, Resolution

PLACE = Place("t:1", "Deraa", 32.62, 36.10, "P", "PPLA", "SY", "12", "", 100000, "test")


def result():
    text = "Clashes in Deraa and in Nowhereville."
    doc = Document("d1", text, title="Clashes")
    hit = Resolution(Mention(11, 16, "Deraa", "GPE"), PLACE, 7.5, (), Excerpt(text, 11, 16))
    miss = Resolution(Mention(24, 36, "Nowhereville", "GPE"), None, 0.0, (), Excerpt(text, 24, 36))
    return ParseResult(doc, (hit, miss))


def test_jsonl_fields_and_nulls():
    out = io.StringIO()
    write_jsonl([result()], out)
    (line,) = out.getvalue().splitlines()
    record = json.loads(line)
    assert record["id"] == "d1" and record["title"] == "Clashes"
    hit, miss = record["mentions"]
    assert {k: hit[k] for k in ("start", "end", "text", "lat", "lon", "name", "country_code",
                                "feature_code", "gazetteer_id", "score")} == {
        "start": 11, "end": 16, "text": "Deraa", "lat": 32.62, "lon": 36.10, "name": "Deraa",
        "country_code": "SY", "feature_code": "PPLA", "gazetteer_id": "t:1", "score": 7.5}
    assert hit["excerpt"] == "Clashes in Deraa and in Nowhereville."
    assert miss["lat"] is None and miss["lon"] is None and miss["text"] == "Nowhereville"


def test_geojson_one_feature_per_place():
    out = io.StringIO()
    write_geojson([result(), result()], out)
    collection = json.loads(out.getvalue())
    (feature,) = collection["features"]
    assert feature["geometry"] == {"type": "Point", "coordinates": [36.10, 32.62]}
    assert feature["properties"]["mention_count"] == 2
    assert feature["properties"]["mentions"][0]["excerpt"].startswith("Clashes in Deraa")


def test_csv_one_row_per_mention():
    out = io.StringIO()
    write_csv([result()], out)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert [r["text"] for r in rows] == ["Deraa", "Nowhereville"]
    assert rows[0]["lat"] == "32.62" and rows[1]["lat"] == ""


def _tartous_result() -> ParseResult:
    """The gazetteer says "Ţarţūs"; the article writes "Tartous" twice and "TARTOUS" once,
    and Syria only as a demonym."""
    tartus = Place("gn:163345", "Ţarţūs", 34.89, 35.89, "P", "PPLA", "SY")
    syria = Place("ci:SY", "Syria", 35.0, 38.0, "A", "PCLI", "SY")
    text = "TARTOUS - Ships left Tartous. Syrian officials in Tartous said so."
    spans = [(0, 7, tartus, False), (21, 28, tartus, False), (30, 36, syria, True), (50, 57, tartus, False)]
    resolutions = tuple(Resolution(Mention(s, e, text[s:e], "GPE", demonym=d), p, 5.0, (), Excerpt(text, s, e))
                        for s, e, p, d in spans)
    return ParseResult(Document("t", text), resolutions)


def test_exports_keep_the_gazetteer_name_and_add_the_name_as_written():
    out = io.StringIO()
    write_jsonl([_tartous_result()], out)
    mentions = json.loads(out.getvalue())["mentions"]
    assert [(m["name"], m["display_name"]) for m in mentions] == [
        ("Ţarţūs", "Tartous"), ("Ţarţūs", "Tartous"), ("Syria", "Syria"), ("Ţarţūs", "Tartous")]

    out = io.StringIO()
    write_csv([_tartous_result()], out)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert {r["display_name"] for r in rows if r["name"] == "Ţarţūs"} == {"Tartous"}

    out = io.StringIO()
    write_geojson([_tartous_result()], out)
    props = {f["properties"]["name"]: f["properties"]["display_name"]
             for f in json.loads(out.getvalue())["features"]}
    assert props == {"Ţarţūs": "Tartous", "Syria": "Syria"}


def test_display_name_rules():
    from geo.outputs.export import display_name, plain_name

    assert plain_name("Ţarţūs") == "Tartus" and plain_name("Dar‘ā") == "Dara"
    assert display_name("Dar‘ā", []) == "Dara"  # named only by a demonym: the plain gazetteer name
    assert display_name("Damascus", ["DAMASCUS"]) == "Damascus"  # a dateline alone: title case
    assert display_name("Zürich", ["Zürich", "Zurich", "Zürich"]) == "Zürich"  # as the articles write it
    assert display_name("United States", ["U.S.", "US", "U.S."]) == "U.S."
    assert display_name("Dar‘ā", ["Daraa", "Deraa", "Deraa"]) == "Deraa"
    # Cyrillic and Arabic forms (inflected, with an article) stay in `text`: the gazetteer's name
    assert display_name("Kharkiv", ["Харькова", "Харькове"]) == "Kharkiv"
    assert display_name("Ḩalab", ["حلب"]) == "Halab"
    assert display_name("Aleppo", ["حلب", "Alep"]) == "Alep"


def test_csv_text_cells_cannot_run_as_formulas_and_numbers_stay_numbers():
    text = "=HYPERLINK(\"http://x.example\") in Lima"
    doc = Document("@SUM(A1:A9)", text, title="+cmd|' /C calc'!A0", url="-2+3", site_name="\tTab",
                   author="\rCR")
    place = Place("t:2", "Lima", -12.05, -77.04, "P", "PPLC", "PE", "", "", 1, "test")
    hit = Resolution(Mention(36, 40, "Lima", "GPE"), place, -1.5, (), Excerpt(text, 0, 40))
    out = io.StringIO()
    write_csv([ParseResult(doc, (hit,))], out)
    assert ",-12.05,-77.04," in out.getvalue()  # numbers unquoted
    (row,) = csv.DictReader(io.StringIO(out.getvalue(), newline=""))
    assert row["document_id"] == "'@SUM(A1:A9)" and row["title"] == "'+cmd|' /C calc'!A0"
    assert row["url"] == "'-2+3" and row["site_name"] == "'\tTab" and row["author"] == "'\rCR"
    assert row["excerpt"].startswith("'=HYPERLINK")
    assert (row["lat"], row["lon"], row["score"]) == ("-12.05", "-77.04", "-1.5")  # numbers as written
    assert row["text"] == "Lima"
