"""Streamlit's own widget texts are Swedish on screen (ui/swedish_widgets.py).

Not reachable from the app and so left as Streamlit writes them: the texts inside the data
table's canvas (none are English words), the calendar's month names (set by its own locale
option), and any text a later Streamlit release words differently (this test then names it).
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from tests.e2e.conftest import REPO_ROOT, StartServer

pytestmark = pytest.mark.browser

ENGLISH = (
    "Upload",
    "per file",
    "Drag and drop",
    "Press Enter",
    "yyyy",
    "Download as CSV",
    "Help for",
)


def english_left(page: Page) -> list[str]:
    """The English words still in the main area's text or its labels and placeholders."""
    found: list[str] = page.evaluate(
        """(words) => {
            const main = document.querySelector('[data-testid="stMain"]');
            const attrs = [...main.querySelectorAll('[aria-label],[title],[placeholder]')]
                .flatMap((el) => ['aria-label', 'title', 'placeholder']
                    .map((a) => el.getAttribute(a) || ''));
            const all = [main.innerText, ...attrs].join('\\n');
            return words.filter((w) => all.includes(w));
        }""",
        list(ENGLISH),
    )
    return found


def open_demo(streamlit_server: StartServer, page: Page, demo_url: str, address: str) -> None:
    """The app on the demo at its page `address`, with time for a cold server's first run."""
    page.set_default_timeout(60_000)
    page.goto(f"{streamlit_server(REPO_ROOT / 'app.py', {'LOFTESKARTAN_DB': demo_url})}/{address}")


def test_the_uploader_dates_and_text_fields_speak_swedish(
    streamlit_server: StartServer, page: Page, demo_url: str
) -> None:
    # Administration has each kind: uploaders, empty date fields, a text field, tables.
    open_demo(streamlit_server, page, demo_url, "Admin")
    page.get_by_role("tab", name="Medborgarlöften").click()

    uploader = page.locator("[data-testid=stFileUploader]").first
    uploader.get_by_role("button", name="Ladda upp").wait_for()
    assert "MB per fil" in uploader.inner_text()
    # The audit log's date fields start empty, so their placeholder shows. They are in the
    # filter's panel.
    page.get_by_role("tab", name="Ändringslogg").click()
    page.get_by_text("Filtrera ändringsloggen", exact=True).click()
    page.locator("[data-placeholder]", has_text="åååå").first.wait_for()
    name = page.get_by_label("Användare (exakt namn)")
    name.fill("admin")  # typed, not yet applied: Streamlit shows its "Press Enter" hint
    page.get_by_text("Tryck Enter för att använda").wait_for()
    assert english_left(page) == []


def test_a_help_icon_is_named_in_swedish_for_a_screen_reader(
    streamlit_server: StartServer, page: Page, demo_url: str
) -> None:
    open_demo(streamlit_server, page, demo_url, "Platser")
    # The keyboard's way to place a place has a help icon beside its label.
    page.get_by_role("button", name="Hjälp om Platsens läge: koordinater eller namn").wait_for()
    assert english_left(page) == []
