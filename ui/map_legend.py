"""The interactive maps' symbols and legend (folium glue for `geo.exports.map_style`).

The legend sits under the folded layer list, in Swedish, one row per kind of place and base
layer with the symbol the map draws. It is a `<details>` element: open at first, folded by
keyboard or mouse like any disclosure, and read by screen readers as a heading and a list.
"""

from __future__ import annotations

from branca.element import MacroElement, Template

from geo.exports.map_style import (
    KOMMUN_COLOUR,
    TATORT_COLOUR,
    place_legend,
    shape_marker_script,
    symbol_svg,
)
from ui.text import map_html

LEGEND_TITLE = "Teckenförklaring"
BASE_LEGEND = [
    ("Kommungräns", symbol_svg(KOMMUN_COLOUR, "line")),
    ("Tätort (SCB)", symbol_svg(TATORT_COLOUR, "circle")),
]
ACTIVITY_LEGEND = [
    ("Genomförda aktiviteter: antalet per plats och typ", symbol_svg("#1b9e77", "circle"))
]


class ShapeMarkers(MacroElement):
    """Leaflet draws circle markers of a place kind in its own shape (before any layer)."""

    _template = Template(
        """{% macro script(this, kwargs) %}
        {{ this.script }}
        {% endmacro %}"""
    )

    def __init__(self) -> None:
        super().__init__()
        self._name = "ShapeMarkers"
        self.script = shape_marker_script()


def legend_html(rows: list[tuple[str, str]]) -> str:
    """The legend's HTML: names escaped, swatches our own SVG."""
    items = "".join(
        f'<li style="list-style:none;margin:2px 0">{svg} {map_html(name)}</li>'
        for name, svg in rows
    )
    return (
        '<details open class="lofteskartan-legend" style="background:#fff;padding:4px 8px;'
        "border-radius:4px;box-shadow:0 1px 4px rgba(0,0,0,.4);font:13px/18px sans-serif;"
        'color:#222;max-width:260px"><summary style="cursor:pointer;font-weight:bold">'
        f'{LEGEND_TITLE}</summary><ul style="margin:4px 0 0 0;padding:0">{items}</ul></details>'
    )


class Legend(MacroElement):
    """A Leaflet control with the legend, top right under the layer list."""

    _template = Template(
        """{% macro script(this, kwargs) %}
        (function () {
            var legend = L.control({ position: "topright" });
            legend.onAdd = function () {
                var box = L.DomUtil.create("div", "leaflet-control");
                box.innerHTML = {{ this.html|tojson }};
                L.DomEvent.disableClickPropagation(box);
                L.DomEvent.disableScrollPropagation(box);
                return box;
            };
            legend.addTo({{ this._parent.get_name() }});
        })();
        {% endmacro %}"""
    )

    def __init__(self, rows: list[tuple[str, str]]) -> None:
        super().__init__()
        self._name = "Legend"
        self.html = legend_html(rows)


def place_map_legend(*, activities: bool = False) -> Legend:
    """The legend of a map of places: every kind of place, the kommun and its tätorter."""
    return Legend([*place_legend(), *BASE_LEGEND, *(ACTIVITY_LEGEND if activities else [])])
