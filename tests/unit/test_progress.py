"""Progress: which commitment a done activity counts toward, and what is left of a target."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from geo.records.kinds import CommitmentKind
from geo.records.models import Activity, PlannedActivity, PlanStatus
from geo.records.periods import promise_year
from geo.records.progress import (
    Tally,
    commitment_chooser,
    commitment_for,
    progress,
    progress_from_tallies,
)
from geo.records.promise_file import parse_promise_text
from tests.common import CENTRE_OF_SQUARE, local

# Signed 15 March 2024; without a period the promise year is 2024-03-15 – 2025-03-14.
PROMISE = """\
format: 1
id: test-2024
titel: Medborgarlöfte för test
undertecknat: 2024-03-15
kommun: {namn: Aneby kommun, kod: "0604"}
polis: {område: Lokalpolisområde Höglandet}
löften:
  - id: narkotika
    titel: Minska narkotikabruket.
  - id: trafik
    titel: En säker trafikmiljö.
aktiviteter:
  - id: insatser
    löfte: narkotika
    typ: narkotikainsats
    ansvarig: polis
    text: Minst tre riktade insatser.
    mål: {minst: 3}
  - id: kontroller-norr
    löfte: trafik
    typ: trafikkontroll
    ansvarig: polis
    text: Trafikkontroller på norra infarten.
  - id: kontroller-soder
    löfte: trafik
    typ: trafikkontroll
    ansvarig: polis
    text: Trafikkontroller på södra infarten.
  - id: vandringar
    löfte: alla
    typ: trygghetsvandring
    ansvarig: båda
    text: Två trygghetsvandringar.
    mål: {exakt: 2}
