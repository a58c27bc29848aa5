"""Colours, symbols and names shared by every map (the app's maps, the HTML, PNG and PDF), so
their legends agree and a printed map reads like the screen.

Each kind of place has its own symbol, told apart by shape as well as colour (WCAG 1.4.1):
a point kind its own marker (triangle, diamond, square), a central area a filled area, a
walking route a dashed line. Every colour stands out at least 3:1 from a white or light map
background (WCAG 1.4.11, non-text contrast).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass

from geo.disclosure.audience import Audience
from geo.disclosure.rows import ExportData
from geo.records.kinds import CommitmentKind, Kind
from geo.records.models import PlaceKind
from geo.spatial.aggregate import class_breaks, class_labels, class_of

# Corners of the point markers around their centre, in units of the marker's radius (y down,
# as on screen). Drawn from these by Leaflet (`shape_marker_script`), by the legends
# (`symbol_svg`) and, as the nearest matplotlib marker, on the PNG (`MATPLOTLIB_MARKERS`).
MARKER_SHAPES: dict[str, tuple[tuple[float, float], ...]] = {
    "triangle": ((0.0, -1.25), (1.15, 0.85), (-1.15, 0.85)),
    "diamond": ((0.0, -1.3), (1.3, 0.0), (0.0, 1.3), (-1.3, 0.0)),
    "square": ((-0.95, -0.95), (0.95, -0.95), (0.95, 0.95), (-0.95, 0.95)),
}
MATPLOTLIB_MARKERS = {"triangle": "^", "diamond": "D", "square": "s", "circle": "o"}
# Leaflet's dash pattern for a walking route: a line that reads as a route in grey print too.
ROUTE_DASH = "8 6"
# The lightest backgrounds a map symbol sits on: white, OpenStreetMap's land, our offline grey.
MAP_BACKGROUNDS = ("#ffffff", "#f2efe9", "#eef2f0")
NON_TEXT_CONTRAST = 3.0


@dataclass(frozen=True)
class PlaceSymbol:
    """How one kind of place is drawn: its colour and its shape.

    `shape` is a point marker (a key of MARKER_SHAPES), "area" or "line"; `dash` is the
    outline's dash pattern (Leaflet's dashArray), if any.
    """

    colour: str
    shape: str
    dash: str | None = None

    @property
    def css_class(self) -> str:
        """The class that has Leaflet draw a marker in this shape (`shape_marker_script`)."""
        return f"lofteskartan-shape-{self.shape}"


PLACE_SYMBOLS = {
    PlaceKind.CENTRAL_AREA: PlaceSymbol("#1f78b4", "area"),
    PlaceKind.TRAFFIC_CONTROL_SITE: PlaceSymbol("#e66101", "triangle"),
    PlaceKind.INTERVENTION_PLACE: PlaceSymbol("#7b3294", "diamond"),
    PlaceKind.POLICE_OFFICE: PlaceSymbol("#1a9641", "square"),
    PlaceKind.WALK_ROUTE: PlaceSymbol("#d7191c", "line", dash=ROUTE_DASH),
}
PLACE_COLOURS = {kind: symbol.colour for kind, symbol in PLACE_SYMBOLS.items()}

# One colour per activity kind (ColorBrewer Dark2/Set1, distinguishable in print).
ACTIVITY_COLOURS = {
    CommitmentKind.PRESENCE: "#1b9e77",
    CommitmentKind.TRAFFIC_CONTROL: "#d95f02",
    CommitmentKind.NARCOTICS_INTERVENTION: "#7570b3",
    CommitmentKind.IDENTIFY_YOUNG_USERS: "#e7298a",
    CommitmentKind.SAFETY_WALK: "#66a61e",
    CommitmentKind.COORDINATION_MEETING: "#e6ab02",
    CommitmentKind.EST: "#a6761d",
    CommitmentKind.ANDT: "#666666",
    CommitmentKind.SCHOOL_ATTENDANCE: "#377eb8",
    CommitmentKind.LOCAL_INFORMATION: "#4daf4a",
}

# A promise file's own kinds (`typer:`) share one colour: their labels tell them apart.
OWN_KIND_COLOUR = "#1f78b4"


def activity_colour(kind: Kind) -> str:
    """A built-in kind's colour, else the one colour of the promise's own kinds."""
    return ACTIVITY_COLOURS.get(kind, OWN_KIND_COLOUR)  # type: ignore[arg-type]


def kinds_in_order(kinds: Iterable[Kind]) -> list[Kind]:
    """The kinds present, built-in ones in their order, then the promise's own by code.

    Drawing loops went over the built-in kinds only, which silently left own kinds off a map.
    """
    present = set(kinds)
    return [k for k in CommitmentKind if k in present] + sorted(
        (k for k in present if not isinstance(k, CommitmentKind)), key=str
    )


FINDING_COLOUR = "#b2182b"
PLANNED_COLOUR = "#2166ac"
KOMMUN_COLOUR = "#222222"
NEIGHBOUR_COLOUR = "#888888"
TATORT_COLOUR = "#555555"

# Yellow to dark red (ColorBrewer YlOrRd); fewer classes take an even spread of it.
DENSITY_RAMP = ("#ffffb2", "#fed976", "#feb24c", "#fd8d3c", "#f03b20", "#bd0026")


def density_colours(classes: int) -> list[str]:
    """`classes` colours from light to dark, spread over the ramp."""
    if classes <= 0:
        return []
    if classes == 1:
        return [DENSITY_RAMP[-2]]
    last = len(DENSITY_RAMP) - 1
    return [DENSITY_RAMP[round(n * last / (classes - 1))] for n in range(classes)]


DENSITY_TITLE = "Genomförda aktiviteter per ruta"


@dataclass(frozen=True)
class DensityClasses:
    """The colour classes of an export's grid cells, one set for every map and its legend."""

    breaks: list[int]
    colours: list[str]
    labels: list[str]

    def colour_of(self, count: int) -> str:
        """The fill of a cell with `count` activities."""
        return self.colours[class_of(count, self.breaks)]

    @property
    def legend(self) -> list[tuple[str, str]]:
        """(label, colour) per class, lowest first."""
        return list(zip(self.labels, self.colours, strict=True))


