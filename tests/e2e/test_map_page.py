"""The real app in Chromium with no internet: the map draws Aneby and every stored place."""

from __future__ import annotations

import pytest
from playwright.sync_api import FrameLocator, Page

from geo.records.kinds import CommitmentKind
from geo.records.models import Actor
from geo.records.periods import promise_year
from geo.spatial.layers import load_map_data
from geo.store import Store
from geo.swedish import number
from tests.e2e.conftest import (
    MAP_FRAME,
    REPO_ROOT,
    BrowserLog,
    StartServer,
    screenshot,
    wait_for_map,
)

pytestmark = pytest.mark.browser

# What the demo database holds, counted from the shipped files and
# geo.installation.demo.demo_places().
KOMMUN_BOUNDARY = 1
LAN_KOMMUNER = 13
TATORTER = 3  # Aneby's own: Aneby, Frinnaryd, Sundhultsbrunn
DEMO_PLACES = 9
TRAFFIC_SITES = 3
# Logged demo activities are drawn as one counted marker per place and kind (not one point
# per activity): presence at the office and in the centre, three control sites, two
# intervention places, the walk route, and the office's opening-hours information.
PRESENCE_MARKERS = 2
ACTIVITY_MARKERS = PRESENCE_MARKERS + TRAFFIC_SITES + 2 + 1 + 1


def open_layer_list(frame: FrameLocator) -> None:
    """Unfold the layer list, folded at first so it does not cover the map."""
    frame.locator(".leaflet-control-layers").hover()
    frame.locator(".leaflet-control-layers-expanded").wait_for()


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
    assert frame.locator(".leaflet-control-layers-expanded").count() == 0
    open_layer_list(frame)
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


def test_logged_activities_are_counted_markers_per_place_with_a_swedish_tooltip(
    streamlit_server: StartServer, page: Page, browser_log: BrowserLog, demo_url: str
) -> None:
    store = Store(demo_url)
    with store.session(Actor("test")) as s:
        doc = s.promise_document()
        year = promise_year(doc, 2023)
        data = load_map_data(s, doc, year.start_at, year.end_at)
    store.dispose()
    presence = data.activities[CommitmentKind.PRESENCE]["features"]
    busiest = presence[0]["properties"]
    assert busiest["label"].startswith("Exempel: Poliskontor – Närvaro: ")

    base = streamlit_server(REPO_ROOT / "app.py", {"LOFTESKARTAN_DB": demo_url})
    page.goto(f"{base}/Karta")
    page.get_by_text(f"{number(data.activity_count)} genomförda aktiviteter").wait_for()
    wait_for_map(page, min_paths=KOMMUN_BOUNDARY + LAN_KOMMUNER + TATORTER + DEMO_PLACES)
    frame = page.frame_locator(MAP_FRAME)
    markers = frame.locator(".lofteskartan-activity")
    assert markers.count() == 0  # activity layers start switched off

    open_layer_list(frame)
    frame.get_by_text("Genomfört: Närvaro").click()
    markers.nth(PRESENCE_MARKERS - 1).wait_for()
    assert markers.count() == PRESENCE_MARKERS
    busiest_marker = markers.filter(has_text=str(busiest["count"]))
    assert busiest_marker.count() == 1
    # At the kommun's zoom the centre's marker overlaps the office's: send the pointer's
    # event to the office's marker itself rather than to whatever is on top.
    busiest_marker.dispatch_event("mouseover")
    tooltip = frame.locator(".leaflet-tooltip")
    tooltip.wait_for()
    assert tooltip.inner_text().strip() == busiest["label"]
    busiest_marker.dispatch_event("mouseout")
    tooltip.wait_for(state="detached")
    # A touch screen has no hover: a tap opens the same text as a popup (Leaflet's own,
    # with no jQuery in the map's frame).
    busiest_marker.dispatch_event("click")
    popup = frame.locator(".leaflet-popup-content")
    popup.wait_for()
    assert popup.inner_text().strip() == busiest["label"]

    open_layer_list(frame)
    for name in ("Trafikkontroll", "Narkotikainsats", "Trygghetsvandring"):
        frame.get_by_text(f"Genomfört: {name}").click()
    frame.get_by_text("Genomfört: Lokal och information om öppettider").click()
    markers.nth(ACTIVITY_MARKERS - 1).wait_for()
    assert markers.count() == ACTIVITY_MARKERS
    screenshot(page, "karta_genomfort")
    assert browser_log.page_errors == []
