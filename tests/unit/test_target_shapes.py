"""Target shapes of format 2: per half-year/tertial/period, a milestone, on request.

Each shape's status at dates before, inside and after its stretches, including the week
the clocks change and a leap day.
"""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pytest

from geo.disclosure.audience import AudienceRules
from geo.exports.figure_texts import progress_text
from geo.records.kinds import CommitmentKind
from geo.records.pace import PaceStatus
from geo.records.periods import Period
from geo.records.promise import Commitment, Responsible, Target, TargetPer, TargetRule
from geo.records.targets import (
    half_year_slices,
    milestone_status,
    on_request_status,
    per_status,
)

# A calendar year 2024 (a leap year) as the follow-up year.
YEAR_2024 = Period(date(2024, 1, 1), date(2024, 12, 31), "2024")
SPRING, AUTUMN = half_year_slices(YEAR_2024)
ONE_PER_HALF_YEAR = Target(TargetRule.AT_LEAST, 1, per=TargetPer.HALF_YEAR)
OFFICE_BY_AUGUST = Target(TargetRule.BY_DATE, 1, due=date(2023, 8, 15))


def test_a_calendar_year_has_a_spring_and_an_autumn_half() -> None:
    assert (SPRING.start, SPRING.end, SPRING.label) == (
        date(2024, 1, 1),
        date(2024, 6, 30),
        "våren 2024",
    )
    assert (AUTUMN.start, AUTUMN.end, AUTUMN.label) == (
        date(2024, 7, 1),
        date(2024, 12, 31),
        "hösten 2024",
    )


def test_half_years_are_cut_to_a_follow_up_year_that_starts_on_the_signing_day() -> None:
    year = Period(date(2023, 5, 30), date(2024, 5, 29), "Löftesår 2023/2024")
    assert [(p.start, p.end, p.label) for p in half_year_slices(year)] == [
        (date(2023, 5, 30), date(2023, 6, 30), "våren 2023"),
        (date(2023, 7, 1), date(2023, 12, 31), "hösten 2023"),
        (date(2024, 1, 1), date(2024, 5, 29), "våren 2024"),
    ]


@pytest.mark.parametrize(
    "today,spring_done,autumn_done,status",
    [
        (date(2023, 12, 31), 0, 0, PaceStatus.ON_TRACK),  # before the year: nothing due
        (date(2024, 2, 29), 1, 0, PaceStatus.ON_TRACK),  # leap day, spring already met
        (date(2024, 3, 31), 1, 0, PaceStatus.ON_TRACK),  # the spring clock change
        (date(2024, 6, 30), 0, 0, PaceStatus.BEHIND),  # spring's last day, none done
        (date(2024, 7, 1), 0, 0, PaceStatus.BEHIND),  # spring ended short
        (date(2024, 10, 27), 1, 0, PaceStatus.ON_TRACK),  # the autumn clock change
        (date(2025, 1, 1), 1, 0, PaceStatus.BEHIND),  # autumn passed without one
        (date(2025, 1, 1), 1, 1, PaceStatus.ON_TRACK),  # both halves met
        (date(2025, 1, 1), 3, 0, PaceStatus.BEHIND),  # a strong spring does not save autumn
    ],
)
def test_one_per_half_year_is_met_only_when_every_half_year_meets_it(
    today: date, spring_done: int, autumn_done: int, status: PaceStatus
) -> None:
    pace = per_status(ONE_PER_HALF_YEAR, [(SPRING, spring_done), (AUTUMN, autumn_done)], today)
    assert pace.status is status


def test_the_text_says_how_many_of_the_target_under_each_half_year() -> None:
    pace = per_status(ONE_PER_HALF_YEAR, [(SPRING, 1), (AUTUMN, 1)], date(2025, 1, 1))
    assert pace.text == "Nått: 1 av 1 under våren 2024; 1 av 1 under hösten 2024."


def test_a_half_year_that_ended_short_is_named_in_the_text() -> None:
    pace = per_status(ONE_PER_HALF_YEAR, [(SPRING, 1), (AUTUMN, 0)], date(2025, 1, 1))
    assert pace.text == "Efter: 0 av 1 under hösten 2024, där målet inte nåddes."


def test_two_per_tertial_behind_pace_inside_a_tertial_is_at_risk_or_behind() -> None:
    target = Target(TargetRule.AT_LEAST, 2, per=TargetPer.TERTIAL)
    t1 = Period(date(2024, 1, 1), date(2024, 4, 30), "T1 2024 (jan–apr)")
    t2 = Period(date(2024, 5, 1), date(2024, 8, 31), "T2 2024 (maj–aug)")
    # Late in T2 with none done: the pace rule within the tertial says Efter.
    assert per_status(target, [(t1, 2), (t2, 0)], date(2024, 8, 20)).status is PaceStatus.BEHIND
    # Early in T2 with none done: less than one behind is still I fas.
    assert per_status(target, [(t1, 2), (t2, 0)], date(2024, 5, 2)).status is PaceStatus.ON_TRACK


