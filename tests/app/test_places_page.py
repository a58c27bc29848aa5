"""The places page in AppTest: the table, the drawing map's contract, saving from the form.

AppTest cannot click the map; it sees the map's page (`ui.map_input`). A drawing is put
where the page's on_change callback puts it (session state), which is what the browser tests
drive for real.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from shapely.geometry import Point
from streamlit.testing.v1 import AppTest

from geo.records.kinds import CommitmentKind
from geo.records.models import Actor, Place, PlaceKind
from geo.store import Store
from tests.common import REPO_ROOT, demo_database, plan_field
from tests.markdown import shown

PAGE = "pages/2_Platser.py"
NEW_POINT_MAP = "platskarta_Point_ny_0"
SCB_POINT = {"type": "Point", "coordinates": [14.808475, 57.841630]}


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("platser") / "demo.sqlite"
    demo_database(path)
    return path


@pytest.fixture
def db_url(demo_file: Path, tmp_path: Path) -> str:
    path = tmp_path / "demo.sqlite"
    shutil.copy(demo_file, path)
    return f"sqlite:///{path}"


def places_page(db_url: str, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("LOFTESKARTAN_DB", db_url)
    at = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=60)
    at.run()
    at.switch_page(PAGE)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def places_list(at: AppTest) -> AppTest:
    """Open the "Alla platser" panel below the map (what a click on its heading sets)."""
    at.session_state["platser_lista"] = True
    return at.run()


def button(at: AppTest, label: str):  # noqa: ANN201 (AppTest's Button)
    """The one button with this label."""
    (found,) = [b for b in at.button if b.label == label]
    return found


def stored_place(db_url: str, name: str) -> Place:
    """The one stored place with this name."""
    store = Store(db_url)
    try:
        with store.session(Actor("test")) as s:
            (place,) = [p for p in s.list_places() if p.name == name]
    finally:
        store.dispose()
    return place


def editing(db_url: str, monkeypatch: pytest.MonkeyPatch, name: str) -> tuple[AppTest, Place]:
    """The page with the stored place called `name` open in the form, and that place."""
    at = places_page(db_url, monkeypatch)
    place = stored_place(db_url, name)
    # What the map's on_change callback leaves when the place is clicked.
    at.session_state["platser_vald"] = place.id
    at.run()
    return at, place


def drawing_page(at: AppTest) -> str:
    """The drawing map's page, as the browser gets it in its frame."""
    (page,) = [
        json.loads(e.proto.json)["page"]
        for e in at.main
        if getattr(e.proto, "component_name", "") == "lofteskartan_input_map"
    ]
    return page


