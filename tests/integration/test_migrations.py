"""Upgrading the schema keeps every row, and a failed upgrade changes nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import Connection, inspect, text

from geo.errors import SchemaError
from geo.records.models import Actor, Place, PlaceKind
from geo.records.promise_file import load_promise_file
from geo.store import Store, schema
from geo.store.migrations import MIGRATIONS
from tests.common import ANEBY_PROMISE, SQUARE_100M

ADMIN = Actor("test")
CURRENT = schema.SCHEMA_VERSION
NEXT = CURRENT + 1


@pytest.fixture
def current_store(db_url: str) -> Store:
    """A database at this program's schema version, with one place."""
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
    current_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(schema, "SCHEMA_VERSION", NEXT)
    monkeypatch.setitem(MIGRATIONS, NEXT, _add_priority_column)

    message = current_store.create_or_upgrade()

    assert message == f"Databasen uppgraderades från schemaversion {CURRENT} till {NEXT}."
    assert current_store.schema_version() == NEXT
    with current_store.engine.connect() as conn:
        rows = conn.execute(text("SELECT name, priority FROM places")).all()
    assert [tuple(r) for r in rows] == [("Torget", 0)]


def test_a_failing_upgrade_step_leaves_the_database_at_the_old_version(
    current_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(schema, "SCHEMA_VERSION", NEXT)
    monkeypatch.setitem(MIGRATIONS, NEXT, _broken_step)

    with pytest.raises(RuntimeError):
        current_store.create_or_upgrade()

    assert current_store.schema_version() == CURRENT
    with current_store.engine.connect() as conn:
        columns = [c for c in conn.execute(text("SELECT * FROM places")).keys()]
    assert "half_done" not in columns


def test_an_older_program_refuses_a_database_from_a_newer_one(
    current_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(schema, "SCHEMA_VERSION", CURRENT - 1)
    with pytest.raises(SchemaError, match=f"schemaversion {CURRENT}"):
        current_store.create_or_upgrade()


def test_a_database_made_before_a_table_was_added_to_version_1_gets_it_on_init(
    current_store: Store,
) -> None:
    # Version 1 is unreleased: the developers' databases predate finding_photos.
    with current_store.engine.begin() as conn:
        conn.execute(text("DROP TABLE finding_photos"))

    message = current_store.create_or_upgrade()

    assert message == f"Databasen är redan aktuell (schemaversion {CURRENT})."
    with current_store.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM finding_photos")).scalar() == 0
        assert conn.execute(text("SELECT name FROM places")).scalars().all() == ["Torget"]


def _back_to_version_1(store: Store) -> None:
    """Make the database as version 1 left it: places without a kommun."""
    with store.engine.begin() as conn:
        conn.execute(text("DROP INDEX ix_places_kommunkod"))
        conn.execute(text("ALTER TABLE places DROP COLUMN kommunkod"))
        conn.execute(text("UPDATE meta SET value = '1' WHERE key = 'schema_version'"))


def _store_aneby_promise(store: Store) -> None:
    with store.session(ADMIN) as s:
        s.save_promise_document(
            load_promise_file(ANEBY_PROMISE), ANEBY_PROMISE.name, ANEBY_PROMISE.read_text()
        )


def _place_names(store: Store, kommunkod: str) -> list[str]:
    with store.session(ADMIN) as s:
        return [p.name for p in s.list_places(kommunkod=kommunkod)]


def test_the_upgrade_to_version_2_gives_existing_places_the_kommun_of_the_only_promise(
    current_store: Store,
) -> None:
    _store_aneby_promise(current_store)
    _back_to_version_1(current_store)

    message = current_store.create_or_upgrade()

    assert message == f"Databasen uppgraderades från schemaversion 1 till {CURRENT}."
    assert _place_names(current_store, "0604") == ["Torget"]


def test_a_version_1_database_made_before_a_table_was_added_gets_it_on_upgrade(
    current_store: Store,
) -> None:
    _back_to_version_1(current_store)
    with current_store.engine.begin() as conn:
        conn.execute(text("DROP TABLE finding_photos"))

    current_store.create_or_upgrade()

    with current_store.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM finding_photos")).scalar() == 0


def test_a_place_stored_before_any_promise_gets_the_kommun_of_the_first_promise_stored(
    current_store: Store,
) -> None:
    assert _place_names(current_store, "0604") == []

    _store_aneby_promise(current_store)

    assert _place_names(current_store, "0604") == ["Torget"]


def test_a_database_made_before_the_per_promise_indexes_gets_them_on_init(
    current_store: Store,
) -> None:
    # The index that keeps one promise's counts quick among ten promises (issue 13) is
    # SQLite's covering index or PostGIS's (document_id, start_at); create_all alone never
    # adds an index to a table that exists.
    name = (
        "ix_activities_counts"
        if current_store.backend == "sqlite"
        else ("ix_activities_document_start")
    )
    with current_store.engine.begin() as conn:
        conn.execute(text(f"DROP INDEX {name}"))

    current_store.create_or_upgrade()

    indexes = {ix["name"] for ix in inspect(current_store.engine).get_indexes("activities")}
    assert name in indexes
    with current_store.session(ADMIN) as s:
        assert [p.name for p in s.list_places()] == ["Torget"]  # nothing else changed
