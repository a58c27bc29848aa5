"""Activities on the map: counted per place and kind, or per grid square without a place."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import shapely
from shapely.geometry import Point

from geo.records.kinds import CommitmentKind
from geo.records.models import Activity, Place, PlaceKind
from geo.spatial.activity_groups import ActivityGroup, ActivitySpots, group_activities
from geo.spatial.crs import to_wgs84
from geo.spatial.layers import bounds_of, group_collections
from tests.common import CENTRE_OF_SQUARE, E0, N0, SQUARE_100M, local

K = CommitmentKind
TORGET = Place(PlaceKind.CENTRAL_AREA, "Torget", SQUARE_100M, id=1)
NORR = Place(PlaceKind.TRAFFIC_CONTROL_SITE, "Kontrollplats norr", Point(E0, N0 + 1000), id=2)
GAMLA = Place(
    PlaceKind.TRAFFIC_CONTROL_SITE,
    "Gamla infarten",
    Point(E0 + 1000, N0),
    id=3,
    retired_at=local(2023, 12, 1),
)
PLACES = {p.id: p for p in (TORGET, NORR, GAMLA) if p.id is not None}


def done(
    kind: CommitmentKind,
    start: datetime,
    place: Place | None = None,
    at: Point | None = None,
) -> Activity:
    return Activity(
        kind,
        start,
        start + timedelta(hours=2),
        place_id=place.id if place else None,
        geometry=at,
    )


def groups_of(activities: list[Activity], **kwargs: object) -> list[ActivityGroup]:
    return list(group_activities(ActivitySpots.of(activities), PLACES, **kwargs).groups)  # type: ignore[arg-type]


def test_a_year_at_two_places_is_one_marker_per_place_with_its_count_and_dates() -> None:
    activities = [
        done(K.PRESENCE, local(2023, 6, 1, 18), TORGET),
        done(K.PRESENCE, local(2023, 9, 7, 18), TORGET),
        done(K.PRESENCE, local(2024, 5, 20, 18), TORGET),
        done(K.TRAFFIC_CONTROL, local(2023, 8, 2, 7), NORR),
        done(K.TRAFFIC_CONTROL, local(2023, 8, 4, 15), NORR),
    ]
    result = group_activities(ActivitySpots.of(activities), PLACES)
    assert [(g.kind, g.place_id, g.count) for g in result.groups] == [
        (K.PRESENCE, 1, 3),
        (K.TRAFFIC_CONTROL, 2, 2),
    ]
    assert [g.label for g in result.groups] == [
        "Torget – Närvaro: 3 genomförda, 2023-06-01 – 2024-05-20",
        "Kontrollplats norr – Trafikkontroll: 2 genomförda, 2023-08-02 – 2023-08-04",
    ]
    assert (result.activities, result.unplaced) == (5, 0)
    # An area's marker stands inside it; a site's on the site.
    assert SQUARE_100M.contains(Point(result.groups[0].x, result.groups[0].y))
    assert (result.groups[1].x, result.groups[1].y) == (E0, N0 + 1000)


def test_two_kinds_at_one_place_are_two_markers_side_by_side() -> None:
    activities = [
        done(K.SAFETY_WALK, local(2023, 9, 19, 18), TORGET),
        *[done(K.PRESENCE, local(2023, 10, d, 13), TORGET) for d in (3, 10, 17)],
    ]
    presence, walk = groups_of(activities)
    assert (presence.kind, presence.count, presence.slot) == (K.PRESENCE, 3, 0)
    assert (walk.kind, walk.count, walk.slot) == (K.SAFETY_WALK, 1, 1)
    assert (presence.x, presence.y) == (walk.x, walk.y)
    assert walk.label == "Torget – Trygghetsvandring: 1 genomförd, 2023-09-19"


def test_activities_without_a_place_count_per_100_m_square_at_their_mean_position() -> None:
    activities = [
        done(K.PRESENCE, local(2023, 6, 1, 10), at=Point(E0 + 10, N0 + 10)),
        done(K.PRESENCE, local(2023, 6, 2, 10), at=Point(E0 + 30, N0 + 70)),
        done(K.PRESENCE, local(2023, 6, 3, 10), at=Point(E0 + 150, N0 + 50)),  # next square
    ]
    first, second = groups_of(activities)
    assert (first.count, first.x, first.y, first.square_m) == (2, E0 + 20, N0 + 40, 100.0)
    assert (second.count, second.x, second.y) == (1, E0 + 150, N0 + 50)
    assert (
        first.label == "Egen position (ruta 100 m) – Närvaro: 2 genomförda, 2023-06-01 – 2023-06-02"
    )
    assert first.place_id is None and first.place_name is None


def test_a_meeting_with_no_place_and_an_activity_at_a_hidden_place_are_unplaced() -> None:
    activities = [
        done(K.COORDINATION_MEETING, local(2023, 9, 14, 9)),
        # Place 99 is not among the places the reader may see (sekretess): without its own
        # position the activity is not drawn; with one, it is drawn there.
        Activity(
            K.NARCOTICS_INTERVENTION, local(2023, 9, 1, 20), local(2023, 9, 1, 23), place_id=99
        ),
        Activity(
            K.NARCOTICS_INTERVENTION,
            local(2023, 9, 2, 20),
            local(2023, 9, 2, 23),
            place_id=99,
            geometry=CENTRE_OF_SQUARE,
        ),
    ]
    result = group_activities(ActivitySpots.of(activities), PLACES)
    assert (result.activities, result.unplaced) == (3, 2)
    assert [(g.kind, g.count, g.place_id, g.x, g.y) for g in result.groups] == [
        (K.NARCOTICS_INTERVENTION, 1, None, E0 + 50, N0 + 50)
    ]


def test_an_activity_with_a_place_and_a_position_counts_at_its_place() -> None:
    activities = [
        done(K.TRAFFIC_CONTROL, local(2023, 8, 2, 7), NORR, at=Point(E0 + 3, N0 + 1004)),
        done(K.TRAFFIC_CONTROL, local(2023, 8, 9, 7), NORR),
    ]
    (group,) = groups_of(activities)
    assert (group.place_id, group.count, group.x, group.y) == (2, 2, E0, N0 + 1000)


def test_a_retired_place_keeps_what_was_done_there_and_says_it_is_retired() -> None:
    (group,) = groups_of([done(K.TRAFFIC_CONTROL, local(2023, 8, 2, 7), GAMLA)])
    assert group.label == "Gamla infarten (ur bruk) – Trafikkontroll: 1 genomförd, 2023-08-02"


def test_too_many_squares_make_the_squares_larger_until_few_enough() -> None:
    # Three positions 100 m apart: three 100 m squares, but one 250 m square.
    activities = [
        done(K.PRESENCE, local(2023, 6, 1 + i, 10), at=Point(E0 + 10 + 100 * i, N0 + 10))
        for i in range(3)
    ]
    assert len(groups_of(activities, max_own_squares=3)) == 3
    result = group_activities(ActivitySpots.of(activities), PLACES, max_own_squares=2)
    assert result.square_m == 250.0
    assert [(g.count, g.x, g.y) for g in result.groups] == [(3, E0 + 110, N0 + 10)]
    assert result.groups[0].label.startswith("Egen position (ruta 250 m) – Närvaro: 3 genomförda")


def test_dates_are_swedish_dates_even_just_after_midnight() -> None:
    # 00:30 on 1 June in Stockholm is still 31 May in UTC.
    (group,) = groups_of([done(K.PRESENCE, local(2023, 6, 1, 0, 30), TORGET)])
    assert (group.first.isoformat(), group.last.isoformat()) == ("2023-06-01", "2023-06-01")


def test_large_counts_are_written_with_a_space_between_thousands() -> None:
    start = local(2023, 6, 1, 10)
    # One an hour: the last starts 1,233 hours (51 days and 9 hours) after the first.
    activities = [done(K.PRESENCE, start + timedelta(hours=i), TORGET) for i in range(1234)]
    (group,) = groups_of(activities)
    assert group.label == "Torget – Närvaro: 1 234 genomförda, 2023-06-01 – 2023-07-22"


def test_counted_rows_from_the_store_give_the_same_groups_as_one_row_each() -> None:
    activities = [
        done(K.PRESENCE, local(2023, 6, 1, 18), TORGET),
        done(K.PRESENCE, local(2023, 7, 6, 18), TORGET),
        done(K.PRESENCE, local(2023, 6, 1, 10), at=Point(E0 + 10, N0 + 10)),
        done(K.COORDINATION_MEETING, local(2023, 9, 14, 9)),
    ]
    rows = [
        (
            1,
            "närvaro",
            None,
            2,
            local(2023, 6, 1, 18).timestamp(),
            local(2023, 7, 6, 18).timestamp(),
        ),
        (
            None,
            "närvaro",
            shapely.to_wkb(Point(E0 + 10, N0 + 10)),
            1,
            local(2023, 6, 1, 10).timestamp(),
            local(2023, 6, 1, 10).timestamp(),
        ),
        (None, "samverkansmöte", None, 1, 1694674800.0, 1694674800.0),
    ]
    assert group_activities(ActivitySpots.from_rows(rows), PLACES) == group_activities(
        ActivitySpots.of(activities), PLACES
    )


def test_the_map_gets_one_feature_per_group_with_its_label_and_count_in_wgs84() -> None:
    activities = [
        done(K.PRESENCE, local(2023, 6, 1, 18), NORR),
        done(K.PRESENCE, local(2023, 6, 8, 18), NORR),
        done(K.TRAFFIC_CONTROL, local(2023, 8, 2, 7), NORR),
    ]
    layers = group_collections(groups_of(activities))
    assert list(layers) == [K.PRESENCE, K.TRAFFIC_CONTROL]
    (presence,) = layers[K.PRESENCE]["features"]
    assert presence["properties"] == {
        "label": "Kontrollplats norr – Närvaro: 2 genomförda, 2023-06-01 – 2023-06-08",
        "count": 2,
        "slot": 0,
    }
    assert layers[K.TRAFFIC_CONTROL]["features"][0]["properties"]["slot"] == 1
    lon, lat = presence["geometry"]["coordinates"]
    expected = to_wgs84(Point(E0, N0 + 1000))
    assert (lon, lat) == pytest.approx((expected.x, expected.y), abs=1e-7)


def test_no_activities_give_no_markers() -> None:
    result = group_activities(ActivitySpots.of([]), PLACES)
    assert (result.groups, result.activities, result.unplaced) == ((), 0, 0)
    assert group_collections(result.groups) == {}


def test_map_bounds_are_the_box_around_the_points_widened_by_500_m_as_buffering_gave() -> None:
    points = [Point(E0, N0), Point(E0 + 1_000, N0 + 300), Point(E0 + 250, N0 - 2_000)]
    # The old rule: buffer every point by 500 m, merge the circles, take their bounds.
    west, south, east, north = shapely.GeometryCollection(points).buffer(500).bounds
    old = to_wgs84(shapely.box(west, south, east, north)).bounds
    box = bounds_of(points)
    assert box is not None
    assert (box.west, box.south, box.east, box.north) == pytest.approx(old, abs=1e-9)
    assert bounds_of([]) is None
