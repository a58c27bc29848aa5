"""Counting events in fixed 500 m squares and hexagons anchored at EPSG:3006's origin."""

from __future__ import annotations

import math

import pytest
from shapely.geometry import LineString, Point

from geo.spatial.aggregate import (
    CellKey,
    GridShape,
    cell_of,
    cell_polygon,
    class_breaks,
    class_labels,
    class_of,
    count_in_cells,
)

SQUARE, HEX = GridShape.SQUARE, GridShape.HEXAGON


@pytest.mark.parametrize(
    "point, key",
    [
        (Point(250, 250), (0, 0)),
        (Point(0, 0), (0, 0)),  # the west/south edge belongs to the square
        (Point(499.99, 499.99), (0, 0)),
        (Point(500, 0), (1, 0)),
        (Point(-0.01, 10), (-1, 0)),
        (Point(488777.7, 6411333.3), (977, 12822)),
    ],
)
def test_a_point_falls_in_exactly_one_500_m_square(point: Point, key: tuple[int, int]) -> None:
    assert cell_of(point, 500, SQUARE) == CellKey(SQUARE, *key)


def test_square_cells_are_fixed_by_the_grid_not_by_the_data() -> None:
    polygon = cell_polygon(CellKey(SQUARE, 977, 12822), 500)
    assert polygon.bounds == (488500.0, 6411000.0, 489000.0, 6411500.0)
    assert polygon.area == 250_000.0


def test_hexagons_have_the_cell_size_across_flats_and_tile_without_gaps() -> None:
    size = 1000.0
    centre = cell_polygon(CellKey(HEX, 0, 0), size)
    east = cell_polygon(CellKey(HEX, 1, 0), size)
    assert centre.area == pytest.approx(size**2 * math.sqrt(3) / 2)
    assert centre.centroid.distance(east.centroid) == pytest.approx(size)
    assert centre.intersection(east).area == pytest.approx(0, abs=1e-6)
    assert centre.intersection(east).length == pytest.approx(size / math.sqrt(3))


@pytest.mark.parametrize("x, y", [(0, 0), (400, 100), (-300, 250), (12345.6, -789.0)])
def test_a_point_lies_in_the_hexagon_it_is_counted_in(x: float, y: float) -> None:
    key = cell_of(Point(x, y), 1000, HEX)
    assert cell_polygon(key, 1000).buffer(1e-6).contains(Point(x, y))


def test_cells_below_the_minimum_are_left_out_not_rounded() -> None:
    points = [Point(100, 100)] * 3 + [Point(700, 100)] * 2 + [LineString([(1100, 0), (1300, 0)])]
    cells = count_in_cells(points, 500, SQUARE, min_count=3)
    assert [(c.key.id, c.count) for c in cells] == [("R0_0", 3)]
    every = count_in_cells(points, 500, SQUARE)
    assert [(c.key.id, c.count) for c in every] == [("R0_0", 3), ("R1_0", 2), ("R2_0", 1)]


def test_class_breaks_put_the_largest_count_in_the_last_class() -> None:
    breaks = class_breaks([3, 3, 4, 5, 8, 13, 61])
    assert breaks == [3, 4, 8, 13, 61]
    assert class_of(61, breaks) == 4 and class_of(3, breaks) == 0 and class_of(9, breaks) == 3
    assert class_labels(breaks, lowest=3) == ["3", "4", "5–8", "9–13", "14–61"]
    assert class_breaks([]) == []
