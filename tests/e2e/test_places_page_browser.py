"""The places page in Chromium with no internet: click and draw places, see facts, keep them."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date, datetime
from pathlib import Path

import pytest
from playwright.sync_api import FrameLocator, Page, expect
from shapely.geometry import LineString, Point, box

from geo.disclosure.audience import Audience, ExportRequest
from geo.exports.make import ExportFormat, ExportOptions, load_export_data, render
from geo.installation.demo import ANEBY_E, ANEBY_N
from geo.installation.init import initialise
from geo.records.models import STOCKHOLM, Actor, Place, PlaceKind
from geo.records.place_facts import format_distance
from geo.store import Store
from tests.e2e.conftest import (
    BASE_PATHS,
    MAP_FRAME,
    REPO_ROOT,
    BrowserLog,
    StartServer,
    hover_when_still,
    screenshot,
    show_all_places,
)

pytestmark = pytest.mark.browser

XSS = "<img src=x onerror=alert(1)>"
ACTOR = Actor("test")
GRID_CELL = "[data-testid=stDataFrame] [role=gridcell]"
# Stroke colours of the places' kinds on the map (geo.exports.map_style.PLACE_SYMBOLS).
SITE_COLOUR, AREA_COLOUR, ROUTE_COLOUR = "#e66101", "#1f78b4", "#d7191c"


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    """A database after `lofteskartan init`: Aneby's promise and base layers, no places."""
    url = f"sqlite:///{tmp_path}/platser.sqlite"
    store = Store(url)
    initialise(store, ACTOR, [REPO_ROOT / "data" / "promises"])
    store.dispose()
    return url


def map_paths(page: Page, at_least: int, *, exactly: bool = False, index: int = 0) -> int:
    """Wait until the index-th map draws `at_least` (or `exactly`) vector paths; the count.

    Looks the iframe up again on every poll: after a save the page replaces the map, and a
    handle on the old iframe would wait in a detached frame.
    """
    page.wait_for_function(
        """([sel, index, n, exactly]) => {
            const doc = document.querySelectorAll(sel)[index]?.contentDocument;
            if (!doc) return false;
            const count = doc.querySelectorAll('path.leaflet-interactive').length;
            return exactly ? count === n : count >= n;
        }""",
        arg=[MAP_FRAME, index, at_least, exactly],
    )
    return int(
        page.evaluate(
            """([sel, index]) => document.querySelectorAll(sel)[index].contentDocument
                .querySelectorAll('path.leaflet-interactive').length""",
            [MAP_FRAME, index],
        )
    )


def stored_places(url: str) -> list[Place]:
    store = Store(url)
    try:
        with store.session(ACTOR) as s:
            return s.list_places(include_retired=True)
    finally:
        store.dispose()


def open_places_page(page: Page, base: str) -> FrameLocator:
    """Start on the home page and follow the menu, as a planner does."""
    page.goto(base)
    menu = page.locator("[data-testid=stSidebarNav]")
    # Until app.py has run, Streamlit lists the pages/ files themselves ("Oversikt"), and
    # a click there runs the page without app.py; wait for app.py's own menu.
    menu.get_by_text("Översikt").wait_for()
    menu.get_by_text("Platser", exact=True).click()
    page.get_by_role("heading", name="Platser", exact=True).wait_for()
    return page.frame_locator(MAP_FRAME).first


def map_centre(frame: FrameLocator) -> tuple[float, float]:
    box = frame.locator(".leaflet-container").bounding_box()
    assert box is not None
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


# Leaflet.draw ignores a click that comes within 50 ms of the last vertex (its
# _disableMarkers flag); a test waits for the flag instead of sleeping.
DRAW_READY = """() => {
    const control = Object.values(window).find(v => window.L && v instanceof L.Control.Draw);
    if (!control) return false;
    const modes = Object.values(control._toolbars.draw._modes);
    return modes.some(m => m.handler.enabled()) && modes.every(m => !m.handler._disableMarkers);
}"""


