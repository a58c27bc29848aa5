"""Every view of the planning and log pages renders on demo data (AppTest), and saves work."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from geo.records.kinds import CommitmentKind
from geo.records.models import Actor
from geo.store import Store
from tests.common import REPO_ROOT, demo_database, plan_field
from tests.markdown import shown

PLANERING = REPO_ROOT / "pages" / "3_Planering.py"
LOGGA = REPO_ROOT / "pages" / "4_Logga.py"


@pytest.fixture
def demo_db(tmp_path: Path) -> str:
    return demo_database(tmp_path / "demo.sqlite")


def open_page(page: Path, db_url: str, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("LOFTESKARTAN_DB", db_url)
    at = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=90)
    at.run()
    at.switch_page(str(page.relative_to(REPO_ROOT)))
    at.run()
    return at


def show(at: AppTest, key: str, view: str) -> AppTest:
    at.radio(key=key).set_value(view)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    return at


@pytest.mark.parametrize(
    "view", ["Kalender", "Lista", "Karta", "Planera", "Slumpad närvaro", "Publicera"]
)
def test_every_planning_view_renders(
    view: str, demo_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    show(open_page(PLANERING, demo_db, monkeypatch), "plan_view", view)


@pytest.mark.parametrize("view", ["Snabblogg", "Iakttagelser", "Kommunens siffror"])
def test_every_log_view_renders(view: str, demo_db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    show(open_page(LOGGA, demo_db, monkeypatch), "log_view", view)


def count(db_url: str, table: str) -> int:
    store = Store(db_url)
    try:
        with store.session(Actor("test")) as s:
            return s.count(table)
    finally:
        store.dispose()


def plan_from(db_url: str, monkeypatch: pytest.MonkeyPatch, repeat: str, first: date) -> AppTest:
    """Planering's form, repeating `repeat` ("En gång", "Varje vecka"...) from `first`."""
    at = show(open_page(PLANERING, db_url, monkeypatch), "plan_view", "Planera")
    at.radio(key=plan_field(at, "repeat")).set_value(repeat).run()
    at.date_input(key=plan_field(at, "day")).set_value(first).run()
    return at


