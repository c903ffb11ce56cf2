"""Results -> an interactive folium map (one marker per place, popups with the article excerpts).

Everything that comes from an article (titles, URLs, excerpts, place names) is untrusted: it is
escaped here, once, by `_escape`, before it reaches any HTML or JavaScript that folium writes.
`_escape` also neutralises the characters that matter inside the JavaScript template literals
folium wraps popup and tooltip HTML in (backtick, `$`, backslash), so a `${...}` in an article
cannot run as code, and `<` never reaches a `<script>` block, so `</script>` cannot break out.
Values handed to our own scripts go through Jinja's `tojson`, which escapes `<`, `>` and `&`.
"""
from __future__ import annotations

import html
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlsplit

import folium
import xyzservices
from branca.element import MacroElement
from folium.plugins import MarkerCluster
from folium.template import Template

from geo.assets import OfflineMap
from geo.atomic import atomic_write
from geo.errors import GeoError, OutputError
from geo.outline import country_outlines
from geo.types import Document, Excerpt, Mention, ParseResult, Place

PALETTE = (
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
    "#8c564b", "#e377c2", "#17becf", "#bcbd22", "#7f7f7f",
)
SHARED_COLOUR = "#333333"
SHARED_LABEL = "Places in several articles"
EXCERPT_WINDOW = 100  # characters either side of a mention that came without an excerpt

# GeoNames feature codes in words, for the popup; codes not listed are shown as they are.
FEATURE_WORDS = {
    "PCLI": "country", "PCL": "country", "PCLD": "dependent territory", "PCLF": "country",
    "PCLS": "country", "TERR": "territory", "CONT": "continent",
    "ADM1": "first-level region", "ADM2": "second-level region", "ADM3": "third-level region",
    "RGN": "region", "PPLC": "capital city", "PPLA": "regional capital", "PPLA2": "town",
    "PPLA3": "town", "PPLA4": "town", "PPL": "populated place", "PPLX": "neighbourhood",
    "AIRB": "air base", "AIRP": "airport", "SEA": "sea", "OCN": "ocean", "GULF": "gulf",
    "BAY": "bay", "STRT": "strait", "LK": "lake", "STM": "river", "ISL": "island",
    "ISLS": "islands", "MT": "mountain", "MTS": "mountains", "DSRT": "desert", "VAL": "valley",
    "PEN": "peninsula",
}
# How close a map showing only such places may zoom: a lone country should not fill the screen.
MAX_ZOOM = {"A": 6, "L": 6, "H": 6, "T": 9, "P": 11, "S": 12}


class TilesError(GeoError, ValueError):
    """A `tiles` name that no xyzservices provider matches."""


@dataclass
class ArticleExcerpts:
    """One article's distinct excerpts about one place."""

    document: Document
    excerpts: list[Excerpt] = field(default_factory=list)


@dataclass
class PlaceSummary:
    """Everything the map shows about one place, gathered across all results."""

    place: Place
    mentions: int = 0
    articles: dict[str, ArticleExcerpts] = field(default_factory=dict)  # by document id
    _seen: set[str] = field(default_factory=set, init=False, repr=False)

    def add(self, document: Document, excerpt: Excerpt) -> None:
        """Count a mention; keep its excerpt unless the same text is already shown for this place."""
        self.mentions += 1
        article = self.articles.setdefault(document.id, ArticleExcerpts(document))
        if excerpt.text not in self._seen:
            self._seen.add(excerpt.text)
            article.excerpts.append(excerpt)

    @property
    def label(self) -> str:
        """Name plus country code, which tells apart the several Springfields."""
        cc = self.place.country_code
        return f"{self.place.name} ({cc})" if cc else self.place.name


def summarize_places(
    results: Iterable[ParseResult], *, min_mentions: int = 1, demonyms: bool = True
) -> list[PlaceSummary]:
    """Group resolutions by place id across all results, most-mentioned first (ties: first seen)."""
    summaries: dict[str, PlaceSummary] = {}
    for result in results:
        for resolution in result.resolutions:
            if resolution.place is None or (resolution.mention.demonym and not demonyms):
                continue
            excerpt = resolution.excerpt or _window_excerpt(result.document, resolution.mention)
            summary = summaries.setdefault(resolution.place.id, PlaceSummary(resolution.place))
            summary.add(result.document, excerpt)
    kept = [s for s in summaries.values() if s.mentions >= min_mentions]
    return sorted(kept, key=lambda s: -s.mentions)