# Leaflet.draw takes a press only on its "mouse marker", a 40 px square that follows the
# pointer (it starts at the map's centre). A person moves the mouse before pressing;
# Playwright's click moves and presses at once, and on a loaded machine the press can come
# before the marker has followed and fall on the bare map: the click is lost. So the test
# points first and presses once the marker is under the pointer.
MARKER_UNDER_POINTER = """([x, y]) => {
    const hit = document.elementFromPoint(x, y);
    return !!hit && hit.classList.contains('leaflet-mouse-marker');
}"""


def click_to_draw(page: Page, x: float, y: float) -> None:
    """Point at (x, y) on the map and click there once the active drawing tool takes it."""
    iframe = page.locator(MAP_FRAME).first.element_handle()
    frame = iframe.content_frame()
    offset = iframe.bounding_box()
    assert frame is not None and offset is not None
    frame.wait_for_function(DRAW_READY)
    page.mouse.move(x, y)
    frame.wait_for_function(MARKER_UNDER_POINTER, arg=[x - offset["x"], y - offset["y"]])
    page.mouse.down()
    page.mouse.up()


def choose(page: Page, label: str, option: str) -> None:
    """Pick an option in a Streamlit selectbox found by its label."""
    page.locator("[data-testid=stSelectbox]", has_text=label).click()
    page.get_by_role("option", name=option, exact=True).click()


def test_a_planner_creates_a_traffic_control_site_by_clicking_the_map(
    streamlit_server: StartServer, page: Page, browser_log: BrowserLog, db_url: str
) -> None:
    base = streamlit_server(REPO_ROOT / "app.py", {"LOFTESKARTAN_DB": db_url})
    frame = open_places_page(page, base)
    map_paths(page, BASE_PATHS)
    page.get_by_text("Klicka på Sätt ut en punkt").wait_for()

    frame.locator("a.leaflet-draw-draw-marker").click()
    click_to_draw(page, *map_centre(frame))
    page.get_by_text("Ritat på kartan.").wait_for()
    page.get_by_role("textbox", name="Namn", exact=True).fill("Kontroll vid skolan")
    page.get_by_role("textbox", name="Väg", exact=True).fill("väg 32")
    choose(page, "Hastighetsgräns", "70 km/h")
    page.get_by_role("textbox", name="Riktning", exact=True).fill("norrut")
    page.get_by_role("textbox", name="Varför platsen valts", exact=True).fill("klagomål")
    page.get_by_role("button", name="Spara plats").click()
    page.get_by_text("Trafikkontrollplats ”Kontroll vid skolan” sparades.").wait_for()

    (place,) = stored_places(db_url)
    assert place.kind is PlaceKind.TRAFFIC_CONTROL_SITE
    assert dict(place.attributes) == {
        "väg": "väg 32",
        "hastighet": 70,
        "riktning": "norrut",
        "motivering": "klagomål",
    }
    assert place.classification.value == "intern"
    # It shows at once, and after a reload on the map and in the table.
    map_paths(page, BASE_PATHS + 1, exactly=True)
    page.reload()
    map_paths(page, BASE_PATHS + 1, exactly=True)
    show_all_places(page)
    page.locator(GRID_CELL, has_text="Kontroll vid skolan").wait_for(state="attached")
    page.locator(GRID_CELL, has_text="till tätortscentrum").first.wait_for(state="attached")
    screenshot(page, "platser-kontrollplats")
    assert browser_log.page_errors == []
    assert all("tile.openstreetmap.org" in url for url in browser_log.blocked)


