"""The frame of a printed map (`geo.exports.map_image`): which part of the ground it shows,
its scale bar and north arrow, its legend, and the names written beside points so that they
do not cover one another.

Everything is drawn in SWEREF 99 TM metres (EPSG:3006), so the scale bar is true anywhere in
Sweden and grid north is within a degree of true north.
"""

from __future__ import annotations

import enum
import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import shapely
from matplotlib import patheffects
from matplotlib.axes import Axes
from matplotlib.patches import Patch, Rectangle
from shapely.geometry.base import BaseGeometry

from geo.disclosure.activity_rows import activity_extent
from geo.disclosure.audience import Audience
from geo.disclosure.rows import ExportData
from geo.exports.map_style import DENSITY_TITLE, density_classes
from geo.swedish import count

MIN_SPAN_M = 3000.0
NICE_LENGTHS_M = (100, 200, 250, 500, 1000, 2000, 2500, 5000, 10_000, 20_000, 50_000)
# A white outline behind a name or a count, so it reads on any fill.
HALO = [patheffects.withStroke(linewidth=3, foreground="white")]


class MapView(enum.StrEnum):
    """Which static map: the overview or the density (aggregated) map."""

    OVERVIEW = "oversikt"
    DENSITY = "tathet"


# -- labels ----------------------------------------------------------------------------------


def tatort_labels(data: ExportData, extent: tuple[float, float, float, float]) -> list[Label]:
    west, south, east, north = extent
    out = []
    for base in data.base:
        if base.name != "tatorter":
            continue
        for label, geom in base.features:
            point = geom.representative_point()
            if label and west <= point.x <= east and south <= point.y <= north:
                out.append(Label(label, point.x, point.y, TATORT_LABEL))
    return out


@dataclass(frozen=True)
class Label:
    """A name to write next to a point, once the map's extent is fixed."""

    text: str
    x: float
    y: float
    style: Mapping[str, Any]


PLACE_LABEL: Mapping[str, Any] = {"fontsize": 7, "color": "#222222", "zorder": 9}
TATORT_LABEL: Mapping[str, Any] = {
    "fontsize": 8,
    "style": "italic",
    "color": "#333333",
    "zorder": 6.5,
}
# Where a label may go around its point (points right/left, up/down), tried in order.
_LABEL_SPOTS = (
    (6, 5, "left", "bottom"),
    (6, -5, "left", "top"),
    (-6, 5, "right", "bottom"),
    (-6, -5, "right", "top"),
    (0, 9, "center", "bottom"),
    (0, -9, "center", "top"),
)


def place_labels(ax: Axes, labels: Sequence[Label]) -> None:
    """Write labels where they do not cover one another (first free spot, else the first)."""
    fig = ax.get_figure()
    assert fig is not None
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    taken: list[Any] = []
    for label in labels:
        chosen = None
        for spot in _LABEL_SPOTS:
            text = _annotate(ax, label, spot)
            box = text.get_window_extent(renderer)
            if not any(box.overlaps(other) for other in taken):
                chosen = box
                break
            text.remove()
        if chosen is None:  # crowded everywhere: better an overlap than a missing name
            chosen = _annotate(ax, label, _LABEL_SPOTS[0]).get_window_extent(renderer)
        taken.append(chosen)


def _annotate(ax: Axes, label: Label, spot: tuple[int, int, str, str]) -> Any:
    """Write one label at one spot (offset in points and alignment) beside its point."""
    dx, dy, ha, va = spot
    return ax.annotate(
        label.text,
        (label.x, label.y),
        xytext=(dx, dy),
        textcoords="offset points",
        ha=ha,
        va=va,
        path_effects=HALO,
        clip_on=True,
        **label.style,
    )


# -- extent, scale bar, north arrow, legend ----------------------------------------------------


def map_extent(data: ExportData, view: MapView, aspect: float) -> tuple[float, float, float, float]:
    """West, south, east, north in metres: the promise's `område` when it has one, else the
    data, with a margin, at the axes' aspect."""
    geoms: list[BaseGeometry] = [c.geometry for c in data.cells]
    if data.document.area is not None:
        geoms = [data.document.area.geometry]
    elif view is MapView.OVERVIEW:
        geoms += [p.geometry for p in data.places if not p.retired]
        geoms += activity_extent(data.activities)
    if not geoms and data.kommun_boundary is not None:
        geoms = [data.kommun_boundary]
    if not geoms:
        return (400_000.0, 6_400_000.0, 600_000.0, 6_600_000.0)  # southern Sweden
    west, south, east, north = shapely.GeometryCollection(geoms).bounds
    span = max(east - west, north - south, MIN_SPAN_M)
    margin = span * 0.12
    cx, cy = (west + east) / 2, (south + north) / 2
    half_w = max((east - west) / 2 + margin, span / 2)
    half_h = max((north - south) / 2 + margin, span / 2)
    if half_w / half_h < aspect:
        half_w = half_h * aspect
    else:
        half_h = half_w / aspect
    return (cx - half_w, cy - half_h, cx + half_w, cy + half_h)


