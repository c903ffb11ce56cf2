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
from geo.maps.areas import Shapes, default_shapes, label_point
from geo.maps.areas import bounds as area_bounds
from geo.maps.areas import kind as area_kind
from geo.maps.assets import OfflineMap, _Inline
from geo.maps.outline import country_outlines
from geo.maps.places import FEATURE_WORDS, PALETTE, ArticleExcerpts, PlaceSummary, summarize_places
from geo.maps.view import Bounds, Spot, all_bounds, story_bounds
from geo.outputs.atomic import atomic_write
from geo.types import Document, ParseResult

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

def popup_head(summary: PlaceSummary) -> str:
    """The popup's heading: the name as written, then the gazetteer name when it differs,
    country, kind and mention count."""
    place = summary.place
    facts = [place.country_code, FEATURE_WORDS.get(place.feature_code, place.feature_code)]
    count = f"{summary.mentions} mention" + ("s" if summary.mentions != 1 else "")
    also = summary.gazetteer_name
    meta = " · ".join(_escape(f) for f in [also and f"gazetteer: {also}", *facts, count] if f)
    return (f'<div class="geo-place"{_rtl(summary.label)}>{_escape(summary.label)}</div>'
            f'<div class="geo-meta">{meta}</div>')


RTL_LANGUAGES = frozenset({"ar", "fa", "ur", "he"})
_RTL_LETTER = re.compile(r"[\u0590-\u08ff]")


def _rtl(text: str, lang: str = "") -> str:
    """` dir="rtl"` for Arabic (or Hebrew) text, so it reads right to left; "" otherwise."""
    return ' dir="rtl"' if lang in RTL_LANGUAGES or (not lang and _RTL_LETTER.search(text)) else ""


def popup_html(summary: PlaceSummary) -> str:
    """The whole popup (the map assembles the same from `popup_head`, `_article_title` and
    `_excerpts_html`, leaving out the articles outside the chosen period)."""
    articles = "".join(
        '<div class="geo-article"><div class="geo-title">' + _article_title(a.document)
        + _date_html(_day(a.document.date)) + "</div>" + _excerpts_html(a) + "</div>"
        for a in summary.articles.values()
    )
    return (f'<div class="geo-popup">{popup_head(summary)}'
            f'<div class="geo-articles">{articles}</div></div>')


def _day(date: str) -> str:
    """The day of an ISO 8601 date or time ("2024-03-05T08:30:00Z" -> "2024-03-05"); "" if none."""
    return date[:10] if re.fullmatch(r"\d{4}-\d{2}-\d{2}", date[:10] or "") else ""


def _date_html(day: str) -> str:
    return f' <span class="geo-date">{_escape(day)}</span>' if day else ""


def _article_title(doc: Document) -> str:
    title = _escape(doc.title or doc.id)
    url = _safe_url(doc.url)
    if url:
        title = f'<a href="{_escape(url)}" target="_blank" rel="noopener noreferrer">{title}</a>'
    return title


