"""A planner who uses only the keyboard places a new place on Platser (WCAG 2.1.1).

Tab to the field for the place's position, type coordinates, Enter; Tab to the name, type it,
Enter saves. No mouse, no map click: the test presses keys only, and counts them.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page
from shapely.geometry import Point

from geo.installation.demo import ANEBY_E, ANEBY_N
from geo.installation.init import initialise
from geo.records.models import Actor, PlaceKind
from geo.store import Store
from tests.e2e.conftest import REPO_ROOT, BrowserLog, StartServer, screenshot

pytestmark = pytest.mark.browser

ACTOR = Actor("test")
SEARCH = "Platsens läge: koordinater eller namn"
# The map's own Tab stops come before the form (they are another slice's work); enough to
# pass them all, so the test fails only if the field cannot be reached at all.
MAX_TABS = 400


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    """Aneby's promise and base layers, no places."""
    url = f"sqlite:///{tmp_path}/tangentbord.sqlite"
    store = Store(url)
    initialise(store, ACTOR, [REPO_ROOT / "data" / "promises"])
    store.dispose()
    return url


def tab_to(page: Page, role: str, name: str) -> int:
    """Press Tab until the element with this role and accessible name has focus; the presses."""
    target = page.get_by_role(role, name=name, exact=True)  # type: ignore[arg-type]
    target.wait_for()
    for presses in range(1, MAX_TABS + 1):
        page.keyboard.press("Tab")
        if target.evaluate("el => el === document.activeElement"):
            return presses
    raise AssertionError(f"{name!r} not reached in {MAX_TABS} presses of Tab")


def test_a_place_is_created_with_the_keyboard_only(
    streamlit_server: StartServer, page: Page, browser_log: BrowserLog, db_url: str
) -> None:
    base = streamlit_server(REPO_ROOT / "app.py", {"LOFTESKARTAN_DB": db_url})
    page.goto(f"{base}/Platser")
    page.get_by_role("heading", name="Ny plats").wait_for()

    presses = tab_to(page, "textbox", SEARCH)
    text = f"{ANEBY_N}, {ANEBY_E}"
    page.keyboard.type(text)
    page.keyboard.press("Enter")
    page.get_by_text("Punkten sätts på").wait_for()
    page.get_by_text("Vid tätortscentrum (Aneby)").wait_for()

    presses += tab_to(page, "textbox", "Namn")
    page.keyboard.type("Kontroll vid tätortspunkten")
    page.keyboard.press("Enter")
    page.get_by_text("Trafikkontrollplats ”Kontroll vid tätortspunkten” sparades.").wait_for()
    screenshot(page, "platser-tangentbord")

    store = Store(db_url)
    try:
        with store.session(ACTOR) as s:
            (place,) = s.list_places()
    finally:
        store.dispose()
    assert place.kind is PlaceKind.TRAFFIC_CONTROL_SITE
    assert place.geometry.distance(Point(ANEBY_E, ANEBY_N)) < 0.01
    keys = presses + len(text) + len("Kontroll vid tätortspunkten") + 2
    print(f"A place by keyboard: {presses} Tab presses, {keys} key presses in all")
    assert browser_log.page_errors == []
