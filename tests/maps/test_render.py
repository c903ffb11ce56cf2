"""The folium map: markers, escaped popups, options, offline output, atomic saves.

Results are built by hand (no language model): `result()` finds each mention's offsets in the
text and makes the sentence around it the excerpt, as the pipeline would.
"""
from __future__ import annotations

import json
import re

import folium
import pytest
from folium.plugins import MarkerCluster
from hypothesis import given, settings
from hypothesis import strategies as st

from geo.errors import GeoError, OutputError
from geo.maps.places import summarize_places
from geo.maps.render import (
    MAX_LAYERS,
    OTHER_LABEL,
    _escape,
    build_map,
    popup_html,
    save_map,
)
from geo.types import Document, Excerpt, Mention, ParseResult, Place, Resolution

ALEPPO = Place("170063", "Aleppo", 36.20, 37.16, "P", "PPLA", "SY")
DAMASCUS = Place("170654", "Damascus", 33.51, 36.29, "P", "PPLC", "SY")
SYRIA = Place("163843", "Syria", 35.0, 38.0, "A", "PCLI", "SY")

XSS_SCRIPT = "<script>window.__xss = 1</script>"
XSS_ATTR = '"><img src=x onerror=alert(1)>'
XSS_TEMPLATE = "${window.__xss = 1}"
# Jinja syntax: folium/branca compile rendered snippets as templates; article text must never be.
JINJA_PAYLOADS = ("{{ 7*7 }}", "{% for x in range(3) %}x{% endfor %}", "{{ ''.__class__ }}")


def result(doc_id: str, text: str, *mentions: tuple[str, Place], title: str = "", url: str = "",
           demonyms: tuple[str, ...] = ()) -> ParseResult:
    """A ParseResult whose i-th resolution is the first unused occurrence of mentions[i][0]."""
    document = Document(id=doc_id, text=text, title=title, url=url)
    resolutions, cursor = [], {}
    for word, place in mentions:
        start = text.index(word, cursor.get(word, 0))
        cursor[word] = start + len(word)
        end = start + len(word)
        s_start = text.rfind(". ", 0, start) + 2 if ". " in text[:start] else 0
        s_end = text.find(". ", end) + 1 or len(text)
        excerpt = Excerpt(text[s_start:s_end], start - s_start, end - s_start)
        mention = Mention(start, end, word, "GPE", demonym=word in demonyms)
        resolutions.append(Resolution(mention, place, 0.9, excerpt=excerpt))
    return ParseResult(document, tuple(resolutions))


def render(m: folium.Map) -> str:
    return m.get_root().render()


def map_data(page: str) -> dict:
    """The places' JSON document in the page (markers, layers, popups are made from it)."""
    found = re.findall(r'<script type="application/json" id="geo_places_\w+_data">(.*?)</script>', page, re.DOTALL)
    assert len(found) <= 1
    return json.loads(found[0]) if found else {"groups": [], "places": []}


def popups(data: dict) -> str:
    """Every piece of popup HTML in the data: headings, excerpts, article titles and dates."""
    return "".join([*(p[6] + "".join(ref[1] for ref in p[7]) for p in data["places"]),
                    *(title + day for title, day in data.get("articles", []))])


def markers(page: str) -> int:
    return len(map_data(page)["places"])


def layer_names(page: str) -> list[str]:
    return [name for name, _ in map_data(page)["groups"]]


@pytest.fixture
def two_articles() -> list[ParseResult]:
    return [
        result("a1", "Shelling hit Aleppo. Aleppo residents fled to Damascus.",
               ("Aleppo", ALEPPO), ("Aleppo", ALEPPO), ("Damascus", DAMASCUS),
               title="Aleppo shelled", url="https://news.example/a1"),
        result("a2", "Talks in Damascus stalled. Shelling hit Aleppo.",
               ("Damascus", DAMASCUS), ("Aleppo", ALEPPO), title="Talks stall"),
    ]


