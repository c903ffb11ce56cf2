"""Results -> an interactive folium map (one marker per place, popups with the article excerpts).

Everything that comes from an article (titles, URLs, excerpts, place names) is untrusted: it is
escaped here, once, by `_escape`, before it reaches any HTML or JavaScript. `_escape` also
neutralises backtick, `$` and backslash, so the text stays inert in a JS template literal too.
It then reaches the page only as data -- one JSON document in a `<script type="application/json">`
element that our scripts read with `JSON.parse` -- and never passes through Jinja: branca
compiles the rendered output of folium elements as a template again, which would evaluate
`{{ ... }}` in an article (see "small map elements" below).
"""
from __future__ import annotations

import html
import json
import math
import re
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import quote, urlsplit

import folium
import xyzservices
from branca.element import MacroElement
from folium.elements import JSCSSMixin
from folium.plugins import MarkerCluster
from folium.template import Template

from geo.errors import GeoError
from geo.maps.assets import OfflineMap, _Inline
from geo.maps.outline import country_outlines
from geo.maps.places import FEATURE_WORDS, PALETTE, ArticleExcerpts, PlaceSummary, summarize_places
from geo.outputs.atomic import atomic_write
from geo.types import Document, ParseResult, Place

SHARED_COLOUR = "#333333"
SHARED_LABEL = "Places in several articles"
OTHER_LABEL = "Other articles"
MAX_LAYERS = 25  # layers in the layer control and the legend, at most

# How close a map showing only such places may zoom: a lone country should not fill the screen.
MAX_ZOOM = {"A": 6, "L": 6, "H": 6, "T": 9, "P": 11, "S": 12}


class TilesError(GeoError, ValueError):
    """A `tiles` name that no xyzservices provider matches."""


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
#
# Why nothing from an article goes near Jinja: branca's `MacroElement.render` wraps the output
# of each macro in `Element(text)`, and `Element(text)` *compiles that text as a new Jinja
# template* when the page is saved. Anything an article put into that output ("{{ 7*7 }}",
# "{% ... %}") would be evaluated, with full Python access (Jinja is not sandboxed here). So:
# * every element of ours is a `_RawMacro`: its macros (our own code, no article text) are
#   rendered once and put into the page as they are (`_Inline`), never re-compiled;
# * article text reaches the page only as data: one JSON document in a
#   `<script type="application/json">` element (`_json_for_script`), written by `_Inline`,
#   which the scripts read with `JSON.parse`; folium's own markers, popups, tooltips and
#   LayerControl (all `Element(text)` underneath) are not used.
# Every string in that JSON is HTML that `_escape` / `popup_html` made safe.


class _RawMacro(MacroElement):
    """A MacroElement whose rendered macros go into the page verbatim (see above), plus an
    optional `raw_html()` for the page body; unlike branca's, nothing is compiled twice."""

    def raw_html(self) -> str | None:
        return None

    def render(self, **kwargs) -> None:
        figure = self.get_root()
        macros = self._template.module.__dict__ if self._template is not None else {}
        for part in ("header", "html", "script"):
            if part in macros:
                getattr(figure, part).add_child(_Inline(macros[part](self, kwargs)), name=self.get_name())
        raw = self.raw_html()
        if raw is not None:
            figure.html.add_child(_Inline(raw), name=f"{self.get_name()}_raw")
        for child in self._children.values():
            child.render(**kwargs)


_SCRIPT_BREAKERS = re.compile(r"<(?=/script|!--)|[\u2028\u2029]", re.IGNORECASE)


def _json_for_script(data: object) -> str:
    """JSON that cannot end or confuse the <script> element it sits in.

    Inside a script element only `</script` ends it and `<!--` (with `<script`) changes how it
    is parsed; their `<` becomes `\\u003c`, which is the same string to JSON.parse. Other
    markup (the popups' own `<mark>`, `</p>`, ...) is left readable; article text has no `<`
    at all, `_escape` took care of that. U+2028/2029 are escaped for older JS parsers.
    """
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return _SCRIPT_BREAKERS.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


class _Styles(_RawMacro):
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


class _Title(_RawMacro):
    """The map title, fixed at the top centre: escaped text, written without a template."""

    _template = None

    def __init__(self, title: str):
        super().__init__()
        self.text = _escape(title)

    def raw_html(self) -> str:
        return f'<div class="geo-box geo-maptitle">{self.text}</div>'


