"""The map's own elements: each one Python class, its script or style a file in `templates/`.

The JavaScript and CSS live in `geo/maps/templates/` (`places.js`, `legend.js`, `search.js`,
`views.js`, `period.js`, `outlines.js`, `fit.js`, `styles.css`), where they can be read, linted
and debugged as what they are. They are Jinja templates of our own code: `{{ this... }}`
fills in element names and options; no article text ever goes through them. `template()`
reads one when the module is imported and inlines it into every page, so a map stays one
self-contained file.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

from branca.element import MacroElement
from folium.elements import JSCSSMixin
from folium.plugins import MarkerCluster
from folium.template import Template

from geo.maps.assets import _Inline
from geo.maps.popups import _escape

TEMPLATES = Path(__file__).resolve().with_name("templates")


def template(name: str) -> Template:
    """The Jinja macro of one file of `templates/`: `header` (a `<style>`) for a .css file,
    `script` for a .js file, each called with the element as `this`."""
    text = (TEMPLATES / name).read_text(encoding="utf-8")
    if name.endswith(".css"):
        return Template("{% macro header(this, kwargs) %}<style>\n" + text + "</style>{% endmacro %}")
    return Template("{% macro script(this, kwargs) %}\n" + text + "{% endmacro %}")


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

    _template = template("styles.css")


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

    _template = template("places.js")

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

    _template = template("legend.js")


class _Search(_PlacesControl):
    """A search box over place labels that zooms to the place and opens its popup; no CDN plugin."""

    _template = template("search.js")


class _Views(_PlacesControl):
    """One button between the story (the opening view) and every place."""

    _template = template("views.js")


class _Period(_PlacesControl):
    """The time control, when the articles carry dates: two sliders over the days that have
    articles; the map shows the places and excerpts of the chosen period. Undated articles
    show only when the whole span is chosen."""

    _template = template("period.js")


class _Outlines(_RawMacro):
    """Country outlines in a pane under the tiles: what shows wherever a tile cannot load."""

    _template = template("outlines.js")

    def __init__(self, data: dict):
        super().__init__()
        self._name = "GeoOutlines"
        self.data = data
        self.data_id = f"{self.get_name()}_data"

    def raw_html(self) -> str:
        return (f'<script type="application/json" id="{self.data_id}">'
                f"{_json_for_script(self.data)}</script>")


class _Fit(_RawMacro):
    """Open on the story, without the zoom animation of folium's FitBounds: a user (or a test)
    moving the map in the first quarter second would be sent back when it ends."""

    _template = template("fit.js")

    def __init__(self, bounds: list[list[float]], max_zoom: int):
        super().__init__()
        self.bounds = bounds
        self.max_zoom = max_zoom
