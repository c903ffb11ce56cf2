"""The self-contained map in a real browser, offline: it draws, popups open, payloads stay inert.

Needs Debian's chromium (/usr/bin/chromium) and the Python package playwright; skipped
otherwise. Every request that is not file: or data: is aborted, so the page proves it needs
no network (only the basemap tiles fail, and the country outlines stand in for them).
"""
from __future__ import annotations

import shutil
from contextlib import contextmanager
from pathlib import Path

import pytest
from conftest import EXAMPLE

from geo.maps.render import build_map, save_map
from geo.types import Document, Excerpt, Mention, ParseResult, Place, Resolution

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOT = Path(__file__).resolve().parents[2] / "output" / "test-map.png"
EXAMPLE_SCREENSHOT = SCREENSHOT.with_name("example-map.png")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
PAYLOADS = (
    "<script>window.__xss = 1</script> "
    '"><img src=x onerror="window.__xss = 1"> '
    "${window.__xss = 1} `${window.__xss = 1}` "
    "{{ 7*7 }} {% for x in range(3) %}x{% endfor %} {{ ''.__class__ }}"  # Jinja: must stay text
)
JINJA_SHOWN = "{{ 7*7 }} {% for x in range(3) %}x{% endfor %} {{ ''.__class__ }}"
PLACES = [
    Place("170063", "Aleppo", 36.20, 37.16, "P", "PPLA", "SY"),
    Place("2988507", "Paris", 48.85, 2.35, "P", "PPLC", "FR"),
    Place("5128581", "New York", 40.71, -74.01, "P", "PPL", "US"),
]

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)", allow_module_level=True)


def article(i: int, place: Place) -> ParseResult:
    """One article per place; its sentence carries every payload, and so does its title."""
    sentence = f"Reporters in {place.name} saw it. {PAYLOADS}"
    start = sentence.index(place.name)
    mention = Mention(start, start + len(place.name), place.name, "GPE")
    excerpt = Excerpt(sentence, start, mention.end)
    doc = Document(f"a{i}", sentence, title=f"Article {i} {{{{ 7*7 }}}} {PAYLOADS}", url="javascript:window.__xss=1")
    return ParseResult(doc, (Resolution(mention, place, 0.9, excerpt=excerpt),))


@pytest.fixture(scope="module")
def playwright():
    with sync_api.sync_playwright() as pw:  # one per module: Playwright's sync API does not nest
        yield pw


@contextmanager
def offline_page(pw, path: Path, tmp: Path, size: tuple[int, int] = (1200, 800)):
    """A fresh-profile chromium page on a saved map, with the network cut off."""
    context = pw.chromium.launch_persistent_context(
        str(tmp / "profile"), executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS,
        viewport={"width": size[0], "height": size[1]},
    )
    blocked: list[str] = []

    def route(r):
        if r.request.url.startswith(("file:", "data:")):
            r.continue_()
        else:
            blocked.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(f"pageerror: {e}"))
    page.on("console", lambda msg: errors.append(f"{msg.text} @ {msg.location.get('url')}")
            if msg.type == "error" else None)
    page.goto(path.as_uri())
    # drawn: a marker, a cluster or an area exists (it may lie outside the opening view)
    page.wait_for_selector(".leaflet-pane path.leaflet-interactive, .marker-cluster", state="attached")
    try:
        yield page, errors, blocked
    finally:
        context.close()
        shutil.rmtree(tmp / "profile", ignore_errors=True)


