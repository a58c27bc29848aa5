"""Exports read activities as columns in chunks: the same activities and figures as records.

The export data set reads the store with `Session.activity_table` (chunks of rows, only the
columns it needs) instead of a record per activity. These tests hold it to what the record
read (`Session.list_activities`) gives, on SQLite and on PostGIS, with chunks of two rows so
that every store read crosses chunk borders.
"""

from __future__ import annotations

import io
from datetime import date

import pytest
from icalendar import Calendar
from shapely.geometry import Point

import geo.store.core as store_core
from geo.disclosure.audience import PUBLIC_READER, Audience, ExportRequest
from geo.disclosure.public import may_be_placed_publicly
from geo.disclosure.publish import calendar_feed, write_calendar
from geo.exports.make import load_export_data
from geo.records.models import Activity, Actor, Place, with_promise_kinds
from geo.records.progress import progress
from geo.records.promise import PromiseDocument
from geo.spatial.aggregate import count_in_cells
from geo.spatial.layers import activity_point
from geo.store import Store
from tests.export_fixtures import ACTOR, DOCUMENT, MADE_AT, MEETING, PERIOD, plant

pytestmark = pytest.mark.store_starts("empty")


@pytest.fixture
def planted(store: Store, monkeypatch: pytest.MonkeyPatch) -> Store:
    plant(store)
    monkeypatch.setattr(store_core, "STREAM_ROWS", 2)
    return store


def request(audience: Audience) -> ExportRequest:
    return ExportRequest(audience, *PERIOD, MADE_AT, meeting_date=MEETING)


def records(store: Store, audience: Audience) -> tuple[PromiseDocument, list[Activity]]:
    """The promise and its activities as the record read gives them to the export's reader."""
    reader = PUBLIC_READER if audience is Audience.PUBLIC else ACTOR
    with store.session(reader) as s:
        doc = s.promise_document(DOCUMENT)
        return doc, with_promise_kinds(s.list_activities(document_id=doc.id), doc)


def local_day(activity: Activity) -> date:
    return activity.start.date()


def test_an_internal_export_holds_every_activity_of_the_period_as_the_records_say(
    planted: Store,
) -> None:
    data = load_export_data(planted, ACTOR, request(Audience.INTERNAL))
    doc, stored = records(planted, Audience.INTERNAL)
    in_period = [a for a in stored if PERIOD[0] <= local_day(a) <= PERIOD[1]]
    places = {p.id: p for p in data.places if p.id is not None}

    rows = {row.id: row for row in data.activities}
    assert len(rows) == len(data.activities) == len(in_period) > 4
    for a in in_period:
        row = rows[a.id]
        point = activity_point(a, places)
        assert (row.kind, row.commitment_id, row.start, row.end) == (
            a.kind,
            a.commitment_id,
            a.start,
            a.end,
        )
        assert (row.classification, row.note, row.hours) == (
            a.classification,
            a.note,
            round(a.hours, 2),
        )
        assert dict(row.outcome) == dict(a.outcome)
        assert row.geometry == (point if isinstance(point, Point) else None)
    assert [(r.commitment.id, r.done, r.hours) for r in data.summary.rows] == [
        (p.commitment.id, p.done, p.hours) for p in progress(doc, data.period, in_period)
    ]


def test_a_public_export_counts_and_places_what_the_records_give_with_small_counts_withheld(
    planted: Store,
) -> None:
    data = load_export_data(planted, ACTOR, request(Audience.PUBLIC))
    doc, stored = records(planted, Audience.PUBLIC)
    assert data.counted_until is not None
    counted = [a for a in stored if PERIOD[0] <= local_day(a) <= data.counted_until]
    k = data.rules.min_count

    assert data.activities == ()
    assert [r.done for r in data.summary.rows] == [
        None if 0 < p.done < k else p.done for p in progress(doc, data.period, counted)
    ]
    places = {p.id: p for p in stored_places(planted)}
    points = [activity_point(a, places) for a in counted if may_be_placed_publicly(a, places)]
    expected = count_in_cells(
        [p for p in points if p is not None], data.rules.cell_size_m, data.rules.grid, k
    )
    assert [(c.key, c.count) for c in data.cells] == [(c.key, c.count) for c in expected]


def stored_places(store: Store) -> list[Place]:
    with store.session(PUBLIC_READER) as s:
        return s.list_places(include_retired=True)


def test_reading_an_export_reports_progress_chunk_by_chunk_up_to_every_activity(
    planted: Store,
) -> None:
    told: list[tuple[int, int]] = []
    data = load_export_data(
        planted, ACTOR, request(Audience.INTERNAL), lambda done, total: told.append((done, total))
    )

    done = [d for d, _ in told]
    totals = {total for _, total in told}
    assert len(totals) == 1
    total = totals.pop()
    assert total >= len(data.activities) > 4
    assert done[0] == 0 and done[-1] == total
    assert done == sorted(done) and len(set(done)) == len(done) > 3


# -- the calendar feed: activities read as a stream of records -------------------------------


@pytest.mark.parametrize("reader", [ACTOR, PUBLIC_READER], ids=["internal", "public reader"])
def test_a_streamed_read_gives_the_activities_the_list_gives_a_chunk_at_a_time(
    planted: Store, monkeypatch: pytest.MonkeyPatch, reader: Actor
) -> None:
    monkeypatch.setattr(store_core, "STREAM_ROWS", 2)
    with planted.session(reader) as s:
        listed = s.list_activities(document_id=DOCUMENT)
        streamed = list(s.iter_activities(document_id=DOCUMENT))
    assert len(listed) > 2
    assert streamed == listed


def test_the_internal_calendar_written_from_a_stream_is_the_feed_built_from_the_list(
    planted: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store_core, "STREAM_ROWS", 2)
    with planted.session(ACTOR) as s:
        doc = s.promise_document(DOCUMENT)
        plans = with_promise_kinds(s.list_planned(document_id=doc.id), doc)
        places = s.places_by_id(doc.kommunkod)
        listed = with_promise_kinds(s.list_activities(document_id=doc.id), doc)
        whole = calendar_feed(
            plans, places, Audience.INTERNAL, activities=listed, generated_at=MADE_AT
        )
        out = io.BytesIO()
        written = write_calendar(
            out,
            plans,
            places,
            Audience.INTERNAL,
            # A generator, as the command line passes it: the feed trusts the store's order.
            activities=(
                with_promise_kinds([a], doc)[0] for a in s.iter_activities(document_id=doc.id)
            ),
            generated_at=MADE_AT,
        )
    assert out.getvalue() == whole
    calendar = Calendar.from_ical(whole)
    events = calendar.walk("VEVENT")
    unplanned = [a for a in listed if a.planned_id is None]
    assert written == len(events) == len(plans) + len(unplanned)
    assert calendar.subcomponents[0].name == "VTIMEZONE"
