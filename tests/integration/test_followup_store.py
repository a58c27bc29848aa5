"""The follow-up's reads and writes on SQLite and PostGIS: indicators, locations, status."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, datetime, timedelta

import pytest
from shapely import wkb
from shapely.geometry import Point, box

from geo.cli import main
from geo.followup.coverage import load_presence
from geo.followup.heat import load_heat
from geo.followup.status import status_report, status_rows
from geo.records.indicators import Indicator
from geo.records.kinds import CommitmentKind
from geo.records.models import STOCKHOLM, Activity, Actor, Place, PlaceKind
from geo.records.periods import Period, promise_year
from geo.records.progress import commitment_for, commitment_match
from geo.spatial.locations import points_from_rows
from geo.store import Store

ACTOR = Actor("test")
E0, N0 = 483_000.0, 6_410_000.0


def at(day: date, hour: int) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=STOCKHOLM)


def test_indicators_are_added_changed_and_removed_with_an_audit_trail(store: Store) -> None:
    first = [
        Indicator("0604", "Skolnärvaro", "HT2023", 92.5, "%"),
        Indicator("0604", "Skolnärvaro", "VT2024", 93.0, "%"),
    ]
    with store.session(ACTOR) as s:
        assert s.save_indicators("0604", first) == (2, 0, 0)
    second = [
        Indicator("0604", "Skolnärvaro", "VT2024", 93.4, "%", "rättad"),
        Indicator("0604", "ANDT", "VT2024", 5.0, "%"),
    ]
    with store.session(ACTOR) as s:
        assert s.save_indicators("0604", second) == (1, 1, 1)
        stored = [
            (i.indicator, i.term, i.value, i.note, i.version) for i in s.list_indicators("0604")
        ]
        actions = [e["action"] for e in s.audit_entries(3) if e["table_name"] == "indicators"]
        assert s.list_indicators("0680") == []
    assert stored == [("ANDT", "VT2024", 5.0, "", 1), ("Skolnärvaro", "VT2024", 93.4, "rättad", 2)]
    assert sorted(actions) == ["create", "delete", "update"]
    with store.session(ACTOR) as s:
        assert s.save_indicators("0604", second) == (0, 0, 0)


def test_activity_locations_come_from_the_activity_or_its_place(store: Store) -> None:
    day = date(2023, 9, 5)
    with store.session(ACTOR) as s:
        office = s.add_place(Place(PlaceKind.POLICE_OFFICE, "Kontor", Point(E0, N0)))
        area = s.add_place(
            Place(PlaceKind.CENTRAL_AREA, "Torget", box(E0 + 100, N0, E0 + 300, N0 + 200))
        )
        added = s.add_activities_bulk(
            [
                Activity(CommitmentKind.PRESENCE, at(day, 13), at(day, 15), place_id=office.id),
                Activity(
                    CommitmentKind.PRESENCE,
                    at(day, 18),
                    at(day, 20),
                    place_id=office.id,
                    geometry=Point(E0 + 5, N0 + 5),  # its own position wins
                ),
                Activity(CommitmentKind.PRESENCE, at(day, 19), at(day, 21), place_id=area.id),
                Activity(CommitmentKind.TRAFFIC_CONTROL, at(day, 7), at(day, 9)),  # nowhere
                Activity(
                    CommitmentKind.PRESENCE,
                    at(day + timedelta(days=400), 13),
                    at(day + timedelta(days=400), 14),
                    place_id=office.id,
                ),
            ],
            document_id="aneby-2023-2024",
        )
        rows = s.activity_locations(at(day, 0), at(day + timedelta(days=1), 0))
        presence_only = s.activity_locations(kinds=[CommitmentKind.PRESENCE])
        places = {p.id: p for p in s.list_places(include_retired=True) if p.id is not None}
    assert added == 5
    assert len(rows) == 4 and len(presence_only) == 4
    points = points_from_rows(rows, places)
    assert points.unplaced == 1
    assert sorted(map(tuple, points.xy.round(1).tolist())) == [
        (E0, N0),
        (E0 + 5, N0 + 5),
        (E0 + 200, N0 + 100),
    ]


def test_activity_locations_filter_by_the_commitment_they_count_toward(store: Store) -> None:
    day = date(2023, 9, 5)
    narcotics = CommitmentKind.NARCOTICS_INTERVENTION
    with store.session(ACTOR) as s:
        s.add_activities_bulk(
            [
                Activity(narcotics, at(day, 20), at(day, 22), geometry=Point(E0, N0)),
                Activity(
                    narcotics, at(day, 21), at(day, 22), "riktade-insatser", geometry=Point(E0, N0)
                ),
                Activity(narcotics, at(day, 21), at(day, 22), "andt", geometry=Point(E0, N0)),
                Activity(CommitmentKind.PRESENCE, at(day, 13), at(day, 15), geometry=Point(E0, N0)),
            ]
        )
        doc = s.promise_document()
        toward = s.activity_locations(counting_toward=commitment_match(doc, "riktade-insatser"))
        presence = s.activity_locations(counting_toward=commitment_match(doc, "polisnarvaro"))
    # Unnamed narcotics activity and the named one; not the one naming another commitment.
    assert len(toward) == 2
    assert len(presence) == 1


def test_the_sql_filter_counts_what_commitment_for_counts(store: Store) -> None:
    day = date(2023, 9, 5)
    with store.session(ACTOR) as s:
        doc = s.promise_document()
        ways = [
            *((kind, None) for kind in CommitmentKind),
            *((c.kind, c.id) for c in doc.commitments),
            *((CommitmentKind.PRESENCE, c.id) for c in doc.commitments),
        ]
        # Each activity is told apart by its x coordinate.
        activities = [
            Activity(kind, at(day, 12), at(day, 13), cid, geometry=Point(E0 + i, N0))
            for i, (kind, cid) in enumerate(ways)
        ]
        s.add_activities_bulk(activities)
        for c in doc.commitments:
            rows = s.activity_locations(counting_toward=commitment_match(doc, c.id))
            by_sql = sorted(round(wkb.loads(bytes(g)).x - E0) for _, g in rows)
            by_python = [
                i
                for i, a in enumerate(activities)
                if (t := commitment_for(doc, a)) and t.id == c.id
            ]
            assert by_sql == by_python, c.id


def test_presence_per_area_and_the_heat_layer_read_from_the_store(store: Store) -> None:
    doc_year = Period(date(2023, 5, 30), date(2024, 5, 29), "år")
    day = date(2023, 9, 5)
    with store.session(ACTOR) as s:
        area = s.add_place(Place(PlaceKind.CENTRAL_AREA, "Torget", box(E0, N0, E0 + 100, N0 + 100)))
        site = s.add_place(Place(PlaceKind.TRAFFIC_CONTROL_SITE, "Norr", Point(E0, N0 + 2000)))
        s.add_activities_bulk(
            [
                Activity(
                    CommitmentKind.PRESENCE,
                    at(day, 13),
                    at(day, 15),
                    geometry=Point(E0 + 50, N0 + 50),
                ),
                Activity(CommitmentKind.PRESENCE, at(day, 18), at(day, 19), place_id=area.id),
                Activity(CommitmentKind.TRAFFIC_CONTROL, at(day, 7), at(day, 9), place_id=site.id),
            ]
        )
        doc = s.promise_document()
        view = load_presence(s, doc, doc_year, date(2023, 9, 20), 8, [CommitmentKind.PRESENCE])
        heat = load_heat(s, doc, doc_year.start_at, doc_year.end_at, 300)
    assert [(a.place.name, a.activities, a.hours) for a in view.areas] == [("Torget", 2, 3.0)]
    assert [(u.place.name, u.uses) for u in view.sites] == [("Norr", 1)]
    assert view.map["features"][0]["properties"]["presence_class"] == 1
    # Three activities (a spot in the area, the area, the site): counts per place, no surface.
    assert heat.layer.image is None and heat.layer.reason.startswith("Bara 3 aktiviteter")
    assert sorted(f["properties"]["label"] for f in heat.counts["features"]) == [
        "Egen position: 1",
        "Norr: 1",
        "Torget: 1",
    ]


def test_status_reports_the_pace_and_the_json_keeps_its_keys(
    store: Store, db_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with store.session(ACTOR) as s:
        doc = s.promise_document()
        year = promise_year(doc, 2023)
        s.add_activities_bulk(
            [
                Activity(
                    CommitmentKind.NARCOTICS_INTERVENTION,
                    at(year.start + timedelta(days=10 * i), 20),
                    at(year.start + timedelta(days=10 * i), 23),
                )
                for i in range(4)
            ]
        )
    # Half-way through the year (day 183 of 366) with 4 of 10 done: forecast 8, at risk.
    report = status_report(store, ACTOR, None, 2023, year.start + timedelta(days=182))
    row = next(r for r in status_rows(report) if r["id"] == "riktade-insatser")
    assert (row["done"], row["forecast"], row["status"]) == (4, 8, "risk")
    monkeypatch.setenv("LOFTESKARTAN_DB", db_url)
    assert main(["status", "--json", "--year", "2023"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert {"id", "title", "kind", "target", "done", "status", "forecast"} <= set(rows[0])
    row = next(r for r in rows if r["id"] == "riktade-insatser")
    # The CLI's today is after that year: 4 of 10 is final, and behind.
    assert (row["done"], row["forecast"], row["status"]) == (4, 4, "efter")
    assert [t["done"] for t in row["tertials"]] == [4, 0, 0, 0]
    assert main(["status", "--year", "2023"]) == 0
    text = capsys.readouterr().out
    assert "Prognos" in text and "Efter" in text
    assert "riktade-insatser: Löftesåret är slut: 4 av 10 blev klara, målet nåddes inte." in text


def test_the_activities_stamp_changes_when_an_activity_or_place_changes(store: Store) -> None:
    day = date(2023, 9, 5)
    with store.session(ACTOR) as s:
        empty = s.activities_stamp()
        added = s.add_activity(
            Activity(CommitmentKind.PRESENCE, at(day, 13), at(day, 15), geometry=Point(E0, N0))
        )
        one = s.activities_stamp()
        s.update_activity(replace(added, note="ändrad"))
        changed = s.activities_stamp()
        s.add_place(Place(PlaceKind.POLICE_OFFICE, "Kontor", Point(E0, N0)))
        with_place = s.activities_stamp()
        assert s.activities_stamp() == with_place  # nothing changed: same stamp
    assert len({empty, one, changed, with_place}) == 4
