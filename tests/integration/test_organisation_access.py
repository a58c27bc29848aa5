"""Users belong to an organisation that says which (issue 13).

A kommun user (`kommun:0687`) sees and changes only the promises of its own kommun; a police
area user (`polis:Lokalpolisområde Höglandet`) sees every kommun of the area. The bare
`kommun` / `polis` of earlier users files keeps working while one kommun is stored, and is
refused with a message that says how to write it once there are two. Runs on SQLite and
PostGIS (the `store` fixture starts with Aneby's promise; Tranås's is added here).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from geo.cli import main
from geo.disclosure.audience import Audience, ExportRequest
from geo.errors import PermissionDenied
from geo.exports.make import load_export_data
from geo.installation.init import read_promise_upload
from geo.records.kinds import CommitmentKind
from geo.records.models import STOCKHOLM, Activity, Actor
from geo.signin.users import find_user
from geo.store import Store
from geo.store import schema as t
from tests.common import TRANAS_PROMISE_YAML, add_user_in_process

ANEBY = "aneby-2023-2024"
TRANAS = "tranas-2024-2025"
TRANAS_PLANNER = Actor("lisa@tranas.se", role="planner", organisation="kommun:0687")
ANEBY_PLANNER = Actor("kalle@aneby.se", role="planner", organisation="kommun:0604")
HOGLANDET = Actor(
    "anna@polisen.se", role="planner", organisation="polis:Lokalpolisområde Höglandet"
)
OTHER_AREA = Actor("per@polisen.se", role="planner", organisation="polis:Lokalpolisområde Umeå")
START = datetime(2024, 4, 5, 20, tzinfo=STOCKHOLM)


def _presence() -> Activity:
    """A presence in centrum (a kind both promises have)."""
    return Activity(CommitmentKind.PRESENCE, START, START + timedelta(hours=2))


def _with_tranas(store: Store) -> Store:
    """Add Tranås's promise (same police area as Aneby) to the store."""
    doc, text = read_promise_upload(TRANAS_PROMISE_YAML.encode(), f"{TRANAS}.yaml")
    with store.session(Actor("admin")) as s:
        s.save_promise_document(doc, f"{TRANAS}.yaml", text)
    return store


def _activities_of(store: Store, document_id: str) -> int:
    """How many activities are stored for this promise (read straight from the table)."""
    query = select(func.count()).select_from(t.activities)
    with store.engine.connect() as conn:
        return int(conn.scalar(query.where(t.activities.c.document_id == document_id)) or 0)


def _ids(store: Store, actor: Actor) -> list[str]:
    with store.session(actor) as s:
        return sorted(d.id for d in s.promise_documents())


def test_a_kommun_user_sees_only_the_promise_of_its_own_kommun(store: Store) -> None:
    _with_tranas(store)

    assert _ids(store, TRANAS_PLANNER) == [TRANAS]
    assert _ids(store, ANEBY_PLANNER) == [ANEBY]
    with store.session(TRANAS_PLANNER) as s:
        assert s.promise_document().id == TRANAS  # the only one it works on, without an id


def test_a_kommun_user_asking_for_another_kommuns_promise_is_refused_in_swedish(
    store: Store,
) -> None:
    _with_tranas(store)

    with store.session(TRANAS_PLANNER) as s, pytest.raises(PermissionDenied) as refused:
        s.promise_document(ANEBY)

    assert str(refused.value) == (
        "Du (lisa@tranas.se, Kommunen 0687) arbetar inte med medborgarlöftet aneby-2023-2024 "
        "(Aneby kommun, Lokalpolisområde Höglandet) och kan inte se eller ändra det."
    )


def test_a_kommun_user_cannot_log_an_activity_in_another_kommuns_promise(store: Store) -> None:
    _with_tranas(store)

    with store.session(TRANAS_PLANNER) as s, pytest.raises(PermissionDenied):
        s.add_activity(_presence(), document_id=ANEBY)
    with store.session(TRANAS_PLANNER) as s, pytest.raises(PermissionDenied):
        s.add_activities_bulk([_presence(), _presence()], document_id=ANEBY)

    assert _activities_of(store, ANEBY) == 0
    with store.session(TRANAS_PLANNER) as s:
        s.add_activity(_presence(), document_id=TRANAS)
    assert _activities_of(store, TRANAS) == 1


