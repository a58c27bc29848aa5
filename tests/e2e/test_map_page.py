"""The real app in Chromium with no internet: the map draws Aneby and every stored place."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page

from geo.models import Actor
from geo.setup import initialise
from geo.store import Store
from tests.e2e.conftest import (
    MAP_FRAME,
    REPO_ROOT,
    BrowserLog,
    StartServer,
    screenshot,
    wait_for_map,
)

pytestmark = pytest.mark.browser

# What the demo database holds, counted from the shipped files and geo.demo.demo_places().
KOMMUN_BOUNDARY = 1
LAN_KOMMUNER = 13
TATORTER = 95
DEMO_PLACES = 9
TRAFFIC_SITES = 3


@pytest.fixture
def demo_url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path}/demo.sqlite"
    store = Store(url)
    initialise(store, Actor("test"), [REPO_ROOT / "data" / "promises"], demo=True)
    store.dispose()
    return url


def test_map_page_draws_kommun_tatorter_and_places_offline(
    streamlit_server: StartServer, page: Page, browser_log: BrowserLog, demo_url: str
) -> None:
    base = streamlit_server(REPO_ROOT / "app.py", {"LOFTESKARTAN_DB": demo_url})
    page.goto(f"{base}/Karta")
    expected = KOMMUN_BOUNDARY + LAN_KOMMUNER + TATORTER + DEMO_PLACES
    drawn = wait_for_map(page, min_paths=expected)
    screenshot(page, "karta")
    assert drawn == expected
    assert browser_log.page_errors == []
    # Only map tiles may have been refused: every script and stylesheet came from the app.
    assert all("tile.openstreetmap.org" in url for url in browser_log.blocked)

    frame = page.frame_locator(MAP_FRAME)
    assert "Källa: SCB" in frame.locator(".leaflet-control-attribution").inner_text()
    frame.get_by_text("Platser: Trafikkontrollplats").click()
    page.wait_for_function(
        """([sel, n]) => {
            const doc = document.querySelector(sel).contentDocument;
            return doc.querySelectorAll('path.leaflet-interactive').length === n;
        }""",
        arg=[MAP_FRAME, expected - TRAFFIC_SITES],
    )


def test_overview_page_shows_the_promise_in_the_browser(
    streamlit_server: StartServer, page: Page, demo_url: str
) -> None:
    base = streamlit_server(REPO_ROOT / "app.py", {"LOFTESKARTAN_DB": demo_url})
    page.goto(base)
    page.get_by_role("heading", name="Medborgarlöfte i Aneby kommun 2023-2024").wait_for()
    page.get_by_text("9 av minst 10").wait_for()
    screenshot(page, "oversikt")
