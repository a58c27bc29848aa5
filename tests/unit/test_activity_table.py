"""Activities as columns count as the records do: days, hours and outcomes per commitment."""

from __future__ import annotations

from datetime import date, datetime

from geo.records.activity_table import ActivityTable
from geo.records.kinds import Classification, CommitmentKind
from geo.records.models import STOCKHOLM, Activity
from geo.records.periods import Period
from tests.common import activity_table_of

K = CommitmentKind
AUTUMN = Period(date(2023, 9, 1), date(2023, 12, 31), "hösten")


def table(activities: list[Activity]) -> ActivityTable:
    """The columns a store read gives for these activities."""
    return activity_table_of(activities)


def at(day: int, month: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2023, month, day, hour, minute, tzinfo=STOCKHOLM)


def test_a_night_across_the_autumn_clock_change_counts_its_wall_clock_hours_as_a_record_does() -> (
    None
):
    # 29 October 2023: 01:00 to 04:00 on the wall clock is four hours passed, three counted.
    night = Activity(K.PRESENCE, at(29, 10, 1), at(29, 10, 4))
    (tally,) = table([night]).tallies(AUTUMN)
    assert tally.hours == night.hours == 3.0


def test_the_recorded_hours_win_over_the_times_as_in_the_record() -> None:
    walk = Activity(K.PRESENCE, at(3, 10, 10), at(3, 10, 12), outcome={"timmar": 0.75})
    (tally,) = table([walk]).tallies(AUTUMN)
    assert tally.hours == walk.hours == 0.75


def test_tallies_count_and_sum_per_kind_and_named_commitment_inside_the_period_only() -> None:
    activities = [
        Activity(K.TRAFFIC_CONTROL, at(5, 9, 8), at(5, 9, 9), outcome={"kontrollerade_fordon": 4}),
        Activity(K.TRAFFIC_CONTROL, at(6, 9, 8), at(6, 9, 9), outcome={"kontrollerade_fordon": 6}),
        Activity(K.TRAFFIC_CONTROL, at(7, 9, 8), at(7, 9, 9), "skolvagar"),
        # 31 August at 23:30 in Sweden is 21:30 UTC: the local day puts it outside autumn.
        Activity(K.TRAFFIC_CONTROL, datetime(2023, 8, 31, 23, 30, tzinfo=STOCKHOLM), at(1, 9, 1)),
    ]
    tallies = {(t.kind, t.commitment_id): t for t in table(activities).tallies(AUTUMN)}
    assert {key: (t.count, dict(t.outcome)) for key, t in tallies.items()} == {
        (K.TRAFFIC_CONTROL, None): (2, {"kontrollerade_fordon": 10.0}),
        (K.TRAFFIC_CONTROL, "skolvagar"): (1, {}),
    }


def test_a_rule_is_asked_once_per_kind_commitment_classification_and_place() -> None:
    activities = [
        Activity(K.PRESENCE, at(d, 10, 9), at(d, 10, 10), classification=Classification.OPEN)
        for d in range(1, 21)
    ] + [Activity(K.PRESENCE, at(21, 10, 9), at(21, 10, 10), place_id=7)]
    asked: list[Activity] = []

    def rule(a: Activity) -> bool:
        asked.append(a)
        return a.place_id is None

    kept = table(activities).where(rule)
    assert kept.tolist() == [True] * 20 + [False]
    assert len(asked) == 2
