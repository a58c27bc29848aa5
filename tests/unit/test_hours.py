"""Hour-of-week matrices in Swedish local time, summer time included."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np

from geo.followup.hours import WEEKDAYS, activity_hours, as_frame, event_counts
from geo.records.models import STOCKHOLM

MON, TUE, SUN = 0, 1, 6


def t(y: int, m: int, d: int, hh: int, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=STOCKHOLM)


def test_a_two_hour_tuesday_presence_fills_two_hours() -> None:
    # 2024-03-05 is a Tuesday.
    matrix = activity_hours([(t(2024, 3, 5, 13), t(2024, 3, 5, 15))])
    assert matrix.shape == (7, 24)
    assert matrix[TUE, 13] == matrix[TUE, 14] == 1.0
    assert matrix.sum() == 2.0


def test_parts_of_hours_count_as_parts() -> None:
    matrix = activity_hours([(t(2024, 3, 5, 13, 30), t(2024, 3, 5, 14, 15))])
    assert (matrix[TUE, 13], matrix[TUE, 14]) == (0.5, 0.25)


def test_an_activity_over_midnight_on_sunday_continues_on_monday() -> None:
    matrix = activity_hours([(t(2024, 3, 10, 23), t(2024, 3, 11, 1))])
    assert (matrix[SUN, 23], matrix[MON, 0]) == (1.0, 1.0)


def test_the_spring_forward_night_has_no_two_oclock_hour() -> None:
    # 31 March 2024: clocks go from 02:00 to 03:00. 01:00–04:00 local is two real hours.
    matrix = activity_hours([(t(2024, 3, 31, 1), t(2024, 3, 31, 4))])
    assert (matrix[SUN, 1], matrix[SUN, 2], matrix[SUN, 3]) == (1.0, 0.0, 1.0)
    assert matrix.sum() == 2.0


def test_times_written_in_utc_land_in_the_swedish_hour() -> None:
    # 11:00 UTC in July is 13:00 in Sweden.
    start = datetime(2024, 7, 2, 11, tzinfo=UTC)
    matrix = activity_hours([(start, start.replace(hour=12))])
    assert matrix[TUE, 13] == 1.0


def test_zero_length_activities_add_nothing() -> None:
    assert activity_hours([(t(2024, 3, 5, 13), t(2024, 3, 5, 13))]).sum() == 0
    assert activity_hours([]).sum() == 0


def test_incidents_count_once_in_their_hour() -> None:
    counts = event_counts([t(2024, 3, 5, 13, 7), t(2024, 3, 5, 13, 59), t(2024, 3, 10, 2, 30)])
    assert counts[TUE, 13] == 2
    assert counts[SUN, 2] == 1
    assert counts.sum() == 3
    assert event_counts([]).sum() == 0


def test_the_frame_has_swedish_weekdays_and_two_digit_hours() -> None:
    frame = as_frame(np.zeros((7, 24)))
    assert list(frame.index) == list(WEEKDAYS) and frame.index[0] == "måndag"
    assert frame.columns[0] == "00" and frame.columns[-1] == "23"
