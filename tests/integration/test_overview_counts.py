"""The overview's figures counted in the database (SQLite and PostGIS).

Översikt, Uppföljning and `lofteskartan status` no longer build every activity record
(100,000 took about 13 s); the store counts per commitment and tertial. The counted
figures must equal those computed from every record, hours across a clock change included.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta

from geo.followup.status import status_report
from geo.records.kinds import Classification, CommitmentKind
from geo.records.models import Activity, Actor, PlannedActivity, PlanStatus
from geo.records.periods import promise_year
from geo.records.progress import progress, progress_by_tertial
from geo.store import Store
from tests.common import local

OPERATOR = Actor("test")
KOMMUN = Actor("kommunplanerare", role="planner", organisation="kommun")
K = CommitmentKind


def two_hours(
    kind: CommitmentKind,
    start: datetime,
    classification: Classification = Classification.INTERNAL,
) -> Activity:
    return Activity(
        kind,
        start,
        start + timedelta(hours=2),
        classification=classification,
    )


def test_the_counted_overview_equals_the_one_from_every_activity_record(store: Store) -> None:
    year_start = date(2023, 5, 30)
    with store.session(OPERATOR) as s:
        s.add_activities_bulk(
            [
                two_hours(K.PRESENCE, local(2023, 6, 1, 18)),
                # Recorded hours win over the clock.
                replace(two_hours(K.PRESENCE, local(2023, 9, 1, 18)), outcome={"timmar": 3.5}),
                # Across the autumn clock change: 22:00–03:00 is five hours on the clock.
                Activity(
                    K.PRESENCE,
                    local(2023, 10, 28, 22),
                    datetime(2023, 10, 29, 3, tzinfo=local(2023, 1, 1).tzinfo),
                ),
                two_hours(K.TRAFFIC_CONTROL, local(2024, 1, 10, 7)),
                two_hours(K.TRAFFIC_CONTROL, local(2024, 5, 29, 23)),  # the year's last day
                two_hours(K.TRAFFIC_CONTROL, local(2024, 5, 30, 0)),  # the next year
                two_hours(K.ANDT, local(2023, 11, 21, 10), classification=Classification.SECRET),
            ],
            document_id="aneby-2023-2024",
        )
        s.add_planned(
            PlannedActivity(
                K.PRESENCE,
                local(2023, 12, 5, 13),
                local(2023, 12, 5, 15),
                status=PlanStatus.PLANNED,
            )
        )
        s.add_planned(
            PlannedActivity(
                K.PRESENCE, local(2023, 12, 12, 13), local(2023, 12, 12, 15), status=PlanStatus.DONE
            )
        )
    for actor in (OPERATOR, KOMMUN):
        report = status_report(store, actor, None, 2023, date(2024, 1, 15))
        with store.session(actor) as s:
            doc = s.promise_document()
            year = promise_year(doc, 2023)
            records = s.list_activities(year.start_at, year.end_at)
            plans = s.list_planned(year.start_at, year.end_at)
        assert report.period.start == year_start
        assert list(report.rows) == progress(doc, year, records, plans)
        assert [(sl, list(rows)) for sl, rows in report.tertials] == progress_by_tertial(
            doc, year, records, plans
        )
    counts = {
        p.commitment.kind: (p.done, p.hours, p.planned)
        for p in status_report(store, OPERATOR, None, 2023, date(2024, 1, 15)).rows
        if p.done or p.planned
    }
    assert counts == {
        K.PRESENCE: (3, 2 + 3.5 + 5, 1),
        K.TRAFFIC_CONTROL: (2, 4.0, 0),
        K.ANDT: (1, 2.0, 0),
    }
