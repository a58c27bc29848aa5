"""The Export page offers every export and previews the public follow-up texts."""

from __future__ import annotations

from datetime import date

import pytest
from streamlit.testing.v1 import AppTest

from geo.disclosure.audience import AudienceRules
from geo.exports import make
from geo.spatial.aggregate import GridShape
from geo.store import Store
from tests.common import REPO_ROOT
from tests.export_fixtures import plant
from tests.markdown import shown


@pytest.fixture(scope="module")
def planted_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('export_page')}/planted.sqlite"
    store = Store(url)
    plant(store)
    store.dispose()
    return url


def export_page(db_url: str, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("LOFTESKARTAN_DB", db_url)
    at = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=60)
    at.run()
    at.switch_page("pages/7_Export.py")
    at.run()
    return at


def test_export_page_has_a_download_button_for_every_export(
    planted_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = export_page(planted_db, monkeypatch)
    assert not at.exception
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels == [
        "Export: Mötesunderlag (PDF)",
        "Export: Mötesunderlag (tillgänglig webbsida)",
        "Export: Karta (HTML)",
        "Export: Kartbild (PNG)",
        "Export: Täthetskarta (PNG)",
        "Export: Data (GeoPackage)",
        "Export: Data (CSV för Excel, zip)",
        "Export: Uppföljning för polisen.se (text och karta, zip)",
    ]
    assert "Får inte publiceras" in at.warning[0].value


def test_ticking_the_activity_list_offers_the_meeting_packs_full_list_as_csv(
    planted_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = export_page(planted_db, monkeypatch)
    at.checkbox(key="export_meeting_list").check()
    at.run()
    assert not at.exception
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels[-1] == "Export: Mötesunderlagets aktivitetslista (CSV)"
    assert len(labels) == 9


def test_public_follow_up_preview_suppresses_small_counts(
    planted_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = export_page(planted_db, monkeypatch)
    at.radio(key="export_audience").set_value(at.radio(key="export_audience").options[1])
    at.run()
    at.toggle(key="export_preview").set_value(True)
    at.run()
    assert not at.exception
    areas = {shown(a.label): a.value for a in at.text_area}
    title = (
        "Medborgarlöfte i Aneby kommun 2023-2024 – uppföljning T3 2023 (september–december 2023)"
    )
    assert "Genomfört under tertialen: 4 gånger (8 timmar)." in areas[title]
    assert "Genomfört under tertialen: antalet visas inte." in areas[title]
    assert "HEMLIG-PLATS-123" not in " ".join(areas.values())


def test_a_period_ending_before_it_starts_is_refused_on_the_page(
    planted_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = export_page(planted_db, monkeypatch)
    at.date_input(key="export_to").set_value(date(2023, 1, 1))
    at.run()
    assert "ligger före startdatum" in at.error[0].value
    assert not at.get("download_button")


def test_a_large_export_is_made_with_a_progress_bar_and_then_offered_for_download(
    planted_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The planted store as if it held a police region's year: every export counts as long.
    monkeypatch.setattr(make, "LARGE_EXPORT", 1)
    at = export_page(planted_db, monkeypatch)
    assert not at.exception
    assert at.get("download_button") == []
    csv_index = [c.format for c in make.EXPORT_CHOICES].index(make.ExportFormat.CSV)
    at.selectbox(key="export_large").select_index(csv_index)
    at.run()
    at.button(key="export_large_make").click()
    at.run()
    assert not at.exception
    bar = at.get("progress")[-1].proto
    assert bar.value == 100
    assert shown(bar.text).startswith("Klar: Data (CSV för Excel, zip), intern")
    assert [b.proto.label for b in at.get("download_button")] == [
        "Ladda ned: Data (CSV för Excel, zip)"
    ]


def test_a_large_export_that_fails_leaves_its_error_and_no_bar_or_download(
    planted_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import ui.export_progress
    from geo.errors import ValidationError

    def stops_half_way(*args: object) -> None:
        progress = args[-1]
        progress(5, 10)  # type: ignore[operator]
        raise ValidationError("Databasen svarar inte.")

    monkeypatch.setattr(make, "LARGE_EXPORT", 1)
    monkeypatch.setattr(ui.export_progress, "make_export", stops_half_way)
    at = export_page(planted_db, monkeypatch)
    at.button(key="export_large_make").click()
    at.run()
    assert not at.exception
    assert [shown(e.value) for e in at.error] == ["Databasen svarar inte."]
    assert at.get("progress") == []
    assert at.get("download_button") == []


def test_the_grid_chosen_for_an_internal_export_is_used_while_its_panel_is_closed(
    planted_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    offered: list[AudienceRules] = []
    monkeypatch.setattr(
        "ui.export_progress.export_files",
        lambda store, actor, template, choices, name: offered.append(template.rules),
    )
    at = export_page(planted_db, monkeypatch)
    assert not at.number_input  # the panel's fields are sent only while it is open
    assert offered[-1] == AudienceRules(cell_size_m=500.0, grid=GridShape.SQUARE)
    at.session_state["export_rutor"] = True  # what opening the panel sets
    at.run()
    at.radio(key="export_rutor_grid").set_value(GridShape.HEXAGON).run()
    at.number_input(key="export_rutor_cell_size").set_value(1000.0)
    # Typed, then the panel's heading clicked: both arrive in one run that draws no field.
    at.session_state["export_rutor"] = False
    at.run()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.number_input
    assert offered[-1] == AudienceRules(cell_size_m=1000.0, grid=GridShape.HEXAGON)
    assert any("rutnät: hexagon" in shown(c.value) for c in at.caption)
    at.session_state["export_rutor"] = True
    at.run()
    assert at.number_input(key="export_rutor_cell_size").value == 1000.0