def _nice_length(width_m: float) -> float:
    """A round scale-bar length near a fifth of the map's width."""
    target = width_m / 5
    return min(NICE_LENGTHS_M, key=lambda n: abs(n - target))


def _distance_text(metres: float) -> str:
    if metres >= 1000:
        km = metres / 1000
        return f"{km:g} km".replace(".", ",")
    return f"{metres:g} m"


def scale_bar(ax: Axes, extent: tuple[float, float, float, float]) -> None:
    """A two-segment black and white bar in the lower right, in true metres (EPSG:3006)."""
    west, south, east, north = extent
    length = _nice_length(east - west)
    height = (north - south) * 0.008
    x0 = east - (east - west) * 0.04 - length
    y0 = south + (north - south) * 0.05
    ax.add_patch(
        Rectangle(
            (x0 - length * 0.08, y0 - height * 4),
            length * 1.16,
            height * 8.5,
            facecolor="white",
            alpha=0.8,
            edgecolor="none",
            zorder=10,
        )
    )
    for n, colour in enumerate(("black", "white")):
        ax.add_patch(
            Rectangle(
                (x0 + n * length / 2, y0),
                length / 2,
                height,
                facecolor=colour,
                edgecolor="black",
                linewidth=0.8,
                zorder=11,
            )
        )
    unit = 1000 if length >= 1000 else 1  # "0  5  10 km", not "0  5000  10 km"
    for value in (0, length / 2, length):
        text = _distance_text(value) if value == length else f"{value / unit:g}".replace(".", ",")
        ax.text(x0 + value, y0 + height * 1.8, text, ha="center", fontsize=8, zorder=11)


def north_arrow(ax: Axes) -> None:
    """Grid north of SWEREF 99 TM, which is within a degree of true north across Sweden."""
    ax.annotate(
        "N",
        xy=(0.955, 0.95),
        xytext=(0.955, 0.85),
        xycoords="axes fraction",
        textcoords="axes fraction",
        ha="center",
        va="center",
        fontsize=13,
        weight="bold",
        arrowprops={"facecolor": "black", "edgecolor": "black", "width": 4, "headwidth": 13},
        bbox={"boxstyle": "circle,pad=0.25", "fc": "white", "ec": "none", "alpha": 0.8},
        zorder=12,
    )


def legend(ax: Axes, handles: list[object], data: ExportData, view: MapView) -> None:
    """Layers, then the density classes with their note."""
    y = 1.0
    if handles:
        y = _below(ax, _legend_block(ax, handles, "Teckenförklaring", 10))
    show_cells = data.cells and (view is MapView.DENSITY or data.audience is Audience.PUBLIC)
    if show_cells:
        patches = [
            Patch(facecolor=colour, edgecolor="#7f2704", label=label)
            for label, colour in density_classes(data).legend
        ]
        y = _below(ax, _legend_block(ax, patches, DENSITY_TITLE, 9, bbox_to_anchor=(0, y)))
    size = f"{data.rules.cell_size_m:g}".replace(".", ",")
    shape = "rutor" if data.rules.grid.value == "ruta" else "hexagoner"
    notes = []
    if show_cells:
        notes.append(f"Aktiviteterna är räknade i {shape} om {size} m.")
    elif view is MapView.DENSITY:
        notes.append("Inga rutor att visa under perioden.")
    if data.audience is Audience.PUBLIC:
        notes.append(
            f"Offentlig karta: bara öppna uppgifter. Rutor med färre än "
            f"{count(data.rules.min_count, 'aktivitet', 'aktiviteter')} visas inte. "
            f"Insatsplatser visas aldrig."
        )
    elif view is MapView.OVERVIEW and data.activities:
        notes.append("Markörens storlek visar hur många aktiviteter som gjorts på platsen.")
    if data.has_example_data:
        notes.append("Exempeldata: platserna är påhittade och inga verkliga adresser.")
    ax.text(
        0.02,
        max(y, 0.02),
        "\n".join(textwrap.fill(n, 44) for n in notes),
        fontsize=8,
        va="top",
        color="#333333",
        linespacing=1.4,
    )


def _legend_block(
    ax: Axes, handles: Sequence[Any], title: str, title_size: int, **where: Any
) -> Any:
    """One block of the legend, left-aligned in the upper left, kept when the next is added."""
    legend = ax.legend(
        handles=handles,
        loc="upper left",
        title=title,
        fontsize=8,
        title_fontsize=title_size,
        frameon=False,
        alignment="left",
        **where,
    )
    ax.add_artist(legend)
    return legend


def _below(ax: Axes, artist: object) -> float:
    """The axes-fraction y just below a drawn legend, so the next block starts there."""
    fig = ax.get_figure()
    assert fig is not None
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    box = artist.get_window_extent(renderer)  # type: ignore[attr-defined]
    return float(ax.transAxes.inverted().transform((0, box.y0))[1]) - 0.02