class _Places(JSCSSMixin, _RawMacro):
    """Every place as data, and one loop that makes its marker, popup and tooltip.

    The JSON (`raw_html`) holds `colours`, `groups` ([name, legend swatch] per layer) and
    `places`: [lat, lon, radius, colour index, group index, label, popup HTML] per place.
    Each group is a layer in the layer control: its own MarkerCluster (or FeatureGroup), or,
    with `shared_cluster`, a light layer that adds its markers to one MarkerCluster for all
    places and takes them out again (hundreds of clusters and overlays are slow to draw).
    The script's JS object (named like the element) keeps `markers` and `layers` for the
    legend and the search box.
    """

    _template = Template("""
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = (function () {
            var map = {{ this._parent.get_name() }};
            var data = JSON.parse(document.getElementById({{ this.data_id|tojson }}).textContent);
            var groupMarkers = data.groups.map(function () { return []; });
            var markers = data.places.map(function (p) {
                var colour = data.colours[p[3]];
                var marker = L.circleMarker([p[0], p[1]], {
                    radius: p[2], color: colour, weight: 1.5,
                    fill: true, fillColor: colour, fillOpacity: 0.65
                }).bindPopup(p[6], {maxWidth: 420}).bindTooltip(p[5], {sticky: true});
                groupMarkers[p[4]].push(marker);
                return marker;
            });
            {% if this.cluster %}
            var shared = data.sharedCluster ? L.markerClusterGroup().addTo(map) : null;
            var Group = L.Layer.extend({
                initialize: function (markers) { this._markers = markers; },
                onAdd: function () { shared.addLayers(this._markers); },
                onRemove: function () { shared.removeLayers(this._markers); }
            });
            {% endif %}
            var layers = groupMarkers.map(function (ms) {
                {% if this.cluster %}
                if (shared) return new Group(ms).addTo(map);
                // On the map first: off it, markercluster's addLayers is quadratic.
                return L.markerClusterGroup().addTo(map).addLayers(ms);
                {% else %}
                return L.featureGroup(ms).addTo(map);
                {% endif %}
            });
            var control = L.control.layers(null, null, {collapsed: true});
            layers.forEach(function (layer, i) { control.addOverlay(layer, data.groups[i][0]); });
            control.addTo(map);
            return {data: data, markers: markers, layers: layers};
        })();
        {% endmacro %}
    """)

    def __init__(self, data: dict, cluster: bool):
        super().__init__()
        self._name = "GeoPlaces"
        self.data = data
        self.cluster = cluster
        self.data_id = f"{self.get_name()}_data"
        # the markercluster plugin's JS and CSS, inlined by OfflineMap for self-contained maps
        self.default_js = list(MarkerCluster.default_js) if cluster else []
        self.default_css = list(MarkerCluster.default_css) if cluster else []

    def raw_html(self) -> str:
        return (f'<script type="application/json" id="{self.data_id}">'
                f"{_json_for_script(self.data)}</script>")


class _PlacesControl(_RawMacro):
    """A control that reads the places' data block (`_Places`) instead of carrying its own."""

    def __init__(self, places: _Places):
        super().__init__()
        self.places = places


class _Legend(_PlacesControl):
    """Which colour is which layer (names are escaped HTML from the places' data)."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function () {
            var groups = {{ this.places.get_name() }}.data.groups;
            var legend = L.control({position: "bottomright"});
            legend.onAdd = function () {
                var div = L.DomUtil.create("div", "geo-box geo-legend");
                div.innerHTML = groups.map(function (g) {
                    return '<i style="background:' + g[1] + '"></i>' + g[0];
                }).join("<br>");
                L.DomEvent.disableScrollPropagation(div);
                return div;
            };
            legend.addTo({{ this._parent.get_name() }});
        })();
        {% endmacro %}
    """)


