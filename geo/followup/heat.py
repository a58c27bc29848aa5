"""Heatmaps of logged activities: kernel density with the radius in metres.

The density is computed on the server in SWEREF 99 TM (EPSG:3006), so "300 m" is 300 m on
the ground whatever the zoom of the map. Each activity is spread over a disc of the chosen
radius with the quartic kernel (the one QGIS' heatmap uses): full weight at the centre,
falling smoothly to nothing at the radius. The surface is in activities per km², and over
the whole grid it adds up to the number of activities.

How (fast for 100,000 activities): activities are binned linearly onto a regular grid of
square cells, and the grid is convolved with the kernel sampled on the same cells, by FFT.
The kernel is normalised to sum to one on the grid, so no activity is lost or doubled
whatever the cell size. The result is drawn as one PNG image (`heat_image`) warped to the
web map's projection, so the layer's size depends on the grid, never on the number of
activities.

**Few activities.** A smooth surface drawn from a handful of activities suggests a pattern
that is not there. Below SURFACE_MIN_EVENTS activities, or with them at fewer than
SURFACE_MIN_PLACES distinct places, `heat_layer` returns counts per place instead, with a
sentence saying why.
"""

from __future__ import annotations

import base64
import io
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import TYPE_CHECKING, Literal

import numpy as np
import scipy.fft
from PIL import Image
from shapely.geometry import Point

from geo.records.kinds import CommitmentKind
from geo.records.progress import commitment_match
from geo.records.promise import PromiseDocument
from geo.spatial.crs import SWEREF99TM, WGS84, transform_xy
from geo.spatial.layers import (
    Bounds,
    FeatureCollection,
    base_layer_collection,
    bounds_of,
    collection,
    feature,
)
from geo.spatial.locations import NO_PLACE, ActivityPoints, points_from_rows
from geo.swedish import count

if TYPE_CHECKING:
    from geo.store import Session

Kernel = Literal["quartic", "gaussian"]

SURFACE_MIN_EVENTS = 20
"""Fewer activities than this are shown as counts per place, not as a surface."""
SURFACE_MIN_PLACES = 3
"""Activities at fewer distinct places than this are shown as counts per place."""
MAX_CELLS = 500
"""Cells along the longer side of the grid: bounds the layer's size for any N."""
MIN_CELL_M = 5.0
"""No finer cells than this: GPS positions are not better than a few metres."""
HEAT_COLOURS = ("#ffffb2", "#fed976", "#feb24c", "#fd8d3c", "#f03b20", "#bd0026")
"""Low to high (ColorBrewer YlOrRd); the legend on the page uses the same colours."""
LEVELS = 64
"""Colour levels in the PNG (one transparent): smooth enough for a ramp, and half the bytes
of 256 levels on a noisy surface."""
NOISE_FLOOR = 1e-12
"""Densities below this share of the total weight (per cell) are FFT round-off: set to 0."""
TRANSPARENT_BELOW = 0.03
"""Cells under this share of the peak are left transparent, so the map shows through."""


@dataclass(frozen=True)
class Grid:
    """Rutnät: `nx` × `ny` square cells of `cell` metres from (west, south) in EPSG:3006."""

    west: float
    south: float
    cell: float
    nx: int
    ny: int

    @property
    def east(self) -> float:
        """Eastern edge in metres."""
        return self.west + self.nx * self.cell

    @property
    def north(self) -> float:
        """Northern edge in metres."""
        return self.south + self.ny * self.cell

    def centres(self) -> tuple[np.ndarray, np.ndarray]:
        """Cell-centre coordinates: (x of each column, y of each row), row 0 in the south."""
        xs = self.west + (np.arange(self.nx) + 0.5) * self.cell
        ys = self.south + (np.arange(self.ny) + 0.5) * self.cell
        return xs, ys

    @classmethod
    def covering(
        cls, west: float, south: float, east: float, north: float, cells: int = MAX_CELLS
    ) -> Grid:
        """Square cells over a box, `cells` along its longer side."""
        cell = max(east - west, north - south) / cells
        return cls(
            west,
            south,
            cell,
            max(math.ceil((east - west) / cell), 1),
            max(math.ceil((north - south) / cell), 1),
        )

    @classmethod
    def around(
        cls,
        xy: np.ndarray,
        radius_m: float,
        max_cells: int = MAX_CELLS,
        min_cell_m: float = MIN_CELL_M,
        kernel: Kernel = "quartic",
    ) -> Grid:
        """A grid over the points with a margin of the kernel's reach, so nothing is cut off.

        The reach is the radius for the quartic kernel and three radii for the gaussian.

        The cell is the larger of `min_cell_m` and whatever keeps the longer side within
        `max_cells`; the grid is aligned to whole cells so the same cell size gives the same
        cell boundaries.
        """
        pad = radius_m * (1 if kernel == "quartic" else 3) + 2 * min_cell_m
        west, south = xy.min(axis=0) - pad
        east, north = xy.max(axis=0) + pad
        cell = max(min_cell_m, max(east - west, north - south) / (max_cells - 2))
        west, south = math.floor(west / cell) * cell, math.floor(south / cell) * cell
        nx = math.ceil((east - west) / cell) + 1
        ny = math.ceil((north - south) / cell) + 1
        return cls(float(west), float(south), float(cell), nx, ny)


