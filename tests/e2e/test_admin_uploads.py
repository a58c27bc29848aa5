"""In Chromium: an administrator uploads a promise file and a base layer, no command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from playwright.sync_api import Page

from tests.common import TRANAS_PROMISE_YAML
from tests.e2e.conftest import MAP_FRAME, REPO_ROOT, StartServer, screenshot

pytestmark = pytest.mark.browser

# An invented test road near Aneby (WGS 84), not real street data.
ROAD = {
    "type": "FeatureCollection",
    "features": [
        {
            "type": "Feature",
            "properties": {"namn": "Testväg"},
            "geometry": {"type": "LineString", "coordinates": [[14.80, 57.83], [14.82, 57.85]]},
        }
    ],
}


def test_an_administrator_adds_a_promise_and_a_road_layer_that_the_map_then_shows(
    streamlit_server: StartServer, page: Page, demo_url: str, tmp_path: Path
) -> None:
    broken = tmp_path / "tranas-fel.yaml"
    broken.write_text(TRANAS_PROMISE_YAML.replace("typ: närvaro", "typ: narvaro"), "utf-8")
    promise = tmp_path / "tranas-2024-2025.yaml"
    promise.write_text(TRANAS_PROMISE_YAML, encoding="utf-8")
    road = tmp_path / "vagar.geojson"
    road.write_text(json.dumps(ROAD), encoding="utf-8")
    base = streamlit_server(REPO_ROOT / "app.py", {"LOFTESKARTAN_DB": demo_url})
    page.set_default_timeout(60_000)
    page.goto(base)
    page.get_by_role("link", name="Administration").click()
    page.get_by_role("heading", name="Administration").wait_for()

    page.get_by_role("tab", name="Medborgarlöften").click()
    # Exactly the promise's title: the audit log of the tab before, still on the page for a
    # moment, has it inside a longer line.
    page.get_by_text("Medborgarlöfte i Aneby kommun 2023-2024", exact=True).wait_for()
    uploader = page.get_by_test_id("stFileUploader").filter(has_text="löftesfil")
    uploader.locator("input[type=file]").set_input_files(str(broken))
    page.get_by_text('rad 20 (aktiviteter[1].typ): okänd typ "narvaro"', exact=False).wait_for()
    assert page.get_by_role("button", name="Spara medborgarlöftet").count() == 0
    uploader.locator("input[type=file]").set_input_files(str(promise))
    page.get_by_text("Filen är giltig", exact=False).wait_for()
    page.get_by_role("button", name="Spara medborgarlöftet").click()
    page.get_by_text("Medborgarlöftet tranas-2024-2025 (Tranås kommun) lästes in.").wait_for()
    screenshot(page, "administration-medborgarloften")

    page.get_by_role("tab", name="Baslager").click()
    uploader = page.get_by_test_id("stFileUploader").filter(has_text="baslager")
    uploader.locator("input[type=file]").set_input_files(str(road))
    page.get_by_label("Namn (små bokstäver, t.ex. vagar)").fill("vagar")
    page.get_by_label("Titel i kartans lagerlista (t.ex. Vägar)").fill("Vägar (test)")
    page.get_by_role("button", name="Läs in baslagret").click()
    page.get_by_text('Baslagret "Vägar (test)" (vagar) lästes in: 1 objekt', exact=False).wait_for()
    screenshot(page, "administration-baslager")

    page.get_by_role("link", name="Karta", exact=True).click()
    frame = page.frame_locator(MAP_FRAME)
    # In the folded layer list: there, but shown only when the list is opened.
    frame.get_by_text("Vägar (test)").wait_for(state="attached")
    assert "Källa: vagar.geojson" in frame.locator(".leaflet-control-attribution").inner_text()


def test_a_keyboard_user_filters_the_audit_log_and_the_choice_outlives_the_closed_panel(
    streamlit_server: StartServer, page: Page, demo_url: str
) -> None:
    base = streamlit_server(REPO_ROOT / "app.py", {"LOFTESKARTAN_DB": demo_url})
    page.set_default_timeout(60_000)
    page.goto(f"{base}/Admin")
    page.get_by_text("Urval: alla tabeller · alla åtgärder").wait_for()
    panel = page.locator("summary", has_text="Filtrera ändringsloggen")
    panel.focus()
    page.keyboard.press("Enter")
    table = page.get_by_role("combobox", name="Tabell")
    table.wait_for()
    page.keyboard.press("Tab")  # the panel's first field comes next
    assert table.evaluate("el => el === document.activeElement")
    page.keyboard.type("Platser")
    page.keyboard.press("Enter")
    page.get_by_text("Urval: tabell Platser · alla åtgärder").wait_for()
    assert table.evaluate("el => el === document.activeElement")  # the rerun kept the focus
    screenshot(page, "administration-andringslogg-filtrerad")

    panel.focus()
    page.keyboard.press("Enter")
    table.wait_for(state="detached")
    page.get_by_text("Urval: tabell Platser · alla åtgärder").wait_for()  # closed, still kept
    page.keyboard.press("Enter")
    table.wait_for()
    assert table.input_value() == "Platser"