def _window_excerpt(document: Document, mention: Mention) -> Excerpt:
    """Fallback when the pipeline gave no sentence: the text around the mention."""
    start = max(0, mention.start - EXCERPT_WINDOW)
    end = min(len(document.text), mention.end + EXCERPT_WINDOW)
    return Excerpt(document.text[start:end], mention.start - start, mention.end - start)


# --- escaping -------------------------------------------------------------------------------

_JS_TEMPLATE_CHARS = str.maketrans({"`": "&#96;", "$": "&#36;", "\\": "&#92;"})


def _escape(text: str) -> str:
    """HTML-escape untrusted text, also safe inside the JS template literals folium writes."""
    return html.escape(text, quote=True).translate(_JS_TEMPLATE_CHARS)


def _safe_url(url: str) -> str | None:
    """The URL if it is an absolute http(s) URL, else None: never link `javascript:` and co."""
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    return url if parts.scheme.lower() in ("http", "https") and parts.netloc else None


# --- popup ------------------------------------------------------------------------------------

def popup_html(summary: PlaceSummary) -> str:
    """The popup: place facts, then the excerpts grouped by article, mentions in <mark>."""
    place = summary.place
    facts = [place.country_code, FEATURE_WORDS.get(place.feature_code, place.feature_code)]
    count = f"{summary.mentions} mention" + ("s" if summary.mentions != 1 else "")
    meta = " · ".join(_escape(f) for f in [*facts, count] if f)
    articles = "".join(_article_html(a) for a in summary.articles.values())
    return (
        '<div class="geo-popup">'
        f'<div class="geo-place">{_escape(place.name)}</div>'
        f'<div class="geo-meta">{meta}</div>'
        f'<div class="geo-articles">{articles}</div>'
        "</div>"
    )


def _article_html(article: ArticleExcerpts) -> str:
    doc = article.document
    title = _escape(doc.title or doc.id)
    url = _safe_url(doc.url)
    if url:
        title = f'<a href="{_escape(url)}" target="_blank" rel="noopener noreferrer">{title}</a>'
    excerpts = "".join(
        f'<p class="geo-excerpt">{_escape(e.before)}<mark>{_escape(e.highlight)}</mark>'
        f"{_escape(e.after)}</p>"
        for e in article.excerpts
    )
    return f'<div class="geo-article"><div class="geo-title">{title}</div>{excerpts}</div>'


# --- small map elements -----------------------------------------------------------------------

class _Styles(MacroElement):
    """CSS for popups, the title, the legend and the search box (no Bootstrap needed)."""

    _template = Template("""
        {% macro header(this, kwargs) %}
        <style>
        .geo-popup { font: 13px/1.4 system-ui, sans-serif; }
        .geo-place { font-weight: bold; font-size: 15px; }
        .geo-meta { color: #555; margin-bottom: 6px; }
        .geo-articles { max-height: 260px; overflow: auto; }
        .geo-article { margin-top: 6px; }
        .geo-title { font-weight: 600; }
        .geo-excerpt { margin: 2px 0 6px; }
        .geo-box { background: rgba(255,255,255,.92); padding: 6px 10px; border-radius: 4px;
                   box-shadow: 0 1px 4px rgba(0,0,0,.3); font: 13px/1.4 system-ui, sans-serif; }
        .geo-maptitle { position: fixed; top: 10px; left: 50%; transform: translateX(-50%);
                        z-index: 1000; font-size: 16px; font-weight: bold; }
        .geo-legend { max-height: 40vh; overflow: auto; }
        .geo-legend i { display: inline-block; width: 12px; height: 12px; border-radius: 50%;
                        margin-right: 6px; vertical-align: middle; }
        .geo-search input { width: 200px; font-size: 13px; padding: 3px; }
        </style>
        {% endmacro %}
    """)


class _Title(MacroElement):
    """The map title, fixed at the top centre."""

    _template = Template("""
        {% macro html(this, kwargs) %}
        <div class="geo-box geo-maptitle">{{ this.text }}</div>
        {% endmacro %}
    """)

    def __init__(self, title: str):
        super().__init__()
        self.text = _escape(title)


