"""Where an activity is: its own geometry, else its place; read fast from WKB."""

from __future__ import annotations

import shapely
from shapely.geometry import LineString, Point, box

from geo.records.models import Place, PlaceKind
from geo.spatial.locations import NO_PLACE, points_from_rows

AREA = Place(PlaceKind.CENTRAL_AREA, "Torget", box(0, 0, 100, 100), id=4)
SITE = Place(PlaceKind.TRAFFIC_CONTROL_SITE, "Norr", Point(500, 900), id=9)
PLACES = {4: AREA, 9: SITE}


def test_points_read_from_wkb_in_either_byte_order_and_shapes_give_a_point_inside() -> None:
    rows = [
        (None, shapely.to_wkb(Point(10, 20), byte_order=1)),
        (None, shapely.to_wkb(Point(30, 40), byte_order=0)),
        (None, shapely.to_wkb(LineString([(0, 0), (0, 100)]))),
    ]
    points = points_from_rows(rows, PLACES)
    assert points.xy.tolist()[:2] == [[10.0, 20.0], [30.0, 40.0]]
    assert shapely.intersects(LineString([(0, 0), (0, 100)]), Point(points.xy[2]))


def test_little_endian_points_alone_take_the_fast_path_with_the_same_answer() -> None:
    rows = [(None, shapely.to_wkb(Point(i, 2 * i), byte_order=1)) for i in range(5)]
    assert points_from_rows(rows, PLACES).xy.tolist() == [[i, 2 * i] for i in range(5)]


def test_without_an_own_geometry_the_place_decides_and_unknown_places_are_unplaced() -> None:
    rows = [
        (9, None),
        (4, None),
        (77, None),  # a place that is not in the list
        (None, None),  # a meeting: nowhere
    ]
    points = points_from_rows(rows, PLACES)
    assert points.unplaced == 2
    assert points.xy.tolist()[0] == [500.0, 900.0]
    assert AREA.geometry.contains(Point(points.xy[1]))
    assert points.place_id.tolist() == [9, 4]
    assert NO_PLACE not in points.place_id


def test_no_rows_give_no_points() -> None:
    points = points_from_rows([], PLACES)
    assert len(points) == 0 and points.unplaced == 0
