"""A second writer during a long import: it waits, then gets a Swedish message, never SQL.

Two real processes: this test holds the write lock on a real SQLite file (or a table lock
on a real PostGIS database) while `python -m geo import activities` runs in a subprocess.
The busy timeout is shortened with LOFTESKARTAN_DB_BUSY_SECONDS so the test takes seconds.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
import time

import psycopg
import pytest
from sqlalchemy.engine import make_url

from geo.errors import DatabaseBusy
from geo.records.kinds import Classification
from geo.records.models import Actor, Place, PlaceKind
from geo.store import Store
from tests.common import REPO_ROOT, SQUARE_100M

TEMPLATE = REPO_ROOT / "data" / "templates" / "aktiviteter.csv"
ACTOR = Actor("test")
BUSY_MESSAGE = "Databasen används av en annan import just nu. Försök igen om en stund."


pytestmark = pytest.mark.store_starts("demo")


def import_in_subprocess(db_url: str, busy_seconds: float) -> subprocess.CompletedProcess[str]:
    env = os.environ | {
        "LOFTESKARTAN_DB": db_url,
        "LOFTESKARTAN_DB_BUSY_SECONDS": str(busy_seconds),
        "PYTHONPATH": str(REPO_ROOT),
    }
    return subprocess.run(
        [sys.executable, "-m", "geo", "import", "activities", str(TEMPLATE)],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        check=False,
    )


def activity_count(store: Store) -> int:
    with store.session(ACTOR) as s:
        return s.count("activities")


class _Lock:
    """Another writer: holds SQLite's write lock or an exclusive lock on PostgreSQL's table."""

    def __init__(self, store: Store, table: str = "activities") -> None:
        self.store = store
        if store.backend == "sqlite":
            assert store.sqlite_path is not None
            self.sqlite = sqlite3.connect(
                store.sqlite_path, isolation_level=None, check_same_thread=False
            )
            self.sqlite.execute("BEGIN IMMEDIATE")
        else:
            url = make_url(store.url).set(drivername="postgresql")
            self.pg = psycopg.connect(url.render_as_string(hide_password=False))
            self.pg.execute(f"LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE")

    def release(self) -> None:
        if self.store.backend == "sqlite":
            self.sqlite.execute("ROLLBACK")
            self.sqlite.close()
        else:
            self.pg.rollback()
            self.pg.close()


def test_an_import_behind_a_lock_held_too_long_exits_2_in_swedish_and_writes_nothing(
    store: Store, db_url: str
) -> None:
    before = activity_count(store)
    lock = _Lock(store)
    try:
        started = time.monotonic()
        result = import_in_subprocess(db_url, busy_seconds=1)
        waited = time.monotonic() - started
    finally:
        lock.release()
    assert result.returncode == 2, result.stderr
    # The command names its promise first; then the one error line, in Swedish.
    *named, error = result.stderr.strip().splitlines()
    assert error == f"Fel: {BUSY_MESSAGE}"
    assert all(line.startswith("Medborgarlöfte: ") for line in named)
    assert "Traceback" not in result.stderr and "SELECT" not in result.stderr
    assert waited >= 1, "the second writer waited for the lock before giving up"
    assert activity_count(store) == before


def test_an_import_waits_for_a_lock_released_within_the_busy_timeout(
    store: Store, db_url: str
) -> None:
    before = activity_count(store)
    lock = _Lock(store)
    # The other writer finishes after a second, well inside the 60 s the import waits.
    timer = threading.Timer(1.0, lock.release)
    timer.start()
    try:
        result = import_in_subprocess(db_url, busy_seconds=60)
    finally:
        timer.join()
    assert result.returncode == 0, result.stderr
    assert activity_count(store) == before + 6


def test_the_store_raises_database_busy_for_the_app_with_nothing_written(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # What a page sees: a LofteskartanError with the Swedish message (pages show str(exc)).
    monkeypatch.setenv("LOFTESKARTAN_DB_BUSY_SECONDS", "0.5")
    store = Store(db_url)
    store.create_or_upgrade()
    lock = _Lock(store, "places")
    try:
        with pytest.raises(DatabaseBusy) as busy, store.session(ACTOR) as s:
            s.add_place(Place(PlaceKind.CENTRAL_AREA, "Torget", SQUARE_100M, Classification.OPEN))
    finally:
        lock.release()
    assert str(busy.value) == BUSY_MESSAGE
    with store.session(ACTOR) as s:
        assert s.list_places() == []
    store.dispose()
