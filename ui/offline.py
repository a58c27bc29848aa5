"""Serve folium's JavaScript/CSS from ``static/`` so maps draw without internet.

folium links Leaflet, jQuery, Bootstrap, Font Awesome and its plugins from public CDNs. On a
closed network (CI, many police and kommun networks) those requests fail and the map never
draws. Streamlit serves the repository's ``static/`` folder at ``/app/static/`` when
``[server] enableStaticServing = true``; :func:`use_vendored_assets` points folium's class-level
asset lists at the copies there (see ``static/README.md`` for versions and licences).

Call :func:`use_vendored_assets` once at the top of every page that draws a map, before the
map is built. Things that still reach the internet afterwards:

* Tile layers (:func:`add_osm_tiles`). Tiles simply fail offline; vector layers still draw.
* branca colour maps added to a map (``folium.Choropleth`` legends, ``LinearColormap.add_to``):
  streamlit-folium adds d3 from a CDN for them. Show legends with Streamlit instead.
* folium plugins not listed in :data:`PLUGIN_ASSETS`. :func:`remote_assets` finds them.
  streamlit-folium loads the scripts one by one and stops at the first that fails, so one
  unreachable script leaves the whole map blank.

A map built with ``tiles=None`` has no zoom limit, and ``MarkerCluster``/``FastMarkerCluster``
then throw "Map has no maxZoom specified" and stop the map script: add a tile layer
(:func:`add_osm_tiles` sets ``max_zoom=19``) or build the map with ``folium.Map(...,
tiles=None, maxZoom=19)``.
"""

from __future__ import annotations

from collections.abc import Iterator

import branca
import folium
import folium.plugins
from folium.elements import JSCSSMixin

DEFAULT_BASE_URL = "/app/static"

Assets = list[tuple[str, str]]

# Names are folium's own, so a link a plugin adds under the same name replaces ours rather
# than loading twice. Paths are relative to the static folder.
MAP_JS: Assets = [
    ("leaflet", "leaflet/leaflet.js"),
    # Our own small script: L.Icon.Default.imagePath (which Leaflet guesses wrongly when
    # streamlit-folium has not applied leaflet.css yet: broken default markers), and
    # Leaflet's control texts in Swedish with a metric-only scale, for every map (its own
    # options, set once as the classes' defaults; geo/exports/map_html.py writes it too).
    ("lofteskartan_leaflet_setup", "lofteskartan/leaflet-setup.js"),
    ("jquery", "jquery/jquery-3.7.1.min.js"),
    ("bootstrap", "bootstrap/js/bootstrap.bundle.min.js"),
    ("awesome_markers", "leaflet.awesome-markers/leaflet.awesome-markers.js"),
]
MAP_CSS: Assets = [
    ("leaflet_css", "leaflet/leaflet.css"),
    ("bootstrap_css", "bootstrap/css/bootstrap.min.css"),
    ("glyphicons_css", "glyphicons/bootstrap-glyphicons.css"),
    ("awesome_markers_font_css", "fontawesome/css/all.min.css"),
    ("awesome_markers_css", "leaflet.awesome-markers/leaflet.awesome-markers.css"),
    ("awesome_rotate_css", "folium/leaflet.awesome.rotate.min.css"),
]

_CLUSTER_JS: Assets = [("markerclusterjs", "leaflet.markercluster/leaflet.markercluster.js")]
_CLUSTER_CSS: Assets = [
    ("markerclustercss", "leaflet.markercluster/MarkerCluster.css"),
    ("markerclusterdefaultcss", "leaflet.markercluster/MarkerCluster.Default.css"),
]

# class -> (default_js, default_css). Awesome markers (folium.Icon) need no entry: their
# files are part of the Map lists above.
PLUGIN_ASSETS: dict[type[JSCSSMixin], tuple[Assets, Assets]] = {
    folium.plugins.Draw: (
        [("leaflet_draw_js", "leaflet-draw/leaflet.draw.js")],
        [("leaflet_draw_css", "leaflet-draw/leaflet.draw.css")],
    ),
    folium.plugins.MarkerCluster: (_CLUSTER_JS, _CLUSTER_CSS),
    folium.plugins.FastMarkerCluster: (_CLUSTER_JS, _CLUSTER_CSS),
    folium.plugins.HeatMap: ([("leaflet-heat.js", "leaflet.heat/leaflet-heat.min.js")], []),
}

