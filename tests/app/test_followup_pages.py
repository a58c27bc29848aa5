"""The follow-up screens on the demo database (Streamlit AppTest): what a planner reads there."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from geo.installation.init import initialise, read_promise_upload
from geo.records.kinds import CommitmentKind
from geo.records.models import STOCKHOLM, Activity, Actor
from geo.records.periods import Period
from geo.records.progress import tertial_slices
from geo.store import Store
from tests.common import (
    REPO_ROOT,
    SEED_YEAR_CLOCK,
    TRANAS_PROMISE_YAML,
    UMEA_PROMISE_YAML,
    demo_database,
    map_page_scripts,
    map_script,
)
from tests.markdown import shown, shown_tables


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    return demo_database(tmp_path_factory.mktemp("followup") / "demo.sqlite")


def open_page(name: str, db_url: str, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("LOFTESKARTAN_DB", db_url)
    at = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=60)
    at.run()
    if name != "0_Oversikt":
        at.switch_page(f"pages/{name}.py")
        at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def texts(at: AppTest) -> str:
    return shown(
        " ".join(
            [m.value for m in at.markdown]
            + [c.value for c in at.caption]
            + [i.value for i in at.info]
        )
    )


def test_overview_shows_the_status_and_forecast_of_each_numbered_commitment(
    demo_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = open_page("0_Oversikt", demo_db, monkeypatch)
    markdown = " ".join(m.value for m in at.markdown)
    assert ":red-badge[Efter]" in markdown  # 9 of the 10 interventions
    assert markdown.count(":green-badge[I fas]") == 2  # the walks and the meetings
    assert "Löftesåret är slut: 9 av 10 blev klara, målet nåddes inte." in texts(at)
    assert "Jämn takt" in markdown  # the rule, in the expander


def test_overview_says_the_period_is_over_and_how_to_make_next_years_promise(
    demo_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The demo promise ended 2024-05-29; every day the suite runs is after it.
    at = open_page("0_Oversikt", demo_db, monkeypatch)

    (warning,) = [shown(w.value) for w in at.warning if "period slutade" in w.value]
    assert warning.startswith(
        "Medborgarlöftets period slutade 2024-05-29. Det finns inget medborgarlöfte för i dag"
    )
    assert "Gör nästa års löfte: med Nästa års löfte under Löftesredigering" in warning
    assert "lofteskartan init --promise FIL" in warning


def test_followup_lists_status_per_commitment_and_done_per_tertial(
    demo_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = open_page("5_Uppfoljning", demo_db, monkeypatch)
    # Static tables (st.table), so a commitment's whole text wraps instead of being cut.
    year, tertials = shown_tables(at)
    row = year[year["Aktivitet"].str.startswith("Polisen ska genomföra minst tio")].iloc[0]
    assert year["Aktivitet"].str.len().max() > 60  # whole sentences, not the first 25 characters
    assert (row["Gjort"], row["Kvar"], row["Läge"]) == (9, "1", "Efter")
    assert list(tertials.columns) == [
        "Aktivitet",
        "T2 2023 (maj–aug)",
        "T3 2023 (sep–dec)",
        "T1 2024 (jan–apr)",
        "T2 2024 (maj–aug)",
        "Hela året",
    ]
    assert (tertials.iloc[:, 1:5].sum(axis=1) == tertials["Hela året"]).all()


def test_followup_where_colours_central_areas_by_presence(
    demo_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = open_page("5_Uppfoljning", demo_db, monkeypatch)
    at.segmented_control(key="followup_section").set_value("Var har vi varit?").run()
    assert not at.exception, [e.value for e in at.exception]
    areas, sites = (d.value for d in at.dataframe)
    # Every demo presence is at the office or in the centre, both inside "Exempel: Centrum".
    assert areas.set_index("Centrumområde")["Timmar"].to_dict() == {
        "Exempel: Centrum": 120.0,
        "Exempel: Stationsområdet": 0.0,
    }
    assert list(sites["Plats"]) == [
        "Exempel: Kontrollplats norr",
        "Exempel: Kontrollplats väster",
        "Exempel: Kontrollplats söder",
    ]
    script = map_script(at)
    assert "Exempel: Centrum: 60 aktiviteter, 120 timmar" in script
    assert "#08519c" in script and "#f0f0f0" in script  # 50 h or more, and no presence
    assert "d3js.org" not in script


def test_followup_when_puts_activities_beside_incidents(
    demo_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = open_page("5_Uppfoljning", demo_db, monkeypatch)
    at.segmented_control(key="followup_section").set_value("När?").run()
    assert not at.exception, [e.value for e in at.exception]
    assert "110 aktiviteter" in texts(at) and "7 händelser från polisen.se" in texts(at)
    at.radio(key="when_scope").set_value("kommunen och grannkommunerna").run()
    assert "191 händelser från polisen.se" in texts(at)


def test_followup_indicators_show_the_trend_and_save_the_table(
    demo_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = open_page("5_Uppfoljning", demo_db, monkeypatch)
    at.segmented_control(key="followup_section").set_value("Kommunens indikatorer").run()
    assert not at.exception, [e.value for e in at.exception]
    assert [shown(m.label) for m in at.metric] == [
        "Skolnärvaro grundskolan",
        "ANDT: elever i åk 9 som använt narkotika",
    ] or sorted(shown(m.label) for m in at.metric) == sorted(
        ["Skolnärvaro grundskolan", "ANDT: elever i åk 9 som använt narkotika"]
    )
    assert "93,1 % i VT2024 (+0,5 sedan HT2023)" in texts(at)
    at.button[0].click().run()  # save the table as it is
    assert [shown(s.value) for s in at.success] == ["Sparat: 0 nya, 0 ändrade, 0 borttagna."]


def test_lagesbild_counts_types_per_month_and_warns_about_the_positions(
    demo_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = open_page("6_Lagesbild", demo_db, monkeypatch)
    assert "mittpunkt" in at.warning[0].value and "inte för gatukartan" in at.warning[0].value
    table = at.dataframe[0].value
    assert table.columns[0] == "2023-05" and table.columns[-1] == "Totalt"
    # 191 incidents and 2 night summaries in Aneby and its four neighbours that year.
    assert table["Totalt"].sum() == 193
    at.multiselect(key="situation_kommuner").set_value(["0604"]).run()
    assert at.dataframe[0].value["Totalt"].sum() == 7
    assert "Källa: Polismyndigheten (polisen.se)" in texts(at)


def test_heatmap_draws_a_surface_for_all_activities(
    demo_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = open_page("5_Varmekarta", demo_db, monkeypatch)
    assert "Flest:" in " ".join(h.proto.body for h in at.get("html"))
    script = map_script(at)
    assert "data:image/png;base64," in script and "imageOverlay" in script
    assert "94 aktiviteter med plats" in texts(at)
    # Leaflet and our own scripts, the Swedish names of the controls among them; no jQuery.
    assert map_page_scripts(at) == ["leaflet.js", "leaflet-setup.js"]


def test_heatmap_shows_counts_per_place_when_there_are_few_and_says_why(
    demo_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = open_page("5_Varmekarta", demo_db, monkeypatch)
    at.multiselect(key="heat_kinds").set_value([CommitmentKind.NARCOTICS_INTERVENTION]).run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.info[0].value.startswith("Bara 9 aktiviteter på 2 platser")
    script = map_script(at)
    assert "imageOverlay" not in script
    assert "lofteskartan-count" in script


def test_heatmap_shows_a_new_activity_on_the_next_visit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path}/demo.sqlite"
    store = Store(url)
    initialise(
        store, Actor("test"), [REPO_ROOT / "data" / "promises"], demo=True, now=SEED_YEAR_CLOCK
    )
    at = open_page("5_Varmekarta", url, monkeypatch)
    assert "94 aktiviteter med plats" in texts(at)
    drawn = map_script(at)
    at.run()
    assert map_script(at) == drawn  # nothing changed: the same map again
    with store.session(Actor("test")) as s:
        place = s.list_places()[0]
        start = datetime(2023, 10, 3, 18, tzinfo=STOCKHOLM)
        s.add_activity(
            Activity(CommitmentKind.PRESENCE, start, start + timedelta(hours=2), place_id=place.id)
        )
    store.dispose()
    at.run()
    assert "95 aktiviteter med plats" in texts(at)
    assert map_script(at) != drawn  # the surface is drawn anew, not the one kept from before


def test_heatmap_period_can_be_a_tertial_or_own_dates(
    demo_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = open_page("5_Varmekarta", demo_db, monkeypatch)
    period = at.selectbox(key="heat_period_2023-05-30")
    # The year, its four tertial slices, own dates.
    assert len(period.options) == 6 and period.options[-1] == "Egna datum"
    year = Period(date(2023, 5, 30), date(2024, 5, 29), "Löftesår 2023/2024")
    period.set_value(tertial_slices(year)[1]).run()  # T3 2023
    assert "aktiviteter med plats 2023-09-01 – 2023-12-31" in texts(at)
    period.select_index(5).run()  # own dates
    assert not at.exception
    assert at.date_input(key="heat_dates").value == (date(2023, 5, 30), date(2024, 5, 29))


# -- Polisområde: every promise of the police area side by side (issue 13) ---------------


@pytest.fixture(scope="module")
def two_areas_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The demo (Aneby) plus Tranås (same area) and Umeå (another area)."""
    url = demo_database(tmp_path_factory.mktemp("area") / "demo.sqlite")
    store = Store(url)
    try:
        with store.session(Actor("admin")) as s:
            for name, text in (("tranas", TRANAS_PROMISE_YAML), ("umea", UMEA_PROMISE_YAML)):
                doc, source = read_promise_upload(text.encode(), f"{name}.yaml")
                s.save_promise_document(doc, f"{name}.yaml", source)
    finally:
        store.dispose()
    return url


