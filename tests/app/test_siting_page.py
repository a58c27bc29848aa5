"""The Kontrollplatser page on demo data: the suggestion, its reasons, the rotation saved."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from shapely.geometry import Point
from streamlit.testing.v1 import AppTest

from geo.records.kinds import CommitmentKind
from geo.records.models import Activity, Actor
from geo.store import Store
from tests.common import E0, N0, REPO_ROOT, demo_database, local, map_script, open_panel
from tests.markdown import shown

PAGE = "pages/8_Kontrollplatser.py"
SETTINGS, ROTATION = "kontrollplatser_installningar", "kontrollplatser_rotation"


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
    (figures,) = [shown(m.value) for m in at.markdown if "Kandidater:" in m.value]
    covered, chosen, candidates = figures.split(" · ")
    assert chosen == "Föreslagna platser: **3 av 3**"  # violations were logged at all three
    assert candidates == "Kandidater: **3**"
    assert covered.startswith("Täckt efterfrågan: **") and covered.endswith(" %**")

    reasons = [shown(m.value) for m in at.markdown if "Enda valda platsen" in m.value]
    assert len(reasons) == 3
    assert reasons[0].startswith(
        "**1. Exempel: Kontrollplats söder** – täcker vikt 63 (13 punkter)"
    )
    script = map_script(at)
    assert "F\\u00f6reslagna platser" in script and "T\\u00e4ckning 300 m" in script

    # The rotation is the second step, in its own panel: its fields are not sent before.
    assert not at.get("date_input") and not at.get("time_input")
    open_panel(at, ROTATION)
    at.number_input(key="rotation_seed").set_value(2024).run()
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
    at = open_panel(open_page(demo_url, monkeypatch), SETTINGS)
    at.number_input(key="forslag_vikt_overtradelser").set_value(0.0).run()
    at.number_input(key="forslag_vikt_centrum").set_value(0.0).run()
    assert not at.exception
    assert "ingen efterfrågan att täcka" in at.info[0].value


def violation_points(at: AppTest) -> str:
    (label,) = [n.label for n in at.number_input if n.label.startswith("Överträdelser")]
    return label


def test_a_traffic_control_logged_after_the_page_was_shown_is_demand_at_its_next_run(
    demo_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The store's layers are kept between runs until the data changes: a kept layer must
    # never hide a control logged since.
    at = open_panel(open_page(demo_url, monkeypatch), SETTINGS)
    assert violation_points(at).endswith("(22 punkter)")
    store = Store(demo_url)
    with store.session(Actor("test")) as s:
        start = local(2024, 3, 5, 10)
        control = Activity(
            CommitmentKind.TRAFFIC_CONTROL,
            start,
            start + timedelta(hours=1),
            commitment_id="trafikkontroller",
            geometry=Point(E0, N0),
            outcome={"kontrollerade_fordon": 10, "hastighetsovertradelser": 2},
        )
        s.add_activity(control, "aneby-2023-2024")
    store.dispose()
    at.run()
    assert violation_points(at).endswith("(23 punkter)")


def test_the_rotation_keeps_its_settings_while_the_planner_looks_at_the_suggestion(
    demo_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = open_panel(open_page(demo_url, monkeypatch), ROTATION)
    at.number_input(key="rotation_seed").set_value(2024).run()
    at.number_input(key="rotation_weeks").set_value(12).run()
    weeks = at.dataframe[0].value
    assert len(weeks) == 12
    open_panel(at, ROTATION, is_open=False)
    at.run()  # and one more run, with the panel closed
    # The rotation's fields are not drawn meanwhile.
    assert not at.dataframe and all(n.key != "rotation_seed" for n in at.number_input)
    open_panel(at, ROTATION)
    assert not at.exception, [e.value for e in at.exception]
    assert at.number_input(key="rotation_seed").value == 2024  # the same plan, not a new draw
    assert at.number_input(key="rotation_weeks").value == 12
    assert at.dataframe[0].value.equals(weeks)


def test_a_rotation_setting_typed_just_before_its_panel_is_closed_is_kept(
    demo_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A field commits its value when the planner leaves it: typing 12 and clicking the
    # panel's heading sends both in one run, in which the rotation's fields are not drawn.
    at = open_panel(open_page(demo_url, monkeypatch), ROTATION)
    at.number_input(key="rotation_weeks").set_value(12)
    open_panel(at, ROTATION, is_open=False)
    open_panel(at, ROTATION)
    assert not at.exception, [e.value for e in at.exception]
    assert at.number_input(key="rotation_weeks").value == 12
    assert len(at.dataframe[0].value) == 12


def test_the_page_opens_on_the_suggestion_with_its_settings_said_in_one_line(
    demo_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = open_page(demo_url, monkeypatch)
    # No setting's field is sent before the panel is opened (their code held up the map).
    assert not at.number_input and not at.checkbox
    (line,) = [shown(c.value) for c in at.caption if "Kandidater:" in shown(c.value)]
    assert line.startswith(
        "3 platser inom 300 m. Kandidater: befintliga trafikkontrollplatser (3). "
        "Vikter: Överträdelser"
    )


def test_settings_changed_in_the_panel_hold_after_it_is_closed_even_if_typed_just_before(
    demo_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = open_panel(open_page(demo_url, monkeypatch), SETTINGS)
    at.number_input(key="forslag_radius").set_value(500).run()
    # The last value and the click that closes the panel in one run.
    at.number_input(key="forslag_k").set_value(2)
    open_panel(at, SETTINGS, is_open=False)
    at.run()  # and one more run with the panel closed
    assert not at.exception, [e.value for e in at.exception]
    assert not at.number_input
    (figures,) = [shown(m.value) for m in at.markdown if "Kandidater:" in m.value]
    assert "Föreslagna platser: **2 av 2**" in figures
    (line,) = [shown(c.value) for c in at.caption if "Kandidater:" in shown(c.value)]
    assert line.startswith("2 platser inom 500 m.")
    assert "T\\u00e4ckning 500 m" in map_script(at)
    open_panel(at, SETTINGS)
    assert at.number_input(key="forslag_k").value == 2
    assert at.number_input(key="forslag_radius").value == 500
