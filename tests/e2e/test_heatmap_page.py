"""The heatmap page in Chromium with no internet: the density image is drawn on the map."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from tests.e2e.conftest import MAP_FRAME, REPO_ROOT, BrowserLog, StartServer, screenshot

pytestmark = pytest.mark.browser


def test_heatmap_page_draws_its_density_image_offline(
    streamlit_server: StartServer, page: Page, browser_log: BrowserLog, demo_url: str
) -> None:
    base = streamlit_server(REPO_ROOT / "app.py", {"LOFTESKARTAN_DB": demo_url})
    page.goto(f"{base}/Varmekarta")
    frame = page.locator(MAP_FRAME).first.element_handle(timeout=60_000).content_frame()
    assert frame is not None
    # The overlay is one <img> whose data: URL has been decoded (naturalWidth > 0).
    frame.wait_for_function(
        """() => {
            const img = document.querySelector('img.leaflet-image-layer');
            return img && img.complete && img.naturalWidth > 0;
        }""",
        timeout=60_000,
    )
    images = frame.locator("img.leaflet-image-layer")
    assert images.count() == 1
    src = images.first.get_attribute("src") or ""
    assert src.startswith("data:image/png;base64,")
    box = images.first.bounding_box()
    assert box is not None and box["width"] > 100 and box["height"] > 100
    assert frame.locator("path.leaflet-interactive").count() == 1  # the kommun boundary
    page.get_by_text("Flest:").wait_for()
    screenshot(page, "varmekarta")
    assert browser_log.page_errors == []
    assert all("tile.openstreetmap.org" in url for url in browser_log.blocked)
