"""User text is shown as text, never run: script and HTML-attribute payloads in the browser.

A place is named `<img src=x onerror=alert(1)>` with the note `<script>alert(2)</script>`,
and the promise file's texts carry the same kind of payload. Översikt, Karta (the map's
tooltips: the place's, and that of the activity logged there) and Administration (the audit
log) must show them as the characters typed, with no element made from them and no
JavaScript dialog.
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Page
from shapely.geometry import box

from geo.installation.init import initialise
from geo.records.kinds import Classification, CommitmentKind
from geo.records.models import STOCKHOLM, Activity, Actor, Place, PlaceKind
from geo.store import Store
from tests.e2e.conftest import (
    BASE_PATHS,
    MAP_FRAME,
    REPO_ROOT,
    BrowserLog,
    StartServer,
    choose_radio,
    hover_when_still,
    screenshot,
    show_all_places,
    wait_for_map,
)
from tests.hostile_text import FINDING, HOSTILE, TEAM, hostile_database

pytestmark = pytest.mark.browser

IMG = "<img src=x onerror=alert(1)>"
SCRIPT = "<script>alert(2)</script>"
PROMISE_TITLE = "Trafik <img src=x onerror=alert(3)>"
COMMITMENT = 'Polisen ska vara tillgänglig <script>alert(4)</script> & "citat"'


@pytest.fixture
def hostile_url(tmp_path: Path) -> str:
    source = (REPO_ROOT / "data" / "promises" / "aneby-2023-2024.yaml").read_text("utf-8")
    source = source.replace(
        "titel: Arbeta långsiktigt med en säker trafikmiljö i Aneby kommun.",
        f'titel: "{PROMISE_TITLE}"',
    )
    source = source.replace(
        "      Polisen ska vara tillgänglig för poliskontoret och närvarande i Anebys centrala\n"
        "      delar med kontaktskapande verksamhet vid fasta tidpunkter.",
        "      " + COMMITMENT,
    )
    assert PROMISE_TITLE in source and COMMITMENT in source
    promise = tmp_path / "aneby.yaml"
    promise.write_text(source, encoding="utf-8")
    url = f"sqlite:///{tmp_path}/xss.sqlite"
    store = Store(url)
    initialise(store, Actor("test"), [promise])
    with store.session(Actor("test")) as s:
        place = s.add_place(
            Place(
                PlaceKind.CENTRAL_AREA,
                IMG,
                box(487_500, 6_406_000, 489_500, 6_408_000),
                Classification.OPEN,
                note=SCRIPT,
                attributes={"beskrivning": SCRIPT},
            )
        )
        # Logged there: the activity marker's tooltip names the place too.
        start = datetime(2023, 6, 1, 18, tzinfo=STOCKHOLM)
        s.add_activity(
            Activity(CommitmentKind.PRESENCE, start, start + timedelta(hours=2), place_id=place.id)
        )
    store.dispose()
    return url


def test_names_and_notes_with_html_and_scripts_appear_as_text_everywhere(
    streamlit_server: StartServer,
    page: Page,
    browser_log: BrowserLog,
    hostile_url: str,
    tmp_path: Path,
) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    base = streamlit_server(
        REPO_ROOT / "app.py",
        {"LOFTESKARTAN_DB": hostile_url, "LOFTESKARTAN_USERS": str(tmp_path / "users.json")},
    )

    page.goto(base)
    page.get_by_text(PROMISE_TITLE, exact=True).wait_for()
    page.get_by_text(COMMITMENT).wait_for()  # its paragraph also holds kind and who
    screenshot(page, "xss-oversikt")
    assert page.locator("img[src='x']").count() == 0

    page.get_by_role("link", name="Karta", exact=True).click()
    wait_for_map(page, BASE_PATHS + 1)
    frame = page.frame_locator(MAP_FRAME)
    hover_when_still(page, frame.locator("path.leaflet-interactive[stroke='#1f78b4']"))
    # By its text: a pointer that crossed the tätort on its way can leave Aneby's tooltip
    # open beside it (seen in CI on Platser's map, the same hover).
    tooltip = frame.locator(".leaflet-tooltip", has_text="onerror")
    tooltip.wait_for()
    screenshot(page, "xss-karta")
    assert tooltip.inner_text().strip() == IMG
    frame.locator(".leaflet-control-layers").hover()  # the layer list is folded at first
    frame.get_by_text("Genomfört: Närvaro").click()
    frame.locator(".lofteskartan-activity").dispatch_event("mouseover")
    logged = frame.locator(".leaflet-tooltip", has_text="Närvaro")
    logged.wait_for()
    assert logged.inner_text().strip() == f"{IMG} – Närvaro: 1 genomförd, 2023-06-01"
    assert frame.locator("img[src='x']").count() == 0
    assert frame.locator("script", has_text="alert(2)").count() == 0

    page.get_by_role("link", name="Administration").click()
    page.get_by_text("ändringar, nyast först").wait_for()
    page.locator("table.lofteskartan-tabell").first.wait_for()  # the audit log

    assert dialogs == []
    assert browser_log.page_errors == []


# -- Markdown in user text (issue 11, item 9) ------------------------------------------------

PHISH = "a[href*='host/phish']"
BEACON = "img[src*='host/beacon']"


@pytest.fixture
def markdown_url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path}/markdown.sqlite"
    hostile_database(url)
    return url


def no_link_or_image(page: Page, browser_log: BrowserLog) -> None:
    """Nothing on the page links to the phishing address or loads the beacon."""
    assert page.locator(PHISH).count() == 0
    assert page.locator(BEACON).count() == 0
    assert page.locator("a[href*='www.host'], a[href^='mailto:']").count() == 0
    assert not [url for url in browser_log.blocked if "host/beacon" in url]


def test_markdown_links_and_images_in_user_text_appear_as_text_on_every_page(
    streamlit_server: StartServer,
    page: Page,
    browser_log: BrowserLog,
    markdown_url: str,
    tmp_path: Path,
) -> None:
    base = streamlit_server(
        REPO_ROOT / "app.py",
        {"LOFTESKARTAN_DB": markdown_url, "LOFTESKARTAN_USERS": str(tmp_path / "users.json")},
    )
    page.set_default_timeout(120_000)  # a cold server on a busy 2-core machine

    # Planering: the conflict list is where the team name became a link and an image.
    page.goto(f"{base}/Planering")
    page.get_by_text("krockar", exact=False).first.click()
    conflict = page.locator("[data-testid='stExpanderDetails'] li").first
    conflict.wait_for()
    screenshot(page, "markdown-planering")
    assert conflict.inner_text().startswith(f"{TEAM}: Närvaro")
    no_link_or_image(page, browser_log)

    # Logga: a finding's category, owner and description in the expander's label and body.
    page.goto(f"{base}/Logga")
    choose_radio(page, "Iakttagelser")
    label = page.locator("[data-testid='stExpander'] summary", has_text="Trasig lampa").first
    label.wait_for()
    label.click()
    # plain() puts an invisible word joiner before "@" (and after "www"): not a character
    # anyone sees, and what keeps GFM from making the address a link.
    assert f"{TEAM}: {FINDING} · {TEAM}" in label.inner_text().replace("\u2060", "")
    page.get_by_text(FINDING, exact=True).wait_for()  # the description, as st.text: as typed
    screenshot(page, "markdown-logga")
    no_link_or_image(page, browser_log)

    # Platser and Uppföljning: the names in tables (drawn on a canvas) and in labels.
    page.goto(f"{base}/Platser")
    show_all_places(page)
    no_link_or_image(page, browser_log)
    page.goto(f"{base}/Uppfoljning")
    # The progress tables are static HTML (ui.text.html_table): the commitments' texts from
    # the promise file must show as typed there too.
    page.locator("table.lofteskartan-tabell").first.wait_for()
    no_link_or_image(page, browser_log)
    page.get_by_text("Var har vi varit?").click()
    page.locator("[data-testid='stDataFrame']").first.wait_for()
    no_link_or_image(page, browser_log)

    assert browser_log.page_errors == []


def test_plain_and_plain_label_show_hostile_text_literally(
    streamlit_server: StartServer, page: Page, browser_log: BrowserLog
) -> None:
    base = streamlit_server(REPO_ROOT / "tests" / "e2e" / "user_text_app.py")
    page.goto(base)
    page.get_by_text("KLART", exact=True).wait_for()
    page.locator("[data-testid='stExpander'] summary").click()
    screenshot(page, "user-text-elements")
    main = page.locator("[data-testid='stMain']")
    shown_text = main.locator("[data-testid='stMarkdownContainer'], [data-testid='stWidgetLabel']")
    # Nothing made from the text: no link (but the heading's own "#" anchor), image,
    # emphasis, code, maths, icon, heading or list inside any text Streamlit rendered.
    made = (
        "a:not([href^='#']), img, strong, em, del, b, code, .katex, "
        "[data-testid='stIconMaterial'], h1, ol"
    )
    assert shown_text.locator(made).count() == 0
    assert main.locator("a:not([href^='#']), img").count() == 0
    assert "😄" not in main.inner_text()
    # markdown, caption, info, subheader, expander, metric label and value, the radio's
    # option, and four widget labels. On a loaded machine "KLART" can be on screen before
    # every earlier element has its text, so look again for a while before judging.
    deadline = time.monotonic() + 30
    while True:
        texts = [t.replace("\u2060", "") for t in shown_text.all_inner_texts()]
        literal = [t for t in texts if HOSTILE in t]
        if len(literal) >= 12 or time.monotonic() > deadline:
            break
        page.wait_for_timeout(250)
    assert len(literal) >= 12, texts
    # A label without syntax reaches the screen reader without a backslash.
    assert page.get_by_role("spinbutton", name="Värde (%)").count() == 1
    assert not [url for url in browser_log.blocked if "host" in url]
    assert browser_log.page_errors == []


def test_the_places_tables_own_csv_download_carries_no_formula(
    streamlit_server: StartServer,
    page: Page,
    browser_log: BrowserLog,
    markdown_url: str,
    tmp_path: Path,
) -> None:
    # Issue 11, item 10: Streamlit's toolbar "Download as CSV" wrote =HYPERLINK(...) raw.
    # Without the File System Access API the download goes through an ordinary link,
    # which Playwright can catch (headless Chromium has no save dialog to answer).
    page.add_init_script("delete window.showSaveFilePicker")
    base = streamlit_server(
        REPO_ROOT / "app.py",
        {"LOFTESKARTAN_DB": markdown_url, "LOFTESKARTAN_USERS": str(tmp_path / "users.json")},
    )
    page.set_default_timeout(120_000)
    page.goto(f"{base}/Platser")
    show_all_places(page)
    # The toolbar's button, in Swedish (ui/swedish_widgets.py), reached by the keyboard. A
    # pointer shows the toolbar only while it rests on the table; under load the button never
    # held still under it, and the click waited its 120 s (once in CI, 1 in 4 here).
    csv_button = page.get_by_role("button", name="Ladda ned som CSV").first
    csv_button.focus()
    with page.expect_download() as download:
        page.keyboard.press("Enter")
    csv_text = Path(download.value.path()).read_text("utf-8-sig")
    cells = [cell.strip('"') for line in csv_text.splitlines() for cell in line.split(",")]
    assert not [c for c in cells if c.startswith(("=", "+", "@"))], cells
    assert "'=HYPERLINK(" in csv_text  # the row is there, as text
    assert browser_log.page_errors == []
