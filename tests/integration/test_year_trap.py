"""The year is never a trap: a plan or a log outside the chosen follow-up year is refused with
where it belongs, and nothing is stored (SQLite and PostGIS)."""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta

import pytest

from geo.cli import main
from geo.errors import ValidationError
from geo.installation.init import save_promise_upload
from geo.planning.use_cases import log_activity, save_recurring, save_single
from geo.records.kinds import CommitmentKind
from geo.records.models import STOCKHOLM, Activity, Actor, PlannedActivity
from geo.records.periods import Period, promise_years
from geo.records.recurrence import Frequency, RecurrenceRule
from geo.store import Store
from tests.common import aneby_copy

ACTOR = Actor("test")
DOC = "aneby-2023-2024"


def _year(store: Store, document_id: str = DOC) -> Period:
    with store.session(ACTOR) as s:
        (year,) = promise_years(s.promise_document(document_id))
    return year


def _control(day: date) -> PlannedActivity:
    start = datetime.combine(day, time(15), tzinfo=STOCKHOLM)
    return PlannedActivity(CommitmentKind.TRAFFIC_CONTROL, start, start + timedelta(hours=2))


def _stored(store: Store) -> tuple[int, int, int]:
    with store.session(ACTOR) as s:
        return s.count("planned_activities"), s.count("recurrence_rules"), s.count("activities")


def test_a_traffic_control_planned_after_the_promise_year_is_refused_and_nothing_stored(
    store: Store,
) -> None:
    # Aneby's only year ended 2024-05-29; "next week" after it is 2024-06-04.
    year = _year(store)

    with pytest.raises(ValidationError) as refused:
        with store.session(ACTOR) as s:
            save_single(s, _control(date(2024, 6, 4)), DOC, year)

    assert str(refused.value).startswith(
        "2024-06-04 ligger efter medborgarlöftets period (2023-05-30 – 2024-05-29) och skulle "
        "inte räknas i någon uppföljning. Gör nästa års löfte"
    )
    assert _stored(store) == (0, 0, 0)


def test_a_traffic_control_on_the_last_day_of_the_year_is_saved(store: Store) -> None:
    with store.session(ACTOR) as s:
        save_single(s, _control(date(2024, 5, 29)), DOC, _year(store))

    assert _stored(store) == (1, 0, 0)


def test_a_weekly_rule_running_past_the_year_is_refused_whole(store: Store) -> None:
    across_the_end = RecurrenceRule(
        Frequency.WEEKLY, date(2024, 5, 14), date(2024, 6, 11), time(13), time(15), weekdays=(1,)
    )

    with pytest.raises(ValidationError, match="^2024-06-04 ligger efter medborgarlöftets"):
        with store.session(ACTOR) as s:
            save_recurring(s, across_the_end, CommitmentKind.PRESENCE, DOC, year=_year(store))

    assert _stored(store) == (0, 0, 0)  # not the three occurrences inside the year either


def test_a_log_after_the_year_names_the_next_promise_of_the_kommun_when_it_is_loaded(
    store: Store,
) -> None:
    next_year = aneby_copy("aneby-2024-2025", "Aneby", "0604", date(2024, 5, 30), date(2025, 5, 29))
    save_promise_upload(store, ACTOR, "aneby-2024-2025.yaml", next_year)
    start = datetime(2024, 6, 4, 20, tzinfo=STOCKHOLM)
    meeting = Activity(CommitmentKind.COORDINATION_MEETING, start, start + timedelta(hours=1))

    with pytest.raises(ValidationError) as refused:
        with store.session(ACTOR) as s:
            log_activity(s, meeting, DOC, year=_year(store))

    assert "Datumet hör till medborgarlöftet" in str(refused.value)
    assert "(aneby-2024-2025): välj det i sidomenyn. Inget sparades." in str(refused.value)
    assert _stored(store) == (0, 0, 0)
    with store.session(ACTOR) as s:  # under the promise that covers it, it is saved
        log_activity(s, meeting, "aneby-2024-2025", year=_year(store, "aneby-2024-2025"))
    assert _stored(store) == (0, 0, 1)


def test_status_json_follows_up_a_calendar_year_promise_from_january_to_december(
    store: Store, db_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    text = aneby_copy("aneby-2024", "Aneby", "0604", date(2024, 1, 1), date(2024, 12, 31))
    text = text.replace(
        "period: {från: 2024-01-01, till: 2024-12-31}",
        "period: {från: 2024-01-01, till: 2024-12-31}\nuppföljningsår: kalenderår",
    )
    save_promise_upload(store, ACTOR, "aneby-2024.yaml", text)
    monkeypatch.setenv("LOFTESKARTAN_DB", db_url)

    assert main(["status", "--json", "--year", "2024", "--document", "aneby-2024"]) == 0
    row = json.loads(capsys.readouterr().out)[0]

    assert (row["period_start"], row["period_end"]) == ("2024-01-01", "2024-12-31")
    assert [t["label"] for t in row["tertials"]] == [
        "T1 2024 (jan–apr)",
        "T2 2024 (maj–aug)",
        "T3 2024 (sep–dec)",
    ]
    assert main(["status", "--year", "2025", "--document", "aneby-2024"]) == 2
    assert "inget uppföljningsår som börjar 2025; det har 2024 (2024)" in capsys.readouterr().err


def test_the_same_plan_saved_twice_is_refused_the_second_time_and_stored_once(
    store: Store,
) -> None:
    # A second click on "Spara planering" stored a copy, reported as a clash with itself.
    year = _year(store)
    with store.session(ACTOR) as s:
        save_single(s, _control(date(2024, 3, 5)), DOC, year)

    with pytest.raises(ValidationError) as refused:
        with store.session(ACTOR) as s:
            save_single(s, _control(date(2024, 3, 5)), DOC, year)

    assert str(refused.value) == (
        "Trafikkontroll tis 2024-03-05 15:00–17:00 är redan planerad (samma tid, plats och "
        "aktivitet i löftet). Inget sparades."
    )
    assert _stored(store) == (1, 0, 0)


def test_the_same_plan_an_hour_later_is_a_plan_of_its_own(store: Store) -> None:
    year = _year(store)
    first = _control(date(2024, 3, 5))
    later = PlannedActivity(first.kind, first.start + timedelta(hours=1), first.end)
    with store.session(ACTOR) as s:
        save_single(s, first, DOC, year)
        save_single(s, later, DOC, year)

    assert _stored(store) == (2, 0, 0)
