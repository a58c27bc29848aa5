"""A print-quality static map (PNG) made on the server, without map tiles.

Everything drawn comes from an `ExportData` (geo.disclosure.audience): base layers from our own data
(SCB's kommun boundaries and tätorter), places, and activities (internal) or the counts per
grid cell (both audiences; the only activity layer of a public map). No tiles are fetched, so
the map is the same offline, on CI and in a meeting room.

Two views:

* `overview`: places and activities (or cells, for the public) around the data;
* `density`: the counts per grid cell with the kommun and places for orientation.

Each image has a title, the period, a legend, a scale bar, a north arrow, the attribution
("Källa: SCB"), the audience and when it was made.
"""

from __future__ import annotations

import io
import math
import textwrap
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import matplotlib

matplotlib.use("Agg")  # no display on a server; must precede any pyplot-using import

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection, PathCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.path import Path
from shapely.geometry import LineString, Point, Polygon
from shapely.geometry.base import BaseGeometry

from geo.disclosure.activity_rows import activity_spots
from geo.disclosure.audience import Audience
from geo.disclosure.rows import ExportData
from geo.exports.map_frame import (
    HALO,
    PLACE_LABEL,
    Label,
    MapView,
    legend,
    map_extent,
    north_arrow,
    place_labels,
    scale_bar,
    tatort_labels,
)
from geo.exports.map_style import (
    FINDING_COLOUR,
    KOMMUN_COLOUR,
    MATPLOTLIB_MARKERS,
    NEIGHBOUR_COLOUR,
    PLACE_SYMBOLS,
    TATORT_COLOUR,
    activity_colour,
    density_classes,
    kinds_in_order,
)
from geo.records.kinds import Kind
from geo.records.models import PlaceKind
from geo.spatial.activity_groups import group_activities
from geo.swedish import date_range, stamp

A4_LANDSCAPE_IN = (11.69, 8.27)
DEFAULT_DPI = 200
AUDIENCE_COLOURS = {Audience.INTERNAL: "#b2182b", Audience.PUBLIC: "#1a9641"}


@contextmanager
def literal_text() -> Iterator[None]:
    """Draw every text as it is written: matplotlib would read `$…$` in it as maths.

    Place names, layer titles and promise texts are data: a place named "$$" stopped the
    map and the meeting pack with a parse error, and "a $x^2$ b" was drawn as a formula.
    """
    with matplotlib.rc_context({"text.parse_math": False}):
        yield


def render_map_png(
    data: ExportData,
    view: MapView = MapView.OVERVIEW,
    dpi: int = DEFAULT_DPI,
    size_in: tuple[float, float] = A4_LANDSCAPE_IN,
) -> bytes:
    """Draw one static map and return the PNG bytes.

    Parameters
    ----------
    data : the audience's data set.
    view : overview (places and activities) or density (counts per cell).
    dpi : resolution; 200 gives 2338 x 1654 pixels on A4 landscape.
    size_in : figure size in inches.

    Returns
    -------
    PNG bytes with the audience and export time in the image and in its metadata.
    """
    with literal_text():
        return _render_map_png(data, view, dpi, size_in)


def _render_map_png(
    data: ExportData, view: MapView, dpi: int, size_in: tuple[float, float]
) -> bytes:
    """`render_map_png` inside `literal_text`."""
    fig = Figure(figsize=size_in, dpi=dpi)
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0.02, 0.09, 0.70, 0.76))
    legend_ax = fig.add_axes((0.74, 0.09, 0.24, 0.76))
    legend_ax.set_axis_off()

    extent = map_extent(data, view, aspect=(0.70 * size_in[0]) / (0.76 * size_in[1]))
    handles = _draw_base(ax, data)
    labels: list[Label] = []
    if view is MapView.DENSITY:
        handles += _draw_cells(ax, data, labels=True)
        handles += _draw_places(ax, data, labels=None, kinds=_context_kinds(data))
    else:
        if data.audience is Audience.PUBLIC:
            handles += _draw_cells(ax, data, labels=False)
        handles += _draw_places(ax, data, labels=labels, kinds=list(PlaceKind))
        handles += _draw_activities(ax, data)
        handles += _draw_findings(ax, data)

    west, south, east, north = extent
    ax.set_xlim(west, east)
    ax.set_ylim(south, north)
    ax.set_aspect("equal")
    place_labels(ax, [*tatort_labels(data, extent), *labels])
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_facecolor("#f4f6f4")
    scale_bar(ax, extent)
    north_arrow(ax)

    title = "Täthetskarta" if view is MapView.DENSITY else "Karta"
    fig.text(0.02, 0.955, f"{data.document.title} – {title.lower()}", fontsize=15, weight="bold")
    fig.text(
        0.02,
        0.915,
        f"{data.document.kommun_name} och {data.document.police_area} · "
        f"Period: {date_range(data.period.start, data.period.end)}",
        fontsize=10,
    )
    fig.text(
        0.02,
        0.885,
        f"Skapad {stamp(data.made_at)}"
        + (" · Innehåller exempeldata (påhittade platser)" if data.has_example_data else ""),
        fontsize=9,
        color="#333333",
    )
    fig.text(
        0.98,
        0.955,
        data.audience.short_notice,
        fontsize=10,
        weight="bold",
        color="white",
        ha="right",
        bbox={"boxstyle": "round,pad=0.4", "fc": AUDIENCE_COLOURS[data.audience], "ec": "none"},
    )
    attribution = " · ".join(
        [*data.attributions, "Platser och aktiviteter: Löfteskartan", "SWEREF 99 TM (EPSG:3006)"]
    )
    fig.text(0.02, 0.035, attribution, fontsize=8, color="#333333")
    legend(legend_ax, handles, data, view)

    buffer = io.BytesIO()
    fig.savefig(
        buffer,
        format="png",
        dpi=dpi,
        metadata={
            "Title": f"{data.document.title} – {title.lower()}",
            "Description": f"{data.audience.notice}. Skapad {stamp(data.made_at)}.",
            "Software": "Löfteskartan",
        },
    )
    return buffer.getvalue()


