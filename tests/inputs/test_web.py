"""Web pages: the article, not the page around it, and the page's own date."""
import io
import json
from pathlib import Path

import pytest

import geo.cli
from geo.cli import main
from geo.inputs.read import read_inputs
from geo.inputs.web import _date

PAGES = Path(__file__).parent / "pages"
# Places each page names only in its menus, banners, sidebars, related links and footer.
BOILERPLATE = {
    "news": ["Chicago", "Toronto", "Sydney", "New York", "London", "Mumbai", "Athens", "Nairobi",
             "Phoenix", "Lisbon", "Kathmandu", "Denver", "Berlin", "Tokyo", "Cairo", "Buenos Aires",
             "Manchester"],
    "wire": ["Dublin", "Singapore", "Los Angeles", "Toronto", "Johannesburg", "Europe", "Asia",
             "Americas", "Africa", "Frankfurt", "Manila", "Doha", "Santiago", "Washington", "Brussels",
             "Paris", "Seoul", "Lagos", "Mexico City"],
    "undated": ["Riga", "Tallinn", "Vilnius", "Stockholm", "Helsinki"],
}
ARTICLE = {
    "news": {"Valencia", "Paiporta", "Madrid", "Spain", "Malaga", "Almeria"},
    "wire": {"Kharkiv", "Lviv", "Poltava", "Izium", "Dnipro"},
    "undated": {"Gdansk", "Karlskrona", "Gdynia"},
}


def page(name):
    (doc,) = read_inputs([PAGES / f"{name}.html"])
    return doc


def test_a_news_page_gives_its_article_and_metadata():
    doc = page("news")
    assert doc.title == "Floods cut roads around Valencia"
    assert (doc.date, doc.url) == ("2024-10-30", "https://ledger.example/world/floods-valencia")
    assert (doc.site_name, doc.author) == ("The Daily Ledger", "Maria Lopez")
    assert doc.text.startswith("Floods cut roads around Valencia\n\nTorrential rain turned streets")
    assert doc.text.endswith("so that families could receive aid quickly.")
    for name in BOILERPLATE["news"] + ["cookies", "Most read", "Greetings from"]:
        assert name not in doc.text, name


def test_json_ld_dates_and_pages_without_article_elements():
    doc = page("wire")
    assert (doc.date, doc.author, doc.site_name) == ("2023-02-14", "Olena Petrenko", "World Wire")
    assert "Dnipro" in doc.text and "Frankfurt" not in doc.text and "Trending" not in doc.text


def test_a_page_without_a_date_gets_none_not_its_copyright_year():
    doc = page("undated")
    assert doc.date == "" and doc.title == "Harbour reopens in Gdansk"
    # htmldate answers 1 January of a copyrightYear when it has nothing else: not a date.
    assert _date("2018-01-01", '<meta itemprop="copyrightYear" content="2018">') == ""
    assert _date("2018-01-01", "<p>New Year</p>") == "2018-01-01"
    assert _date("2024-03-05", '<meta itemprop="copyrightYear" content="2024">') == "2024-03-05"


def test_a_fragment_is_read_whole():
    (doc,) = read_inputs(["-"], stdin=io.BytesIO(b"<p>Talks in <b>Oslo</b> and <i>Bergen</i>.</p>"),
                         input_format="html")
    assert doc.text == "Talks in Oslo and Bergen." and doc.date == ""


@pytest.mark.parametrize("name", sorted(ARTICLE))
def test_geo_reports_only_the_articles_places(geoparser, name):
    doc = page(name)
    result = geoparser.parse(doc)
    found = {r.mention.text for r in result.resolutions if r.place}
    assert ARTICLE[name] <= found, ARTICLE[name] - found
    assert not found & set(BOILERPLATE[name]), found & set(BOILERPLATE[name])
    for r in result.resolutions:  # offsets point into the extracted text
        assert doc.text[r.mention.start:r.mention.end] == r.mention.text


def test_extract_writes_the_pages_date_url_title_site_and_author(tmp_path, capsys, geoparser, monkeypatch):
    monkeypatch.setattr(geo.cli, "parser_for", lambda args: geoparser)
    assert main(["extract", str(PAGES / "news.html"), str(PAGES / "undated.html"), "--workers", "1"]) == 0
    news, undated = map(json.loads, capsys.readouterr().out.splitlines())
    assert (news["date"], news["url"], news["title"]) == (
        "2024-10-30", "https://ledger.example/world/floods-valencia", "Floods cut roads around Valencia")
    assert (news["site_name"], news["author"]) == ("The Daily Ledger", "Maria Lopez")
    assert undated["date"] == ""
    assert {m["text"] for m in news["mentions"]}.isdisjoint(BOILERPLATE["news"])


def test_the_same_id_twice_is_reported_and_made_unique(tmp_path, caplog):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "story.txt").write_text("In Oslo.", encoding="utf-8")
    (tmp_path / "b" / "story.txt").write_text("In Rome.", encoding="utf-8")
    rows = tmp_path / "in.jsonl"
    rows.write_text('{"id": "x", "text": "one"}\n{"id": "x", "text": "two"}\n{"id": "x#2", "text": "three"}\n',
                    encoding="utf-8")
    with caplog.at_level("WARNING", logger="geo.inputs.read"):
        docs = list(read_inputs([tmp_path / "a" / "story.txt", tmp_path / "b" / "story.txt", rows]))
    assert [(d.id, d.text) for d in docs] == [
        ("story", "In Oslo."), ("story#2", "In Rome."), ("x", "one"), ("x#2", "two"), ("x#2#2", "three")]
    assert "id 'story' appears twice" in caplog.text and "id 'x#2' appears twice" in caplog.text


def test_a_page_too_large_for_trafilatura_is_streamed_whole(monkeypatch, caplog):
    monkeypatch.setattr("geo.inputs.web.MAX_PAGE_CHARS", 1000)
    with caplog.at_level("WARNING", logger="geo.inputs.html"):
        doc = page("news")
    assert "Valencia" in doc.text and "Most read" in doc.text  # every word, menus included
    assert "page larger than 1,000 characters" in caplog.text
    assert doc.title == "Floods cut roads around Valencia | The Daily Ledger"  # its <title>, kept


def test_markup_that_trips_the_extractor_falls_back_to_the_plain_reader(monkeypatch, caplog):
    import trafilatura

    def broken(*args, **kwargs):
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(trafilatura, "bare_extraction", broken)
    with caplog.at_level("WARNING", logger="geo.inputs.web"):
        doc = page("news")
    assert "Valencia" in doc.text and doc.title == "Floods cut roads around Valencia"
    assert "news.html: article extraction failed (RecursionError)" in caplog.text


def test_markup_that_trips_lxml_html_is_one_clear_error(tmp_path):
    """lxml.html asserts on some markup (found by tests/inputs/test_fuzz.py): not a traceback."""
    from geo.errors import InputError

    path = tmp_path / "odd.html"
    path.write_text("<svg><p><p>", encoding="utf-8")
    with pytest.raises(InputError, match=r"odd\.html: empty input"):
        list(read_inputs([path]))