class _Legend(MacroElement):
    """Which colour is which article layer."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function () {
            var legend = L.control({position: "bottomright"});
            legend.onAdd = function () {
                var div = L.DomUtil.create("div", "geo-box geo-legend");
                div.innerHTML = {{ this.html|tojson }};
                L.DomEvent.disableScrollPropagation(div);
                return div;
            };
            legend.addTo({{ this._parent.get_name() }});
        })();
        {% endmacro %}
    """)

    def __init__(self, entries: list[tuple[str, str]]):
        super().__init__()
        self.html = "<br>".join(f'<i style="background:{c}"></i>{_escape(n)}' for n, c in entries)


class _Search(MacroElement):
    """A search box over place names that zooms to the place and opens its popup; no CDN plugin."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function () {
            var map = {{ this._parent.get_name() }};
            var places = [{% for label, marker, layer in this.entries %}
                [{{ label|tojson }}, {{ marker }}, {{ layer }}],{% endfor %}
            ];
            function show(text) {
                var wanted = text.trim().toLowerCase();
                if (!wanted) return;
                var hit = places.find(function (p) { return p[0].toLowerCase() === wanted; })
                    || places.find(function (p) { return p[0].toLowerCase().indexOf(wanted) === 0; });
                if (!hit) return;
                var marker = hit[1], layer = hit[2];
                if (!map.hasLayer(layer)) map.addLayer(layer);
                // Not markercluster's zoomToShowLayer: it waits for an icon a CircleMarker lacks.
                // Opening the popup on the map works whether or not the marker is clustered.
                map.once("moveend", function () {
                    marker.getPopup().setLatLng(marker.getLatLng()).openOn(map);
                });
                map.setView(marker.getLatLng(), Math.max(map.getZoom(), 8));
            }
            var control = L.control({position: "topleft"});
            control.onAdd = function () {
                var div = L.DomUtil.create("div", "geo-box geo-search");
                var input = L.DomUtil.create("input", "", div);
                var list = L.DomUtil.create("datalist", "", div);
                list.id = {{ (this.get_name() ~ "_names")|tojson }};
                input.type = "search";
                input.placeholder = "Find a place";
                input.setAttribute("aria-label", "Find a place");
                input.setAttribute("list", list.id);
                places.forEach(function (p) {
                    var option = document.createElement("option");
                    option.value = p[0];
                    list.appendChild(option);
                });
                input.addEventListener("change", function () { show(input.value); });
                input.addEventListener("keydown", function (e) {
                    if (e.key === "Enter") show(input.value);
                });
                L.DomEvent.disableClickPropagation(div);
                return div;
            };
            control.addTo(map);
        })();
        {% endmacro %}
    """)

    def __init__(self, entries: list[tuple[str, str, str]]):
        super().__init__()
        self.entries = entries  # (label, marker JS name, layer JS name)


class _Outlines(MacroElement):
    """Country outlines in a pane under the tiles: what shows wherever a tile cannot load."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function () {
            var map = {{ this._parent.get_name() }};
            map.createPane("geo-outlines").style.zIndex = 150;  // tilePane is 200
            L.geoJSON({{ this.data|tojson }}, {
                pane: "geo-outlines", interactive: false,
                style: {color: "#888", weight: 0.7, fillColor: "#f2efe9", fillOpacity: 1}
            }).addTo(map);
        })();
        {% endmacro %}
    """)

    def __init__(self, data: dict):
        super().__init__()
        self.data = data


# --- the map ----------------------------------------------------------------------------------

def resolve_tiles(name: str) -> xyzservices.TileProvider:
    """An xyzservices provider by name ("OpenStreetMap", "CartoDB.Positron", ...)."""
    query = "OpenStreetMap.Mapnik" if name.strip().lower() == "openstreetmap" else name
    try:
        return xyzservices.providers.query_name(query)
    except ValueError:
        raise TilesError(
            f"unknown tiles {name!r}: use an xyzservices provider name such as "
            "'OpenStreetMap', 'CartoDB.Positron' or 'Esri.WorldImagery'"
        ) from None


def _layer_names(documents: Iterable[Document]) -> dict[str, str]:
    """Layer label per article id, in input order, made unique (LayerControl keys by label)."""
    names: dict[str, str] = {}
    for doc in documents:
        if doc.id in names:
            continue
        base = doc.title or doc.id
        base = base if len(base) <= 60 else base[:59] + "…"
        name, n = base, 1
        while name in names.values() or name == SHARED_LABEL:
            n += 1
            name = f"{base} ({n})"
        names[doc.id] = name
    return names


