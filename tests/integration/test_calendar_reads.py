"""The calendar's reads from the store (SQLite and PostGIS): how many activities logged
without a plan each Stockholm day holds, and those of a range one by one, of one promise."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta

import pytest
from shapely.geometry import Point

from geo.installation.init import save_promise_upload
from geo.planning.calendar_days import CalendarSpan, DayCount, day_bounds, logged_on_shown_days
from geo.records.kinds import Classification, CommitmentKind
from geo.records.models import Activity, Actor, PlannedActivity
from geo.records.periods import Period
from geo.store import Store
from tests.common import E0, N0, aneby_copy, local

ANEBY, EKSJO = "aneby-2023-2024", "eksjo-2023-2024"
ADMIN = Actor("test")
# A kommun's viewer: sees no sekretess.
VIEWER = Actor("kommun.aneby", role="viewer", organisation="kommun:0604")
YEAR = Period(date(2023, 5, 30), date(2024, 5, 29), "Löftesår 2023/2024")
WEEK_45 = day_bounds(date(2023, 11, 6), date(2023, 11, 13), YEAR)


def presence(start: datetime, **changes: object) -> Activity:
    """Half an hour of presence from `start` (with `changes`: a classification, a plan)."""
    activity = Activity(
        CommitmentKind.PRESENCE, start, start + timedelta(minutes=30), geometry=Point(E0, N0)
    )
    return replace(activity, **changes)  # type: ignore[arg-type]


@pytest.fixture
def week(store: Store) -> Store:
    """Aneby's and Eksjö's activities in week 45 of 2023 (6–12 November)."""
    text = aneby_copy(EKSJO, "Eksjö", "0686", date(2023, 6, 15), date(2024, 6, 14))
    save_promise_upload(store, ADMIN, f"{EKSJO}.yaml", text)
    with store.session(ADMIN) as s:
        plan = s.add_planned(
            PlannedActivity(
                CommitmentKind.PRESENCE, local(2023, 11, 6, 13), local(2023, 11, 6, 15)
            ),
            ANEBY,
        )
        aneby = [
            presence(local(2023, 11, 6, 10)),
            presence(local(2023, 11, 6, 11)),
            # Half past midnight in Stockholm is still Monday in UTC: it is Tuesday's.
            presence(local(2023, 11, 7, 0, 30)),
            presence(local(2023, 11, 8, 20), classification=Classification.SECRET),
            # Done as planned: the calendar shows it as its plan, not again.
            presence(local(2023, 11, 6, 13), planned_id=plan.id),
            # The next Monday: another week.
            presence(local(2023, 11, 13, 10)),
        ]
        # Thursday: more than a week's day draws one by one.
        thursday = local(2023, 11, 9, 8)
        aneby += [presence(thursday + timedelta(minutes=i)) for i in range(201)]
        s.add_activities_bulk(aneby, document_id=ANEBY)
        eksjo = [presence(local(2023, 11, 6, 9 + i)) for i in range(5)]
        s.add_activities_bulk(eksjo, document_id=EKSJO)
    return store


def per_day(store: Store, actor: Actor, document_id: str) -> dict[date, int]:
    with store.session(actor) as s:
        tallies = s.count_unplanned_activities(WEEK_45, document_id=document_id)
    days: dict[date, int] = {}
    for t in tallies:
        day = WEEK_45[t.slice].date()
        days[day] = days.get(day, 0) + t.count
    return days


def test_each_stockholm_day_counts_its_own_promises_activities_logged_without_a_plan(
    week: Store,
) -> None:
    assert per_day(week, ADMIN, ANEBY) == {
        date(2023, 11, 6): 2,
        date(2023, 11, 7): 1,
        date(2023, 11, 8): 1,
        date(2023, 11, 9): 201,
    }
    assert per_day(week, ADMIN, EKSJO) == {date(2023, 11, 6): 5}


def test_a_viewer_is_not_told_of_a_sekretess_activity_in_the_count(week: Store) -> None:
    assert date(2023, 11, 8) not in per_day(week, VIEWER, ANEBY)


def test_the_range_read_holds_the_promises_unplanned_activities_of_those_days_only(
    week: Store,
) -> None:
    with week.session(ADMIN) as s:
        monday = s.list_activities(WEEK_45[0], WEEK_45[1], document_id=ANEBY, unplanned=True)
        everything = s.list_activities(WEEK_45[0], WEEK_45[1], document_id=ANEBY)
    assert [a.start for a in monday] == [local(2023, 11, 6, 10), local(2023, 11, 6, 11)]
    assert len(everything) == 3  # the done plan is there without `unplanned`


def test_the_week_reads_its_quiet_days_one_by_one_and_counts_the_crowded_one(
    week: Store,
) -> None:
    with week.session(ADMIN) as s:
        doc = s.promise_document(ANEBY)
        shown = logged_on_shown_days(s, doc, YEAR, date(2023, 11, 8), CalendarSpan.WEEK)
    assert [a.start for a in shown.activities] == [
        local(2023, 11, 6, 10),
        local(2023, 11, 6, 11),
        local(2023, 11, 7, 0, 30),
        local(2023, 11, 8, 20),
    ]
    assert shown.crowded == [DayCount(date(2023, 11, 9), 201, ((CommitmentKind.PRESENCE, 201),))]


def test_the_weeks_list_reads_the_crowded_day_one_by_one(week: Store) -> None:
    with week.session(ADMIN) as s:
        doc = s.promise_document(ANEBY)
        shown = logged_on_shown_days(s, doc, YEAR, date(2023, 11, 8), CalendarSpan.LIST)
    assert (len(shown.activities), shown.crowded) == (4 + 201, [])
