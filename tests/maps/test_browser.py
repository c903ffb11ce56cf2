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
def offline_page(pw, path: Path, tmp: Path):
    """A fresh-profile chromium page on a saved map, with the network cut off."""
    context = pw.chromium.launch_persistent_context(
        str(tmp / "profile"), executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS,
        viewport={"width": 1200, "height": 800},
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
    page.wait_for_selector(".leaflet-overlay-pane path.leaflet-interactive, .marker-cluster")
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