def test_a_planner_draws_a_walk_route_and_sees_its_length(
    streamlit_server: StartServer, page: Page, db_url: str
) -> None:
    base = streamlit_server(REPO_ROOT / "app.py", {"LOFTESKARTAN_DB": db_url})
    frame = open_places_page(page, base)
    map_paths(page, BASE_PATHS)
    choose(page, "Typ av plats", "Vandringsrutt")
    frame.locator("a.leaflet-draw-draw-polyline").click()
    x, y = map_centre(frame)
    vertices = frame.locator(".leaflet-marker-icon.leaflet-editing-icon")
    for n, (dx, dy) in enumerate([(-60, 0), (0, 0), (0, 40)], start=1):
        click_to_draw(page, x + dx, y + dy)
        vertices.nth(n - 1).wait_for()  # Leaflet.draw has taken the vertex
    frame.locator(".leaflet-draw-actions a[title='Avsluta linjen']").click()
    status = page.get_by_text(re.compile(r"Ritat på kartan\. Längd"))
    status.wait_for()
    shown = re.search(r"Längd ([\d\u00a0,]+\u00a0k?m), gångtid cirka (\d+)", status.inner_text())
    assert shown is not None

    page.get_by_role("textbox", name="Namn", exact=True).fill("Kvällsvandring")
    page.get_by_role("textbox", name="Hållplatser i ordning").fill("Torget\nSkolan\nStationen")
    page.get_by_role("button", name="Spara plats").click()
    page.get_by_text("Vandringsrutt ”Kvällsvandring” sparades.").wait_for()
    map_paths(page, BASE_PATHS + 1)
    screenshot(page, "platser-rutt")

    (route,) = stored_places(db_url)
    assert route.geometry.geom_type == "LineString"
    assert len(route.geometry.coords) == 3
    assert route.attributes["hållplatser"] == ["Torget", "Skolan", "Stationen"]
    # What the page showed is the stored route's length in metres, walked at 4 km/h.
    assert shown.group(1) == format_distance(route.geometry.length)
    assert int(shown.group(2)) == round(route.geometry.length * 60 / 4000)
    show_all_places(page)
    page.locator(GRID_CELL, has_text=f"Längd {shown.group(1)}").wait_for(state="attached")


def test_a_name_with_html_shows_as_text_on_the_map_and_in_the_table(
    streamlit_server: StartServer, page: Page, browser_log: BrowserLog, db_url: str
) -> None:
    store = Store(db_url)
    with store.session(ACTOR) as s:
        s.add_place(Place(PlaceKind.TRAFFIC_CONTROL_SITE, XSS, Point(ANEBY_E, ANEBY_N), note=XSS))
    store.dispose()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    base = streamlit_server(REPO_ROOT / "app.py", {"LOFTESKARTAN_DB": db_url})
    frame = open_places_page(page, base)
    map_paths(page, BASE_PATHS + 1)

    hover_when_still(page, frame.locator("path.leaflet-interactive[stroke='#e66101']"))
    # The site's tooltip, found by its text as the table's cell is below: a pointer that
    # crossed the tätort on its way can leave Aneby's tooltip open beside it (once in CI).
    tooltip = frame.locator(".leaflet-tooltip", has_text="onerror")
    tooltip.wait_for()
    assert tooltip.inner_text() == XSS
    show_all_places(page)
    cell = page.locator(GRID_CELL, has_text="onerror").first
    cell.wait_for(state="attached")
    assert cell.inner_text() == XSS

    # Selecting the row opens it for editing, with the name as text in the heading.
    select_row(page, XSS)
    page.get_by_role("heading", name=f"Ändra trafikkontrollplats: {XSS}").wait_for()
    page.get_by_role("button", name="Spara ändringar").wait_for()
    frame.locator(".leaflet-control-scale-line").get_by_text(re.compile(r"^\d+ m$")).wait_for()
    map_paths(page, BASE_PATHS + 1)
    assert page.get_by_role("textbox", name="Namn", exact=True).input_value() == XSS
    screenshot(page, "platser-xss")
    assert frame.locator("img[src='x']").count() == 0
    assert page.locator("img[src='x']").count() == 0
    assert dialogs == [] and browser_log.page_errors == []


