"""Schema upgrades, one function per version step.

`MIGRATIONS[n]` brings a database from version n-1 to n. `Store.create_or_upgrade` runs the
missing steps in one transaction and refuses databases newer than this program, so an
upgrade never loses data and a downgrade never half-happens. Version 1 is the first
schema: it is created whole, so there is no step for it.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Connection, text

from geo.store.places import adopt_places


def _places_belong_to_a_kommun(conn: Connection) -> None:
    """Version 2: a place carries its kommun, so each promise sees its own kommun's places.

    Existing places get the kommun whose boundary holds them, else that of the most recently
    signed promise (in a database with one kommun: its kommun).
    """
    conn.execute(text("ALTER TABLE places ADD COLUMN kommunkod VARCHAR(4)"))
    conn.execute(text("CREATE INDEX ix_places_kommunkod ON places (kommunkod)"))
    adopt_places(conn)


def _longer_target_rules(conn: Connection) -> None:
    """Version 3: a commitment's target rule may be format 2's `klart_senast` (12 letters).

    SQLite does not enforce a VARCHAR's length, so only PostgreSQL needs the change.
    """
    if conn.dialect.name == "postgresql":
        conn.execute(text("ALTER TABLE commitments ALTER COLUMN target_rule TYPE VARCHAR(20)"))


MIGRATIONS: dict[int, Callable[[Connection], None]] = {
    2: _places_belong_to_a_kommun,
    3: _longer_target_rules,
}