def density_classes(data: ExportData) -> DensityClasses:
    """The classes of `data.cells`; a public map's lowest starts at the smallest count shown."""
    breaks = class_breaks([c.count for c in data.cells])
    lowest = data.rules.min_count if data.audience is Audience.PUBLIC else 1
    return DensityClasses(breaks, density_colours(len(breaks)), class_labels(breaks, lowest))


def _luminance(colour: str) -> float:
    """WCAG's relative luminance of a #rrggbb colour."""
    channels = [int(colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(first: str, second: str) -> float:
    """WCAG's contrast ratio of two #rrggbb colours (1 to 21)."""
    light, dark = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def _outline(shape: str, radius: float) -> str:
    """An SVG path around (0, 0) for a point marker of `radius` pixels."""
    corners = MARKER_SHAPES[shape]
    return (
        "".join(
            f"{'L' if i else 'M'}{x * radius:g},{y * radius:g}" for i, (x, y) in enumerate(corners)
        )
        + "Z"
    )


def symbol_svg(colour: str, shape: str, dash: str | None = None, size: int = 18) -> str:
    """A legend swatch as inline SVG: a point marker, an area, a line or a circle.

    Decorative (`aria-hidden`): the legend writes the name beside it.
    """
    half = size / 2
    if shape in MARKER_SHAPES:
        body = (
            f'<path d="{_outline(shape, half * 0.62)}" fill="{colour}" fill-opacity="0.8" '
            f'stroke="{colour}" stroke-width="2"/>'
        )
    elif shape == "area":
        body = (
            f'<rect x="{-half + 2:g}" y="{-half + 4:g}" width="{size - 4}" height="{size - 8}" '
            f'fill="{colour}" fill-opacity="0.25" stroke="{colour}" stroke-width="2"/>'
        )
    elif shape == "line":
        dashes = f' stroke-dasharray="{dash}"' if dash else ""
        body = (
            f'<line x1="{-half + 1:g}" y1="0" x2="{half - 1:g}" y2="0" stroke="{colour}" '
            f'stroke-width="3"{dashes}/>'
        )
    else:
        body = f'<circle r="{half * 0.45:g}" fill="{colour}" fill-opacity="0.8" stroke="{colour}"/>'
    return (
        f'<svg width="{size}" height="{size}" viewBox="{-half:g} {-half:g} {size} {size}" '
        f'aria-hidden="true" focusable="false">{body}</svg>'
    )


def place_legend() -> list[tuple[str, str]]:
    """(name, SVG swatch) for every kind of place, in the order of PlaceKind."""
    symbols = [(kind, PLACE_SYMBOLS[kind]) for kind in PlaceKind]
    return [(kind.label, symbol_svg(s.colour, s.shape, s.dash)) for kind, s in symbols]


def shape_marker_script() -> str:
    """JavaScript that lets Leaflet draw a circle marker as a triangle, diamond or square.

    A marker whose `className` holds `lofteskartan-shape-<shape>` is drawn from MARKER_SHAPES
    at its radius; every other circle marker stays a circle. It stays an SVG path, so it is
    clicked, hovered and styled as before. Run once after leaflet.js, before any layer.
    """
    shapes = json.dumps(MARKER_SHAPES)
    return (
        "(function () {\n"
        "  if (!window.L || !L.SVG || L.SVG.prototype._lofteskartanShapes) { return; }\n"
        f"  var shapes = {shapes};\n"
        "  var circle = L.SVG.prototype._updateCircle;\n"
        "  L.SVG.prototype._lofteskartanShapes = shapes;\n"
        "  L.SVG.prototype._updateCircle = function (layer) {\n"
        '    var match = /lofteskartan-shape-(\\w+)/.exec(layer.options.className || "");\n'
        "    var corners = match && shapes[match[1]];\n"
        "    if (!corners || layer._empty()) { return circle.call(this, layer); }\n"
        "    var p = layer._point, r = Math.max(Math.round(layer._radius), 1);\n"
        "    this._setPath(layer, corners.map(function (c, i) {\n"
        '      return (i ? "L" : "M") + (p.x + c[0] * r) + "," + (p.y + c[1] * r);\n'
        '    }).join("") + "Z");\n'
        "  };\n"
        "})();\n"
    )