@dataclass(frozen=True)
class Density:
    """Täthet: activities per km² on a grid (row 0 in the south), from `kernel_density`."""

    grid: Grid
    values: np.ndarray
    radius_m: float
    kernel: str
    events: float

    def total(self) -> float:
        """The surface integrated over the grid: the number of activities it holds."""
        return float(self.values.sum(dtype=np.float64) * self.grid.cell**2 / 1e6)

    def at(self, x: float, y: float) -> float:
        """Density in the cell containing (x, y) (0 outside the grid)."""
        col = math.floor((x - self.grid.west) / self.grid.cell)
        row = math.floor((y - self.grid.south) / self.grid.cell)
        if 0 <= col < self.grid.nx and 0 <= row < self.grid.ny:
            return float(self.values[row, col])
        return 0.0

    def peak(self) -> tuple[float, float, float]:
        """(x, y, density) of the highest cell's centre."""
        row, col = np.unravel_index(int(np.argmax(self.values)), self.values.shape)
        xs, ys = self.grid.centres()
        return float(xs[col]), float(ys[row]), float(self.values[row, col])


@lru_cache(maxsize=16)
def _kernel(radius_cells: float, kernel: Kernel) -> np.ndarray:
    """The kernel sampled at cell offsets, normalised to sum to one."""
    reach = radius_cells if kernel == "quartic" else 3 * radius_cells
    k = max(int(math.floor(reach)), 0)
    offsets = np.arange(-k, k + 1, dtype=np.float64)
    d2 = offsets[None, :] ** 2 + offsets[:, None] ** 2
    if kernel == "quartic":
        weights = np.clip(1 - d2 / max(radius_cells, 1e-9) ** 2, 0, None) ** 2
    else:
        weights = np.exp(-d2 / (2 * max(radius_cells, 1e-9) ** 2))
    if weights.sum() == 0:  # radius under half a cell: everything stays in its cell
        weights = np.zeros_like(d2)
        weights[k, k] = 1.0
    return weights / weights.sum()


@lru_cache(maxsize=8)
def _kernel_spectrum(
    radius_cells: float, kernel: Kernel, shape: tuple[int, int]
) -> tuple[np.ndarray, int]:
    """FFT of the kernel for a padded grid shape (reused while the grid and radius stay)."""
    weights = _kernel(radius_cells, kernel)
    return scipy.fft.rfft2(weights, s=shape, workers=-1), weights.shape[0] // 2


def _bin_linear(xy: np.ndarray, weights: np.ndarray, grid: Grid) -> tuple[np.ndarray, float]:
    """Share each point's weight between the four nearest cell centres (bilinear).

    Points outside the grid are dropped; their weight is not counted in the returned total.
    """
    fx = (xy[:, 0] - grid.west) / grid.cell - 0.5
    fy = (xy[:, 1] - grid.south) / grid.cell - 0.5
    inside = (fx >= -0.5) & (fx < grid.nx - 0.5) & (fy >= -0.5) & (fy < grid.ny - 0.5)
    fx, fy, w = fx[inside], fy[inside], weights[inside]
    x0, y0 = np.floor(fx), np.floor(fy)
    tx, ty = fx - x0, fy - y0
    # Neighbours past the edge fold back into the edge cell, so no weight leaves the grid.
    ix, iy = x0.astype(np.int64), y0.astype(np.int64)
    x0, x1 = np.clip(ix, 0, grid.nx - 1), np.clip(ix + 1, 0, grid.nx - 1)
    y0, y1 = np.clip(iy, 0, grid.ny - 1), np.clip(iy + 1, 0, grid.ny - 1)
    # One bincount over all four corners is faster than four.
    cells = np.concatenate(
        [y0 * grid.nx + x0, y0 * grid.nx + x1, y1 * grid.nx + x0, y1 * grid.nx + x1]
    )
    shares = np.concatenate(
        [w * (1 - tx) * (1 - ty), w * tx * (1 - ty), w * (1 - tx) * ty, w * tx * ty]
    )
    counts = np.bincount(cells, weights=shares, minlength=grid.nx * grid.ny)
    return counts.reshape(grid.ny, grid.nx), float(w.sum())


