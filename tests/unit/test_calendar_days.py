"""Planering's calendar reads the days it shows: a week is Monday to Sunday, a month its six
drawn weeks, both kept inside the promise year; a day with more logged activities than the
view can draw becomes a count, and the other days are read one by one."""

from __future__ import annotations

from datetime import UTC, date, timedelta

import pytest

from geo.planning.calendar_days import (
    CalendarSpan,
    DayCount,
    crowded_days,
    day_bounds,
    shown_days,
    starting_on,
    uncrowded_ranges,
)
from geo.records.kinds import CommitmentKind
from geo.records.models import PlannedActivity
from geo.records.periods import Period
from geo.records.progress import Tally
from tests.common import local

YEAR = Period(date(2023, 5, 30), date(2024, 5, 29), "Löftesår 2023/2024")
PRESENCE, TRAFFIC = CommitmentKind.PRESENCE, CommitmentKind.TRAFFIC_CONTROL


@pytest.mark.parametrize(
    ("day", "span", "first", "end"),
    [
        # Wednesday 8 November 2023: ISO week 45 runs Monday 6 to Sunday 12.
        (date(2023, 11, 8), CalendarSpan.WEEK, date(2023, 11, 6), date(2023, 11, 13)),
        (date(2023, 11, 8), CalendarSpan.LIST, date(2023, 11, 6), date(2023, 11, 13)),
        # November 2023 starts on a Wednesday: its grid starts Monday 30 October.
        (date(2023, 11, 8), CalendarSpan.MONTH, date(2023, 10, 30), date(2023, 12, 11)),
        # January 2024 starts on a Monday: its grid starts on the 1st.
        (date(2024, 1, 31), CalendarSpan.MONTH, date(2024, 1, 1), date(2024, 2, 12)),
    ],
)
def test_the_calendar_shows_the_week_or_the_months_six_weeks_around_the_day(
    day: date, span: CalendarSpan, first: date, end: date
) -> None:
    assert shown_days(day, span) == (first, end)


def test_a_week_inside_the_year_is_read_from_its_monday_to_the_next_monday_local_time() -> None:
    bounds = day_bounds(date(2023, 11, 6), date(2023, 11, 13), YEAR)
    assert bounds == [local(2023, 11, 6) + timedelta(days=i) for i in range(8)]


def test_the_days_of_a_week_outside_the_promise_year_are_not_read() -> None:
    # The last week: Monday 27 May to Sunday 2 June 2024; the year ends Wednesday 29 May.
    bounds = day_bounds(date(2024, 5, 27), date(2024, 6, 3), YEAR)
    assert (bounds[0], bounds[-1]) == (local(2024, 5, 27), local(2024, 5, 30))
    assert day_bounds(date(2024, 6, 3), date(2024, 6, 10), YEAR) == []


def test_a_day_across_the_autumn_clock_change_is_still_one_day() -> None:
    bounds = day_bounds(date(2023, 10, 29), date(2023, 10, 30), YEAR)
    assert bounds == [local(2023, 10, 29), local(2023, 10, 30)]
    # The night the clocks go back has 25 hours: the day ends at midnight, not at 23:00.
    assert bounds[1].astimezone(UTC) - bounds[0].astimezone(UTC) == timedelta(hours=25)


def test_only_a_day_with_more_activities_than_the_limit_becomes_a_count_with_its_kinds() -> None:
    bounds = day_bounds(date(2023, 11, 6), date(2023, 11, 13), YEAR)
    tallies = [
        Tally(PRESENCE, "narvaro", 0, 200),  # Monday: exactly the limit, drawn one by one
        Tally(PRESENCE, "narvaro", 1, 150),  # Tuesday: 150 + 60 + 1 = 211
        Tally(TRAFFIC, "trafik", 1, 60),
        Tally(TRAFFIC, None, 1, 1),
    ]
    assert crowded_days(tallies, bounds, 200) == [
        DayCount(date(2023, 11, 7), 211, ((PRESENCE, 150), (TRAFFIC, 61)))
    ]


def test_the_days_around_a_crowded_day_are_read_as_two_ranges() -> None:
    bounds = day_bounds(date(2023, 11, 6), date(2023, 11, 13), YEAR)
    tuesday = DayCount(date(2023, 11, 7), 300, ((PRESENCE, 300),))
    assert uncrowded_ranges(bounds, [tuesday]) == [
        (local(2023, 11, 6), local(2023, 11, 7)),
        (local(2023, 11, 8), local(2023, 11, 13)),
    ]
    assert uncrowded_ranges(bounds, []) == [(local(2023, 11, 6), local(2023, 11, 13))]


def test_a_plan_late_on_sunday_evening_belongs_to_its_own_week_in_stockholm() -> None:
    sunday_night = PlannedActivity(PRESENCE, local(2023, 11, 12, 23), local(2023, 11, 12, 23, 30))
    monday = PlannedActivity(PRESENCE, local(2023, 11, 13), local(2023, 11, 13, 1))
    shown = starting_on([sunday_night, monday], date(2023, 11, 6), date(2023, 11, 13))
    assert shown == [sunday_night]