def select_row(page: Page, text: str) -> None:
    """Tick a row's selection box in the table of all places (drawn on a canvas)."""
    show_all_places(page)
    cell = page.locator(GRID_CELL, has_text=text).first
    cell.wait_for(state="attached")
    row = int(cell.locator("xpath=..").get_attribute("aria-rowindex") or "0")
    box = page.locator("[data-testid=stDataFrame]").first.bounding_box()
    assert box is not None and row >= 2
    # The header and every row are 35 px high; the selection boxes are the first column.
    page.mouse.click(box["x"] + 15, box["y"] + 35 * (row - 1) + 17)


def test_a_planner_moves_and_renames_a_place_then_retires_it_keeping_its_history(
    streamlit_server: StartServer, page: Page, db_url: str
) -> None:
    store = Store(db_url)
    with store.session(ACTOR) as s:
        s.add_place(Place(PlaceKind.POLICE_OFFICE, "Poliskontoret", Point(ANEBY_E, ANEBY_N)))
    store.dispose()
    base = streamlit_server(REPO_ROOT / "app.py", {"LOFTESKARTAN_DB": db_url})
    frame = open_places_page(page, base)
    map_paths(page, BASE_PATHS + 1)
    select_row(page, "Poliskontoret")
    page.get_by_role("heading", name="Ändra poliskontor: Poliskontoret").wait_for()
    page.get_by_role("button", name="Spara ändringar").wait_for()
    # The map is replaced by one around the place: its scale bar is in metres, not km.
    frame.locator(".leaflet-control-scale-line").get_by_text(re.compile(r"^\d+ m$")).wait_for()
    map_paths(page, BASE_PATHS + 1)

    # A new marker moves it; the form changes its name and opening hours.
    frame.locator("a.leaflet-draw-draw-marker").click()
    x, y = map_centre(frame)
    click_to_draw(page, x + 80, y)
    page.get_by_text("Ritat på kartan.").wait_for()
    page.get_by_role("textbox", name="Namn", exact=True).fill("Poliskontoret i kommunhuset")
    page.get_by_role("textbox", name="Öppettider", exact=True).fill("tisdagar 13–15")
    page.get_by_role("button", name="Spara ändringar").click()
    page.get_by_text("Poliskontor ”Poliskontoret i kommunhuset” ändrades.").wait_for()
    (moved,) = stored_places(db_url)
    assert (moved.version, moved.attributes["öppettider"]) == (2, "tisdagar 13–15")
    assert moved.geometry.x > ANEBY_E + 20 and abs(moved.geometry.y - ANEBY_N) < 20

    select_row(page, "Poliskontoret i kommunhuset")
    page.get_by_role("heading", name="Ändra poliskontor: Poliskontoret i kommunhuset").wait_for()
    page.get_by_text("Avveckla platsen", exact=True).click()
    page.get_by_text("Ja, avveckla platsen").click()
    page.get_by_role("button", name="Avveckla", exact=True).click()
    page.get_by_text("”Poliskontoret i kommunhuset” avvecklades. Historiken finns kvar.").wait_for()
    map_paths(page, BASE_PATHS, exactly=True)  # gone from the map: only the base layers

    (place,) = stored_places(db_url)
    assert place.is_retired and place.name == "Poliskontoret i kommunhuset"
    page.get_by_text("Visa avvecklade platser").click()
    # The retired place is back in the table; selecting it says it is retired, not gone.
    select_row(page, "Poliskontoret i kommunhuset")
    page.get_by_role(
        "heading", name="Poliskontor (avvecklad): Poliskontoret i kommunhuset"
    ).wait_for()
    page.get_by_text(re.compile(r"Platsen avvecklades \d{4}-\d{2}-\d{2}")).wait_for()
    map_paths(page, BASE_PATHS)
    screenshot(page, "platser-avvecklad")


