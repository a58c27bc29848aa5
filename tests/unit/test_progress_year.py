"""Progress on a hand-made promise year: what counts, toward which commitment, in which tertial."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from geo.records.kinds import CommitmentKind
from geo.records.models import STOCKHOLM, Activity, PlannedActivity, PlanStatus
from geo.records.periods import promise_year
from geo.records.progress import (
    CommitmentMatch,
    commitment_for,
    commitment_match,
    progress,
    progress_by_tertial,
    tertial_slices,
)
from geo.records.promise import (
    Commitment,
    Promise,
    PromiseDocument,
    Responsible,
    Target,
    TargetRule,
)

NARCOTICS = CommitmentKind.NARCOTICS_INTERVENTION
TRAFFIC = CommitmentKind.TRAFFIC_CONTROL

DOC = PromiseDocument(
    id="test",
    title="Testlöfte",
    kommun_name="Testkommun",
    kommunkod="0604",
    police_area="LPO Test",
    signed_on=date(2023, 5, 30),
    period_start=date(2023, 5, 30),
    period_end=date(2024, 5, 29),
    promises=(Promise("trygghet", "Öka tryggheten"),),
    commitments=(
        Commitment(
            "insatser",
            "Minst tio insatser",
            NARCOTICS,
            Responsible.POLICE,
            "trygghet",
            Target(TargetRule.AT_LEAST, 10),
        ),
        Commitment(
            "vandringar",
            "Två trygghetsvandringar",
            CommitmentKind.SAFETY_WALK,
            Responsible.BOTH,
            None,
            Target(TargetRule.EXACTLY, 2),
        ),
        # Two commitments of one kind: an activity must name which one it counts toward.
        Commitment("kontroller-norr", "Kontroller i norr", TRAFFIC, Responsible.POLICE),
        Commitment("kontroller-soder", "Kontroller i söder", TRAFFIC, Responsible.POLICE),
    ),
)
YEAR = promise_year(DOC, 2023)


def local(y: int, m: int, d: int, hh: int = 12, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=STOCKHOLM)


def act(kind: CommitmentKind, start: datetime, commitment: str | None = None) -> Activity:
    return Activity(kind, start, start + timedelta(hours=2), commitment_id=commitment)


ACTIVITIES = [
    # The signing date is the first day: the minute before it belongs to no promise year here.
    act(NARCOTICS, local(2023, 5, 29, 23, 59)),
    act(NARCOTICS, local(2023, 5, 30, 0, 0)),
    # Tertial boundary: 31 August 23:30 is T2, and 22:30 UTC on 31 August is already
    # 00:30 on 1 September in Sweden (summer time), so T3.
    act(NARCOTICS, local(2023, 8, 31, 23, 30)),
    act(NARCOTICS, datetime(2023, 8, 31, 22, 30, tzinfo=UTC)),
    act(NARCOTICS, local(2023, 12, 31, 23, 59)),
    act(NARCOTICS, local(2024, 1, 1, 0, 0)),
    # The last day of the year counts; the next anniversary starts the next year.
    act(NARCOTICS, local(2024, 5, 29, 23, 59)),
    act(NARCOTICS, local(2024, 5, 30, 0, 0)),
    act(CommitmentKind.SAFETY_WALK, local(2023, 9, 19, 18)),
    # Named commitment wins; unnamed with two commitments of the kind counts toward none.
    act(TRAFFIC, local(2023, 10, 4, 7), "kontroller-norr"),
    act(TRAFFIC, local(2023, 10, 5, 7)),
    # A kind the document does not promise, and a commitment id that does not exist.
    act(CommitmentKind.PRESENCE, local(2023, 10, 6, 13)),
    act(NARCOTICS, local(2023, 10, 7, 20), "finns-inte"),
]


def by_id(rows: list) -> dict[str, int]:
    return {p.commitment.id: p.done for p in rows}


def test_the_year_runs_from_the_signing_date_to_the_day_before_the_anniversary() -> None:
    assert (YEAR.start, YEAR.end) == (date(2023, 5, 30), date(2024, 5, 29))


def test_done_counts_for_the_year_include_both_boundary_days_and_nothing_outside() -> None:
    done = by_id(progress(DOC, YEAR, ACTIVITIES))
    # 30 May 00:00, 31 Aug 23:30, 1 Sep 00:30, 31 Dec, 1 Jan, 29 May 2024.
    assert done == {
        "insatser": 6,
        "vandringar": 1,
        "kontroller-norr": 1,
        "kontroller-soder": 0,
    }


def test_activities_that_count_toward_no_commitment_change_no_count() -> None:
    without = [
        a
        for a in ACTIVITIES
        if a.kind is not CommitmentKind.PRESENCE
        and a.commitment_id != "finns-inte"
        and not (a.kind is TRAFFIC and a.commitment_id is None)
    ]
    assert by_id(progress(DOC, YEAR, without)) == by_id(progress(DOC, YEAR, ACTIVITIES))


def test_the_year_is_cut_into_tertial_slices_inside_it() -> None:
    slices = [(s.label, s.start, s.end) for s in tertial_slices(YEAR)]
    assert slices == [
        ("T2 2023 (maj–aug)", date(2023, 5, 30), date(2023, 8, 31)),
        ("T3 2023 (sep–dec)", date(2023, 9, 1), date(2023, 12, 31)),
        ("T1 2024 (jan–apr)", date(2024, 1, 1), date(2024, 4, 30)),
        ("T2 2024 (maj–aug)", date(2024, 5, 1), date(2024, 5, 29)),
    ]


def test_interventions_fall_in_the_tertial_of_their_swedish_date() -> None:
    per = {
        s.label[:7]: by_id(rows)["insatser"]
        for s, rows in progress_by_tertial(DOC, YEAR, ACTIVITIES)
    }
    assert per == {"T2 2023": 2, "T3 2023": 2, "T1 2024": 1, "T2 2024": 1}


def test_tertial_counts_add_up_to_the_year() -> None:
    year = by_id(progress(DOC, YEAR, ACTIVITIES))
    tertials = progress_by_tertial(DOC, YEAR, ACTIVITIES)
    for commitment_id, total in year.items():
        assert sum(by_id(rows)[commitment_id] for _, rows in tertials) == total


@pytest.mark.parametrize(
    "status,counted", [(PlanStatus.PLANNED, 1), (PlanStatus.DONE, 0), (PlanStatus.CANCELLED, 0)]
)
def test_only_plans_still_planned_count_as_planned(status: PlanStatus, counted: int) -> None:
    start = local(2024, 3, 1, 20)
    plan = PlannedActivity(NARCOTICS, start, start + timedelta(hours=3), status=status)
    rows = progress(DOC, YEAR, [], [plan])
    assert {p.commitment.id: p.planned for p in rows}["insatser"] == counted


def test_remaining_and_met_follow_the_target() -> None:
    rows = {p.commitment.id: p for p in progress(DOC, YEAR, ACTIVITIES)}
    assert (rows["insatser"].target, rows["insatser"].remaining) == (10, 4)
    assert rows["insatser"].is_met is False
    assert rows["kontroller-norr"].remaining is None


def test_what_counts_toward_a_commitment_as_a_filter() -> None:
    # The only narcotics commitment also takes narcotics activities that name none.
    assert commitment_match(DOC, "insatser") == CommitmentMatch("insatser", NARCOTICS)
    # With two traffic commitments only activities naming one count toward it.
    assert commitment_match(DOC, "kontroller-norr") == CommitmentMatch("kontroller-norr", None)


# Every kind unnamed, every commitment named by its own kind and by another, an unknown id.
EVERY_WAY_OF_NAMING = [
    *(act(kind, local(2023, 9, 1)) for kind in CommitmentKind),
    *(act(c.kind, local(2023, 9, 1), c.id) for c in DOC.commitments),
    *(act(CommitmentKind.PRESENCE, local(2023, 9, 1), c.id) for c in DOC.commitments),
    act(NARCOTICS, local(2023, 9, 1), "finns-inte"),
]


@pytest.mark.parametrize("commitment", DOC.commitments, ids=lambda c: c.id)
def test_the_filter_form_picks_exactly_what_commitment_for_counts(commitment: Commitment) -> None:
    match = commitment_match(DOC, commitment.id)
    for activity in EVERY_WAY_OF_NAMING:
        counted = commitment_for(DOC, activity)
        assert match.counts(activity) is (counted is not None and counted.id == commitment.id)