def _layer_key(summary: PlaceSummary) -> str | None:
    """The article whose layer holds this place, or None for places several articles mention."""
    return next(iter(summary.articles)) if len(summary.articles) == 1 else None


@dataclass
class _Layer:
    """An article layer (or the shared one) with its label and colour, for legend and control."""

    name: str
    colour: str
    layer: folium.map.Layer


def _make_layers(
    summaries: list[PlaceSummary], documents: list[Document], cluster: bool
) -> dict[str | None, _Layer]:
    """Article layers in input order, then the shared layer; one colour each."""
    names = _layer_names(documents)
    used = {_layer_key(s) for s in summaries}
    keys: list[str | None] = [k for k in names if k in used] + ([None] if None in used else [])
    layers = {}
    for i, key in enumerate(keys):
        name = names[key] if key is not None else SHARED_LABEL
        colour = PALETTE[i % len(PALETTE)] if key is not None else SHARED_COLOUR
        make = MarkerCluster if cluster else folium.FeatureGroup
        layers[key] = _Layer(name, colour, make(name=_escape(name)))
    return layers


def _marker(summary: PlaceSummary, colour: str) -> folium.CircleMarker:
    """A circle sized by mention count: no icon fonts, no Bootstrap."""
    radius = min(6 + 3 * math.sqrt(summary.mentions), 30)
    return folium.CircleMarker(
        location=summary.place.point,
        radius=radius,
        color=colour,
        weight=1.5,
        fill=True,
        fill_color=colour,
        fill_opacity=0.65,
        popup=folium.Popup(popup_html(summary), max_width=420),
        tooltip=folium.Tooltip(_escape(summary.label)),
    )


def _fit(m: folium.Map, places: list[Place]) -> None:
    """Frame the places; a lone place (or all at one point) gets a zoom that suits its kind."""
    if not places:
        return
    lats = [p.lat for p in places]
    lons = [p.lon for p in places]
    max_zoom = max(MAX_ZOOM.get(p.feature_class, 10) for p in places)
    m.fit_bounds([[min(lats), min(lons)], [max(lats), max(lons)]], padding=(30, 30), max_zoom=max_zoom)


def build_map(
    results: Iterable[ParseResult],
    *,
    title: str | None = None,
    tiles: str = "OpenStreetMap",
    cluster: bool = True,
    min_mentions: int = 1,
    demonyms: bool = True,
    self_contained: bool = False,
) -> folium.Map:
    """One marker per resolved place, in one layer per article (shared places in their own)."""
    provider = resolve_tiles(tiles)
    results = list(results)
    summaries = summarize_places(results, min_mentions=min_mentions, demonyms=demonyms)
    if self_contained:
        m = OfflineMap(location=(20, 0), zoom_start=2, tiles=provider)
        _Outlines(country_outlines()).add_to(m)
    else:
        m = folium.Map(location=(20, 0), zoom_start=2, tiles=provider)
    _Styles().add_to(m)
    if title:
        _Title(title).add_to(m)

    layers = _make_layers(summaries, [r.document for r in results], cluster)
    search_entries = []
    for summary in summaries:
        layer = layers[_layer_key(summary)]
        marker = _marker(summary, layer.colour).add_to(layer.layer)
        search_entries.append((summary.label, marker.get_name(), layer.layer.get_name()))
    for layer in layers.values():
        layer.layer.add_to(m)
    if layers:
        _Legend([(layer.name, layer.colour) for layer in layers.values()]).add_to(m)
        _Search(search_entries).add_to(m)
    folium.LayerControl(collapsed=True).add_to(m)
    _fit(m, [s.place for s in summaries])
    return m


# --- saving -----------------------------------------------------------------------------------

EMBED_SNIPPET = """<!-- Paste this where the map should appear; keep {name} next to the page
     (or change src to where you publish it). -->
<iframe src="{src}" title="{title}" width="100%" height="600" style="border:0" loading="lazy"></iframe>
"""