def test_a_planner_imports_a_csv_after_seeing_where_the_places_land(
    streamlit_server: StartServer, page: Page, db_url: str, tmp_path: Path
) -> None:
    good = tmp_path / "platser.csv"
    good.write_bytes(
        "namn;typ;lat;lon;platstyp\r\nParken;insatsplats;57,841630;14,808475;park\r\n".encode(
            "cp1252"
        )
    )
    bad = tmp_path / "fel.csv"
    bad.write_bytes(b"namn;typ;lat;lon\r\nParken;insatsplats;57,5;20,0\r\n")
    base = streamlit_server(REPO_ROOT / "app.py", {"LOFTESKARTAN_DB": db_url})
    open_places_page(page, base)
    page.get_by_text("Importera platser från fil").click()
    upload = page.locator("[data-testid=stFileUploader] input[type=file]")

    upload.set_input_files(str(bad))
    page.get_by_text("fel.csv, rad 2: platsen ligger i havet eller utanför Sverige").wait_for()
    assert page.get_by_role("button", name=re.compile("Importera")).count() == 0

    upload.set_input_files(str(good))
    page.get_by_text(
        "Koordinatsystem: WGS 84 (lat/lon, grader) – upptäckt från talen.", exact=False
    ).wait_for()
    button = page.get_by_role("button", name="Importera 1 plats")
    assert button.is_disabled()  # the user confirms the CRS first
    map_paths(page, BASE_PATHS + 1, index=1)  # the preview, over the kommun
    page.get_by_text("Koordinatsystem", exact=True).scroll_into_view_if_needed()
    screenshot(page, "platser-import")
    page.get_by_text("stämmer och platserna ligger rätt på kartan").click()
    button.click()
    page.get_by_text("1 plats importerades från platser.csv.").wait_for()
    (place,) = stored_places(db_url)
    assert (place.name, place.attributes["platstyp"]) == ("Parken", "park")
    assert place.geometry.distance(Point(ANEBY_E, ANEBY_N)) < 0.15


def test_a_planner_imports_an_edited_export_and_sees_first_which_place_changes(
    streamlit_server: StartServer, page: Page, db_url: str, tmp_path: Path
) -> None:
    store = Store(db_url)
    try:
        with store.session(ACTOR) as s:
            site = s.add_place(
                Place(
                    PlaceKind.TRAFFIC_CONTROL_SITE,
                    "Infarten",
                    Point(ANEBY_E, ANEBY_N + 1500),
                    attributes={"hastighet": 70},
                )
            )
            s.add_place(
                Place(PlaceKind.INTERVENTION_PLACE, "Parken", Point(ANEBY_E + 200, ANEBY_N))
            )
        request = ExportRequest(
            Audience.INTERNAL, date(2023, 5, 30), date(2024, 5, 29), datetime.now(STOCKHOLM)
        )
        payload = render(load_export_data(store, ACTOR, request), ExportFormat.CSV, ExportOptions())
    finally:
        store.dispose()
    with zipfile.ZipFile(io.BytesIO(payload)) as archive:
        text = archive.read("intern_platser.csv").decode("utf-8-sig")
    # Edited in Excel: a new name and speed for the site, saved as Windows-1252.
    edited = tmp_path / "intern_platser.csv"
    edited.write_bytes(
        text.replace("Infarten;", "Norra infarten;").replace(";70;", ";60;").encode("cp1252")
    )
    base = streamlit_server(REPO_ROOT / "app.py", {"LOFTESKARTAN_DB": db_url})
    open_places_page(page, base)
    page.get_by_text("Importera platser från fil").click()
    page.locator("[data-testid=stFileUploader] input[type=file]").set_input_files(str(edited))

    page.get_by_text(
        f"Vid import: 1 ändras (id {site.id}: namn, hastighet), 1 finns redan."
    ).wait_for()
    page.get_by_text("Kolumner som inte läses: exempeldata.").wait_for()
    page.get_by_text("Koordinatsystem", exact=True).scroll_into_view_if_needed()
    screenshot(page, "platser-import-export")
    page.get_by_text("stämmer och platserna ligger rätt på kartan").click()
    confirmed = page.get_by_role("checkbox", name=re.compile("platserna ligger rätt på kartan"))
    expect(confirmed).to_be_checked()  # the box took the click; the button opens only then
    importing = page.get_by_role("button", name="Importera 2 platser")
    expect(importing).to_be_enabled()
    importing.click()
    page.get_by_text(
        f"0 platser importerades från intern_platser.csv; 1 ändrades (id {site.id}); 1 fanns redan."
    ).wait_for()
    names = {p.name: p for p in stored_places(db_url)}
    assert sorted(names) == ["Norra infarten", "Parken"]
    assert (names["Norra infarten"].attributes["hastighet"], names["Norra infarten"].version) == (
        60,
        2,
    )


