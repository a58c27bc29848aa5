"""Upgrading the schema keeps every row, and a failed upgrade changes nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import Connection, text

from geo.errors import SchemaError
from geo.records.models import Actor, Place, PlaceKind
from geo.store import Store, schema
from geo.store.migrations import MIGRATIONS
from tests.common import SQUARE_100M

ADMIN = Actor("test")


@pytest.fixture
def version_1_store(db_url: str) -> Store:
    store = Store(db_url)
    store.create_or_upgrade()
    with store.session(ADMIN) as s:
        s.add_place(Place(PlaceKind.CENTRAL_AREA, "Torget", SQUARE_100M))
    return store


def _add_priority_column(conn: Connection) -> None:
    conn.execute(text("ALTER TABLE places ADD COLUMN priority INTEGER DEFAULT 0"))


def _broken_step(conn: Connection) -> None:
    conn.execute(text("ALTER TABLE places ADD COLUMN half_done INTEGER"))
    raise RuntimeError("the step fails half-way")


def test_an_upgrade_runs_the_missing_step_and_keeps_every_row(
    version_1_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(schema, "SCHEMA_VERSION", 2)
    monkeypatch.setitem(MIGRATIONS, 2, _add_priority_column)

    message = version_1_store.create_or_upgrade()

    assert message == "Databasen uppgraderades från schemaversion 1 till 2."
    assert version_1_store.schema_version() == 2
    with version_1_store.engine.connect() as conn:
        rows = conn.execute(text("SELECT name, priority FROM places")).all()
    assert [tuple(r) for r in rows] == [("Torget", 0)]


def test_a_failing_upgrade_step_leaves_the_database_at_the_old_version(
    version_1_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(schema, "SCHEMA_VERSION", 2)
    monkeypatch.setitem(MIGRATIONS, 2, _broken_step)

    with pytest.raises(RuntimeError):
        version_1_store.create_or_upgrade()

    assert version_1_store.schema_version() == 1
    with version_1_store.engine.connect() as conn:
        columns = [c for c in conn.execute(text("SELECT * FROM places")).keys()]
    assert "half_done" not in columns


def test_an_older_program_refuses_a_database_from_a_newer_one(
    version_1_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(schema, "SCHEMA_VERSION", 0)
    with pytest.raises(SchemaError, match="schemaversion 1"):
        version_1_store.create_or_upgrade()


def test_a_database_made_before_a_table_was_added_to_version_1_gets_it_on_init(
    version_1_store: Store,
) -> None:
    # Version 1 is unreleased: the developers' databases predate finding_photos.
    with version_1_store.engine.begin() as conn:
        conn.execute(text("DROP TABLE finding_photos"))

    message = version_1_store.create_or_upgrade()

    assert message == "Databasen är redan aktuell (schemaversion 1)."
    with version_1_store.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM finding_photos")).scalar() == 0
        assert conn.execute(text("SELECT name FROM places")).scalars().all() == ["Torget"]
