"""The store on SQLite and on PostGIS: every record round-trips, and writes are safe.

Every test runs twice (ids ``[sqlite]`` and ``[postgis]``) through the ``db_url`` fixture.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa
from shapely.geometry import Point

from geo.errors import ConflictError, SchemaError
from geo.records.kinds import Classification, CommitmentKind
from geo.records.models import (
    STOCKHOLM,
    Activity,
    Actor,
    BaseLayer,
    Finding,
    FindingStatus,
    Place,
    PlaceKind,
    PlannedActivity,
    PlanStatus,
)
from geo.records.promise_file import load_promise_file
from geo.store import Store, schema
from tests.common import (
    ANEBY_PROMISE,
    CENTRE_OF_SQUARE,
    E0,
    N0,
    POINT_WITH_CENTIMETRES,
    ROUTE_1KM,
    SQUARE_100M,
    local,
    table_counts,
)

# The store checks roles (issue 8): these tests write everything, so a police administrator.
PLANNER = Actor("planerare.aneby", role="admin", organisation="polis")
OTHER_PLANNER = Actor("polis.hoglandet", role="planner", organisation="Polisen")

GEOMETRY_OF_KIND = {
    PlaceKind.TRAFFIC_CONTROL_SITE: POINT_WITH_CENTIMETRES,
    PlaceKind.INTERVENTION_PLACE: CENTRE_OF_SQUARE,
    PlaceKind.POLICE_OFFICE: Point(E0 + 0.01, N0 + 0.99),
    PlaceKind.CENTRAL_AREA: SQUARE_100M,
    PlaceKind.WALK_ROUTE: ROUTE_1KM,
}
ATTRIBUTES_OF_KIND = {
    PlaceKind.TRAFFIC_CONTROL_SITE: {"väg": "Länsväg 132", "hastighet": 70, "riktning": "söderut"},
    PlaceKind.INTERVENTION_PLACE: {"platstyp": "Parkering vid idrottshallen"},
    PlaceKind.POLICE_OFFICE: {"adress": "Järnvägsgatan 1", "öppettider": "tisdagar 13–15"},
    PlaceKind.CENTRAL_AREA: {"syfte": "Närvaro vid fasta tider på Ågatan"},
    PlaceKind.WALK_ROUTE: {"hållplatser": ["Torget", "Skolan", "Äldreboendet"]},
}


pytestmark = pytest.mark.store_starts("schema")


def _place(kind: PlaceKind = PlaceKind.TRAFFIC_CONTROL_SITE, name: str = "Åbyvägen") -> Place:
    return Place(
        kind,
        name,
        GEOMETRY_OF_KIND[kind],
        Classification.INTERNAL,
        note="Nära skolan, sikt åt söder",
        attributes=ATTRIBUTES_OF_KIND[kind],
    )


def _activity(start: datetime, place_id: int | None = None) -> Activity:
    return Activity(
        CommitmentKind.TRAFFIC_CONTROL,
        start,
        start + timedelta(hours=2),
        commitment_id="trafikkontroller",
        place_id=place_id,
        geometry=POINT_WITH_CENTIMETRES,
        outcome={"kontrollerade_fordon": 42, "hastighetsovertradelser": 3, "timmar": 1.5},
        note="Kontroll på Storgatan i Frinnaryd",
    )


def _assert_same_to_the_centimetre(back, original) -> None:
    assert back.geom_type == original.geom_type
    assert back.equals_exact(original, tolerance=0.005)


# -- round trips --------------------------------------------------------------------------


def test_a_promise_document_comes_back_as_it_was_read_from_its_file(store) -> None:
    doc = load_promise_file(ANEBY_PROMISE)
    text = ANEBY_PROMISE.read_text(encoding="utf-8")

    with store.session(PLANNER) as s:
        first = s.save_promise_document(doc, ANEBY_PROMISE.name, text)
    with store.session(PLANNER) as s:
        again = s.save_promise_document(doc, ANEBY_PROMISE.name, text)
        back = s.promise_document()
        commitments = s.count("commitments")

    assert (first, again) == (True, False)
    assert back == doc
    assert commitments == 10


@pytest.mark.parametrize("kind", list(PlaceKind), ids=[k.value for k in PlaceKind])
def test_a_place_of_each_kind_comes_back_with_its_attributes_and_geometry(store, kind) -> None:
    with store.session(PLANNER) as s:
        added = s.add_place(_place(kind, name=f"{kind.label} vid Ågatan – östra"))
    with store.session(PLANNER) as s:
        back = s.get_place(added.id)

    assert back == added
    assert back.name == f"{kind.label} vid Ågatan – östra"
    assert dict(back.attributes) == ATTRIBUTES_OF_KIND[kind]
    assert back.geometry.geom_type == kind.geometry_type
    _assert_same_to_the_centimetre(back.geometry, GEOMETRY_OF_KIND[kind])
    assert (back.version, back.is_retired, back.is_example) == (1, False, False)


def test_a_point_keeps_its_centimetres(store) -> None:
    with store.session(PLANNER) as s:
        added = s.add_place(_place(PlaceKind.TRAFFIC_CONTROL_SITE))
    with store.session(PLANNER) as s:
        back = s.get_place(added.id).geometry

    assert (round(back.x, 2), round(back.y, 2)) == (480012.34, 6410056.78)


def test_areas_and_lengths_survive_the_round_trip_exactly(store) -> None:
    with store.session(PLANNER) as s:
        area = s.add_place(_place(PlaceKind.CENTRAL_AREA))
        route = s.add_place(_place(PlaceKind.WALK_ROUTE))
    with store.session(PLANNER) as s:
        assert s.get_place(area.id).geometry.area == 10_000.0
        assert s.get_place(route.id).geometry.length == 1_000.0


def test_an_activity_comes_back_with_its_outcome_counts_place_and_geometry(store) -> None:
    with store.session(PLANNER) as s:
        place = s.add_place(_place())
        added = s.add_activity(_activity(local(2024, 6, 4, 7), place.id))
    with store.session(PLANNER) as s:
        back = s.get_activity(added.id)

    assert back == added
    assert dict(back.outcome) == {
        "kontrollerade_fordon": 42,
        "hastighetsovertradelser": 3,
        "timmar": 1.5,
    }
    assert back.hours == 1.5
    assert (back.place_id, back.commitment_id) == (place.id, "trafikkontroller")
    assert back.recorded_by == "planerare.aneby"
    _assert_same_to_the_centimetre(back.geometry, POINT_WITH_CENTIMETRES)


def test_a_planned_activity_comes_back_with_its_team_and_status(store) -> None:
    with store.session(PLANNER) as s:
        place = s.add_place(_place(PlaceKind.INTERVENTION_PLACE))
        added = s.add_planned(
            PlannedActivity(
                CommitmentKind.NARCOTICS_INTERVENTION,
                local(2024, 9, 6, 20),
                local(2024, 9, 6, 23),
                commitment_id="riktade-insatser",
                place_id=place.id,
                geometry=SQUARE_100M,
                team="Närpolis Höglandet",
                classification=Classification.SECRET,
                note="Fredagskväll",
                status=PlanStatus.PLANNED,
                seed=604,
            )
        )
    with store.session(PLANNER) as s:
        back = s.get_planned(added.id)
        listed = s.list_planned(local(2024, 9, 1), local(2024, 10, 1))

    assert back == added
    assert listed == [added]
    _assert_same_to_the_centimetre(back.geometry, SQUARE_100M)


def test_a_finding_from_a_safety_walk_comes_back_with_its_action_and_owner(store) -> None:
    with store.session(PLANNER) as s:
        walk = s.add_activity(
            Activity(
                CommitmentKind.SAFETY_WALK,
                local(2024, 9, 19, 18),
                local(2024, 9, 19, 20),
                geometry=ROUTE_1KM,
                outcome={"deltagare": 14},
            )
        )
        added = s.add_finding(
            Finding(
                walk.id,
                "belysning",
                CENTRE_OF_SQUARE,
                description="Trasig gatlykta vid gångtunneln",
                action="Byt armaturen",
                owner="kommun",
                due=date(2024, 11, 18),
                status=FindingStatus.IN_PROGRESS,
            )
        )
    with store.session(PLANNER) as s:
        back = s.list_findings(walk.id)

    assert back == [added]
    assert (back[0].status, back[0].due) == (FindingStatus.IN_PROGRESS, date(2024, 11, 18))


def test_a_base_layer_comes_back_with_its_features_and_can_be_replaced(store) -> None:
    layer = BaseLayer("tatorter_test", "Tätorter", "Källa: SCB (CC0)", "test")
    features = [
        ({"tätort": "Åby", "befolkning": 120, "kod": "0604TB999"}, CENTRE_OF_SQUARE),
        ({"tätort": "Östra Ödeby", "befolkning": 75, "kod": "0604TB998"}, SQUARE_100M),
    ]

    with store.session(PLANNER) as s:
        stored = s.replace_base_layer(layer, features)
    with store.session(PLANNER) as s:
        layers = s.base_layers()
        back = s.base_features("tatorter_test")
    with store.session(PLANNER) as s:
        s.replace_base_layer(layer, features[:1])
    with store.session(PLANNER) as s:
        after_replace = s.base_features("tatorter_test")
        layer_count = len(s.base_layers())

    assert layers == [replace(layer, id=stored.id)]
    assert [p for p, _ in back] == [p for p, _ in features]
    for (_, geom), (_, original) in zip(back, features, strict=True):
        _assert_same_to_the_centimetre(geom, original)
    assert [p["tätort"] for p, _ in after_replace] == ["Åby"]
    assert layer_count == 1


# -- time ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "start,offset_hours",
    [
        (local(2024, 3, 30, 13), 1),  # the Saturday before summer time
        (local(2024, 3, 31, 13), 2),  # the day clocks go forward
        (local(2024, 10, 26, 13), 2),  # the Saturday before winter time
        (local(2024, 10, 27, 13), 1),  # the day clocks go back
    ],
    ids=["march-winter", "march-summer", "october-summer", "october-winter"],
)
def test_a_1300_slot_comes_back_at_1300_stockholm_time_across_dst(
    store, start, offset_hours
) -> None:
    with store.session(PLANNER) as s:
        added = s.add_activity(_activity(start))
    with store.session(PLANNER) as s:
        back = s.get_activity(added.id)

    assert back.start == start  # the same instant
    assert back.start.tzinfo == STOCKHOLM
    assert (back.start.hour, back.start.minute) == (13, 0)
    assert back.start.utcoffset() == timedelta(hours=offset_hours)
    assert (back.end.hour, back.end.utcoffset()) == (15, timedelta(hours=offset_hours))


def test_a_time_written_in_utc_comes_back_as_the_same_instant_in_stockholm(store) -> None:
    start = datetime(2024, 10, 27, 12, 0, tzinfo=UTC)

    with store.session(PLANNER) as s:
        added = s.add_activity(_activity(start))
    with store.session(PLANNER) as s:
        back = s.get_activity(added.id)

    assert back.start == start
    assert back.start.isoformat() == "2024-10-27T13:00:00+01:00"


def test_activities_are_listed_by_their_local_dates_across_the_dst_change(store) -> None:
    with store.session(PLANNER) as s:
        for day in (30, 31):
            s.add_activity(_activity(local(2024, 3, day, 0, 30)))
        s.add_activity(_activity(local(2024, 4, 1, 0, 30)))
    with store.session(PLANNER) as s:
        sunday = s.list_activities(local(2024, 3, 31), local(2024, 4, 1))

    assert [a.start.isoformat() for a in sunday] == ["2024-03-31T00:30:00+01:00"]


def test_the_recorded_time_is_timezone_aware(store) -> None:
    with store.session(PLANNER) as s:
        added = s.add_activity(_activity(local(2024, 6, 4, 7)))
    with store.session(PLANNER) as s:
        back = s.get_activity(added.id)

    assert back.recorded_at is not None
    assert back.recorded_at.tzinfo == STOCKHOLM
    assert abs(back.recorded_at - datetime.now(UTC)) < timedelta(minutes=5)


# -- safe writes --------------------------------------------------------------------------


def test_a_second_save_from_a_stale_copy_is_refused_and_the_first_save_stays(store) -> None:
    with store.session(PLANNER) as s:
        original = s.add_place(_place(name="Kontrollplats norr"))

    # Both planners opened version 1; the first to save wins.
    with store.session(PLANNER) as s:
        saved = s.update_place(replace(original, name="Kontrollplats norr (rv 32)"))
    with pytest.raises(ConflictError, match="Någon annan har sparat"):
        with store.session(OTHER_PLANNER) as s:
            s.update_place(replace(original, name="Kontrollplats Marbäck"))

    with store.session(PLANNER) as s:
        back = s.get_place(original.id)
    assert saved.version == 2
    assert (back.name, back.version) == ("Kontrollplats norr (rv 32)", 2)


def test_a_stale_activity_update_is_refused_too(store) -> None:
    with store.session(PLANNER) as s:
        original = s.add_activity(_activity(local(2024, 6, 4, 7)))
    with store.session(PLANNER) as s:
        s.update_activity(replace(original, note="Rättad anteckning"))
    with pytest.raises(ConflictError):
        with store.session(OTHER_PLANNER) as s:
            s.update_activity(replace(original, note="Annan anteckning"))

    with store.session(PLANNER) as s:
        back = s.get_activity(original.id)
    assert (back.note, back.version) == ("Rättad anteckning", 2)


def test_a_retired_place_stays_readable_and_keeps_its_activities(store) -> None:
    with store.session(PLANNER) as s:
        place = s.add_place(_place(name="Gamla kontrollplatsen"))
        activity = s.add_activity(_activity(local(2024, 6, 4, 7), place.id))
    with store.session(PLANNER) as s:
        retired = s.retire_place(place.id, place.version)
    with store.session(PLANNER) as s:
        in_use = s.list_places()
        everything = s.list_places(include_retired=True)
        back = s.get_place(place.id)
        logged = s.get_activity(activity.id)

    assert in_use == []
    assert [p.name for p in everything] == ["Gamla kontrollplatsen"]
    assert back.is_retired and back.retired_at == retired.retired_at
    assert back.retired_at.tzinfo == STOCKHOLM
    assert back.version == 2
    assert logged.place_id == place.id


def test_the_audit_log_says_who_changed_what_before_and_after(store) -> None:
    with store.session(PLANNER) as s:
        place = s.add_place(_place(name="Kontrollplats väster"))
    with store.session(OTHER_PLANNER) as s:
        s.update_place(replace(place, name="Kontrollplats Haurida"))

    with store.session(PLANNER) as s:
        update, create = s.audit_entries()

    assert (create["actor"], create["action"], create["table_name"]) == (
        "planerare.aneby",
        "create",
        "places",
    )
    assert create["record_id"] == str(place.id)
    assert create["before"] is None
    assert create["after"]["name"] == "Kontrollplats väster"
    assert create["after"]["geom"] == "POINT (480012.34 6410056.78)"
    assert (update["actor"], update["action"]) == ("polis.hoglandet", "update")
    assert update["before"]["name"] == "Kontrollplats väster"
    assert update["after"]["name"] == "Kontrollplats Haurida"
    assert update["at"].tzinfo == STOCKHOLM


def test_a_failing_unit_of_work_writes_nothing(store, db_url) -> None:
    before = table_counts(db_url)

    with pytest.raises(RuntimeError, match="strömavbrott"):
        with store.session(PLANNER) as s:
            place = s.add_place(_place())
            s.add_activity(_activity(local(2024, 6, 4, 7), place.id))
            raise RuntimeError("strömavbrott mitt i sparandet")

    assert table_counts(db_url) == before
    assert before["places"] == before["activities"] == before["audit_log"] == 0


# -- schema -------------------------------------------------------------------------------


def test_creating_the_schema_twice_changes_nothing_the_second_time(store, db_url) -> None:
    with store.session(PLANNER) as s:
        s.add_place(_place())
    before = table_counts(db_url)

    message = store.create_or_upgrade()

    assert message == f"Databasen är redan aktuell (schemaversion {schema.SCHEMA_VERSION})."
    assert table_counts(db_url) == before
    assert store.schema_version() == schema.SCHEMA_VERSION


def test_a_database_from_a_newer_version_is_refused_and_left_untouched(store, db_url) -> None:
    newer = schema.SCHEMA_VERSION + 1
    with store.session(PLANNER) as s:
        s.add_place(_place())
    with store.engine.begin() as conn:
        conn.execute(
            sa.update(schema.meta)
            .where(schema.meta.c.key == "schema_version")
            .values(value=str(newer))
        )
    tables = set(sa.inspect(store.engine).get_table_names())
    before = table_counts(db_url)

    with pytest.raises(SchemaError, match=f"schemaversion {newer}"):
        store.create_or_upgrade()
    with pytest.raises(SchemaError):
        store.require_schema()

    assert store.schema_version() == newer
    assert set(sa.inspect(store.engine).get_table_names()) == tables
    assert table_counts(db_url) == before


def test_an_empty_database_asks_for_init(db_url) -> None:
    empty = Store(db_url)
    try:
        with pytest.raises(SchemaError, match="lofteskartan init"):
            empty.require_schema()
    finally:
        empty.dispose()
