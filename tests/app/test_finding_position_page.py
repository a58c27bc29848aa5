"""On the log page a planner places a new finding by a click on the map or by keyboard
(AppTest; the click itself is tried in Chromium, tests/e2e/test_finding_position.py)."""

from __future__ import annotations

import json
import re

from streamlit.testing.v1 import AppTest

from tests.common import drawn_maps, finding_field, finding_positions
from tests.markdown import shown

HOW_TO_PLACE = "Klicka i kartan där iakttagelsen gjordes, eller skriv läget ovanför."


def search(at: AppTest, text: str) -> AppTest:
    """Type `text` in the finding's position field and press Enter."""
    at.text_input(key=finding_field(at, "lage") + "_text").input(text)
    (button,) = [b for b in at.button if b.label == "Sök läge"]
    return button.click().run()


def ring(at: AppTest) -> list[float] | None:
    """Where the map is told to ring the chosen position."""
    (data,) = [
        json.loads(e.proto.json)
        for e in at.main
        if getattr(e.proto, "component_name", "") == "lofteskartan_input_map"
    ]
    return data["ring"]


def test_the_map_for_a_new_findings_position_loads_only_leaflet_and_reports_a_click(
    findings_view: AppTest,
) -> None:
    at = findings_view
    (page,) = drawn_maps(at)
    assert "Karta: Ny iakttagelse" in page  # the frame's page is titled for a screen reader
    scripts = [src.rsplit("/", 1)[-1] for src in re.findall(r'<script src="([^"]+)"', page)]
    assert scripts == ["leaflet.js", "leaflet-setup.js"]  # no drawing tools: only a click
    assert "Exempel: Trygghetsvandring centrum" in page  # the walk route to place it by
    assert page.count('map.on("click"') == 1 and "last_clicked" in page
    assert HOW_TO_PLACE in [c.value for c in at.caption]
    assert ring(at) is None


def test_a_finding_placed_by_typed_coordinates_is_ringed_stored_there_and_the_form_is_fresh(
    findings_view: AppTest, findings_db: str
) -> None:
    walk = (
        findings_view.selectbox(key="fd_walk").select_index(1).run().selectbox(key="fd_walk").value
    )
    at = search(findings_view, "57.8416, 14.8085")
    assert not at.exception and not at.error
    assert "Iakttagelsen placeras på" in shown(at.success[0].value)
    assert "Vald punkt: 57.84160, 14.80850" in [c.value for c in at.caption]
    assert [round(x, 6) for x in ring(at) or []] == [57.8416, 14.8085]
    at.text_input(key=finding_field(at, "desc")).input("Trasig belysning vid torget").run()
    (save,) = [b for b in at.button if b.label == "Spara iakttagelse"]
    save.click().run()
    assert not at.exception and not at.error
    ((lat, lon),) = finding_positions(findings_db, "Trasig belysning vid torget")
    assert (round(lat, 6), round(lon, 6)) == (57.8416, 14.8085)
    # The form is fresh for the next finding: no position, no description; the walk stays.
    assert HOW_TO_PLACE in [c.value for c in at.caption]
    assert ring(at) is None
    assert at.text_input(key=finding_field(at, "desc")).value == ""
    assert at.text_input(key=finding_field(at, "lage") + "_text").value == ""
    assert at.selectbox(key="fd_walk").value == walk


def test_a_position_that_is_not_in_sweden_is_refused_and_nothing_is_chosen(
    findings_view: AppTest,
) -> None:
    at = search(findings_view, "48.8566, 2.3522")  # Paris
    assert [shown(e.value) for e in at.error]
    assert HOW_TO_PLACE in [c.value for c in at.caption]
    assert ring(at) is None
