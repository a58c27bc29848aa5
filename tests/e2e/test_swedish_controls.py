"""Leaflet's controls speak Swedish and measure in metres, on the app's maps and in the export.

Leaflet's defaults are English ("Zoom in", "Layers", "Close popup") with a scale bar in miles
and feet; static/lofteskartan/leaflet-setup.js sets them once for every map (ui/offline.py loads
it, geo/exports/map_html.py writes it into the file).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import FrameLocator, Locator, Page

from geo.disclosure.audience import Audience
from tests.e2e.conftest import MAP_FRAME, REPO_ROOT, BrowserLog, StartServer, wait_for_map
from tests.e2e.test_export_map import export_html, open_file

pytestmark = pytest.mark.browser

ENGLISH = ("Zoom in", "Zoom out", "Layers", "Close popup", "A JavaScript library")


def controls_say_swedish(map_: Page | FrameLocator) -> None:
    """The zoom buttons and the layer toggle are Swedish; the scale is in m or km only."""
    zoom_in: Locator = map_.locator("a.leaflet-control-zoom-in")
    assert zoom_in.get_attribute("title") == "Zooma in"
    assert map_.locator("a.leaflet-control-zoom-out").get_attribute("title") == "Zooma ut"
    scale = map_.locator(".leaflet-control-scale-line")
    assert scale.count() == 1  # metres only: no second line in miles or feet
    assert scale.inner_text().split()[-1] in {"m", "km"}
    toggle = map_.locator("a.leaflet-control-layers-toggle")
    if toggle.count():
        assert toggle.first.get_attribute("title") == "Lager"
    html = map_.locator(".leaflet-control-container").first.inner_html()
    assert [word for word in ENGLISH if word in html] == []


@pytest.mark.parametrize("address", ["Karta", "Varmekarta"])
def test_the_map_pages_have_swedish_controls_and_a_metric_scale(
    streamlit_server: StartServer,
    page: Page,
    browser_log: BrowserLog,
    demo_url: str,
    address: str,
) -> None:
    base = streamlit_server(REPO_ROOT / "app.py", {"LOFTESKARTAN_DB": demo_url})
    page.goto(f"{base}/{address}")
    wait_for_map(page, min_paths=1)
    controls_say_swedish(page.frame_locator(MAP_FRAME))
    assert browser_log.page_errors == []


def test_the_exported_map_file_has_swedish_controls_and_a_metric_scale(
    page: Page,
    browser_log: BrowserLog,
    planted_url: str,
    tmp_path: Path,
) -> None:
    path, _ = export_html(planted_url, Audience.INTERNAL, tmp_path)
    open_file(page, path)
    controls_say_swedish(page)
    assert browser_log.page_errors == []