# Files folium's Map links for features of its own: jQuery (GeoJSON read by Ajax), Bootstrap
# (its behaviours, its stylesheet with Glyphicons) and Font Awesome with the awesome-marker
# icons (folium.Icon). No map of the app uses them (see `leaflet_only`). streamlit-folium
# loads a map's scripts one after another before the map's own script runs, so each script
# was a round trip on the way to a drawn map, and each stylesheet held its first paint.
FOLIUM_EXTRAS = ("jquery", "bootstrap", "awesome_markers")
LEAFLET_CSS = ("leaflet_css",)

OSM_TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
OSM_ATTRIBUTION = (
    '© <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>-bidragsgivare'
)


def _resolve(assets: Assets, base_url: str) -> Assets:
    """Prefix each relative path with ``base_url``."""
    base = base_url.rstrip("/")
    return [(name, f"{base}/{path}") for name, path in assets]


def use_vendored_assets(base_url: str = DEFAULT_BASE_URL) -> None:
    """Point folium's maps and the plugins the app uses at the files in ``static/``.

    Idempotent: it assigns fresh lists on the classes, so calling it on every rerun (or with
    another ``base_url``) leaves exactly one set of links.

    Parameters
    ----------
    base_url : str
        Where ``static/`` is served; ``/app/static`` under ``streamlit run``. Pass a
        ``file://`` URL or another prefix to use the files outside Streamlit.
    """
    folium.Map.default_js = _resolve(MAP_JS, base_url)
    folium.Map.default_css = _resolve(MAP_CSS, base_url)
    for cls, (js, css) in PLUGIN_ASSETS.items():
        cls.default_js = _resolve(js, base_url)
        cls.default_css = _resolve(css, base_url)


def leaflet_only(m: folium.Map) -> folium.Map:
    """``m`` loading Leaflet, its stylesheet and our own small script, not `FOLIUM_EXTRAS`
    nor Bootstrap's, Glyphicons' or Font Awesome's stylesheets.

    Only for a map that uses none of them: GeoJSON layers, circle and div markers, tooltips,
    popups, the layer list and Leaflet.draw are Leaflet's own, and Leaflet's stylesheet sets
    the map's font (`ui.maps.new_map` makes every map of the app so; tests check the files
    of Karta's map and the drawing map). A plugin's own files (Leaflet.draw's) stay.
    """
    m.default_js = [(name, url) for name, url in m.default_js if name not in FOLIUM_EXTRAS]
    m.default_css = [(name, url) for name, url in m.default_css if name in LEAFLET_CSS]
    return m


def _walk(element: branca.element.Element) -> Iterator[branca.element.Element]:
    """Yield an element and all its descendants."""
    yield element
    for child in element._children.values():
        yield from _walk(child)


def remote_assets(m: folium.Map) -> list[str]:
    """Return the JS/CSS URLs that ``m`` would still fetch from outside the app.

    Walks the map the way streamlit-folium does (every element's ``default_js`` and
    ``default_css``, plus the d3 it adds for branca colour maps). An empty list means the map
    needs no internet apart from its tiles.
    """
    urls: list[str] = []
    for element in _walk(m):
        if isinstance(element, branca.colormap.ColorMap):
            urls.append("https://d3js.org/d3.v4.min.js (streamlit-folium, for a colour map)")
        for _, url in [*getattr(element, "default_js", []), *getattr(element, "default_css", [])]:
            if "://" in url and not url.startswith("file://"):
                urls.append(url)
    return list(dict.fromkeys(urls))


def add_osm_tiles(m: folium.Map, *, show: bool = True) -> folium.TileLayer:
    """Add OpenStreetMap as an optional background layer and return it.

    Build the map with ``tiles=None`` and call this to get the background with a Swedish
    attribution. Offline the tiles just fail to load; vector layers draw regardless. The layer
    is an overlay, so with a ``folium.LayerControl`` the user can switch it off.
    """
    layer = folium.TileLayer(
        tiles=OSM_TILES,
        attr=OSM_ATTRIBUTION,
        name="Bakgrundskarta (OpenStreetMap)",
        max_zoom=19,
        overlay=True,
        control=True,
        show=show,
    )
    layer.add_to(m)
    return layer