def test_a_kommun_user_cannot_export_another_kommuns_promise(store: Store) -> None:
    _with_tranas(store)
    request = ExportRequest(
        Audience.INTERNAL,
        date(2024, 1, 1),
        date(2024, 4, 30),
        datetime(2024, 5, 2, 9, tzinfo=STOCKHOLM),
        document_id=ANEBY,
    )

    with pytest.raises(PermissionDenied):
        load_export_data(store, TRANAS_PLANNER, request)

    assert load_export_data(store, ANEBY_PLANNER, request).document.id == ANEBY


def test_a_kommun_administrator_cannot_replace_another_kommuns_promise_file(
    store: Store,
) -> None:
    doc, text = read_promise_upload(TRANAS_PROMISE_YAML.encode(), f"{TRANAS}.yaml")
    aneby_admin = Actor("admin@aneby.se", role="admin", organisation="kommun:0604")

    with store.session(aneby_admin) as s, pytest.raises(PermissionDenied):
        s.save_promise_document(doc, f"{TRANAS}.yaml", text)

    assert _ids(store, Actor("operatör")) == [ANEBY]


def test_a_police_area_user_sees_every_kommun_of_its_area_and_no_other(store: Store) -> None:
    _with_tranas(store)

    assert _ids(store, HOGLANDET) == [ANEBY, TRANAS]
    assert _ids(store, OTHER_AREA) == []
    with store.session(OTHER_AREA) as s, pytest.raises(PermissionDenied):
        s.promise_document(TRANAS)


def test_a_bare_organisation_keeps_working_while_one_kommun_is_stored(store: Store) -> None:
    for organisation in ("kommun", "polis"):
        actor = Actor("gammal", role="planner", organisation=organisation)
        with store.session(actor) as s:
            s.require_named_organisation()
            assert [d.id for d in s.promise_documents()] == [ANEBY]


def test_a_bare_kommun_is_refused_once_two_kommuner_are_stored_naming_user_and_kommuner(
    store: Store,
) -> None:
    _with_tranas(store)
    bare = Actor("gammal@aneby.se", role="planner", organisation="kommun")

    with store.session(bare) as s, pytest.raises(PermissionDenied) as refused:
        s.promise_documents()
    with store.session(bare) as s, pytest.raises(PermissionDenied):
        s.add_activity(_presence(), document_id=ANEBY)

    message = str(refused.value)
    assert message.startswith('Användaren gammal@aneby.se har organisationen "kommun"')
    assert "Aneby kommun (0604), Tranås kommun (0687)" in message
    assert "kommun:KOD (t.ex. kommun:0604)" in message
    assert _activities_of(store, ANEBY) == 0


def test_a_signed_in_bare_polis_is_refused_once_two_kommuner_are_stored(store: Store) -> None:
    _with_tranas(store)
    bare = Actor("anna@polisen.se", role="planner", organisation="polis")

    with store.session(bare) as s, pytest.raises(PermissionDenied) as refused:
        s.require_named_organisation()

    assert "polis:LOKALPOLISOMRÅDE" in str(refused.value)


def test_users_add_with_a_kommun_code_is_stored_and_signs_in_as_that_kommun(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    users = tmp_path / "users.json"
    added = add_user_in_process(monkeypatch, tmp_path / "db.sqlite", users, "kommun:0682")
    assert main(["users", "list"]) == 0

    assert added == 0
    said = capsys.readouterr().out
    assert "Användaren lisa (planerare, Kommunen 0682) lades till" in said
    assert "kommun:0682" in said.splitlines()[-1]
    user = find_user(users, "lisa")
    assert user is not None
    assert user.actor().organisation == "kommun:0682"


def test_users_add_refuses_a_kommun_without_a_four_digit_code(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    users = tmp_path / "users.json"

    code = add_user_in_process(monkeypatch, tmp_path / "db.sqlite", users, "kommun:Nässjö")

    assert code != 0
    assert not users.exists()
