"""Where candidates and demand come from: stored sites, roads, logged controls, areas."""

from __future__ import annotations

from datetime import datetime

import pytest
from shapely.geometry import LineString, MultiLineString, Point, box

from geo.errors import ValidationError
from geo.planning.siting import Candidate
from geo.planning.siting_inputs import (
    STORE_LAYER_TITLES,
    VIOLATIONS_LAYER,
    central_areas_layer,
    combine_candidates,
    geometry_demand_points,
    points_along,
    road_candidates,
    site_candidates,
    violation_counts,
    violations_layer,
)
from geo.records.kinds import CommitmentKind
from geo.records.models import STOCKHOLM, Activity, Place, PlaceKind
from tests.common import activity_table_of

WHEN = datetime(2024, 3, 6, 7, tzinfo=STOCKHOLM)


def site(pid: int, name: str, x: float, retired: bool = False) -> Place:
    return Place(
        PlaceKind.TRAFFIC_CONTROL_SITE,
        name,
        Point(x, 0),
        id=pid,
        retired_at=WHEN if retired else None,
    )


def control(outcome: dict[str, float], place_id: int | None = None, geometry=None) -> Activity:
    return Activity(
        CommitmentKind.TRAFFIC_CONTROL,
        WHEN,
        WHEN,
        place_id=place_id,
        geometry=geometry,
        outcome=outcome,
    )


def test_only_active_traffic_control_sites_become_candidates() -> None:
    centre = Place(PlaceKind.CENTRAL_AREA, "Centrum", box(0, 0, 10, 10), id=9)
    places = [
        site(1, "Norr", 0),
        site(2, "Gammal", 100, retired=True),
        centre,
        site(3, "Söder", 200),
    ]
    assert site_candidates(places) == [
        Candidate("plats:1", "Norr", 0.0, 0.0, 1),
        Candidate("plats:3", "Söder", 200.0, 0.0, 3),
    ]


def test_joined_candidate_lists_keep_their_order_and_get_unique_keys() -> None:
    a, b = Candidate("f:1", "A", 0, 0), Candidate("f:1", "B", 5, 0)
    joined = combine_candidates([a], [b, Candidate("f:2", "C", 9, 0)])
    assert [(c.key, c.name) for c in joined] == [("f:1", "A"), ("f:1#2", "B"), ("f:2", "C")]


def test_points_every_n_metres_along_a_road_start_at_its_start() -> None:
    points = points_along(LineString([(0, 0), (1000, 0)]), 250)
    assert [(p.x, p.y) for p in points] == [(0, 0), (250, 0), (500, 0), (750, 0), (1000, 0)]
    with pytest.raises(ValidationError, match="fler än 0 meter"):
        points_along(LineString([(0, 0), (1000, 0)]), 0)


def test_road_pieces_that_meet_do_not_give_the_same_point_twice() -> None:
    road = MultiLineString([[(0, 0), (400, 0)], [(400, 0), (400, 400)]])
    cands = road_candidates([("Väg 32", road)], 200)
    assert [(c.x, c.y) for c in cands] == [(0, 0), (200, 0), (400, 0), (400, 200), (400, 400)]
    assert cands[1].name == "Väg 32, 200 m"
    assert road_candidates([("Lång väg", LineString([(0, 0), (1200, 0)]))], 1200)[1].name == (
        "Lång väg, 1\u00a0200 m"
    )


def test_an_area_shares_its_weight_over_a_50_m_grid_inside_it() -> None:
    xy, weights = geometry_demand_points(box(0, 0, 100, 100), 2.0)
    assert sorted(map(tuple, xy.tolist())) == [(25, 25), (25, 75), (75, 25), (75, 75)]
    assert weights.tolist() == [0.5] * 4


def test_an_area_smaller_than_the_grid_is_one_point_with_its_whole_weight() -> None:
    xy, weights = geometry_demand_points(box(0, 0, 10, 10), 3.0)
    assert xy.tolist() == [[5, 5]] and weights.tolist() == [3.0]


def test_a_point_keeps_its_weight_and_a_line_shares_it() -> None:
    xy, weights = geometry_demand_points(Point(7, 8), 4.0)
    assert (xy.tolist(), weights.tolist()) == ([[7, 8]], [4.0])
    xy, weights = geometry_demand_points(LineString([(0, 0), (100, 0)]), 3.0)
    assert xy[:, 0].tolist() == [0, 50, 100]
    assert weights.tolist() == pytest.approx([1.0, 1.0, 1.0])


@pytest.mark.parametrize(
    "outcome, expected",
    [
        ({"overtradelser": 7, "hastighetsovertradelser": 5}, 7),
        ({"hastighetsovertradelser": 5, "rattfylleri_drograttfylleri": 1}, 6),
        ({"kontrollerade_fordon": 40}, 0),
    ],
)
def test_a_control_counts_its_violations(outcome: dict[str, float], expected: float) -> None:
    controls = activity_table_of([control(outcome)])
    assert violation_counts(controls.outcome, 1).tolist() == [expected]


def test_logged_controls_are_demand_weighted_by_their_violations() -> None:
    places = [site(1, "Norr", 0), site(2, "Söder", 500)]
    controls = [
        control({"overtradelser": 3}, place_id=1),
        control({"overtradelser": 2}, place_id=1),
        control({"overtradelser": 0}, place_id=2),  # nothing found: no demand
        control({"overtradelser": 4}, geometry=Point(900, 0)),  # a control off the sites
        control({"overtradelser": 9}),  # no place at all: not on the map, left out
    ]
    layer = violations_layer(activity_table_of(controls), places)
    assert layer.name == STORE_LAYER_TITLES[VIOLATIONS_LAYER]
    assert layer.xy.tolist() == [[0, 0], [0, 0], [900, 0]]
    assert layer.weights.tolist() == [3, 2, 4]


def test_each_active_central_area_weighs_one_in_total() -> None:
    areas = [
        Place(PlaceKind.CENTRAL_AREA, "Centrum", box(0, 0, 100, 100), id=1),
        Place(PlaceKind.CENTRAL_AREA, "Stationen", box(500, 0, 550, 50), id=2),
        Place(PlaceKind.CENTRAL_AREA, "Gamla", box(900, 0, 950, 50), id=3, retired_at=WHEN),
    ]
    layer = central_areas_layer(areas, layer_weight=2)
    assert len(layer) == 5
    assert layer.weights.sum() == pytest.approx(2.0)
    assert layer.effective_weights.sum() == pytest.approx(4.0)