def test_one_walk_for_the_whole_period_is_due_only_when_the_period_ends() -> None:
    target = Target(TargetRule.EXACTLY, 1, per=TargetPer.PERIOD)
    whole = Period(date(2023, 1, 1), date(2024, 12, 31), "hela perioden")
    assert per_status(target, [(whole, 0)], date(2023, 2, 1)).status is PaceStatus.ON_TRACK
    assert per_status(target, [(whole, 1)], date(2025, 1, 1)).status is PaceStatus.ON_TRACK
    assert per_status(target, [(whole, 0)], date(2025, 1, 1)).status is PaceStatus.BEHIND


@pytest.mark.parametrize(
    "done_on,today,status,text",
    [
        (
            None,
            date(2023, 6, 1),
            PaceStatus.NOT_DONE,
            "Inte klar: ska vara klar senast 2023-08-15.",
        ),
        (
            None,
            date(2023, 8, 15),
            PaceStatus.NOT_DONE,
            "Inte klar: ska vara klar senast 2023-08-15.",
        ),
        (None, date(2023, 8, 16), PaceStatus.LATE, "Försenad: skulle vara klar senast 2023-08-15."),
        (date(2023, 8, 14), date(2023, 8, 14), PaceStatus.DONE, "Klar 2023-08-14."),
        (date(2023, 8, 14), date(2024, 1, 1), PaceStatus.DONE, "Klar 2023-08-14."),
        (date(2023, 9, 1), date(2023, 9, 2), PaceStatus.DONE, "Klar 2023-09-01, efter 2023-08-15."),
        # An activity logged ahead (dated tomorrow) has not made it done today.
        (
            date(2023, 8, 15),
            date(2023, 8, 14),
            PaceStatus.NOT_DONE,
            "Inte klar: ska vara klar senast 2023-08-15.",
        ),
    ],
)
def test_a_milestone_is_done_on_the_day_an_activity_toward_it_is_logged(
    done_on: date | None, today: date, status: PaceStatus, text: str
) -> None:
    pace = milestone_status(OFFICE_BY_AUGUST, done_on, today)
    assert (pace.status, pace.text) == (status, text)


def test_a_milestone_due_on_a_leap_day_is_late_the_day_after() -> None:
    leap = Target(TargetRule.BY_DATE, 1, due=date(2024, 2, 29))
    assert milestone_status(leap, None, date(2024, 2, 29)).status is PaceStatus.NOT_DONE
    assert milestone_status(leap, None, date(2024, 3, 1)).status is PaceStatus.LATE


@pytest.mark.parametrize("done", [0, 3])
def test_on_request_is_counted_and_never_behind(done: int) -> None:
    pace = on_request_status(done)
    assert pace.status is None
    assert f"{done} genomförda" in pace.text


@pytest.mark.parametrize(
    "target,text",
    [
        (Target(TargetRule.AT_LEAST, 1, per=TargetPer.HALF_YEAR), "minst 1 per halvår"),
        (Target(TargetRule.EXACTLY, 1, per=TargetPer.PERIOD), "1 under hela perioden"),
        (Target(TargetRule.AT_LEAST, 2, per=TargetPer.TERTIAL), "minst 2 per tertial"),
        (OFFICE_BY_AUGUST, "klart senast 2023-08-15"),
        (Target(TargetRule.ON_REQUEST), "vid behov"),
        (Target(TargetRule.AT_LEAST, 10), "minst 10"),
    ],
)
def test_each_shape_describes_itself_in_swedish(target: Target, text: str) -> None:
    assert target.describe() == text


@pytest.mark.parametrize(
    "target,text",
    [
        (Target(TargetRule.AT_LEAST, 10), "3 av minst 10"),
        (Target(TargetRule.AT_LEAST, 1, per=TargetPer.HALF_YEAR), "3 av minst 1 per halvår"),
        (OFFICE_BY_AUGUST, "3 genomförda (klart senast 2023-08-15)"),
        (Target(TargetRule.ON_REQUEST), "3 genomförda (vid behov)"),
    ],
)
def test_the_meeting_pack_never_writes_3_av_a_milestone(target: Target, text: str) -> None:
    commitment = Commitment("c", "Text", CommitmentKind.ANDT, Responsible.KOMMUN, target=target)
    row = SimpleNamespace(done=3, commitment=commitment)
    data = SimpleNamespace(rules=AudienceRules())
    assert progress_text(row, data) == text  # type: ignore[arg-type]
