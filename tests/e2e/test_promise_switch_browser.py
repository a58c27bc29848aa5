"""Switching promise in the sidebar switches the map's centre, its layers and every number.

One database holds Aneby's promise (0604, Jönköpings län) and the same promise for Umeå
(2480, Västerbottens län), each with its own places and activities. In Chromium, choosing
the other promise under "Medborgarlöfte" must move Karta's map into that kommun, draw that
kommun's reference layers and places only, and show that promise's counts on Karta and
Översikt. Every expected figure is computed by geo from the same database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry

from geo.followup.status import status_report, status_rows
from geo.installation.init import initialise
from geo.records.kinds import CommitmentKind
from geo.records.models import Activity, Actor, Place, PlaceKind
from geo.records.periods import promise_year_containing
from geo.spatial.crs import to_sweref, to_wgs84
from geo.spatial.layers import MapData, load_base_layers, load_map_data
from geo.store import Store
from geo.swedish import count, number
from tests.common import ANEBY_PROMISE, aneby_copy, local
from tests.e2e.conftest import (
    BASE_PATHS,
    MAP_FRAME,
    REPO_ROOT,
    BrowserLog,
    StartServer,
    screenshot,
)

pytestmark = pytest.mark.browser

OPERATOR = Actor("test")
K = CommitmentKind
MAP_TIMEOUT = 90_000  # a map of a whole län, drawn on a loaded two-core machine


@dataclass(frozen=True)
class Kommun:
    """One promise in the test database and what was planted for it."""

    document: str
    title: str
    code: str
    places: int
    # Done activities per kind; different per kommun, so a stale figure shows.
    done: dict[K, int]


ANEBY = Kommun(
    "aneby-2023-2024",
    "Medborgarlöfte i Aneby kommun 2023-2024",
    "0604",
    2,
    {K.NARCOTICS_INTERVENTION: 3, K.SAFETY_WALK: 1},
)
UMEA = Kommun(
    "umea-2023-2024",
    "Medborgarlöfte i Umeå kommun 2023-2024",
    "2480",
    3,
    {K.NARCOTICS_INTERVENTION: 5, K.SAFETY_WALK: 2, K.TRAFFIC_CONTROL: 4},
)


@dataclass(frozen=True)
class Expected:
    """What the page must show for one promise, as geo computes it."""

    boundary: BaseGeometry  # SWEREF 99 TM; the map's centre must lie in it
    paths: int
    caption: str
    progress: list[str]  # commitments with a target, in page order
    untargeted: list[str]  # commitments without one


def plant(store: Store, kommun: Kommun) -> None:
    """Places inside the kommun's stored boundary and the promise's activities at them."""
    with store.session(OPERATOR) as s:
        (boundary,) = load_base_layers(s, kommun.code).boundary
        inside = boundary.representative_point()
        places = []
        for i in range(kommun.places):
            spot = Point(inside.x + 200 * i, inside.y)
            assert boundary.contains(spot)
            place = Place(PlaceKind.INTERVENTION_PLACE, f"Insatsplats {kommun.code}-{i}", spot)
            places.append(s.add_place(place))
        assert {p.kommunkod for p in places} == {kommun.code}
        day = date(2023, 9, 1)
        for kind, count in kommun.done.items():
            for i in range(count):
                start = local(day.year, day.month, day.day, 18)
                activity = Activity(
                    kind, start, start + timedelta(hours=2), place_id=places[i % len(places)].id
                )
                s.add_activity(activity, kommun.document)
                day += timedelta(days=1)


@pytest.fixture
def two_kommuner(streamlit_server: StartServer, tmp_path: Path) -> tuple[str, dict[str, Expected]]:
    """The app on a SQLite database with Aneby's and Umeå's promises: its URL, and what
    each page must show per kommun code."""
    umea = tmp_path / "umea-2023-2024.yaml"
    umea.write_text(
        aneby_copy(UMEA.document, "Umeå", UMEA.code, date(2023, 5, 30), date(2024, 5, 29)),
        encoding="utf-8",
    )
    url = f"sqlite:///{tmp_path / 'two.sqlite'}"
    store = Store(url)
    try:
        initialise(store, OPERATOR, [ANEBY_PROMISE, umea])
        for kommun in (ANEBY, UMEA):
            plant(store, kommun)
        expected = {k.code: expected_for(store, k) for k in (ANEBY, UMEA)}
    finally:
        store.dispose()
    return streamlit_server(REPO_ROOT / "app.py", {"LOFTESKARTAN_DB": url}), expected


def expected_for(store: Store, kommun: Kommun) -> Expected:
    """Karta's paths and caption and Översikt's progress texts, as geo computes them."""
    today = date.today()  # the page's default promise year is the one containing today
    with store.session(OPERATOR) as s:
        doc = s.promise_document(kommun.document)
        period = promise_year_containing(doc, today)
        data = load_map_data(s, doc, period.start_at, period.end_at)
        (boundary,) = load_base_layers(s, kommun.code).boundary
    report = status_report(store, OPERATOR, kommun.document, period.start.year, today)
    # Översikt lists each promise's commitments under it, then those of the whole document.
    order = [p.id for p in doc.promises] + [None]
    rows = sorted(status_rows(report), key=lambda r: order.index(r["promise"]))
    assert data.activity_count == sum(kommun.done.values())  # the period holds them all
    return Expected(
        boundary=boundary,
        paths=drawn_paths(data),
        caption=f"{number(data.place_count)} platser och {number(data.activity_count)} "
        "genomförda aktiviteter",
        progress=[
            f"{r['done']} av {r['target_text']} · kvar {r['remaining']} · planerat {r['planned']}"
            for r in rows
            if r["target"] is not None
        ],
        untargeted=[
            f"{count(r['done'], 'genomförd', 'genomförda')} · planerat {r['planned']}"
            for r in rows
            if r["target"] is None
        ],
    )


def drawn_paths(data: MapData) -> int:
    """Vector paths Leaflet draws for the map data: one per base-layer feature and place
    (activity layers start switched off and are markers, not paths)."""
    base = sum(len(fc["features"]) for _, fc in data.base.values())
    return base + sum(len(fc["features"]) for fc in data.places.values())


def choose_promise(page: Page, title: str) -> None:
    """Pick a promise in the sidebar's "Medborgarlöfte" selectbox."""
    page.get_by_test_id("stSidebar").locator(
        "[data-testid=stSelectbox]", has_text="Medborgarlöfte"
    ).click()
    page.get_by_role("option", name=title, exact=True).click()


