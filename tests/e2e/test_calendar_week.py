"""In Chromium: another week typed into Planering's date field moves the calendar there, with
that week's activities and plans only (the frame holds only the days it shows); a click on a
plan says what it is."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from tests.e2e.conftest import (
    CALENDAR_FRAME,
    REPO_ROOT,
    BrowserLog,
    StartServer,
    type_date_part,
)

pytestmark = pytest.mark.browser

SLOW_START_MS = 120_000
FIELD = "Vecka (välj en dag i veckan)"


def test_a_typed_week_moves_the_calendar_to_that_weeks_activities(
    streamlit_server: StartServer, page: Page, browser_log: BrowserLog, demo_url: str
) -> None:
    page.set_default_timeout(SLOW_START_MS)  # a cold server's first run is slow
    page.goto(streamlit_server(REPO_ROOT / "app.py", {"LOFTESKARTAN_DB": demo_url}) + "/Planering")
    calendar = page.frame_locator(CALENDAR_FRAME)
    # The demo's year ends Wednesday 29 May 2024: its week (22) is shown first, with the
    # presence done as planned on Tuesday 28 May.
    presence = calendar.locator(".fc-timegrid-col[data-date='2024-05-28'] .fc-event").first
    presence.wait_for()
    # A click on it says below the calendar what it is.
    presence.click()
    note = page.get_by_test_id("stAlert").filter(has_text="tis 2024-05-28")
    note.wait_for()
    assert "Närvaro" in note.inner_text() and "genomförd" in note.inner_text()

    type_date_part(page, "day", FIELD, "15", "Vecka 20, 2024")
    # Week 20: the coordination meeting logged without a plan on Tuesday 14 May, 09:00.
    tuesday = calendar.locator(".fc-timegrid-col[data-date='2024-05-14']")
    tuesday.locator(".fc-event", has_text="Samverkansmöte (genomförd)").wait_for()
    assert "v. 20" in calendar.locator(".fc-timegrid-axis").first.inner_text()
    assert note.count() == 0  # the click was on an event of another week
    assert calendar.locator(".fc-timegrid-col[data-date='2024-05-28']").count() == 0

    type_date_part(page, "day", FIELD, "22", "Vecka 21, 2024")
    # Week 21: the traffic control logged without a plan on Friday 24 May; the meeting of
    # week 20 is gone with its week.
    friday = calendar.locator(".fc-timegrid-col[data-date='2024-05-24']")
    friday.locator(".fc-event", has_text="Trafikkontroll").wait_for()
    assert calendar.locator(".fc-event", has_text="Samverkansmöte").count() == 0
    assert page.locator(CALENDAR_FRAME).count() == 1