def wait_for_map_around_place(page: Page, frame: FrameLocator) -> None:
    """Wait until the map around a chosen place has drawn and stopped zooming.

    Its scale bar is in metres, not km, and no zoom animation is running (a screenshot
    during one shows the old map blown up).
    """
    frame.locator(".leaflet-control-scale-line").get_by_text(re.compile(r"^\d+ m$")).wait_for()
    map_paths(page, BASE_PATHS)
    frame.locator(".leaflet-container:not(.leaflet-zoom-anim)").wait_for()


def test_a_planner_clicks_a_place_on_the_map_renames_it_and_finds_the_new_name_after_reload(
    streamlit_server: StartServer, page: Page, browser_log: BrowserLog, db_url: str
) -> None:
    store = Store(db_url)
    with store.session(ACTOR) as s:
        s.add_place(
            Place(PlaceKind.TRAFFIC_CONTROL_SITE, "Kontroll vid skolan", Point(ANEBY_E, ANEBY_N))
        )
    store.dispose()
    base = streamlit_server(REPO_ROOT / "app.py", {"LOFTESKARTAN_DB": db_url})
    frame = open_places_page(page, base)
    map_paths(page, BASE_PATHS + 1)
    page.get_by_role("heading", name="Ny plats").wait_for()

    frame.locator(f"path.leaflet-interactive[stroke='{SITE_COLOUR}']").click()
    page.get_by_role("heading", name="Ändra trafikkontrollplats: Kontroll vid skolan").wait_for()
    # The heading comes first; the form's fields follow in the same run.
    name = page.get_by_role("textbox", name="Namn", exact=True)
    expect(name).to_have_value("Kontroll vid skolan")
    wait_for_map_around_place(page, frame)
    screenshot(page, "platser-vald-pa-kartan")

    name.fill("Kontroll vid torget")
    page.get_by_role("button", name="Spara ändringar").click()
    page.get_by_text("Trafikkontrollplats ”Kontroll vid torget” ändrades.").wait_for()
    page.get_by_role("heading", name="Ny plats").wait_for()  # saved: back to a new place
    page.reload()
    page.get_by_role("heading", name="Platser", exact=True).wait_for()
    map_paths(page, BASE_PATHS + 1, exactly=True)
    show_all_places(page)
    page.locator(GRID_CELL, has_text="Kontroll vid torget").wait_for(state="attached")
    frame = page.frame_locator(MAP_FRAME).first
    frame.locator(f"path.leaflet-interactive[stroke='{SITE_COLOUR}']").hover()
    # The site stands on SCB's tätort point: the map, opened around the site, may show the
    # tätort's tooltip too.
    tooltip = frame.locator(".leaflet-tooltip", has_text="Kontroll")
    assert tooltip.inner_text() == "Kontroll vid torget"

    (place,) = stored_places(db_url)
    assert (place.name, place.version) == ("Kontroll vid torget", 2)
    assert place.geometry.equals(Point(ANEBY_E, ANEBY_N))  # only the name was changed
    assert browser_log.page_errors == []