def test_one_marker_per_place(two_articles):
    page = render(build_map(two_articles))
    assert markers(page) == 2
    # labels (tooltips, search list): the names as written, no country code while unambiguous
    assert [p[5] for p in map_data(page)["places"]] == ["Aleppo", "Damascus"]


def test_popup_shows_excerpts_with_highlight_and_facts(two_articles):
    page = render(build_map(two_articles))
    assert "Talks in <mark>Damascus</mark> stalled." in page
    assert "SY · regional capital · 3 mentions" in page
    link = '<a href="https://news.example/a1" target="_blank" rel="noopener noreferrer">Aleppo shelled</a>'
    assert link in popups(map_data(page))


def test_popup_groups_by_article_and_dedups_excerpts(two_articles):
    aleppo = next(s for s in summarize_places(two_articles) if s.place == ALEPPO)
    assert aleppo.mentions == 3
    html = popup_html(aleppo)
    # a2's "Shelling hit Aleppo." repeats a1's sentence word for word: shown once, under a1.
    assert html.count("Shelling hit <mark>Aleppo</mark>.") == 1
    assert html.count("<mark>Aleppo</mark> residents fled") == 1
    assert html.index("Aleppo shelled") < html.index("Talks stall")
    assert html.count('class="geo-article"') == 2


def test_mentions_without_excerpt_get_the_surrounding_text():
    doc = Document("d", "x" * 300 + " Aleppo " + "y" * 300)
    start = doc.text.index("Aleppo")
    r = ParseResult(doc, (Resolution(Mention(start, start + 6, "Aleppo"), ALEPPO),))
    html = popup_html(summarize_places([r])[0])
    assert re.search(r">x{99} <mark>Aleppo</mark> y{99}<", html)


def test_article_text_is_escaped_everywhere():
    payload = f"{XSS_SCRIPT} {XSS_ATTR} {XSS_TEMPLATE} `tick` back\\slash"
    evil_place = Place("666", f"Evil{XSS_ATTR}", 10.0, 10.0, "P", "PPL", "XX")
    r = result("<b>id</b>", f"Near Aleppo {payload} today. In Evil{XSS_ATTR} too.",
               ("Aleppo", ALEPPO), (f"Evil{XSS_ATTR}", evil_place),
               title=f"Title {XSS_SCRIPT}{XSS_ATTR}", url="javascript:alert(1)")
    for self_contained in (False, True):
        page = render(build_map([r], title=XSS_ATTR, self_contained=self_contained))
        for raw in ("<script>window.__xss", "<img src=x", XSS_TEMPLATE, "<b>id</b>", "javascript:"):
            assert raw not in page
        assert "&lt;script&gt;window.__xss = 1&lt;/script&gt;" in page
        assert "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;" in page
        assert "&#36;{window.__xss = 1}" in page


@settings(max_examples=300)
@given(st.text())
def test_escaped_text_cannot_open_a_tag_attribute_or_js_template(text):
    assert not set(_escape(text)) & set("<>\"'`$\\")


def test_only_http_urls_are_linked():
    for url, linked in [("http://x.example/a", True), ("HTTPS://x.example/a", True),
                        ("javascript:alert(1)", False), (" javascript:alert(1)", False),
                        ("data:text/html,hi", False), ("//x.example/a", False), ("", False)]:
        html = popup_html(summarize_places([result("d", "Aleppo.", ("Aleppo", ALEPPO), url=url)])[0])
        assert ("<a href=" in html) is linked, url


def test_min_mentions_filters_places(two_articles):
    assert markers(render(build_map(two_articles, min_mentions=3))) == 1  # Aleppo: 3, Damascus: 2
    assert markers(render(build_map(two_articles, min_mentions=4))) == 0


def test_demonyms_false_drops_demonym_mentions():
    r = result("d", "Syrian forces entered Aleppo.", ("Syrian", SYRIA), ("Aleppo", ALEPPO),
               demonyms=("Syrian",))
    assert markers(render(build_map([r]))) == 2
    page = render(build_map([r], demonyms=False))
    assert markers(page) == 1
    assert "<mark>Syrian</mark>" not in page