def test_every_demo_place_is_in_the_table_with_its_facts(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = places_page(db_url, monkeypatch)
    assert not at.dataframe  # the list's table is sent only with its panel open
    table = places_list(at).dataframe[0].value
    assert len(table) == 9
    route = table[table["Namn"] == "Exempel: Trygghetsvandring centrum"].iloc[0]
    assert route["Fakta"].startswith("Längd 1\u00a0300\u00a0m, gångtid cirka 20\u00a0min")
    centre = table[table["Namn"] == "Exempel: Centrum"].iloc[0]
    assert centre["Fakta"].startswith("Yta 240\u00a0000\u00a0m² (24,0\u00a0ha)")


def test_a_retired_place_chosen_in_the_list_stays_open_when_the_list_is_closed(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    office = stored_place(db_url, "Exempel: Poliskontor")
    store = Store(db_url)
    with store.session(Actor("test")) as s:
        s.retire_place(office.id, office.version)
    store.dispose()
    at = places_list(places_page(db_url, monkeypatch))
    assert len(at.dataframe[0].value) == 8  # retired places are hidden at first
    at.toggle(key="platslista_avvecklade").set_value(True).run()
    assert len(at.dataframe[0].value) == 9
    at.session_state["platser_vald"] = office.id  # what choosing its row leaves
    at.session_state["platser_lista"] = False
    at.run()
    at.run()  # and one more run with the list closed: its toggle is not drawn meanwhile
    assert not at.exception, [e.value for e in at.exception]
    assert not at.dataframe
    heading = "Poliskontor (avvecklad): Exempel: Poliskontor"
    assert heading in [shown(h.value) for h in at.subheader]
    assert places_list(at).toggle(key="platslista_avvecklade").value is True


def test_the_drawing_map_reports_drawings_and_clicks_on_places_and_nothing_else(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = drawing_page(places_page(db_url, monkeypatch))
    assert "L.Control.Draw" in page
    assert json.dumps("Sätt ut en punkt")[1:-1] in page  # Leaflet.draw in Swedish
    assert '"marker": {}' in page and '"polyline": false' in page
    assert "Exempel: Poliskontor" in page  # the stored places, to click on
    # A drawing, an edit, a deletion or a click on a place reruns the page: no pan, zoom or
    # click on the bare map (each vertex of a drawing would).
    for event in ("L.Draw.Event.CREATED", "L.Draw.Event.EDITED", "L.Draw.Event.DELETED"):
        assert f"map.on({event}" in page
    assert page.count('.on("click"') == 1
    for event in ("moveend", "zoomend", 'map.on("click'):
        assert event not in page


def test_the_drawing_map_loads_leaflet_and_leaflet_draw_and_uses_nothing_else(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = drawing_page(places_page(db_url, monkeypatch))
    scripts = [src.rsplit("/", 1)[-1] for src in re.findall(r'<script src="([^"]+)"', page)]
    assert scripts == ["leaflet.js", "leaflet-setup.js", "leaflet.draw.js"]
    stylesheets = [
        href.rsplit("/", 1)[-1]
        for href in re.findall(r'<link rel="stylesheet" href="([^"]+)"', page)
    ]
    assert stylesheets == ["leaflet.css", "leaflet.draw.css"]
    # What jQuery, Bootstrap, Glyphicons, Font Awesome or folium.Icon would be loaded for:
    # none of it.
    for use in ("$(", "$.", "jQuery", "AwesomeMarkers", "bootstrap", "glyphicon", '"fa-'):
        assert use not in page, use


def test_the_drawing_map_stays_the_same_map_through_reruns_until_a_place_changes(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A new map would lose what the planner has drawn: the frame is kept while `kept_as` is."""
    at = places_page(db_url, monkeypatch)
    kept_as = json.loads(next(e for e in at.main if "kept_as" in str(e.proto)).proto.json)
    at.text_input(key="ny_trafikkontrollplats_0_namn").input("Kontroll vid torget").run()
    again = json.loads(next(e for e in at.main if "kept_as" in str(e.proto)).proto.json)
    assert again["kept_as"] == kept_as["kept_as"]
    office = stored_place(db_url, "Exempel: Poliskontor")
    store = Store(db_url)
    with store.session(Actor("test")) as s:  # a colleague retires a place meanwhile
        s.retire_place(office.id, office.version)
    store.dispose()
    after = json.loads(next(e for e in at.run().main if "kept_as" in str(e.proto)).proto.json)
    assert after["kept_as"] != kept_as["kept_as"]
    assert "Exempel: Poliskontor" not in after["page"]


def test_choosing_a_route_gives_the_line_tool(db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    at = places_page(db_url, monkeypatch)
    at.selectbox(key="ny_platstyp").set_value(PlaceKind.WALK_ROUTE).run()
    page = drawing_page(at)
    assert '"polyline": {' in page and '"marker": false' in page
    assert [t.label for t in at.text_area][0] == "Hållplatser i ordning"


def test_saving_without_drawing_says_what_is_missing(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = places_page(db_url, monkeypatch)
    at.text_input(key="ny_trafikkontrollplats_0_namn").input("Ny kontroll")
    button(at, "Spara plats").click().run()
    assert [shown(e.value) for e in at.error] == [
        "Platsen saknar geometri: en trafikkontrollplats ska vara en punkt. Rita den på kartan."
    ]


def test_a_drawn_point_and_the_form_become_a_stored_place(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = places_page(db_url, monkeypatch)
    at.session_state["platser_drawings"] = {
        NEW_POINT_MAP: [{"type": "Feature", "properties": {}, "geometry": SCB_POINT}]
    }
    at.run()
    assert "Vid tätortscentrum (Aneby)" in shown(at.success[0].value)
    at.text_input(key="ny_trafikkontrollplats_0_namn").input("Kontroll vid torget")
    at.text_input(key="ny_trafikkontrollplats_0_väg").input("väg 32")
    at.selectbox(key="ny_trafikkontrollplats_0_hastighet").set_value(50)
    button(at, "Spara plats").click().run()
    assert not at.error, [e.value for e in at.error]
    assert shown(at.success[0].value) == "Trafikkontrollplats ”Kontroll vid torget” sparades."
    place = stored_place(db_url, "Kontroll vid torget")
    assert dict(place.attributes) == {"väg": "väg 32", "hastighet": 50}
    assert len(places_list(at).dataframe[0].value) == 10


def test_a_place_chosen_on_the_map_opens_in_the_form_until_the_planner_goes_back(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    at, office = editing(db_url, monkeypatch, "Exempel: Poliskontor")
    # The heading is markdown: the name is escaped (plain()), so it shows as typed.
    assert [h.value for h in at.subheader][0] == r"Ändra poliskontor: Exempel\: Poliskontor"
    assert at.text_input(key=f"andra_{office.id}_0_namn").value == "Exempel: Poliskontor"

    (back,) = [b for b in at.button if b.label == "Lägg till en ny plats i stället"]
    back.click().run()
    assert [h.value for h in at.subheader][0] == "Ny plats"
    assert at.session_state["platser_vald"] is None


def test_a_place_is_created_from_typed_coordinates_without_touching_the_map(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = places_page(db_url, monkeypatch)
    at.text_input(key="platssok_ny_0_text").input("6411094.7, 488629.2")
    button(at, "Sök läge").click().run()
    assert "Vid tätortscentrum (Aneby)" in shown(at.success[-1].value)
    # The map opens on the chosen position and marks it.
    assert "Valt läge" in drawing_page(at)
    at.text_input(key="ny_trafikkontrollplats_0_namn").input("Kontroll vid tätortspunkten")
    button(at, "Spara plats").click().run()
    assert not at.error, [e.value for e in at.error]
    place = stored_place(db_url, "Kontroll vid tätortspunkten")
    assert place.geometry.distance(Point(488629.2, 6411094.7)) < 0.01


def test_a_search_by_name_offers_the_hits_and_the_chosen_one_is_used(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = places_page(db_url, monkeypatch)
    at.text_input(key="platssok_ny_0_text").input("exempel")
    button(at, "Sök läge").click().run()
    hits = at.selectbox(key="platssok_ny_0_val")
    assert len(hits.options) > 1
    office = hits.options.index("Exempel: Poliskontor (Poliskontor)")
    hits.select_index(office).run()
    assert any("Exempel: Poliskontor (Poliskontor)" in shown(m.value) for m in at.success)


def test_coordinates_outside_sweden_are_refused_and_nothing_is_placed(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = places_page(db_url, monkeypatch)
    at.text_input(key="platssok_ny_0_text").input("48.8566, 2.3522")
    button(at, "Sök läge").click().run()
    assert "ligger inte i Sverige" in shown(at.error[0].value)
    assert "Valt läge" not in drawing_page(at)


def test_a_point_place_is_moved_by_typed_coordinates(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    at, office = editing(db_url, monkeypatch, "Exempel: Poliskontor")
    at.text_input(key=f"platssok_{office.id}_0_text").input("57.841630, 14.808475")
    button(at, "Sök läge").click().run()
    button(at, "Spara ändringar").click().run()
    assert not at.error, [e.value for e in at.error]
    moved = stored_place(db_url, "Exempel: Poliskontor")
    assert moved.geometry.distance(Point(488629.2, 6411094.7)) < 0.15
    assert moved.geometry.distance(office.geometry) > 1


def test_planera_har_on_a_new_control_site_opens_the_plan_form_with_the_site_and_a_control(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = places_page(db_url, monkeypatch)
    at.text_input(key="platssok_ny_0_text").input("6411094.7, 488629.2")
    button(at, "Sök läge").click().run()
    at.text_input(key="ny_trafikkontrollplats_0_namn").input("Kontroll vid tätortspunkten")
    button(at, "Spara plats").click().run()
    place = stored_place(db_url, "Kontroll vid tätortspunkten")

    button(at, "Planera här").click().run()

    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == "Planering"
    assert at.radio(key="plan_view").value == "Planera"
    assert at.selectbox(key=plan_field(at, "place")).value == place.id
    assert at.selectbox(key=plan_field(at, "kind")).value == CommitmentKind.TRAFFIC_CONTROL


def test_planera_har_on_a_central_area_being_edited_plans_presence_there(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    at, area = editing(db_url, monkeypatch, "Exempel: Centrum")

    button(at, "Planera här").click().run()

    assert at.selectbox(key=plan_field(at, "place")).value == area.id
    assert at.selectbox(key=plan_field(at, "kind")).value == CommitmentKind.PRESENCE