"""
DOC = parse_promise_text(PROMISE)
YEAR = promise_year(DOC, 2024)


def _activity(
    kind: CommitmentKind,
    start: datetime,
    commitment_id: str | None = None,
    hours: float = 2,
) -> Activity:
    return Activity(
        kind, start, start + timedelta(hours=hours), commitment_id, geometry=CENTRE_OF_SQUARE
    )


def _planned(start: datetime, status: PlanStatus) -> PlannedActivity:
    kind = CommitmentKind.NARCOTICS_INTERVENTION
    return PlannedActivity(kind, start, start + timedelta(hours=3), status=status)


def _done(activities, planned=()) -> dict[str, int]:
    return {p.commitment.id: p.done for p in progress(DOC, YEAR, activities, planned)}


def _row(commitment_id: str, activities, planned=()):
    return next(
        p for p in progress(DOC, YEAR, activities, planned) if p.commitment.id == commitment_id
    )


NOTHING_DONE = {"insatser": 0, "kontroller-norr": 0, "kontroller-soder": 0, "vandringar": 0}


def test_the_test_promise_year_runs_from_15_march_2024() -> None:
    assert (YEAR.start.isoformat(), YEAR.end.isoformat()) == ("2024-03-15", "2025-03-14")


def test_progress_has_one_row_per_commitment_in_the_documents_order() -> None:
    rows = progress(DOC, YEAR, [])

    assert [r.commitment.id for r in rows] == [
        "insatser",
        "kontroller-norr",
        "kontroller-soder",
        "vandringar",
    ]
    assert [r.done for r in rows] == [0, 0, 0, 0]


def test_an_activity_counts_toward_the_commitment_it_names() -> None:
    control = _activity(CommitmentKind.TRAFFIC_CONTROL, local(2024, 6, 3, 7), "kontroller-soder")

    assert _done([control]) == NOTHING_DONE | {"kontroller-soder": 1}


def test_an_activity_naming_no_commitment_counts_toward_the_only_one_of_its_kind() -> None:
    intervention = _activity(CommitmentKind.NARCOTICS_INTERVENTION, local(2024, 6, 3, 20))

    assert _done([intervention]) == NOTHING_DONE | {"insatser": 1}


def test_an_activity_of_a_kind_with_two_commitments_and_no_id_counts_toward_none() -> None:
    control = _activity(CommitmentKind.TRAFFIC_CONTROL, local(2024, 6, 3, 7))

    assert _done([control]) == NOTHING_DONE


def test_an_activity_of_a_kind_the_promise_does_not_have_counts_toward_none() -> None:
    meeting = _activity(CommitmentKind.EST, local(2024, 6, 3, 9))

    assert _done([meeting]) == NOTHING_DONE


def test_an_activity_naming_an_unknown_commitment_counts_toward_none() -> None:
    intervention = _activity(
        CommitmentKind.NARCOTICS_INTERVENTION, local(2024, 6, 3, 20), "finns-inte"
    )

    assert _done([intervention]) == NOTHING_DONE


@pytest.mark.parametrize(
    "start,counts",
    [
        (local(2024, 3, 14, 23, 59), False),  # the evening before the signing
        (local(2024, 3, 15, 0, 0), True),  # the first minute of the signing date
        (local(2025, 3, 14, 23, 59), True),  # the last minute of the promise year
        (local(2025, 3, 15, 0, 0), False),  # the anniversary starts the next year
    ],
)
def test_only_activities_inside_the_promise_year_count(start, counts) -> None:
    intervention = _activity(CommitmentKind.NARCOTICS_INTERVENTION, start)

    assert _done([intervention])["insatser"] == (1 if counts else 0)


def test_the_local_date_decides_even_when_the_time_was_written_in_utc() -> None:
    # 23:30 UTC on 14 March is 00:30 on 15 March in Sweden: the signing date.
    start = datetime(2024, 3, 14, 23, 30, tzinfo=UTC)

    assert _done([_activity(CommitmentKind.NARCOTICS_INTERVENTION, start)])["insatser"] == 1


def test_remaining_counts_down_to_the_target() -> None:
    one = [_activity(CommitmentKind.NARCOTICS_INTERVENTION, local(2024, 6, 3, 20))]

    row = _row("insatser", one)

    assert (row.target, row.done, row.remaining, row.is_met) == (3, 1, 2, False)


def test_remaining_is_never_negative_when_more_is_done_than_promised() -> None:
    five = [
        _activity(CommitmentKind.NARCOTICS_INTERVENTION, local(2024, 6, day, 20))
        for day in range(1, 6)
    ]

    row = _row("insatser", five)

    assert (row.target, row.done, row.remaining, row.is_met) == (3, 5, 0, True)


def test_two_safety_walks_meet_a_target_of_exactly_two() -> None:
    walks = [
        _activity(CommitmentKind.SAFETY_WALK, local(2024, 9, 19, 18)),
        _activity(CommitmentKind.SAFETY_WALK, local(2025, 2, 6, 18)),
    ]

    row = _row("vandringar", walks)

    assert (row.target, row.done, row.remaining, row.is_met) == (2, 2, 0, True)


def test_a_commitment_without_a_number_has_no_remaining_and_no_verdict() -> None:
    control = _activity(CommitmentKind.TRAFFIC_CONTROL, local(2024, 6, 3, 7), "kontroller-norr")

    row = _row("kontroller-norr", [control])

    assert (row.target, row.done, row.remaining, row.is_met) == (None, 1, None, None)


def test_hours_add_up_the_activities_durations_or_their_recorded_hours() -> None:
    measured = _activity(CommitmentKind.NARCOTICS_INTERVENTION, local(2024, 6, 3, 20), hours=3)
    recorded = Activity(
        CommitmentKind.NARCOTICS_INTERVENTION,
        local(2024, 6, 4, 20),
        local(2024, 6, 4, 23),
        outcome={"timmar": 1.5},
    )

    assert _row("insatser", [measured, recorded]).hours == 4.5


def test_only_plans_still_planned_count_as_planned() -> None:
    plans = [
        _planned(local(2024, 10, 1, 20), PlanStatus.PLANNED),
        _planned(local(2024, 10, 8, 20), PlanStatus.PLANNED),
        _planned(local(2024, 10, 15, 20), PlanStatus.CANCELLED),
        _planned(local(2024, 10, 22, 20), PlanStatus.DONE),
    ]

    row = _row("insatser", [], plans)

    assert (row.planned, row.done) == (2, 0)


def test_plans_outside_the_promise_year_are_not_counted() -> None:
    plans = [_planned(local(2025, 3, 15, 20), PlanStatus.PLANNED)]

    assert _row("insatser", [], plans).planned == 0


def test_counts_from_the_store_follow_the_same_rule_as_the_activities_they_count() -> None:
    # Two kinds of traffic control: naming no commitment counts toward none of them.
    tallies = [
        Tally(CommitmentKind.NARCOTICS_INTERVENTION, None, 0, 3, 9.0),
        Tally(CommitmentKind.TRAFFIC_CONTROL, "kontroller-norr", 1, 2, 4.0),
        Tally(CommitmentKind.TRAFFIC_CONTROL, None, 1, 5, 10.0),
        Tally(CommitmentKind.SAFETY_WALK, "finns-inte", 0, 1, 2.0),
    ]
    planned = [Tally(CommitmentKind.NARCOTICS_INTERVENTION, None, 2, 4)]
    rows = progress_from_tallies(DOC, YEAR, tallies, planned)
    assert [(r.commitment.id, r.done, r.hours, r.planned) for r in rows] == [
        ("insatser", 3, 9.0, 4),
        ("kontroller-norr", 2, 4.0, 0),
        ("kontroller-soder", 0, 0.0, 0),
        ("vandringar", 0, 0.0, 0),
    ]


def test_a_new_activity_is_given_the_commitment_it_will_count_toward_once_stored() -> None:
    choose = commitment_chooser(DOC)
    traffic, walk = CommitmentKind.TRAFFIC_CONTROL, CommitmentKind.SAFETY_WALK
    assert choose(walk, None) == DOC.commitment("vandringar")
    assert choose(traffic, "kontroller-soder") == DOC.commitment("kontroller-soder")
    assert choose(traffic, None) is None  # two traffic commitments: the row must say which
    assert choose(traffic, "finns-inte") is None
    assert choose(CommitmentKind.PRESENCE, None) is None  # the promise has no presence


def test_a_new_activity_naming_a_commitment_of_another_kind_is_given_none() -> None:
    # Stored, it would count toward the walks (the rule follows the id); the import refuses it.
    named = _activity(CommitmentKind.TRAFFIC_CONTROL, local(2024, 5, 2, 10), "vandringar")
    assert commitment_for(DOC, named) == DOC.commitment("vandringar")
    assert commitment_chooser(DOC)(CommitmentKind.TRAFFIC_CONTROL, "vandringar") is None


@pytest.mark.parametrize("kind", list(CommitmentKind))
@pytest.mark.parametrize("named", [None, "insatser", "kontroller-norr", "vandringar", "x"])
def test_the_chooser_follows_the_rule_that_counts_stored_activities(
    kind: CommitmentKind, named: str | None
) -> None:
    stored = commitment_for(DOC, _activity(kind, local(2024, 5, 2, 10), named))
    expected = stored if stored is not None and stored.kind is kind else None
    assert commitment_chooser(DOC)(kind, named) == expected