def test_a_monthly_rule_is_previewed_and_saved_with_its_occurrences(
    demo_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = plan_from(demo_db, monkeypatch, "Varje månad", date(2024, 2, 1))
    at.selectbox(key=plan_field(at, "weekday")).set_value(3).run()  # torsdag
    preview = shown(" ".join(i.value for i in at.info))
    # The last day defaulted to the year's last (29 May), not twelve weeks past it.
    assert "Första torsdagen i månaden kl. 13–15, 1 februari – 29 maj 2024" in preview
    assert "**4 tillfällen.**" in preview  # ours: bold, not escaped
    before = count(demo_db, "planned_activities")
    at.button(key=plan_field(at, "save")).click().run()
    assert not at.exception and not at.error
    assert count(demo_db, "planned_activities") == before + 4
    assert count(demo_db, "recurrence_rules") == 1
    assert "4 tillfällen planerade" in shown(" ".join(s.value for s in at.success))


def test_a_weekly_rule_skips_a_holiday_and_ends_by_default_with_the_year(
    demo_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = plan_from(demo_db, monkeypatch, "Varje vecka", date(2024, 5, 2))
    at.multiselect(key=plan_field(at, "weekdays")).set_value([3]).run()  # torsdag
    preview = shown(" ".join(i.value for i in at.info))
    assert "Varje torsdag kl. 13–15, 2 maj – 29 maj 2024" in preview  # not past the year
    assert "**3 tillfällen.**" in preview
    assert "2024-05-09 (Kristi himmelfärdsdag)" in shown(" ".join(c.value for c in at.caption))


def test_a_traffic_control_after_the_promise_year_is_refused_and_not_saved(
    demo_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The demo promise ended 2024-05-29: a control "next week" was saved and shown nowhere.
    at = plan_from(demo_db, monkeypatch, "En gång", date(2024, 6, 4))
    at.selectbox(key=plan_field(at, "kind")).set_value(CommitmentKind.TRAFFIC_CONTROL).run()
    before = count(demo_db, "planned_activities")
    at.button(key=plan_field(at, "save")).click().run()
    assert not at.exception and not at.success
    (error,) = [shown(e.value) for e in at.error]
    assert error.startswith(
        "2024-06-04 ligger efter medborgarlöftets period (2023-05-30 – 2024-05-29) och skulle "
        "inte räknas i någon uppföljning. Gör nästa års löfte"
    )
    assert count(demo_db, "planned_activities") == before


def test_a_bad_outcome_is_shown_and_nothing_is_logged(
    demo_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = show(open_page(LOGGA, demo_db, monkeypatch), "log_view", "Snabblogg")
    at.radio(key="ql_mode").set_value("Oplanerad").run()
    at.selectbox(key="ql_kind").set_value(CommitmentKind.NARCOTICS_INTERVENTION).run()
    at.number_input(key="ql_narkotikainsats_misstankta_narkotikabrott").set_value(1).run()
    at.number_input(key="ql_narkotikainsats_varav_unga").set_value(2).run()
    before = count(demo_db, "activities")
    at.button(key="ql_save").click().run()
    assert "varav unga (2) kan inte vara fler än misstänkta narkotikabrott (1)" in shown(
        at.error[0].value
    )
    assert count(demo_db, "activities") == before


def test_the_quick_log_refuses_no_place_for_a_kind_that_needs_one(
    demo_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = show(open_page(LOGGA, demo_db, monkeypatch), "log_view", "Snabblogg")
    at.radio(key="ql_mode").set_value("Oplanerad").run()
    at.selectbox(key="ql_kind").set_value(CommitmentKind.PRESENCE).run()
    place = at.selectbox(key="ql_place_närvaro")
    assert place.value is None  # "Ingen plats" is offered first
    before = count(demo_db, "activities")
    at.button(key="ql_save").click().run()
    assert [shown(e.value) for e in at.error] == ["Närvaro behöver en plats: välj var den gjordes."]
    assert count(demo_db, "activities") == before
    at.selectbox(key="ql_place_närvaro").select_index(1).run()
    at.button(key="ql_save").click().run()
    assert not at.exception and not at.error
    assert count(demo_db, "activities") == before + 1


def test_a_saved_plan_clears_the_form_and_the_same_plan_again_is_refused(
    demo_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = plan_from(demo_db, monkeypatch, "En gång", date(2024, 3, 5))
    at.selectbox(key=plan_field(at, "kind")).set_value(CommitmentKind.TRAFFIC_CONTROL).run()
    at.text_input(key=plan_field(at, "team")).input("Trafikgruppen").run()
    before = count(demo_db, "planned_activities")
    at.button(key=plan_field(at, "save")).click().run()
    assert not at.error, [e.value for e in at.error]
    assert count(demo_db, "planned_activities") == before + 1
    # The form is fresh: its kind, team and date are the defaults again.
    assert at.text_input(key=plan_field(at, "team")).value == ""
    assert at.selectbox(key=plan_field(at, "kind")).value != CommitmentKind.TRAFFIC_CONTROL

    at.selectbox(key=plan_field(at, "kind")).set_value(CommitmentKind.TRAFFIC_CONTROL).run()
    at.date_input(key=plan_field(at, "day")).set_value(date(2024, 3, 5)).run()
    at.button(key=plan_field(at, "save")).click().run()
    (error,) = [shown(e.value) for e in at.error]
    assert "är redan planerad" in error and "Inget sparades" in error
    assert count(demo_db, "planned_activities") == before + 1


def test_logga_offers_an_overdue_plan_of_the_chosen_year_to_log(
    demo_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Logga offered only plans starting within 24 hours: last week's control could not be
    # logged. The demo's year is over, so a plan in it not yet logged is overdue.
    at = plan_from(demo_db, monkeypatch, "En gång", date(2024, 3, 5))
    at.selectbox(key=plan_field(at, "kind")).set_value(CommitmentKind.TRAFFIC_CONTROL).run()
    at.button(key=plan_field(at, "save")).click().run()
    assert not at.error, [e.value for e in at.error]

    at = show(open_page(LOGGA, demo_db, monkeypatch), "log_view", "Snabblogg")
    offered = at.selectbox(key="ql_plan")
    assert "Försenad: tis 2024-03-05 13:00–15:00 · Trafikkontroll" in offered.options
    assert all(o.startswith("Försenad: ") for o in offered.options)
