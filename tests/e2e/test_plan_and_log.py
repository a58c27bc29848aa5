"""In Chromium: plan a presence slot, see it in the calendar, log it done, see the count rise."""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import Page

from geo.followup.status import status_report
from geo.records.models import Actor
from geo.store import Store
from tests.e2e.conftest import (
    CALENDAR_FRAME,
    REPO_ROOT,
    BrowserLog,
    StartServer,
    choose_radio,
    screenshot,
)

pytestmark = pytest.mark.browser

SLOW_START_MS = 120_000

PRESENCE_TEXT = "Polisen ska vara tillgänglig för poliskontoret"


def presence_done(url: str) -> int:
    store = Store(url)
    try:
        report = status_report(store, Actor("test"), None, 2023, date(2024, 1, 1))
    finally:
        store.dispose()
    return next(r.done for r in report.rows if r.commitment.id == "polisnarvaro")


def choose(page: Page, label: str, option: str) -> None:
    """Pick an option in a Streamlit select box by its label."""
    page.get_by_label(label, exact=True).click()
    page.get_by_role("option", name=option, exact=True).click()


def test_plan_a_presence_slot_see_it_log_it_and_see_the_count_go_up(
    streamlit_server: StartServer, page: Page, browser_log: BrowserLog, demo_url: str
) -> None:
    done_before = presence_done(demo_url)
    base = streamlit_server(REPO_ROOT / "app.py", {"LOFTESKARTAN_DB": demo_url})
    # A cold server imports folium, geopandas and the calendar on its first run: on a busy
    # 2-core machine that took over 30 s, so conditions get longer to come true.
    page.set_default_timeout(SLOW_START_MS)

    page.goto(base)
    row = page.locator("[data-testid='stHorizontalBlock']", has_text=PRESENCE_TEXT)
    row.get_by_text(f"{done_before} genomförda").wait_for()

    # Plan: a one-off presence slot at the police office on Wednesday 29 May 2024, 13–15
    # (the last day of the demo's promise year, which the week picker starts on).
    page.goto(f"{base}/Planering")
    page.locator(CALENDAR_FRAME).wait_for()  # the first run has finished
    choose_radio(page, "Planera")
    choose(page, "Plats", "Exempel: Poliskontor")
    page.get_by_label("Ansvarig grupp").first.fill("Kvällsgruppen")
    page.get_by_label("Ansvarig grupp").first.press("Enter")
    page.get_by_role("button", name="Spara planering").click()
    page.get_by_text("Planerat: Närvaro ons 2024-05-29 13:00–15:00.").wait_for()

    # See it in the week calendar: Monday first, ISO week 22, on Wednesday's column.
    choose_radio(page, "Kalender")
    calendar = page.frame_locator(CALENDAR_FRAME)
    wednesday = calendar.locator(".fc-timegrid-col[data-date='2024-05-29']")
    slot = wednesday.locator(".fc-event", has_text="Närvaro – Exempel: Poliskontor")
    slot.wait_for()
    assert "13:00" in slot.inner_text()
    headers = calendar.locator(".fc-col-header-cell").all_inner_texts()
    assert headers[0].lower().startswith("mån"), headers
    assert "v. 22" in calendar.locator(".fc-timegrid-axis").first.inner_text()
    screenshot(page, "planering-kalender")

    # Log it done with an outcome, on a phone-sized screen.
    page.set_viewport_size({"width": 390, "height": 1300})
    page.goto(f"{base}/Logga")
    picker = page.get_by_label("Planerad aktivitet")
    picker.wait_for()
    # The demo's year is over: the plan is overdue, and the latest overdue comes first.
    assert picker.input_value() == (
        "Försenad: ons 2024-05-29 13:00–15:00 · Närvaro · Exempel: Poliskontor · Kvällsgruppen"
    )
    page.get_by_role("spinbutton", name="Besökare").fill("7")
    page.get_by_role("spinbutton", name="Besökare").press("Enter")
    screenshot(page, "logga-telefon")
    page.get_by_role("button", name="Spara").click()
    page.get_by_text("Loggat: Närvaro ons 2024-05-29 13:00–15:00.").wait_for()

    # The overview counts it.
    page.set_viewport_size({"width": 1400, "height": 2000})
    page.goto(base)
    row.get_by_text(f"{done_before + 1} genomförda").wait_for()
    screenshot(page, "oversikt-efter-loggning")
    assert presence_done(demo_url) == done_before + 1
    assert browser_log.page_errors == []
