"""A map of 5,000 places from 1,000 articles: HTML size, time to write it, time until drawn.

    .venv/bin/python bench/map_bench.py [--articles 1000] [--places 5000] [--repeat 1]
                                        [--profile] [--no-browser] [--keep DIR]

Targets (product issue): written in under 3 s, drawn in under 3 s, under 15 MB self-contained.

The results are synthetic but shaped like `geo map` input: every article has a title, a URL and
a few sentences per place it mentions; the places (seeded random lat/lon, names, country codes,
feature codes) are spread over the world; each place is the "own" place of one article and about
one in five is also mentioned by a second article (so the shared layer is populated). Excerpts
come from `geo.resolve.excerpts.Sentences`, as in the pipeline.

Measured for the default map (assets from CDNs) and for `self_contained=True`:
* build: `build_map(...)`; write: `save_map(...)` (folium render + atomic write); file size;
* in headless Chromium (fresh profile, every request that is not file:/data: aborted, so only
  basemap tiles fail): time from `page.goto(file://...)` until the load event has fired, marker
  or cluster elements (`.leaflet-marker-icon, .leaflet-interactive`) exist and two animation
  frames have passed (i.e. they were painted); also when the first of them appeared (a
  MutationObserver set up before the page's own scripts), navigation timings, Chromium's own
  split of the main thread (CDP Performance.getMetrics: script / layout / style) and the console
  errors that are not the blocked tiles. The default map's CDN assets are answered from the
  local XStatic copies (route.fulfill), as a warm browser cache would; its Bootstrap / Font
  Awesome links are aborted like the tiles.

`--profile` adds a cProfile of build + save (self-contained) by own and cumulative time.
"""
from __future__ import annotations

import argparse
import cProfile
import io
import math
import pstats
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import folium
from folium.plugins import MarkerCluster

