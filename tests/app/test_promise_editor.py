"""Löftesredigering (Streamlit AppTest): a promise made without YAML, saved, downloaded and
uploaded again unchanged; every field's mistake told in Swedish under the field."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from geo.installation.init import read_promise_upload, save_promise_upload
from geo.records.kinds import CommitmentKind
from geo.records.models import Actor
from geo.records.promise import Responsible, TargetRule
from geo.store import Session, Store
from tests.common import demo_database, open_app_page
from tests.markdown import shown

ADMIN = Actor("test")


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return demo_database(tmp_path / "demo.sqlite")


def editor(db_url: str, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    at: AppTest = open_app_page(db_url, monkeypatch, "pages/8_Loftesredigering.py")
    return at


@contextmanager
def stored(db_url: str) -> Iterator[Session]:
    """A session on the database the page wrote to."""
    store = Store(db_url)
    try:
        with store.session(ADMIN) as s:
            yield s
    finally:
        store.dispose()


def key(at: AppTest, path: str) -> str:
    return f"ed{at.session_state['editor_generation']}:{path}"


def fill_new_promise(at: AppTest) -> None:
    """Eksjö's promise for 2025: one löfte, one meeting commitment, at least four."""
    at.button(key="editor_new").click().run()
    at.text_input(key=key(at, "id")).input("eksjo-2025")
    at.text_input(key=key(at, "titel")).input("Medborgarlöfte i Eksjö kommun 2025")
    at.selectbox(key=key(at, "kommun.kod")).set_value("0686")
    at.text_input(key=key(at, "polis.område")).input("Lokalpolisområde Höglandet")
    at.date_input(key=key(at, "undertecknat")).set_value(date(2025, 1, 15))
    at.date_input(key=key(at, "period.från")).set_value(date(2025, 1, 1))
    at.date_input(key=key(at, "period.till")).set_value(date(2025, 12, 31))
    at.selectbox(key=key(at, "uppföljningsår")).set_value("kalenderår")
    at.number_input(key=key(at, "löften#antal")).set_value(1)
    at.number_input(key=key(at, "aktiviteter#antal")).set_value(1).run()
    at.text_input(key=key(at, "löften[1].id")).input("trygghet")
    at.text_input(key=key(at, "löften[1].titel")).input("Öka tryggheten i centrum.").run()
    at.text_input(key=key(at, "aktiviteter[1].id")).input("samverkan")
    at.selectbox(key=key(at, "aktiviteter[1].typ")).set_value("samverkansmöte")
    at.multiselect(key=key(at, "aktiviteter[1].ansvarig")).set_value(["polis", "kommun"])
    at.text_area(key=key(at, "aktiviteter[1].text")).input("Minst fyra samverkansmöten.")
    at.selectbox(key=key(at, "aktiviteter[1].mål")).set_value("minst").run()
    at.number_input(key=key(at, "aktiviteter[1].mål.minst")).set_value(4).run()


def test_a_new_promise_is_saved_and_its_download_uploads_again_unchanged(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = editor(db_url, monkeypatch)
    fill_new_promise(at)
    at.button(key="editor_save").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    assert [b.proto.label for b in at.get("download_button")] == ["Ladda ned"]
    name, downloaded = at.session_state["editor_saved"]  # what the button serves
    with stored(db_url) as s:
        saved = s.promise_document("eksjo-2025")
        assert s.promise_source("eksjo-2025") == (name, downloaded)
    assert (saved.kommun_name, saved.kommunkod) == ("Eksjö kommun", "0686")
    (meetings,) = saved.commitments
    assert meetings.kind is CommitmentKind.COORDINATION_MEETING
    assert meetings.responsible is Responsible.BOTH and meetings.promise_id == "trygghet"
    assert meetings.target is not None
    assert (meetings.target.rule, meetings.target.count) == (TargetRule.AT_LEAST, 4)
    # Uploaded again in Administration, the downloaded file is the same promise, unchanged.
    uploaded, text = read_promise_upload(downloaded.encode("utf-8"), name)
    assert uploaded == saved
    store = Store(db_url)
    try:
        lines = save_promise_upload(store, ADMIN, name, text)
    finally:
        store.dispose()
    assert lines[0] == "Medborgarlöftet eksjo-2025 (Eksjö kommun) är redan inläst."
    with stored(db_url) as s:
        assert s.promise_source("eksjo-2025") == (name, downloaded)


def test_each_field_says_what_is_wrong_in_swedish_and_nothing_is_saved(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = editor(db_url, monkeypatch)
    fill_new_promise(at)
    at.text_input(key=key(at, "id")).input("Eksjö 2025")
    at.text_input(key=key(at, "titel")).input("")
    at.date_input(key=key(at, "period.till")).set_value(date(2024, 12, 31))
    at.text_area(key=key(at, "aktiviteter[1].text")).input("")
    at.number_input(key=key(at, "aktiviteter[1].mål.minst")).set_value(-1)
    at.number_input(key=key(at, "typer#antal")).set_value(1).run()
    at.text_input(key=key(at, "typer[1].id")).input("närvaro")
    at.text_input(key=key(at, "typer[1].namn")).input("Närvaro igen")
    at.button(key="editor_save").click().run()
    assert not at.exception, [e.value for e in at.exception]
    # In the form's order, each under its field, and the refusal by the button last.
    assert [shown(e.value) for e in at.error] == [
        '"Eksjö 2025" är inget giltigt id: använd små bokstäver a–z, siffror, - och _',
        "får inte vara tom",  # titel
        "perioden slutar (2024-12-31) före den börjar (2025-01-01)",
        'typen "närvaro" finns redan',
        "får inte vara tom",  # the commitment's text
        "målet får inte vara negativt",
        "Inget sparades: rätta fälten som är markerade ovan.",
    ]
    assert "editor_saved" not in at.session_state
    with stored(db_url) as s:
        assert "eksjo-2025" not in {d.id for d in s.promise_documents()}


def test_next_years_promise_is_made_from_the_chosen_one_and_saved(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = editor(db_url, monkeypatch)
    at.selectbox(key="editor_source").set_value("aneby-2023-2024").run()
    at.button(key="editor_next").click().run()
    assert at.text_input(key=key(at, "id")).value == "aneby-2024-2025"
    assert at.date_input(key=key(at, "period.från")).value == date(2024, 5, 30)
    assert at.number_input(key=key(at, "aktiviteter#antal")).value == 10
    at.date_input(key=key(at, "undertecknat")).set_value(date(2024, 5, 20))
    at.button(key="editor_save").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    with stored(db_url) as s:
        new = s.promise_document("aneby-2024-2025")
        old = s.promise_document("aneby-2023-2024")
    assert new.signed_on == date(2024, 5, 20)
    assert [c.id for c in new.commitments] == [c.id for c in old.commitments]


def test_after_the_period_oversikt_offers_next_years_promise_in_the_editor(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The demo promise ended 2024-05-29: Översikt says so and offers the way on.
    at: AppTest = open_app_page(db_url, monkeypatch, "pages/0_Oversikt.py")
    at.button(key="oversikt_next_year").click().run()

    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == "Löftesredigering"
    assert at.text_input(key=key(at, "id")).value == "aneby-2024-2025"
    assert at.date_input(key=key(at, "period.från")).value == date(2024, 5, 30)
    with stored(db_url) as s:  # nothing is stored before the planner saves
        assert "aneby-2024-2025" not in {d.id for d in s.promise_documents()}
