"""The Kontrollplatser page on demo data: the suggestion, its reasons, the rotation saved."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from geo.records.models import Actor
from geo.store import Store
from tests.common import REPO_ROOT, demo_database
from tests.markdown import shown

PAGE = "pages/8_Kontrollplatser.py"


@pytest.fixture
def demo_url(tmp_path: Path) -> str:
    return demo_database(tmp_path / "demo.sqlite")


def open_page(url: str, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("LOFTESKARTAN_DB", url)
    at = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=60)
    at.run()
    at.switch_page(PAGE)
    at.run()
    return at


def planned_seeds(url: str) -> list[int | None]:
    store = Store(url)
    with store.session(Actor("test")) as s:
        seeds = [p.seed for p in s.list_planned()]
    store.dispose()
    return seeds


def test_the_page_suggests_sites_explains_them_and_saves_the_rotation(
    demo_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = open_page(demo_url, monkeypatch)
    assert not at.exception and not at.error
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Föreslagna platser"] == "3 av 3"  # violations were logged at all three
    assert metrics["Kandidater"] == "3"
    assert metrics["Täckt efterfrågan"].endswith(" %")

    reasons = [shown(m.value) for m in at.markdown if "Enda valda platsen" in m.value]
    assert len(reasons) == 3
    assert reasons[0].startswith(
        "**1. Exempel: Kontrollplats söder** – täcker vikt 63 (13 punkter)"
    )
    maps = [e for e in at.main if "st_folium" in str(getattr(e, "proto", ""))]
    script = json.loads(maps[0].proto.json_args)["script"]
    assert "F\\u00f6reslagna platser" in script and "T\\u00e4ckning 300 m" in script

    at.number_input(key="siting_seed").set_value(2024).run()
    weeks = at.dataframe[0].value
    assert len(weeks) == 8
    assert all(a != b for a, b in zip(weeks["Plats"], weeks["Plats"][1:], strict=False))

    before = planned_seeds(demo_url)
    at.button[0].click().run()
    assert shown(at.success[0].value) == (
        "8 planerade trafikkontroller lades in i planeringen (frö 2024)."
    )
    assert planned_seeds(demo_url).count(2024) == 8
    assert len(planned_seeds(demo_url)) == len(before) + 8

    at.button[0].click().run()  # a second click does not plan everything twice
    assert "finns redan i planeringen" in at.error[0].value
    assert planned_seeds(demo_url).count(2024) == 8


def test_with_every_layer_weighed_zero_the_page_says_there_is_nothing_to_cover(
    demo_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = open_page(demo_url, monkeypatch)
    at.number_input(key="siting_weight_overtradelser").set_value(0.0).run()
    at.number_input(key="siting_weight_centrum").set_value(0.0).run()
    assert not at.exception
    assert "ingen efterfrågan att täcka" in at.info[0].value
