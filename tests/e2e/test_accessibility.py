"""In Chromium with axe-core: no serious or critical WCAG 2.1 A/AA finding on any page of the
demo (as administrator, so every page is in the menu), in its map and calendar frames, or in
the HTML files the app exports."""

from __future__ import annotations

import io
import json
import re
import zipfile
from datetime import date, time
from pathlib import Path

import pytest
from playwright.sync_api import Page
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from app import PAGE_TABLE
from geo.disclosure.audience import Audience
from geo.exports.make import ExportFormat
from geo.planning.use_cases import save_recurring
from geo.records.kinds import Classification, CommitmentKind
from geo.records.models import Actor, PlaceKind
from geo.records.recurrence import Frequency, RecurrenceRule
from geo.store import Store
from tests.common import run_cli
from tests.e2e.axe import Exemption, axe_findings, report
from tests.e2e.conftest import (
    CALENDAR_FRAME,
    MAP_FRAME,
    REPO_ROOT,
    StartServer,
    app_with_local_user,
)
from tests.export_fixtures import planted_export

pytestmark = pytest.mark.browser

SLOW_START_MS = 120_000

# Every component frame has loaded its document and drawn something: a map its Leaflet
# container, the calendar its FullCalendar table.
_SETTLED = """() => {
    if (!document.querySelector("[data-testid='stApp'][data-test-script-state='notRunning']")
        || document.querySelector("[data-stale='true']")) return false;
    const main = document.querySelector("[data-testid='stMain']");
    if (!main || !main.querySelector('h1')) return false;
    if (document.querySelector("[data-testid='stStatusWidget'] [data-testid='stSpinner'], "
        + "[data-testid='stSkeleton']")) return false;
    // Each component of ours (ui/map_input.py, ui/calendar.py) makes its frame from its own
    // script, which runs after the page has: until then its box is empty.
    for (const box of document.querySelectorAll("[data-testid^='stBidiComponent']"))
        if (!box.querySelector('iframe')) return false;
    for (const frame of document.querySelectorAll('iframe')) {
        const doc = frame.contentDocument;
        if (!doc || doc.readyState !== 'complete' || !doc.body) return false;
        // A frame written as a page (ui/map_render.py) holds an empty document first.
        if (frame.hasAttribute('srcdoc') && doc.URL !== 'about:srcdoc') return false;
        if (frame.matches(__MAP_FRAME__) && !doc.querySelector('.leaflet-container'))
            return false;
        if (frame.matches(__CALENDAR_FRAME__) && !doc.querySelector('.fc-view'))
            return false;
    }
    return true;
}""".replace("__MAP_FRAME__", json.dumps(MAP_FRAME)).replace(
    "__CALENDAR_FRAME__", json.dumps(CALENDAR_FRAME)
)

# What axe does not count but a screen reader or keyboard user meets: each is a sentence.
_SHELL_PROBLEMS = """expectedTitle => {
    const problems = [];
    if (document.documentElement.lang !== 'sv') problems.push('the page is not lang="sv"');
    if (document.title !== expectedTitle) problems.push('the page is titled ' + document.title);
    for (const frame of document.querySelectorAll('iframe')) {
        const doc = frame.contentDocument;
        const name = frame.title || frame.getAttribute('src');
        if (!frame.title || frame.title.startsWith('streamlit'))
            problems.push('a frame is titled ' + JSON.stringify(frame.title));
        if (!doc) continue;
        // Between two documents, or the empty one a frame written as a page holds first.
        if (!doc.documentElement
            || (frame.hasAttribute('srcdoc') && doc.URL !== 'about:srcdoc')) {
            problems.push(name + ' is still loading');
            continue;
        }
        if (doc.documentElement.lang !== 'sv') problems.push(name + ' is not lang="sv"');
        // Chromium stops on an SVG path with a click handler even without a tabindex.
        const stops = doc.querySelectorAll('.leaflet-interactive:not([tabindex="-1"])').length;
        if (stops) problems.push(name + ' has ' + stops + ' map shapes in the Tab order');
        for (const meta of doc.querySelectorAll('meta[name="viewport"]'))
            if (/user-scalable\\s*=\\s*no/.test(meta.content))
                problems.push(name + ' forbids zooming: ' + meta.content);
    }
    return problems;
}"""

# Where the keyboard is: "map <tag>.<class>" inside a map frame, else the element's tag.
_FOCUSED = """() => {
    const outer = document.activeElement;
    if (outer && outer.tagName === 'IFRAME' && outer.contentDocument) {
        const e = outer.contentDocument.activeElement;
        return 'map ' + e.tagName + '.' + (e.getAttribute('class') || '');
    }
    return outer ? outer.tagName : '';
}"""

