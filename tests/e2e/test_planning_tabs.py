"""In Chromium: the planning page's other views and the log page's follow-up, offline."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from geo.planning.schedule import week_range
from geo.records.models import Actor
from geo.store import Store
from tests.e2e.conftest import (
    CALENDAR_FRAME,
    REPO_ROOT,
    BrowserLog,
    StartServer,
    choose_radio,
    screenshot,
    type_date_part,
    wait_for_map,
)

pytestmark = pytest.mark.browser

SLOW_START_MS = 120_000


def planned_in_week_21(url: str) -> int:
    store = Store(url)
    try:
        with store.session(Actor("test")) as s:
            start, end = week_range(2024, 21)
            return len([p for p in s.list_planned(start, end) if p.place_id is not None])
    finally:
        store.dispose()


def test_recurring_rule_random_plan_week_map_and_publishing(
    streamlit_server: StartServer, page: Page, browser_log: BrowserLog, demo_url: str
) -> None:
    base = streamlit_server(REPO_ROOT / "app.py", {"LOFTESKARTAN_DB": demo_url})
    # A cold server imports folium, geopandas and the calendar on its first run: on a busy
    # 2-core machine that took over 30 s, so conditions get longer to come true.
    page.set_default_timeout(SLOW_START_MS)
    page.goto(f"{base}/Planering")
    # The calendar is drawn last-but-one: once it is there the first run has finished.
    page.locator(CALENDAR_FRAME).wait_for()

    # A recurring rule: the preview describes it and counts its dates. The demo's year ends
    # Wednesday 29 May 2024, so the last day defaults to it (not twelve weeks past it):
    # from 1 May (a holiday, skipped) the Wednesdays 8, 15, 22 and 29 May.
    choose_radio(page, "Planera")
    page.get_by_text("Varje vecka", exact=True).click()
    page.get_by_text("Varje onsdag kl. 13–15, 29 maj – 29 maj 2024").wait_for()
    type_date_part(page, "day", "Första dag", "01", "Varje onsdag kl. 13–15, 1 maj – 29 maj 2024")
    page.get_by_label("Plats", exact=True).click()
    page.get_by_role("option", name="Exempel: Poliskontor", exact=True).click()
    page.get_by_text("4 tillfällen").wait_for()
    screenshot(page, "planering-aterkommande")
    page.get_by_role("button", name="Spara planering").click()
    page.get_by_text("4 tillfällen planerade.").wait_for()
    # A fresh form, on the screen as well: the browser had kept "Varje vecka" chosen above
    # the fields of a one-off plan.
    page.get_by_text("Datum", exact=True).wait_for()
    assert page.get_by_role("radio", name="En gång").is_checked()
    assert not page.get_by_role("radio", name="Varje vecka").is_checked()

    # A randomised plan with a stored seed: save it, and the week map shows its visits.
    choose_radio(page, "Slumpad närvaro")
    page.get_by_text("Korta, oförutsägbara besök").wait_for()
    # Weeks 18–21 of 2024 (29 April – 26 May), inside the demo's promise year (to 29 May):
    # week 22 would reach past it, and the plan would be refused.
    type_date_part(page, "month", "Första veckan", "04", "från vecka 18 2024")
    seed = page.get_by_label("Frö (sparas med planen så att den kan granskas)")
    seed.fill("12345")
    seed.press("Enter")
    page.get_by_text("frö 12345.").first.wait_for()
    screenshot(page, "planering-slumpad")
    page.get_by_role("button", name="Spara slumpad plan").click()
    page.get_by_text("slumpade besök (frö 12345).").wait_for()

    # Week 21 (20–26 May 2024): the random visits and any demo slot, one marker each.
    # The week caption itself:
    type_date_part(
        page, "day", "Vecka (välj en dag i veckan)", "22", "Vecka 21, 2024 (20–26 maj) ·"
    )
    choose_radio(page, "Karta")
    expected = planned_in_week_21(demo_url)
    assert expected >= 3  # three random visits at least
    drawn = wait_for_map(page, min_paths=expected, timeout=SLOW_START_MS)
    assert drawn == expected
    screenshot(page, "planering-karta")

    choose_radio(page, "Lista")
    page.get_by_text("planerade aktiviteter visas.").wait_for()
    screenshot(page, "planering-lista")

    choose_radio(page, "Publicera")
    website_text = page.locator("[data-testid='stCode']")
    website_text.wait_for()
    assert "Exempel: Poliskontor, Exempelgatan 1 (påhittad)" in website_text.inner_text()
    assert "Varje onsdag kl. 13–15, 1 maj – 29 maj 2024, utom helgdagar." in (
        website_text.inner_text()
    )
    page.get_by_role("button", name="Publik kalender (.ics)").wait_for()
    screenshot(page, "planering-publicera")
    assert browser_log.page_errors == []


def test_findings_follow_up_and_kommun_figures(
    streamlit_server: StartServer, page: Page, demo_url: str
) -> None:
    base = streamlit_server(REPO_ROOT / "app.py", {"LOFTESKARTAN_DB": demo_url})
    # A cold server imports folium, geopandas and the calendar on its first run: on a busy
    # 2-core machine that took over 30 s, so conditions get longer to come true.
    page.set_default_timeout(SLOW_START_MS)
    page.goto(f"{base}/Logga")
    choose_radio(page, "Iakttagelser")
    # The demo's spring walk left three open findings.
    page.get_by_text("3 iakttagelser visas").wait_for()
    page.get_by_text("Växtlighet: Klipp buskage vid gångväg").click()
    page.get_by_role("button", name="Spara ändring").wait_for()
    wait_for_map(page, min_paths=1, timeout=SLOW_START_MS)  # the walk route
    screenshot(page, "logga-iakttagelser")

    choose_radio(page, "Kommunens siffror")
    value = page.get_by_role("spinbutton", name="Värde (%)")
    value.fill("93,5".replace(",", "."))
    value.press("Enter")
    page.get_by_role("button", name="Spara nyckeltal").click()
    page.get_by_text("Sparat: Skolnärvaro (andel av undervisningstiden) VT2024.").wait_for()
    screenshot(page, "logga-siffror")
