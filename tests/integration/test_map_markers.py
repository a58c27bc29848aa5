"""The map's markers counted in the database (SQLite and PostGIS), as each reader may see them.

The Karta page no longer sends one point per activity: the store counts activities per
place and kind, and `geo.spatial.activity_groups` makes one marker of each. These tests pin the
markers on a tiny data set for a reader who sees sekretess and one who does not.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from shapely.geometry import Point, box

from geo.records.kinds import Classification, CommitmentKind
from geo.records.models import Activity, Actor, Place, PlaceKind
from geo.records.periods import promise_year
from geo.spatial.layers import load_map_data
from geo.store import Store
from tests.common import local

OPERATOR = Actor("test")
POLICE = Actor("polisplanerare", role="planner", organisation="polis")
KOMMUN = Actor("kommunplanerare", role="planner", organisation="kommun")
K = CommitmentKind
E0, N0 = 483_000.0, 6_410_000.0


def two_hours(
    kind: CommitmentKind,
    start: datetime,
    place: Place | None = None,
    at: Point | None = None,
    classification: Classification = Classification.INTERNAL,
) -> Activity:
    return Activity(
        kind,
        start,
        start + timedelta(hours=2),
        place_id=place.id if place else None,
        geometry=at,
        classification=classification,
    )


@pytest.fixture
def logged(store: Store) -> Store:
    """Ten activities in Aneby's first promise year (30 May 2023 – 29 May 2024) and one before."""
    with store.session(OPERATOR) as s:
        torget = s.add_place(
            Place(PlaceKind.CENTRAL_AREA, "Torget", box(E0, N0, E0 + 100, N0 + 100))
        )
        secret = s.add_place(
            Place(
                PlaceKind.INTERVENTION_PLACE,
                "Insatsplats",
                Point(E0 + 500, N0),
                Classification.SECRET,
            )
        )
        s.add_activities_bulk(
            [
                # At midnight: still 1 June in Sweden (31 May in UTC).
                two_hours(K.PRESENCE, local(2023, 6, 1, 0), torget),
                two_hours(K.PRESENCE, local(2023, 9, 7, 18), torget),
                two_hours(K.PRESENCE, local(2024, 5, 20, 18), torget),
                two_hours(K.SAFETY_WALK, local(2023, 9, 19, 18), torget),
                # No place, two positions in one 100 m square.
                two_hours(K.PRESENCE, local(2023, 7, 1, 22), at=Point(E0 + 210, N0 + 10)),
                two_hours(K.PRESENCE, local(2023, 7, 8, 22), at=Point(E0 + 230, N0 + 50)),
                two_hours(K.COORDINATION_MEETING, local(2023, 9, 14, 9)),
                two_hours(
                    K.NARCOTICS_INTERVENTION,
                    local(2023, 10, 2, 20),
                    secret,
                    classification=Classification.SECRET,
                ),
                two_hours(
                    K.NARCOTICS_INTERVENTION,
                    local(2024, 2, 5, 20),
                    secret,
                    classification=Classification.SECRET,
                ),
                # Internal, but at a place only the police's planners see.
                two_hours(K.TRAFFIC_CONTROL, local(2023, 11, 3, 7), secret),
                # Before the promise year: not counted.
                two_hours(K.PRESENCE, local(2023, 5, 29, 18), torget),
            ],
            document_id="aneby-2023-2024",
        )
    return store


def markers(store: Store, actor: Actor) -> tuple[dict[str, list[tuple[str, int]]], int, int]:
    with store.session(actor) as s:
        doc = s.promise_document()
        year = promise_year(doc, 2023)
        data = load_map_data(s, doc, year.start_at, year.end_at)
    layers = {
        kind.label: [(f["properties"]["label"], f["properties"]["count"]) for f in fc["features"]]
        for kind, fc in data.activities.items()
    }
    return layers, data.activity_count, data.unplaced_activities


def test_a_police_planner_sees_one_marker_per_place_and_kind_with_exact_counts(
    logged: Store,
) -> None:
    layers, activities, unplaced = markers(logged, POLICE)
    assert layers == {
        "Närvaro": [
            ("Torget – Närvaro: 3 genomförda, 2023-06-01 – 2024-05-20", 3),
            ("Egen position (ruta 100 m) – Närvaro: 2 genomförda, 2023-07-01 – 2023-07-08", 2),
        ],
        "Trafikkontroll": [("Insatsplats – Trafikkontroll: 1 genomförd, 2023-11-03", 1)],
        "Narkotikainsats": [
            ("Insatsplats – Narkotikainsats: 2 genomförda, 2023-10-02 – 2024-02-05", 2)
        ],
        "Trygghetsvandring": [("Torget – Trygghetsvandring: 1 genomförd, 2023-09-19", 1)],
    }
    assert (activities, unplaced) == (10, 1)  # the meeting has no place


def test_a_kommun_planner_sees_no_sekretess_and_no_marker_at_a_secret_place(
    logged: Store,
) -> None:
    layers, activities, unplaced = markers(logged, KOMMUN)
    assert layers == {
        "Närvaro": [
            ("Torget – Närvaro: 3 genomförda, 2023-06-01 – 2024-05-20", 3),
            ("Egen position (ruta 100 m) – Närvaro: 2 genomförda, 2023-07-01 – 2023-07-08", 2),
        ],
        "Trygghetsvandring": [("Torget – Trygghetsvandring: 1 genomförd, 2023-09-19", 1)],
    }
    # The two secret interventions do not exist for this reader, and neither does the traffic
    # control at the secret place: what is done at a sekretess place is sekretess. The
    # meeting is counted but not drawn.
    assert (activities, unplaced) == (7, 1)
