"""The Kontrollplatser page in Chromium with no internet: sites, circles and demand draw."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from geo.files.siting_io import read_candidates, read_demand
from geo.planning.siting import Candidate, DemandLayer, result_collections, suggest_sites
from geo.planning.siting_inputs import site_candidates, store_demand_layers
from geo.records.models import Actor, PlaceKind
from geo.store import Store
from tests.e2e.conftest import REPO_ROOT, BrowserLog, StartServer, screenshot, wait_for_map

pytestmark = pytest.mark.browser

SETTINGS = "Inställningar för förslaget"


def toggle_panel(page: Page, label: str) -> None:
    """Open or close the panel `label` by a click on its heading."""
    page.get_by_test_id("stExpander").filter(has_text=label).locator("summary").first.click()


def expected_paths(
    url: str, sites: list[Candidate] | None = None, extra: list[DemandLayer] = ()
) -> int:
    """What the page draws as paths for k 3, 300 m, the store layers at weight 1 + `extra`.

    `sites` None means the stored traffic-control sites.
    """
    store = Store(url)
    with store.session(Actor("test")) as s:
        if sites is None:
            sites = site_candidates(s.list_places(PlaceKind.TRAFFIC_CONTROL_SITE))
        layers = [*store_demand_layers(s, s.promise_document()).values(), *extra]
    store.dispose()
    fc = result_collections(suggest_sites(sites, layers, 3, 300))
    layers_drawn = ("circles", "sites", "others", "covered", "uncovered")
    return sum(len(fc[name]["features"]) for name in layers_drawn)


def test_the_suggested_sites_draw_with_their_coverage_offline(
    streamlit_server: StartServer, page: Page, browser_log: BrowserLog, demo_url: str
) -> None:
    base = streamlit_server(REPO_ROOT / "app.py", {"LOFTESKARTAN_DB": demo_url})
    page.goto(f"{base}/Kontrollplatser")
    expected = expected_paths(demo_url)
    drawn = wait_for_map(page, min_paths=expected)
    page.get_by_text("Varför de här platserna").wait_for()
    screenshot(page, "kontrollplatser")
    toggle_panel(page, "Rotation")
    page.get_by_role("button", name="Lägg in i planeringen").wait_for()
    page.get_by_role("button", name="Lägg in i planeringen").scroll_into_view_if_needed()
    screenshot(page, "kontrollplatser-rotation")
    # What the planner set for the rotation is still there after a look at the suggestion.
    weeks = page.get_by_role("spinbutton", name="Veckor", exact=True)
    seed = page.get_by_role("spinbutton", name="Frö").input_value()
    weeks.fill("12")  # and straight to close the panel: leaving the field commits it
    toggle_panel(page, "Rotation")
    weeks.wait_for(state="detached")
    toggle_panel(page, "Rotation")
    weeks.wait_for()  # the panel's run, under load longer than expect's own 5 s
    expect(weeks).to_have_value("12")
    expect(page.get_by_role("spinbutton", name="Frö")).to_have_value(seed)
    assert drawn == expected
    assert browser_log.page_errors == []
    assert all("tile.openstreetmap.org" in url for url in browser_log.blocked)


def test_uploaded_candidates_and_demand_are_used_and_a_bad_row_is_named(
    streamlit_server: StartServer, page: Page, demo_url: str, tmp_path: Path
) -> None:
    candidates = tmp_path / "kandidater.csv"
    candidates.write_text("namn;n;e\nA;6410000;483000\nB;6410000;483500\n", encoding="cp1252")
    good = tmp_path / "olyckor.csv"
    good.write_text("lat;lon;vikt\n57,84;14,81;2\n57,841;14,811;1,5\n", encoding="utf-8")
    bad = tmp_path / "önskemål.csv"
    bad.write_text("n;e;vikt\n6410000;483000;många\n", encoding="utf-8")
    base = streamlit_server(REPO_ROOT / "app.py", {"LOFTESKARTAN_DB": demo_url})
    page.goto(f"{base}/Kontrollplatser")
    page.get_by_text("Varför de här platserna").wait_for()

    # Found by their labels: while the page still draws, "the first file input" can be
    # the demand uploader, which would read the candidates as demand.
    def upload(label: str) -> Locator:
        return page.locator("[data-testid=stFileUploader]", has_text=label).locator(
            "input[type=file]"
        )

    toggle_panel(page, SETTINGS)
    upload("Kandidater ur fil").set_input_files(str(candidates))
    page.get_by_role("checkbox", name="Befintliga trafikkontrollplatser (3)").click(force=True)
    figures = page.get_by_test_id("stMarkdownContainer").filter(
        has_text=re.compile(r"Kandidater: 2$")
    )
    figures.wait_for()

    upload("Fler lager ur fil").set_input_files([str(good), str(bad)])
    page.get_by_text("olyckor.csv (2 punkter)").wait_for()
    page.get_by_text('önskemål.csv, rad 2, vikt: "många" är inget tal.').wait_for()
    expect(page.get_by_test_id("stFileChip")).to_have_count(3)
    expected = expected_paths(demo_url, read_candidates(candidates), [read_demand(good)])
    assert wait_for_map(page, min_paths=expected) == expected

    # Closed, the panel's files and choices are still what the suggestion uses, and the line
    # under it says so.
    toggle_panel(page, SETTINGS)
    page.get_by_text("olyckor.csv (2 punkter)").wait_for(state="detached")
    settings = page.get_by_test_id("stCaptionContainer").filter(has_text="Kandidater: ")
    expect(settings).to_contain_text("Kandidater: kandidater.csv (2).")
    expect(settings).to_contain_text("olyckor.csv 1")
    expect(figures).to_be_visible()
    assert wait_for_map(page, min_paths=expected) == expected
    screenshot(page, "kontrollplatser-uppladdning")
    # Forgotten, they are gone from the suggestion.
    toggle_panel(page, SETTINGS)
    page.get_by_role("button", name="Glöm de inlästa filerna").click()
    page.get_by_text("Välj kandidatplatser under Inställningar för förslaget").wait_for()
    # and from the uploaders, which start empty again.
    expect(page.get_by_test_id("stFileChip")).to_have_count(0)