def kernel_density(
    xy: np.ndarray,
    grid: Grid,
    radius_m: float,
    weights: np.ndarray | None = None,
    kernel: Kernel = "quartic",
) -> Density:
    """Kernel density of points on `grid`, in points per km².

    Parameters
    ----------
    xy : (n, 2) coordinates in EPSG:3006 metres.
    grid : where to compute (see `Grid.around`, which adds a margin of one radius).
    radius_m : for "quartic", the distance at which an activity's weight reaches zero;
        for "gaussian", the standard deviation (cut off at three).
    weights : per point (default 1 each, i.e. a count of activities).
    kernel : "quartic" (default, as QGIS) or "gaussian".

    Returns
    -------
    Density whose values integrate over the grid to the weight of the points inside it
    (up to what spreads past the grid's edge, nothing when the grid came from `around`).
    """
    if radius_m <= 0:
        raise ValueError("radien ska vara större än 0 meter")
    xy = np.asarray(xy, dtype=float).reshape(-1, 2)
    w = np.ones(len(xy)) if weights is None else np.asarray(weights, dtype=float)
    counts, total = _bin_linear(xy, w, grid)
    radius_cells = radius_m / grid.cell
    half = _kernel(radius_cells, kernel).shape[0] // 2
    shape = (
        scipy.fft.next_fast_len(grid.ny + 2 * half, real=True),
        scipy.fft.next_fast_len(grid.nx + 2 * half, real=True),
    )
    spectrum, half = _kernel_spectrum(radius_cells, kernel, shape)
    smooth = scipy.fft.irfft2(
        scipy.fft.rfft2(counts, s=shape, workers=-1) * spectrum, s=shape, workers=-1
    )[half : half + grid.ny, half : half + grid.nx]
    # FFT round-off (about 1e-16 of the total) leaves tiny values where the kernel does not
    # reach; clear them so the surface ends at the radius.
    smooth[smooth < NOISE_FLOOR * max(total, 1.0)] = 0.0
    per_km2 = smooth * (1e6 / grid.cell**2)
    return Density(grid, per_km2, float(radius_m), kernel, total)


# -- drawing ----------------------------------------------------------------------------


@dataclass(frozen=True)
class HeatImage:
    """A heat surface as a PNG warped to the web map, with its corners in WGS 84."""

    png: bytes
    south: float
    west: float
    north: float
    east: float
    peak: float

    def data_url(self) -> str:
        """The PNG as a data: URL (works offline; no file to serve)."""
        return "data:image/png;base64," + base64.b64encode(self.png).decode("ascii")

    def bounds(self) -> list[list[float]]:
        """[[south, west], [north, east]] for Leaflet's image overlay."""
        return [[self.south, self.west], [self.north, self.east]]


def _palette() -> tuple[list[int], bytes]:
    """LEVELS colours from HEAT_COLOURS and their alpha: index 0 transparent, then 55–90 %."""
    stops = np.array([[int(c[i : i + 2], 16) for i in (1, 3, 5)] for c in HEAT_COLOURS], float)
    at = np.linspace(0, 1, len(stops))
    levels = np.linspace(0, 1, LEVELS - 1)
    rgb = np.column_stack([np.interp(levels, at, stops[:, j]) for j in range(3)])
    rgb = np.vstack([[0, 0, 0], rgb]).round().astype(int)
    alpha = np.concatenate([[0], np.linspace(140, 230, LEVELS - 1)]).round().astype(np.uint8)
    return rgb.ravel().tolist(), alpha.tobytes()


def _stretch(values: np.ndarray, n_out: int, axis: int) -> np.ndarray:
    """Linearly interpolate evenly spaced samples along `axis` to `n_out` evenly spaced ones."""
    n_in = values.shape[axis]
    pos = np.linspace(0, n_in - 1, n_out)
    lo = np.clip(np.floor(pos).astype(int), 0, n_in - 2)
    t = pos - lo
    shape = [1, 1]
    shape[axis] = n_out
    t = t.reshape(shape)
    return np.take(values, lo, axis=axis) * (1 - t) + np.take(values, lo + 1, axis=axis) * t


