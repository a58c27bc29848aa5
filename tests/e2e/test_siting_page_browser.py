"""The Kontrollplatser page in Chromium with no internet: sites, circles and demand draw."""

from __future__ import annotations

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
    page.get_by_role("tab", name="Rotation").click()
    page.get_by_role("button", name="Lägg in i planeringen").wait_for()
    page.get_by_role("button", name="Lägg in i planeringen").scroll_into_view_if_needed()
    screenshot(page, "kontrollplatser-rotation")
    # What the planner set for the rotation is still there after a look at the suggestion.
    weeks = page.get_by_role("spinbutton", name="Veckor", exact=True)
    seed = page.get_by_role("spinbutton", name="Frö").input_value()
    weeks.fill("12")  # and straight to the other tab: leaving the field commits it
    page.get_by_role("tab", name="Förslag").click()
    weeks.wait_for(state="detached")
    page.get_by_role("tab", name="Rotation").click()
    weeks.wait_for()  # the tab's run, under load longer than expect's own 5 s
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

    upload("Kandidater ur fil").set_input_files(str(candidates))
    page.get_by_text("Befintliga trafikkontrollplatser (3)").click()
    metric = page.get_by_test_id("stMetric").filter(has_text="Kandidater")
    metric.get_by_text("2", exact=True).wait_for()

    upload("Fler lager ur fil").set_input_files([str(good), str(bad)])
    page.get_by_text("olyckor.csv (2 punkter)").wait_for()
    page.get_by_text('önskemål.csv, rad 2, vikt: "många" är inget tal.').wait_for()
    expected = expected_paths(demo_url, read_candidates(candidates), [read_demand(good)])
    assert wait_for_map(page, min_paths=expected) == expected
    screenshot(page, "kontrollplatser-uppladdning")