from geo.maps.assets import OFFLINE_ASSETS, _data_dir
from geo.maps.outline import country_outlines
from geo.maps.render import build_map, save_map
from geo.resolve.excerpts import Sentences
from geo.types import Document, Mention, ParseResult, Place, Resolution

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [  # as tests/test_browser.py
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
MARKERS = ".leaflet-marker-icon, .leaflet-interactive"
DRAW_TIMEOUT_MS = 120_000

# --- synthetic input ---------------------------------------------------------------------------

SYLLABLES = ("ka", "lo", "mer", "san", "ta", "vi", "bur", "gan", "del", "ri", "os", "an", "tor",
             "mi", "ne", "ha", "zu", "port", "ville", "stad", "abad", "grad", "ing", "ford")
COUNTRIES = ("US", "GB", "FR", "DE", "SY", "IQ", "UA", "RU", "CN", "IN", "BR", "AR", "NG", "KE",
             "ZA", "EG", "AU", "JP", "ID", "MX", "CA", "TR", "IR", "PK", "ES", "IT", "PL", "")
FEATURES = (("P", "PPL"), ("P", "PPL"), ("P", "PPL"), ("P", "PPLA"), ("P", "PPLC"), ("A", "ADM1"),
            ("A", "ADM2"), ("H", "LK"), ("T", "MT"), ("S", "AIRP"), ("L", "RGN"))
VERBS = ("Officials in {p} said the talks would resume next week.",
         "Residents of {p} reported heavy rain overnight, and roads were closed.",
         "The delegation travelled on to {p} on Tuesday.",
         "Prices in {p} rose by 4% last month, according to the statistics office.",
         "Protesters gathered in the centre of {p} for a third day.",
         "A spokesman for the regional government in {p} declined to comment.",
         "Aid convoys reached {p} after a delay of several days.")
FILLER = ("The report was published on Monday.", "Further details were not immediately available.",
          "Analysts expect the figures to be revised.", "The ministry did not respond to requests.")


def make_places(n: int, rng: random.Random) -> list[Place]:
    places = []
    for i in range(n):
        name = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))).capitalize()
        # uniform on the sphere, limited to where people live (and Web Mercator can show)
        lat = math.degrees(math.asin(rng.uniform(math.sin(math.radians(-55)), math.sin(math.radians(72)))))
        lon = rng.uniform(-180, 180)
        fclass, fcode = rng.choice(FEATURES)
        places.append(Place(f"g{i}", name, round(lat, 5), round(lon, 5), fclass, fcode,
                            rng.choice(COUNTRIES), population=rng.randint(0, 2_000_000)))
    # Every country with an outline is among the places (drawn as a polygon, as geo draws them),
    # and so is every first-level region that geo.gazetteer.shapes knows, when it is installed.
    areas = []
    for feature in country_outlines()["features"]:
        iso = feature["properties"].get("iso_a2")
        if iso:
            lon, lat = feature["geometry"]["coordinates"][0][0][0] if feature["geometry"]["type"] == "MultiPolygon" \
                else feature["geometry"]["coordinates"][0][0]
            areas.append(Place(f"ci:{iso}", feature["properties"]["name"], lat, lon, "A", "PCLI", iso))
    for region in _known_regions()[: n // 4]:
        areas.append(region)
    places[: len(areas)] = areas[:n]
    return places


def _known_regions() -> list[Place]:
    """First-level regions and seas with an outline in geo.gazetteer.shapes (by id, in a fixed
    order), as area places; none when that module is not installed."""
    try:
        from geo.gazetteer import shapes
    except ImportError:
        return []
    places = []
    for place_id in sorted(shapes.ids()):
        kind = shapes.kind(place_id)
        if kind not in ("region", "marine"):
            continue
        lat, lon = shapes.label_point(place_id)
        code = ("A", "ADM1") if kind == "region" else ("H", "SEA")
        places.append(Place(place_id, place_id.split(":", 1)[1], lat, lon, *code, ""))
    return places


def make_results(n_articles: int, places: list[Place], rng: random.Random) -> list[ParseResult]:
    """Places split evenly over the articles (each article's own places), plus one in five
    places mentioned again by some other article; one to three mentions per place and article."""
    own: list[list[Place]] = [[] for _ in range(n_articles)]
    for i, place in enumerate(places):
        own[i % n_articles].append(place)
    extra: list[list[Place]] = [[] for _ in range(n_articles)]
    for place in rng.sample(places, len(places) // 5):
        extra[rng.randrange(n_articles)].append(place)

    results = []
    for a in range(n_articles):
        sentences: list[tuple[str, Place | None]] = []
        for place in own[a] + extra[a]:
            for _ in range(rng.randint(1, 3)):
                sentences.append((rng.choice(VERBS), place))
        sentences += [(rng.choice(FILLER), None) for _ in range(3)]
        rng.shuffle(sentences)
        text, spans = "", []
        for template, place in sentences:
            if place is not None:
                start = len(text) + template.index("{p}")
                spans.append((start, start + len(place.name), place))
                text += template.format(p=place.name) + " "
            else:
                text += template + " "
        text = text.rstrip()
        split = Sentences(text)
        resolutions = tuple(
            Resolution(Mention(s, e, text[s:e], "GPE"), place, 0.9, excerpt=split.excerpt(s, e))
            for s, e, place in spans
        )
        title = f"Article {a}: {own[a][0].name if own[a] else 'news'} and the region, day {a % 31 + 1}"
        doc = Document(f"doc{a}", text, title=title, url=f"https://news.example.org/{2026}/{a:05d}-story")
        results.append(ParseResult(doc, resolutions))
    return results


# --- Python side -------------------------------------------------------------------------------

def write_map(results: list[ParseResult], path: Path, self_contained: bool) -> dict:
    t0 = time.perf_counter()
    m = build_map(results, title="Benchmark map", self_contained=self_contained)
    t1 = time.perf_counter()
    save_map(m, path)
    t2 = time.perf_counter()
    return {"build": t1 - t0, "write": t2 - t1, "total": t2 - t0, "bytes": path.stat().st_size}


def profile(results: list[ParseResult], path: Path, top: int = 18) -> str:
    prof = cProfile.Profile()
    prof.enable()
    save_map(build_map(results, title="Benchmark map", self_contained=True), path)
    prof.disable()
    out = io.StringIO()
    stats = pstats.Stats(prof, stream=out).strip_dirs()
    stats.sort_stats("tottime").print_stats(top)
    stats.sort_stats("cumulative").print_stats(top + 10)
    return out.getvalue()


# --- browser side ------------------------------------------------------------------------------

FIRST_MARKER_PROBE = """
window.__firstMarker = null;
new MutationObserver(function (records, observer) {
    if (document.querySelector(MARKERS)) { window.__firstMarker = performance.now(); observer.disconnect(); }
}).observe(document, {childList: true, subtree: true});
""".replace("MARKERS", repr(MARKERS))


def _cdn_copies() -> dict[str, Path]:
    """folium's CDN asset URLs -> the local XStatic files with the same content."""
    copies = {}
    for cls in (folium.Map, MarkerCluster):
        for name, url in [*cls.default_js, *cls.default_css]:
            if name in OFFLINE_ASSETS:
                package, filename = OFFLINE_ASSETS[name]
                copies[url] = _data_dir(package) / filename
    return copies


def draw(path: Path, workdir: Path) -> dict:
    from playwright.sync_api import sync_playwright

    copies = _cdn_copies()
    profile_dir = Path(tempfile.mkdtemp(prefix="profile-", dir=workdir))
    try:
        with sync_playwright() as pw:
            context = pw.chromium.launch_persistent_context(
                str(profile_dir), executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS,
                viewport={"width": 1200, "height": 800},
            )
            blocked: list[str] = []

            def route(r):
                url = r.request.url
                if url.startswith(("file:", "data:")):
                    r.continue_()
                elif url in copies:
                    kind = "text/css" if url.endswith(".css") else "application/javascript"
                    r.fulfill(status=200, body=copies[url].read_bytes(), content_type=kind)
                else:
                    blocked.append(url)
                    r.abort()

            context.route("**/*", route)
            page = context.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda e: errors.append(f"pageerror: {e}"))
            page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
            page.add_init_script(FIRST_MARKER_PROBE)
            cdp = context.new_cdp_session(page)
            cdp.send("Performance.enable")
            before = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}

            t0 = time.perf_counter()
            page.goto(path.as_uri(), wait_until="load", timeout=DRAW_TIMEOUT_MS)
            t_load = time.perf_counter() - t0
            page.wait_for_selector(MARKERS, state="attached", timeout=DRAW_TIMEOUT_MS)
            page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
            t_drawn = time.perf_counter() - t0

            after = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
            nav = page.evaluate("""() => {
                const n = performance.getEntriesByType('navigation')[0];
                return {response_end: n.responseEnd, dom_interactive: n.domInteractive,
                        dcl_end: n.domContentLoadedEventEnd, load_end: n.loadEventEnd,
                        first_marker: window.__firstMarker};
            }""")
            counts = page.evaluate("""() => ({
                paths: document.querySelectorAll('.leaflet-overlay-pane path.leaflet-interactive').length,
                clusters: document.querySelectorAll('.marker-cluster').length,
                heap_mb: performance.memory ? performance.memory.usedJSHeapSize / 1048576 : null})""")
            context.close()
    finally:
        shutil.rmtree(profile_dir, ignore_errors=True)
    real_errors = [e for e in errors
                   if not (e.startswith("Failed to load resource") and blocked)]
    split = {k: after.get(k, 0) - before.get(k, 0)
             for k in ("ScriptDuration", "LayoutDuration", "RecalcStyleDuration", "TaskDuration")}
    return {"load": t_load, "drawn": t_drawn, **{k: v / 1000 if v is not None else None
                                                  for k, v in nav.items()},
            **split, **counts, "errors": len(real_errors), "error_samples": real_errors[:3],
            "blocked": len(blocked)}


