"""The places page in AppTest: the table, the drawing map's contract, saving from the form.

AppTest cannot click the map; it sees st_folium's arguments. A drawing is put where the
page's on_change callback puts it (session state), which is what the browser tests drive
for real.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from geo.records.models import Actor, PlaceKind
from geo.store import Store
from tests.common import REPO_ROOT, demo_database
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


def map_args(at: AppTest, index: int = 0) -> dict:
    maps = [e for e in at.main if "st_folium" in str(getattr(e, "proto", ""))]
    return json.loads(maps[index].proto.json_args)


def test_every_demo_place_is_in_the_table_with_its_facts(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = places_page(db_url, monkeypatch)
    table = at.dataframe[0].value
    assert len(table) == 9
    route = table[table["Namn"] == "Exempel: Trygghetsvandring centrum"].iloc[0]
    assert route["Fakta"].startswith("Längd 1\u00a0300\u00a0m, gångtid cirka 20\u00a0min")
    centre = table[table["Namn"] == "Exempel: Centrum"].iloc[0]
    assert centre["Fakta"].startswith("Yta 240\u00a0000\u00a0m² (24,0\u00a0ha)")


def test_the_drawing_map_reruns_only_on_drawings_and_clicks_and_carries_places_beside_it(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    args = map_args(places_page(db_url, monkeypatch))
    # No pan, zoom or click on the bare map reruns; a click on a place does.
    assert args["returned_objects"] == ["all_drawings", "last_active_drawing"]
    assert "L.Control.Draw" in args["script"]
    assert json.dumps("Sätt ut en punkt")[1:-1] in args["script"]  # Leaflet.draw in Swedish
    assert '"marker": {}' in args["script"] and '"polyline": false' in args["script"]
    # Stored places travel in the feature group, so saving one does not reload the map.
    assert "Exempel: Poliskontor" in args["feature_group"]
    assert "Exempel: Poliskontor" not in args["script"]


def test_choosing_a_route_gives_the_line_tool(db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    at = places_page(db_url, monkeypatch)
    at.selectbox(key="ny_platstyp").set_value(PlaceKind.WALK_ROUTE).run()
    script = map_args(at)["script"]
    assert '"polyline": {' in script and '"marker": false' in script
    assert [t.label for t in at.text_area][0] == "Hållplatser i ordning"


def test_saving_without_drawing_says_what_is_missing(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = places_page(db_url, monkeypatch)
    at.text_input(key="ny_trafikkontrollplats_0_namn").input("Ny kontroll")
    at.button[0].click().run()
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
    at.button[0].click().run()
    assert not at.error, [e.value for e in at.error]
    assert shown(at.success[0].value) == "Trafikkontrollplats ”Kontroll vid torget” sparades."
    store = Store(db_url)
    try:
        with store.session(Actor("test")) as s:
            (place,) = [p for p in s.list_places() if p.name == "Kontroll vid torget"]
    finally:
        store.dispose()
    assert dict(place.attributes) == {"väg": "väg 32", "hastighet": 50}
    assert len(at.dataframe[0].value) == 10


def test_a_place_chosen_on_the_map_opens_in_the_form_until_the_planner_goes_back(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = places_page(db_url, monkeypatch)
    store = Store(db_url)
    try:
        with store.session(Actor("test")) as s:
            (office,) = [p for p in s.list_places() if p.name == "Exempel: Poliskontor"]
    finally:
        store.dispose()
    # What the map's on_change callback leaves when the office is clicked.
    at.session_state["platser_vald"] = office.id
    at.run()
    # The heading is markdown: the name is escaped (plain()), so it shows as typed.
    assert [h.value for h in at.subheader][0] == r"Ändra poliskontor: Exempel\: Poliskontor"
    assert at.text_input(key=f"andra_{office.id}_0_namn").value == "Exempel: Poliskontor"

    (back,) = [b for b in at.button if b.label == "Lägg till en ny plats i stället"]
    back.click().run()
    assert [h.value for h in at.subheader][0] == "Ny plats"
    assert at.session_state["platser_vald"] is None