def _excerpts_html(article: ArticleExcerpts) -> str:
    return "".join(
        f'<p class="geo-excerpt"{_rtl(e.text, article.document.lang)}>{_escape(e.before)}<mark>{_escape(e.highlight)}</mark>'
        f"{_escape(e.after)}</p>"
        for e in article.excerpts
    )


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
    """CSS for popups, the title, labels, the legend and the controls (no Bootstrap needed).
    Below 600 px (a phone, a narrow iframe) the controls shrink and the title fits between them."""

    _template = Template("""
        {% macro header(this, kwargs) %}
        <style>
        .geo-popup { font: 13px/1.4 system-ui, sans-serif; }
        .geo-place { font-weight: bold; font-size: 15px; }
        .geo-meta { color: #555; margin-bottom: 6px; }
        .geo-articles { max-height: 260px; overflow: auto; }
        .geo-article { margin-top: 6px; }
        .geo-title { font-weight: 600; }
        .geo-date { font-weight: normal; color: #666; white-space: nowrap; }
        .geo-excerpt { margin: 2px 0 6px; }
        .geo-box { background: rgba(255,255,255,.92); padding: 6px 10px; border-radius: 4px;
                   box-shadow: 0 1px 4px rgba(0,0,0,.3); font: 13px/1.4 system-ui, sans-serif; }
        .geo-maptitle { position: fixed; top: 10px; left: 50%; transform: translateX(-50%);
                        z-index: 1000; font-size: 16px; font-weight: bold; max-width: 50vw;
                        white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
        .geo-legend { max-height: 40vh; overflow: auto; max-width: 260px; }
        .geo-legend summary { cursor: pointer; font-weight: 600; }
        .geo-legend i { display: inline-block; width: 12px; height: 12px; border-radius: 50%;
                        margin-right: 6px; vertical-align: middle; }
        .geo-legend i.geo-shade { border-radius: 2px; }
        .geo-search input { width: 200px; font-size: 13px; padding: 3px; box-sizing: border-box; }
        .geo-view button, .geo-time button { font: inherit; cursor: pointer; }
        .geo-time { width: 230px; }
        .geo-time input[type=range] { width: 100%; margin: 2px 0; }
        .geo-time .geo-period { font-weight: 600; }
        .leaflet-tooltip.geo-name { background: none; border: none; box-shadow: none; padding: 0;
            font: 600 12px/1.2 system-ui, sans-serif; color: #222;
            text-shadow: 0 0 3px #fff, 0 0 3px #fff, 0 0 2px #fff; }
        .leaflet-tooltip.geo-name::before { display: none; }
        .leaflet-tooltip.geo-name.geo-area-name { font-weight: 700; color: #5a1a0a; }
        .geo-label-icon { font: italic 600 13px/1 system-ui, sans-serif; color: #36566e;
            white-space: nowrap; text-shadow: 0 0 3px #fff, 0 0 3px #fff; }
        @media (max-width: 600px) {
            .geo-maptitle { left: 54px; right: 64px; transform: none; max-width: none;
                            font-size: 13px; text-align: center; padding: 4px 6px; }
            .geo-search input { width: 120px; }
            .geo-time { width: 150px; font-size: 12px; padding: 4px 6px; }
            .geo-legend { max-width: 150px; font-size: 12px; padding: 4px 6px; }
            .geo-box { font-size: 12px; }
            .leaflet-control-attribution { font-size: 9px; }
        }
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
    """Every place as data, and one script that draws it: markers, area polygons, labels,
    popups, the two views and the period filter.

    The JSON (`raw_html`, see `_places_data`) holds `colours`, `groups` ([name, legend swatch]
    per layer), `articles` ([title HTML, day] per article), `geometries` (GeoJSON of the areas),
    `shades`, `view` and `places`: [lat, lon, radius, colour index, group index, label,
    heading HTML, [[article index, excerpts HTML], ...], kind, geometry index or -1, shade index,
    label rank or -1] per place. Points go in a layer per group: its own MarkerCluster (or
    FeatureGroup), or, with `sharedCluster`, a light layer that adds its markers to one
    MarkerCluster for all places (hundreds of clusters and overlays are slow to draw). Areas
    (polygons, shaded by mentions, in a pane under the markers) and the labels of continents and
    oceans are one "Areas" layer. A popup is assembled when it opens, from the articles of the
    chosen period (`setPeriod`). The script's JS object (named like the element) keeps
    `markers`, `layers`, `setPeriod`, `showStory` and `showAll` for the other controls.
    """

    _template = Template("""
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = (function () {
            var started = performance.now();
            var map = {{ this._parent.get_name() }};
            var data = JSON.parse(document.getElementById({{ this.data_id|tojson }}).textContent);
            var period = null;  // null: every article; else [first day, last day]
            function articleOn(i) {
                if (!period) return true;
                var day = data.articles[i][1];
                return !!day && day >= period[0] && day <= period[1];
            }
            function placeOn(p) {
                return p[7].some(function (ref) { return articleOn(ref[0]); });
            }
            function popup(p) {
                var parts = p[7].filter(function (ref) { return articleOn(ref[0]); }).map(function (ref) {
                    var a = data.articles[ref[0]];
                    return '<div class="geo-article"><div class="geo-title">' + a[0] +
                        (a[1] ? ' <span class="geo-date">' + a[1] + '</span>' : '') + '</div>' +
                        ref[1] + '</div>';
                });
                return '<div class="geo-popup">' + p[6] + '<div class="geo-articles">' + parts.join('') + '</div></div>';
            }
            map.createPane("geo-areas").style.zIndex = 390;  // under the markers (overlayPane: 400)
            var areaLayer = L.featureGroup().addTo(map);
            var groupMarkers = data.groups.map(function () { return []; });
            var labels = [];  // [rank, tooltip, layer] of the permanent labels
            var items = data.places.map(function (p, index) {
                var layer, kind = p[8];
                var content = function () { return popup(p); };
                if (kind === "area") {
                    var shade = data.shades[p[10]];
                    layer = L.geoJSON(data.geometries[p[9]], {
                        pane: "geo-areas",
                        style: {color: shade[1], weight: 1, opacity: 0.8,
                                fillColor: shade[0], fillOpacity: 0.45}
                    });
                    layer.bindPopup(content, {maxWidth: 420}).bindTooltip(p[5], {sticky: true});
                    layer.on("mouseover", function () { layer.setStyle({weight: 2.5}); });
                    layer.on("mouseout", function () { layer.setStyle({weight: 1}); });
                    if (p[11] >= 0) {
                        var tip = L.tooltip({permanent: true, direction: "center", interactive: false,
                                             className: "geo-name geo-area-name", pane: "tooltipPane"})
                            .setLatLng([p[0], p[1]]).setContent(p[5]);
                        labels.push([p[11], tip, layer]);
                    }
                } else if (kind === "label") {
                    layer = L.marker([p[0], p[1]], {
                        icon: L.divIcon({className: "geo-label-icon", html: p[5], iconSize: null}),
                        keyboard: false
                    }).bindPopup(content, {maxWidth: 420});
                } else {
                    var colour = data.colours[p[3]];
                    layer = L.circleMarker([p[0], p[1]], {
                        radius: p[2], color: colour, weight: 1.5,
                        fill: true, fillColor: colour, fillOpacity: 0.65
                    }).bindPopup(content, {maxWidth: 420});
                    if (p[11] >= 0) {
                        layer.bindTooltip(p[5], {permanent: true, direction: "right",
                                                 offset: [p[2], 0], className: "geo-name"});
                        labels.push([p[11], layer.getTooltip(), layer]);
                    } else {
                        layer.bindTooltip(p[5], {sticky: true});
                    }
                    groupMarkers[p[4]].push(layer);
                }
                layer._geoIndex = index;
                return layer;
            });
            labels.sort(function (a, b) { return a[0] - b[0]; });
            // areas: the big ones first, so a region lies on top of its country and stays clickable
            var areaOrder = data.places.map(function (p, i) { return i; })
                .filter(function (i) { return data.places[i][8] !== "point"; });
            function areaSize(i) {
                var l = items[i];
                if (!l.getBounds) return 0;
                var b = l.getBounds();
                return (b.getNorth() - b.getSouth()) * (b.getEast() - b.getWest());
            }
            var sizes = {};
            areaOrder.forEach(function (i) { sizes[i] = areaSize(i); });
            areaOrder.sort(function (a, b) { return sizes[b] - sizes[a]; });
            var areaLabels = L.layerGroup();
            {% if this.cluster %}
            // no clusters from country zoom on: a port and its air base stay apart there
            var clusterOptions = {disableClusteringAtZoom: 6};
            var shared = data.sharedCluster ? L.markerClusterGroup(clusterOptions).addTo(map) : null;
            var Group = L.Layer.extend({
                initialize: function (markers) { this._markers = markers; },
                onAdd: function () { shared.addLayers(this._markers); },
                onRemove: function () { shared.removeLayers(this._markers); },
                setMarkers: function (ms) {
                    if (this._map) shared.removeLayers(this._markers);
                    this._markers = ms;
                    if (this._map) shared.addLayers(ms);
                }
            });
            {% endif %}
            var layers = groupMarkers.map(function (ms) {
                {% if this.cluster %}
                if (shared) return new Group(ms).addTo(map);
                // On the map first: off it, markercluster's addLayers is quadratic.
                return L.markerClusterGroup(clusterOptions).addTo(map).addLayers(ms);
                {% else %}
                return L.featureGroup(ms).addTo(map);
                {% endif %}
            });
            function setMembers(layer, ms) {
                if (layer.setMarkers) return layer.setMarkers(ms);
                layer.clearLayers();
                if (layer.addLayers) layer.addLayers(ms); else ms.forEach(function (m) { layer.addLayer(m); });
            }
            // Only the areas in and around the view are on the map (a polygon costs its every
            // vertex at each zoom): the others join when the map moves to them.
            var areaBounds = {};
            areaOrder.forEach(function (i) { if (items[i].getBounds) areaBounds[i] = items[i].getBounds(); });
            function drawAreas() {
                var view = map.getBounds().pad(0.5);
                var wanted = areaOrder.filter(function (i) {
                    return placeOn(data.places[i]) && (!areaBounds[i] || view.intersects(areaBounds[i]));
                });
                var keep = {};
                wanted.forEach(function (i) { keep[i] = true; });
                areaLayer.eachLayer(function (l) { if (!keep[l._geoIndex]) areaLayer.removeLayer(l); });
                var before = areaLayer.getLayers().length, added = false;
                wanted.forEach(function (i) {
                    if (!areaLayer.hasLayer(items[i])) { areaLayer.addLayer(items[i]); added = true; }
                });
                if (added && before) {
                    // big first: a region stays on top of its country, whatever joined last
                    wanted.forEach(function (i) { if (items[i].bringToFront) items[i].bringToFront(); });
                }
                areaLabels.clearLayers();
                labels.forEach(function (l) {
                    if (l[2] instanceof L.GeoJSON && areaLayer.hasLayer(l[2])) areaLabels.addLayer(l[1]);
                });
            }
            drawAreas();
            if (map.hasLayer(areaLayer)) areaLabels.addTo(map);
            map.on("overlayadd", function (e) { if (e.layer === areaLayer) areaLabels.addTo(map); soon(); });
            map.on("overlayremove", function (e) { if (e.layer === areaLayer) map.removeLayer(areaLabels); });
            // Labels never overlap: the more mentioned place keeps its label.
            function declutter() {
                var taken = [];
                labels.forEach(function (l) {
                    var el = l[1].getElement && l[1].getElement();
                    if (!el || !el.isConnected) return;
                    el.style.visibility = "";
                    var r = el.getBoundingClientRect();
                    var hit = taken.some(function (t) {
                        return r.left < t.right && r.right > t.left && r.top < t.bottom && r.bottom > t.top;
                    });
                    if (hit) el.style.visibility = "hidden"; else taken.push(r);
                });
            }
            var pending = false;  // one declutter per frame, however many events ask for it
            function soon() {
                if (pending) return;
                pending = true;
                L.Util.requestAnimFrame(function () { pending = false; declutter(); });
            }
            var control = L.control.layers(null, null, {collapsed: true});
            if (areaOrder.length) control.addOverlay(areaLayer, "Areas");
            layers.forEach(function (layer, i) { control.addOverlay(layer, data.groups[i][0]); });
            control.addTo(map);
            function setPeriod(first, last) {
                period = first ? [first, last] : null;
                map.closePopup();
                layers.forEach(function (layer, g) {
                    setMembers(layer, groupMarkers[g].filter(function (m) {
                        return placeOn(data.places[m._geoIndex]);
                    }));
                });
                drawAreas();
                soon();
            }
            function fit(b) {
                if (b) map.fitBounds(b, {padding: [20, 20], maxZoom: data.view.maxZoom, animate: false});
            }
            map.on("zoomend moveend", soon);
            map.on("moveend", drawAreas);
            {% if this.cluster %}
            // clusters open after the move: their markers' labels arrive then
            (shared ? [shared] : layers).forEach(function (l) { l.on("animationend", soon); });
            {% endif %}
            soon();
            var drawn = performance.now() - started;  // for bench/map_bench.py
            return {data: data, drawMs: drawn, markers: items, layers: layers, areas: areaLayer, setPeriod: setPeriod,
                    showStory: function () { fit(data.view.story); },
                    showAll: function () { fit(data.view.all); },
                    visible: function () { return data.places.filter(placeOn).length; }};
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
    """Which colour is which layer, and what the area shades mean (names are escaped HTML from
    the places' data). It folds: closed at first on a narrow screen."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function () {
            var data = {{ this.places.get_name() }}.data;
            var legend = L.control({position: "bottomright"});
            legend.onAdd = function () {
                var div = L.DomUtil.create("div", "geo-box geo-legend");
                var rows = data.groups.map(function (g) {
                    return '<i style="background:' + g[1] + '"></i>' + g[0];
                });
                if (data.geometries.length) {
                    rows.push('<b>Mentions of an area</b>');
                    data.shades.forEach(function (s) {
                        rows.push('<i class="geo-shade" style="background:' + s[0] + ';opacity:.8"></i>' + s[2]);
                    });
                }
                var details = L.DomUtil.create("details", "", div);
                function roomy() { var size = map.getSize(); return size.x > 600 && size.y > 500; }
                var wide = roomy();
                details.open = wide;
                map.on("resize", function () {  // a phone turned, an iframe resized
                    var now = roomy();
                    if (now !== wide) details.open = wide = now;
                });
                details.innerHTML = "<summary>Legend</summary>" + rows.join("<br>");
                L.DomEvent.disableClickPropagation(div);
                L.DomEvent.disableScrollPropagation(div);
                return div;
            };
            var map = {{ this._parent.get_name() }};
            legend.addTo(map);
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
                var p = geo.data.places[i], item = geo.markers[i];
                var at = L.latLng(p[0], p[1]);
                if (p[8] === "point") {
                    var layer = geo.layers[p[4]];
                    if (!map.hasLayer(layer)) map.addLayer(layer);
                    at = item.getLatLng();
                } else if (!map.hasLayer(geo.areas)) {
                    map.addLayer(geo.areas);
                }
                // Not markercluster's zoomToShowLayer: it waits for an icon a CircleMarker lacks.
                // Opening the popup on the map works whether or not the marker is clustered.
                map.once("moveend", function () {
                    item.getPopup().setLatLng(at).openOn(map);
                });
                var zoom = p[8] === "point" ? Math.max(map.getZoom(), 8) : map.getZoom();
                map.setView(at, zoom);
                if (map.getCenter().distanceTo(at) < 1) map.fire("moveend");
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


class _Views(_PlacesControl):
    """One button between the story (the opening view) and every place."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function () {
            var geo = {{ this.places.get_name() }};
            var control = L.control({position: "topleft"});
            control.onAdd = function () {
                var div = L.DomUtil.create("div", "geo-box geo-view");
                var button = L.DomUtil.create("button", "", div);
                var story = true;
                button.type = "button";
                button.textContent = "Show all places";
                button.addEventListener("click", function () {
                    story = !story;
                    if (story) geo.showStory(); else geo.showAll();
                    button.textContent = story ? "Show all places" : "Back to the story";
                });
                L.DomEvent.disableClickPropagation(div);
                return div;
            };
            control.addTo({{ this._parent.get_name() }});
        })();
        {% endmacro %}
    """)


class _Period(_PlacesControl):
    """The time control, when the articles carry dates: two sliders over the days that have
    articles; the map shows the places and excerpts of the chosen period. Undated articles
    show only when the whole span is chosen."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function () {
            var geo = {{ this.places.get_name() }};
            var days = geo.data.days;
            var control = L.control({position: "bottomleft"});
            control.onAdd = function () {
                var div = L.DomUtil.create("div", "geo-box geo-time");
                div.innerHTML = '<div>Period: <span class="geo-period"></span></div>' +
                    '<input type="range" class="geo-from" aria-label="From">' +
                    '<input type="range" class="geo-to" aria-label="To">';
                var from = div.querySelector(".geo-from"), to = div.querySelector(".geo-to");
                var shown = div.querySelector(".geo-period");
                [from, to].forEach(function (input) {
                    input.min = 0; input.max = days.length - 1; input.step = 1;
                });
                from.value = 0; to.value = days.length - 1;
                function update(moved) {
                    var a = +from.value, b = +to.value;
                    if (a > b) { if (moved === from) to.value = b = a; else from.value = a = b; }
                    var all = a === 0 && b === days.length - 1;
                    shown.textContent = a === b ? days[a] : days[a] + " – " + days[b];
                    if (all) shown.textContent += " (all)";
                    geo.setPeriod(all ? null : days[a], days[b]);
                }
                from.addEventListener("input", function () { update(from); });
                to.addEventListener("input", function () { update(to); });
                update(null);
                L.DomEvent.disableClickPropagation(div);
                L.DomEvent.disableScrollPropagation(div);
                return div;
            };
            control.addTo({{ this._parent.get_name() }});
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


# Area shades by mentions: [fill, outline, legend text]; the thresholds are mention counts.
SHADES = ("#fde0c5", "#facba6", "#f59e72", "#eb6f4a", "#c8412c")
SHADE_EDGES = ("#d9a679", "#d08a5c", "#c4633a", "#a8432a", "#7f2214")
LABELS = 15  # places with a permanent label (the most mentioned; overlapping ones hide)


def _shades(counts: list[int]) -> tuple[list[list[str]], list[int]]:
    """Five shades from the area mention counts (log-spaced steps), and each count's shade."""
    if not counts:
        return [], []
    top = max(counts)
    edges = sorted({max(1, round(top ** (k / len(SHADES)))) for k in range(len(SHADES))})
    index = [max(i for i, e in enumerate(edges) if c >= e) for c in counts]
    shades = []
    for i, low in enumerate(edges):
        high = edges[i + 1] - 1 if i + 1 < len(edges) else top
        text = f"{low}" if low == high else f"{low}–{high}"
        step = round(i * (len(SHADES) - 1) / max(len(edges) - 1, 1))
        shades.append([SHADES[step], SHADE_EDGES[step], text])
    return shades, index


def _places_data(summaries: list[PlaceSummary], documents: list[Document],
                 shapes: Shapes = default_shapes) -> dict:
    """The places as data for `_Places`: one colour per article (in input order, cycling
    through the palette), one layer per article plus the shared one; with more than
    MAX_LAYERS layers, the articles with the most mentions keep theirs and the rest share
    "Other articles" (their places keep their article's colour) in one cluster. Areas with an
    outline carry its index in `geometries`; `view` holds the story and the whole."""
    names = _layer_names(documents)
    weight: dict[str | None, int] = {}
    for s in summaries:
        if area_kind(s.place) == "point":
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

    doc_index: dict[str, int] = {}
    article_rows: list[list[str]] = []
    for doc in documents:
        if doc.id not in doc_index:
            doc_index[doc.id] = len(article_rows)
            article_rows.append([_article_title(doc), _escape(_day(doc.date))])

    geometries: list[dict] = []
    kinds, geometry_at, spots = [], [], []
    for s in summaries:
        kind = area_kind(s.place)
        geometry = shapes(s.place) if kind == "area" else None
        if kind == "area" and geometry is None:
            kind = "point"  # an area we have no outline for: a marker, as before
        lat, lon = label_point(s.place) if geometry else s.place.point
        if geometry is not None:
            geometry_at.append(len(geometries))
            geometries.append(geometry)
        else:
            geometry_at.append(-1)
        kinds.append((kind, lat, lon))
        if kind != "label":  # a continent or an ocean frames nothing
            spots.append(Spot(lat, lon, s.mentions, area_bounds(geometry) if geometry else None))
    area_counts = [s.mentions for s, g in zip(summaries, geometry_at) if g >= 0]
    shades, shade_of = _shades(area_counts)
    shade_iter = iter(shade_of)

    places = []
    for rank, (s, (kind, lat, lon), g) in enumerate(zip(summaries, kinds, geometry_at)):
        key = _layer_key(s)
        radius = round(min(6 + 3 * math.sqrt(s.mentions), 30), 1)
        refs = [[doc_index[doc_id], _excerpts_html(a)] for doc_id, a in s.articles.items()]
        places.append([round(lat, 5), round(lon, 5), radius, colour.get(key, len(PALETTE)),
                       index.get(key, other), _escape(s.label), popup_head(s), refs, kind, g,
                       next(shade_iter) if g >= 0 else -1, rank if rank < LABELS and kind != "label" else -1])

    story, whole = story_bounds(spots), all_bounds(spots)
    max_zoom = max((MAX_ZOOM.get(s.place.feature_class, 10) for s in summaries), default=10)
    days = sorted({row[1] for row in article_rows if row[1]})
    return {"colours": [*PALETTE, SHARED_COLOUR], "groups": groups, "places": places,
            "articles": article_rows, "geometries": geometries, "shades": shades, "days": days,
            "sharedCluster": capped,
            "view": {"story": _leaflet_bounds(story), "all": _leaflet_bounds(whole), "maxZoom": max_zoom}}


def _leaflet_bounds(b: Bounds | None) -> list[list[float]] | None:
    return None if b is None else [[b[0], b[1]], [b[2], b[3]]]


class _Fit(_RawMacro):
    """Open on the story, without the zoom animation of folium's FitBounds: a user (or a test)
    moving the map in the first quarter second would be sent back when it ends."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        {{ this._parent.get_name() }}.fitBounds({{ this.bounds|tojson }},
            {padding: [20, 20], maxZoom: {{ this.max_zoom|tojson }}, animate: false});
        {% endmacro %}
    """)

    def __init__(self, bounds: list[list[float]], max_zoom: int):
        super().__init__()
        self.bounds = bounds
        self.max_zoom = max_zoom


def build_map(
    results: Iterable[ParseResult],
    *,
    title: str | None = None,
    tiles: str = "OpenStreetMap",
    cluster: bool = True,
    min_mentions: int = 1,
    demonyms: bool = True,
    self_contained: bool = False,
    shapes: Shapes = default_shapes,
) -> folium.Map:
    """Areas (countries, first-level regions, seas) as shaded polygons, other places as one
    marker each, in one layer per article (shared places in their own; past MAX_LAYERS layers,
    the smaller articles share "Other articles"); labels as the articles write the names; the
    map opens on the story (`view.story_bounds`); a time control when the articles are dated.
    `shapes` gives an area place's outline (GeoJSON geometry) or None."""
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
    if summaries:
        data = _places_data(summaries, [r.document for r in results], shapes)
        _Fit(data["view"]["story"], data["view"]["maxZoom"]).add_to(m)  # before the markers: clusters are drawn once
        places = _Places(data, cluster).add_to(m)
        _Views(places).add_to(m)
        _Legend(places).add_to(m)
        _Search(places).add_to(m)
        if data["days"]:
            _Period(places).add_to(m)
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
