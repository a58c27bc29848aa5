"""The pace rule: on track, at risk or behind, from what was done and how much time passed."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from geo.records.pace import PaceStatus, pace_forecast, share_passed
from geo.records.periods import Period
from geo.records.promise import Target, TargetRule

# A 100-day year keeps the shares round: day 50 is exactly half-way.
YEAR = Period(date(2024, 1, 1), date(2024, 4, 9), "Testår")
HALF_WAY = date(2024, 2, 19)
TEN = Target(TargetRule.AT_LEAST, 10)


def test_the_year_is_100_days_and_half_way_is_day_50() -> None:
    assert YEAR.days == 100
    assert share_passed(YEAR, HALF_WAY) == 0.5


@pytest.mark.parametrize(
    "today,share",
    [
        (date(2023, 12, 31), 0.0),  # before the year
        (date(2024, 1, 1), 0.01),  # the first day counts as passed
        (date(2024, 4, 9), 1.0),  # the last day
        (date(2025, 1, 1), 1.0),  # after the year
    ],
)
def test_share_of_the_year_passed_counts_today(today: date, share: float) -> None:
    assert share_passed(YEAR, today) == share


def test_ahead_of_pace_is_on_track_with_a_forecast_above_the_target() -> None:
    pace = pace_forecast(6, TEN, YEAR, HALF_WAY)
    assert pace.status is PaceStatus.ON_TRACK
    assert pace.forecast == 12
    assert pace.text == "I den här takten blir 12 av 10 klara till årets slut."


def test_exactly_on_pace_is_on_track_and_forecasts_the_target() -> None:
    pace = pace_forecast(5, TEN, YEAR, HALF_WAY)
    assert pace.status is PaceStatus.ON_TRACK
    assert pace.forecast == 10
    assert pace.even_pace == 5.0


def test_less_than_one_activity_behind_even_pace_is_still_on_track() -> None:
    # Day 55: even pace is 5.5, so 5 done is half an activity short.
    pace = pace_forecast(5, TEN, YEAR, date(2024, 2, 24))
    assert pace.status is PaceStatus.ON_TRACK
    assert pace.forecast == 9
    assert pace.text.endswith("Mindre än en aktivitet efter jämn takt.")


def test_one_behind_with_a_forecast_of_8_of_10_is_at_risk() -> None:
    pace = pace_forecast(4, TEN, YEAR, HALF_WAY)
    assert pace.status is PaceStatus.AT_RISK
    assert pace.forecast == 8
    assert pace.text == "I den här takten blir 8 av 10 klara till årets slut."


def test_a_forecast_under_three_quarters_of_the_target_is_behind() -> None:
    pace = pace_forecast(3, TEN, YEAR, HALF_WAY)
    assert pace.status is PaceStatus.BEHIND
    assert pace.forecast == 6


def test_nothing_done_on_the_first_day_is_on_track() -> None:
    pace = pace_forecast(0, TEN, YEAR, YEAR.start)
    assert pace.status is PaceStatus.ON_TRACK
    assert pace.forecast == 0


def test_before_the_year_starts_nothing_is_due_and_there_is_no_forecast() -> None:
    pace = pace_forecast(0, TEN, YEAR, YEAR.start - timedelta(days=1))
    assert pace.status is PaceStatus.ON_TRACK
    assert pace.forecast is None
    assert pace.text == "Löftesåret har inte börjat än."


@pytest.mark.parametrize(
    "done,status,text",
    [
        (9, PaceStatus.BEHIND, "Löftesåret är slut: 9 av 10 blev klara, målet nåddes inte."),
        (10, PaceStatus.ON_TRACK, "Löftesåret är slut: 10 av 10 blev klara, målet nåddes."),
    ],
)
def test_after_the_year_ends_the_forecast_is_what_was_done(
    done: int, status: PaceStatus, text: str
) -> None:
    pace = pace_forecast(done, TEN, YEAR, YEAR.end + timedelta(days=30))
    assert (pace.status, pace.forecast, pace.text) == (status, done, text)


def test_a_target_reached_early_is_on_track() -> None:
    pace = pace_forecast(10, TEN, YEAR, date(2024, 1, 30))
    assert pace.status is PaceStatus.ON_TRACK
    assert pace.text == "Målet är nått: 10 av 10."


def test_an_exact_target_of_two_walks_one_done_half_way_is_on_track() -> None:
    pace = pace_forecast(1, Target(TargetRule.EXACTLY, 2), YEAR, HALF_WAY)
    assert (pace.status, pace.forecast) == (PaceStatus.ON_TRACK, 2)


def test_a_commitment_without_a_number_has_no_status_and_shows_what_was_done() -> None:
    pace = pace_forecast(7, None, YEAR, HALF_WAY)
    assert pace.status is None
    assert pace.forecast is None
    assert pace.text == "7 genomförda (inget antal i löftet)."


def test_status_codes_are_stable_for_scripts_and_labels_are_swedish() -> None:
    # A milestone's three codes were added after the pace rule's; the first three never move.
    assert [s.value for s in PaceStatus] == [
        "i_fas",
        "risk",
        "efter",
        "klar",
        "inte_klar",
        "forsenad",
    ]
    assert [s.label for s in PaceStatus] == [
        "I fas",
        "Risk",
        "Efter",
        "Klar",
        "Inte klar",
        "Försenad",
    ]
