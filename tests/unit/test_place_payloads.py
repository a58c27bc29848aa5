"""What st_folium returns (drawn shapes, a click on a stored place) read into shapes and places."""

from __future__ import annotations

from datetime import datetime

import pytest
from shapely.geometry import Point, box

from geo.installation.demo import ANEBY_E, ANEBY_N
from geo.records.models import STOCKHOLM, Place, PlaceKind
from geo.spatial.layers import place_collections
from ui.place_payloads import clicked_place, drawn_shape

# SCB's tätort point for Aneby: E 488629.2 N 6411094.7 is lat 57.841630, lon 14.808475.
ANEBY_LAT, ANEBY_LON = 57.841630, 14.808475
# Six decimals of a degree are about 0.11 m north-south: the published lat/lon is that exact.
SIX_DECIMALS_M = 0.15


def drawn(geometry: dict) -> dict:
    """A feature as st_folium's all_drawings holds it."""
    return {"type": "Feature", "properties": {}, "geometry": geometry}


def test_a_drawn_marker_is_read_from_all_drawings_in_wgs84() -> None:
    drawing = drawn_shape([drawn({"type": "Point", "coordinates": [ANEBY_LON, ANEBY_LAT]})])
    assert drawing.count == 1
    assert drawing.geometry is not None
    assert drawing.geometry.distance(Point(ANEBY_E, ANEBY_N)) < SIX_DECIMALS_M


def test_with_several_drawings_the_last_one_is_used_and_counted() -> None:
    first = drawn({"type": "Point", "coordinates": [14.8, 57.8]})
    route = drawn({"type": "LineString", "coordinates": [[14.80, 57.84], [14.81, 57.84]]})
    drawing = drawn_shape([first, route])
    assert drawing.count == 2
    assert drawing.geometry is not None and drawing.geometry.geom_type == "LineString"


@pytest.mark.parametrize("drawings", [None, [], [{"type": "Feature", "geometry": None}]])
def test_nothing_drawn_gives_no_geometry(drawings: list | None) -> None:
    assert drawn_shape(drawings).geometry is None


def test_an_unreadable_drawing_is_reported_not_raised() -> None:
    drawing = drawn_shape([drawn({"type": "Polygon", "coordinates": "x"})])
    assert drawing.geometry is None
    assert "går inte att läsa" in drawing.problem


OFFICE = Place(PlaceKind.POLICE_OFFICE, "Poliskontoret", Point(ANEBY_E, ANEBY_N), id=3)
CENTRE = Place(
    PlaceKind.CENTRAL_AREA, "Centrum", box(ANEBY_E, ANEBY_N, ANEBY_E + 100, ANEBY_N + 100), id=4
)


def on_the_map(place: Place) -> dict:
    """The place's feature as the map draws it (and st_folium returns it when clicked)."""
    (feature,) = place_collections([place])[place.kind]["features"]
    return feature


@pytest.mark.parametrize("place", [OFFICE, CENTRE])
def test_clicking_a_stored_place_on_the_map_chooses_it(place: Place) -> None:
    assert clicked_place(on_the_map(place), [OFFICE, CENTRE]) is place


@pytest.mark.parametrize(
    "feature",
    [
        None,
        drawn({"type": "Point", "coordinates": [ANEBY_LON, ANEBY_LAT]}),  # just drawn
        {"type": "Feature", "properties": {"label": "Aneby"}, "geometry": None},  # a tätort
        {"type": "Feature", "properties": {"id": 99}, "geometry": None},  # not a known place
        {"type": "Feature", "properties": {"id": "3"}, "geometry": None},
        {"type": "Feature", "properties": {"id": True}, "geometry": None},
        {"type": "Feature", "properties": None, "geometry": None},
    ],
)
def test_a_click_on_anything_but_a_stored_place_chooses_nothing(feature: dict | None) -> None:
    assert clicked_place(feature, [OFFICE, CENTRE]) is None


def test_a_retired_place_is_never_chosen_by_a_click() -> None:
    retired = Place(
        PlaceKind.POLICE_OFFICE,
        "Gamla kontoret",
        Point(ANEBY_E, ANEBY_N),
        id=3,
        retired_at=datetime(2024, 5, 1, tzinfo=STOCKHOLM),
    )
    assert clicked_place(on_the_map(OFFICE), [retired]) is None