def save_map(m: folium.Map, path: str | Path, *, embed: bool = False) -> list[Path]:
    """Save the map as HTML (and with `embed`, `<stem>.embed.html`, an iframe snippet for it)."""
    path = Path(path)
    page = m.get_root().render()
    with atomic_write(path) as out:
        out.write(page)
    written = [path]
    if embed:
        snippet = path.with_name(f"{path.stem}.embed.html")
        name = html.escape(path.name)
        src = html.escape(quote(path.name), quote=True)
        with atomic_write(snippet) as out:
            out.write(EMBED_SNIPPET.format(name=name, src=src, title="Map of places"))
        written.append(snippet)
    return written


# --- static image -----------------------------------------------------------------------------

STATIC_FORMATS = ("png", "svg", "pdf")
STATIC_SUFFIXES = tuple(f".{fmt}" for fmt in STATIC_FORMATS)


def _static_extent(places: list[Place]) -> tuple[float, float, float, float]:
    """lon/lat box around the places, at least 30x20 degrees so a lone place has context."""
    if not places:
        return (-180.0, 180.0, -60.0, 85.0)
    lon0, lon1 = min(p.lon for p in places), max(p.lon for p in places)
    lat0, lat1 = min(p.lat for p in places), max(p.lat for p in places)
    pad_lon = max((lon1 - lon0) * 0.15, (30 - (lon1 - lon0)) / 2, 2)
    pad_lat = max((lat1 - lat0) * 0.15, (20 - (lat1 - lat0)) / 2, 2)
    return (max(lon0 - pad_lon, -180), min(lon1 + pad_lon, 180),
            max(lat0 - pad_lat, -90), min(lat1 + pad_lat, 90))


def _draw_outlines(ax) -> None:
    """Country exteriors as one collection (holes skipped: enclaves are drawn as countries too)."""
    from matplotlib.collections import PolyCollection

    rings = [ring for feature in country_outlines()["features"]
             for polygon in feature["geometry"]["coordinates"] for ring in polygon[:1]]
    ax.add_collection(PolyCollection(rings, facecolor="#f2efe9", edgecolor="#999", linewidth=0.4))


def save_static_map(
    results: Iterable[ParseResult],
    path: str | Path,
    *,
    title: str | None = None,
    labels: int = 10,
    min_mentions: int = 1,
    demonyms: bool = True,
    dpi: int = 150,
) -> Path:
    """A .png/.svg/.pdf map with no tiles and no network: outlines, dots, the top `labels` names."""
    path = Path(path)
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in STATIC_FORMATS:
        raise OutputError(f"{path}: static maps are {', '.join(STATIC_FORMATS)}, not {fmt or 'no suffix'!r}")
    try:
        import matplotlib
        from matplotlib.figure import Figure
    except ImportError as e:
        raise GeoError("static maps need matplotlib: pip install 'geo[static]'") from e

    summaries = summarize_places(results, min_mentions=min_mentions, demonyms=demonyms)
    fig = Figure(figsize=(10, 6.5), dpi=dpi)  # not pyplot: no global figure state
    ax = fig.add_subplot()
    west, east, south, north = _static_extent([s.place for s in summaries])
    ax.set_xlim(west, east)
    ax.set_ylim(south, north)
    ax.set_aspect(1 / max(math.cos(math.radians((south + north) / 2)), 0.2))
    ax.set_facecolor("#dde8f0")
    ax.set_xticks([])
    ax.set_yticks([])
    _draw_outlines(ax)
    if summaries:
        ax.scatter([s.place.lon for s in summaries], [s.place.lat for s in summaries],
                   s=[20 + 25 * s.mentions for s in summaries], c=PALETTE[3], alpha=0.7,
                   edgecolors="white", linewidths=0.8, zorder=3)
    for s in summaries[:labels]:  # most-mentioned first
        ax.annotate(f"{s.place.name} ({s.mentions})", s.place.point[::-1], xytext=(6, 4),
                    textcoords="offset points", fontsize=8, zorder=4, parse_math=False,
                    bbox={"boxstyle": "round,pad=0.2", "fc": "white", "ec": "none", "alpha": 0.8})
    if title:
        ax.set_title(title, parse_math=False)
    fig.tight_layout()
    with matplotlib.rc_context({"svg.fonttype": "none"}):  # keep SVG text as text
        with atomic_write(path, "wb") as out:
            fig.savefig(out, format=fmt)
    return path
