"""Site suggestions against the store (SQLite and PostGIS): layers in, rotation out."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest
from shapely.geometry import LineString, Point, box

from geo.errors import ValidationError
from geo.installation.init import save_promise_upload
from geo.planning.rotation import plan_rotation, planned_controls, save_rotation
from geo.planning.siting import Candidate, suggest_sites
from geo.planning.siting_inputs import (
    CENTRAL_AREAS_LAYER,
    VIOLATIONS_LAYER,
    base_layer_candidates,
    line_base_layers,
    site_candidates,
    store_demand_layers,
)
from geo.records.kinds import CommitmentKind
from geo.records.models import STOCKHOLM, Activity, Actor, BaseLayer, Place, PlaceKind, PlanStatus
from geo.store import Store
from tests.common import TRANAS_PROMISE_YAML

ACTOR = Actor("test")
E0, N0 = 483000.0, 6410000.0
WHEN = datetime(2024, 3, 6, 7, tzinfo=STOCKHOLM)


def _sites_and_controls(store: Store) -> list[Place]:
    """Three sites 1 km apart with 3, 0 and 5 violations logged; one central area."""
    with store.session(ACTOR) as s:
        sites = [
            s.add_place(Place(PlaceKind.TRAFFIC_CONTROL_SITE, name, Point(E0 + dx, N0)))
            for name, dx in (("Norr", 0), ("Mitt", 1000), ("Söder", 2000))
        ]
        s.add_place(
            Place(PlaceKind.CENTRAL_AREA, "Centrum", box(E0 + 900, N0, E0 + 1000, N0 + 100))
        )
        for place, violations in zip(sites, (3, 0, 5), strict=True):
            s.add_activity(
                Activity(
                    CommitmentKind.TRAFFIC_CONTROL,
                    WHEN,
                    WHEN,
                    place_id=place.id,
                    outcome={"overtradelser": violations, "kontrollerade_fordon": 40},
                )
            )
    return sites


def test_logged_violations_and_central_areas_are_demand_and_sites_are_candidates(
    store: Store,
) -> None:
    sites = _sites_and_controls(store)
    with store.session(ACTOR) as s:
        layers = store_demand_layers(s, s.promise_document())
        candidates = site_candidates(s.list_places(PlaceKind.TRAFFIC_CONTROL_SITE))
    assert layers[VIOLATIONS_LAYER].weights.tolist() == [3, 5]
    assert layers[CENTRAL_AREAS_LAYER].weights.tolist() == [0.25] * 4
    # Sorted by name: Mitt, Norr, Söder.
    assert [c.place_id for c in candidates] == [sites[1].id, sites[0].id, sites[2].id]

    result = suggest_sites(candidates, list(layers.values()), 2, 300)
    assert [s.candidate.name for s in result.chosen] == ["Söder", "Norr"]
    assert (result.covered_weight, result.total_weight) == (8, 9)


def test_a_road_base_layer_offers_candidates_every_n_metres(store: Store) -> None:
    with store.session(ACTOR) as s:
        s.replace_base_layer(
            BaseLayer("vagar", "Vägar", "Exempel"),
            [({"namn": "Väg 32"}, LineString([(E0, N0), (E0 + 500, N0)]))],
        )
        assert line_base_layers(s) == {"vagar": "Vägar"}
        cands = base_layer_candidates(s, "vagar", 250)
    assert [(c.name, c.x - E0) for c in cands] == [
        ("Väg 32, 0 m", 0),
        ("Väg 32, 250 m", 250),
        ("Väg 32, 500 m", 500),
    ]


def test_a_rotation_saved_to_the_schedule_comes_back_with_its_seed_and_sites(
    store: Store,
) -> None:
    sites = _sites_and_controls(store)
    road_point = Candidate("väg:1", "Väg 32, 250 m", E0 + 250, N0)
    rotation_sites = [*site_candidates(sites), road_point]
    weights = [3.0, 1.0, 5.0, 2.0]
    plan = plan_rotation(rotation_sites, weights, 6, 1, 4711, date(2023, 9, 4))
    controls = planned_controls(plan, weekday=3, start_time=time(15, 0), hours=2)
    doc_id = "aneby-2023-2024"
    with store.session(ACTOR) as s:
        saved = save_rotation(s, controls, doc_id)
    assert all(p.id is not None for p in saved)

    with store.session(ACTOR) as s:
        back = s.list_planned()
    assert len(back) == 6
    assert {p.kind for p in back} == {CommitmentKind.TRAFFIC_CONTROL}
    assert {p.status for p in back} == {PlanStatus.PLANNED}
    assert {p.seed for p in back} == {4711}
    assert back[0].start == datetime(2023, 9, 7, 15, 0, tzinfo=STOCKHOLM)
    # Each week's site comes back: stored sites by id, the road point as its geometry.
    expected = [w.sites[0] for w in plan.weeks]
    for planned, candidate in zip(back, expected, strict=True):
        if candidate.place_id is not None:
            assert (planned.place_id, planned.geometry) == (candidate.place_id, None)
        else:
            assert planned.place_id is None
            assert planned.geometry.equals(Point(candidate.x, candidate.y))

    # The stored seed reproduces the plan.
    again = plan_rotation(rotation_sites, weights, 6, 1, back[0].seed, date(2023, 9, 4))
    assert [w.sites[0].key for w in again.weeks] == [c.key for c in expected]


def test_the_same_rotation_is_not_saved_twice(store: Store) -> None:
    sites = site_candidates(_sites_and_controls(store))
    plan = plan_rotation(sites, [1.0, 1.0, 1.0], 3, 1, 31, date(2023, 9, 4))
    with store.session(ACTOR) as s:
        save_rotation(s, planned_controls(plan), None)
    with pytest.raises(ValidationError, match="frö 31 finns redan i planeringen"):
        with store.session(ACTOR) as s:
            save_rotation(s, planned_controls(plan), None)
    with store.session(ACTOR) as s:
        assert [p.seed for p in s.list_planned()] == [31, 31, 31]


def test_a_rotation_with_the_seed_of_another_promises_rotation_is_saved(store: Store) -> None:
    save_promise_upload(store, ACTOR, "tranas-2024-2025.yaml", TRANAS_PROMISE_YAML)
    roads = [Candidate(f"väg:{i}", f"Väg 32, {i} km", E0 + 1000 * i, N0) for i in range(3)]
    # Both promises run in these three weeks (Tranås from 2024-03-15, Aneby to 2024-05-29).
    plan = plan_rotation(roads, [1.0, 1.0, 1.0], 3, 1, 31, date(2024, 3, 18))
    with store.session(ACTOR) as s:
        save_rotation(s, planned_controls(plan), "aneby-2023-2024")
    with store.session(ACTOR) as s:
        save_rotation(s, planned_controls(plan), "tranas-2024-2025")
    with pytest.raises(ValidationError, match="frö 31 finns redan i planeringen"):
        with store.session(ACTOR) as s:
            save_rotation(s, planned_controls(plan), "tranas-2024-2025")
    with store.session(ACTOR) as s:
        for document in ("aneby-2023-2024", "tranas-2024-2025"):
            assert [p.seed for p in s.list_planned(document_id=document)] == [31, 31, 31]


def test_a_rotation_running_past_the_promise_year_is_refused_and_nothing_saved(
    store: Store,
) -> None:
    sites = site_candidates(_sites_and_controls(store))
    # Aneby's year ends Wednesday 2024-05-29: the third week's control, 2024-06-05, is after.
    plan = plan_rotation(sites, [1.0, 1.0, 1.0], 3, 1, 31, date(2024, 5, 20))
    with pytest.raises(ValidationError, match="^2024-06-05 ligger efter medborgarlöftets period"):
        with store.session(ACTOR) as s:
            save_rotation(s, planned_controls(plan), "aneby-2023-2024")
    with store.session(ACTOR) as s:
        assert s.list_planned() == []