@pytest.fixture(scope="module")
def browser_page(playwright, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("browser")
    m = build_map([article(i, p) for i, p in enumerate(PLACES)], title="Offline test", self_contained=True)
    (path,) = save_map(m, tmp / "map.html")
    with offline_page(playwright, path, tmp) as opened:
        yield opened


def _tile_failure(message: str, blocked: list[str]) -> bool:
    """Console noise from the basemap tiles we blocked on purpose (only tiles may fail)."""
    return message.startswith("Failed to load resource") and any(u in message for u in blocked)


def test_page_loads_without_errors_or_network(browser_page):
    page, errors, blocked = browser_page
    assert all("tile" in u for u in blocked), blocked  # nothing but basemap tiles was requested
    assert [e for e in errors if not _tile_failure(e, blocked)] == []
    assert page.locator(".geo-outlines, .leaflet-geo-outlines-pane path").count() > 100


def test_one_marker_per_place(browser_page):
    page, _, _ = browser_page
    # The map opens on the story (two of three equally mentioned places): the button shows all.
    assert page.locator(".leaflet-overlay-pane path.leaflet-interactive").count() == 2
    page.click(".geo-view button")
    page.wait_for_function("document.querySelectorAll('.leaflet-overlay-pane path.leaflet-interactive').length == 3")
    assert page.locator(".leaflet-overlay-pane path.leaflet-interactive").count() == len(PLACES)


def click_place(page, place: Place) -> None:
    """A real mouse click on the place: centre the map on it (markercluster re-orders the
    marker paths as the map moves, so "the n-th path" is not a stable handle), click the centre."""
    box = page.evaluate(
        """([lat, lon]) => {
            const map = Object.values(window).find(v => v instanceof L.Map);
            map.setView([lat, lon], map.getZoom(), {animate: false});
            const r = map.getContainer().getBoundingClientRect();
            return [r.left + r.width / 2, r.top + r.height / 2];
        }""",
        [place.lat, place.lon],
    )
    # markercluster puts the markers back a moment after a move: wait until one is under the mouse
    page.wait_for_function(
        "([x, y]) => { const e = document.elementFromPoint(x, y); return !!e && e.matches('path.leaflet-interactive'); }",
        arg=box,
    )
    page.mouse.click(*box)


def test_clicking_a_marker_opens_its_popup(browser_page):
    page, _, _ = browser_page
    for place in PLACES:
        if page.locator(".leaflet-popup").count():
            page.click(".leaflet-popup-close-button")
            page.locator(".leaflet-popup").wait_for(state="detached")
        click_place(page, place)
        popup = page.locator(".leaflet-popup-content", has_text=f"Reporters in {place.name}")
        popup.wait_for()
    text = popup.inner_text()
    assert "<script>window.__xss = 1</script>" in text  # shown as text, not run
    assert JINJA_SHOWN in text  # not evaluated when the map was written
    assert popup.locator("mark").count() == 1
    assert popup.locator("a").count() == 0  # javascript: URLs are never linked
    page.wait_for_function("getComputedStyle(document.querySelector('.leaflet-popup')).opacity == 1")
    SCREENSHOT.parent.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOT))


def test_article_payloads_do_not_execute(browser_page):
    page, _, _ = browser_page
    assert page.evaluate("typeof window.__xss") == "undefined"
    assert page.locator(".leaflet-popup-content img, .leaflet-popup-content script").count() == 0


def test_layer_control_and_legend_show_titles_as_text(browser_page):
    page, _, _ = browser_page
    for selector in (".leaflet-control-layers-overlays", ".geo-legend"):
        text = page.locator(selector).text_content()
        # layer names are cut at 60 characters: the start of the title is enough
        assert "Article 1 {{ 7*7 }} <script>window.__xss = 1</script>" in text, selector
        assert "49" not in text, selector
    assert page.locator(".leaflet-control-layers img, .geo-legend img").count() == 0


def test_search_box_finds_a_place(browser_page):
    page, _, _ = browser_page
    page.fill(".geo-search input", "paris")
    page.press(".geo-search input", "Enter")
    page.wait_for_function(
        "() => [...document.querySelectorAll('.leaflet-popup-content')].some(p => p.innerText.includes('Paris'))"
    )