def test_unknown_tiles_name_is_a_clear_error(two_articles):
    with pytest.raises(GeoError, match="unknown tiles 'NoSuchTiles'") as info:
        build_map(two_articles, tiles="NoSuchTiles")
    assert isinstance(info.value, ValueError)
    assert "tile.opentopomap.org" in render(build_map(two_articles, tiles="OpenTopoMap"))


def test_layers_per_article_legend_search_and_title(two_articles):
    three = [*two_articles, result("a3", "Quiet day in Syria.", ("Syria", SYRIA), title="Quiet")]
    page = render(build_map(three, title="Syria <news>"))
    # Aleppo and Damascus are in both a1 and a2: the shared layer; Syria only in a3.
    # Syria is an area (a shaded outline in the "Areas" layer), not in an article's layer.
    assert layer_names(page) == ["Places in several articles"]
    syria = next(p for p in map_data(page)["places"] if p[5] == "Syria")
    assert syria[8] == "area" and map_data(page)["geometries"][syria[9]]["type"] in ("Polygon", "MultiPolygon")
    assert not map_data(page)["sharedCluster"]  # few articles: a cluster per layer
    assert "control.addOverlay(" in page
    assert "Syria &lt;news&gt;" in page
    assert "geo-legend" in page and "Find a place" in page
    assert "gazetteer:" not in page  # the articles write the gazetteer's names


def test_cluster_false_uses_plain_feature_groups(two_articles):
    page = render(build_map(two_articles, cluster=False))
    assert "markerClusterGroup" not in page
    assert "L.featureGroup(" in page


def test_single_place_gets_a_reasonable_zoom():
    page = render(build_map([result("d", "In Aleppo.", ("Aleppo", ALEPPO))]))
    assert re.search(r'fitBounds\(\[\[36\.2, 37\.16\], \[36\.2, 37\.16\]\],\s*\{padding: \[20, 20\], maxZoom: 11, animate: false\}', page)


def test_empty_results_still_make_a_map():
    page = render(build_map([]))
    assert markers(page) == 0 and "L.map(" in page


def test_self_contained_loads_nothing_from_the_network(two_articles):
    page = render(build_map(two_articles, self_contained=True))
    assert not re.search(r"<script[^>]+src=|<link[^>]+href=", page)
    assert "bootstrap" not in page.lower()
    assert "L.markerClusterGroup = " in page or "markerClusterGroup=" in page  # plugin inlined
    assert "data:image/png;base64," in page  # Leaflet's layer-control icon
    assert '"geo-outlines"' in page  # country outlines under the markers
    assert markers(page) == 2


def test_self_contained_leaves_folium_globals_alone(two_articles):
    before = (list(folium.Map.default_js), list(MarkerCluster.default_css))
    render(build_map(two_articles, self_contained=True))
    assert (list(folium.Map.default_js), list(MarkerCluster.default_css)) == before
    page = render(build_map(two_articles))
    assert re.search(r'<script src="https://[^"]*leaflet\.js"', page)


def test_save_map_writes_map_and_embed_snippet(tmp_path, two_articles):
    written = save_map(build_map(two_articles), tmp_path / "news map.html", embed=True)
    assert written == [tmp_path / "news map.html", tmp_path / "news map.embed.html"]
    assert "Talks in <mark>Damascus</mark>" in written[0].read_text()
    snippet = written[1].read_text()
    assert '<iframe src="news%20map.html"' in snippet and "<!--" in snippet
    assert oct(written[0].stat().st_mode & 0o777) == oct(0o644)