def test_a_central_area_and_a_walk_route_are_chosen_by_clicking_them_on_the_map(
    streamlit_server: StartServer, page: Page, db_url: str
) -> None:
    # A 1 km square north-east of the tätort and a straight 1 km route (600 m east, 800 m
    # north) south of it, both inside the view the map opens at (the central area with a
    # margin), apart so neither covers the other's middle. The route is slanted: Playwright
    # clicks the middle of an element's box, which for a slanted straight line is on the
    # line (a level line's box is empty).
    store = Store(db_url)
    with store.session(ACTOR) as s:
        s.add_place(
            Place(
                PlaceKind.CENTRAL_AREA,
                "Centrum",
                box(ANEBY_E + 1000, ANEBY_N + 1000, ANEBY_E + 2000, ANEBY_N + 2000),
            )
        )
        s.add_place(
            Place(
                PlaceKind.WALK_ROUTE,
                "Kvällsvandring",
                LineString([(ANEBY_E + 1100, ANEBY_N + 400), (ANEBY_E + 1700, ANEBY_N + 1200)]),
            )
        )
    store.dispose()
    base = streamlit_server(REPO_ROOT / "app.py", {"LOFTESKARTAN_DB": db_url})
    frame = open_places_page(page, base)
    map_paths(page, BASE_PATHS + 2)

    frame.locator(f"path.leaflet-interactive[stroke='{AREA_COLOUR}']").click()
    page.get_by_role("heading", name="Ändra centrumområde: Centrum").wait_for()
    expect(page.get_by_role("textbox", name="Namn", exact=True)).to_have_value("Centrum")
    # Beside the map (the table under it says the same), the stored area's facts.
    beside_map = page.locator("[data-testid=stHorizontalBlock]")
    beside_map.get_by_text(re.compile(r"Yta 1\u00a0000\u00a0000\u00a0m²")).wait_for()
    wait_for_map_around_place(page, frame)
    screenshot(page, "platser-vald-yta")

    # Back to adding a new place, then the route. The map around the area gives way to a new
    # map at the central areas: the route is clicked on the new one, not on the old.
    page.evaluate(
        "sel => { document.querySelector(sel).contentWindow.beforeBack = true; }", MAP_FRAME
    )
    page.get_by_role("button", name="Lägg till en ny plats i stället").click()
    page.get_by_role("heading", name="Ny plats").wait_for()
    page.wait_for_function(
        """([sel, n]) => {
            const win = document.querySelector(sel)?.contentWindow;
            return !!win && !win.old && !!win.document
                && win.document.querySelectorAll('path.leaflet-interactive').length >= n;
        }""",
        arg=[MAP_FRAME, BASE_PATHS + 2],
    )
    frame.locator(".leaflet-container:not(.leaflet-zoom-anim)").wait_for()
    frame.locator(f"path.leaflet-interactive[stroke='{ROUTE_COLOUR}']").click()
    page.get_by_role("heading", name="Ändra vandringsrutt: Kvällsvandring").wait_for()
    expect(page.get_by_role("textbox", name="Namn", exact=True)).to_have_value("Kvällsvandring")
    beside_map.get_by_text(
        re.compile(r"Längd 1\u00a0000\u00a0m, gångtid cirka 15\u00a0min")
    ).wait_for()
    wait_for_map_around_place(page, frame)
    screenshot(page, "platser-vald-rutt")


# -- a place by keyboard only (WCAG 2.1.1): Tab, type, Enter; no mouse, no map click --

SEARCH = "Platsens läge: koordinater eller namn"
SCRIPT_IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"
# The map's own Tab stops come before the form (they are another slice's work); enough to
# pass them all, so the test fails only if the field cannot be reached at all.
MAX_TABS = 400


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
    # The search's run must have ended: a run still drawing the form could drop the name
    # typed next (seen once on a loaded machine).
    page.locator(SCRIPT_IDLE).wait_for()

    presses += tab_to(page, "textbox", "Namn")
    page.keyboard.type("Kontroll vid tätortspunkten")
    expect(page.get_by_role("textbox", name="Namn", exact=True)).to_have_value(
        "Kontroll vid tätortspunkten"
    )
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