# --- report ------------------------------------------------------------------------------------

def _med(runs: list[dict], key: str):
    values = [r[key] for r in runs if r.get(key) is not None]
    return statistics.median(values) if values else None


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--articles", type=int, default=1000)
    ap.add_argument("--places", type=int, default=5000)
    ap.add_argument("--repeat", type=int, default=1, help="runs per variant; medians are printed")
    ap.add_argument("--seed", type=int, default=20261125)
    ap.add_argument("--profile", action="store_true", help="cProfile build + save (self-contained)")
    ap.add_argument("--no-browser", action="store_true")
    ap.add_argument("--keep", type=Path, help="write the maps here instead of a temporary folder")
    args = ap.parse_args()

    rng = random.Random(args.seed)
    t0 = time.perf_counter()
    places = make_places(args.places, rng)
    results = make_results(args.articles, places, rng)
    mentions = sum(len(r.resolutions) for r in results)
    print(f"input: {args.articles} articles, {len(places)} places, {mentions} mentions "
          f"(synthesised in {time.perf_counter() - t0:.2f} s)")

    workdir = Path(tempfile.mkdtemp(prefix="map-bench-"))
    outdir = args.keep or workdir
    outdir.mkdir(parents=True, exist_ok=True)
    browser = not args.no_browser and CHROMIUM.exists()
    if not args.no_browser and not browser:
        print(f"{CHROMIUM} not found: browser timings skipped")
    rows = []
    try:
        for label, self_contained in (("default", False), ("self_contained", True)):
            path = outdir / f"map-{label}.html"
            py = [write_map(results, path, self_contained) for _ in range(args.repeat)]
            br = [draw(path, workdir) for _ in range(args.repeat)] if browser else []
            rows.append((label, py, br))
            for i, run in enumerate(br):
                if run["error_samples"]:
                    print(f"{label} run {i}: console errors, e.g. {run['error_samples']}")

        print()
        print("| map | build | write | build+write | HTML size | goto->load | goto->drawn | "
              "first marker | DOM interactive | markers (paths / clusters) | console errors |")
        print("|---|---|---|---|---|---|---|---|---|---|---|")
        for label, py, br in rows:
            cells = [label, f"{_med(py, 'build'):.2f} s", f"{_med(py, 'write'):.2f} s",
                     f"{_med(py, 'total'):.2f} s", f"{_med(py, 'bytes') / 1e6:.1f} MB"]
            if br:
                fm = _med(br, "first_marker")
                cells += [f"{_med(br, 'load'):.2f} s", f"{_med(br, 'drawn'):.2f} s",
                          f"{fm:.2f} s" if fm is not None else "-",
                          f"{_med(br, 'dom_interactive'):.2f} s",
                          f"{br[-1]['paths']} / {br[-1]['clusters']}", str(br[-1]["errors"])]
            else:
                cells += ["-"] * 6
            print("| " + " | ".join(cells) + " |")
        if browser:
            print()
            print("Chromium main thread (CDP Performance.getMetrics, during goto -> drawn):")
            print("| map | response end | DOM interactive | DCL end | load end | script | layout | "
                  "style recalc | all tasks | JS heap |")
            print("|---|---|---|---|---|---|---|---|---|---|")
            for label, _, br in rows:
                heap = _med(br, "heap_mb")
                print(f"| {label} | {_med(br, 'response_end'):.2f} s | {_med(br, 'dom_interactive'):.2f} s"
                      f" | {_med(br, 'dcl_end'):.2f} s | {_med(br, 'load_end'):.2f} s"
                      f" | {_med(br, 'ScriptDuration'):.2f} s | {_med(br, 'LayoutDuration'):.2f} s"
                      f" | {_med(br, 'RecalcStyleDuration'):.2f} s | {_med(br, 'TaskDuration'):.2f} s"
                      f" | {f'{heap:.0f} MB' if heap else '-'} |")
        if args.profile:
            print()
            print(profile(results, workdir / "profiled.html"))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