def test_save_map_is_atomic(tmp_path, two_articles, monkeypatch):
    target = tmp_path / "map.html"
    target.write_text("old map")

    def fail(*args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("geo.outputs.atomic.os.replace", fail)
    with pytest.raises(OutputError, match="map.html"):
        save_map(build_map(two_articles), target)
    assert target.read_text() == "old map"
    assert [p.name for p in tmp_path.iterdir()] == ["map.html"]  # no temp file left


def test_save_map_where_no_directory_can_be_is_an_output_error(tmp_path, two_articles):
    (tmp_path / "file").write_text("not a directory")
    with pytest.raises(OutputError):
        save_map(build_map(two_articles), tmp_path / "file" / "map.html")


@pytest.mark.parametrize("suffix", ["png", "svg", "pdf"])
def test_static_map_formats(tmp_path, two_articles, suffix):
    pytest.importorskip("matplotlib")
    from geo.maps.static import save_static_map

    out = save_static_map(two_articles, tmp_path / f"map.{suffix}", title="Costs $5 and $6")
    assert out.stat().st_size > 1000
    if suffix == "svg":
        svg = out.read_text()
        assert "Aleppo (3)" in svg and "Damascus (2)" in svg  # most-mentioned places labelled


def test_static_map_labels_only_the_top_places(tmp_path, two_articles):
    pytest.importorskip("matplotlib")
    from geo.maps.static import save_static_map

    svg = save_static_map(two_articles, tmp_path / "map.svg", labels=1).read_text()
    assert "Aleppo (3)" in svg and "Damascus" not in svg


def test_static_map_rejects_unknown_formats(tmp_path, two_articles):
    from geo.maps.static import save_static_map

    with pytest.raises(OutputError, match="not 'gif'"):
        save_static_map(two_articles, tmp_path / "map.gif")
    assert list(tmp_path.iterdir()) == []


def test_article_layers_follow_input_order_and_have_unique_names():
    rs = [result("b", "In Paris.", ("Paris", Place("2", "Paris", 48.85, 2.35, "P", "PPLC", "FR")), title="Same"),
          result("a", "In Aleppo. Aleppo again.", ("Aleppo", ALEPPO), ("Aleppo", ALEPPO), title="Same")]
    assert layer_names(render(build_map(rs))) == ["Same", "Same (2)"]


def test_many_articles_share_one_cluster_and_a_capped_layer_list():
    """Past MAX_LAYERS layers: the most-mentioned articles keep theirs, the rest are "Other
    articles", all in one cluster; every place still has its marker and its article's colour."""
    rs = []
    for i in range(40):
        place = Place(f"p{i}", f"Town{i}", i, i, "P", "PPL", "XX")
        word = f"Town{i}"
        rs.append(result(f"d{i}", " ".join([f"In {word}."] * (1 + i % 3)), *[(word, place)] * (1 + i % 3),
                         title=f"Story {i}"))
    rs.append(result("both", "In Town0 and Town1.", ("Town0", Place("p0", "Town0", 0, 0, "P", "PPL", "XX")),
                     ("Town1", Place("p1", "Town1", 1, 1, "P", "PPL", "XX")), title="Both"))
    data = map_data(render(build_map(rs)))
    names = [name for name, _ in data["groups"]]
    assert len(names) == MAX_LAYERS and data["sharedCluster"]
    assert names[-2:] == [OTHER_LABEL, "Places in several articles"]
    kept = [int(n.split()[1]) for n in names[:-2]]
    assert kept == sorted(kept)  # input order
    # the 13 articles with three mentions, then 10 of those with two (d1 lost Town1 to "Both")
    assert [i % 3 for i in kept].count(2) == 13 and [i % 3 for i in kept].count(1) == 10
    assert len(data["places"]) == 40
    colours = {p[5]: p[3] for p in data["places"]}
    assert colours["Town5"] == 5 - 2 and colours["Town0"] == len(data["colours"]) - 1


@pytest.mark.parametrize("self_contained", [False, True])
def test_jinja_syntax_in_articles_is_never_evaluated(self_contained):
    """Server-side template injection: `{{ 7*7 }}` in an excerpt, title, URL or place name
    must reach the page as text, not be run by Jinja when the map is rendered."""
    for payload in JINJA_PAYLOADS:
        place = Place("667", f"Town{payload}", 5.0, 5.0, "P", "PPL", "XX")
        r = result("jinja", f"Near Aleppo {payload} today. In Town{payload} too.",
                   ("Aleppo", ALEPPO), (f"Town{payload}", place),
                   title=f"Title {payload}", url=f"https://x.example/{payload}")
        page = render(build_map([r], title=f"Map {payload}", self_contained=self_contained))
        shown = _escape(payload)
        data = map_data(page)
        shown_popups = popups(data)
        assert f"Near <mark>Aleppo</mark> {shown} today." in shown_popups  # excerpt
        assert f"Title {shown}" in shown_popups and f"Title {shown}" in layer_names(page)  # title
        assert f'href="https://x.example/{shown}"' in shown_popups  # url
        assert f"Town{shown}" in [p[5] for p in data["places"]]  # tooltip, search list
        assert f"Map {shown}" in page  # map title
        for evaluated in ("Aleppo 49 today", "Title 49", "Town49", "Map 49", "xxx",
                          "&lt;class", "<class "):
            assert evaluated not in page, (payload, evaluated)


def test_places_json_cannot_close_its_script_element():
    r = result("s", "Near Aleppo today.", ("Aleppo", ALEPPO), title="</script><!-- <script>")
    page = render(build_map([r]))
    data_block = re.search(r'<script type="application/json"[^>]*>(.*?)</script>', page, re.DOTALL).group(1)
    assert "</script" not in data_block.lower() and "<!--" not in data_block
    assert layer_names(page) == ["&lt;/script&gt;&lt;!-- &lt;script&gt;"]


def test_static_map_labels_never_overlap_and_far_places_get_an_inset(tmp_path, monkeypatch):
    """Twelve towns a few km apart (their labels would pile up) and one far away."""
    pytest.importorskip("matplotlib")
    from matplotlib.figure import Figure

    from geo.maps import static

    towns = [Place(f"t{i}", f"Townname{i}", 33.5 + 0.03 * i, 36.3 + 0.02 * i, "P", "PPL", "SY")
             for i in range(12)]
    far = Place("far", "Farplace", -33.9, 151.2, "P", "PPL", "AU")
    text = " ".join(f"In {p.name}." for p in [*towns, far])
    r = result("d", text, *[(p.name, p) for p in [*towns, far]], title="Close towns")
    drawn: list[Figure] = []
    monkeypatch.setattr(Figure, "savefig", lambda self, *a, **k: drawn.append(self))
    static.save_static_map([r], tmp_path / "map.png", title="Towns", labels=12)
    (fig,) = drawn
    renderer = fig.canvas.get_renderer()
    main = fig.axes[0]
    labels = [t for t in main.texts if t.get_visible() and t.get_text().startswith("Townname")]
    assert labels, "no label was kept"
    boxes = [t.get_window_extent(renderer) for t in labels]
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            assert not a.overlaps(b)
    words = [t.get_text() for t in main.texts] + [t.get_text() for t in fig.texts]
    assert static.SOURCE_LINE in words and "Towns" in words
    assert any(w.endswith(" km") for w in words)  # the scale bar
    (inset,) = main.child_axes
    assert inset.get_title() == "1 place beyond this view"
    # the main view is the story (the towns), not Sydney as well
    assert main.get_xlim()[1] < 60


def test_no_time_control_without_dates_and_one_with(two_articles):
    control = '"geo-box geo-time"'  # the time control's element, made by its script
    assert control not in render(build_map(two_articles))
    dated = [result("d1", "In Aleppo.", ("Aleppo", ALEPPO)), result("d2", "In Damascus.", ("Damascus", DAMASCUS))]
    dated = [ParseResult(Document(r.document.id, r.document.text, date=day), r.resolutions)
             for r, day in zip(dated, ["2024-03-05T08:30:00Z", "2024-03-01"])]
    data = map_data(page := render(build_map(dated)))
    assert control in page and data["days"] == ["2024-03-01", "2024-03-05"]
    assert [a[1] for a in data["articles"]] == ["2024-03-05", "2024-03-01"]


def test_labels_are_the_names_as_written():
    tartus = Place("gn:163345", "Ţarţūs", 34.89, 35.89, "P", "PPLA", "SY")
    deraa = Place("gn:170905", "Dar‘ā", 32.62, 36.10, "P", "PPLA", "SY")
    r = result("d", "Ships left Tartous. TARTOUS port. Deraa was quiet.",
               ("Tartous", tartus), ("TARTOUS", tartus), ("Deraa", deraa))
    data = map_data(render(build_map([r])))
    assert [p[5] for p in data["places"]] == ["Tartous", "Deraa"]
    heads = "".join(p[6] for p in data["places"])
    assert "gazetteer: Tartus" in heads and "gazetteer: Dara" in heads  # differs: shown, plain
    assert "Ţarţūs" not in heads and "Dar‘ā" not in heads


def test_opening_view_is_the_story_not_every_far_place():
    from geo.maps.view import Spot, story_bounds

    # the worked example's weights: Syria and neighbours carry most, Russia's point is far off
    spots = [Spot(35.0, 38.0, 40), Spot(60.0, 100.0, 30), Spot(33.83, 35.83, 19), Spot(55.75, 37.62, 8),
             Spot(34.89, 35.89, 5), Spot(33.51, 36.29, 5), Spot(35.40, 35.95, 5), Spot(32.55, 36.20, 4),
             Spot(31.0, 36.0, 4), Spot(32.62, 36.10, 4), Spot(35.53, 35.79, 3), Spot(28.0, 17.0, 2)]
    south, west, north, east = story_bounds(spots)
    assert 30 <= south and north <= 37 and 34 <= west and east <= 39


def test_arabic_popups_read_right_to_left_and_english_ones_are_unchanged():
    from dataclasses import replace

    arabic = result("a", "قصف في حلب.", ("حلب", ALEPPO))
    arabic = replace(arabic, document=replace(arabic.document, lang="ar"))
    html = popup_html(summarize_places([arabic])[0])
    assert '<div class="geo-place">Aleppo</div>' in html  # the gazetteer's name heads the popup
    assert '<p class="geo-excerpt" dir="rtl">' in html and "<mark>حلب</mark>" in html
    english = popup_html(summarize_places([result("e", "Shelling in Aleppo.", ("Aleppo", ALEPPO))])[0])
    assert "dir=" not in english


def test_static_map_draws_arabic_and_cyrillic_shaped_in_a_font_that_has_them(tmp_path):
    """Labels carry the articles' own script; no glyph is missing (boxes), and Arabic letters
    are joined: a shaped word is narrower than its letters set apart."""
    pytest.importorskip("matplotlib")
    import warnings

    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from geo.maps.static import FONT, save_static_map

    homs = Place("169577", "Homs", 34.73, 36.72, "P", "PPLA", "SY")
    results = [result("ar", "قصف على حلب ودمشق.", ("حلب", ALEPPO), ("دمشق", DAMASCUS)),
               result("ru", "Обстрел Хомса.", ("Хомса", homs))]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        svg = save_static_map(results, tmp_path / "map.svg", title="قصف — Обстрел").read_text()
        save_static_map(results, tmp_path / "map.png")
    assert not [w for w in caught if "missing from" in str(w.message)]
    assert "Aleppo · \u2068حلب\u2069 (1)" in svg and "Homs · \u2068Хомса\u2069 (1)" in svg
    assert "DejaVu Sans" in svg

    with matplotlib.rc_context(FONT):
        fig = Figure()
        renderer = FigureCanvasAgg(fig).get_renderer()

        def width(text: str) -> float:
            return fig.text(0, 0, text, fontsize=20).get_window_extent(renderer).width

        assert width("مستشفى") < 0.9 * sum(width(letter) for letter in "مستشفى")
