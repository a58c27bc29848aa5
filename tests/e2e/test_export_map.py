"""The exported HTML map draws in Chromium with no network, and the Export page hands it out."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page

from geo.disclosure.audience import Audience
from geo.exports.make import ExportFormat
from tests.e2e.conftest import REPO_ROOT, BrowserLog, StartServer, screenshot
from tests.export_fixtures import SECRET_TEXTS, planted_export

pytestmark = pytest.mark.browser


def export_html(url: str, audience: Audience, folder: Path) -> tuple[Path, dict]:
    """Write the map export to a file; return it with the layer config inside it."""
    page = planted_export(url, audience, ExportFormat.MAP_HTML).decode("utf-8")
    path = folder / f"karta-{audience.value}.html"
    path.write_text(page, encoding="utf-8")
    return path, map_config(page)


def map_config(html: str) -> dict:
    """The layers an exported map file carries, as its script reads them."""
    match = re.search(r'id="lofteskartan-data">(.*?)</script>', html, re.S)
    assert match is not None
    return json.loads(match.group(1))


def open_file(page: Page, path: Path) -> None:
    """Open a local file while every network request stays blocked (as on a closed net)."""
    page.route(re.compile(r"^file://"), lambda route: route.continue_())
    page.goto(path.as_uri())
    page.wait_for_selector("body[data-ready='1']")


def drawn(config: dict) -> int:
    """Vector paths the map should draw: every feature of the layers switched on."""
    return sum(len(layer["data"]["features"]) for layer in config["layers"] if layer["show"])


@pytest.mark.parametrize("audience", list(Audience))
def test_exported_html_map_draws_every_layer_offline_from_a_file(
    audience: Audience, planted_url: str, tmp_path: Path, page: Page, browser_log: BrowserLog
) -> None:
    path, config = export_html(planted_url, audience, tmp_path)
    open_file(page, path)
    expected = drawn(config)
    page.wait_for_function(
        "n => document.querySelectorAll('path.leaflet-interactive').length === n", arg=expected
    )
    screenshot(page, f"export-karta-html-{audience.file_tag}")
    assert browser_log.page_errors == []
    # Nothing but the optional background tiles was asked for, and those were refused.
    assert browser_log.blocked and all("tile.openstreetmap.org" in u for u in browser_log.blocked)
    assert page.locator("#audience").inner_text() == audience.notice
    legend = page.locator(".legend").inner_text()
    assert "Teckenförklaring" in legend and "Genomförda aktiviteter per ruta" in legend
    assert "Källa: SCB" in page.locator(".leaflet-control-attribution").inner_text()
    if audience is Audience.PUBLIC:
        # 13 län kommuner + 1 kommun + 2 cells + 3 places + 3 tätorter + 1 öppen finding
        assert expected == 23
        for secret in SECRET_TEXTS:
            assert secret not in page.content()

    # Switching a layer off in the layer list takes its paths away.
    first = config["layers"][0]
    page.locator(".leaflet-control-layers").get_by_text(first["name"], exact=True).click()
    page.wait_for_function(
        "n => document.querySelectorAll('path.leaflet-interactive').length === n",
        arg=expected - len(first["data"]["features"]),
    )


def test_export_page_downloads_a_public_map_that_opens_offline(
    streamlit_server: StartServer,
    page: Page,
    planted_url: str,
    tmp_path: Path,
    browser_log: BrowserLog,
) -> None:
    base = streamlit_server(REPO_ROOT / "app.py", {"LOFTESKARTAN_DB": planted_url})
    page.goto(f"{base}/Export")
    page.get_by_role("heading", name="Export").wait_for()
    page.get_by_text("Offentlig (får publiceras").click()
    page.get_by_text("Den offentliga versionen innehåller bara öppna uppgifter").wait_for()
    screenshot(page, "export-sidan")
    with page.expect_download(timeout=120_000) as download:
        page.get_by_role("button", name="Export: Karta (HTML)").click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert re.fullmatch(
        r"lofteskartan_aneby_kommun_offentlig_karta_\d{4}-\d{2}-\d{2}\.html", saved.name
    )
    html = saved.read_text(encoding="utf-8")
    assert 'data-audience="public"' in html
    for secret in SECRET_TEXTS:
        assert secret not in html

    blocked_before = len(browser_log.blocked)
    open_file(page, saved)
    # The downloaded file draws every feature of its switched-on layers.
    page.wait_for_function(
        "n => document.querySelectorAll('path.leaflet-interactive').length === n",
        arg=drawn(map_config(html)),
    )
    assert browser_log.page_errors == []
    assert all("tile.openstreetmap.org" in u for u in browser_log.blocked[blocked_before:])