@pytest.mark.skipif(not EXAMPLE.exists(), reason="shared example not present")
def test_the_example_map_renders_offline(playwright, geoparser, tmp_path):
    """The worked example, self-contained: clusters or markers, layers, legend, a popup with
    its excerpt, and no console error; the screenshot stays in output/ for people to look at."""
    from geo.inputs.read import read_inputs

    results = list(geoparser.parse_many(read_inputs([EXAMPLE])))
    (path,) = save_map(build_map(results, title="Example", self_contained=True), tmp_path / "map.html")
    with offline_page(playwright, path, tmp_path) as (page, errors, blocked):
        assert [e for e in errors if not _tile_failure(e, blocked)] == []
        assert page.locator(".leaflet-control-layers").count() == 1
        assert page.locator(".geo-legend").count() == 1
        # it opens on Syria and its neighbours (zoom 5 or closer), not on Russia's point in Siberia
        view = page.evaluate("""() => { const map = Object.values(window).find(v => v instanceof L.Map);
            return [map.getZoom(), map.getBounds().contains([34.8, 38.9]), map.getBounds().contains([60, 100])]; }""")
        assert view[0] >= 5 and view[1] and not view[2], view
        labels = page.evaluate("Object.values(window).find(v => v && v.setPeriod).data.places.map(p => p[5])")
        assert "Tartous" in labels and "Deraa" in labels and "Ţarţūs" not in labels
        assert page.locator(".geo-time").count() == 0  # the example has no dates
        tartus = next(r.place for res in results for r in res.resolutions if r.mention.text == "Tartous")
        page.evaluate(
            """([lat, lon]) => {
                const map = Object.values(window).find(v => v instanceof L.Map);
                map.setView([lat, lon], 12, {animate: false});
            }""",
            [tartus.lat, tartus.lon],
        )
        click_place(page, tartus)
        popup = page.locator(".leaflet-popup-content", has_text="Tartous")
        popup.wait_for()
        assert popup.locator("mark", has_text="Tartous").count() >= 1
        page.wait_for_function("getComputedStyle(document.querySelector('.leaflet-popup')).opacity == 1")
        page.screenshot(path=str(EXAMPLE_SCREENSHOT))


# --- the story map: a dated sample about Syria ------------------------------------------------

# (id, date, title, text, the place names in it as the articles write them)
SYRIA_SAMPLE = [
    ("s1", "2024-03-01", "Fighting near the capital",
     "Shelling hit Rif Dimashq on Friday. Families fled towards Aleppo.",
     ["Rif Dimashq", "Aleppo"]),
    ("s2", "2024-03-05", "Convoy reaches Deraa",
     "An aid convoy from Damascus reached Deraa. Syria said the road to Jordan would reopen.",
     ["Damascus", "Deraa", "Syria", "Jordan"]),
    ("s3", "2024-03-09", "Ships leave Tartous",
     "Ships left Tartous on Saturday. Syria and Lebanon discussed the border near Tartous.",
     ["Tartous", "Syria", "Lebanon", "Tartous"]),
]
def syria_results(tmp: Path) -> list[ParseResult]:
    """The sample as a JSONL file (with the mention spans: no language model needed), read and
    resolved by the real gazetteer and resolver."""
    import json

    from geo.inputs.read import read_inputs
    from geo.pipeline import Geoparser

    lines = []
    for doc_id, date, title, text, names in SYRIA_SAMPLE:
        spans, cursor = [], 0
        for name in names:
            start = text.index(name, cursor)
            spans.append({"start": start, "end": start + len(name)})
            cursor = start + len(name)
        lines.append(json.dumps({"id": doc_id, "date": date, "title": title, "text": text, "mentions": spans}))
    path = tmp / "syria.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return list(Geoparser().parse_many(read_inputs([path])))