def test_the_area_page_shows_the_kommuner_of_the_area_side_by_side(
    two_areas_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = open_page("5_Polisomrade", two_areas_db, monkeypatch)
    assert not at.error, [e.value for e in at.error]

    (table,) = shown_tables(at)  # an HTML table: no data grid's code to wait for
    assert not at.dataframe
    assert list(table.columns) == ["Kommun", "Löftesår", "Aktivitet", "Mål", "Gjort", "Läge"]
    assert list(dict.fromkeys(table["Kommun"])) == ["Aneby kommun", "Tranås kommun"]
    aneby = table[table["Kommun"] == "Aneby kommun"]
    interventions = aneby[aneby["Aktivitet"].str.startswith("Polisen ska genomföra minst tio")]
    assert (interventions.iloc[0]["Gjort"], interventions.iloc[0]["Läge"]) == (9, "Efter")
    assert at.subheader[0].value == "Lokalpolisområde Höglandet"
    caption = shown(at.caption[0].value)
    assert "Aneby kommun Löftesår 2023/2024" in caption
    assert "Tranås kommun Löftesår 2024/2025" in caption
    (download,) = at.get("download_button")
    assert download.proto.label == "Ladda ned som CSV (Excel)"
    assert download.proto.disabled is False


def test_choosing_another_area_shows_only_its_promises(
    two_areas_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = open_page("5_Polisomrade", two_areas_db, monkeypatch)
    assert not at.error, [e.value for e in at.error]

    at.selectbox[-1].select("Lokalpolisområde Umeå").run()

    (table,) = shown_tables(at)
    assert set(table["Kommun"]) == {"Umeå kommun"}