_RUNNING = "() => !!document.querySelector(\"[data-test-script-state='running']\")"

# The views a page switches between, each checked as well: a radio button or a segment.
VIEWS = {
    "Planering": [
        ("radio", v) for v in ("Lista", "Karta", "Planera", "Slumpad närvaro", "Publicera")
    ],
    "Logga": [("radio", v) for v in ("Iakttagelser", "Kommunens siffror")],
    "Uppföljning": [("button", v) for v in ("Var har vi varit?", "När?", "Kommunens indikatorer")],
    # Tabs and panels that run only while open: their content is on the page only then.
    "Platser": [("panel", "Alla platser"), ("panel", "Importera platser")],
    "Kontrollplatser": [("panel", "Inställningar för förslaget"), ("panel", "Rotation")],
    "Export": [("panel", "Rutor för aktiviteternas platser")],
    "Administration": [
        ("tab", v) for v in ("Användare", "Medborgarlöften", "Baslager", "Bakgrundskarta")
    ]
    + [("tab", "Ändringslogg"), ("panel", "Filtrera ändringsloggen")],
}

# Streamlit's own markup that no page script can reach (none so far; each entry says which
# element, which rule and why, and is never a whole rule).
STREAMLIT_EXEMPTIONS: tuple[Exemption, ...] = ()


def settle(page: Page) -> None:
    """Wait until the page has run and every map and calendar frame has drawn."""
    page.wait_for_function(_SETTLED, timeout=SLOW_START_MS, polling=250)


def shell_problems(page: Page, expected_title: str) -> list[str]:
    """What is wrong with the page's language, titles and Tab order, once it has had time."""
    check = f"t => ({_SHELL_PROBLEMS})(t).length === 0"
    try:
        page.wait_for_function(check, arg=expected_title, timeout=10_000, polling=250)
    except PlaywrightTimeoutError:  # still wrong after ten seconds: say what
        return list(page.evaluate(_SHELL_PROBLEMS, expected_title))
    # Right once the page had settled; a second look could catch a frame being remade.
    return []


def show_view(page: Page, control: str, name: str) -> None:
    """Choose one of a page's views (a radio button, a segmented control, a tab or a panel
    that runs only while open) and let it run."""
    if control == "segment":
        page.locator("[data-testid='stButtonGroup'] button", has_text=name).click()
    elif control == "tab":
        page.get_by_role("tab", name=name, exact=True).click()
    elif control == "panel":
        page.get_by_test_id("stExpander").filter(has_text=name).locator("summary").click()
    else:
        page.get_by_role("radio", name=name, exact=True).click(force=True)
    try:  # the rerun starts; a quick one may already be over
        page.wait_for_function(_RUNNING, timeout=5_000, polling=50)
    except PlaywrightTimeoutError:
        pass
    settle(page)


def test_every_page_and_its_map_and_calendar_frames_have_no_serious_axe_finding(
    streamlit_server: StartServer, page: Page, demo_url: str
) -> None:
    base = streamlit_server(REPO_ROOT / "app.py", {"LOFTESKARTAN_DB": demo_url})
    page.set_default_timeout(SLOW_START_MS)
    found: dict[str, str] = {}
    counts: dict[str, int] = {}
    for entry in PAGE_TABLE:
        page.goto(f"{base}/{entry.address}")
        settle(page)
        for control, view in [(None, ""), *VIEWS.get(entry.title, [])]:
            where = f"{entry.title} {view}".strip()
            if control:
                show_view(page, control, view)
            problems = shell_problems(page, f"{entry.title} – Löfteskartan")
            findings = axe_findings(page, STREAMLIT_EXEMPTIONS)
            counts[where] = len(findings)
            if findings or problems:
                found[where] = "\n".join([*problems, report(findings)])
    print("axe serious/critical per page:", counts)
    assert not found, "\n\n".join(f"{title}:\n{text}" for title, text in found.items())


def test_the_sign_in_page_has_no_serious_axe_finding(
    streamlit_server: StartServer, page: Page, demo_url: str, tmp_path: Path
) -> None:
    base = app_with_local_user(
        streamlit_server, demo_url, tmp_path, "admin", "administratör", "polis"
    )
    page.set_default_timeout(SLOW_START_MS)
    page.goto(base)
    page.get_by_label("Lösenord").wait_for()
    assert shell_problems(page, "Löfteskartan") == []
    assert report(axe_findings(page, STREAMLIT_EXEMPTIONS)) == ""


