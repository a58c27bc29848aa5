"""folium glue: turn the GeoJSON layers from `geo.layers` into a map that draws offline.

Every text that came from a user is HTML-escaped here, because folium's tooltips and popups
insert their strings as HTML.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from typing import Any

import folium
from branca.element import MacroElement, Template

from geo.layers import Bounds, FeatureCollection
from geo.models import CommitmentKind, PlaceKind
from ui.offline import add_osm_tiles, use_vendored_assets

ANEBY_CENTRE = (57.8416, 14.8085)

PLACE_COLOURS = {
    PlaceKind.CENTRAL_AREA: "#1f78b4",
    PlaceKind.TRAFFIC_CONTROL_SITE: "#e66101",
    PlaceKind.INTERVENTION_PLACE: "#7b3294",
    PlaceKind.POLICE_OFFICE: "#1a9641",
    PlaceKind.WALK_ROUTE: "#d7191c",
}
ACTIVITY_COLOUR = "#404040"
BASE_STYLES: dict[str, dict[str, Any]] = {
    "kommun": {"color": "#222222", "weight": 3, "fill": False},
    "lanets_kommuner": {"color": "#888888", "weight": 1, "fillOpacity": 0.03, "dashArray": "4"},
    "tatorter": {"color": "#555555"},
}
IMPORTED_STYLE: dict[str, Any] = {"color": "#7a7a7a", "weight": 1.5, "fillOpacity": 0.1}


class _Attribution(MacroElement):
    """Adds a source line (e.g. "Källa: SCB") to the map's attribution control."""

    _template = Template(
        """{% macro script(this, kwargs) %}
        {{ this._parent.get_name() }}.attributionControl.addAttribution({{ this.text|tojson }});
        {% endmacro %}"""
    )

    def __init__(self, text: str) -> None:
        super().__init__()
        self._name = "Attribution"
        # Leaflet inserts attributions as HTML; an imported layer's source is user text.
        self.text = html.escape(text)


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


def plain(text: str) -> str:
    """User text made safe for st.markdown/st.caption: every markdown character escaped.

    Streamlit renders markdown (links, colour directives, emoji shortcodes) in most text
    elements; a place name must show exactly as typed.
    """
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def escaped(fc: FeatureCollection) -> FeatureCollection:
    """A copy of a collection with every string property HTML-escaped."""
    features = []
    for f in fc["features"]:
        props = {k: html.escape(v) if isinstance(v, str) else v for k, v in f["properties"].items()}
        features.append({**f, "properties": props})
    return {**fc, "features": features}


def new_map(bounds: Bounds | None, tiles: bool = True) -> folium.Map:
    """An empty map on vendored assets, fitted to `bounds`, optionally with OSM tiles."""
    use_vendored_assets()
    m = folium.Map(location=ANEBY_CENTRE, zoom_start=11, tiles=None, control_scale=True)
    if tiles:
        add_osm_tiles(m)
    if bounds is not None:
        m.fit_bounds(bounds.as_folium())
    return m


def add_layer(
    m: folium.Map | folium.FeatureGroup,
    fc: FeatureCollection,
    name: str,
    colour: str,
    style: Mapping[str, Any] | None = None,
    show: bool = True,
    radius: int = 7,
) -> None:
    """Add one switchable layer: polygons/lines styled, points as circle markers.

    `m` may also be a FeatureGroup (layers st_folium adds without reloading the map).
    """
    if not fc["features"]:
        return
    base_style = {"color": colour, "weight": 3, "fillOpacity": 0.2, **(style or {})}
    has_label = any(f["properties"].get("label") for f in fc["features"])
    folium.GeoJson(
        escaped(fc),
        name=html.escape(name),
        show=show,
        style_function=lambda _f, s=base_style: s,
        marker=folium.CircleMarker(
            radius=radius, color=colour, fill=True, fill_color=colour, fill_opacity=0.8, weight=2
        ),
        tooltip=folium.GeoJsonTooltip(fields=["label"], labels=False) if has_label else None,
    ).add_to(m)


def add_base_layers(m: folium.Map, base: Mapping[str, tuple[str, FeatureCollection]]) -> None:
    """The kommun boundary, the län's kommuner, tätorter and imported layers, each switchable.

    Imported layers (roads, buildings, addresses) draw thin and grey with small points, so
    they stay a background for the places.
    """
    for name, (title, fc) in base.items():
        key = name.split("_")[0] if name.startswith("kommun_") else name
        style = BASE_STYLES.get(key, IMPORTED_STYLE)
        add_layer(
            m,
            fc,
            title,
            style.get("color", "#555"),
            style,
            radius=7 if key in BASE_STYLES else 3,
        )


def overview_map(
    bounds: Bounds | None,
    base: Mapping[str, tuple[str, FeatureCollection]],
    places: Mapping[PlaceKind, FeatureCollection],
    activities: Mapping[CommitmentKind, FeatureCollection],
    attributions: list[str],
) -> folium.Map:
    """The map page's map: base layers, places by kind, activities by kind, a layer switch."""
    m = new_map(bounds)
    add_base_layers(m, base)
    for kind, fc in places.items():
        add_layer(m, fc, f"Platser: {kind.label}", PLACE_COLOURS[kind])
    for kind, fc in activities.items():
        add_layer(m, fc, f"Genomfört: {kind.label}", ACTIVITY_COLOUR, show=False)
    for text in attributions:
        _Attribution(text).add_to(m)
    folium.LayerControl(collapsed=False).add_to(m)
    return m
