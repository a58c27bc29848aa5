"""The first load after a server start shows the app's own menu, never Streamlit's file names.

Because the pages live in `pages/`, the first run after a server start is in Streamlit's old
multipage mode, whose menu lists the page files ("app", "Oversikt", "Varmekarta"). The page
records every menu the browser ever draws, from the first byte, so a file-name menu shown
for a moment fails the test too.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from tests.e2e.conftest import REPO_ROOT, StartServer

pytestmark = pytest.mark.browser

# Every text the sidebar's menu holds, each time it changes.
RECORD_MENUS = """
window.__menus = [];
new MutationObserver(() => {
    const nav = document.querySelector("[data-testid=stSidebarNav]");
    const text = nav ? nav.innerText : "";
    if (text && window.__menus[window.__menus.length - 1] !== text) window.__menus.push(text);
}).observe(document, {subtree: true, childList: true, characterData: true});
"""
FILE_NAMES = {"app", "Oversikt", "Karta", "Varmekarta", "Polisomrade", "Uppfoljning", "Admin"}


def _menus(page: Page) -> list[set[str]]:
    return [set(text.split("\n")) for text in page.evaluate("window.__menus")]


@pytest.mark.parametrize("address,heading", [("Varmekarta", "Värmekarta"), ("", "Medborgarlöfte")])
def test_the_first_visit_after_a_server_start_never_shows_file_names(
    streamlit_server: StartServer, page: Page, demo_url: str, address: str, heading: str
) -> None:
    base = streamlit_server(REPO_ROOT / "app.py", {"LOFTESKARTAN_DB": demo_url})
    page.add_init_script(RECORD_MENUS)
    page.goto(f"{base}/{address}")
    page.get_by_role("heading", name=heading).first.wait_for(timeout=120_000)
    page.get_by_role("link", name="Värmekarta").wait_for()
    menus = _menus(page)
    assert menus, "no menu was drawn"
    # "Karta" is both a file name and a title; the others differ ("Värmekarta", "Översikt").
    assert all(not (menu & (FILE_NAMES - {"Karta"})) for menu in menus), menus
    assert {"Översikt", "Karta", "Värmekarta", "Uppföljning", "Administration"} <= menus[-1]


def test_a_second_tab_on_the_same_server_has_the_menu_too(
    streamlit_server: StartServer, page: Page, demo_url: str
) -> None:
    # The menu is switched on for the whole server by the first run; a later session must
    # get it as well (and still no file names).
    base = streamlit_server(REPO_ROOT / "app.py", {"LOFTESKARTAN_DB": demo_url})
    page.goto(f"{base}/Karta")
    page.get_by_role("link", name="Värmekarta").wait_for(timeout=120_000)
    second = page.context.new_page()
    second.add_init_script(RECORD_MENUS)
    second.goto(f"{base}/Uppfoljning")
    second.get_by_role("heading", name="Uppföljning").wait_for(timeout=120_000)
    second.get_by_role("link", name="Översikt").wait_for()
    assert all(not (menu & (FILE_NAMES - {"Karta"})) for menu in _menus(second))