# -- layers --------------------------------------------------------------------------------


# geopandas' plot() redraws the whole figure after each layer (draw_idle on an Agg canvas
# draws at once): a dozen layers cost seconds. Shapes go straight to matplotlib instead.


def _ring_path(coords: Sequence[tuple[float, ...]]) -> Path:
    vertices = [(c[0], c[1]) for c in coords]
    codes = [Path.MOVETO] + [Path.LINETO] * (len(vertices) - 2) + [Path.CLOSEPOLY]
    return Path(vertices, codes)


def _parts(geom: BaseGeometry) -> list[BaseGeometry]:
    """The simple parts of a (multi-part or collection) geometry."""
    if hasattr(geom, "geoms"):
        return [part for g in geom.geoms for part in _parts(g)]
    return [geom]


def _area(ax: Axes, geoms: Sequence[BaseGeometry], **style: Any) -> None:
    """Polygons (with holes) as one PathCollection."""
    paths = []
    colours = style.pop("facecolors", None)
    face: list[Any] = []
    for n, geom in enumerate(geoms):
        for part in _parts(geom):
            if isinstance(part, Polygon) and not part.is_empty:
                rings = [part.exterior, *part.interiors]
                paths.append(Path.make_compound_path(*(_ring_path(r.coords) for r in rings)))
                if colours is not None:
                    face.append(colours[n])
    if paths:
        if colours is not None:
            style["facecolors"] = face
        ax.add_collection(PathCollection(paths, **style), autolim=False)


def _lines(ax: Axes, geoms: Sequence[BaseGeometry], **style: Any) -> None:
    """Lines (and polygon outlines) as one LineCollection."""
    segments = []
    for geom in geoms:
        for part in _parts(geom):
            if isinstance(part, Polygon):
                segments += [list(r.coords) for r in (part.exterior, *part.interiors)]
            elif isinstance(part, LineString) and not part.is_empty:
                segments.append(list(part.coords))
    if segments:
        ax.add_collection(LineCollection(segments, **style), autolim=False)


def _points(ax: Axes, geoms: Sequence[BaseGeometry], **style: Any) -> None:
    """Points (a point on any other geometry) as one scatter."""
    xy = [g if isinstance(g, Point) else g.representative_point() for g in geoms]
    if xy:
        ax.scatter([p.x for p in xy], [p.y for p in xy], **style)


def _draw_base(ax: Axes, data: ExportData) -> list[object]:
    """Neighbouring kommuner, the kommun boundary; returns legend handles."""
    handles: list[object] = []
    for base in data.base:
        if base.name == "lanets_kommuner" and base.features:
            geoms = [g for _, g in base.features]
            _area(ax, geoms, facecolor="#ffffff", edgecolor="none", zorder=1)
            _lines(ax, geoms, color=NEIGHBOUR_COLOUR, linewidth=0.6, zorder=1.1)
    for base in data.base:
        if base.name.startswith("kommun_") and base.features:
            geoms = [g for _, g in base.features]
            _area(ax, geoms, facecolor="#fbfbf7", edgecolor="none", zorder=1.5)
            _lines(ax, geoms, color=KOMMUN_COLOUR, linewidth=1.8, zorder=2)
            handles.append(Line2D([], [], color=KOMMUN_COLOUR, linewidth=1.8, label=base.title))
    for base in data.base:
        if base.name == "tatorter" and base.features:
            _points(ax, [g for _, g in base.features], color=TATORT_COLOUR, s=14, zorder=6)
            handles.append(_point_handle(TATORT_COLOUR, base.title))
    return handles


