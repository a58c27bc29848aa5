"""Conflicts between plans, ISO weeks, list filters, and the outcome rules of each kind."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from geo.errors import ValidationError
from geo.planning.schedule import find_conflicts, plans_to_log, week_label, week_range
from geo.records.kinds import CommitmentKind
from geo.records.models import (
    STOCKHOLM,
    Finding,
    FindingStatus,
    Indicator,
    PlannedActivity,
    PlanStatus,
)
from geo.records.outcomes import (
    OUTCOME_FIELDS,
    QUICK_FIELDS,
    is_overdue,
    outcome_problems,
    term_of,
    validate_finding,
    validate_indicator,
    validate_outcome,
)

K = CommitmentKind


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2024, 3, day, hour, minute, tzinfo=STOCKHOLM)


def plan(
    pid: int, start: datetime, hours: float, team: str = "Närpolis", **kw: object
) -> PlannedActivity:
    return PlannedActivity(
        K.PRESENCE,
        start,
        start + timedelta(hours=hours),
        team=team,
        id=pid,
        **kw,  # type: ignore[arg-type]
    )


def test_two_plans_for_the_same_team_that_overlap_are_a_conflict() -> None:
    a, b = plan(1, at(5, 13), 2), plan(2, at(5, 14), 2)
    (conflict,) = find_conflicts([b, a])
    assert (conflict.first.id, conflict.second.id) == (1, 2)
    assert conflict.text == (
        "Närpolis: Närvaro 2024-03-05 13:00–15:00 krockar med Närvaro 2024-03-05 14:00–16:00"
    )


@pytest.mark.parametrize(
    "second",
    [
        plan(2, at(5, 15), 1),  # starts when the first ends
        plan(2, at(5, 14), 1, team="Trafikgruppen"),  # another team
        plan(2, at(5, 14), 1, status=PlanStatus.CANCELLED),  # cancelled blocks nobody
        plan(2, at(5, 14), 1, team=""),  # no team: nobody to double-book
    ],
    ids=["touching", "other-team", "cancelled", "no-team"],
)
def test_these_are_not_conflicts(second: PlannedActivity) -> None:
    assert find_conflicts([plan(1, at(5, 13), 2), second]) == []


def test_one_long_plan_conflicts_with_each_plan_inside_it_and_team_case_does_not_matter() -> None:
    long = plan(1, at(5, 8), 10)
    inner = [plan(2, at(5, 9), 1, team="närpolis"), plan(3, at(5, 12), 1, team=" NÄRPOLIS ")]
    assert [(c.first.id, c.second.id) for c in find_conflicts([long, *inner])] == [(1, 2), (1, 3)]


def test_iso_weeks_start_on_monday_as_swedes_count_them() -> None:
    start, end = week_range(2024, 1)
    assert (start.date(), end.date()) == (date(2024, 1, 1), date(2024, 1, 8))
    # 29 December 2024 is a Sunday in week 52; 30 December is in week 1 of 2025.
    assert week_label(date(2024, 12, 29)) == "Vecka 52, 2024 (23–29 december)"
    assert week_label(date(2024, 12, 30)) == "Vecka 1, 2025 (30 december – 5 januari)"


# -- outcomes -------------------------------------------------------------------------------


def test_every_kind_has_outcome_fields_and_quick_fields_are_among_them() -> None:
    for kind in CommitmentKind:
        names = {f.name for f in OUTCOME_FIELDS[kind]}
        assert names, kind
        assert set(QUICK_FIELDS[kind]) <= names, kind


@pytest.mark.parametrize(
    "kind,values,expected",
    [
        (K.PRESENCE, {"timmar": 2, "besökare": 4}, {"timmar": 2.0, "besökare": 4}),
        (
            K.TRAFFIC_CONTROL,
            {
                "kontrollerade_fordon": 40,
                "hastighetsovertradelser": 3,
                "rattfylleri_drograttfylleri": 1,
            },
            {
                "kontrollerade_fordon": 40,
                "hastighetsovertradelser": 3,
                "rattfylleri_drograttfylleri": 1,
                "overtradelser": 4,
            },
        ),
        (
            K.NARCOTICS_INTERVENTION,
            {"kontrollerade_personer": 8, "misstankta_narkotikabrott": 2, "varav_unga": 2},
            {"kontrollerade_personer": 8, "misstankta_narkotikabrott": 2, "varav_unga": 2},
        ),
        (
            K.SAFETY_WALK,
            {"deltagare_kommun": 3, "deltagare_polis": 2, "deltagare_invanare": 7},
            {"deltagare_kommun": 3, "deltagare_polis": 2, "deltagare_invanare": 7, "deltagare": 12},
        ),
        (
            K.COORDINATION_MEETING,
            {"org_kommun": 1, "org_polis": 1, "org_skola": 1, "beslut": 2},
            {"org_kommun": 1, "org_polis": 1, "org_skola": 1, "beslut": 2, "organisationer": 3},
        ),
        (K.EST, {"organisationer": 5}, {"organisationer": 5}),
        (K.SCHOOL_ATTENDANCE, {}, {}),
    ],
    ids=["presence", "traffic", "narcotics", "walk", "meeting", "est", "school"],
)
def test_valid_outcomes_are_stored_with_totals_filled_in(
    kind: CommitmentKind, values: dict, expected: dict
) -> None:
    result = validate_outcome(kind, values)
    assert result == expected
    assert all(type(v) is int for k, v in result.items() if k != "timmar")


@pytest.mark.parametrize(
    "kind,values,field,message",
    [
        (K.PRESENCE, {"kontrollerade_fordon": 3}, "kontrollerade_fordon", "hör inte till närvaro"),
        (K.PRESENCE, {"besökare": -1}, "besökare", "får inte vara negativt"),
        (K.PRESENCE, {"besökare": 2.5}, "besökare", "ska vara ett heltal"),
        (K.PRESENCE, {"timmar": 30}, "timmar", "högst 24"),
        (K.PRESENCE, {"timmar": "två"}, "timmar", "inget tal"),
        (K.PRESENCE, {"timmar": float("nan")}, "timmar", "inget tal"),
        (
            K.NARCOTICS_INTERVENTION,
            {"misstankta_narkotikabrott": 1, "varav_unga": 2},
            "varav_unga",
            "kan inte vara fler än misstänkta narkotikabrott",
        ),
        (
            K.TRAFFIC_CONTROL,
            {"overtradelser": 2, "hastighetsovertradelser": 3},
            "overtradelser",
            "färre än summan",
        ),
        (
            K.TRAFFIC_CONTROL,
            {"kontrollerade_fordon": 1, "rattfylleri_drograttfylleri": 2},
            "rattfylleri_drograttfylleri",
            "fler misstänkta rattfylleri",
        ),
        (
            K.SAFETY_WALK,
            {"deltagare": 3, "deltagare_kommun": 4},
            "deltagare",
            "färre än deltagarna per organisation",
        ),
        (K.EST, {"org_polis": 2}, "org_polis", "högst 1"),
    ],
)
def test_broken_outcome_rules_name_the_field(
    kind: CommitmentKind, values: dict, field: str, message: str
) -> None:
    problems = outcome_problems(kind, values)
    assert [p.field for p in problems] == [field]
    assert message in problems[0].message
    with pytest.raises(ValidationError, match=field):
        validate_outcome(kind, values)


def test_a_finding_needs_a_known_category_and_a_closed_one_an_action() -> None:
    ok = Finding(1, "belysning", None, action="Byt lampa", owner="kommun", due=date(2024, 4, 1))
    assert validate_finding(ok) is ok
    with pytest.raises(ValidationError, match='okänd kategori "graffiti"'):
        validate_finding(Finding(1, "graffiti", None))
    with pytest.raises(ValidationError, match="behöver en åtgärd"):
        validate_finding(Finding(1, "trafik", None, owner="polis", status=FindingStatus.CLOSED))
    with pytest.raises(ValidationError, match='okänd ägare "grannen"'):
        validate_finding(Finding(1, "trafik", None, owner="grannen"))


def test_an_open_finding_past_its_due_date_is_overdue_and_a_closed_one_never() -> None:
    f = Finding(1, "belysning", None, owner="kommun", action="x", due=date(2024, 4, 1))
    assert is_overdue(f, date(2024, 4, 2)) and not is_overdue(f, date(2024, 4, 1))
    closed = Finding(
        1, "belysning", None, "", "x", "kommun", date(2024, 4, 1), FindingStatus.CLOSED
    )
    assert not is_overdue(closed, date(2025, 1, 1))


def test_indicators_are_per_term_and_within_range() -> None:
    stored = validate_indicator(Indicator("0604", "skolnarvaro", "vt2024", 93.5))
    assert (stored.term, stored.unit) == ("VT2024", "%")
    with pytest.raises(ValidationError, match="VT2024"):
        validate_indicator(Indicator("0604", "skolnarvaro", "våren 2024", 93.5))
    with pytest.raises(ValidationError, match="högst 100"):
        validate_indicator(Indicator("0604", "skolnarvaro", "HT2023", 101))
    with pytest.raises(ValidationError, match="Okänt nyckeltal"):
        validate_indicator(Indicator("0604", "elevernas_namn", "HT2023", 1))
    assert (term_of(date(2024, 6, 30)), term_of(date(2024, 7, 1))) == ("VT2024", "HT2024")


# -- what Logga offers first ----------------------------------------------------------------


def test_logga_offers_todays_plans_first_then_the_overdue_ones_then_this_week_then_later() -> None:
    now = at(13, 10)  # Wednesday 13 March 2024, 10:00
    plans = [
        plan(1, at(4, 9), 2),  # last week: overdue
        plan(2, at(12, 9), 2),  # yesterday: overdue, most likely forgotten
        plan(3, at(13, 18), 2),  # this evening
        plan(4, at(13, 7), 2),  # this morning
        plan(5, at(15, 9), 2),  # Friday this week
        plan(6, at(19, 9), 2),  # next week
        plan(7, at(11, 9), 2, status=PlanStatus.DONE),  # logged already
        plan(8, at(12, 13), 2, status=PlanStatus.CANCELLED),  # cancelled
    ]

    offered = plans_to_log(plans, now)

    assert [(group, p.id) for group, p in offered] == [
        ("I dag", 4),
        ("I dag", 3),
        ("Försenad", 2),
        ("Försenad", 1),
        ("Denna vecka", 5),
        ("Senare", 6),
    ]


def test_a_plan_late_on_sunday_evening_is_this_week_in_sweden_though_monday_in_utc() -> None:
    now = datetime(2024, 3, 13, 12, tzinfo=STOCKHOLM)
    sunday_late = datetime(2024, 3, 17, 23, 30, tzinfo=STOCKHOLM)

    (offered,) = plans_to_log([plan(1, sunday_late, 1)], now.astimezone(UTC))

    assert offered[0] == "Denna vecka"
