"""An administrator chooses a background map in Administration; Karta and Platser draw it
first, with its source, and OpenStreetMap after it."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.common import REPO_ROOT, demo_database, map_script, open_tab
from tests.markdown import shown
from ui.offline import OSM_TILES

KOMMUN_TILES = "https://karta.aneby.se/tiles/{z}/{x}/{y}.png"


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("bakgrund") / "demo.sqlite"
    demo_database(path)
    return path


@pytest.fixture
def app(demo_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    shutil.copy(demo_file, tmp_path / "demo.sqlite")
    monkeypatch.setenv("LOFTESKARTAN_DB", f"sqlite:///{tmp_path / 'demo.sqlite'}")
    at = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=60)
    at.run()
    return at


def go(at: AppTest, page: str) -> AppTest:
    at.switch_page(f"pages/{page}.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def choose_background(at: AppTest, url: str, attribution: str) -> None:
    open_tab(go(at, "9_Admin"), "admin_flik", "Bakgrundskarta")
    at.text_input(key="bakgrund_adress").input(url)
    at.text_input(key="bakgrund_kalla").input(attribution)
    (save,) = [b for b in at.button if b.label == "Spara bakgrundskartan"]
    save.click().run()


def test_the_chosen_background_map_comes_before_openstreetmap_on_karta_and_platser(
    app: AppTest,
) -> None:
    # Karta shown before the choice: its map is kept between runs, but not past a new choice.
    assert "karta.aneby.se" not in map_script(go(app, "1_Karta"))
    choose_background(app, KOMMUN_TILES, "© Aneby kommun")
    assert not app.error, [e.value for e in app.error]
    assert "Bakgrundskartan ”Bakgrundskarta” sparades." in [shown(s.value) for s in app.success]
    for page in ("1_Karta", "2_Platser"):
        script = map_script(go(app, page))
        assert script.index(json.dumps(KOMMUN_TILES)) < script.index(json.dumps(OSM_TILES))
        assert json.dumps("© Aneby kommun") in script


def test_a_tile_address_without_placeholders_is_refused_and_the_maps_keep_openstreetmap(
    app: AppTest,
) -> None:
    choose_background(app, "https://karta.aneby.se/karta.png", "© Aneby kommun")
    assert "saknar {z}, {x}, {y}" in shown(app.error[0].value)
    script = map_script(go(app, "1_Karta"))
    assert "karta.aneby.se" not in script
    assert json.dumps(OSM_TILES) in script