class _Search(_PlacesControl):
    """A search box over place labels that zooms to the place and opens its popup; no CDN plugin."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function () {
            var map = {{ this._parent.get_name() }};
            var geo = {{ this.places.get_name() }};
            // Labels arrive as escaped HTML; the datalist and the matching want plain text.
            var decoder = document.createElement("textarea");
            var labels = geo.data.places.map(function (p) {
                decoder.innerHTML = p[5];
                return decoder.value;
            });
            function find(wanted) {
                for (var i = 0; i < labels.length; i++) if (labels[i].toLowerCase() === wanted) return i;
                for (i = 0; i < labels.length; i++) if (labels[i].toLowerCase().indexOf(wanted) === 0) return i;
                return -1;
            }
            function show(text) {
                var wanted = text.trim().toLowerCase();
                var i = wanted ? find(wanted) : -1;
                if (i < 0) return;
                var marker = geo.markers[i], layer = geo.layers[geo.data.places[i][4]];
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
                labels.forEach(function (label) {
                    var option = document.createElement("option");
                    option.value = label;
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


class _Outlines(_RawMacro):
    """Country outlines in a pane under the tiles: what shows wherever a tile cannot load."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function () {
            var map = {{ this._parent.get_name() }};
            map.createPane("geo-outlines").style.zIndex = 150;  // tilePane is 200
            var data = JSON.parse(document.getElementById({{ this.data_id|tojson }}).textContent);
            L.geoJSON(data, {
                pane: "geo-outlines", interactive: false,
                style: {color: "#888", weight: 0.7, fillColor: "#f2efe9", fillOpacity: 1}
            }).addTo(map);
        })();
        {% endmacro %}
    """)

    def __init__(self, data: dict):
        super().__init__()
        self._name = "GeoOutlines"
        self.data = data
        self.data_id = f"{self.get_name()}_data"

    def raw_html(self) -> str:
        return (f'<script type="application/json" id="{self.data_id}">'
                f"{_json_for_script(self.data)}</script>")


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
    """Layer label per article id, in input order, made unique (so the layers can be told apart)."""
    names: dict[str, str] = {}
    taken = {SHARED_LABEL, OTHER_LABEL}
    for doc in documents:
        if doc.id in names:
            continue
        base = doc.title or doc.id
        base = base if len(base) <= 60 else base[:59] + "…"
        name, n = base, 1
        while name in taken:
            n += 1
            name = f"{base} ({n})"
        names[doc.id] = name
        taken.add(name)
    return names


def _layer_key(summary: PlaceSummary) -> str | None:
    """The article whose layer holds this place, or None for places several articles mention."""
    return next(iter(summary.articles)) if len(summary.articles) == 1 else None


def _places_data(summaries: list[PlaceSummary], documents: list[Document]) -> dict:
    """The markers as data for `_Places`: one colour per article (in input order, cycling
    through the palette), one layer per article plus the shared one; with more than
    MAX_LAYERS layers, the articles with the most mentions keep theirs and the rest share
    "Other articles" (their places keep their article's colour) in one cluster."""
    names = _layer_names(documents)
    weight: dict[str | None, int] = {}
    for s in summaries:
        weight[_layer_key(s)] = weight.get(_layer_key(s), 0) + s.mentions
    articles = [k for k in names if k in weight]
    shared = None in weight
    colour = {k: i % len(PALETTE) for i, k in enumerate(articles)}
    colour[None] = len(PALETTE)  # SHARED_COLOUR

    capped = len(articles) + shared > MAX_LAYERS
    if capped:
        top = set(sorted(articles, key=lambda k: -weight[k])[: MAX_LAYERS - shared - 1])
        articles = [k for k in articles if k in top]  # back in input order
    groups = [[_escape(names[k]), PALETTE[colour[k]]] for k in articles]
    index: dict[str | None, int] = {k: i for i, k in enumerate(articles)}
    if capped:
        groups.append([_escape(OTHER_LABEL), f"conic-gradient({', '.join(PALETTE)})"])
    if shared:
        index[None] = len(groups)
        groups.append([_escape(SHARED_LABEL), SHARED_COLOUR])
    other = len(groups) - 1 - shared

    places = []
    for s in summaries:
        key = _layer_key(s)
        lat, lon = s.place.point
        radius = round(min(6 + 3 * math.sqrt(s.mentions), 30), 1)
        places.append([lat, lon, radius, colour[key], index.get(key, other),
                       _escape(s.label), popup_html(s)])
    return {"colours": [*PALETTE, SHARED_COLOUR], "groups": groups, "places": places,
            "sharedCluster": capped}


class _Fit(_RawMacro):
    """Frame the places at once, without the zoom animation of folium's FitBounds: a user (or a
    test) moving the map in the first quarter second would be sent back when it ends."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        {{ this._parent.get_name() }}.fitBounds({{ this.bounds|tojson }},
            {padding: [30, 30], maxZoom: {{ this.max_zoom|tojson }}, animate: false});
        {% endmacro %}
    """)

    def __init__(self, bounds: list[list[float]], max_zoom: int):
        super().__init__()
        self.bounds = bounds
        self.max_zoom = max_zoom


def _fit(m: folium.Map, places: list[Place]) -> None:
    """Frame the places; a lone place (or all at one point) gets a zoom that suits its kind."""
    if not places:
        return
    lats = [p.lat for p in places]
    lons = [p.lon for p in places]
    max_zoom = max(MAX_ZOOM.get(p.feature_class, 10) for p in places)
    _Fit([[min(lats), min(lons)], [max(lats), max(lons)]], max_zoom).add_to(m)


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
    """One marker per resolved place, in one layer per article (shared places in their own;
    past MAX_LAYERS layers, the smaller articles share "Other articles")."""
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
    _fit(m, [s.place for s in summaries])  # before the markers: clusters are drawn once
    if summaries:
        places = _Places(_places_data(summaries, [r.document for r in results]), cluster).add_to(m)
        _Legend(places).add_to(m)
        _Search(places).add_to(m)
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