def _mercator_y(lat: np.ndarray | float) -> np.ndarray:
    """Web Mercator's y for a latitude (in radians of the unit sphere, enough for spacing)."""
    return np.log(np.tan(np.pi / 4 + np.radians(lat) / 2))


def heat_image(density: Density, mesh_step: int = 16) -> HeatImage:
    """Draw a density as a PNG aligned with the web map (Leaflet's EPSG:3857).

    The grid is in EPSG:3006 and the web map in Web Mercator, which are slightly rotated
    against each other (about 0.2° at Aneby). Each output pixel is therefore looked up in
    the grid at its own position: pixel centres are projected on a coarse mesh every
    `mesh_step` pixels and interpolated in between (the projection is smooth at this
    scale, and projecting all 250,000 pixels would cost 0.2 s).
    """
    g = density.grid
    # The grid's outline in WGS 84, densified so curved edges are covered.
    t = np.linspace(0, 1, 33)
    edge_x = np.concatenate(
        [
            g.west + t * (g.east - g.west),
            np.full(33, g.east),
            g.east - t * (g.east - g.west),
            np.full(33, g.west),
        ]
    )
    edge_y = np.concatenate(
        [
            np.full(33, g.south),
            g.south + t * (g.north - g.south),
            np.full(33, g.north),
            g.north - t * (g.north - g.south),
        ]
    )
    lon, lat = transform_xy(edge_x, edge_y, SWEREF99TM, WGS84)
    west, east, south, north = lon.min(), lon.max(), lat.min(), lat.max()
    width, height = g.nx, g.ny
    # Coarse mesh of pixel centres: columns even in longitude, rows even in Mercator y.
    mc, mr = max(width // mesh_step, 1) + 2, max(height // mesh_step, 1) + 2
    mesh_lon = west + (np.linspace(0, width - 1, mc) + 0.5) / width * (east - west)
    y_top, y_bottom = _mercator_y(north), _mercator_y(south)
    mesh_y = y_top - (np.linspace(0, height - 1, mr) + 0.5) / height * (y_top - y_bottom)
    mesh_lat = np.degrees(2 * np.arctan(np.exp(mesh_y)) - np.pi / 2)
    lon2, lat2 = np.meshgrid(mesh_lon, mesh_lat)
    e, n = transform_xy(lon2.ravel(), lat2.ravel(), WGS84, SWEREF99TM)
    full_e = _stretch(_stretch(e.reshape(mr, mc), width, axis=1), height, axis=0)
    full_n = _stretch(_stretch(n.reshape(mr, mc), width, axis=1), height, axis=0)
    # Colour levels on the grid first (uint8), then one lookup per pixel.
    peak = float(density.values.max()) if density.values.size else 0.0
    share = density.values / peak if peak > 0 else density.values
    levels = np.where(
        share < TRANSPARENT_BELOW, 0, 1 + np.minimum(share * (LEVELS - 1), LEVELS - 2)
    ).astype(np.uint8)
    col = np.floor((full_e - g.west) / g.cell).astype(np.int64)
    row = np.floor((full_n - g.south) / g.cell).astype(np.int64)
    outside = (col < 0) | (col >= g.nx) | (row < 0) | (row >= g.ny)
    flat = np.clip(row, 0, g.ny - 1) * g.nx + np.clip(col, 0, g.nx - 1)
    index = levels.ravel().take(flat)
    index[outside] = 0
    image = Image.fromarray(index, mode="P")
    colours, alpha = _palette()
    image.putpalette(colours)
    buffer = io.BytesIO()
    # Level 1: the image is mostly transparent runs; harder compression costs 4× the time
    # for about 10 % fewer bytes.
    image.save(buffer, format="PNG", transparency=alpha, compress_level=1)
    return HeatImage(buffer.getvalue(), float(south), float(west), float(north), float(east), peak)


# -- few events: counts per place -------------------------------------------------------


@dataclass(frozen=True)
class PlaceCount:
    """Antal per plats: how many activities at one place (or one spot without a place)."""

    x: float
    y: float
    count: int
    place_id: int | None


def _place_keys(points: ActivityPoints) -> np.ndarray:
    """One int64 per activity: its place id (≥ 0), or for a spot without a place a negative
    number made of its coordinates to the metre (SWEREF 99 TM: E < 10⁷ m)."""
    spot = np.round(points.x).astype(np.int64) * 10_000_000 + np.round(points.y).astype(np.int64)
    return np.where(points.place_id != NO_PLACE, points.place_id, -spot - 1)


def distinct_places(points: ActivityPoints) -> int:
    """How many different places (or spots, to the metre) the activities are at."""
    return int(np.unique(_place_keys(points)).size)


def counts_per_place(points: ActivityPoints) -> list[PlaceCount]:
    """Activities grouped by place, or by spot (to the metre) when they have no place.

    Most activities first.
    """
    if len(points) == 0:
        return []
    _, first, counts = np.unique(_place_keys(points), return_index=True, return_counts=True)
    order = np.lexsort((first, -counts))
    return [
        PlaceCount(
            float(points.x[first[i]]),
            float(points.y[first[i]]),
            int(counts[i]),
            None if points.place_id[first[i]] == NO_PLACE else int(points.place_id[first[i]]),
        )
        for i in order
    ]


def surface_or_counts(events: int, places: int) -> tuple[bool, str]:
    """Whether a smooth surface is honest for this many activities at this many places.

    Returns (draw a surface?, a Swedish sentence for the page when not).
    """
    if events >= SURFACE_MIN_EVENTS and places >= SURFACE_MIN_PLACES:
        return True, ""
    return False, (
        f"Bara {count(events, 'aktivitet', 'aktiviteter')} på {count(places, 'plats', 'platser')}: "
        "en utjämnad värmeyta skulle visa ett mönster som underlaget inte bär. Kartan visar "
        f"därför antal per plats. En värmeyta ritas från "
        f"{count(SURFACE_MIN_EVENTS, 'aktivitet', 'aktiviteter')} "
        f"på minst {SURFACE_MIN_PLACES} olika platser."
    )


@dataclass(frozen=True)
class HeatLayer:
    """What the heatmap page draws: a surface image, or counts per place with the reason."""

    events: int
    image: HeatImage | None = None
    density: Density | None = None
    counts: Sequence[PlaceCount] = field(default_factory=tuple)
    reason: str = ""


def heat_layer(points: ActivityPoints, radius_m: float) -> HeatLayer:
    """A heat surface for these activities, or counts per place when there are too few."""
    surface, reason = surface_or_counts(len(points), distinct_places(points))
    if not surface:
        return HeatLayer(len(points), counts=counts_per_place(points), reason=reason)
    xy = points.xy
    density = kernel_density(xy, Grid.around(xy, radius_m), radius_m)
    return HeatLayer(len(points), heat_image(density), density)


# -- the heatmap page's data ------------------------------------------------------------


@dataclass(frozen=True)
class HeatView:
    """Everything the heatmap page draws: the layer, the kommun outline and place names."""

    layer: HeatLayer
    boundary: FeatureCollection
    counts: FeatureCollection
    bounds: Bounds | None
    unplaced: int


def load_heat(
    session: Session,
    doc: PromiseDocument,
    start: datetime,
    end: datetime,
    radius_m: float,
    kinds: Iterable[CommitmentKind] | None = None,
    commitment_id: str | None = None,
) -> HeatView:
    """The heat layer for activities starting in [start, end), filtered by kind and commitment.

    Reads only what a map needs (`Session.activity_locations`), so 100,000 activities load
    in a fraction of a second.
    """
    places = session.places_by_id(doc.kommunkod)
    match = commitment_match(doc, commitment_id) if commitment_id is not None else None
    points = points_from_rows(session.activity_locations(start, end, kinds, match, doc.id), places)
    layer = heat_layer(points, radius_m)
    boundary = session.base_features(f"kommun_{doc.kommunkod}")
    counts = [
        feature(
            Point(c.x, c.y),
            {
                "label": f"{places[c.place_id].name if c.place_id in places else 'Egen position'}: "
                f"{c.count}",
                "count": c.count,
            },
        )
        for c in layer.counts
    ]
    if doc.area is not None:
        # A promise for part of the kommun (format 2, `område`) opens on that part, as Karta.
        bounds: Bounds | None = bounds_of([doc.area.geometry])
    elif layer.image is not None:
        bounds = Bounds(layer.image.south, layer.image.west, layer.image.north, layer.image.east)
    else:
        bounds = bounds_of([Point(c.x, c.y) for c in layer.counts] or [g for _, g in boundary])
    return HeatView(
        layer=layer,
        boundary=base_layer_collection(boundary),
        counts=collection(counts),
        bounds=bounds,
        unplaced=points.unplaced,
    )