# st_folium calls the Leaflet map `map`; folium's own page (ui/map_render.py) `map_<id>`.
MAP_STATE = """([sel]) => {
    const frame = document.querySelector(sel);
    const win = frame && frame.contentWindow;
    const map = win && win.L && Object.keys(win)
        .filter((k) => k === 'map' || k.startsWith('map_'))
        .map((k) => win[k]).find((v) => v instanceof win.L.Map);
    if (!map) return null;
    const c = map.getCenter();
    const paths = win.document.querySelectorAll('path.leaflet-interactive').length;
    return {lat: c.lat, lng: c.lng, paths: paths};
}"""


def wait_for_kommun_map(page: Page, want: Expected) -> dict[str, float]:
    """Wait until the map's centre is in the kommun's lon/lat box and it has drawn the
    kommun's paths; return the centre and path count. The iframe is looked up on every poll:
    a new promise's map replaces the old one."""
    west, south, east, north = to_wgs84(want.boundary).bounds
    try:
        page.wait_for_function(
            f"""([sel, w, s, e, n, paths]) => {{
                const st = ({MAP_STATE})([sel]);
                return st !== null && st.lng > w && st.lng < e && st.lat > s && st.lat < n
                    && st.paths === paths;
            }}""",
            arg=[MAP_FRAME, west, south, east, north, want.paths],
            timeout=MAP_TIMEOUT,
        )
    except PlaywrightTimeoutError as exc:
        state = page.evaluate(MAP_STATE, [MAP_FRAME])
        box = (west, south, east, north)
        raise AssertionError(
            f"map shows {state}; expected {want.paths} paths, centre in {box}"
        ) from exc
    state = page.evaluate(MAP_STATE, [MAP_FRAME])
    assert state is not None
    return state


def test_choosing_the_other_promise_moves_karta_into_its_kommun_with_its_layers_and_counts(
    page: Page, browser_log: BrowserLog, two_kommuner: tuple[str, dict[str, Expected]]
) -> None:
    base, expected = two_kommuner
    assert expected[ANEBY.code].paths == BASE_PATHS + ANEBY.places
    assert expected[UMEA.code].paths != expected[ANEBY.code].paths
    page.goto(f"{base}/Karta")
    page.get_by_role("heading", name="Karta").wait_for(timeout=MAP_TIMEOUT)

    # Whichever promise is shown first, this sequence switches promise at least twice.
    for kommun in (UMEA, ANEBY, UMEA):
        want = expected[kommun.code]
        choose_promise(page, kommun.title)
        page.get_by_text(want.caption).wait_for(timeout=MAP_TIMEOUT)
        state = wait_for_kommun_map(page, want)
        centre = to_sweref(Point(state["lng"], state["lat"]))
        assert want.boundary.contains(centre), f"centre {centre} is outside {kommun.code}"
        assert state["paths"] == want.paths
        expect(page.get_by_text(want.caption)).to_have_count(1)
        screenshot(page, f"karta_{kommun.code}")
    assert browser_log.page_errors == []


def test_choosing_the_other_promise_shows_its_figures_on_oversikt(
    page: Page, browser_log: BrowserLog, two_kommuner: tuple[str, dict[str, Expected]]
) -> None:
    base, expected = two_kommuner
    assert expected[UMEA.code].progress != expected[ANEBY.code].progress
    assert expected[UMEA.code].untargeted != expected[ANEBY.code].untargeted
    page.goto(base)
    page.get_by_test_id("stSidebar").get_by_text("Medborgarlöfte", exact=True).wait_for(
        timeout=MAP_TIMEOUT
    )

    for kommun in (UMEA, ANEBY, UMEA):
        want = expected[kommun.code]
        choose_promise(page, kommun.title)
        page.get_by_role("heading", name=kommun.title).wait_for(timeout=MAP_TIMEOUT)
        page.get_by_text(f"(kommunkod {kommun.code})").wait_for()
        # Waits for the rerun to replace every bar: a stale figure never matches the list.
        expect(page.get_by_test_id("stProgress")).to_have_text(want.progress, timeout=MAP_TIMEOUT)
        untargeted = page.get_by_test_id("stMarkdownContainer").filter(
            has_text="inget antal i löftet"
        )
        expect(untargeted).to_have_count(len(want.untargeted), timeout=MAP_TIMEOUT)
        expect(untargeted).to_contain_text(want.untargeted)
        screenshot(page, f"oversikt_{kommun.code}")
    assert browser_log.page_errors == []