@pytest.fixture(scope="module")
def syria_map(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("syria")
    results = syria_results(tmp)
    m = build_map(results, title="Syria, March 2024", cluster=False, self_contained=True)
    (path,) = save_map(m, tmp / "syria.html")
    return path


def _area_paths(page, label: str) -> int:
    """How many drawn, clickable SVG paths the area labelled `label` has."""
    return page.evaluate(
        """(label) => {
            const geo = window.GeoPlaces || Object.values(window).find(v => v && v.setPeriod);
            let n = 0;
            geo.data.places.forEach((p, i) => {
                if (p[8] !== "area" || p[5] !== label) return;
                geo.markers[i].eachLayer(l => {
                    if (l._path && l._path.isConnected && l._path.classList.contains("leaflet-interactive")) n++;
                });
            });
            return n;
        }""", label)


def _geo(page, expression: str):
    return page.evaluate(
        "(e) => { const geo = Object.values(window).find(v => v && v.setPeriod);"
        " const map = Object.values(window).find(v => v instanceof L.Map); return eval(e); }",
        expression)


def _choose_days(page, first: str, last: str) -> None:
    days = _geo(page, "geo.data.days")
    for selector, day in ((".geo-time .geo-from", first), (".geo-time .geo-to", last)):
        page.locator(selector).evaluate(
            "(el, v) => { el.value = v; el.dispatchEvent(new Event('input')); }", str(days.index(day)))


@pytest.mark.parametrize("size", [(1200, 800), (375, 667)], ids=["desktop", "phone"])
def test_story_map_of_a_dated_sample(playwright, syria_map, tmp_path, size):
    with offline_page(playwright, syria_map, tmp_path, size) as (page, errors, blocked):
        assert [e for e in errors if not _tile_failure(e, blocked)] == []

        # areas as areas: a country and a province are interactive polygons
        assert _area_paths(page, "Syria") >= 1 and _area_paths(page, "Lebanon") >= 1
        assert _area_paths(page, "Rif Dimashq") >= 1
        assert page.locator(".leaflet-geo-areas-pane path.leaflet-interactive").count() >= 4

        # the story in view: Syria, zoom 5 or closer
        view = _geo(page, "[map.getZoom(), map.getCenter().lat, map.getCenter().lng,"
                          " map.getBounds().contains([34.8, 38.9]), map.getBounds().contains([33.5, 36.3])]")
        assert view[0] >= 5, view
        assert 31.5 < view[1] < 37.5 and 35.0 < view[2] < 42.5, view
        assert view[3] and view[4], view

        # names as written: "Tartous" and "Deraa", not the gazetteer's "Ţarţūs" and "Dar‘ā"
        labels = _geo(page, "geo.data.places.map(p => p[5])")
        assert "Tartous" in labels and "Deraa" in labels, labels
        shown = page.locator(".leaflet-tooltip-pane").inner_text() + " ".join(
            page.locator(".geo-search option").evaluate_all("os => os.map(o => o.value)"))
        assert "Tartous" in shown and "Ţarţūs" not in shown and "Dar‘ā" not in shown

        # a popup opens from a polygon (a real click inside Syria's outline), with dated excerpts
        point = _geo(page, """(() => { map.setView([35.6, 39.5], 6, {animate: false});
                                      const p = map.latLngToContainerPoint([35.6, 39.5]);
                                      const r = map.getContainer().getBoundingClientRect();
                                      return [r.left + p.x, r.top + p.y]; })()""")
        assert page.evaluate("([x, y]) => document.elementFromPoint(x, y).closest('.leaflet-geo-areas-pane') !== null",
                             point)
        page.mouse.click(*point)
        popup = page.locator(".leaflet-popup-content", has_text="Syria said the road")
        popup.wait_for()
        assert "2024-03-05" in popup.inner_text() and "2024-03-09" in popup.inner_text()
        page.click(".leaflet-popup-close-button")
        _geo(page, "geo.showStory()")

        # time: the last day only -> Tartous is the one marker; Syria's popup has that day only
        markers = ".leaflet-overlay-pane path.leaflet-interactive"
        assert page.locator(markers).count() == 4  # Aleppo, Damascus, Deraa, Tartous
        _choose_days(page, "2024-03-09", "2024-03-09")
        assert page.locator(".geo-period").inner_text() == "2024-03-09"
        assert page.locator(markers).count() == 1
        assert _geo(page, "geo.data.places.filter((p, i) => p[8] === 'point' &&"
                          " geo.markers[i]._map).map(p => p[5])") == ["Tartous"]
        assert _area_paths(page, "Jordan") == 0 and _area_paths(page, "Syria") >= 1
        _choose_days(page, "2024-03-01", "2024-03-09")
        assert page.locator(markers).count() == 4

        # the controls fit: none overlaps another, together they leave most of the map free
        boxes = page.locator(".leaflet-control, .geo-maptitle").evaluate_all(
            "els => els.map(e => e.getBoundingClientRect()).filter(r => r.width && r.height)"
            ".map(r => [r.left, r.top, r.right, r.bottom])")
        for i, a in enumerate(boxes):
            for b in boxes[i + 1:]:
                assert a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1], (a, b)
        covered = sum((b[2] - b[0]) * (b[3] - b[1]) for b in boxes)
        assert covered < 0.3 * size[0] * size[1], covered
        legend_open = page.locator(".geo-legend details").evaluate("d => d.open")
        assert legend_open is (size[0] > 600)
        if size[0] < 600:
            page.screenshot(path=str(SCREENSHOT.with_name("syria-phone.png")))
        else:
            page.screenshot(path=str(SCREENSHOT.with_name("syria-desktop.png")))


