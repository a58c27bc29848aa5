"""In Chromium: a planner places a new finding on the log page, offline, by clicks on the map
and by typed coordinates.

The map marks the spot at once with a ring; a second click or a typed position moves the
ring in the same map; whichever came last is used, and the finding is stored there. Then the
form is fresh for the next one.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.common import finding_positions
from tests.e2e.conftest import REPO_ROOT, BrowserLog, StartServer, choose_radio, screenshot

pytestmark = pytest.mark.browser

SLOW_START_MS = 120_000
FINDING_MAP = "iframe[title='Karta: Ny iakttagelse']"
RING = "path[stroke='#000000']"  # not interactive: a click goes through it to the map
CHOSEN = re.compile(r"Vald punkt: (\d+\.\d{5}), (\d+\.\d{5})")


def chosen_point(page: Page, before: str | None = None) -> str:
    """The page's line "Vald punkt: lat, lon", once it says something other than `before`."""
    found = page.wait_for_function(
        """before => {
            const line = [...document.querySelectorAll("[data-testid='stCaptionContainer']")]
                .map(e => e.textContent.trim()).find(t => t.startsWith('Vald punkt:'));
            return line && line !== before ? line : null;
        }""",
        arg=before,
    )
    return str(found.json_value())


def lat_lon(line: str) -> tuple[float, float]:
    match = CHOSEN.fullmatch(line)
    assert match, line
    return float(match.group(1)), float(match.group(2))


def test_a_new_finding_is_placed_by_clicks_or_typed_coordinates_and_stored_at_the_last(
    streamlit_server: StartServer, page: Page, browser_log: BrowserLog, demo_url: str
) -> None:
    base = streamlit_server(REPO_ROOT / "app.py", {"LOFTESKARTAN_DB": demo_url})
    page.set_default_timeout(SLOW_START_MS)
    page.goto(f"{base}/Logga")
    choose_radio(page, "Iakttagelser")
    page.get_by_text("Klicka i kartan där iakttagelsen gjordes", exact=False).wait_for()
    frame = page.frame_locator(FINDING_MAP)
    map_box = frame.locator(".leaflet-container")
    # The demo's walk route is drawn: the map has loaded its layers.
    frame.locator("path.leaflet-interactive").first.wait_for()
    box = map_box.bounding_box()
    assert box is not None
    map_box.evaluate("m => { m.ownerDocument.defaultView.lofteskartanSameMap = true; }")

    map_box.click(position={"x": box["width"] * 0.7, "y": box["height"] * 0.3})
    first = chosen_point(page)
    assert frame.locator(RING).count() == 1

    # Another click moves the ring and the chosen point; the frame stays the same map.
    map_box.click(position={"x": box["width"] * 0.3, "y": box["height"] * 0.7})
    second = chosen_point(page, before=first)
    assert frame.locator(RING).count() == 1
    assert map_box.evaluate("m => m.ownerDocument.defaultView.lofteskartanSameMap === true")
    # Down and to the left of the first click: further south and further west.
    (lat1, lon1), (lat2, lon2) = lat_lon(first), lat_lon(second)
    assert lat2 < lat1 and lon2 < lon1
    screenshot(page, "logga-iakttagelse-plats")
    clicked_ring = frame.locator(RING).get_attribute("d")

    # By keyboard: coordinates typed and Enter. The ring moves to them in the same map.
    field = page.get_by_role("textbox", name="Iakttagelsens läge: koordinater eller namn")
    field.fill("57.8416, 14.8085")
    field.press("Enter")
    typed = chosen_point(page, before=second)
    assert typed == "Vald punkt: 57.84160, 14.80850"
    page.get_by_text("Iakttagelsen placeras på", exact=False).wait_for()
    expect(frame.locator(RING)).not_to_have_attribute("d", clicked_ring or "")
    assert frame.locator(RING).count() == 1
    assert map_box.evaluate("m => m.ownerDocument.defaultView.lofteskartanSameMap === true")

    # A click after typing wins: the typed position is forgotten.
    map_box.click(position={"x": box["width"] * 0.3, "y": box["height"] * 0.7})
    last = chosen_point(page, before=typed)
    page.get_by_text("Iakttagelsen placeras på", exact=False).wait_for(state="detached")

    description = "Buskage skymmer gångvägen"
    page.get_by_label("Vad sågs (inga namn)").fill(description)
    page.get_by_label("Vad sågs (inga namn)").press("Enter")
    page.get_by_role("button", name="Spara iakttagelse").click()
    page.get_by_text("Iakttagelse sparad", exact=False).wait_for()
    ((lat, lon),) = finding_positions(demo_url, description)
    assert (round(lat, 5), round(lon, 5)) == lat_lon(last)
    # A fresh form for the next finding, on the screen too: no position, no description.
    page.get_by_text("Klicka i kartan där iakttagelsen gjordes", exact=False).wait_for()
    assert page.get_by_label("Vad sågs (inga namn)").input_value() == ""
    frame.locator("path.leaflet-interactive").first.wait_for()
    assert frame.locator(RING).count() == 0
    assert browser_log.page_errors == []
