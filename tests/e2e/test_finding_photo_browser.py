"""In Chromium: a planner attaches a phone photo to a new finding on the log page, offline.

The photo is a phone's JPEG lying on its side with an orientation flag and a GPS position;
the page must show it upright, say that people and number plates are not to be photographed,
and the database must get it without any EXIF.
"""

from __future__ import annotations

import io

import pytest
from PIL import Image
from playwright.sync_api import Page

from geo.records.models import Actor
from geo.store import Store
from tests.e2e.conftest import REPO_ROOT, BrowserLog, StartServer, choose_radio, screenshot
from tests.photo_files import MODEL, lying_street_scene

pytestmark = pytest.mark.browser

SLOW_START_MS = 120_000
UPLOADER = "[data-testid='stFileUploader']"


def stored_photos(url: str) -> list[bytes]:
    store = Store(url)
    try:
        with store.session(Actor("test")) as s:
            return [
                photo.data
                for f in s.list_findings()
                if f.has_photo and (photo := s.finding_photo(f.id or 0)) is not None
            ]
    finally:
        store.dispose()


def test_a_photo_is_attached_to_a_new_finding_shown_upright_and_stored_without_gps(
    streamlit_server: StartServer, page: Page, browser_log: BrowserLog, demo_url: str
) -> None:
    base = streamlit_server(REPO_ROOT / "app.py", {"LOFTESKARTAN_DB": demo_url})
    page.set_default_timeout(SLOW_START_MS)  # a cold server's first run is slow on 2 cores
    page.goto(f"{base}/Logga")
    choose_radio(page, "Iakttagelser")
    page.get_by_text("3 iakttagelser visas").wait_for()

    form = page.locator(UPLOADER, has_text="Foto (valfritt)")
    form.locator("input[type='file']").set_input_files(
        files=[{"name": "IMG_0042.jpg", "mimeType": "image/jpeg", "buffer": lying_street_scene()}]
    )
    page.get_by_text("Sparas så här (utan platsuppgifter): JPEG 1200 × 1600 bildpunkter").wait_for()
    page.get_by_text("Fotografera inte människor eller registreringsskyltar.").last.wait_for()
    preview = page.locator("[data-testid='stImage'] img").last
    # Measure once the picture has loaded: before that the element is 0 px high.
    preview.evaluate("img => img.complete || new Promise(done => (img.onload = done))")
    page.wait_for_function(
        "img => img.naturalHeight > 0 && img.height > 0", arg=preview.element_handle()
    )
    box = preview.bounding_box()
    assert box is not None and box["height"] > box["width"]  # upright, not lying on its side
    page.get_by_label("Vad sågs (inga namn)").fill("Lampan vid gångvägen är trasig")
    page.get_by_label("Vad sågs (inga namn)").press("Enter")
    preview.scroll_into_view_if_needed()
    screenshot(page, "logga-iakttagelse-foto")

    page.get_by_role("button", name="Spara iakttagelse").click()
    page.get_by_text("Iakttagelse sparad med foto (belysning).").wait_for()
    (data,) = stored_photos(demo_url)
    assert Image.open(io.BytesIO(data)).getexif() == {}
    assert MODEL.encode() not in data

    # The new finding lists its photo; opened, it shows the thumbnail and offers to change it.
    page.get_by_text("Belysning: Lampan vid gångvägen är trasig").click()
    page.get_by_role("button", name="Ta bort foto").wait_for()
    page.locator(UPLOADER, has_text="Byt foto").wait_for()
    page.get_by_role("button", name="Ta bort foto").scroll_into_view_if_needed()
    screenshot(page, "logga-iakttagelse-med-foto")

    # On a phone the form is one column: the uploader, the rule and the camera switch.
    page.set_viewport_size({"width": 400, "height": 1400})
    new_photo = page.locator(UPLOADER, has_text="Foto (valfritt)")
    new_photo.scroll_into_view_if_needed()
    page.get_by_text("Ta foto med kameran").last.wait_for()
    screenshot(page, "logga-iakttagelse-foto-mobil")
    assert browser_log.page_errors == []


def test_a_text_file_named_like_a_photo_is_refused_on_the_page(
    streamlit_server: StartServer, page: Page, demo_url: str
) -> None:
    base = streamlit_server(REPO_ROOT / "app.py", {"LOFTESKARTAN_DB": demo_url})
    page.set_default_timeout(SLOW_START_MS)
    page.goto(f"{base}/Logga")
    choose_radio(page, "Iakttagelser")
    page.get_by_text("3 iakttagelser visas").wait_for()

    form = page.locator(UPLOADER, has_text="Foto (valfritt)")
    form.locator("input[type='file']").set_input_files(
        files=[{"name": "lampa.jpg", "mimeType": "image/jpeg", "buffer": b"Bara text."}]
    )
    page.get_by_text("lampa.jpg är ingen JPEG- eller PNG-bild.").wait_for()
    assert page.get_by_role("button", name="Spara iakttagelse").is_disabled()
    assert stored_photos(demo_url) == []
