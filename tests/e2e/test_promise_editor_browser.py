"""Löftesredigering in Chromium: Nästa års löfte saved and downloaded, a new promise's
empty fields named in Swedish."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from geo.records.models import Actor
from geo.store import Store
from tests.e2e.conftest import REPO_ROOT, BrowserLog, StartServer, screenshot

pytestmark = pytest.mark.browser


def test_next_years_promise_is_saved_and_downloaded_as_it_was_stored(
    streamlit_server: StartServer, page: Page, browser_log: BrowserLog, demo_url: str
) -> None:
    base = streamlit_server(REPO_ROOT / "app.py", {"LOFTESKARTAN_DB": demo_url})
    page.goto(f"{base}/Loftesredigering")
    # The page's own choice (it has no sidebar promise picker).
    page.locator("[data-testid=stSelectbox]", has_text="Medborgarlöfte").last.click()
    page.get_by_role("option", name="Medborgarlöfte i Aneby kommun 2023-2024", exact=True).click()
    page.get_by_role("button", name="Nästa års löfte").click()
    page.get_by_text("Nästa års löfte: kontrollera datumen").wait_for()
    page.get_by_role("button", name="Spara").click()
    page.get_by_text("Nästa års löfte aneby-2024-2025 sparades.").wait_for()
    screenshot(page, "loftesredigering-nasta-ar")
    with page.expect_download() as download:
        page.get_by_role("button", name="Ladda ned").click()
    downloaded = download.value
    store = Store(demo_url)
    try:
        with store.session(Actor("test")) as s:
            name, text = s.promise_source("aneby-2024-2025")
    finally:
        store.dispose()
    assert downloaded.suggested_filename == name
    assert open(downloaded.path(), encoding="utf-8").read() == text
    assert browser_log.page_errors == []


def test_an_empty_new_promise_names_each_missing_field_in_swedish(
    streamlit_server: StartServer, page: Page, demo_url: str
) -> None:
    base = streamlit_server(REPO_ROOT / "app.py", {"LOFTESKARTAN_DB": demo_url})
    page.goto(f"{base}/Loftesredigering")
    page.get_by_role("button", name="Nytt löfte").click()
    page.get_by_role("button", name="Spara").click()
    page.get_by_text("Inget sparades: rätta fälten som är markerade ovan.").wait_for()
    # id, titel and lokalpolisområde are empty; the list of activities has no row.
    expect(page.get_by_text("får inte vara tom", exact=True)).to_have_count(3)
    page.get_by_text('listan "aktiviteter" måste ha minst en rad').wait_for()
    page.get_by_text('nyckeln "undertecknat" saknas').wait_for()
