"""Planering's calendar (AppTest) shows the chosen week's activities of the chosen promise: one
by one, a crowded day as its count, and the week's list with each of them."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from shapely.geometry import Point
from streamlit.testing.v1 import AppTest

from geo.installation.init import save_promise_upload
from geo.records.kinds import CommitmentKind
from geo.records.models import Activity, Actor
from geo.store import Store
from tests.common import E0, N0, REPO_ROOT, aneby_copy, demo_database, local

ANEBY, EKSJO = "aneby-2023-2024", "eksjo-2023-2024"
# The demo logs nothing without a plan in week 45 of 2023 (6–12 November).
MONDAY, TUESDAY, WEDNESDAY = date(2023, 11, 6), date(2023, 11, 7), date(2023, 11, 8)
CROWDED = 201  # one more than a week's day draws one by one


def presence(start: datetime) -> Activity:
    return Activity(
        CommitmentKind.PRESENCE, start, start + timedelta(minutes=10), geometry=Point(E0, N0)
    )


def spread(day: date, n: int) -> list[Activity]:
    """`n` activities from 08:00 on `day`, a minute apart."""
    first = local(day.year, day.month, day.day, 8)
    return [presence(first + timedelta(minutes=i)) for i in range(n)]


@pytest.fixture(scope="module")
def two_promises(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The demo, Eksjö's promise beside Aneby's, and both kommuner's activities in week 45."""
    url = demo_database(tmp_path_factory.mktemp("calendar") / "calendar.sqlite")
    store = Store(url)
    try:
        text = aneby_copy(EKSJO, "Eksjö", "0686", date(2023, 6, 15), date(2024, 6, 14))
        save_promise_upload(store, Actor("test"), f"{EKSJO}.yaml", text)
        with store.session(Actor("test")) as s:
            aneby = spread(MONDAY, 3) + spread(TUESDAY, CROWDED) + spread(date(2023, 11, 13), 1)
            s.add_activities_bulk(aneby, document_id=ANEBY)
            # Eksjö's Tuesday alone is not crowded; with Aneby's it would be.
            s.add_activities_bulk(spread(TUESDAY, 150) + spread(WEDNESDAY, 5), document_id=EKSJO)
    finally:
        store.dispose()
    return url


def calendar_of(
    db_url: str, monkeypatch: pytest.MonkeyPatch, document: str, span: str
) -> tuple[AppTest, list[dict[str, Any]]]:
    """Planering for `document` on Wednesday of week 45, its calendar in `span`, and the
    events the calendar was given."""
    monkeypatch.setenv("LOFTESKARTAN_DB", db_url)
    at = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=90)
    at.run()
    at.switch_page("pages/3_Planering.py")
    at.run()
    at.sidebar.selectbox(key="document_id").set_value(document)
    at.run()
    start = "20230530" if document == ANEBY else "20230615"
    at.date_input(key=f"plan_day_{start}").set_value(WEDNESDAY)
    at.run()
    at.radio(key="plan_span").set_value(span)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    (calendar,) = [
        e for e in at.main if getattr(e.proto, "component_name", "") == "lofteskartan_calendar"
    ]
    return at, json.loads(calendar.proto.json)["events"]


def logged_per_day(events: list[dict[str, Any]]) -> dict[str, int]:
    """The activities logged without a plan, drawn one by one, per day."""
    days: dict[str, int] = {}
    for e in events:
        if e["id"].startswith("a"):
            days[e["start"][:10]] = days.get(e["start"][:10], 0) + 1
    return days


def counts(events: list[dict[str, Any]]) -> dict[str, str]:
    return {e["start"]: e["title"] for e in events if e.get("allDay")}


def test_the_week_shows_its_activities_and_a_crowded_day_as_its_count(
    two_promises: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    at, events = calendar_of(two_promises, monkeypatch, ANEBY, "Vecka")
    assert logged_per_day(events) == {"2023-11-06": 3}
    assert counts(events) == {"2023-11-07": "201 genomförda utan plan"}
    assert any("1 dag med fler än 200 genomförda utan plan" in c.value for c in at.caption)


def test_the_weeks_list_lists_each_activity_of_the_crowded_day(
    two_promises: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, events = calendar_of(two_promises, monkeypatch, ANEBY, "Veckolista")
    assert logged_per_day(events) == {"2023-11-06": 3, "2023-11-07": CROWDED}
    assert counts(events) == {}


def test_the_month_shows_the_next_weeks_activity_too(
    two_promises: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, events = calendar_of(two_promises, monkeypatch, ANEBY, "Månad")
    shown = logged_per_day(events)
    assert (shown["2023-11-06"], shown["2023-11-13"]) == (3, 1)
    assert counts(events) == {"2023-11-07": "201 genomförda utan plan"}


def test_another_promise_sees_its_own_activities_only(
    two_promises: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, events = calendar_of(two_promises, monkeypatch, EKSJO, "Vecka")
    assert logged_per_day(events) == {"2023-11-07": 150, "2023-11-08": 5}
    assert counts(events) == {}
