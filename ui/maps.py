"""folium glue: turn the GeoJSON layers from `geo.spatial.layers` into a map that draws offline.

Every text that came from a user is HTML-escaped here, because folium's tooltips and popups
insert their strings as HTML.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any, Literal

import folium
from branca.element import MacroElement, Template

from geo.exports.map_style import PLACE_SYMBOLS, activity_colour
from geo.records.kinds import CommitmentKind
from geo.records.models import PlaceKind
from geo.spatial.background_map import BackgroundMap
from geo.spatial.layers import Bounds, FeatureCollection
from geo.swedish import NARROW_NO_BREAK_SPACE, number
from ui.background import STORED, add_backgrounds, stored_background
from ui.folium_templates import compile_templates_once
from ui.map_legend import ShapeMarkers, place_map_legend
from ui.offline import leaflet_only, use_vendored_assets
from ui.text import map_html

ANEBY_CENTRE = (57.8416, 14.8085)

# A count marker's diameter in pixels grows with the logarithm of its count: 1 → 22,
# 10 → 28, 100 → 34, 10 000 → 46, so a busy place stands out without covering the town.
COUNT_MARKER_PX = (22, 6)
# Kinds done at the same place sit side by side (slot 0 on the place, then right, left,
# above, below), so no kind's marker hides another's.
SLOT_OFFSETS = ((0, 0), (1, 0), (-1, 0), (0, -1), (0, 1), (1, -1), (-1, -1), (1, 1), (-1, 1))
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
        self.text = map_html(text)


def escaped(fc: FeatureCollection) -> FeatureCollection:
    """A copy of a collection with every string property ready for the map's HTML."""
    features = []
    for f in fc["features"]:
        props = {k: map_html(v) if isinstance(v, str) else v for k, v in f["properties"].items()}
        features.append({**f, "properties": props})
    return {**fc, "features": features}


def new_map(
    bounds: Bounds | None,
    tiles: bool = True,
    background: BackgroundMap | None | Literal["stored"] = STORED,
) -> folium.Map:
    """An empty map on vendored assets, fitted to `bounds`, optionally with background tiles:
    the administrator's background map (`background`, by default the stored choice) before
    OpenStreetMap.

    The map loads Leaflet and our own settings script, not folium's jQuery, Bootstrap and
    awesome markers with their stylesheets: no map of the app uses them, and streamlit-folium
    loads a map's scripts one after another before it draws (three round trips and 172 kB of
    scripts and 350 kB of stylesheets less).
    """
    use_vendored_assets()
    # Here, not in app.py: a page without a map (Översikt, the first after a server start)
    # then does not import folium (0.14 s of a cold start, `python -X importtime`).
    compile_templates_once()
    m = leaflet_only(
        folium.Map(location=ANEBY_CENTRE, zoom_start=11, tiles=None, control_scale=True)
    )
    ShapeMarkers().add_to(m)  # before any layer: place kinds get their own marker shapes
    if tiles:
        add_backgrounds(m, stored_background() if background == STORED else background)
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
    marker_class: str | None = None,
) -> None:
    """Add one switchable layer: polygons/lines styled, points as circle markers.

    `m` may also be a FeatureGroup (Platser's stored places, which report a click).
    `marker_class` gives the points a shape (`geo.exports.map_style.PlaceSymbol.css_class`).
    """
    if not fc["features"]:
        return
    base_style = {"color": colour, "weight": 3, "fillOpacity": 0.2, **(style or {})}
    has_label = any(f["properties"].get("label") for f in fc["features"])
    folium.GeoJson(
        escaped(fc),
        name=map_html(name),
        show=show,
        style_function=lambda _f, s=base_style: s,
        marker=folium.CircleMarker(
            radius=radius,
            color=colour,
            fill=True,
            fill_color=colour,
            fill_opacity=0.8,
            weight=2,
            **({"className": marker_class} if marker_class else {}),
        ),
        tooltip=folium.GeoJsonTooltip(fields=["label"], labels=False) if has_label else None,
    ).add_to(m)


def add_place_layer(
    m: folium.Map | folium.FeatureGroup, fc: FeatureCollection, name: str, kind: PlaceKind
) -> None:
    """One kind of place in its own symbol: a marker shape, a dashed route, a filled area."""
    symbol = PLACE_SYMBOLS[kind]
    add_layer(
        m,
        fc,
        name,
        symbol.colour,
        {"dashArray": symbol.dash} if symbol.dash else None,
        marker_class=symbol.css_class,
    )


def _count_icon(props: Mapping[str, Any], colour: str) -> dict[str, Any]:
    """A round marker with the count in it, its size and its place beside the others."""
    count = int(props["count"])
    base, step = COUNT_MARKER_PX
    size = base + round(step * math.log10(max(count, 1)))
    dx, dy = SLOT_OFFSETS[int(props.get("slot", 0)) % len(SLOT_OFFSETS)]
    text = number(count, space=NARROW_NO_BREAK_SPACE)
    return {
        "html": (
            f'<div class="lofteskartan-activity" style="width:{size}px;height:{size}px;'
            f"border-radius:50%;background:{colour};color:white;border:2px solid white;"
            f"box-sizing:border-box;text-align:center;font:bold 11px/{size - 4}px sans-serif;"
            f'box-shadow:0 0 3px rgba(0,0,0,.6)">{text}</div>'
        ),
        "iconSize": [size, size],
        # Clear of the marker in slot 0 while that counts up to a few thousand (44 px).
        "iconAnchor": [size // 2 - dx * (size // 2 + 22), size // 2 - dy * (size // 2 + 22)],
    }


def add_count_layer(m: folium.Map, fc: FeatureCollection, name: str, colour: str) -> None:
    """One switchable layer of counted markers, off at first.

    The markers come from `geo.spatial.layers.group_collections`.

    Each marker shows its count and says where, what, how many and when in its tooltip and
    popup (the popup for touch screens, which have no hover).
    """
    if not fc["features"]:
        return
    folium.GeoJson(
        escaped(fc),
        name=map_html(name),
        show=False,
        marker=folium.Marker(icon=folium.DivIcon(class_name="lofteskartan-count")),
        style_function=lambda f, c=colour: _count_icon(f["properties"], c),
        tooltip=folium.GeoJsonTooltip(fields=["label"], labels=False),
        popup=folium.GeoJsonPopup(fields=["label"], labels=False),
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
    background: BackgroundMap | None | Literal["stored"] = STORED,
) -> folium.Map:
    """The map page's map: base layers, places by kind, activities by kind, a layer switch.

    `activities` are counted markers per place and kind (`geo.spatial.layers.load_map_data`).
    """
    m = new_map(bounds, background=background)
    add_base_layers(m, base)
    for kind, fc in places.items():
        add_place_layer(m, fc, f"Platser: {kind.label}", kind)
    for kind, fc in activities.items():
        add_count_layer(m, fc, f"Genomfört: {kind.label}", activity_colour(kind))
    for text in attributions:
        _Attribution(text).add_to(m)
    # Folded: open, the list covered about half of the map.
    folium.LayerControl(collapsed=True).add_to(m)
    place_map_legend(activities=True).add_to(m)
    return m
