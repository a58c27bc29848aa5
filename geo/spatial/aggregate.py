"""Counting events in fixed cells: squares or hexagons in SWEREF 99 TM (EPSG:3006).

A public map must not show where a single narcotics intervention took place, so events are
counted per cell and only the cell is shown. The grid is anchored at the origin of
EPSG:3006, never at the data: a cell's corners are the same whatever was counted, so the
cell says nothing about where inside it the events were. Cells with fewer than `min_count`
events are left out entirely (suppressed, not rounded): not even their outline is returned.

`cell_size_m` is the distance between the centres of neighbouring cells: the side of a
square, and the width across flats of a hexagon (pointy-top), so both grids have the same
spacing.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from shapely.geometry import Point, Polygon, box
from shapely.geometry.base import BaseGeometry

# The grid's choices have their own module (the command line reads them without shapely);
# they are named here too, so callers of the counting need one import.
from geo.spatial.grid_options import DEFAULT_CELL_SIZE_M as DEFAULT_CELL_SIZE_M
from geo.spatial.grid_options import DEFAULT_MIN_COUNT as DEFAULT_MIN_COUNT
from geo.spatial.grid_options import MAX_CELL_SIZE_M as MAX_CELL_SIZE_M
from geo.spatial.grid_options import MIN_CELL_SIZE_M as MIN_CELL_SIZE_M
from geo.spatial.grid_options import GridShape


@dataclass(frozen=True, order=True)
class CellKey:
    """One cell of a grid: column/row (squares) or axial q/r (hexagons)."""

    shape: GridShape
    i: int
    j: int

    @property
    def id(self) -> str:
        """A stable text id, e.g. "R977_12822" or "H564_8548"."""
        prefix = "R" if self.shape is GridShape.SQUARE else "H"
        return f"{prefix}{self.i}_{self.j}"


@dataclass(frozen=True)
class Cell:
    """Ruta: a grid cell (polygon in EPSG:3006) and how many events fell in it."""

    key: CellKey
    geometry: Polygon
    count: int


_SQRT3 = math.sqrt(3.0)


def cell_of(point: Point, size: float, shape: GridShape) -> CellKey:
    """The cell a point (EPSG:3006 metres) falls in.

    Points on a square's west or south edge belong to that square (floor division), so every
    point has exactly one cell.
    """
    x, y = point.x, point.y
    if shape is GridShape.SQUARE:
        return CellKey(shape, math.floor(x / size), math.floor(y / size))
    radius = size / _SQRT3  # centre-to-corner; size is the width across flats
    q = (_SQRT3 / 3 * x - y / 3) / radius
    r = (2 / 3 * y) / radius
    return CellKey(shape, *_hex_round(q, r))


def _hex_round(q: float, r: float) -> tuple[int, int]:
    """Nearest hexagon in axial coordinates (cube rounding)."""
    s = -q - r
    rq, rr, rs = round(q), round(r), round(s)
    dq, dr, ds = abs(rq - q), abs(rr - r), abs(rs - s)
    if dq > dr and dq > ds:
        rq = -rr - rs
    elif dr > ds:
        rr = -rq - rs
    return int(rq), int(rr)


def cell_polygon(key: CellKey, size: float) -> Polygon:
    """The outline of a cell in EPSG:3006."""
    if key.shape is GridShape.SQUARE:
        return box(key.i * size, key.j * size, (key.i + 1) * size, (key.j + 1) * size)
    radius = size / _SQRT3
    cx = radius * _SQRT3 * (key.i + key.j / 2)
    cy = radius * 1.5 * key.j
    corners = [
        (
            cx + radius * math.cos(math.radians(30 + 60 * n)),
            cy + radius * math.sin(math.radians(30 + 60 * n)),
        )
        for n in range(6)
    ]
    return Polygon(corners)


def count_in_cells(
    points: Iterable[BaseGeometry],
    size: float = DEFAULT_CELL_SIZE_M,
    shape: GridShape = GridShape.SQUARE,
    min_count: int = 1,
) -> list[Cell]:
    """Count points per cell and keep the cells with at least `min_count` of them.

    Parameters
    ----------
    points : shapely points in EPSG:3006 (other geometries count at their representative
        point; empty geometries are skipped).
    size : distance between neighbouring cell centres, metres.
    shape : squares or hexagons.
    min_count : cells with fewer events are left out (1 keeps every non-empty cell).

    Returns
    -------
    Cells sorted by key, each with its polygon and count.
    """
    if size <= 0:
        raise ValueError("cell size must be positive")
    counts: Counter[CellKey] = Counter()
    for geom in points:
        if geom is None or geom.is_empty:
            continue
        point = geom if isinstance(geom, Point) else geom.representative_point()
        counts[cell_of(point, size, shape)] += 1
    return [
        Cell(key, cell_polygon(key, size), n) for key, n in sorted(counts.items()) if n >= min_count
    ]


def class_breaks(counts: Sequence[int], classes: int = 5) -> list[int]:
    """Upper bounds of up to `classes` colour classes for cell counts (ascending, unique).

    Quantile breaks rounded up to whole events, so the legend reads "3–5, 6–12, ..." and the
    largest count always falls in the last class. The same breaks are used by the HTML map,
    the PNG and the PDF so their legends agree.
    """
    values = sorted(c for c in counts if c > 0)
    if not values:
        return []
    breaks: list[int] = []
    for n in range(1, classes + 1):
        index = math.ceil(n * len(values) / classes) - 1
        upper = values[max(index, 0)]
        if not breaks or upper > breaks[-1]:
            breaks.append(upper)
    return breaks


def class_of(count: int, breaks: Sequence[int]) -> int:
    """Index of the class a count falls in (the last class for anything above)."""
    for n, upper in enumerate(breaks):
        if count <= upper:
            return n
    return len(breaks) - 1


def class_labels(breaks: Sequence[int], lowest: int = 1) -> list[str]:
    """Legend texts for the classes: "3–5", "6", "7–12" (an en dash between the ends)."""
    labels = []
    low = lowest
    for upper in breaks:
        labels.append(str(upper) if low >= upper else f"{low}–{upper}")
        low = upper + 1
    return labels