def test_story_map_in_an_iframe_with_clusters(playwright, tmp_path):
    """The published way: the map in a 375 x 667 iframe of a report page, clustered markers.
    It opens on Syria, the legend is folded, and the period filters the clustered markers."""
    results = syria_results(tmp_path)
    save_map(build_map(results, self_contained=True), tmp_path / "map.html",
                       embed=True)
    snippet = (tmp_path / "map.embed.html").read_text(encoding="utf-8")
    snippet = snippet.replace('width="100%" height="600"', 'width="375" height="667"')
    report = tmp_path / "report.html"
    report.write_text(f"<!doctype html><html><body><h1>Report</h1>{snippet}</body></html>", encoding="utf-8")
    context = playwright.chromium.launch_persistent_context(
        str(tmp_path / "profile"), executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS,
        viewport={"width": 900, "height": 900})
    context.route("**/*", lambda r: r.continue_() if r.request.url.startswith(("file:", "data:")) else r.abort())
    try:
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(report.as_uri())
        frame = page.frame_locator("iframe")
        frame.locator(".leaflet-geo-areas-pane path.leaflet-interactive").first.wait_for(state="attached")
        inner = page.frames[1]
        view = inner.evaluate("(() => { const m = window[Object.keys(window).find(k => k.startsWith('map_'))];"
                              " return [m.getZoom(), m.getBounds().contains([34.8, 38.9])]; })()")
        assert view[0] >= 5 and view[1], view
        assert frame.locator(".geo-legend details").evaluate("d => d.open") is False
        count = ("(() => { const geo = window[Object.keys(window).find(k => k.startsWith('geo_places_') && !k.endsWith('_data'))];"
                 " return geo.layers.reduce((n, l) => n + (l.getLayers ? l.getLayers().length : 0), 0); })()")
        assert inner.evaluate(count) == 4
        days = inner.evaluate("window[Object.keys(window).find(k => k.startsWith('geo_places_') && !k.endsWith('_data'))].data.days")
        for selector in (".geo-time .geo-from", ".geo-time .geo-to"):
            frame.locator(selector).evaluate(
                "(el, v) => { el.value = v; el.dispatchEvent(new Event('input')); }", str(days.index("2024-03-05")))
        assert inner.evaluate(count) == 2  # Damascus and Deraa
        assert errors == []
    finally:
        context.close()