def test_a_keyboard_user_tabs_past_the_map_without_stopping_on_its_shapes(
    streamlit_server: StartServer, page: Page, demo_url: str
) -> None:
    base = streamlit_server(REPO_ROOT / "app.py", {"LOFTESKARTAN_DB": demo_url})
    page.set_default_timeout(SLOW_START_MS)
    page.goto(f"{base}/Karta")
    settle(page)
    shell_problems(page, "Karta – Löfteskartan")  # waits for the shapes to leave the Tab order
    page.locator("[data-testid='stMain'] h1").click()
    stops: list[str] = []
    # The map's own stops (the map itself, zoom, the layer list, attribution) and then out.
    for _ in range(60):
        page.keyboard.press("Tab")
        stop = page.evaluate(_FOCUSED)
        if stops and stops[-1].startswith("map ") and not stop.startswith("map "):
            break
        stops.append(stop)
    in_map = [s for s in stops if s.startswith("map ")]
    assert in_map, f"the map was never reached: {stops}"
    assert not [s for s in in_map if "leaflet-interactive" in s], in_map


def axe_on_file(page: Page, path: Path, ready: str) -> str:
    """Open a local file with the network blocked, wait for `ready`; the findings as text."""
    page.route(re.compile(r"^file://"), lambda route: route.continue_())
    page.goto(path.as_uri())
    page.wait_for_selector(ready)
    return report(axe_findings(page))


@pytest.mark.parametrize("audience", [Audience.INTERNAL, Audience.PUBLIC])
def test_the_exported_map_file_has_no_serious_axe_finding(
    page: Page, planted_url: str, tmp_path: Path, audience: Audience
) -> None:
    path = tmp_path / "karta.html"
    path.write_bytes(planted_export(planted_url, audience, ExportFormat.MAP_HTML))
    assert axe_on_file(page, path, "body[data-ready='1']") == ""
    assert page.evaluate("document.documentElement.lang") == "sv"


@pytest.mark.parametrize("audience", [Audience.INTERNAL, Audience.PUBLIC])
def test_the_meeting_pack_as_a_web_page_has_no_serious_axe_finding(
    page: Page, planted_url: str, tmp_path: Path, audience: Audience
) -> None:
    # The PDF cannot be tagged (fpdf2 writes no PDF/UA): this page is its accessible twin.
    path = tmp_path / "motesunderlag.html"
    path.write_bytes(planted_export(planted_url, audience, ExportFormat.MEETING_HTML))
    assert axe_on_file(page, path, "footer") == ""
    assert page.evaluate("document.documentElement.lang") == "sv"


def test_the_public_follow_up_map_for_polisen_se_has_no_serious_axe_finding(
    page: Page, planted_url: str, tmp_path: Path
) -> None:
    archive = planted_export(planted_url, Audience.PUBLIC, ExportFormat.FOLLOWUP)
    with zipfile.ZipFile(io.BytesIO(archive)) as zipped:
        (tmp_path / "karta.html").write_bytes(zipped.read("karta.html"))
    assert axe_on_file(page, tmp_path / "karta.html", "body[data-ready='1']") == ""


def open_hours_at_the_police_office(url: str) -> None:
    """Öppen presence at the demo's police office, Tuesdays 13–15 from 19 March to 9 April 2024."""
    tuesdays = RecurrenceRule(
        Frequency.WEEKLY, date(2024, 3, 19), date(2024, 4, 9), time(13), time(15), weekdays=(1,)
    )
    store = Store(url)
    try:
        with store.session(Actor("test")) as s:
            office = s.list_places(PlaceKind.POLICE_OFFICE)[0]
            save_recurring(
                s,
                tuesdays,
                CommitmentKind.PRESENCE,
                "aneby-2023-2024",
                place=office,
                classification=Classification.OPEN,
            )
    finally:
        store.dispose()


def test_the_opening_hours_for_the_kommuns_website_have_no_serious_axe_finding(
    page: Page, demo_url: str, tmp_path: Path
) -> None:
    open_hours_at_the_police_office(demo_url)
    fragment = tmp_path / "oppettider.html"
    run_cli(
        demo_url, "export", "opening-hours", fragment, "--format", "html", "--today", "2024-03-27"
    )
    assert "<h3>" in fragment.read_text(encoding="utf-8")  # a place with its times
    # The file is a piece for the kommun's own page: checked inside a plain Swedish page.
    page_file = tmp_path / "sida.html"
    page_file.write_text(
        '<!DOCTYPE html><html lang="sv"><head><title>Polisens öppettider</title></head>'
        f"<body><main>{fragment.read_text(encoding='utf-8')}</main></body></html>",
        encoding="utf-8",
    )
    assert axe_on_file(page, page_file, "main h2") == ""
