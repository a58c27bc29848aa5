"""Presence per central area and traffic-control site use, on squares of known size."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import numpy as np
import pytest
import shapely
from shapely.geometry import Point, box

from geo.followup.coverage import (
    area_totals,
    presence_by_area,
    presence_class,
    site_use,
    site_window,
)
from geo.records.kinds import CommitmentKind
from geo.records.models import STOCKHOLM, Activity, Place, PlaceKind
from geo.spatial.locations import points_from_activities

# Two 100 m × 100 m central areas side by side, sharing the border x = 100.
WEST = Place(PlaceKind.CENTRAL_AREA, "Väst", box(0, 0, 100, 100), id=1)
EAST = Place(PlaceKind.CENTRAL_AREA, "Öst", box(100, 0, 200, 100), id=2)
OFFICE = Place(PlaceKind.POLICE_OFFICE, "Kontoret", Point(25, 75), id=3)
PLACES = {p.id: p for p in (WEST, EAST, OFFICE)}
START = datetime(2024, 3, 5, 13, tzinfo=STOCKHOLM)


def presence(hours: float, where: Point | None = None, place_id: int | None = None) -> Activity:
    return Activity(
        CommitmentKind.PRESENCE,
        START,
        START + timedelta(hours=hours),
        place_id=place_id,
        geometry=where,
    )


def test_area_of_the_test_squares_is_one_hectare() -> None:
    assert WEST.geometry.area == EAST.geometry.area == 10_000


def test_hours_and_activities_per_area_on_known_squares() -> None:
    activities = [
        presence(2, Point(50, 50)),
        presence(1.5, Point(10, 90)),
        presence(3, Point(150, 50)),
        presence(1, Point(100, 50)),  # on the shared border: counts in both
        presence(4, Point(500, 500)),  # in neither
        presence(2, place_id=OFFICE.id),  # at the office, which lies in Väst
        presence(0.5, place_id=EAST.id),  # logged at the area itself
        presence(1),  # no location at all
    ]
    points = points_from_activities(activities, PLACES)
    result = {p.place.name: (p.activities, p.hours) for p in presence_by_area([WEST, EAST], points)}
    assert result == {"Väst": (4, 6.5), "Öst": (3, 4.5)}
    assert points.unplaced == 1


def test_recorded_hours_win_over_the_clock_time() -> None:
    start = START
    logged = Activity(
        CommitmentKind.PRESENCE,
        start,
        start + timedelta(hours=3),
        geometry=Point(50, 50),
        outcome={"timmar": 2},
    )
    points = points_from_activities([logged], PLACES)
    assert presence_by_area([WEST], points)[0].hours == 2


def test_vectorised_totals_equal_a_plain_loop_over_shapely_covers() -> None:
    rng = np.random.default_rng(5)
    areas = [box(x, y, x + 100, y + 100) for x, y in rng.uniform(0, 900, (30, 2))]
    xy = rng.uniform(0, 1000, (2000, 2))
    hours = rng.uniform(0.5, 3, 2000)
    counts, total = area_totals(areas, xy, hours)
    for i, area in enumerate(areas):
        inside = [j for j, (x, y) in enumerate(xy) if area.covers(Point(x, y))]
        assert counts[i] == len(inside)
        assert total[i] == pytest.approx(hours[inside].sum())


def test_no_areas_or_no_points_give_empty_totals() -> None:
    counts, hours = area_totals([], np.zeros((3, 2)), np.ones(3))
    assert counts.size == hours.size == 0
    counts, hours = area_totals([shapely.box(0, 0, 1, 1)], np.zeros((0, 2)), np.zeros(0))
    assert counts.tolist() == [0] and hours.tolist() == [0.0]


@pytest.mark.parametrize(
    "hours,expected", [(0, 0), (0.5, 1), (4.99, 1), (5, 2), (19.9, 2), (20, 3), (50, 4), (900, 4)]
)
def test_presence_classes_for_the_map(hours: float, expected: int) -> None:
    assert presence_class(hours) == expected


# -- traffic-control sites ----------------------------------------------------------------

NORTH = Place(PlaceKind.TRAFFIC_CONTROL_SITE, "Norr", Point(0, 1000), id=10)
SOUTH = Place(PlaceKind.TRAFFIC_CONTROL_SITE, "Söder", Point(0, -1000), id=11)
WESTSITE = Place(PlaceKind.TRAFFIC_CONTROL_SITE, "Väster", Point(-1000, 0), id=12)
NEVER = Place(PlaceKind.TRAFFIC_CONTROL_SITE, "Aldrig", Point(1000, 0), id=13)


def control(
    site: Place, day: date, kind: CommitmentKind = CommitmentKind.TRAFFIC_CONTROL
) -> Activity:
    start = datetime(day.year, day.month, day.day, 7, tzinfo=STOCKHOLM)
    return Activity(kind, start, start + timedelta(hours=2), place_id=site.id)


def test_the_window_is_whole_weeks_ending_on_the_day() -> None:
    assert site_window(date(2024, 5, 29), 8) == (date(2024, 4, 4), date(2024, 5, 29))


def test_sites_used_in_the_last_weeks_and_those_not_used() -> None:
    until = date(2024, 5, 29)
    activities = [
        control(NORTH, date(2024, 5, 20)),
        control(NORTH, date(2024, 4, 4)),  # first day of the 8-week window
        control(SOUTH, date(2024, 4, 3)),  # the day before the window
        control(WESTSITE, date(2024, 1, 10)),
        control(WESTSITE, date(2024, 6, 1)),  # after `until`: not seen
        control(NEVER, date(2024, 5, 1), CommitmentKind.PRESENCE),  # not a control
    ]
    use = site_use([NORTH, SOUTH, WESTSITE, NEVER], activities, until, weeks=8)
    assert [(u.place.name, u.uses, u.last_used) for u in use] == [
        ("Aldrig", 0, None),
        ("Väster", 0, date(2024, 1, 10)),
        ("Söder", 0, date(2024, 4, 3)),
        ("Norr", 2, date(2024, 5, 20)),
    ]
    assert [u.used for u in use] == [False, False, False, True]
