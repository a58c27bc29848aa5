"""Översikt and Uppföljning for a format 2 promise (AppTest): own kinds by name, the target
shapes' statuses and the rules that explain them."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from shapely.geometry import Point
from streamlit.testing.v1 import AppTest

from geo.installation.init import save_promise_upload
from geo.planning.use_cases import log_activity
from geo.records.kinds import CommitmentKind, FileKind
from geo.records.models import Activity, Actor, PlannedActivity
from geo.store import Session, Store
from tests.common import REPO_ROOT, local
from tests.markdown import shown, shown_tables

EXAMPLE = REPO_ROOT / "data" / "templates" / "exempel_format2.yaml"
ACTOR = Actor("test")


def example_database(path: Path, add: Callable[[Session], object]) -> str:
    """A SQLite database at `path` with the format 2 example promise and what `add` writes."""
    url = f"sqlite:///{path}"
    store = Store(url)
    try:
        store.create_or_upgrade()
        save_promise_upload(store, ACTOR, EXAMPLE.name, EXAMPLE.read_text(encoding="utf-8"))
        with store.session(ACTOR) as s:
            add(s)
    finally:
        store.dispose()
    return url


@pytest.fixture(scope="module")
def example_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    def log_two(s: Session) -> None:
        for kind, day in (
            (FileKind("grannsamverkan"), 4),
            (CommitmentKind.LOCAL_INFORMATION, 20),
        ):
            activity = Activity(
                kind,
                local(2025, 3, day, 18),
                local(2025, 3, day, 20),
                geometry=Point(500_500, 6_400_500),
            )
            log_activity(s, activity, "exempel-format2")

    return example_database(tmp_path_factory.mktemp("format2") / "format2.sqlite", log_two)


def open_page(path: str, db_url: str, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("LOFTESKARTAN_DB", db_url)
    at = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=60)
    at.run()
    if path:
        at.switch_page(path)
        at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def everything(at: AppTest) -> str:
    return shown(" ".join([m.value for m in at.markdown] + [c.value for c in at.caption]))


def test_overview_shows_own_kinds_parties_and_each_shapes_status(
    example_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = everything(open_page("", example_db, monkeypatch))
    assert "Grannsamverkan · Kommunen, Fastighetsägarna i exemplet" in text
    assert "Informationskväll om bedrägerier · Polisen, Kommunen" in text
    assert "Klar 2025-03-20." in text
    assert "mål: minst 1 per halvår" in text
    assert "Vid behov: 0 genomförda (inget antal att nå)." in text
    # The rules of the shapes the promise uses, in Swedish, beside the pace rule.
    rules = ("Klart senast ett datum.", "Mål per halvår, tertial eller period.", "Vid behov.")
    assert [rule for rule in rules if rule not in text] == []


def test_the_follow_up_page_marks_the_milestone_klar_and_states_its_rule(
    example_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = open_page("pages/5_Uppfoljning.py", example_db, monkeypatch)
    year = shown_tables(page)[0]
    status = dict(zip(year["Aktivitet"], year["Läge"], strict=True))
    assert status["Kommunen ska upplåta en lämplig lokal."] == "Klar"
    assert status["Trafikkontroller om önskemål uppkommer."] == "–"  # vid behov: no status
    assert "Klart senast ett datum." in everything(page)


def test_logga_and_the_planning_list_name_an_own_kind_by_its_namn(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    plan = PlannedActivity(
        FileKind("grannsamverkan"), local(2025, 12, 30, 18), local(2025, 12, 30, 20)
    )
    url = example_database(
        tmp_path / "planned.sqlite", lambda s: s.add_planned(plan, document_id="exempel-format2")
    )

    logga = open_page("pages/4_Logga.py", url, monkeypatch)
    picked = logga.selectbox(key="ql_plan")
    assert any("Grannsamverkan" in option for option in picked.options)
    assert "grannsamverkan" not in " ".join(picked.options)

    planning = open_page("pages/3_Planering.py", url, monkeypatch)
    planning.radio(key="plan_view").set_value("Lista").run()
    kinds = list(planning.dataframe[0].value["Typ"])
    assert kinds == ["Grannsamverkan"]
