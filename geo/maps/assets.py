"""Offline maps: every JS/CSS asset a folium map references, inlined from installed XStatic packages.

folium declares assets as data (`default_js`/`default_css` lists of (name, CDN URL) on each
element class). `OfflineMap` walks its own element tree at render time, puts the contents of
each asset inline in the page header and empties those lists *on the instances*, so folium's
module globals and other maps are left as they were. No third-party JS lives in this repository:
it is read from the XStatic wheels (xstatic-leaflet, xstatic-leaflet-markercluster,
xstatic-jquery) when a map is rendered.

Bootstrap, glyphicons, Font Awesome and Leaflet.awesome-markers serve only `folium.Icon`
markers, which geo's maps do not use (they draw CircleMarkers), so they are dropped; a map that
does contain a `folium.Icon` is refused rather than rendered with icons that cannot load.
"""
from __future__ import annotations

import base64
import importlib
import mimetypes
import re
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

import folium
from branca.element import Element
from folium.elements import JSCSSMixin

from geo.errors import GeoError

# folium asset name -> (XStatic package, file in its data directory)
OFFLINE_ASSETS = {
    "leaflet": ("xstatic.pkg.leaflet", "leaflet.js"),
    "leaflet_css": ("xstatic.pkg.leaflet", "leaflet.css"),
    "jquery": ("xstatic.pkg.jquery", "jquery.min.js"),
    "markerclusterjs": ("xstatic.pkg.leaflet_markercluster", "leaflet.markercluster.js"),
    "markerclustercss": ("xstatic.pkg.leaflet_markercluster", "MarkerCluster.css"),
    "markerclusterdefaultcss": ("xstatic.pkg.leaflet_markercluster", "MarkerCluster.Default.css"),
}
ICON_ASSETS = frozenset({
    "bootstrap", "bootstrap_css", "glyphicons_css", "awesome_markers", "awesome_markers_css",
    "awesome_markers_font_css", "awesome_rotate_css",
})

_SOURCE_MAP = re.compile(r"^\s*(//|/\*)# sourceMappingURL=.*$", re.MULTILINE)
_CSS_URL = re.compile(r"""url\((['"]?)([^)'"]+)\1\)""")


class _Inline(Element):
    """Raw text in the page; unlike `Element(text)` it is not run through Jinja."""

    def __init__(self, text: str):
        super().__init__()
        self.text = text

    def render(self, **kwargs) -> str:
        return self.text


def _data_dir(package: str) -> Path:
    try:
        return Path(importlib.import_module(package).BASE_DIR)
    except ImportError as e:
        dist = package.replace("xstatic.pkg.", "xstatic-").replace("_", "-")
        raise GeoError(f"self-contained maps need the package {dist}: pip install {dist}") from e


def _data_uri(path: Path) -> str:
    mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return f"data:{mime};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"


def _inline_css(text: str, base: Path) -> str:
    """CSS with relative url(...) (Leaflet's layer icons) turned into data: URIs."""

    def replace(match: re.Match) -> str:
        ref = match.group(2)
        if ref.startswith(("data:", "#")) or not (base / ref).is_file():
            return match.group(0)
        return f'url("{_data_uri(base / ref)}")'

    css = _CSS_URL.sub(replace, text)
    return "<style>" + re.sub(r"</style", r"<\\/style", css, flags=re.IGNORECASE) + "</style>"


@lru_cache(maxsize=None)
def asset_html(name: str) -> str:
    """The <script> or <style> element that stands in for folium's asset `name`."""
    package, filename = OFFLINE_ASSETS[name]
    base = _data_dir(package)
    text = _SOURCE_MAP.sub("", (base / filename).read_text(encoding="utf-8"))
    if filename.endswith(".css"):
        return _inline_css(text, base)
    # `<\/script` means the same in JS strings and regexes, and cannot end the element early.
    return "<script>" + re.sub(r"</script", r"<\\/script", text, flags=re.IGNORECASE) + "</script>"


def _elements(root: Element) -> Iterator[Element]:
    yield root
    for child in root._children.values():
        yield from _elements(child)


def inline_assets(m: folium.Map) -> None:
    """Replace the asset links of `m` and all its elements by inline copies (idempotent)."""
    header = m.get_root().header
    for element in _elements(m):
        if isinstance(element, folium.Icon):
            raise GeoError("self-contained maps cannot show folium.Icon markers (icon fonts are not bundled)")
        if not isinstance(element, JSCSSMixin):
            continue
        for name, url in [*element.default_js, *element.default_css]:
            if name in ICON_ASSETS:
                continue
            if name not in OFFLINE_ASSETS:
                raise GeoError(f"no offline copy of the map asset {name!r} ({url})")
            header.add_child(_Inline(asset_html(name)), name=f"inline_{name}")
        element.default_js = []
        element.default_css = []


class OfflineMap(folium.Map):
    """A folium Map whose HTML loads no script or stylesheet from the network."""

    def render(self, **kwargs) -> None:
        inline_assets(self)
        super().render(**kwargs)
