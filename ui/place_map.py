"""The drawing map of the places page: base layers, Leaflet.draw in Swedish, stored places.

The map is a page of its own in a frame (`ui.map_input`); `ReportDrawings` in it tells the
page what is drawn and which stored place was clicked. The stored places are part of the map,
and the frame is kept for as long as they and the tool stay the same (STYLE.md's "Drawing on
the map" said to send them beside an st_folium map: that map was remounted whenever its
script changed; this one only when the page says so).
"""

from __future__ import annotations

import folium
import folium.plugins
from branca.element import MacroElement, Template

from geo.records.models import PlaceKind
from geo.spatial.layers import Bounds, FeatureCollection
from ui.map_input import ReportDrawings
from ui.map_legend import place_map_legend
from ui.maps import _Attribution, add_base_layers, add_place_layer, new_map

# Leaflet.draw's tools per geometry type; polygons may not cross themselves while drawn.
DRAW_TOOLS: dict[str, dict[str, object]] = {
    "Point": {"marker": {}},
    "Polygon": {
        "polygon": {"allowIntersection": False, "showArea": False},
        "rectangle": {"showArea": False},
    },
    "LineString": {"polyline": {"showLength": False}},
}
_ALL_TOOLS = ("polyline", "polygon", "rectangle", "circle", "marker", "circlemarker")

# Swedish texts for Leaflet.draw's buttons and hints (its L.drawLocal), set before the
# toolbar is built. Titles are what a planner sees on hover and what tests select by.
SWEDISH_DRAW = {
    "draw": {
        "toolbar": {
            "actions": {"title": "Avbryt ritandet", "text": "Avbryt"},
            "finish": {"title": "Avsluta linjen", "text": "Klar"},
            "undo": {"title": "Ta bort senaste punkten", "text": "Ta bort senaste punkten"},
            "buttons": {
                "polyline": "Rita en vandringsrutt",
                "polygon": "Rita en yta",
                "rectangle": "Rita en rektangel",
                "marker": "Sätt ut en punkt",
            },
        },
        "handlers": {
            "marker": {"tooltip": {"start": "Klicka på kartan där platsen ska vara."}},
            "polygon": {
                "tooltip": {
                    "start": "Klicka för att börja rita ytan.",
                    "cont": "Klicka för nästa hörn.",
                    "end": "Klicka på första punkten för att stänga ytan.",
                }
            },
            "polyline": {
                "error": "<strong>Fel:</strong> kanterna får inte korsa varandra!",
                "tooltip": {
                    "start": "Klicka där rutten börjar.",
                    "cont": "Klicka för nästa punkt.",
                    "end": "Klicka på sista punkten igen (eller Klar) för att avsluta.",
                },
            },
            "rectangle": {"tooltip": {"start": "Klicka och dra för att rita en rektangel."}},
            "simpleshape": {"tooltip": {"end": "Släpp musknappen när du är klar."}},
        },
    },
    "edit": {
        "toolbar": {
            "actions": {
                "save": {"title": "Spara ändringarna", "text": "Spara"},
                "cancel": {"title": "Ångra ändringarna", "text": "Avbryt"},
                "clearAll": {"title": "Ta bort allt ritat", "text": "Ta bort allt"},
            },
            "buttons": {
                "edit": "Ändra det ritade",
                "editDisabled": "Inget ritat att ändra",
                "remove": "Ta bort det ritade",
                "removeDisabled": "Inget ritat att ta bort",
            },
        },
        "handlers": {
            "edit": {
                "tooltip": {
                    "text": "Dra i handtagen för att ändra formen.",
                    "subtext": "Avbryt ångrar ändringarna.",
                }
            },
            "remove": {"tooltip": {"text": "Klicka på det som ska bort."}},
        },
    },
}


class _SwedishDraw(MacroElement):
    """Merges SWEDISH_DRAW into L.drawLocal (must come before the Draw control)."""

    _template = Template(
        """{% macro script(this, kwargs) %}
        (function () {
            function merge(target, source) {
                for (var key in source) {
                    if (typeof source[key] === "object" && target[key]) {
                        merge(target[key], source[key]);
                    } else {
                        target[key] = source[key];
                    }
                }
            }
            if (window.L && L.drawLocal) { merge(L.drawLocal, {{ this.texts|tojson }}); }
        })();
        {% endmacro %}"""
    )

    def __init__(self) -> None:
        super().__init__()
        self._name = "SwedishDraw"
        self.texts = SWEDISH_DRAW


def drawing_map(
    bounds: Bounds | None,
    base: dict[str, tuple[str, FeatureCollection]],
    attributions: list[str],
    geometry_type: str,
    places: folium.FeatureGroup,
) -> folium.Map:
    """A map with the base layers, the Draw tools for one geometry type (Point, ...) and the
    stored `places`, which report a click (`places_group`)."""
    m = new_map(bounds)
    add_base_layers(m, base)
    _SwedishDraw().add_to(m)
    tools = DRAW_TOOLS[geometry_type]
    draw = folium.plugins.Draw(
        position="topleft",
        show_geometry_on_click=False,  # its default opens an alert() with the coordinates
        draw_options={name: tools.get(name, False) for name in _ALL_TOOLS},
        edit_options={"edit": True, "remove": True},
    ).add_to(m)
    places.add_to(m)
    ReportDrawings(draw, places).add_to(m)
    for text in attributions:
        _Attribution(text).add_to(m)
    folium.LayerControl(collapsed=True).add_to(m)
    place_map_legend().add_to(m)
    return m


def places_group(places: dict[PlaceKind, FeatureCollection]) -> folium.FeatureGroup:
    """Stored places, coloured by kind, for `drawing_map`.

    Not in the layer list: a planner who hid them could not click one to change it.
    """
    group = folium.FeatureGroup(name="Platser", control=False)
    for kind, fc in places.items():
        add_place_layer(group, fc, kind.label, kind)
    return group


def preview_map(
    bounds: Bounds | None,
    places: dict[PlaceKind, FeatureCollection],
    base: dict[str, tuple[str, FeatureCollection]],
) -> folium.Map:
    """A display-only map of places read from a file, over the kommun, before importing."""
    m = new_map(bounds)
    add_base_layers(m, base)
    for kind, fc in places.items():
        add_place_layer(m, fc, kind.label, kind)
    return m