def _context_kinds(data: ExportData) -> list[PlaceKind]:
    """Places drawn on the density map for orientation (never insatsplatser)."""
    return [PlaceKind.CENTRAL_AREA, PlaceKind.POLICE_OFFICE]


def _draw_places(
    ax: Axes, data: ExportData, labels: list[Label] | None, kinds: Sequence[PlaceKind]
) -> list[object]:
    handles: list[object] = []
    for kind in kinds:
        places = [p for p in data.places if p.kind is kind and not p.retired]
        if not places:
            continue
        symbol = PLACE_SYMBOLS[kind]
        colour = symbol.colour
        geoms = [p.geometry for p in places]
        if kind.geometry_type == "Polygon":
            _area(ax, geoms, facecolor=colour, alpha=0.18, edgecolor="none", zorder=3)
            _lines(ax, geoms, color=colour, linewidth=1.4, zorder=3.1)
            handles.append(Patch(facecolor=colour + "2e", edgecolor=colour, label=kind.label))
        elif kind.geometry_type == "LineString":
            # The route's dashes, as on the screen, so it reads without its colour.
            dashes: Any = (0, (4, 3)) if symbol.dash else "-"
            _lines(ax, geoms, color=colour, linewidth=2.2, linestyle=dashes, zorder=4)
            handles.append(
                Line2D([], [], color=colour, linewidth=2.2, linestyle=dashes, label=kind.label)
            )
        else:
            marker = MATPLOTLIB_MARKERS[symbol.shape]
            _points(
                ax,
                geoms,
                color=colour,
                s=40,
                marker=marker,
                edgecolor="white",
                linewidth=1,
                zorder=7,
            )
            handles.append(_point_handle(colour, kind.label, marker=marker))
        if labels is not None:
            for p in places:
                point = p.geometry.representative_point()
                labels.append(Label(p.name, point.x, point.y, PLACE_LABEL))
    return handles


def _spot_counts(data: ExportData) -> Counter[tuple[Kind, float, float]]:
    """Activities per kind and place, or per grid square for those at their own position,
    grouped as Karta and the HTML map group them: a marker per own position drew a million
    markers at a police region's volume (100 s and 900 MB)."""
    places = {p.id: p for p in data.places if p.id is not None}
    grouped = group_activities(activity_spots(data.activities), places)
    return Counter({(g.kind, g.x, g.y): g.count for g in grouped.groups})


def _draw_activities(ax: Axes, data: ExportData) -> list[object]:
    """One marker per place and kind, its area growing with the number of activities."""
    handles: list[object] = []
    groups = _spot_counts(data)
    for kind in kinds_in_order(k for k, _, _ in groups):
        spots = [(x, y, n) for (k, x, y), n in groups.items() if k == kind]
        if not spots:
            continue
        colour = activity_colour(kind)
        ax.scatter(
            [x for x, _, _ in spots],
            [y for _, y, _ in spots],
            s=[60 + 45 * math.sqrt(n) for _, _, n in spots],
            color=colour,
            edgecolor="white",
            linewidth=0.8,
            alpha=0.85,
            zorder=6.8,  # under the place markers, so a place stays visible in its circle
        )
        total = sum(n for _, _, n in spots)
        handles.append(_point_handle(colour, f"Genomfört: {kind.label} ({total})"))
    return handles


def _draw_findings(ax: Axes, data: ExportData) -> list[object]:
    points = [f.geometry for f in data.findings if f.geometry is not None]
    if not points:
        return []
    _points(ax, points, color=FINDING_COLOUR, marker="^", s=40, edgecolor="white", zorder=8)
    return [_point_handle(FINDING_COLOUR, "Iakttagelser (trygghetsvandring)", marker="^")]


def _draw_cells(ax: Axes, data: ExportData, labels: bool) -> list[object]:
    if not data.cells:
        return []
    classes = density_classes(data)
    _area(
        ax,
        [c.geometry for c in data.cells],
        facecolors=[classes.colour_of(c.count) for c in data.cells],
        alpha=0.8,
        edgecolor="#7f2704",
        linewidth=0.4,
        zorder=2.5,
    )
    if labels:
        for cell in data.cells:
            centre = cell.geometry.centroid
            ax.text(
                centre.x,
                centre.y,
                str(cell.count),
                ha="center",
                va="center",
                fontsize=8,
                weight="bold",
                path_effects=HALO,
                zorder=9,
                clip_on=True,
            )
    return []  # the classes get their own legend block


def _point_handle(colour: str, label: str, marker: str = "o") -> Line2D:
    label = textwrap.fill(label, 38, subsequent_indent="  ")
    return Line2D(
        [],
        [],
        linestyle="none",
        marker=marker,
        markersize=8,
        markerfacecolor=colour,
        markeredgecolor="white",
        label=label,
    )
